"""PDF text layer via PyMuPDF: column order, running headers/footers and page numbers removed,
hyphenated line breaks joined. Headings are left to `sections.py`, helped by a bold/size hint."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf

from ragcore.errors import InputError
from ragcore.ingest.model import Block, ParsedDocument
from ragcore.ingest.pdf_integrity import check_page_tree

_MARGIN = 0.08  # top/bottom share of the page where running headers and page numbers live
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?\s*$|^\s*[-–]\s*\d{1,4}\s*[-–]\s*$", re.I
)
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (e.g. a Word file)",
}


@dataclass
class _RawBlock:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    lines: list[str]
    size: float
    bold: bool
    chars: int


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


def _raw_blocks(doc: Any) -> tuple[list[_RawBlock], list[tuple[float, float]], int]:
    blocks: list[_RawBlock] = []
    sizes: list[tuple[float, float]] = []
    images = 0
    for number, page in enumerate(doc):
        sizes.append((page.rect.width, page.rect.height))
        images += len(page.get_images())
        for raw in page.get_text("dict")["blocks"]:
            if raw.get("type") != 0:
                continue
            block = _to_block(number, raw)
            if block is not None:
                blocks.append(block)
    return blocks, sizes, images


def _to_block(page: int, raw: dict[str, Any]) -> _RawBlock | None:
    lines: list[str] = []
    size_chars: Counter[float] = Counter()
    bold_chars = chars = 0
    for line in raw["lines"]:
        text = "".join(span["text"] for span in line["spans"]).strip()
        if text:
            lines.append(text)
        for span in line["spans"]:
            n = len(span["text"].strip())
            chars += n
            size_chars[round(span["size"], 1)] += n
            if span["flags"] & 16 or "bold" in span["font"].lower():
                bold_chars += n
    if not lines:
        return None
    x0, y0, x1, y1 = raw["bbox"]
    size = size_chars.most_common(1)[0][0] if size_chars else 0.0
    return _RawBlock(page, x0, y0, x1, y1, lines, size, bold_chars >= chars * 0.8, chars)


def _running_lines(blocks: list[_RawBlock], sizes: list[tuple[float, float]]) -> set[str]:
    """Texts (digits masked) repeated in the page margins of at least half the pages."""
    seen: Counter[str] = Counter()
    for block in blocks:
        height = sizes[block.page][1]
        if block.y1 < height * _MARGIN or block.y0 > height * (1 - _MARGIN):
            seen.update({_DIGITS.sub("#", "\n".join(block.lines))})
    threshold = max(2, len(sizes) // 2)
    return {text for text, count in seen.items() if count >= threshold}


def _is_furniture(block: _RawBlock, sizes: list[tuple[float, float]], running: set[str]) -> bool:
    height = sizes[block.page][1]
    in_margin = block.y1 < height * _MARGIN or block.y0 > height * (1 - _MARGIN)
    text = "\n".join(block.lines)
    return in_margin and (_PAGE_NUMBER.match(text) is not None or _DIGITS.sub("#", text) in running)


def _reading_order(blocks: list[_RawBlock], width: float) -> list[_RawBlock]:
    """Left column before right column; full-width blocks keep their vertical place."""
    middle = width / 2
    left = [b for b in blocks if b.x1 <= middle + 10]
    right = [b for b in blocks if b.x0 >= middle - 10 and b not in left]
    if not left or not right:
        return sorted(blocks, key=lambda b: (b.y0, b.x0))
    top_of_columns = min(b.y0 for b in left + right)

    def key(block: _RawBlock) -> tuple[int, float, float]:
        if block in left:
            return (1, block.y0, block.x0)
        if block in right:
            return (2, block.y0, block.x0)
        return (0 if block.y0 <= top_of_columns else 3, block.y0, block.x0)

    return sorted(blocks, key=key)


def parse(path: Path, data: bytes) -> ParsedDocument:
    doc = _open(path, data)
    raw_blocks, sizes, images = _raw_blocks(doc)
    total_chars = sum(b.chars for b in raw_blocks)
    if total_chars < 20 * max(1, doc.page_count) // 4 or total_chars < 50:
        if images:
            raise InputError(
                f"{path}: the PDF has no text layer (scanned pages); run OCR on it first."
            )
        raise InputError(f"{path}: the PDF contains no text.")
    running = _running_lines(raw_blocks, sizes)
    body_size = Counter({b.size: b.chars for b in raw_blocks}).most_common(1)[0][0]
    blocks: list[Block] = []
    for number in range(doc.page_count):
        page_blocks = [
            b for b in raw_blocks if b.page == number and not _is_furniture(b, sizes, running)
        ]
        for block in _reading_order(page_blocks, sizes[number][0]):
            emphasis = block.bold or block.size > body_size * 1.15
            blocks.append(
                Block("\n".join(block.lines), emphasis=emphasis and len(block.lines) <= 3)
            )
    parsed = ParsedDocument(path=path, fmt="pdf", blocks=blocks, pages=doc.page_count)
    meta = doc.metadata or {}
    for key in ("title", "author", "subject", "keywords", "creationDate"):
        if meta.get(key):
            parsed.hints[key] = str(meta[key])
    if meta.get("author"):
        parsed.authors = [
            a.strip() for a in re.split(r"[;,]| and ", str(meta["author"])) if a.strip()
        ]
    return parsed
