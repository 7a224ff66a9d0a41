"""Reading import files: decode, recognise the format by content, turn records into cards.

Nothing here touches the store: every record is validated first, so a file either contributes
its valid cards or (for unreadable files) nothing, and the store never holds half a file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ragcore.documents.listing import Listing, looks_like_listing, parse_listing
from ragcore.documents.paper import looks_like_paper
from ragcore.documents.section_context import ContextDocument, looks_like_context, parse_context
from ragcore.ingest.importer.report import FileReport, Problem
from ragcore.ingest.roles import role_from_words
from ragcore.library.cards import Card
from ragcore.library.store import RawChunk
from ragcore.text import TRUNCATION_MARKERS, is_truncated

REQUIRED_FIELDS = ("paper_id", "summary_type", "text")
# A card file this large is a mistake or an attack (the whole demo library is 70 KB; 40,000
# cards of 1 KB are 40 MB): refused in plain words before anything is read into memory.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# A card is a summary: a few sentences to a page. Shorter says nothing; longer is not a card.
MIN_CARD_CHARS = 8  # "深度学习推动了分类。" says something; "x" does not
MAX_CARD_CHARS = 20_000
CARD_LANGS = ("zh", "en")
# Chinese sentence ends anywhere; Latin ones only before whitespace (not 2.1 or 3.14).
_SENTENCE_END = re.compile(r"[。！？]|[.!?](?=\s|$)")
_ACRONYM = re.compile(r"^[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*$")


@dataclass
class Candidate:
    card: Card
    line: int
    path: Path


@dataclass
class ParsedFile:
    report: FileReport
    candidates: list[Candidate] = field(default_factory=list)
    chunks: list[RawChunk] = field(default_factory=list)


def title_from_paper_id(paper_id: str) -> str:
    """A readable title from ids that spell one (`CAPTURE_Memory-Centric_Partitioning_...`);
    empty for opaque ids (DOI suffixes, arXiv numbers)."""
    words = paper_id.split("_")
    if len(words) < 4 or not all(re.fullmatch(r"[A-Za-z][\w-]*", w) for w in words):
        return ""
    if _ACRONYM.match(words[0]):  # the system's name leads: "CAPTURE: Memory-Centric ..."
        return f"{words[0]}: {' '.join(words[1:])}"
    return " ".join(words)


def trim_to_sentence(text: str) -> str:
    """Cut a text that ends in "..." back to its last full sentence ("" when none is left)."""
    if not is_truncated(text):
        return text.strip()
    body = text.rstrip()
    for marker in sorted(TRUNCATION_MARKERS, key=len, reverse=True):
        body = body.removesuffix(marker)
    ends = list(_SENTENCE_END.finditer(body))
    return body[: ends[-1].end()].strip() if ends else ""


# ----------------------------------------------------------------------- decoding


def _utf16(data: bytes) -> str | None:
    """UTF-16 text (with a byte-order mark, or Latin/CJK text whose every other byte is 0)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    else:
        head = data[:4096]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) < len(head) // 4:  # not the zero-byte pattern of UTF-16 text
            return None
        encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


