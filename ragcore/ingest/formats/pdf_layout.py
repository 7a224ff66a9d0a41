"""PyMuPDF's layout analysis, page by page: typed boxes (title, section-header, text, list-item,
caption, footnote, table, picture, page-header/footer) with their Markdown text and position.

`pymupdf4llm.to_markdown(page_chunks=True)` does the hard part (layout model, columns, header
levels); this module only puts its boxes into reading order where a two-column page needs it,
drops page furniture, and records the font style of each box for the heading rules.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pymupdf4llm

from ragcore.ingest.formats.pdf_clean import unmark_cjk_code
from ragcore.ingest.roles import ORDER, role_from_words

_MARGIN = 0.08  # top/bottom share of the page where running headers and page numbers live
_DIGITS = re.compile(r"\d+")
_LINE_NUMBERS = re.compile(r"^[\d\s]+$")  # review copies: a column of line numbers
# A page whose text layer holds this many characters must keep this share of them in the
# layout reader's output (Markdown adds markup, so a good page keeps well over its text).
_PAGE_TEXT_MIN = 200
_COVERAGE_MIN = 0.5
FURNITURE = frozenset({"page-header", "page-footer"})
PageCallback = Callable[[int, int], None]


class LayoutError(Exception):
    """The layout model failed on a page (the caller falls back to the bare text layer)."""


@dataclass
class LayoutBox:
    page: int  # 1-based
    kind: str  # the layout model's class
    x0: float
    y0: float
    x1: float
    y1: float
    markdown: str
    size: float = 0.0  # dominant font size of the box's text
    style: str = ""  # dominant "size|font|bold" key, to compare headings with each other
    bold: bool = False
    low: bool = False  # in the bottom 15% of the page, where footnotes sit


def read_boxes(doc: Any, on_page: PageCallback | None = None) -> list[LayoutBox]:
    """All boxes of the document in reading order (furniture included: see `split_furniture`)."""
    boxes: list[LayoutBox] = []
    total = doc.page_count
    for index in range(total):
        # One page per call: the same work as one call for all pages, but progress per page.
        try:
            chunk = pymupdf4llm.to_markdown(
                doc, pages=[index], page_chunks=True, use_ocr=False, show_progress=False
            )[0]
        except Exception as error:  # its failures have no common type
            detail = " ".join(str(error).split())[:120]
            raise LayoutError(
                f"page {index + 1}: the layout model stopped with {type(error).__name__}"
                + (f": {detail}" if detail else "")
            ) from error
        page = doc[index]
        _check_coverage(index + 1, page, chunk["text"])
        page_boxes = [_box(index + 1, raw, chunk["text"]) for raw in chunk["page_boxes"]]
        for box in page_boxes:
            box.low = box.y0 > page.rect.height * 0.85
        _add_styles(page, page_boxes)
        boxes.extend(_reading_order(page_boxes, page.rect.width))
        if on_page is not None:
            on_page(index + 1, total)
    return boxes


def _check_coverage(number: int, page: Any, markdown: str) -> None:
    """The layout model can return a page's boxes without their text: text set sideways
    (landscape tables, rotated pages) comes back empty while the text layer holds it. Such a
    page would be lost without a word, so it counts as a failure of the layout reader."""
    layer = len("".join(page.get_text().split()))
    found = len("".join(markdown.split()))
    if layer >= _PAGE_TEXT_MIN and found < layer * _COVERAGE_MIN:
        raise LayoutError(
            f"page {number}: the layout model returned {found} of the page's {layer} "
            "characters (text set sideways is one cause)"
        )


def _box(page: int, raw: dict[str, Any], text: str) -> LayoutBox:
    start, stop = raw["pos"]
    x0, y0, x1, y1 = raw["bbox"]
    markdown = unmark_cjk_code(text[start:stop])
    return LayoutBox(page, str(raw["class"]), x0, y0, x1, y1, markdown)


def _add_styles(page: Any, boxes: list[LayoutBox]) -> None:
    """Font size, font and boldness that cover most characters of each text box."""
    spans = [
        span
        for block in page.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        if span["text"].strip()
    ]
    for box in boxes:
        styles: Counter[tuple[float, str, bool]] = Counter()
        for span in spans:
            sx0, sy0, sx1, sy1 = span["bbox"]
            cx, cy = (sx0 + sx1) / 2, (sy0 + sy1) / 2
            if box.x0 - 2 <= cx <= box.x1 + 2 and box.y0 - 2 <= cy <= box.y1 + 2:
                bold = bool(span["flags"] & 16) or "bold" in span["font"].lower()
                styles[(round(span["size"], 1), span["font"], bold)] += len(span["text"].strip())
        if styles:
            (size, font, bold), _ = styles.most_common(1)[0]
            box.size, box.bold, box.style = size, bold, f"{size}|{font}|{bold}"


def _reading_order(boxes: list[LayoutBox], width: float) -> list[LayoutBox]:
    """Two-column pages: the model's order, unless it zigzags between the columns (it does
    around wide figures) or breaks the heading numbering; then left column before right
    within each band between full-width boxes."""
    middle = width / 2
    left = [b for b in boxes if b.x1 <= middle + 15 and b.kind not in FURNITURE]
    right = [b for b in boxes if b.x0 >= middle - 15 and b.kind not in FURNITURE and b not in left]
    if len([b for b in left if b.kind == "text"]) < 1 or len(right) < 1:
        return boxes
    sides = [1 if b in left else 2 for b in boxes if b in left or b in right]
    switches = sum(1 for a, b in itertools.pairwise(sides) if a != b)
    columns = _column_order(boxes, left, right, middle)
    # The model's own order (a column, then the other, band by band) unless it zigzags,
    # starts in the right column although the left one starts higher, or puts numbered
    # headings out of sequence where the column order does not.
    first = next(b for b in boxes if b in left or b in right)
    starts_right = first in right and min(b.y0 for b in left) < first.y0
    if switches > 3 or starts_right or _inversions(columns) < _inversions(boxes):
        return columns
    return boxes


def _column_order(
    boxes: list[LayoutBox], left: list[LayoutBox], right: list[LayoutBox], middle: float
) -> list[LayoutBox]:
    wide = sorted(
        (b for b in boxes if b not in left and b not in right and b.kind not in FURNITURE),
        key=lambda b: b.y0,
    )

    def band(box: LayoutBox) -> int:
        return sum(1 for w in wide if w.y0 <= box.y0)

    def key(box: LayoutBox) -> tuple[int, int, float]:
        if box.kind in FURNITURE:
            return (-1 if box.kind == "page-header" else 10**6, 0, box.y0)
        side = 0 if box in wide else (1 if box in left else 2)
        return (band(box), side, box.y0)

    return sorted(boxes, key=key)


_HEADING_NUMBER = re.compile(r"^[#*_\s]*((?:\d+(?:\.\d+)*)|[IVX]+)\.?[*_\s]+\S")
_ROMAN = {"I": 1, "V": 5, "X": 10}
_RANK = {role: rank for rank, role in enumerate(ORDER) if role != "appendix"}


def _number_key(markdown: str) -> tuple[int, ...] | None:
    found = _HEADING_NUMBER.match(markdown)
    if not found:
        return None
    number = found.group(1)
    if number[0].isdigit():
        return tuple(int(part) for part in number.split("."))
    values = [_ROMAN[c] for c in number]
    total = sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
    )
    return (total,)


def _inversions(boxes: list[LayoutBox]) -> int:
    """How often a heading comes after one it should precede in this order: a higher
    number ("5" before "4.1"), or a later part of a paper ("References" before "Experiments")."""
    headings = [b.markdown for b in boxes if b.kind in ("section-header", "title")]
    numbers = [key for text in headings if (key := _number_key(text)) is not None]
    ranks = [
        _RANK[role]
        for text in headings
        if (role := role_from_words(re.sub(r"[#*_]", "", text))) in _RANK
    ]
    return sum(1 for a, b in itertools.pairwise(numbers) if b < a) + sum(
        1 for a, b in itertools.pairwise(ranks) if b < a
    )


def split_furniture(boxes: list[LayoutBox], doc: Any) -> tuple[list[LayoutBox], list[LayoutBox]]:
    """(content, furniture). Furniture: page headers/footers as the model labels them, plus
    what it missed: text repeated in the page margins of many pages (digits masked) and
    columns of line numbers."""
    heights: dict[int, float] = {i + 1: float(doc[i].rect.height) for i in range(doc.page_count)}

    def in_margin(box: LayoutBox) -> bool:
        height = heights[box.page]
        return box.y1 < height * _MARGIN or box.y0 > height * (1 - _MARGIN)

    repeated: Counter[str] = Counter()
    for box in boxes:
        if in_margin(box):
            repeated[_DIGITS.sub("#", box.markdown.strip())] += 1
    threshold = max(3, doc.page_count // 3)
    running = {text for text, count in repeated.items() if count >= threshold}
    kept: list[LayoutBox] = []
    furniture: list[LayoutBox] = []
    for box in boxes:
        text = box.markdown.strip()
        if not text:
            continue
        repeated_text = in_margin(box) and _DIGITS.sub("#", text) in running
        # Page numbers and line-number columns, wherever the model put them.
        numbers_only = _LINE_NUMBERS.match(text) is not None and box.kind in ("text", "list-item")
        is_furniture = box.kind in FURNITURE or repeated_text or numbers_only
        (furniture if is_furniture else kept).append(box)
    return kept, furniture
