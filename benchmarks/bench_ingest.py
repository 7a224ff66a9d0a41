"""Ingest the 16 vendored eval papers (tests/data/papers) with the offline summarizer; time per stage, papers/minute.

Run: .venv/bin/python benchmarks/bench_ingest.py [--embedder use|minilm|fake] [PAPERS_DIR]
Prints a markdown table (the figures in docs/benchmarks.md, section "Ingest (issue 4)").
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ragcore.ingest.pipeline import IngestOptions, IngestPipeline
from ragcore.library.embeddings import Embedder, get_embedder
from ragcore.library.store import CardStore
from ragcore.progress import ProgressCallback
from ragcore.settings import load_settings

PAPERS = Path(__file__).resolve().parents[1] / "tests" / "data" / "papers"


class TimedEmbedder:
    """Wraps the real embedder to split "embed" time out of the store's writes."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.seconds = 0.0
        self.texts = 0

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> np.ndarray:  # type: ignore[type-arg]
        started = time.perf_counter()
        try:
            return self.inner.embed(texts, progress)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("papers", nargs="?", type=Path, default=PAPERS)
    parser.add_argument("--embedder", default="use")
    args = parser.parse_args()
    files = sorted(args.papers.glob("*.md"))
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home=Path(home), embedder=args.embedder)
        embedder = TimedEmbedder(get_embedder(args.embedder))
        load_started = time.perf_counter()
        embedder.embed(["warm up"])  # model loading is not per-paper work
        load_s = time.perf_counter() - load_started
        embedder.seconds = 0.0
        store = CardStore.open(settings, embedder)
        pipeline = IngestPipeline(settings, store, IngestOptions())
        started = time.perf_counter()
        reports = pipeline.ingest(files)
        total = time.perf_counter() - started
        rerun_started = time.perf_counter()
        unchanged = pipeline.ingest(files)
        rerun = time.perf_counter() - rerun_started
        store.wait_persisted()  # the snapshot cache is written in the background into `home`
    stages = dict(pipeline.timer.seconds)
    stages["embed"] = embedder.seconds
    stages["store"] = stages.get("store", 0.0) - embedder.seconds
    cards = sum(len(r.cards) for r in reports)
    print(
        f"{len(files)} papers, {cards} cards, {embedder.texts} texts embedded, embedder `{args.embedder}` "
        f"(model load {load_s:.1f} s, not counted), {os.cpu_count()} cores\n"
    )
    print("| stage | seconds | share |\n|---|---|---|")
    for name in ("parse", "split", "summarize", "embed", "store"):
        print(f"| {name} | {stages.get(name, 0.0):.2f} | {stages.get(name, 0.0) / total:.0%} |")
    print(f"| **total** | **{total:.2f}** | papers/minute: **{len(files) / total * 60:.0f}** |")
    print(
        f"\nRe-run on unchanged files: {rerun:.2f} s, statuses: {sorted({r.status for r in unchanged})}; "
        f"errors: {[r.error for r in reports if r.error]}"
    )


if __name__ == "__main__":
    main()
