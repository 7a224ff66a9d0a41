"""Data shapes passed between the ingest stages: parsed blocks, sections, per-file reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ragcore.library.cards import SummaryType

# The roles a paper section can have, in the order they appear in a paper ("other" last).
ROLES = (
    "abstract",
    "introduction",
    "related work",
    "method",
    "experiments",
    "results",
    "discussion",
    "conclusion",
    "references",
    "appendix",
    "other",
)


@dataclass
class Block:
    """One paragraph (or line run) of a parsed file.

    `heading_level` is set when the format itself marks a heading (Markdown `#`, LaTeX
    `\\section`, JATS `<title>`); `emphasis` is a layout hint (bold or larger font in a PDF) for
    formats where headings must be detected from the text.
    """

    text: str
    heading_level: int | None = None
    emphasis: bool = False
    role_hint: str | None = None  # the format says so: \appendix, <ref-list>, abstract element
    pages: tuple[int, ...] = ()  # 1-based PDF pages the block's text comes from
    # (offset in `text`, page) where each page's part starts, when the block spans pages.
    page_starts: tuple[tuple[int, int], ...] = ()
    kind: str = "body"  # "body", or "caption"/"footnote": kept apart from the running text


@dataclass
class ParsedDocument:
    path: Path
    fmt: str  # "pdf", "markdown", "latex", "text", "jats"
    blocks: list[Block]
    # Metadata the format states explicitly (PDF info dict, LaTeX \title, JATS front matter).
    hints: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    pages: int = 0  # a PDF's page count (0: the format has no pages)
    # Problems that did not stop the read (garbled glyph map, layout fallback), shown per paper.
    warnings: list[str] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


@dataclass
class Section:
    heading: str  # the original heading line, "" for text before the first heading
    role: str
    level: int
    text: str
    number: str = ""  # "2.1" for numbered headings
    pages: list[int] = field(default_factory=list)  # 1-based PDF pages (empty for other formats)
    # (offset in `text`, page) where each page's part of the text starts, for finer anchors.
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # captions and footnotes, apart from `text`

    @property
    def is_heading(self) -> bool:
        return bool(self.heading)


@dataclass
class FailedSummary:
    summary_type: SummaryType
    reason: str


@dataclass
class FileReport:
    """What happened to one file; the CLI `--json` output is `to_json()` of these."""

    file: str
    paper_id: str = ""
    title: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, role)
    cards: list[tuple[str, SummaryType]] = field(default_factory=list)  # (card_id, type)
    failed: list[FailedSummary] = field(default_factory=list)
    error: str | None = None
    status: str = "ingested"  # "ingested", "unchanged", "failed"
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "paper_id": self.paper_id,
            "title": self.title,
            "status": self.status,
            "sections": [{"heading": h, "role": r} for h, r in self.sections],
            "cards": [{"card_id": c, "summary_type": t.value} for c, t in self.cards],
            "failed": [
                {"summary_type": f.summary_type.value, "reason": f.reason} for f in self.failed
            ],
            "error": self.error,
            "warnings": list(self.warnings),
        }
