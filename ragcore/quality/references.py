"""Reference completeness: each entry has a real title, real authors and a plausible year.

A project's entries are judged from the library's paper records. A file's entries are split as
the export writes them (`Authors. Title. Venue, Year. doi:...`); an entry in another style may be
split wrongly, which the finding's wording says ("as read from the entry").
Sanity rules name what PDF metadata and bad ingests actually produce: "Administrator" and
"CNKI" as authors, hex strings, bare arXiv/DOI ids, file names and dates as titles.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ragcore.library.cards import Paper
from ragcore.quality.model import Figure, Finding, count_figure
from ragcore.quality.source import PaperUnderCheck, ReferenceEntry
from ragcore.quality.wording import Code, Phrase

KEY, NAME = "reference_completeness", "Reference completeness (problems)"
# Names PDF producers and databases put in the author field; never a person.
PLACEHOLDER_AUTHORS = frozenset(
    {"administrator", "admin", "cnki", "user", "unknown", "author", "authors", "anonymous"}
    | {"owner", "microsoft", "wps", "lenovo", "dell", "hp", "pc", "guest", "default"}
    | {"微软用户", "微软中国", "用户", "作者", "未知"}
)
_PLACEHOLDER_TITLES = re.compile(
    r"^(?:untitled|title|no title|document\d*|microsoft word\b.*|无标题|标题)$", re.I
)
_HEX = re.compile(r"<?\b[0-9A-Fa-f]{12,}\b>?")
_BARE_ID = re.compile(
    r"^(?:(?:arxiv|doi|pmid|pmc|note)\s*:\s*\S+|\d{4}\.\d{4,5}(?:v\d+)?|10\.\d{4,9}/\S+)$", re.I
)
_DATE = re.compile(
    r"^\d{4}\s*[年/.\-]\s*\d{1,2}(?:\s*[月/.\-]\s*(?:\d{1,2}\s*[日号]?)?)?$|^\d{1,2}/\d{1,2}/\d{2,4}$"
)
_FILE_NAME = re.compile(r"\.(?:pdf|docx?|tex|md|txt|caj)$", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")
# The export's "Venue, 2020" (or a bare year) part: the entry before it is the title alone.
_VENUE_YEAR = re.compile(r"^(?:[^,]+,\s*)?(?:1[89]|20)\d{2}$")
_TRAILING_ID = re.compile(r"\s*(?:doi:\S+|arXiv:\S+)\s*$", re.I)


def title_problem(title: str) -> Phrase | None:
    """Why a title is not a real title (None when it looks like one)."""
    text = unicodedata.normalize("NFKC", title).strip().strip(".")
    if not text:
        return Phrase(Code.NO_TITLE)
    if _HEX.fullmatch(text) or (_HEX.search(text) and len(_HEX.sub("", text).strip()) < 4):
        return Phrase(Code.TITLE_HEX, {"title": title})
    if _BARE_ID.match(text):
        return Phrase(Code.TITLE_ID, {"title": title})
    if _DATE.match(text):
        return Phrase(Code.TITLE_DATE, {"title": title})
    if _FILE_NAME.search(text) or _PLACEHOLDER_TITLES.match(text):
        return Phrase(Code.TITLE_PLACEHOLDER, {"title": title})
    letters = sum(ch.isalpha() for ch in text)
    if letters < 4:
        return Phrase(Code.TITLE_SHORT, {"title": title})
    return None


def author_problem(author: str) -> Phrase | None:
    name = unicodedata.normalize("NFKC", author).strip().strip(".,")
    if name.casefold() in PLACEHOLDER_AUTHORS or name in PLACEHOLDER_AUTHORS:
        return Phrase(Code.AUTHOR_SOFTWARE, {"author": author})
    if _HEX.search(name) or any(ch.isdigit() for ch in name) or "@" in name:
        return Phrase(Code.AUTHOR_NOT_NAME, {"author": author})
    if len(name) < 2 or len(name) > 80:
        return Phrase(Code.AUTHOR_NOT_NAME, {"author": author})
    return None


def year_problem(year: int | None) -> Phrase | None:
    if year is None:
        return Phrase(Code.NO_YEAR)
    if not 1800 <= year <= date.today().year + 1:
        return Phrase(Code.YEAR_IMPLAUSIBLE, {"year": year})
    return None


def _from_record(paper: Paper) -> list[Phrase]:
    title = title_problem(paper.title)
    if not paper.title.strip():
        title = Phrase(Code.TITLE_SHOWS_ID, {"paper_id": paper.paper_id})
    problems = [title]
    if paper.authors:
        problems += [author_problem(a) for a in paper.authors]
    else:
        problems.append(Phrase(Code.NO_AUTHORS))
    problems.append(year_problem(paper.year))
    return [p for p in problems if p]


def split_entry(text: str) -> tuple[list[str], str, int | None]:
    """(authors, title, year) as read from an entry in the export's default style."""
    body = _TRAILING_ID.sub("", unicodedata.normalize("NFKC", text)).strip()
    years = _YEAR.findall(body)
    year = int(years[-1]) if years else None
    parts: list[str] = []
    for piece in re.split(r"\.\s+(?=\S)", body.rstrip(".")):
        # "J. Smith": a single capital before the stop is an initial, not the end of a part.
        if parts and re.search(r"(?:^|[\s.,-])[A-Z]$", parts[-1]):
            parts[-1] += ". " + piece.strip()
        elif piece.strip():
            parts.append(piece.strip())
    if len(parts) >= 3:
        return (
            [
                a.strip()
                for a in re.split(r",\s*|;\s*|，|、", parts[0])
                if a.strip() and a.strip().rstrip(".") != "et al"
            ],
            parts[1],
            year,
        )
    if len(parts) == 2 and _VENUE_YEAR.match(parts[1]):
        return [], parts[0], year  # `Title. Venue, 2020.`: no authors
    if len(parts) == 2:
        return [a.strip() for a in re.split(r",\s*|;\s*", parts[0]) if a.strip()], parts[1], year
    return [], body, year


def _from_text(text: str) -> list[Phrase]:
    authors, title, year = split_entry(text)
    problems = [title_problem(title)]
    problems += [author_problem(a) for a in authors] if authors else [Phrase(Code.NO_AUTHORS)]
    problems.append(year_problem(year))
    return [Phrase(Code.AS_READ, {"problem": p}) for p in problems if p]


def entry_problems(entry: ReferenceEntry) -> list[Phrase]:
    if entry.paper is not None:
        # The record holds what the paper's file said; only the user can add what it did not.
        return [Phrase(Code.IN_RECORD, {"problem": p}) for p in _from_record(entry.paper)]
    if entry.paper_id:
        return [Phrase(Code.NO_RECORD)]
    return _from_text(entry.text)


def reference_completeness(paper: PaperUnderCheck) -> Figure:
    findings: list[Finding] = []
    entries = [e for e in paper.references if not e.is_note]
    for entry in entries:
        for problem in entry_problems(entry):
            findings.append(Finding.of("", f"[{entry.number}] {entry.text}", problem))
    note = None if entries else Phrase(Code.NO_REFERENCES)
    return count_figure(KEY, NAME, findings, len(entries), note)
