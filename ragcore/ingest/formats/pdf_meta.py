"""Title, authors, year, venue, DOI, abstract and keywords from a PDF's first pages.

What the page prints wins; the PDF's document properties are used only when sane: never
"Microsoft Word - x.doc", hex strings, user names ("Administrator"), "CNKI", dates, and only
when the value is actually printed in the paper. Unknown stays empty.
"""

from __future__ import annotations

import re
from typing import Any

from ragcore.ingest.formats.pdf_clean import markdown_to_text, nfkc
from ragcore.ingest.formats.pdf_layout import LayoutBox
from ragcore.ingest.formats.pdf_structure import heading_key
from ragcore.ingest.roles import is_keyword_heading

_BAD_META = re.compile(
    r"^(?:microsoft\s+word|untitled|title|document\d*|administrator|admin|user|owner|cnki|"
    r"www\.|http|pdf|layout|doi:|\d+$)|\.(?:docx?|pdf|tex|dvi|indd|qxd|ps)\b|^[\da-f\s<>]{16,}$|"
    r"^\w+\.\d{4,}|\d+\.\.\d+",
    re.I,
)
_GENRE = re.compile(
    r"^(?:(?:original\s+|research\s+|review\s+)?article|research|review|letter|preprint|"
    r"(?:硕士|博士|学士|本科)?(?:学位|毕业)?论文|研究论文|综述)$",
    re.I,
)
_DATEISH = re.compile(r"^[\d\s年月日./,-]+$|^\d{4}\s*年|^(?:received|accepted|published)\b", re.I)
_AFFILIATION = re.compile(
    r"universit|institut|department|college|school|laborator|faculty|center|centre|hospital|"
    r"academy|@|大学|学院|研究所|研究院|实验室|中心|公司|医院|^\d{6}|邮编",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|，|、|;|；|\band\b|&)\s*")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_LEADING_BOLD = re.compile(r"^\s*(?:#{1,6}\s*)?\*\*(.+?)\*\*", re.S)
_FRONT_END = re.compile(
    r"^(?:abstract|摘\s*要|introduction|引\s*言|key\s*words|关键词|(?:1|I)\.?\s+introduction)\b",
    re.I,
)
_MARKS = re.compile(r"[\d*∗†‡§¶#✉]+")
_LATIN_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|der|da|del|la|le))*$")
_ZH_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$")
_LABEL = re.compile(r"^(?:authors?|作\s*者(?:\s*姓\s*名)?)\s*[:：]\s*(.+)$", re.I)
_DOI = re.compile(r"(?:doi\s*[:：]?\s*|doi\.org/)(10\.\d{4,9}/[^\s\"<>,;]+)", re.I)
_YEAR_LINE = re.compile(
    r"(?:©|\(c\)|copyright|published|received|accepted|online|"
    r"proceedings|conference|\d{4}\s*年)[^\n]{0,80}?\b((?:19|20)\d\d)\b"
    r"|\b((?:19|20)\d\d)\s*年",
    re.I,
)
_VENUE = re.compile(
    r"(?:proceedings of|journal|transactions|letters|conference|workshop|plos|学报|期刊|杂志)",
    re.I,
)
_KEYWORDS = re.compile(
    r"^(?:key\s*words?|index terms|关\s*键\s*词)\s*[:：.—–-]?\s*(.+)$", re.I | re.S
)


def sane_meta_value(value: str, printed: str) -> bool:
    """A document-property value worth believing: not a tool's default, a file or user
    name, a hex dump or a date, and printed in the paper itself."""
    value = value.strip()
    if len(value) < 4 or _BAD_META.search(value) or _DATEISH.match(value):
        return False
    return heading_key(value) in printed


