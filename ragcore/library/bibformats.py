"""References in and out: BibTeX (bibtexparser), CSL-JSON (the CSL processor's input) and RIS
(rispy). Reading never stops at a bad entry: the entries around it are kept and the bad ones are
listed with their line numbers."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from ragcore.errors import InputError
from ragcore.library.bibliography import (
    _CJK,
    REFERENCE_TYPES,
    Reference,
    ReferenceType,
    normalise_arxiv,
)

_BIB_TO_CSL: dict[str, ReferenceType] = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
}
_CSL_TO_BIB = {
    "article-journal": "article",
    "paper-conference": "inproceedings",
    "article": "misc",
    "thesis": "phdthesis",
    "book": "book",
    "chapter": "incollection",
    "report": "techreport",
    "webpage": "misc",
}
_BIB_VENUE = {
    "article-journal": "journal",
    "paper-conference": "booktitle",
    "chapter": "booktitle",
    "thesis": "school",
    "report": "institution",
}
_RIS_TO_CSL: dict[str, ReferenceType] = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
    "BOOK": "book",
    "CHAP": "chapter",
    "RPRT": "report",
    "ELEC": "webpage",
    "UNPB": "article",
}


@dataclass
class BadEntry:
    line: int  # 1-based line where the entry starts; 0 when unknown
    key: str
    reason: str

    def message(self) -> str:
        where = f"line {self.line}" if self.line else "entry"
        return f"{where}{f' ({self.key})' if self.key else ''}: {self.reason}"


@dataclass
class ParsedReferences:
    """Entries read from one file, by their key in that file, and the entries refused."""

    entries: dict[str, Reference] = field(default_factory=dict)
    bad: list[BadEntry] = field(default_factory=list)


# ------------------------------------------------------------------------------ BibTeX


def _bib_names(value: Any) -> list[str]:
    names = []
    for name in value if isinstance(value, list) else [value]:
        if hasattr(name, "last"):  # bibtexparser NameParts
            family = " ".join([*name.von, *name.last])
            given = " ".join([*name.first, *name.jr])
            names.append(f"{family}, {given}".strip(", ") if given else family)
        else:
            names.append(str(name))
    return [n.replace("{", "").replace("}", "") for n in names if n.strip()]


def _bib_reference(entry: Any) -> Reference:
    fields = {f.key.lower(): f.value for f in entry.fields}
    kind = _BIB_TO_CSL.get(entry.entry_type.lower(), "article-journal")
    arxiv = ""
    if str(fields.get("archiveprefix", fields.get("eprinttype", ""))).lower() == "arxiv":
        arxiv = str(fields.get("eprint", ""))
    journal = str(fields.get("journal", fields.get("journaltitle", "")))
    if (
        kind == "article-journal"
        and (arxiv or "arxiv" in journal.lower())
        and not fields.get("volume")
    ):
        kind = "article"  # `@article{journal = {arXiv preprint arXiv:...}}`, Google Scholar's way
        arxiv = arxiv or normalise_arxiv(journal)
    venue = next(
        (str(fields[k]) for k in ("journal", "journaltitle", "booktitle", "school", "institution")
         if fields.get(k)), "",
    )  # fmt: skip
    if kind == "article":
        venue = "" if "arxiv" in venue.lower() else venue
    title = str(fields.get("title", "")).replace("{", "").replace("}", "")
    return Reference(
        # A `paper_id` field names the library paper the entry describes (the demo library's
        # data/demo_references.bib: its papers have bare ids that match no DOI or title).
        paper_id=str(fields.get("paper_id", "")).strip(),
        type=kind,
        title=" ".join(title.split()),
        authors=_bib_names(fields.get("author", [])),
        year=fields.get("year") or fields.get("date") or None,
        venue=" ".join(venue.replace("{", "").replace("}", "").split()),
        volume=str(fields.get("volume", "")),
        issue=str(fields.get("number", fields.get("issue", ""))),
        pages=re.sub(r"\s*(--|–|—)\s*", "-", str(fields.get("pages", ""))),
        publisher=str(fields.get("publisher", "")),
        place=str(fields.get("address", fields.get("location", ""))),
        doi=str(fields.get("doi", "")),
        arxiv_id=arxiv,
        url=str(fields.get("url", "")),
        lang="zh" if _CJK.search(title) else "",
        abstract=" ".join(str(fields.get("abstract", "")).split()),
        keywords=str(fields.get("keywords", fields.get("keyword", ""))),
        key=entry.key if re.fullmatch(r"[A-Za-z0-9_:\-.+/]+", entry.key) else "",
    )


def read_bibtex(text: str) -> ParsedReferences:
    """Entries of a .bib (Zotero, Better BibTeX, Google Scholar); bad blocks listed by line."""
    from bibtexparser import middlewares as mw
    from bibtexparser.entrypoint import parse_string

    # The parser logs each bad block itself; the report lists them, so its log stays quiet.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = parse_string(
        text,
        append_middleware=[
            mw.LatexDecodingMiddleware(),
            mw.SeparateCoAuthors(),
            mw.SplitNameParts(),
        ],
    )
    parsed = ParsedReferences()
    for block in library.failed_blocks:
        reason = "duplicate key" if "Duplicate" in type(block).__name__ else "syntax error"
        key_match = re.match(r"\s*@\w+\s*\{\s*([^,\s]+)", block.raw or "")
        line = (block.start_line or 0) + 1
        parsed.bad.append(BadEntry(line, key_match.group(1) if key_match else "", reason))
    for entry in library.entries:
        reference = _bib_reference(entry)
        if not reference.title:
            parsed.bad.append(BadEntry((entry.start_line or 0) + 1, entry.key, "no title"))
            continue
        parsed.entries[entry.key] = reference
    parsed.bad.sort(key=lambda b: b.line)
    return parsed


def write_bibtex(entries: list[tuple[str, Reference]]) -> str:
    """A .bib of (key, reference) pairs, written by bibtexparser with LaTeX escaping."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field

    library = Library()
    for key, ref in entries:
        fields: dict[str, str] = {
            "title": ref.title,
            "note": "" if ref.title else f"ragcore paper {ref.paper_id}: title unknown",
            "author": " and ".join(ref.authors),
            "year": str(ref.year or ""),
            _BIB_VENUE.get(
                ref.type, "howpublished" if ref.type == "webpage" else "journal"
            ): ref.venue,
            "volume": ref.volume,
            "number": ref.issue,
            "pages": ref.pages.replace("-", "--")
            if re.fullmatch(r"\d+-\d+", ref.pages)
            else ref.pages,
            "publisher": ref.publisher,
            "address": ref.place,
            "doi": ref.doi,
            "url": ref.url,
            "eprint": ref.arxiv_id,
            "archiveprefix": "arXiv" if ref.arxiv_id else "",
            "langid": "chinese" if ref.is_chinese else "",
            "keywords": ", ".join(ref.keywords),  # biblatex's separator; Zotero reads it too
            "abstract": ref.abstract,
        }
        # A journal article without a journal is only a guess of ingest's: @misc says no more.
        kind = "misc" if ref.type == "article-journal" and not ref.venue else ref.type
        library.add(
            Entry(
                _CSL_TO_BIB.get(kind, "misc"),
                key,
                [Field(k, tex_escape(v)) for k, v in fields.items() if v],
            )
        )
    return write_string(library)


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _TEX_SPECIAL))


