"""Convert a public BEIR-style English retrieval set into a `ragcore eval retrieval` folder.

The expert-labelled English set is kept OUTSIDE the repository (held-out data: we measure on it,
we never tune on it). This script only converts; see docs/embedders.md ("English held-out set")
for the set used, its source and licence, and the figures.

    python -m benchmarks.heldout_en --source /work/heldout/src --out /work/heldout/scifact_en
    RAGCORE_EMBEDDER=use ragcore eval retrieval /work/heldout/scifact_en

`--source` holds either the BEIR layout (`corpus.jsonl` with `_id`/`title`/`text`,
`queries.jsonl` with `_id`/`text`, `qrels/<split>.tsv`) or, for SciFact, the CSV release
(`corpus_train.csv`, `claims_validation.csv`) next to BEIR's `qrels/<split>.tsv` (or
`qrels_<split>.tsv`). Only queries with judgements are kept. BEIR judgements are binary; a
judged document becomes grade 2 (our evaluator's recall counts grade >= 2; nDCG@10 is the
same for any single positive grade).

`--sample N` keeps every judged document plus N others drawn with `--seed` (a documented
subset for a slow machine); without it the whole corpus is written.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import random
import sys
import tokenize
from pathlib import Path
from typing import Any

RELEVANT = 2
csv.field_size_limit(sys.maxsize)  # SciFact abstracts are longer than csv's default limit


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _sentences(repr_text: str) -> list[str]:
    """The SciFact CSV stores an abstract as the printed form of a list of sentences, without
    commas between them (`['First.'\\n 'Second.']`); read each string literal in it."""
    tokens = tokenize.generate_tokens(io.StringIO(repr_text).readline)
    return [ast.literal_eval(t.string) for t in tokens if t.type == tokenize.STRING]


def read_corpus(source: Path) -> list[dict[str, str]]:
    if (source / "corpus.jsonl").is_file():
        rows = _read_jsonl(source / "corpus.jsonl")
        return [
            {"id": str(r["_id"]), "title": r.get("title", ""), "abstract": r["text"]} for r in rows
        ]
    if (source / "corpus_train.csv").is_file():
        with (source / "corpus_train.csv").open(encoding="utf-8", newline="") as handle:
            return [
                {
                    "id": row["doc_id"],
                    "title": row["title"],
                    "abstract": " ".join(_sentences(row["abstract"])),
                }
                for row in csv.DictReader(handle)
            ]
    raise SystemExit(f"{source}: no corpus.jsonl (BEIR) or corpus_train.csv (SciFact CSV)")


def read_queries(source: Path) -> dict[str, str]:
    if (source / "queries.jsonl").is_file():
        return {str(r["_id"]): r["text"] for r in _read_jsonl(source / "queries.jsonl")}
    if (source / "claims_validation.csv").is_file():
        # SciFact's dev claims are BEIR's test queries; a claim repeats once per evidence row.
        with (source / "claims_validation.csv").open(encoding="utf-8", newline="") as handle:
            return {row["id"]: row["claim"] for row in csv.DictReader(handle)}
    raise SystemExit(f"{source}: no queries.jsonl (BEIR) or claims_validation.csv (SciFact CSV)")


def read_qrels(source: Path, split: str) -> dict[str, dict[str, int]]:
    for path in (source / "qrels" / f"{split}.tsv", source / f"qrels_{split}.tsv"):
        if path.is_file():
            break
    else:
        raise SystemExit(f"{source}: no qrels/{split}.tsv")
    qrels: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) != 3 or not parts[2].isdigit():
            continue  # the header line
        if int(parts[2]) > 0:
            qrels.setdefault(parts[0], {})[parts[1]] = RELEVANT
    return qrels


def subset(
    corpus: list[dict[str, str]], qrels: dict[str, dict[str, int]], others: int, seed: int
) -> list[dict[str, str]]:
    judged = {doc for grades in qrels.values() for doc in grades}
    rest = [r for r in corpus if r["id"] not in judged]
    keep = judged | {r["id"] for r in random.Random(seed).sample(rest, min(others, len(rest)))}
    return [r for r in corpus if r["id"] in keep]


def convert(source: Path, out: Path, split: str, sample: int | None, seed: int) -> dict[str, int]:
    corpus, queries, qrels = read_corpus(source), read_queries(source), read_qrels(source, split)
    qrels = {q: g for q, g in qrels.items() if q in queries}
    if sample is not None:
        corpus = subset(corpus, qrels, sample, seed)
    ids = {r["id"] for r in corpus}
    missing = sorted({d for g in qrels.values() for d in g} - ids)
    if missing and sample is None:
        raise SystemExit(f"judged documents missing from the corpus: {missing[:5]}")
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for record in corpus:
            handle.write(json.dumps({**record, "lang": "en"}, ensure_ascii=False) + "\n")
    with (out / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for qid in sorted(qrels, key=lambda q: (len(q), q)):
            row = {"qid": qid, "text": queries[qid], "lang": "en"}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (out / "qrels.tsv").open("w", encoding="utf-8") as handle:
        handle.write("qid\tdocid\tgrade\n")
        for qid, grades in qrels.items():
            for doc, grade in grades.items():
                handle.write(f"{qid}\t{doc}\t{grade}\n")
    return {"docs": len(corpus), "queries": len(qrels), "judgements": sum(map(len, qrels.values()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--sample", type=int, default=None, help="unjudged documents to keep")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(convert(args.source, args.out, args.split, args.sample, args.seed)))


if __name__ == "__main__":
    main()