def find_title(
    boxes: list[LayoutBox], furniture: list[LayoutBox], meta: dict[str, Any], printed: str
) -> tuple[str, int]:
    """(title, index of its box in `boxes` or -1). A large line the model took for a page
    header on page 1 counts too: titles printed high on the page get that label."""
    sizes = sorted(b.size for b in boxes if b.kind == "text")
    body_size = sizes[len(sizes) // 2] if sizes else 0.0
    big_headers = [b for b in furniture if b.page == 1 and b.size > body_size * 1.2]
    first_page = [(i, b) for i, b in enumerate(boxes) if b.page == 1]
    first_page += [(-1, b) for b in big_headers]
    candidates = [
        (i, b, " ".join(markdown_to_text(b.markdown).split()))
        for i, b in first_page
        if b.kind in ("title", "section-header", "text", "page-header")
    ]
    candidates = [
        (i, b, t)
        for i, b, t in candidates
        if t
        and not is_keyword_heading(t)
        and not _GENRE.match(t)
        and not _DATEISH.match(t)
        and len(t) <= 300
        and not _AFFILIATION.search(t)
        and (len(t.split()) >= 2 or len(t) >= 4)
    ]
    meta_title = nfkc(str(meta.get("title") or "")).strip()
    if meta_title and sane_meta_value(meta_title, printed):
        key = heading_key(meta_title)
        index = next((i for i, _, t in candidates if heading_key(t) == key), -1)
        return " ".join(meta_title.split()), index
    titled = [c for c in candidates if c[1].kind == "title"]
    pool = titled or [c for c in candidates if c[1].kind != "text"] or candidates
    pool = [c for c in pool if c[1].size >= body_size] or pool
    if not pool:
        return "", -1
    biggest = max(b.size for _, b, _ in pool)
    index, _, text = next(c for c in pool if c[1].size == biggest)
    return text, index


def _names(line: str) -> list[str]:
    line = _MARKS.sub(" ", line)
    names: list[str] = []
    for part in _NAME_SPLIT.split(line):
        name = " ".join(part.strip(" .*").split())
        if _cjk_only(name):
            names.extend(_zh_names(name))
        elif _LATIN_NAME.match(name) and 2 <= len(name.split()) <= 5:
            names.append(name)
    return names


def _zh_names(part: str) -> list[str]:
    """ "郜　帅" (a letter-spaced name) is one name; "郜帅 侯心迪" are two."""
    tokens = part.split()
    if len(tokens) > 1 and min(len(t) for t in tokens) == 1 and len("".join(tokens)) <= 4:
        tokens = ["".join(tokens)]
    return [t for t in tokens if _ZH_NAME.match(t)]


def _cjk_only(text: str) -> bool:
    return bool(text) and all("\u4e00" <= c <= "\u9fff" or c in "· " for c in text)


def find_authors(
    boxes: list[LayoutBox], title_index: int, meta: dict[str, Any], printed: str
) -> list[str]:
    """Names in the lines after the title (or after an "Authors" heading), in order, up to
    the abstract or introduction; affiliation and ORCID lines in between are passed over."""
    start = title_index + 1 if title_index >= 0 else 0
    authors: list[str] = []
    for box in boxes[start : start + 60]:
        text = " ".join(markdown_to_text(_strip_sup(box.markdown)).split())
        if box.page > 3 or _FRONT_END.match(text):
            break
        label = _LABEL.match(text)
        if label:
            return _names(label.group(1))
        if _AFFILIATION.search(text) and (names_first := _LEADING_BOLD.match(box.markdown)):
            # "**马延美 陈政华 付钰楚 张杰**北京方寸无忧科技发展有限公司": the reader merged the
            # (bold) author line with the affiliation under it; the bold run is the names.
            # Its own spaces are kept: they separate Chinese names (markdown_to_text joins them).
            text = " ".join(_strip_sup(names_first.group(1)).replace("*", " ").split())
        if not text or _AFFILIATION.search(text) or _ORCID.search(text):
            continue
        names = _names(text)
        if names and len("".join(names)) >= len(_MARKS.sub("", text).replace(" ", "")) * 0.6:
            authors.extend(n for n in names if n not in authors)
        elif authors and len(text) > 200:
            break  # running text: the author block is over
    if authors:
        return authors
    meta_author = nfkc(str(meta.get("author") or "")).strip()
    if meta_author and sane_meta_value(meta_author, printed):
        return _names(meta_author)
    return []


def _strip_sup(markdown: str) -> str:
    return re.sub(r"<sup>.*?</sup>", " ", markdown, flags=re.S)


def find_front_facts(page_text: str, furniture: list[str], meta: dict[str, Any]) -> dict[str, str]:
    """DOI, year, venue and keywords printed on the first pages."""
    facts: dict[str, str] = {}
    text = nfkc(page_text)
    doi = _DOI.search(text)
    if doi:
        facts["doi"] = doi.group(1).rstrip(".,;)")
    year = _YEAR_LINE.search(text)
    if year:
        facts["year"] = year.group(1) or year.group(2)
    elif meta.get("creationDate"):
        facts["year"] = str(meta["creationDate"]).removeprefix("D:")[:4]
    parts = [p.strip() for f in furniture for p in re.split(r"\s+\|\s+|,\s*(?=vol|no\.|\d)", f)]
    venue = next((p for p in parts if _VENUE.search(p) and not p.startswith("www")), "")
    if venue:
        facts["venue"] = venue
    for line in text.split("\n"):
        keywords = _KEYWORDS.match(line.strip())
        if keywords:
            facts["keywords"] = keywords.group(1).strip()
            break
    return facts
