"""What an import did, per file: added, skipped and rejected cards (with why), and errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ragcore.library.cards import Card


@dataclass(frozen=True)
class Problem:
    """A line of a file that could not be used (line 0 = the file as a whole)."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.reason}"


@dataclass
class CardNote:
    """One card of a file and what happened to it; `reason` is empty for added cards."""

    card: Card
    line: int
    reason: str = ""


@dataclass
class FileReport:
    path: Path
    format: str = ""  # "listing", "context", "jsonl"; empty when the file could not be read
    encoding: str = ""
    added: list[CardNote] = field(default_factory=list)
    skipped: list[CardNote] = field(default_factory=list)  # duplicate / already in store
    rejected: list[CardNote] = field(default_factory=list)  # prompt template / superseded
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # e.g. decoded as GB18030
    replaced: list[str] = field(default_factory=list)  # stored truncated cards given way
    raw_chunks_added: int = 0
    raw_chunks_rejected: int = 0


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def added(self) -> list[CardNote]:
        return [note for f in self.files for note in f.added]

    @property
    def skipped(self) -> list[CardNote]:
        return [note for f in self.files for note in f.skipped]

    @property
    def rejected(self) -> list[CardNote]:
        return [note for f in self.files for note in f.rejected]

    @property
    def errors(self) -> list[Problem]:
        return [problem for f in self.files for problem in f.errors]

    @property
    def raw_chunks_added(self) -> int:
        return sum(f.raw_chunks_added for f in self.files)
