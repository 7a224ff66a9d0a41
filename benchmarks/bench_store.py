"""Card store benchmark: embed-and-upsert throughput against raw encode, typed search latency.

Typed search is `CardStore.dense_search` (exact, on the in-memory snapshot); Chroma's own
filtered query on the same collection is timed beside it for reference.

    .venv/bin/python benchmarks/bench_store.py [--embedder use] [--sizes 1000 10000]

Texts are synthetic cards built from real CSL abstracts (benchmarks/data/csl_zh/corpus.jsonl),
so lengths and language match a real Chinese library.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ragcore.library.cards import Card, SummaryType
from ragcore.library.embeddings import get_embedder
from ragcore.library.store import CARDS, CardStore, make_client
from ragcore.settings import load_settings

CORPUS = Path(__file__).resolve().parent / "data" / "csl_zh" / "corpus.jsonl"


def make_cards(n: int) -> list[Card]:
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    types = list(SummaryType)
    cards = []
    for i in range(n):
        record = records[i % len(records)]
        text = f"{record['abstract']}（样本 {i}）"
        cards.append(Card(paper_id=f"paper-{i // 10}", summary_type=types[i % 10], text=text))
    return cards


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bench(embedder_name: str, n: int) -> dict[str, float]:
    embedder = get_embedder(embedder_name)
    cards = make_cards(n)
    texts = [c.text for c in cards]
    # Raw encode is timed before and after the upsert and averaged: on a shared 2-core machine
    # the load drifts, and one side-by-side pair would credit or blame the store for it.
    raw_seconds = _timed(lambda: embedder.embed(texts))
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home=Path(home), embedder=embedder_name)
        store = CardStore.open(settings, embedder)
        upsert = n / _timed(lambda: store.upsert_cards(cards))
        query = store.embed_query("基于深度学习的图像分类方法研究")
        load = _timed(store.snapshot)  # first search after start loads the snapshot
        latencies = _search_latencies(lambda t: store.dense_search(query, summary_type=t, k=5))
        collection = make_client(settings).get_collection(CARDS, embedding_function=None)
        chroma = _search_latencies(
            lambda t: collection.query(
                query_embeddings=[query],
                n_results=5,
                where={"$and": [{"summary_type": t.value}, {"state": "ready"}]},
            )
        )
        store.wait_persisted()  # the snapshot cache is written in the background into `home`
    raw = n / ((raw_seconds + _timed(lambda: embedder.embed(texts))) / 2)
    return {
        "raw": raw,
        "upsert": upsert,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95)],
        "load": load,
        "chroma_p50": statistics.median(chroma),
    }


def _search_latencies(search: Callable[[SummaryType], object], n: int = 200) -> list[float]:
    """Milliseconds of `n` typed searches, cycling through the ten types, sorted."""
    latencies = []
    for i in range(n):
        start = time.perf_counter()
        search(list(SummaryType)[i % 10])
        latencies.append((time.perf_counter() - start) * 1000)
    return sorted(latencies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default="use")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    get_embedder(args.embedder).embed(["warm up"])
    print(
        "| embedder | cards | raw encode (cards/s) | embed+upsert (cards/s) | ratio "
        "| typed search p50 (ms) | p95 (ms) | snapshot load (s) | Chroma filtered query p50 (ms) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        r = bench(args.embedder, n)
        print(
            f"| {args.embedder} | {n} | {r['raw']:.0f} | {r['upsert']:.0f} | {r['upsert'] / r['raw']:.2f} "
            f"| {r['p50']:.2f} | {r['p95']:.2f} | {r['load']:.2f} | {r['chroma_p50']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
