"""Paper metadata: title, authors, year, venue, arXiv id, DOI, language and a stable paper id.

Identifiers are looked for only in the file's head (and its name): the reference list cites
other papers' ids, which must never become this paper's id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ragcore.ingest.model import ParsedDocument, Section
from ragcore.library.cards import Paper
from ragcore.text import detect_lang, normalize_space, split_keywords

_HEAD_CHARS = 3000
_ARXIV = re.compile(
    r"(?:arxiv[:\s/]*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?",
    re.I,
)
_ARXIV_NAME = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\]]+)")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_AUTHORS_LINE = re.compile(r"^(?:authors?|作者)\s*[:：]\s*(.+)$", re.I | re.M)
_VENUE_LINE = re.compile(
    r"^(?:journal|venue|published in|conference|期刊)\s*[:：]\s*(.+)$", re.I | re.M
)
# A printed keyword line: "Keywords: a; b", "**Key words** — a, b", "Index Terms—a, b", "关键词：a；b".
_KEYWORDS_LINE = re.compile(
    r"^[\s*_>#]*(?:key\s*words?|index\s+terms|关\s*键\s*词)[\s*_]*[:：.—–-]+[\s*_]*(.+)$",
    re.I | re.M,
)
_ABSTRACT_CHARS = 6000  # longer than any abstract: the section swallowed body text
_SLUG = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


def _head(doc: ParsedDocument) -> str:
    """The file's opening: title block and abstract, never as far as the reference list."""
    head = doc.full_text[:_HEAD_CHARS]
    cut = re.search(
        r"\n\s*(?:#+\s*)?(?:\d+\.?\s*)?(?:introduction|references|bibliography|引言|参考文献)\b",
        head,
        re.I,
    )
    return head[: cut.start()] if cut else head


def find_arxiv_id(doc: ParsedDocument) -> str:
    found = _ARXIV.search(_head(doc))
    if found:
        return found.group(1)
    by_name = _ARXIV_NAME.search(doc.path.stem) if "arxiv" in doc.path.stem.lower() else None
    return by_name.group(1) if by_name else doc.hints.get("arxiv", "")


_ARXIV_ID = re.compile(r"^(\d{2})(0[1-9]|1[0-2])\.\d{4,5}(?:v\d+)?$")


def arxiv_facts(paper_id: str) -> tuple[str, int | None]:
    """The arXiv id and year a paper id spells when it is a modern arXiv id (`2309.11930v2`:
    arXiv 2309.11930, first submitted in 2023); ("", None) for anything else. An id that
    merely looks like a number (`3688609`) says nothing and gets nothing."""
    found = _ARXIV_ID.match(paper_id.strip())
    if not found:
        return "", None
    return paper_id.strip().split("v")[0], 2000 + int(found.group(1))


def find_doi(doc: ParsedDocument) -> str:
    if doc.hints.get("doi"):
        return doc.hints["doi"]
    found = _DOI.search(_head(doc))
    return found.group(1).rstrip(".,;)") if found else ""


# Lines no paper is titled: dates ("２０２２年１２月"), page numbers, tool defaults, hex dumps.
_NOT_A_TITLE = re.compile(
    r"^[\d\s年月日./,:-]+$|^(?:untitled|microsoft word|document\d*$)|^[<>0-9a-f\s]{16,}$", re.I
)


def sane_title(text: str) -> bool:
    plain = unicodedata.normalize("NFKC", text).strip()
    return bool(plain) and not _NOT_A_TITLE.match(plain) and len(plain) <= 300


def find_title(doc: ParsedDocument) -> str:
    title = doc.hints.get("title", "").strip()
    if title and sane_title(title):
        return normalize_space(title)
    for block in doc.blocks[:5]:
        first = block.text.strip().split("\n")[0].strip()
        if (
            first
            and sane_title(first)
            and len(first.split()) <= 30
            and len(first) <= 200
            and not first.endswith(".")
        ):
            return normalize_space(first)
    return doc.path.stem.replace("_", " ")


