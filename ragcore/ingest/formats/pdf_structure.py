"""Layout boxes → blocks: which boxes are real section headings, at which level, and the
running text joined across column and page breaks, with the pages every part comes from.

The layout model finds nearly every heading but also calls title and author lines, cover-page
labels, captions and list items "section-header", and now and then a real heading "list-item".
The rules below are about what a heading *is* in any paper (numbering that continues, the style
other headings use, the PDF outline), never about particular files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ragcore.ingest.formats.pdf_clean import continues, join_continuation, markdown_to_text, nfkc
from ragcore.ingest.formats.pdf_layout import LayoutBox
from ragcore.ingest.headings import match_heading
from ragcore.ingest.model import Block
from ragcore.ingest.roles import is_keyword_heading, role_from_words

_HEADING_KINDS = ("title", "section-header")
_SKIPPED_KINDS = ("picture", "formula", "table")
_CAPTION = re.compile(
    r"^(?:(?:Supplementary\s+|Extended\s+Data\s+)?(?:Figure|Fig\.?|Table|Tab\.?|Algorithm|Listing"
    r"|Scheme|Chart)\s*[A-Z]?\d|[图表]\s*[A-Z]?\d|算法\s*\d)",
    re.I,
)
# A caption's label ends in punctuation ("Figure 1:", "Table 2."), unlike "Figure 1 shows".
_CAPTION_LABEL = re.compile(
    r"^(?:Figure|Fig\.?|Table|Tab\.?|Algorithm|Scheme)\s*[A-Z]?\d+[.:|]\s|^[图表]\s*[A-Z]?\d+(?:[.-]\d+)?\s"
)
_FOOTNOTE_MARK = re.compile(r"^(?:\d{1,2}|[*†‡§¶])\s?\S")
_TOC_LEADER = re.compile(r"(?:\.\s?){4,}|(?:[⋅·…]\s?){3,}|\s\d{1,3}$")
_DATE = re.compile(
    r"^(?:\d{4}\s*年(?:\s*\d{1,2}\s*月)?|(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b.*\d{4}|\d{4}|[\d\s./-]+)$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.。!?！？;；,，]$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NON_WORD = re.compile(r"[\W_]+")
_FRONT_ROLES = ("abstract", "introduction")
# First-page notes journals print beside the abstract: kept apart from the running text.
_FRONT_NOTE = re.compile(
    r"^\W{0,2}(?:citation|(?:academic\s+)?editor|received|accepted|published|copyright|©|"
    r"funding|competing\s+interests|conflicts?\s+of\s+interest|data\s+availability|e-?mail|"
    r"correspondence|corresponding\s+author|收稿日期|修回日期|录用日期|基金项目|作者简介|"
    r"通信作者|通讯作者|引用格式|中图分类号|文献标[志识]码|文章编号)\b",
    re.I,
)
_FILE_ITEM = re.compile(
    r"\((?:PDF|XLSX?|ZIP|DOCX?|TIFF?|PNG|JPE?G|CSV|TXT|MP4|AVI|MOV|PPTX?)\)$", re.I
)
_TOC_LINE = re.compile(r"(?:[.⋅·…]\s?){5,}\s*[\dIVXivx]+\s*$")
_OUTLINE_NUMBER = re.compile(r"^(?:[A-Z]|\d+)(?:\.\d+)*\.?\s+|^附录\s*[A-Z]\s*")


def heading_key(text: str) -> str:
    """Comparable form of a heading: NFKC, no spaces or punctuation, lower case."""
    return _NON_WORD.sub("", nfkc(text)).lower()


@dataclass
class _Candidate:
    text: str
    box: LayoutBox
    level: int = 0
    keyword: bool = False
    number: str = ""


@dataclass
class Structure:
    blocks: list[Block] = field(default_factory=list)
    headings: list[_Candidate] = field(default_factory=list)


def _number(text: str) -> str:
    found = match_heading(text, isolated=True)
    if not found or not found.number:
        return ""
    number = found.number
    return number if re.match(r"^(?:\d+|[A-Z])(?:\.\d+)*$", number) else ""


def _false_heading(text: str) -> bool:
    """Lines the layout model marks as headings that no paper uses as one."""
    words = len(text.split()) + len(_CJK.findall(text))
    if not text or words > 30 or "@" in text or _TOC_LEADER.search(text) or _DATE.match(text):
        return True
    if re.search(r"[A-Za-z]-$", text):
        return True  # a line cut by hyphenation
    if _FILE_ITEM.search(text):
        return True  # a supporting-information item: "Methods S2 Supplemental Methods. (PDF)"
    if _SENTENCE_END.search(text) and words > 8 and not is_keyword_heading(text):
        return True
    letters = [c for c in text if c.isalpha()]
    # "of", "By", a lone symbol: pieces of a cover page or a figure, not headings.
    return len(letters) < 2 or (len(letters) <= 3 and not _CJK.search(text) and not _number(text))


def _expected(number: str) -> set[str]:
    """Numbers that may follow `number` as the next heading ("2.1" → 2.2, 2.1.1, 3)."""
    parts = number.split(".")
    out = {number + ".1"}
    for depth in range(len(parts)):
        head, last = parts[:depth], parts[depth]
        following = chr(ord(last) + 1) if last.isalpha() else str(int(last) + 1)
        out.add(".".join([*head, following]))
    return out


class _Builder:
    def __init__(
        self,
        title: str,
        outline: list[tuple[int, str, int]],
        body_style: str,
        fix: Callable[[str], str],
    ) -> None:
        self.fix = fix
        self.title_key = heading_key(title)
        self.body_style = body_style
        self.body_size = float(body_style.split("|")[0]) if body_style else 0.0
        self.outline: dict[tuple[int, str], int] = {}
        for level, text, page in outline:
            self.outline[(page, heading_key(text))] = level
            # Outlines often leave out the number the page prints ("A Example…" → "Example…").
            self.outline.setdefault((page, heading_key(_OUTLINE_NUMBER.sub("", text))), level)
        self.structure = Structure()
        self.last_number = ""
        self.heading_styles: set[str] = set()

    def add(self, box: LayoutBox) -> None:
        if box.kind in _SKIPPED_KINDS:
            return
        text = self.fix(markdown_to_text(box.markdown))
        if not text:
            return
        if box.kind == "footnote" or self._unlabelled_footnote(text, box):
            self._note(text, box, "footnote")
        elif box.kind == "caption" or (
            _CAPTION.match(text)
            and (box.kind != "text" or (_CAPTION_LABEL.match(text) and len(text) < 400))
        ):
            self._note(text, box, "caption")
        elif box.page <= 2 and box.kind == "text" and _FRONT_NOTE.match(text):
            self._note(text, box, "footnote")
        elif self._is_heading(text, box):
            self._heading(" ".join(text.split("\n")), box)
        else:
            self._body(text, box)

    def _unlabelled_footnote(self, text: str, box: LayoutBox) -> bool:
        """Small print at the page bottom starting with a mark ("1 Code is …", "* Equal …")."""
        small = 0 < box.size < self.body_size - 0.5
        return box.kind == "text" and box.low and small and _FOOTNOTE_MARK.match(text) is not None

    def _is_heading(self, text: str, box: LayoutBox) -> bool:
        line = " ".join(text.split("\n"))
        if heading_key(line) == self.title_key and box.page <= 2:
            return False  # the paper's title (also printed again on later pages)
        if self._outline_level(line, box.page):
            return True  # the PDF's own outline names it
        if box.kind in _HEADING_KINDS:
            # A line in the running text's own font is a heading only if numbered or standard.
            plain = box.style == self.body_style and not _number(line)
            return not _false_heading(line) and not (plain and not is_keyword_heading(line))
        return self._missed_heading(text, box)

    def _outline_level(self, line: str, page: int) -> int:
        key = heading_key(line)
        bare = heading_key(_OUTLINE_NUMBER.sub("", line))
        return self.outline.get((page, key)) or self.outline.get((page, bare)) or 0

    def _missed_heading(self, text: str, box: LayoutBox) -> bool:
        """A heading the model took for a list item or text: one short line, set apart from
        the running text (a heading style, bold or larger), that is a standard heading or is
        numbered, a digit number continuing the headings so far."""
        if "\n" in text or len(text) > 80 or _SENTENCE_END.search(text):
            return False
        styled = box.style in self.heading_styles or box.bold or box.size > self.body_size + 0.5
        if not styled or box.style == self.body_style:
            return False
        if is_keyword_heading(text):
            return True
        found = match_heading(text, isolated=True)
        if found is None or not found.number:
            return False
        number = _number(text)
        if not number:
            return found.kind == "zh"  # 一、 （一） 第三章: numerals no list uses
        return number in _expected(self.last_number) if self.last_number else number in ("0", "1")

    def _heading(self, text: str, box: LayoutBox) -> None:
        candidate = _Candidate(text, box, keyword=is_keyword_heading(text))
        candidate.number = _number(text)
        candidate.level = self._outline_level(text, box.page)
        if candidate.number:
            self.last_number = candidate.number
        self.heading_styles.add(box.style)
        self.structure.headings.append(candidate)
        self.structure.blocks.append(Block(text, heading_level=1, pages=(box.page,)))

    def _note(self, text: str, box: LayoutBox, kind: str) -> None:
        self.structure.blocks.append(
            Block(" ".join(text.split("\n")), pages=(box.page,), kind=kind)
        )

    def _body(self, text: str, box: LayoutBox) -> None:
        lines = [line for line in text.split("\n") if not _TOC_LINE.search(line)]
        if not lines:
            return  # table-of-contents entries ("2.1 Data ...... 7")
        text = " ".join(lines) if box.kind != "list-item" else "\n".join(lines)
        previous = self._last_body()
        if previous is not None and continues(previous.text, text):
            joined, offset = join_continuation(previous.text, text)
            starts = previous.page_starts or ((0, previous.pages[0]),)
            if box.page != starts[-1][1]:
                starts = (*starts, (offset, box.page))
            previous.text, previous.page_starts = joined, starts
            previous.pages = tuple(sorted({*previous.pages, box.page}))
            return
        self.structure.blocks.append(Block(text, pages=(box.page,)))

    def _last_body(self) -> Block | None:
        """The paragraph a continuation would belong to: the last body block, unless a heading
        came after it (captions and footnotes in between do not count)."""
        for block in reversed(self.structure.blocks):
            if block.heading_level is not None:
                return None
            if block.kind == "body":
                return block
        return None


def build(
    boxes: list[LayoutBox],
    title: str,
    outline: list[tuple[int, str, int]],
    fix: Callable[[str], str] = str,
) -> Structure:
    """Blocks and headings of the boxes; `fix` repairs each box's text (hyphens)."""
    weights: Counter[str] = Counter()
    for box in boxes:
        if box.kind == "text":
            weights[box.style] += len(box.markdown)
    body_style = weights.most_common(1)[0][0] if weights else ""
    builder = _Builder(title, outline, body_style, fix)
    for box in boxes:
        builder.add(box)
    structure = builder.structure
    _drop_front_matter(structure)
    _assign_levels(structure)
    return structure


