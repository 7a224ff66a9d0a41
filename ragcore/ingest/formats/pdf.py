"""PDF: read through PyMuPDF's layout analysis (`pymupdf4llm`), then headings, running text,
page anchors and metadata (`pdf_layout`, `pdf_structure`, `pdf_meta`). Files the layout model
cannot handle fall back to the bare text layer (`pdf_plain`) with a warning on the paper."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymupdf

from ragcore.errors import InputError
from ragcore.ingest.formats import pdf_meta
from ragcore.ingest.formats.pdf_clean import HyphenRestorer, markdown_to_text
from ragcore.ingest.formats.pdf_layout import LayoutBox, LayoutError, read_boxes, split_furniture
from ragcore.ingest.formats.pdf_plain import parse_plain
from ragcore.ingest.formats.pdf_structure import build, heading_key
from ragcore.ingest.model import Block, ParsedDocument
from ragcore.ingest.pdf_integrity import check_page_tree
from ragcore.library.latin_glyphs import decoded, latin_as_cjk, read_back

PageCallback = Callable[[int, int], None]
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (e.g. a Word file)",
}
# Words with a replacement or private-use character, or an accented letter inside an
# otherwise plain English word ("speciêc"): the font's glyph-to-text map is broken.
_KEYWORDS = re.compile(
    r"^(?:key\s*words?|index\s+terms|关\s*键\s*词)\s*[:：.—–-]\s*(.+)$", re.I | re.S
)
_GARBLED = re.compile(r"[A-Za-z]*[\ufffd\ue000-\uf8ff][A-Za-z]*|[a-z]+[\u00c0-\u00ff][a-z]+")


def _check_header(path: Path, data: bytes) -> None:
    if b"%PDF" in data[:1024]:
        if b"%%EOF" not in data[-2048:]:
            raise InputError(
                f"{path}: the PDF is truncated (its end is missing); it may be an incomplete download."
            )
        return
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"{path}: this is not a PDF but {kind} with a .pdf name.")
    raise InputError(f"{path}: this is not a PDF file (no PDF header).")


def _open(path: Path, data: bytes) -> Any:  # pymupdf ships no usable type hints
    _check_header(path, data)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")  # type: ignore[no-untyped-call]
    except Exception:  # PyMuPDF raises several types for broken files
        raise InputError(f"{path}: the PDF is damaged and cannot be read.") from None
    if doc.needs_pass:
        raise InputError(f"{path}: the PDF is password-protected; save an unprotected copy first.")
    if doc.page_count == 0:
        raise InputError(f"{path}: the PDF has no pages.")
    check_page_tree(path, doc)
    return doc


def _check_text_layer(path: Path, doc: Any) -> None:
    chars = images = 0
    for page in doc:
        chars += len("".join(page.get_text().split()))
        images += len(page.get_images())
    if chars < 20 * max(1, doc.page_count) // 4 or chars < 50:
        if images:
            raise InputError(
                f"{path}: the PDF has no text layer (scanned pages); run OCR on it first."
            )
        raise InputError(f"{path}: the PDF contains no text.")


def parse(path: Path, data: bytes, on_page: PageCallback | None = None) -> ParsedDocument:
    doc = _open(path, data)
    _check_text_layer(path, doc)
    try:
        boxes = read_boxes(doc, on_page)
    except LayoutError as error:  # the text layer is still there to read
        parsed = parse_plain(path, doc)
        front_text = "\n".join(doc[i].get_text() for i in range(min(2, doc.page_count)))
        parsed.hints.update(pdf_meta.find_front_facts(front_text, [], doc.metadata or {}))
        parsed.warnings.append(
            f"{path.name}: layout analysis failed on {error}; the whole file was read as plain "
            "text instead, so some headings may be missed"
        )
    else:
        parsed = _from_layout(path, doc, boxes)
    parsed.pages = doc.page_count
    garbled = garbled_words(parsed.full_text)
    if garbled:
        parsed.warnings.append(
            "the PDF's text layer maps some glyphs (often the fi/ff ligatures) to wrong "
            f"characters, so words like {', '.join(garbled[:3])} are garbled"
        )
    as_cjk = latin_as_cjk(parsed.full_text)
    if as_cjk:
        _read_back_latin(parsed, as_cjk)
        examples = ", ".join(f"{run} → “{decoded(run)}”" for run in as_cjk[:3])
        parsed.warnings.append(
            "the PDF's text layer turns English words and numbers into Chinese characters "
            f"(its fonts lack a correct character map): they were read back as Latin text "
            f"({examples}), but the layer has no spaces between English words, so English "
            "sentences run together; check English terms and numbers in this paper's cards. "
            "A copy of the paper from another source may read correctly"
        )
    return parsed


def _read_back_latin(parsed: ParsedDocument, runs: list[str]) -> None:
    for block in parsed.blocks:
        block.text = read_back(block.text, runs)
    parsed.hints = {name: read_back(value, runs) for name, value in parsed.hints.items()}
    parsed.authors = [read_back(author, runs) for author in parsed.authors]


def garbled_words(text: str) -> list[str]:
    """Words showing a broken glyph map, most frequent first; empty when there are too few
    to be more than a name with an accent."""
    counts = Counter(_GARBLED.findall(text))
    if sum(counts.values()) < 5 or len(counts) < 3:
        return []
    return [word for word, _ in counts.most_common()]


def _from_layout(path: Path, doc: Any, boxes: list[LayoutBox]) -> ParsedDocument:
    content, furniture = split_furniture(boxes, doc)
    front_text = "\n".join(doc[i].get_text() for i in range(min(2, doc.page_count)))
    printed = heading_key(front_text)
    meta = doc.metadata or {}
    title, title_index = pdf_meta.find_title(content, furniture, meta, printed)
    authors = pdf_meta.find_authors(content, title_index, meta, printed)
    outline = [(int(e[0]), str(e[1]), int(e[2])) for e in doc.get_toc(simple=True)]
    layer = "\n".join(page.get_text() for page in doc)
    structure = build(content, title, outline, HyphenRestorer(layer))
    parsed = ParsedDocument(path=path, fmt="pdf", blocks=structure.blocks, authors=authors)
    if title:
        parsed.hints["title"] = title
    first_furniture = [markdown_to_text(b.markdown) for b in furniture if b.page <= 2]
    parsed.hints.update(pdf_meta.find_front_facts(front_text, first_furniture, meta))
    abstract = _abstract(structure.blocks)
    if abstract:
        parsed.hints["abstract"] = abstract
    keywords = _keywords(structure.blocks)
    if keywords and "keywords" not in parsed.hints:
        parsed.hints["keywords"] = keywords
    return parsed


def _keywords(blocks: list[Block]) -> str:
    for block in blocks[:80]:
        found = _KEYWORDS.match(block.text)
        if found:
            return found.group(1).strip()
    return ""


def _abstract(blocks: list[Block]) -> str:
    """The paragraph under an "Abstract"/"摘要" heading, or after such a run-in label."""
    for index, block in enumerate(blocks[:60]):
        label = re.match(r"^(?:abstract|摘\s*要)\s*[:：.—–-]?\s*", block.text, re.I)
        if not label:
            continue
        rest = block.text[label.end() :].strip()
        if block.heading_level is None and rest:
            return rest
        following = next((b for b in blocks[index + 1 :] if b.kind == "body"), None)
        if following is not None and following.heading_level is None:
            return following.text
    return ""
