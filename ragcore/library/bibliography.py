"""The bibliography of record: each paper's reference metadata and its citation key.

Ingest guesses a paper's title, authors and year; the guesses are often wrong or empty (a demo
paper's title reads `2309.11930v2`). A `Reference` is what the user says a paper is: its type,
title, authors, year, venue, volume/issue/pages, DOI, arXiv id and URL. It is stored in the same
SQLite database as the papers table (table `paper_references`, one row per paper), kept apart
from the ingest record so a re-ingest never overwrites a correction; a paper without a row gets
its reference from the ingest metadata. Saving a reference also writes the corrected fields back
onto the library paper so every page shows them.

Citation keys are readable and stable: `yang2022tableformer`, Chinese authors through pinyin
(`gao2022duomotai`), or the user's own key from an imported `.bib`. A key is stored the first
time it is given out, so adding papers later never renames the key of an exported paper.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from ragcore.errors import InputError
from ragcore.library import db
from ragcore.library.cards import Paper, keyword_list

_DDL = """
CREATE TABLE IF NOT EXISTS paper_references (
    paper_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS citation_keys (
    paper_id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS unmatched_references (
    key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
"""

# CSL item types we offer; they cover what a paper cites and map one to one onto BibTeX types.
ReferenceType = Literal[
    "article-journal",
    "paper-conference",
    "article",  # a preprint (arXiv)
    "thesis",
    "book",
    "chapter",
    "report",
    "webpage",
]
REFERENCE_TYPES: tuple[str, ...] = ReferenceType.__args__  # type: ignore[attr-defined]
TYPE_LABELS = {
    "article-journal": ("期刊论文", "Journal article"),
    "paper-conference": ("会议论文", "Conference paper"),
    "article": ("预印本", "Preprint"),
    "thesis": ("学位论文", "Thesis"),
    "book": ("专著", "Book"),
    "chapter": ("析出文献", "Book chapter"),
    "report": ("报告", "Report"),
    "webpage": ("网页", "Web page"),
}
EDITABLE_FIELDS = (
    "type",
    "title",
    "authors",
    "year",
    "venue",
    "volume",
    "issue",
    "pages",
    "publisher",
    "place",
    "doi",
    "arxiv_id",
    "url",
    "lang",
    "abstract",
    "keywords",
)
_KEY_RE = re.compile(r"^[A-Za-z0-9_:\-.+/]+$")
_ARXIV_RE = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")
# Two-character Chinese surnames; every other Chinese name takes its first character.
_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "万俟",
        "闻人",
        "澹台",
    ]
)
_TITLE_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "for",
        "in",
        "to",
        "and",
        "with",
        "towards",
        "toward",
        "via",
        "from",
        "by",
        "at",
        "is",
        "are",
        "using",
        "beyond",
    ]
)


class Reference(BaseModel):
    """One paper's reference metadata (authors as written: `Yang, Fan`, `Fan Yang` or `郜帅`)."""

    paper_id: str
    type: ReferenceType = "article-journal"
    title: str = ""
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str = ""  # journal, proceedings, school (thesis), publisher series
    volume: str = ""
    issue: str = ""
    pages: str = ""
    publisher: str = ""
    place: str = ""  # where it was published (a thesis: the university's city)
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    lang: str = ""
    key: str = ""  # the user's own citation key (from an imported .bib); empty = generated
    abstract: str = ""
    keywords: list[str] = Field(default_factory=list)

    @field_validator("keywords", mode="before")
    @classmethod
    def _keywords(cls, value: Any) -> list[str]:
        return keyword_list(value)

    @field_validator("authors", mode="before")
    @classmethod
    def _author_list(cls, value: Any) -> list[str]:
        if isinstance(value, str):
            value = re.split(r"\s+and\s+|;|\n", value)
        return [" ".join(str(a).split()) for a in value or [] if str(a).strip()]

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> int | None:
        if value in (None, ""):
            return None
        match = re.search(r"\d{4}", str(value))
        if not match:
            raise ValueError(f"a year has four digits, got {value!r}")
        return int(match.group(0))

    @field_validator("doi", mode="before")
    @classmethod
    def _doi(cls, value: Any) -> str:
        return normalise_doi(str(value or ""))

    @field_validator("arxiv_id", mode="before")
    @classmethod
    def _arxiv(cls, value: Any) -> str:
        return normalise_arxiv(str(value or ""))

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if value and not _KEY_RE.match(value):
            raise ValueError(f"a citation key uses letters, digits and _:-.+/ only, got {value!r}")
        return value

    @property
    def is_chinese(self) -> bool:
        """Written in Chinese: its title or first author says so (ingest's language guess only
        when neither is known)."""
        known = self.title + "".join(self.authors[:1])
        return bool(_CJK.search(known)) if known else self.lang == "zh"

    def missing(self) -> list[str]:
        """Fields a reference list needs that this one lacks (what an export flags)."""
        wanted = ["title", "authors", "year"]
        if self.type in ("article-journal", "paper-conference", "chapter", "thesis"):
            wanted.append("venue")
        return [name for name in wanted if not getattr(self, name)]


def normalise_doi(value: str) -> str:
    value = value.strip()
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
    return value.lower()


def normalise_arxiv(value: str) -> str:
    """`arXiv:2309.11930v2` and `https://arxiv.org/abs/2309.11930` -> `2309.11930`."""
    match = _ARXIV_RE.search(value.strip())
    return match.group(1) if match else value.strip()


def normalise_title(title: str) -> str:
    """Case-, accent-, punctuation- and brace-blind form of a title for matching."""
    folded = unicodedata.normalize("NFKD", title).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def reference_from_paper(paper: Paper) -> Reference:
    """The reference ingest's metadata gives (the starting point of the user's corrections)."""
    title = paper.title
    # An ingest title that is only an identifier is no title (`2309.11930v2`, `3688609`).
    if re.fullmatch(r"[\d.v/\-]+", title.strip() or "x"):
        title = ""
    arxiv = paper.arxiv_id or (normalise_arxiv(paper.paper_id) if _ARXIV_RE.fullmatch(
        paper.paper_id) else "")  # fmt: skip
    kind: ReferenceType = (
        "article-journal" if paper.venue else ("article" if arxiv else "article-journal")
    )
    return Reference(
        paper_id=paper.paper_id,
        type=kind,
        title=title,
        authors=paper.authors,
        year=paper.year,
        venue=paper.venue,
        doi=paper.doi,
        arxiv_id=arxiv,
        lang=paper.lang if paper.lang in ("zh", "en") else "",
        abstract=paper.abstract,
        keywords=paper.keywords,
    )


def validate_reference(data: dict[str, Any], origin: str = "reference") -> Reference:
    try:
        return Reference.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "reference"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(f"{origin}: {where}: {message}") from None


# ------------------------------------------------------------------------------ keys


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(str(p) for p in lazy_pinyin(text))


def family_name(author: str) -> str:
    """The family name of `Yang, Fan`, `Fan Yang`, `van der Berg, J` or `郜帅`."""
    author = author.strip()
    if "," in author:
        return author.split(",", 1)[0].strip()
    if _CJK.match(author):
        return author[:2] if author[:2] in _COMPOUND_SURNAMES else author[:1]
    parts = author.split()
    return parts[-1] if parts else ""


def _first_title_word(title: str) -> str:
    if _CJK.search(title[:8]):
        import jieba

        # jieba cuts 多模态 into 多 + 模态: take words until the key word has 2+ characters.
        word = ""
        for piece in jieba.lcut(title):
            if not _CJK.search(piece):
                break
            word += piece
            if len(word) >= 2:
                break
        return str(_pinyin(word))
    for word in re.findall(r"[A-Za-z][A-Za-z0-9]*", _ascii(title)):
        if word.lower() not in _TITLE_STOPWORDS:
            return str(word)
    return ""


def suggested_key(reference: Reference) -> str:
    """`familyYYYYword` in lower-case ASCII; Chinese through pinyin; never empty."""
    family = family_name(reference.authors[0]) if reference.authors else ""
    family = _pinyin(family) if _CJK.search(family) else _ascii(family)
    year = str(reference.year or "")
    key = re.sub(r"[^a-z0-9]", "", f"{family}{year}{_first_title_word(reference.title)}".lower())
    if not (family and year) or len(key) < 4:  # no author or year: a stand-in
        key = "ref" + re.sub(r"[^a-z0-9]", "", reference.paper_id.lower())
    return key


# ------------------------------------------------------------------------------ store


class BibliographyStore:
    """The `paper_references`, `citation_keys` and `unmatched_references` tables."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        db.ensure_schema(db_path, "bibliography", _DDL)

    def stored(self, paper_id: str) -> Reference | None:
        with db.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT data FROM paper_references WHERE paper_id=?", (paper_id,)
            ).fetchone()
        return Reference.model_validate_json(row["data"]) if row else None

    def reference(self, paper_id: str, paper: Paper | None) -> Reference:
        """The reference of record: the user's, else the one ingest's metadata gives."""
        stored = self.stored(paper_id)
        if stored is not None:
            return stored
        return reference_from_paper(paper or Paper(paper_id=paper_id))

    def save(self, reference: Reference) -> Reference:
        """Store a reference (a user key must not be another paper's key)."""
        if reference.key:
            self._claim_key(reference.paper_id, reference.key)
        with db.connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO paper_references(paper_id, data) VALUES(?, ?) ON CONFLICT(paper_id) "
                "DO UPDATE SET data=excluded.data, updated_at=CURRENT_TIMESTAMP",
                (reference.paper_id, reference.model_dump_json()),
            )
        return reference

    def edit(self, paper_id: str, paper: Paper | None, **changes: Any) -> Reference:
        """The reference with `changes` applied, checked and saved."""
        unknown = set(changes) - {*EDITABLE_FIELDS, "key"}
        if unknown:
            raise InputError(
                f"a reference has no field {sorted(unknown)[0]!r}; fields: "
                + ", ".join([*EDITABLE_FIELDS, "key"])
            )
        current = self.reference(paper_id, paper).model_dump()
        return self.save(validate_reference(current | changes, f"paper {paper_id}"))

    def _claim_key(self, paper_id: str, key: str) -> None:
        with db.connect(self.db_path) as conn:
            row = conn.execute("SELECT paper_id FROM citation_keys WHERE key=?", (key,)).fetchone()
            if row and row["paper_id"] != paper_id:
                raise InputError(f"citation key {key!r} already belongs to paper {row['paper_id']}")
            conn.execute(
                "INSERT INTO citation_keys(paper_id, key) VALUES(?, ?) ON CONFLICT(paper_id) "
                "DO UPDATE SET key=excluded.key",
                (paper_id, key),
            )

    def citation_key(self, reference: Reference) -> str:
        """The paper's key: the user's own, else the one given out before, else a new one."""
        if reference.key:
            return reference.key
        with db.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT key FROM citation_keys WHERE paper_id=?", (reference.paper_id,)
            ).fetchone()
            if row:
                return str(row["key"])
            taken = {r[0] for r in conn.execute("SELECT key FROM citation_keys")}
            base = suggested_key(reference)
            key, suffix = base, ord("a")
            while key in taken:
                key, suffix = f"{base}{chr(suffix)}", suffix + 1
            # Only a key made from real metadata is kept; `ref2309...` stands in until the
            # reference has an author, a year and a title.
            if reference.authors and reference.year and reference.title:
                conn.execute(
                    "INSERT INTO citation_keys(paper_id, key) VALUES(?, ?)",
                    (reference.paper_id, key),
                )
        return key

    def paper_for_key(self, key: str) -> str | None:
        with db.connect(self.db_path) as conn:
            row = conn.execute("SELECT paper_id FROM citation_keys WHERE key=?", (key,)).fetchone()
        return str(row["paper_id"]) if row else None

    # ---- entries imported that match no library paper -------------------------------------
    def keep_unmatched(self, entries: Iterable[tuple[str, Reference]], source: str) -> None:
        with db.connect(self.db_path) as conn:
            for key, reference in entries:
                conn.execute(
                    "INSERT INTO unmatched_references(key, data, source) VALUES(?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET data=excluded.data, source=excluded.source",
                    (key, reference.model_dump_json(), source),
                )

    def unmatched(self) -> dict[str, Reference]:
        with db.connect(self.db_path) as conn:
            rows = conn.execute(
                "SELECT key, data FROM unmatched_references ORDER BY key"
            ).fetchall()
        return {row["key"]: Reference.model_validate_json(row["data"]) for row in rows}

    def attach(self, key: str, paper_id: str) -> Reference:
        """Make an imported entry that matched nothing the reference of `paper_id`."""
        entry = self.unmatched().get(key)
        if entry is None:
            raise InputError(f"no imported entry {key!r} waits to be attached")
        reference = self.save(entry.model_copy(update={"paper_id": paper_id}))
        with db.connect(self.db_path) as conn:
            conn.execute("DELETE FROM unmatched_references WHERE key=?", (key,))
        return reference


def apply_to_paper(paper: Paper | None, reference: Reference) -> Paper:
    """The library paper with the reference's corrections (so every page shows them)."""
    base = paper or Paper(paper_id=reference.paper_id)
    return base.model_copy(
        update={
            "title": reference.title or base.title,
            "authors": reference.authors or base.authors,
            "year": reference.year or base.year,
            "venue": reference.venue or base.venue,
            "doi": reference.doi or base.doi,
            "arxiv_id": reference.arxiv_id or base.arxiv_id,
            "abstract": reference.abstract or base.abstract,
            "keywords": reference.keywords or base.keywords,
        }
    )


def reference_json(reference: Reference, key: str) -> dict[str, Any]:
    """The `papers show --json` record (and the input `papers edit --json` takes back)."""
    return {"key": key, **reference.model_dump(exclude={"key"}), "user_key": reference.key}


def load_reference_json(text: str, origin: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{origin}: not JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(data, dict):
        raise InputError(f"{origin}: expected one JSON object with reference fields")
    data.pop("key", None)
    if "user_key" in data:
        data["key"] = data.pop("user_key")
    return data


def references_for(
    store: BibliographyStore, paper_ids: Sequence[str], papers: Any
) -> list[tuple[str, Reference]]:
    """(citation key, reference) of each paper id, in order; `papers` looks a Paper up."""
    out = []
    for paper_id in paper_ids:
        reference = store.reference(paper_id, papers(paper_id))
        out.append((store.citation_key(reference), reference))
    return out