def _drop_front_matter(structure: Structure) -> None:
    """Headings before the paper's first real heading (abstract, introduction, a "1" section)
    are title, author and cover-page lines: they become text of the heading-less preface."""
    anchor = next(
        (
            c
            for c in structure.headings
            if (role_from_words(c.text) in _FRONT_ROLES and (c.keyword or c.number))
            or c.number in ("1", "1.1", "I")
            or re.match(r"^(?:第\s*[1一]\s*章|一\s*[、.．]|0\s*\S)", c.text)
        ),
        None,
    )
    if anchor is None:
        return
    # A bilingual paper (Chinese papers) prints its front matter twice: title, authors,
    # 摘要, then the English title and authors, Abstract. Lines up to the last abstract
    # heading before the body's first section are front matter too.
    end = structure.headings.index(anchor)
    for index in range(end + 1, len(structure.headings)):
        candidate = structure.headings[index]
        if candidate.number or role_from_words(candidate.text) == "introduction":
            break
        if candidate.keyword and role_from_words(candidate.text) == "abstract":
            end = index
    for candidate in structure.headings[:end]:
        if candidate.keyword or candidate.level:
            continue  # "Authors", "Abstract", outline entries: real even before the anchor
        block = next(b for b in structure.blocks if b.text == candidate.text and b.heading_level)
        block.heading_level = None
        structure.headings.remove(candidate)


def _assign_levels(structure: Structure) -> None:
    """Level of unnumbered headings (numbered ones get theirs from the number in sections.py):
    the outline's when it names the heading; standard headings (Introduction, References…)
    are top level; others by font: the style standard headings use is level 1, a larger one
    too, smaller or different styles below."""
    top_styles = {c.box.style for c in structure.headings if c.keyword}
    top_size = max((c.box.size for c in structure.headings if c.keyword), default=0.0)
    smaller = sorted(
        {c.box.size for c in structure.headings if c.box.size < top_size}, reverse=True
    )
    levels: dict[str, int] = {}
    for candidate in structure.headings:
        if candidate.level:
            level = candidate.level
        elif (
            candidate.keyword
            or not top_styles
            or candidate.box.style in top_styles
            or candidate.box.size > top_size
        ):
            level = 1
        elif candidate.box.size in smaller:
            level = min(3, 2 + smaller.index(candidate.box.size))
        else:
            level = 2  # same size as the standard headings, another font: a subsection
        levels[candidate.text] = level
    for block in structure.blocks:
        if block.heading_level is not None:
            block.heading_level = levels.get(block.text, 1)