def tex_escape(value: str) -> str:
    """A BibTeX field value: whitespace collapsed, TeX's special characters escaped."""
    # bibtexparser's LaTeX encoder logs a warning for every CJK character; the TeX specials
    # are all that needs escaping for xelatex, so they are escaped here.
    return _TEX_SPECIAL_RE.sub(lambda m: _TEX_SPECIAL[m.group(0)], " ".join(value.split()))


# ---------------------------------------------------------------------------- CSL-JSON


def _csl_name(author: str) -> dict[str, str]:
    if _CJK.search(author):
        # A Chinese name is written whole, family name first (郜帅): as a literal no style
        # abbreviates the given name (`郜帅.`) or puts it first.
        return {"literal": author.replace(",", "").replace(" ", "")}
    if "," in author:
        family, given = (p.strip() for p in author.split(",", 1))
        return {"family": family, "given": given}
    parts = author.split()
    if len(parts) == 1:
        return {"literal": author}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def to_csl_item(key: str, ref: Reference) -> dict[str, Any]:
    """One CSL-JSON item; only what is known (a reference missing fields still renders)."""
    item: dict[str, Any] = {"id": key, "type": ref.type, "title": ref.title or ref.paper_id}
    if ref.authors:
        item["author"] = [_csl_name(a) for a in ref.authors]
    if ref.year:
        item["issued"] = {"date-parts": [[ref.year]]}
    if ref.venue:
        item["publisher" if ref.type == "thesis" else "container-title"] = ref.venue
    if ref.type == "article" and ref.arxiv_id:
        item["number"] = f"arXiv:{ref.arxiv_id}"
    if ref.arxiv_id and not ref.url and not ref.doi:
        item["URL"] = f"https://arxiv.org/abs/{ref.arxiv_id}"
    for name, csl in (("volume", "volume"), ("issue", "issue"), ("pages", "page"), ("doi", "DOI")):
        if getattr(ref, name):
            item[csl] = getattr(ref, name)
    if ref.publisher and ref.type != "thesis":
        item["publisher"] = ref.publisher
    if ref.place:
        item["publisher-place"] = ref.place
    if ref.url:
        item["URL"] = ref.url
    item["language"] = "zh-CN" if ref.is_chinese else "en-US"
    return item


