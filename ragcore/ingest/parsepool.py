"""Parse files in a bounded pool of worker processes (cores − 1, at least one), so the layout
model reads the next PDFs while this process summarizes, embeds and stores the previous one.
Page progress comes back from the workers through a queue, as "parse" progress events."""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import time
import types
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ragcore.ingest.formats import parse_file
from ragcore.ingest.model import ParsedDocument
from ragcore.progress import ProgressCallback, report

_POLL_S = 0.2


def default_workers() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


def _parse(path: Path, max_bytes: int, pages: Any) -> tuple[ParsedDocument, float]:
    def on_page(done: int, total: int) -> None:
        pages.put((path.name, done, total))

    started = time.perf_counter()
    return parse_file(path, max_bytes, on_page), time.perf_counter() - started


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Start child processes without the parent's `__main__`. A spawned child first re-runs the
    parent's main script; a script without a main guard (a Streamlit page, an AppTest script,
    a notebook) then runs again in every worker and the pool breaks. The workers need only this
    module, which they import by name, so they are started with an empty stand-in main (also
    sparing them the CLI's imports). Children start only in `__init__` and `submit`."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class ParsePool:
    """`submit` files, then `result` each in turn while page progress is relayed."""

    def __init__(self, workers: int | None = None) -> None:
        # "spawn": the parent holds threads (Chroma, tokenizers) that a fork would copy mid-lock.
        context = multiprocessing.get_context("spawn")
        with _main_hidden():
            self._manager = context.Manager()
        self._pages: Any = self._manager.Queue()
        self._pool = ProcessPoolExecutor(workers or default_workers(), mp_context=context)
        self._futures: dict[Path, Future[tuple[ParsedDocument, float]]] = {}
        # Seconds the workers spent parsing: against the time the caller waited for results,
        # it tells how much parsing overlapped the caller's own work (summarize, embed, store).
        self.worker_seconds = 0.0

    def submit(self, path: Path, max_bytes: int) -> None:
        with _main_hidden():  # the pool starts a worker here when it needs one
            self._futures[path] = self._pool.submit(_parse, path, max_bytes, self._pages)

    def result(self, path: Path, progress: ProgressCallback | None) -> ParsedDocument:
        """The parsed file (or its InputError, raised here), relaying page progress meanwhile."""
        future = self._futures.pop(path)
        while not future.done():
            self._relay(progress, _POLL_S)
        self._relay(progress, 0)
        parsed, seconds = future.result()
        self.worker_seconds += seconds
        return parsed

    def _relay(self, progress: ProgressCallback | None, wait: float) -> None:
        try:
            while True:
                name, done, total = (
                    self._pages.get(timeout=wait) if wait else self._pages.get_nowait()
                )
                report(progress, "parse", done, total, f"{name}: page {done}/{total}")
                wait = 0
        except queue.Empty:
            return

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._manager.shutdown()

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
