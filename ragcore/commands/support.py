"""Helpers shared by CLI commands: a rich progress bar behind ragcore's progress seam."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ragcore.progress import ProgressCallback, ProgressEvent


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    """A progress callback drawing one bar per stage on stderr (quiet when not a terminal)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def callback(event: ProgressEvent) -> None:
            if event.stage not in tasks:
                tasks[event.stage] = bar.add_task(
                    f"{description}: {event.stage}", total=event.total
                )
            bar.update(tasks[event.stage], completed=event.done, total=event.total)

        yield callback
