"""Progress in words: which file, which stage and how far during an ingest; during drafting each
section's real state and the time elapsed. ragcore reports events (ragcore.progress); this
module names them in the interface language."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ragcore.progress import ProgressCallback, ProgressEvent
from studio.common import t

if TYPE_CHECKING:
    from studio.jobs import DraftJob


def stage_name(stage: str) -> str:
    names = {
        "files": t("文件", "files"),
        "parse": t("解析", "reading"),
        "pages": t("页", "pages"),
        "summarize": t("生成总结卡片", "writing summary cards"),
        "embed": t("向量化", "embedding"),
        "store": t("写入文献库", "storing"),
        "read": t("读取", "reading"),
        "evidence": t("检索证据", "retrieving evidence"),
        "draft": t("写作", "writing"),
    }
    return names.get(stage, stage)


def seconds(value: float) -> str:
    return t(f"{value:.0f} 秒", f"{value:.0f} s")


class IngestProgress:
    """A progress callback for an ingest: the label names the file (k of n), the stage with its
    count, the paper's page count once read, and the time elapsed."""

    def __init__(self, status: Any, bar: Any | None = None) -> None:
        self.status, self.bar = status, bar
        self.started = time.monotonic()
        self.file, self.position, self.files = "", 0, 0
        self.pages = 0

    def __call__(self, event: ProgressEvent) -> None:
        if event.stage == "files":
            self.file, self.files = event.message, event.total
            self.position = min(event.done + 1, event.total)
            self.pages = 0
        elif event.stage == "pages":
            self.pages = event.total
        self.status.update(label=self.label(event))
        if self.bar is not None:
            self.bar.progress(self._fraction(event), text=self.label(event))

    def label(self, event: ProgressEvent) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file} ({self.position}/{self.files})")
        if self.pages:
            parts.append(t(f"{self.pages} 页", f"{self.pages} pages"))
        if event.stage not in ("files", "pages"):
            step = f"{stage_name(event.stage)} {event.done}/{event.total}"
            if event.stage == "summarize" and event.message:
                step += f" · {event.message}"
            parts.append(step)
        parts.append(seconds(time.monotonic() - self.started))
        return " · ".join(parts)

    def _fraction(self, event: ProgressEvent) -> float:
        """Across all files: the files done plus the current stage's share of one file."""
        if not self.files:
            return event.fraction
        within = 0.0 if event.stage in ("files", "pages") else event.fraction
        return min(1.0, (self.position - 1 + within) / self.files)


def ingest_reporter(status: Any, bar: Any | None = None) -> ProgressCallback:
    return IngestProgress(status, bar)


# -- drafting ---------------------------------------------------------------------------------------
STATUS_WORDS = {
    "waiting": ("等待", "waiting"),
    "writing": ("写作中", "writing"),
    "complete": ("完成", "complete"),
    "incomplete": ("未写完", "incomplete"),
    "stopped": ("已停止", "stopped"),
    "failed": ("失败", "failed"),
}


def status_word(status: str) -> str:
    zh, en = STATUS_WORDS.get(status, (status, status))
    return t(zh, en)


def draft_phase(job: DraftJob, section_keys: list[str]) -> str:
    """What the job does now, in words: retrieving evidence (section k of n), writing the
    brief, or writing with the count of sections finished (from the sections' own states)."""
    events, _ = job.snapshot()
    statuses = [job.section_status(key) for key in section_keys]
    finished = sum(s not in ("waiting", "writing") for s in statuses)
    evidence = events.get("evidence")
    if not any(s != "waiting" for s in statuses):
        if evidence is None:
            return t("准备中…", "Starting…")
        if evidence.done < evidence.total:
            return t(
                f"检索证据：第 {evidence.done + 1}/{evidence.total} 节",
                f"Retrieving evidence: section {evidence.done + 1} of {evidence.total}",
            )
        return t("正在生成论文纲要…", "Writing the paper brief…")
    return t(
        f"写作：已完成 {finished}/{len(section_keys)} 节",
        f"Writing: {finished} of {len(section_keys)} sections finished",
    )
