"""Measure PDF reading against known headings and front matter: heading recall and precision
(levels ≤ 2), roles, card types, metadata and text debris. Used by
`benchmarks/eval_pdf_headings.py` and the tests."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ragcore.ingest.extractive import sentences_of
from ragcore.ingest.model import Section
from ragcore.library.cards import Paper

_EMPHASIS = re.compile(r"[*_`#]")
_MID_WORD_START = re.compile(r"^[a-z]{1,3}[a-z]*[,;)]|^[,;:)\]]")
_DEBRIS = re.compile(r"[ﬀ-ﬆ•▪●◦]")


def heading_key(text: str) -> str:
    """NFKC, Markdown emphasis and all whitespace removed: how gold and found are compared."""
    return re.sub(r"\s+", "", _EMPHASIS.sub("", unicodedata.normalize("NFKC", text)))


def title_key(text: str) -> str:
    return heading_key(text).casefold()


@dataclass
class HeadingScore:
    gold: int = 0
    found: int = 0
    matched: int = 0
    level_right: int = 0  # matched headings with the gold level
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    def add(self, other: HeadingScore) -> None:
        self.gold += other.gold
        self.found += other.found
        self.matched += other.matched
        self.level_right += other.level_right


def score_headings(sections: list[Section], gold: list[tuple[str, int]]) -> HeadingScore:
    """Gold and found headings of levels ≤ 2, aligned greedily in document order."""
    wanted = [(heading_key(text), level) for text, level in gold if level <= 2]
    found = [(heading_key(s.heading), s.level) for s in sections if s.heading and s.level <= 2]
    score = HeadingScore(gold=len(wanted), found=len(found))
    used: set[int] = set()
    cursor = 0
    for key, level in wanted:
        index = next(
            (i for i in range(cursor, len(found)) if found[i][0] == key),
            next((i for i in range(len(found)) if found[i][0] == key and i not in used), -1),
        )
        if index < 0:
            score.missed.append(key)
            continue
        used.add(index)
        cursor = index + 1
        score.matched += 1
        score.level_right += found[index][1] == level
    score.extra = [found[i][0] for i in range(len(found)) if i not in used]
    return score


def metadata_right(
    paper: Paper, title: str, first_author: str, year: int | None
) -> dict[str, bool]:
    return {
        "title": title_key(paper.title) == title_key(title),
        "first author": bool(paper.authors)
        and title_key(paper.authors[0]) == title_key(first_author),
        "year": paper.year == year,
    }


def abstract_right(paper: Paper, begins: str) -> bool:
    """The abstract begins as printed, or is empty when the paper prints none."""
    if not begins:
        return not paper.abstract
    return title_key(paper.abstract).startswith(title_key(begins))


def keywords_right(paper: Paper, keywords: list[str]) -> bool:
    """The printed keywords, all of them, in order (case- and space-blind)."""
    return [title_key(k) for k in paper.keywords] == [title_key(k) for k in keywords]


def debris(texts: list[str]) -> dict[str, int]:
    """Extraction debris in stored text: sentences that start mid-word or mid-sentence,
    ligature characters and bullets."""
    sentences = [s for text in texts for s in sentences_of(text)]
    return {
        "sentences": len(sentences),
        "mid-sentence starts": sum(1 for s in sentences if _MID_WORD_START.match(s)),
        "ligatures or bullets": sum(len(_DEBRIS.findall(text)) for text in texts),
    }