def find_authors(doc: ParsedDocument) -> list[str]:
    if doc.authors:
        return doc.authors
    line = _AUTHORS_LINE.search(_head(doc))
    if not line:
        return []
    names = re.split(r",|;|，|、|\band\b", line.group(1))
    return [_plain_name(n) for n in names if n.strip() and len(n.strip()) < 60]


def _plain_name(name: str) -> str:
    """`Michael F\\"arber` -> `Michael Färber`: author lines converted from LaTeX keep its
    accent commands, which a reference list would print verbatim."""
    name = name.strip()
    if "\\" not in name and "{" not in name:
        return name
    from pylatexenc.latex2text import LatexNodes2Text

    return unicodedata.normalize("NFC", LatexNodes2Text().latex_to_text(name)).strip()


def find_year(doc: ParsedDocument, arxiv_id: str) -> int | None:
    for key in ("year", "date", "creationDate"):
        found = _YEAR.search(doc.hints.get(key, "").removeprefix("D:"))
        if found:
            return int(found.group(1))
    if re.match(r"\d{4}\.", arxiv_id):
        return 2000 + int(arxiv_id[:2])
    if doc.fmt == "pdf":
        return None  # the PDF reader looked where years are printed; a cited year is no answer
    found = _YEAR.search(_head(doc))
    return int(found.group(1)) if found else None


def find_venue(doc: ParsedDocument) -> str:
    if doc.hints.get("venue"):
        return doc.hints["venue"]
    line = _VENUE_LINE.search(_head(doc))
    return normalize_space(line.group(1)) if line else ""


def find_abstract(doc: ParsedDocument, sections: list[Section]) -> str:
    """The reader's abstract (PDF, JATS), else the text of the section the paper heads
    "Abstract"/"摘要"; empty when the paper has none."""
    if doc.hints.get("abstract"):
        return normalize_space(doc.hints["abstract"])
    section = next((s for s in sections if s.role == "abstract" and s.text.strip()), None)
    if section is None:
        return ""
    text = _KEYWORDS_LINE.sub("", section.text).strip()  # the keyword line printed under it
    if len(text) > _ABSTRACT_CHARS:
        text = text.split("\n\n")[0]
    return normalize_space(text) if len(text) <= _ABSTRACT_CHARS else ""


def find_keywords(doc: ParsedDocument) -> list[str]:
    """The reader's keywords (PDF, JATS, LaTeX), else a keyword line in the file's opening."""
    if doc.hints.get("keywords"):
        return split_keywords(doc.hints["keywords"])
    line = _KEYWORDS_LINE.search(doc.full_text[: _HEAD_CHARS * 2])
    return split_keywords(line.group(1).replace("*", "")) if line else []


def paper_lang(sections: list[Section]) -> str:
    body = " ".join(s.text for s in sections if s.role not in ("references", "appendix"))
    return detect_lang(body[:20000])


def make_paper_id(arxiv_id: str, doi: str, title: str, content: str) -> str:
    """The identifier when the file has one, else a readable slug plus a content hash."""
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    if doi:
        return f"doi:{doi.lower()}"
    slug = _SLUG.sub("-", title.lower()).strip("-")[:60].strip("-") or "paper"
    digest = hashlib.sha1(normalize_space(content).encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}"


def extract_paper(doc: ParsedDocument, sections: list[Section]) -> Paper:
    arxiv_id = find_arxiv_id(doc)
    doi = find_doi(doc)
    title = find_title(doc)
    return Paper(
        paper_id=make_paper_id(arxiv_id, doi, title, doc.full_text),
        title=title,
        authors=find_authors(doc),
        year=find_year(doc, arxiv_id),
        venue=find_venue(doc),
        source=str(doc.path),
        lang=paper_lang(sections),
        doi=doi,
        arxiv_id=arxiv_id,
        abstract=find_abstract(doc, sections),
        keywords=find_keywords(doc),
    )