def _from_csl_item(item: dict[str, Any]) -> Reference:
    authors = []
    for name in item.get("author") or []:
        if "literal" in name:
            authors.append(str(name["literal"]))
        elif _CJK.search(str(name.get("family", ""))):
            authors.append(f"{name.get('family', '')}{name.get('given', '')}")
        else:
            authors.append(", ".join(p for p in (name.get("family"), name.get("given")) if p))
    parts = (item.get("issued") or {}).get("date-parts") or [[None]]
    kind = item.get("type", "article-journal")
    number = str(item.get("number", ""))
    return Reference(
        paper_id="",
        type=kind if kind in REFERENCE_TYPES else "article-journal",
        title=str(item.get("title", "")),
        authors=authors,
        year=parts[0][0] if parts and parts[0] else None,
        venue=str(
            item.get("container-title", "") if kind != "thesis" else item.get("publisher", "")
        ),
        volume=str(item.get("volume", "")),
        issue=str(item.get("issue", "")),
        pages=str(item.get("page", "")),
        publisher=str(item.get("publisher", "")) if kind != "thesis" else "",
        place=str(item.get("publisher-place", "")),
        doi=str(item.get("DOI", "")),
        arxiv_id=normalise_arxiv(number) if "arxiv" in number.lower() else "",
        url=str(item.get("URL", "")),
        abstract=str(item.get("abstract", "")),
        keywords=str(item.get("keyword", "")),
        key=str(item.get("id", ""))
        if re.fullmatch(r"[A-Za-z0-9_:\-.+/]+", str(item.get("id", "")))
        else "",
    )


def read_csl_json(text: str) -> ParsedReferences:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not CSL-JSON: line {error.lineno}: {error.msg}") from None
    items = data if isinstance(data, list) else [data]
    parsed = ParsedReferences()
    for number, item in enumerate(items, 1):
        key = str(item.get("id", f"item{number}")) if isinstance(item, dict) else ""
        try:
            reference = _from_csl_item(item)
        except (ValueError, AttributeError, TypeError, IndexError) as error:
            parsed.bad.append(BadEntry(0, key or f"item {number}", f"not a CSL item ({error})"))
            continue
        if not reference.title:
            parsed.bad.append(BadEntry(0, key, "no title"))
            continue
        parsed.entries[_unique(parsed.entries, key)] = reference
    return parsed


# --------------------------------------------------------------------------------- RIS


def read_ris(text: str) -> ParsedReferences:
    import rispy

    try:
        records = rispy.loads(text, skip_unknown_tags=True)
    except (OSError, ValueError, KeyError) as error:
        raise InputError(f"not a RIS file: {error}") from None
    parsed = ParsedReferences()
    for number, record in enumerate(records, 1):
        title = record.get("title") or record.get("primary_title") or ""
        key = str(record.get("id", "") or f"ris{number}")
        if not title:
            parsed.bad.append(BadEntry(0, key, "no title"))
            continue
        venue = (
            record.get("secondary_title") or record.get("journal_name") or record.get("alternate_title3") or ""
        )  # fmt: skip
        pages = "-".join(p for p in (record.get("start_page"), record.get("end_page")) if p)
        year = record.get("year") or record.get("publication_year") or ""
        parsed.entries[_unique(parsed.entries, key)] = Reference(
            paper_id="",
            type=_RIS_TO_CSL.get(str(record.get("type_of_reference", "")), "article-journal"),
            title=title,
            authors=record.get("authors") or record.get("first_authors") or [],
            year=year or None,
            venue=venue,
            volume=str(record.get("volume", "")),
            issue=str(record.get("number", "")),
            pages=pages,
            publisher=str(record.get("publisher", "")),
            place=str(record.get("place_published", "")),
            doi=str(record.get("doi", "")),
            url=" ".join(record.get("urls") or [])[:500],
            lang="zh" if _CJK.search(title) else "",
            abstract=str(record.get("abstract") or record.get("notes_abstract") or ""),
            keywords=record.get("keywords") or [],
            key=key if re.fullmatch(r"[A-Za-z0-9_:\-.+/]+", key) and key != f"ris{number}" else "",
        )
    return parsed


def _unique(entries: dict[str, Reference], key: str) -> str:
    unique, n = key, 2
    while unique in entries:
        unique, n = f"{key}-{n}", n + 1
    return unique


def read_references(name: str, text: str) -> ParsedReferences:
    """Entries of a .bib, CSL-JSON (.json) or RIS (.ris) file, by its extension."""
    suffix = name.lower().rsplit(".", 1)[-1]
    if suffix in ("bib", "bibtex"):
        return read_bibtex(text)
    if suffix in ("json", "csljson"):
        return read_csl_json(text)
    if suffix in ("ris", "txt"):
        return read_ris(text)
    raise InputError(f"{name}: references are read from .bib, .json (CSL-JSON) or .ris files")
