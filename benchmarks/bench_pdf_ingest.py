"""PDF ingest speed on the vendored dev PDFs (tests/data/pdfs): raw `pymupdf4llm.to_markdown`
next to our parse alone and to the whole ingest (parse in the process pool, summarize, embed,
store), as pages/s and papers/min. Prints markdown tables (docs/ingest.md, "Benchmarks").

Run from the repository root: .venv/bin/python -m benchmarks.bench_pdf_ingest [--embedder use]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pymupdf
import pymupdf4llm

from benchmarks.bench_ingest import TimedEmbedder
from ragcore.ingest.formats import parse_file
from ragcore.ingest.parsepool import default_workers
from ragcore.ingest.pipeline import IngestOptions, IngestPipeline
from ragcore.library.embeddings import get_embedder
from ragcore.library.store import CardStore
from ragcore.settings import load_settings

PDFS = Path(__file__).resolve().parents[1] / "tests" / "data" / "pdfs"


def _rate(pages: int, papers: int, seconds: float) -> str:
    return f"{seconds:.1f} | {pages / seconds:.2f} | {papers / seconds * 60:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default="use")
    args = parser.parse_args()
    files = sorted(PDFS.glob("*.pdf"))
    pages = sum(pymupdf.open(f).page_count for f in files)
    started = time.perf_counter()
    for path in files:
        pymupdf4llm.to_markdown(str(path), page_chunks=True, use_ocr=False)
    raw = time.perf_counter() - started
    started = time.perf_counter()
    for path in files:
        parse_file(path)
    ours = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home=Path(home), embedder=args.embedder)
        embedder = TimedEmbedder(get_embedder(args.embedder))
        embedder.embed(["warm up"])  # model loading is not per-paper work
        embedder.seconds = 0.0
        store = CardStore.open(settings, embedder)
        pipeline = IngestPipeline(settings, store, IngestOptions())
        started = time.perf_counter()
        reports = pipeline.ingest(files)
        total = time.perf_counter() - started
    stages = dict(pipeline.timer.seconds)
    stages["store"] = stages.get("store", 0.0) - embedder.seconds
    print(
        f"{len(files)} PDFs, {pages} pages, {os.cpu_count()} cores, {default_workers()} parse "
        f"worker(s), embedder `{args.embedder}`, {sum(len(r.cards) for r in reports)} cards, "
        f"{embedder.texts} texts embedded; errors: {[r.error for r in reports if r.error]}\n"
    )
    print("| run | seconds | pages/s | papers/min |\n|---|---|---|---|")
    print(
        f"| raw `pymupdf4llm.to_markdown` (in process, one file after another) | {_rate(pages, len(files), raw)} |"
    )
    print(
        f"| our parse alone (layout + headings + metadata, in process) | {_rate(pages, len(files), ours)} |"
    )
    print(
        f"| **whole ingest** (parse pool + summarize + embed + store) | {_rate(pages, len(files), total)} |"
    )
    print(f"\nWhole ingest / raw parse rate: **{raw / total:.2f}×**\n")
    print("| stage of the whole ingest (main process) | seconds |\n|---|---|")
    print(f"| waiting for parses (not overlapped) | {stages.get('parse', 0.0):.1f} |")
    for name in ("split", "summarize"):
        print(f"| {name} | {stages.get(name, 0.0):.1f} |")
    print(f"| embed | {embedder.seconds:.1f} |\n| store (without embed) | {stages['store']:.1f} |")


if __name__ == "__main__":
    main()
