"""Retrieval evaluation: `ragcore eval retrieval DIR` on corpus.jsonl / queries.jsonl / qrels.tsv.

Each corpus record (title + abstract) becomes one card in a temporary home, embedded with the
configured embedder; every query then runs through `retrieval.search_type`, the code path of
`ragcore search`, once per channel (bm25, dense, and the configured hybrid fusion). A query's
`exclude_docid` is left out of its ranking. Metrics: nDCG@10 over graded judgements, and
recall@10 / recall@100 of the documents graded >= 2.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ragcore.errors import InputError
from ragcore.library.cards import Card, SummaryType
from ragcore.library.store import CardStore
from ragcore.progress import ProgressCallback, report
from ragcore.retrieval.hybrid import Query, english_channel, search_type
from ragcore.retrieval.lexical import forget, tokenize, wait_persisted
from ragcore.settings import Settings
from ragcore.text import detect_lang

CHANNELS = ("bm25", "dense", "hybrid")
EVAL_TYPE = SummaryType.BACKGROUND  # every record is one card of one type
DEPTH = 100
RELEVANT_GRADE = 2


@dataclass
class EvalQuery:
    qid: str
    text: str
    exclude_docid: str | None = None


@dataclass
class EvalSet:
    corpus: list[dict[str, Any]]
    queries: list[EvalQuery]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise InputError(
            f"{path}: file not found (an evaluation folder needs corpus.jsonl, "
            "queries.jsonl and qrels.tsv)"
        )
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}: expected a JSON object")
        yield number, record


def _qrels(path: Path) -> dict[str, dict[str, int]]:
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t")
        if not line.strip() or parts[0] == "qid":
            continue
        if len(parts) != 3 or not parts[2].strip().lstrip("-").isdigit():
            raise InputError(f"{path}:{number}: expected `qid<TAB>docid<TAB>grade`")
        qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return qrels


def load_eval_set(folder: Path) -> EvalSet:
    corpus = []
    for number, record in _jsonl(folder / "corpus.jsonl"):
        if not record.get("id") or not (record.get("title") or record.get("abstract")):
            raise InputError(
                f"{folder / 'corpus.jsonl'}:{number}: needs `id` and a title or abstract"
            )
        corpus.append(record)
    queries = []
    for number, record in _jsonl(folder / "queries.jsonl"):
        if not record.get("qid") or not str(record.get("text", "")).strip():
            raise InputError(f"{folder / 'queries.jsonl'}:{number}: needs `qid` and `text`")
        queries.append(
            EvalQuery(str(record["qid"]), str(record["text"]), record.get("exclude_docid"))
        )
    if not corpus or not queries:
        raise InputError(f"{folder}: the corpus or the query file is empty")
    return EvalSet(corpus, queries, _qrels(folder / "qrels.tsv"))


# ------------------------------------------------------------------ metrics


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    gain = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int) -> float | None:
    relevant = {d for d, g in grades.items() if g >= RELEVANT_GRADE}
    if not relevant:
        return None
    return len(relevant & set(ranked[:k])) / len(relevant)


# ------------------------------------------------------------------ running


def _card(record: dict[str, Any]) -> Card:
    text = "\n".join(str(record.get(f) or "") for f in ("title", "abstract")).strip()
    return Card(
        paper_id=str(record["id"]),
        summary_type=EVAL_TYPE,
        text=text,
        title=str(record.get("title") or ""),
    )


def _fusion_of(channel: str, settings: Settings) -> str:
    return channel if channel != "hybrid" else settings.retrieval.fusion


def run_eval(
    folder: Path, settings: Settings, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Index the corpus in a temporary home and score each channel; the `--json` result."""
    data = load_eval_set(folder)
    with tempfile.TemporaryDirectory(prefix="ragcore-eval-") as home:
        temp = settings.model_copy(update={"home": Path(home), "chroma_url": None})
        # One card per paper and type means the eval needs no per-paper cap beyond 1.
        store = CardStore.open(temp)
        store.upsert_cards([_card(r) for r in data.corpus], progress)
        sums = {c: {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0} for c in CHANNELS}
        counted = {c: 0 for c in CHANNELS}
        for done, query in enumerate(data.queries, start=1):
            vector = store.embed_query(query.text)
            lang = detect_lang(query.text)
            english = english_channel(store, query.text, lang)
            prepared = Query(query.text, lang, tokenize(query.text), vector, None, english)
            grades = data.qrels.get(query.qid, {})
            excluded = [query.exclude_docid] if query.exclude_docid else []
            for channel in CHANNELS:
                result = search_type(
                    store,
                    prepared,
                    EVAL_TYPE,
                    k=DEPTH,
                    settings=temp,
                    fusion=_fusion_of(channel, temp),
                    exclude_papers=excluded,
                )
                ranked = [item.paper_id for item in result.items]
                sums[channel]["ndcg@10"] += ndcg_at(ranked, grades)
                r10, r100 = recall_at(ranked, grades, 10), recall_at(ranked, grades, 100)
                if r10 is not None and r100 is not None:
                    sums[channel]["recall@10"] += r10
                    sums[channel]["recall@100"] += r100
                    counted[channel] += 1
            report(progress, "queries", done, len(data.queries))
        forget(store)
        store.wait_persisted()  # the caches are written in the background, into `home`
        wait_persisted()
    n = len(data.queries)
    channels = {
        c: {
            "ndcg@10": round(sums[c]["ndcg@10"] / n, 4),
            "recall@10": round(sums[c]["recall@10"] / max(1, counted[c]), 4),
            "recall@100": round(sums[c]["recall@100"] / max(1, counted[c]), 4),
        }
        for c in CHANNELS
    }
    return {
        "channels": channels,
        "queries": n,
        "embedder": settings.embedder,
        "fusion": settings.retrieval.fusion,
    }


def render_eval(result: dict[str, Any]) -> str:
    lines = [
        f"queries: {result['queries']}  embedder: {result['embedder']}  fusion: {result['fusion']}",
        "| channel | nDCG@10 | recall@10 | recall@100 |",
        "|---|---|---|---|",
    ]
    for channel, m in result["channels"].items():
        lines.append(
            f"| {channel} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | {m['recall@100']:.3f} |"
        )
    return "\n".join(lines)
