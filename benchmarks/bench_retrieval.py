"""Retrieval and context benchmark (issue 5). Prints markdown tables.

1. Full ten-type listing (`retrieve_all_types`, k=5) at several library sizes: p50/p95 against
   the floor of one query embedding plus ten raw filtered Chroma queries (k=5), and the first
   listing after one card edit (the snapshot's incremental refresh).
   Synthetic cards; stores are built with the fake embedder (the real ones are too slow to embed
   100k cards on 2 cores) and queried through the same code path as `ragcore search`.
2. Context tokens per section against the seed files, for the same distinct cards.

Usage: .venv/bin/python benchmarks/bench_retrieval.py [--sizes 1000,10000] [--queries 30]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ragcore.documents.section_context import parse_context
from ragcore.library.cards import Card, SummaryType
from ragcore.library.embeddings import Vectors
from ragcore.library.store import CARDS, CardStore, make_client
from ragcore.retrieval.context import build_context, count_tokens
from ragcore.retrieval.evidence import EvidenceItem, SectionEvidence
from ragcore.retrieval.hybrid import retrieve_all_types
from ragcore.retrieval.lexical import index_for, wait_persisted
from ragcore.retrieval.sectionplan import SectionSpec, load_plan
from ragcore.retrieval.snippets import Snippet
from ragcore.settings import Settings, load_settings

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "data" / "seeds"
WORDS_EN = [
    "deep",
    "learning",
    "graph",
    "neural",
    "network",
    "image",
    "classification",
    "transformer",
    "attention",
    "scheduling",
    "gpu",
    "cluster",
    "memory",
    "compiler",
    "sparse",
    "quantization",
    "pruning",
    "accuracy",
    "latency",
    "throughput",
    "federated",
    "privacy",
    "recommendation",
    "retrieval",
    "segmentation",
    "detection",
    "robustness",
    "benchmark",
]
WORDS_ZH = [
    "深度学习",
    "图神经网络",
    "图像分类",
    "注意力",
    "调度",
    "显存",
    "编译器",
    "稀疏",
    "量化",
    "剪枝",
    "精度",
    "延迟",
    "吞吐",
    "联邦",
    "隐私",
    "推荐",
    "检索",
    "分割",
    "检测",
    "鲁棒性",
]


def synthetic_cards(n: int, seed: int = 0) -> list[Card]:
    rng = random.Random(seed)
    types = list(SummaryType)
    cards = []
    for i in range(n):
        words = rng.sample(WORDS_ZH if i % 2 else WORDS_EN, 8)
        text = ("，".join(words) + "。") if i % 2 else (" ".join(words).capitalize() + ".")
        cards.append(Card(paper_id=f"p{i // 10}", summary_type=types[i % 10], text=f"{text} #{i}"))
    return cards


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def chroma_floor(settings: Settings, vector: Vectors) -> None:
    """The floor: ten raw filtered Chroma queries (k=5), one per summary type."""
    collection = make_client(settings).get_collection(CARDS, embedding_function=None)
    for summary_type in SummaryType:
        where = {"$and": [{"summary_type": summary_type.value}, {"state": "ready"}]}
        collection.query(query_embeddings=[vector], n_results=5, where=where)


def latency(size: int, n_queries: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home=Path(home), embedder="fake")
        store = CardStore.open(settings)
        start = time.perf_counter()
        store.upsert_cards(synthetic_cards(size))
        build = time.perf_counter() - start
        start = time.perf_counter()
        index_for(store)  # loads the snapshot (cards + vectors) and builds BM25
        load = time.perf_counter() - start
        rng = random.Random(1)
        topics = [
            " ".join(rng.sample(rng.choice([WORDS_EN, WORDS_ZH]), 3)) for _ in range(n_queries)
        ]
        full, floor = [], []
        retrieve_all_types(store, topics[0], k=5, settings=settings)  # warm-up
        for topic in topics:
            t0 = time.perf_counter()
            chroma_floor(settings, store.embed_query(topic))
            floor.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            retrieve_all_types(store, topic, k=5, settings=settings)
            full.append(time.perf_counter() - t0)
        edit = time_listing_after_edit(store, settings, topics[0])
        store.wait_persisted()  # background cache writes go into `home`
        wait_persisted()
    ms = 1000.0
    return {
        "build_s": build,
        "load_s": load,
        "p50": statistics.median(full) * ms,
        "p95": percentile(full, 0.95) * ms,
        "floor_p50": statistics.median(floor) * ms,
        "floor_p95": percentile(floor, 0.95) * ms,
        "edit_ms": edit * ms,
    }


def time_listing_after_edit(store: CardStore, settings: Settings, topic: str) -> float:
    """One card edited (as on the Evidence page), then the next listing: the refresh cost."""
    old = store.get_cards(summary_type=SummaryType.METHODOLOGY)[0]
    edited = Card(paper_id=old.paper_id, summary_type=old.summary_type, text=old.text + " (edited)")
    store.replace_card(old.card_id, edited)
    t0 = time.perf_counter()
    retrieve_all_types(store, topic, k=5, settings=settings)
    return time.perf_counter() - t0


_SEED_SECTIONS = {"000": "conclusion", "002": "method", "003": "introduction"}


def seed_tokens() -> list[tuple[str, int, int, int, int]]:
    """(seed, seed tokens, our tokens, seed cards, distinct cards) for the same distinct content."""
    rows = []
    plan = load_plan()
    for prefix, key in _SEED_SECTIONS.items():
        path = next(SEEDS.glob(f"{prefix}_*.txt"))
        raw = path.read_text(encoding="utf-8")
        [section] = parse_context(raw).sections
        cards = section.cards()
        distinct = list({(t, c.text.strip()): (t, c) for t, c in cards}.values())
        items = [
            EvidenceItem(Card(paper_id=c.paper_id, summary_type=t, text=c.text), 1.0 - n / 100)
            for n, (t, c) in enumerate(distinct)
        ]
        counts: dict[SummaryType, int] = {}
        for t, _ in distinct:
            counts[t] = counts.get(t, 0) + 1
        base = plan.find(key)
        spec = SectionSpec(
            **{**base.model_dump(), "types": {t.value: n for t, n in counts.items()}}
        )
        snippets = [
            Snippet(e.paper_id, e.section, f, 1.0) for e in section.excerpts for f in e.fragments
        ]
        built = build_context(
            SectionEvidence(key, "", items), spec, lang="zh", budget=100_000, snippets=snippets
        )
        rows.append((path.name, count_tokens(raw), built.tokens, len(cards), len(distinct)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    print(
        "| cards | store build s | snapshot + BM25 load s | listing p50 ms | p95 ms "
        "| floor p50 ms | floor p95 ms | p50 / floor | listing after one edit ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = latency(size, args.queries)
        print(
            f"| {size:,} | {r['build_s']:.1f} | {r['load_s']:.2f} | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {r['floor_p50']:.1f} | {r['floor_p95']:.1f} | {r['p50'] / r['floor_p50']:.2f}x "
            f"| {r['edit_ms']:.0f} |",
            flush=True,
        )
    print()
    print("| seed | seed tokens | our tokens | ratio | seed cards | distinct cards |")
    print("|---|---|---|---|---|---|")
    for name, seed, ours, n_cards, n_distinct in seed_tokens():
        print(f"| {name} | {seed} | {ours} | {ours / seed:.2f}x | {n_cards} | {n_distinct} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
