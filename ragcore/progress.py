"""The progress seam: pipeline stages report through a callback; the CLI draws a rich bar,
the app an `st.status`/progress bar. ragcore itself never renders anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    stage: str  # e.g. "embed", "parse", "summarize", "section:方法"
    done: int
    total: int
    message: str = ""

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)


ProgressCallback = Callable[[ProgressEvent], None]


def report(
    callback: ProgressCallback | None, stage: str, done: int, total: int, message: str = ""
) -> None:
    if callback is not None:
        callback(ProgressEvent(stage, done, total, message))
