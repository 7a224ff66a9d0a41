"""Fallback PDF reader on the bare text layer, for files the layout model cannot handle:
left column before right, running headers/footers and page numbers dropped, hyphenated breaks
joined; headings are left to `sections.py`, helped by a bold/size hint."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ragcore.ingest.formats.pdf_clean import nfkc
from ragcore.ingest.model import Block, ParsedDocument

_MARGIN = 0.08  # top/bottom share of the page where running headers and page numbers live
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?\s*$|^\s*[-–]\s*\d{1,4}\s*[-–]\s*$", re.I
)


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


def raw_blocks(doc: Any) -> tuple[list[_RawBlock], list[tuple[float, float]], int]:
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


def parse_plain(path: Path, doc: Any) -> ParsedDocument:
    blocks_in, sizes, _ = raw_blocks(doc)
    running = _running_lines(blocks_in, sizes)
    body_size = Counter({b.size: b.chars for b in blocks_in}).most_common(1)[0][0]
    blocks: list[Block] = []
    for number in range(doc.page_count):
        page_blocks = [
            b for b in blocks_in if b.page == number and not _is_furniture(b, sizes, running)
        ]
        for block in _reading_order(page_blocks, sizes[number][0]):
            emphasis = block.bold or block.size > body_size * 1.15
            blocks.append(
                Block(
                    nfkc("\n".join(block.lines)),
                    emphasis=emphasis and len(block.lines) <= 3,
                    pages=(number + 1,),
                )
            )
    parsed = ParsedDocument(path=path, fmt="pdf", blocks=blocks)
    title = _title(blocks_in, body_size)
    if title:
        parsed.hints["title"] = title
    return parsed


def _title(blocks: list[_RawBlock], body_size: float) -> str:
    """The first page's block in the largest type, its lines joined (a title wraps): the
    first line alone would cut "... for Semi-Supervised Learning" after "Semi-Supervised"."""
    first = [b for b in blocks if b.page == 0 and b.size > body_size * 1.15 and len(b.lines) <= 4]
    if not first:
        return ""
    top = max(first, key=lambda b: (b.size, -b.y0))
    return nfkc(" ".join(top.lines))
