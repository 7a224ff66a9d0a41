"""Helpers shared by the seed-format parsers: label tables, rules and line scanning."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ragcore.library.cards import SummaryType

# Rules as the seeds print them; parsers accept any run of at least four.
HEAVY_RULE = "=" * 80
LIGHT_RULE = "-" * 50
CARD_RULE = "~" * 30
HEAVY_RULE_RE = re.compile(r"^={4,}\s*$")
LIGHT_RULE_RE = re.compile(r"^-{4,}\s*$")
CARD_RULE_RE = re.compile(r"^~{4,}\s*$")

# A field line `名称：值` (full-width colon in Chinese, ASCII colon in English).
FIELD_RE = re.compile(r"^(?P<name>[^：:\n]{1,40}?)\s*[：:]\s?(?P<value>.*)$")


@dataclass(frozen=True)
class ParseIssue:
    """A line the tolerant parser could not use; `line` is 1-based."""

    line: int
    message: str


def parse_type_label(raw: str) -> SummaryType | None:
    """A summary type from any accepted spelling, or None (parsers then report the line)."""
    try:
        return SummaryType.parse(raw)
    except ValueError:
        return None


def strip_blank_edges(lines: list[str]) -> list[str]:
    """Drop leading and trailing blank lines (inner blank lines are part of a card's text)."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def join_text(lines: list[str]) -> str:
    """Card text from its lines: blank edges dropped, trailing spaces kept inside (Markdown
    line breaks), and the whole text stripped at both ends."""
    return "\n".join(strip_blank_edges(lines)).strip()


def format_score(score: float) -> str:
    return f"{score:.4f}"
