"""Measure heading detection and role assignment against papers whose headings are known.

The shared eval papers are Markdown: their `#` headings are the ground truth. To test detection
on text without markup, each file is also rendered as plain text with the `#` marks removed
(everything else, including blank lines and hard line breaks, unchanged) and parsed as `.txt`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ragcore.ingest.formats import markdown, plaintext
from ragcore.ingest.model import ROLES, ParsedDocument
from ragcore.ingest.sections import split_sections
from ragcore.text import normalize_space

_HEADING_MARK = re.compile(r"^#{1,6}[ \t]*", re.MULTILINE)


def plain_rendering(markdown_text: str) -> str:
    return _HEADING_MARK.sub("", markdown_text)


@dataclass
class Scores:
    gold_headings: int = 0
    found_headings: int = 0
    matched_headings: int = 0
    role_correct: int = 0  # among matched headings
    role_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted)

    @property
    def precision(self) -> float:
        return self.matched_headings / self.found_headings if self.found_headings else 0.0

    @property
    def recall(self) -> float:
        return self.matched_headings / self.gold_headings if self.gold_headings else 0.0

    @property
    def role_accuracy(self) -> float:
        return self.role_correct / self.matched_headings if self.matched_headings else 0.0

    def role_precision_recall(self, role: str) -> tuple[float, float, int]:
        predicted = sum(n for (_, p), n in self.role_confusion.items() if p == role)
        gold = sum(n for (g, _), n in self.role_confusion.items() if g == role)
        right = self.role_confusion[(role, role)]
        return (right / predicted if predicted else 0.0, right / gold if gold else 0.0, gold)

    def roles_seen(self) -> list[str]:
        return [r for r in ROLES if any(r in pair for pair in self.role_confusion)]


def _key(heading: str) -> str:
    return normalize_space(heading).lower()


def score_document(doc: ParsedDocument, gold: list[tuple[str, str]], scores: Scores) -> None:
    """Align predicted headings with gold ones in document order (greedy, by text)."""
    predicted = [(s.heading, s.role) for s in split_sections(doc) if s.heading]
    scores.gold_headings += len(gold)
    scores.found_headings += len(predicted)
    cursor = 0
    for heading, role in gold:
        for index in range(cursor, len(predicted)):
            if _key(predicted[index][0]) == _key(heading):
                scores.matched_headings += 1
                scores.role_correct += predicted[index][1] == role
                scores.role_confusion[(role, predicted[index][1])] += 1
                cursor = index + 1
                break


def evaluate(papers_dir: Path, gold: dict[str, list[tuple[str, str]]]) -> dict[str, Scores]:
    """Scores for the Markdown files as they are and for their plain-text rendering."""
    results = {"markdown": Scores(), "plain text": Scores()}
    for name, headings in sorted(gold.items()):
        path = papers_dir / name
        data = path.read_bytes()
        score_document(markdown.parse(path, data), headings, results["markdown"])
        plain = plain_rendering(data.decode("utf-8")).encode("utf-8")
        score_document(
            plaintext.parse(path.with_suffix(".txt"), plain), headings, results["plain text"]
        )
    return results