def _utf8_cut(path: Path, data: bytes, report: FileReport) -> str | None:
    """UTF-8 text whose last character was cut off (a copy or download that stopped midway):
    the complete text is kept, the broken character dropped, and the user told."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.reason != "unexpected end of data" or error.start < len(data) - 3:
            return None
        report.encoding = "utf-8"
        report.warnings.append(
            Problem(
                path,
                data.count(b"\n") + 1,
                "the file ends inside a character (cut off?); "
                "the incomplete last character was dropped",
            )
        )
        return data[: error.start].decode("utf-8-sig")
    return None


def _decode(path: Path, data: bytes, report: FileReport) -> str | None:
    if not data.strip():
        report.errors.append(Problem(path, 0, "the file is empty"))
        return None
    if (text := _utf16(data)) is not None:
        report.encoding = "utf-16"
        return text
    if b"\x00" in data[:4096]:
        report.errors.append(Problem(path, 0, "this is a binary file, not a text card file"))
        return None
    try:
        report.encoding = "utf-8"
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if (text := _utf8_cut(path, data, report)) is not None:
        return text
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        report.errors.append(Problem(path, 0, "the file is neither UTF-8 nor GBK/GB18030 text"))
        return None
    report.encoding = "gb18030"
    report.warnings.append(Problem(path, 0, "the file is not UTF-8; it was read as GBK/GB18030"))
    return text


def _detect(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{"):
        return "jsonl"
    if looks_like_listing(text):
        return "listing"
    if looks_like_context(text):
        return "context"
    if looks_like_paper(text):
        return "paper"
    return ""


# ----------------------------------------------------------------------- formats


def _make_card(path: Path, line: int, fields: dict[str, Any], report: FileReport) -> Card | None:
    try:
        card = Card(**fields)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "record"
        message = str(first["msg"]).removeprefix("Value error, ")
        report.errors.append(Problem(path, line, f"{name}: {message}"))
        return None
    if problem := _card_problem(card):
        report.errors.append(Problem(path, line, problem))
        return None
    if not card.title:
        card.title = title_from_paper_id(card.paper_id)
    return card


def _card_problem(card: Card) -> str:
    """Why a card cannot be stored ("" when it can): language and length."""
    if card.lang not in CARD_LANGS:
        return f"lang {card.lang!r} is not supported; cards are in zh or en"
    size = len("".join(card.text.split()))
    if size < MIN_CARD_CHARS:
        return f"the text is {size} characters, too short for a summary card (at least {MIN_CARD_CHARS})"
    if size > MAX_CARD_CHARS:
        return (
            f"the text is {size:,} characters, too long for a summary card "
            f"(at most {MAX_CARD_CHARS:,}); split it or shorten it"
        )
    return ""


def _from_listing(path: Path, listing: Listing, parsed: ParsedFile) -> None:
    for summary_type, item in listing.cards():
        fields = {
            "paper_id": item.paper_id,
            "summary_type": summary_type,
            "text": item.text,
            "source_sections": item.source_sections,
            "tags": item.tags,
            "title": item.title,
        }
        if card := _make_card(path, item.line, fields, parsed.report):
            parsed.candidates.append(Candidate(card, item.line, path))


def _from_context(path: Path, document: ContextDocument, parsed: ParsedFile) -> None:
    for section in document.sections:
        for summary_type, item in section.cards():
            fields = {"paper_id": item.paper_id, "summary_type": summary_type, "text": item.text}
            if card := _make_card(path, item.line, fields, parsed.report):
                parsed.candidates.append(Candidate(card, item.line, path))
        for excerpt in section.excerpts:
            role = role_from_words(excerpt.section) or "other"
            for fragment in excerpt.fragments:
                text = trim_to_sentence(fragment)
                if text:
                    parsed.chunks.append(RawChunk(excerpt.paper_id, role, excerpt.section, text))
                else:
                    parsed.report.raw_chunks_rejected += 1


def _jsonl_fields(raw: str) -> dict[str, Any]:
    """The card fields of one JSONL line; ValueError in plain words when unusable."""
    if len(raw) > MAX_CARD_CHARS * 4:
        raise ValueError(
            f"the line is {len(raw):,} characters, too long for one card (at most "
            f"{MAX_CARD_CHARS:,} characters of text); skipped"
        )
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise ValueError("the JSON is nested too deeply to be a card; skipped") from None
    if not isinstance(record, dict):
        raise ValueError(
            'expected a JSON object like {"paper_id": ..., "summary_type": ..., "text": ...}'
        )
    missing = [name for name in REQUIRED_FIELDS if not str(record.get(name) or "").strip()]
    if missing:
        raise ValueError(f"missing required field {', '.join(missing)}")
    fields = {name: record[name] for name in REQUIRED_FIELDS}
    fields["paper_id"] = str(fields["paper_id"])
    for name in ("source_sections", "tags"):
        value = record.get(name) or []
        fields[name] = [value] if isinstance(value, str) else value
    for name in ("title", "lang"):
        if record.get(name):
            fields[name] = str(record[name])
    return fields


def _from_jsonl(path: Path, text: str, parsed: ParsedFile) -> None:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            fields = _jsonl_fields(raw)
        except ValueError as error:
            parsed.report.errors.append(Problem(path, number, str(error)))
            continue
        if card := _make_card(path, number, fields, parsed.report):
            parsed.candidates.append(Candidate(card, number, path))


def read_import_file(path: Path) -> ParsedFile:
    """Parse one file into candidate cards and raw chunks; problems land in the report."""
    parsed = ParsedFile(FileReport(path))
    report = parsed.report
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            report.errors.append(
                Problem(
                    path,
                    0,
                    f"the file is {size / 1048576:.0f} MB, larger than the "
                    f"{MAX_IMPORT_BYTES / 1048576:.0f} MB limit for one card file; split it "
                    "into smaller files",
                )
            )
            return parsed
        data = path.read_bytes()
    except FileNotFoundError:
        report.errors.append(Problem(path, 0, "no such file"))
        return parsed
    except IsADirectoryError:
        report.errors.append(Problem(path, 0, "this is a folder, not a file"))
        return parsed
    except OSError as error:
        report.errors.append(Problem(path, 0, f"cannot be read ({error.strerror})"))
        return parsed
    text = _decode(path, data, report)
    if text is None:
        return parsed
    report.format = _detect(text)
    if report.format == "listing":
        listing = parse_listing(text)
        report.errors += [Problem(path, i.line, i.message) for i in listing.issues]
        _from_listing(path, listing, parsed)
    elif report.format == "context":
        document = parse_context(text)
        report.errors += [Problem(path, i.line, i.message) for i in document.issues]
        _from_context(path, document, parsed)
    elif report.format == "jsonl":
        _from_jsonl(path, text, parsed)
    elif report.format == "paper":
        report.errors.append(
            Problem(
                path, 0, "this is a finished paper (Markdown), not a card file; nothing to import"
            )
        )
    else:
        report.errors.append(
            Problem(
                path,
                0,
                "unknown format: expected a card listing (用户需求：...), a structured context "
                '(结构化RAG上下文) or cards JSONL (one {"paper_id", "summary_type", "text"} per line)',
            )
        )
    return parsed
