"""Ingest cost of the English dense channel (issue 16.3): English cards embedded by the
multilingual model and by MiniLM, against the raw encoders on the same texts in the same run.

    .venv/bin/python benchmarks/bench_english.py [--repeat 2]

Texts: the 183 English section records of benchmarks/data/papers_en (title + text, as
`ragcore eval retrieval` makes cards of them). "raw" is each encoder alone on all texts; the
floor for the store with both channels is the two encoders back to back (1 / (1/a + 1/b));
"embed+upsert" is `CardStore.upsert_cards` in a fresh home (existence checks, both embeddings,
both Chroma adds). Raw encodes are timed before and after the upsert and averaged.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ragcore.library.cards import Card  # noqa: E402
from ragcore.library.embeddings import get_embedder  # noqa: E402
from ragcore.library.store import CardStore  # noqa: E402
from ragcore.settings import load_settings  # noqa: E402


def _cards() -> list[Card]:
    lines = (REPO / "benchmarks/data/papers_en/corpus.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in lines.splitlines()]
    return [
        Card(paper_id=r["id"], summary_type="Metric", text=f"{r['title']}\n{r['abstract']}")
        for r in records
    ]


def _timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    cards, use, minilm = _cards(), get_embedder("use"), get_embedder("minilm")
    texts = [c.text for c in cards]
    use.embed(["warm up"]), minilm.embed(["warm up"])
    load = os.getloadavg()
    print(
        "| run | raw use (cards/s) | raw minilm | floor, both | embed+upsert, use only | ratio | embed+upsert, use + minilm | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for run in range(args.repeat):
        raw_use = [_timed(lambda: use.embed(texts))]
        raw_minilm = [_timed(lambda: minilm.embed(texts))]
        rates = {}
        for english in ("", "minilm"):
            with tempfile.TemporaryDirectory() as home:
                settings = load_settings(home=Path(home), embedder="use", english_embedder=english)
                store = CardStore.open(settings)
                rates[english] = len(cards) / _timed(lambda s=store: s.upsert_cards(cards))
                store.wait_persisted()
        raw_use.append(_timed(lambda: use.embed(texts)))
        raw_minilm.append(_timed(lambda: minilm.embed(texts)))
        a = len(texts) / (sum(raw_use) / 2)
        b = len(texts) / (sum(raw_minilm) / 2)
        both = 1 / (1 / a + 1 / b)
        print(
            f"| {run + 1} | {a:.1f} | {b:.1f} | {both:.1f} | {rates['']:.1f} | {rates[''] / a:.2f} "
            f"| {rates['minilm']:.1f} | {rates['minilm'] / both:.2f} |"
        )
    after = os.getloadavg()
    print(f"\nload average before {load[0]:.2f}, after {after[0]:.2f}; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
