"""Citation checking and numbering.

Evidence items carry keys ("1", "2", ...) mapped to paper ids. A draft cites them as `[1]`,
`[2, 3]` or `[1-3]`. After generation every citation is checked: a number no evidence item has
(a gap in the keys) is `unknown`, one outside 1..N is `out_of_range`, the same key twice in one
place is `repeated`, and an author-year citation (`[Smith et al., 2020]`) is `unknown` too.
Flagged keys never become references. For the whole paper the valid keys of every section are
renumbered in order of first citation, so References lists papers as the text cites them.

A model's answer is normalised first (`normalise_citations`): `【1】` and `(1)` become `[1]`,
ranges and lists are spelled out, a raw paper id (`[arxiv:2212.11772]`) becomes its key, and a
citation of nothing known is removed with a warning, so no `[?]` and no raw key reaches a paper.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ragcore.drafting.notes import DraftNote
from ragcore.text import split_sentences
from ragcore.wording import Phrase, Value, describe

# `[1]`, `[1, 2]`, `[1，2]`, `[1-3]`, `[1–3, 5]`; never a Markdown link `[text](url)`.
_GROUP = re.compile(r"\[\s*(\d{1,4}(?:\s*(?:[-–—~]|[,，、;；]\s*)\s*\d{1,4})*)\s*\](?!\()")
_AUTHOR_YEAR = re.compile(
    r"\[([A-Z][A-Za-z\-']+(?: et al\.?| and [A-Z][A-Za-z\-']+)?,? \d{4}[a-z]?)\]"
)
_PART = re.compile(r"(\d{1,4})(?:\s*[-–—~]\s*(\d{1,4}))?")
MAX_RANGE = 30
IssueKind = Literal["unknown", "out_of_range", "repeated", "no_citations"]


@dataclass(frozen=True)
class CitationIssue:
    kind: IssueKind
    key: str
    sentence: str

    def phrase(self) -> Phrase:
        values: dict[str, Value] = {"k": self.key} if self.kind != "no_citations" else {}
        return Phrase(DraftNote(f"citation.{self.kind}"), values)

    def message(self, lang: str = "zh") -> str:
        return describe(self.phrase(), lang)


@dataclass
class CitationReport:
    cited: list[str] = field(default_factory=list)  # valid keys, in order of first citation
    issues: list[CitationIssue] = field(default_factory=list)

    @property
    def no_citations(self) -> bool:
        return any(issue.kind == "no_citations" for issue in self.issues)

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    numbers: list[int]
    bad_range: bool


def _groups(text: str) -> list[_Group]:
    groups = []
    for match in _GROUP.finditer(text):
        numbers: list[int] = []
        bad_range = False
        for part in _PART.finditer(match.group(1)):
            low = int(part.group(1))
            high = int(part.group(2)) if part.group(2) else low
            if high < low or high - low > MAX_RANGE:
                bad_range = True
                numbers.extend([low, high])
            else:
                numbers.extend(range(low, high + 1))
        groups.append(_Group(match.start(), match.end(), numbers, bad_range))
    return groups


def _sentence_of(text: str, position: int) -> str:
    """The sentence around a character position (for showing the issue in context)."""
    start = max(text.rfind("\n", 0, position), 0)
    end = text.find("\n", position)
    line = text[start : end if end != -1 else len(text)].strip()
    offset = position - start
    consumed = 0
    for sentence in split_sentences(line):
        consumed = line.find(sentence, consumed) + len(sentence)
        if consumed >= offset:
            return sentence
    return line


def check_citations(text: str, keys: Mapping[str, str]) -> CitationReport:
    """Check every citation of `text` against the evidence keys (key -> paper id)."""
    report = CitationReport()
    numeric = [int(k) for k in keys if k.isdigit()]
    top = max(numeric, default=0)
    previous_end, previous_numbers = -10, set[int]()
    for group in _groups(text):
        sentence = _sentence_of(text, group.start)
        seen: set[int] = set()
        adjacent = group.start == previous_end  # `[1][1]` is one place too
        for number in group.numbers:
            key = str(number)
            if number in seen or (adjacent and number in previous_numbers):
                report.issues.append(CitationIssue("repeated", key, sentence))
            elif number < 1 or number > top or group.bad_range:
                report.issues.append(CitationIssue("out_of_range", key, sentence))
            elif key not in keys:
                report.issues.append(CitationIssue("unknown", key, sentence))
            elif key not in report.cited:
                report.cited.append(key)
            seen.add(number)
        previous_end, previous_numbers = group.end, seen | (previous_numbers if adjacent else set())
    for match in _AUTHOR_YEAR.finditer(text):
        report.issues.append(
            CitationIssue("unknown", match.group(1), _sentence_of(text, match.start()))
        )
    if not report.cited and text.strip():
        report.issues.append(CitationIssue("no_citations", "", ""))
    return report


def cited_papers(sections: Iterable[tuple[str, Mapping[str, str]]]) -> list[str]:
    """Paper ids in order of first valid citation over the sections (text, keys) in order."""
    order: dict[str, None] = {}
    for text, keys in sections:
        for key in check_citations(text, keys).cited:
            order.setdefault(keys[key], None)
    return list(order)


def renumber(text: str, keys: Mapping[str, str], paper_numbers: Mapping[str, int]) -> str:
    """Rewrite a section's local keys as the paper's global reference numbers.

    Valid keys become the numbers of their papers (sorted, duplicates merged); flagged keys
    become `?` so the reader sees that a citation was dropped."""

    def rewrite(match: re.Match[str]) -> str:
        group = _groups(match.group(0).strip())[0]
        numbers: dict[int, None] = {}
        for number in group.numbers:
            paper = keys.get(str(number))
            if paper is not None and paper in paper_numbers and not group.bad_range:
                numbers[paper_numbers[paper]] = None
        if not numbers:  # a citation of nothing known is dropped (the review lists it)
            return ""
        space = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip())]
        return space + "[" + ", ".join(str(n) for n in sorted(numbers)) + "]"

    return _SPACED_GROUP.sub(rewrite, text)


_SPACED_GROUP = re.compile(r"[ \t]*" + _GROUP.pattern)
# Citation look-alikes models write: full-width brackets, parentheses, raw ids in brackets.
_FULLWIDTH = re.compile(r"[【［]\s*(\d{1,4}(?:\s*(?:[-–—~]|[,，、;；])\s*\d{1,4})*)\s*[】］]")
_PAREN = re.compile(
    r"(?<=[^\s(（])(\s?)[(（](\d{1,3}(?:\s*(?:[-–—~]|[,，、])\s*\d{1,3})*)[)）]"
    r"(?=[\s。．.,，;；:：!?！？]|$)"
)
_BRACKETED = re.compile(r"([ \t]*)\[([^\[\]\n]{1,80})\](?!\()")
_ID_LIKE = re.compile(
    r"^[\w.:/\-]+$|^[A-Z][A-Za-z\-']+(?: et al\.?| and [A-Z][A-Za-z\-']+)?,? \d{4}[a-z]?$"
)


def _numbers_of(spec: str) -> list[int] | None:
    group = _groups(f"[{spec}]")
    if not group or group[0].bad_range:
        return None
    return group[0].numbers


def normalise_citations(text: str, keys: Mapping[str, str]) -> tuple[str, list[Phrase]]:
    """A model's citations as this section's keys `[1]`, `[1, 2]`; returns the text and one
    note per citation that was removed (it names what it was)."""
    warnings: list[Phrase] = []
    by_paper = {paper: key for key, paper in keys.items()}

    def paren(match: re.Match[str]) -> str:
        numbers = _numbers_of(match.group(2))
        if numbers and all(str(n) in keys for n in numbers):
            return match.group(1) + "[" + ", ".join(str(n) for n in numbers) + "]"
        return match.group(0)  # "(2)" that cites nothing known is ordinary text

    def bracket(match: re.Match[str]) -> str:
        lead, inner = match.group(1), match.group(2).strip()
        numbers = _numbers_of(inner)
        if numbers is not None and re.fullmatch(r"[\d\s,，、;；\-–—~]+", inner):
            known = [str(n) for n in dict.fromkeys(numbers) if str(n) in keys]
            dropped = [str(n) for n in dict.fromkeys(numbers) if str(n) not in keys]
            if dropped:
                cited = ", ".join(dropped)
                warnings.append(Phrase(DraftNote.REMOVED_NUMBER, {"cited": cited}))
            return f"{lead}[{', '.join(known)}]" if known else ""
        parts = [p.strip() for p in re.split(r"[;；,，]\s*(?=[^\d\s])", inner)]
        if all(p in by_paper for p in parts):
            return lead + "[" + ", ".join(by_paper[p] for p in dict.fromkeys(parts)) + "]"
        if _ID_LIKE.match(inner) or all(_ID_LIKE.match(p) for p in parts):
            warnings.append(Phrase(DraftNote.REMOVED_NAME, {"cited": inner}))
            return ""
        return match.group(0)

    text = _FULLWIDTH.sub(lambda m: f"[{m.group(1)}]", text)
    text = _PAREN.sub(paren, text)
    text = _BRACKETED.sub(bracket, text)
    return text, warnings
