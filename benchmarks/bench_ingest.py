"""Ingest the dev set (the vendored PDFs in tests/data/pdfs and the 16 Markdown papers in
tests/data/papers) with the offline summarizer and the default embedders (`use`, and MiniLM for
the English channel); time and share per stage, papers/minute, and how much of the parse work
in the worker processes overlapped the rest.

Run from the repository root:
  .venv/bin/python -m benchmarks.bench_ingest [--embedder use] [--workers 0] [FILES_OR_DIRS...]
Prints markdown tables (docs/benchmarks.md, "Ingest (issue 4)" and issue 16).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ragcore.ingest.parsepool import default_workers
from ragcore.ingest.pipeline import IngestOptions, IngestPipeline
from ragcore.library.embeddings import Embedder, get_embedder
from ragcore.library.store import CardStore
from ragcore.progress import ProgressCallback
from ragcore.settings import load_settings

PAPERS = Path(__file__).resolve().parents[1] / "tests" / "data" / "papers"
PDFS = PAPERS.parent / "pdfs"


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


def dev_set() -> list[Path]:
    """The dev set: the vendored PDFs and the vendored Markdown papers."""
    return sorted(PDFS.glob("*.pdf")) + sorted(PAPERS.glob("*.md"))


def _files(paths: list[Path]) -> list[Path]:
    if not paths:
        return dev_set()
    return [f for p in paths for f in (sorted(p.glob("*.md")) if p.is_dir() else [p])]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("papers", nargs="*", type=Path, help="files or folders; default: dev set")
    parser.add_argument("--embedder", default="use")
    parser.add_argument("--english-embedder", default="auto", help="'' turns the channel off")
    parser.add_argument("--workers", type=int, default=None, help="parse processes; 0: serial")
    args = parser.parse_args()
    files = _files(args.papers)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(
            home=Path(home), embedder=args.embedder, english_embedder=args.english_embedder
        )
        embedder = TimedEmbedder(get_embedder(args.embedder))
        store = CardStore.open(settings, embedder)
        timed = [embedder]
        if store.english is not None:  # the English channel's model, timed the same way
            store.english.embedder = TimedEmbedder(store.english.embedder)
            timed.append(store.english.embedder)
        load_started = time.perf_counter()
        for each in timed:
            each.embed(["warm up"])  # model loading is not per-paper work
            each.seconds, each.texts = 0.0, 0
        load_s = time.perf_counter() - load_started
        pipeline = IngestPipeline(settings, store, IngestOptions(workers=args.workers))
        started = time.perf_counter()
        reports = pipeline.ingest(files)
        total = time.perf_counter() - started
        rerun_started = time.perf_counter()
        unchanged = pipeline.ingest(files)
        rerun = time.perf_counter() - rerun_started
        store.wait_persisted()  # the snapshot cache is written in the background into `home`
    after = os.getloadavg()
    stages = dict(pipeline.timer.seconds)
    stages["store"] = stages.get("store", 0.0) - sum(each.seconds for each in timed)
    cards = sum(len(r.cards) for r in reports)
    command = " ".join(["python -m benchmarks.bench_ingest", *sys.argv[1:]])
    print(
        f"`{command}`: {len(files)} papers ({sum(f.suffix == '.pdf' for f in files)} PDFs), "
        f"{cards} cards; embedders {', '.join(f'`{e.name}` ({e.texts} texts)' for e in timed)} "
        f"(model load {load_s:.1f} s, not counted); {os.cpu_count()} cores, "
        f"{pipeline_workers(args.workers)} parse worker(s); load average {load[0]:.1f} before, "
        f"{after[0]:.1f} after\n"
    )
    print("| stage | seconds | share of wall time |\n|---|---|---|")
    rows = [
        ("parse (waiting for the parse workers, or parsing in process)", stages.get("parse", 0.0)),
        ("clean / sections / metadata", stages.get("split", 0.0)),
        ("summarise cards (+ tags)", stages.get("summarize", 0.0)),
        *(
            (f"embed `{e.name}` ({e.texts / max(e.seconds, 1e-9):.1f} texts/s)", e.seconds)
            for e in timed
        ),
        ("store (Chroma, log, ledger; embedding taken out)", stages.get("store", 0.0)),
    ]
    rows.append(("other (file hashes, ledger reads)", total - sum(s for _, s in rows)))
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    print(f"| **total (wall)** | **{total:.2f}** | **{len(files) / total * 60:.1f} papers/min** |")
    workers = stages.get("parse in workers", 0.0)
    if workers:
        waited = stages.get("parse", 0.0)
        print(
            f"\nParse work in the worker processes: {workers:.2f} s, of which the main process "
            f"waited {waited:.2f} s: {max(0.0, workers - waited):.2f} s overlapped with "
            "summarising, embedding and storing."
        )
    print(
        f"\nRe-run on unchanged files: {rerun:.2f} s, statuses: {sorted({r.status for r in unchanged})}; "
        f"errors: {[r.error for r in reports if r.error]}"
    )


def pipeline_workers(workers: int | None) -> int:
    return default_workers() if workers is None else workers


if __name__ == "__main__":
    main()
