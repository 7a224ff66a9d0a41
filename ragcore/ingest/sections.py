"""Split a parsed document into sections: headings (marked up or detected), their nesting
level, and a role for every section, keeping the original heading text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragcore.ingest.formats.plaintext import join_lines
from ragcore.ingest.headings import HeadingMatch, match_heading, split_inline_label
from ragcore.ingest.model import Block, ParsedDocument, Section
from ragcore.ingest.roles import is_keyword_heading, role_from_position, role_from_words

_EXPLICIT_FORMATS = {"markdown", "latex", "jats"}
_APPENDIX_NUMBER = re.compile(r"^(?:[A-H]|S\d{1,2})(?:\.\d+)*$")


@dataclass
class _Heading:
    line: str
    match: HeadingMatch
    markup_level: int | None = None
    role_hint: str | None = None
    body: list[str] = field(default_factory=list)
    # Per body part: (offset in the part, page) where each page's text starts.
    body_pages: list[tuple[tuple[int, int], ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: tuple[int, ...] = ()  # the heading's own page and every page of its body
    level: int = 1
    role: str | None = None
    orphan: bool = False  # "7.1" with no "7" heading: its parent is missing, do not inherit


_MARKED_APPENDIX = re.compile(r"^(?P<num>[A-H](?:\.\d{1,2})*)\s+(?P<title>[A-Z].*)$")


def _numbered_match(line: str) -> HeadingMatch:
    """Number and words of a marked-up heading (it is a heading whatever it looks like, so
    "A Example that …" is appendix A even though such a line in plain text may be a sentence)."""
    found = match_heading(line, isolated=True) if line.strip() else None
    if found and found.number:
        return found
    lettered = _MARKED_APPENDIX.match(line.strip())
    if lettered:
        return HeadingMatch(lettered.group("num"), lettered.group("title"), "numbered")
    return HeadingMatch("", line.strip(), "markup")


def _collect(doc: ParsedDocument) -> tuple[_Heading, list[_Heading]]:
    """Preface (text before any heading, as a pseudo-heading) and the headings with their
    body paragraphs and the pages these came from."""
    preface = _Heading("", HeadingMatch("", "", "preface"))
    headings: list[_Heading] = []
    # A reader that marked headings (PDF layout analysis) leaves no headings to detect.
    explicit = doc.fmt in _EXPLICIT_FORMATS or any(b.heading_level for b in doc.blocks)
    title = doc.hints.get("title", "").strip()

    def add_body(text: str, block: Block) -> None:
        target = headings[-1] if headings else preface
        target.body.append(text)
        target.pages = tuple(sorted({*target.pages, *block.pages}))
        starts = block.page_starts or ((0, block.pages[0]),) if block.pages else ()
        target.body_pages.append(starts)

    for index, block in enumerate(doc.blocks):
        if block.kind != "body":  # captions and footnotes stay out of the running text
            (headings[-1] if headings else preface).notes.append(block.text)
            continue
        if block.heading_level is not None:
            if index == 0 and block.heading_level == 1 and block.text.strip() == title:
                continue  # the document title, not a section
            match = _numbered_match(block.text)
            heading = _Heading(block.text.strip(), match, block.heading_level, block.role_hint)
            heading.orphan = not heading.line  # an empty heading: its role comes from position
            heading.pages = block.pages
            headings.append(heading)
            continue
        lines = [line for line in block.text.split("\n") if line.strip()]
        inline = split_inline_label(block.text)
        found = None
        if not explicit and lines:
            following = doc.blocks[index + 1].text if index + 1 < len(doc.blocks) else ""
            found = match_heading(
                lines[0],
                isolated=len(lines) == 1,
                emphasis=block.emphasis,
                followed_by_text=_is_paragraph(following, lines[0]),
            )
        if found and index == 0 and found.kind != "keyword":
            found = None  # the first line of a file is its title unless it is "Abstract" etc.
        if found:
            headings.append(_Heading(lines[0].strip(), found))
            rest = lines[1:]
        elif inline and not explicit:
            label, text = inline
            headings.append(_Heading(label, HeadingMatch("", label, "keyword")))
            rest = [text]
        elif inline and doc.fmt == "pdf" and role_from_words(inline[0]) == "abstract":
            # "Abstract—We …" in a PDF whose headings the layout marked: an abstract section,
            # but no heading of its own (the page prints none).
            headings.append(_Heading("", HeadingMatch("", inline[0], "keyword"), None, "abstract"))
            headings[-1].orphan = True
            rest = [inline[1]]
        else:
            rest = lines if not explicit else [block.text]
        if rest:
            add_body(join_lines(rest) if not explicit else "\n".join(rest), block)
    return preface, headings


def _is_paragraph(text: str, heading: str) -> bool:
    """A body paragraph, clearly longer than the candidate heading and ending like prose."""
    return len(text) > max(200, 3 * len(heading)) and text.rstrip()[-1:] in ".。!?！？)]:"


def _number_parts(number: str) -> list[str]:
    return number.split(".")


def _assign_levels(headings: list[_Heading]) -> None:
    """Nesting from numbers ("2.1" is under "2"; a run restarting at 1 nests under the previous
    heading, as in files that drop the parent number), else from markup, else from kind."""
    explicit_levels = [h.markup_level for h in headings if h.markup_level is not None]
    base = min(explicit_levels) if explicit_levels else 1
    stack: list[int] = []  # last number seen at each depth
    dotted = False  # a paper that writes "2.1" writes top-level numbers bare: "3" is never nested
    roman = False  # the last top-level heading was "IV. …": lettered ones below it nest
    for index, heading in enumerate(headings):
        if _article_not_letter(heading, headings[:index], base):
            heading.match = HeadingMatch("", heading.line.strip(), "markup")
        number = heading.match.number
        if number and set(number) <= set("IVX"):
            roman = True
        elif (not number and is_keyword_heading(heading.match.title)) or number.isdigit():
            roman = False
        if heading.match.kind == "zh" and not number[:1].isdigit():
            heading.level = heading.match.zh_depth
        elif number and number.isdigit():
            prefer_top = dotted or is_keyword_heading(heading.match.title)
            if dotted:
                stack.clear()
            heading.level = _plain_number_level(int(number), stack, prefer_top)
        elif number and all(part.isdigit() for part in _number_parts(number)):
            parts = [int(p) for p in _number_parts(number)]
            heading.orphan = stack[: len(parts) - 1] != parts[:-1]
            dotted = True
            heading.level = len(parts)
            stack[:] = parts
        elif number and "." in number:  # "A.1": a subsection of appendix A
            heading.level = len(_number_parts(number))
        elif number and len(number) == 1 and number in "ABCDEFGH" and roman:
            heading.level = 2  # IEEE: "A. Data" under "II. METHOD"
        elif number:  # letters and roman numerals: top level (appendix A, section IV)
            heading.level = 1
            stack[:] = [-10]  # a following "1 ..." run nests under it
            if _APPENDIX_NUMBER.match(number) and not heading.role_hint:
                heading.role_hint = "appendix"
        elif heading.markup_level is not None:
            heading.level = heading.markup_level - base + 1
        elif heading.match.kind == "keyword":
            heading.level = 1
            stack.clear()
        else:
            heading.level = len(stack) + 1 if stack else 1


def _article_not_letter(heading: _Heading, before: list[_Heading], base: int) -> bool:
    """ "### A FracMinHash implementation accurately estimates …" under "## Results" is a
    subsection whose title starts with the article, not appendix A: a marked-up lettered
    heading below the top markup level, inside a section that is no appendix."""
    if heading.match.number != "A" or heading.markup_level in (None, base):
        return False
    parent = next(
        (
            h
            for h in reversed(before)
            if h.markup_level is not None and h.markup_level < heading.markup_level
        ),
        None,
    )
    return (
        parent is not None
        and not parent.match.number[:1].isalpha()
        and ((parent.role_hint or role_from_words(parent.match.title)) != "appendix")
    )


def _plain_number_level(number: int, stack: list[int], prefer_top: bool) -> int:
    """Deepest level the number continues, or the shallowest for standard headings
    ("5 Experiments" after "4.4" continues the top level, not the run under "4")."""
    if prefer_top and (not stack or stack[0] + 1 == number):
        stack[:] = [number]
        return 1
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth] + 1 == number:
            del stack[depth + 1 :]
            stack[depth] = number
            return depth + 1
    if number == 1 and stack:
        stack.append(1)
        return len(stack)
    stack[:] = [number]
    return 1


def _assign_roles(headings: list[_Heading]) -> None:
    """Own words (or the format's hint) first, position for top-level sections that name no
    role, then subsections take their parent's role, also one that came from position."""
    parents: list[_Heading] = []
    top_level: list[_Heading] = []
    parent_of: dict[int, _Heading | None] = {}
    for heading in headings:
        while parents and (parents[-1].level >= heading.level or heading.orphan):
            parents.pop()
        heading.role = heading.role_hint or role_from_words(heading.match.title)
        parent_of[id(heading)] = parents[-1] if parents else None
        parents.append(heading)
        if len(parents) == 1:
            top_level.append(heading)
    _fill_by_position(top_level)
    _background_opens(top_level)
    inherited: set[int] = set()  # headings whose role is their parent's, not their own words'
    for heading in headings:  # parents come before their children
        parent = parent_of[id(heading)]
        # An abstract has no subsections: what follows it under a deeper heading is body text.
        if parent is not None and parent.role not in (None, "other", "abstract"):
            named = None if id(parent) in inherited else _subsection_named_role(heading)
            heading.role = named or parent.role
            if not named:
                inherited.add(id(heading))
        elif heading.role is None:
            heading.role = _nearest_parent_role(headings, heading)


# "4.5 Summary" / "本章小结" sums up its own section, not the paper.
_SECTION_SUMMARY = {"summary", "小结", "本章小结"}


# Roles a subsection may name for itself: what lies outside the paper's own work. A subsection
# named for a part of that work describes its section's subject: "II. METHOD > A. Data" is the
# method's data, "4 Experiments > 4.1 Results" one stage of the experiments, "Notation" or "模型"
# no start of the method.
_OWN_ROLES = {"related work", "discussion", "conclusion", "appendix", "references"}


def _subsection_named_role(heading: _Heading) -> str | None:
    """The role a subsection's heading names outright ("2.2 相关工作" under "2 背景" or under a
    "2 任务介绍" placed by position), else None: the subsection then keeps its parent's role (a
    related-work "2.1 Model compression" is no method). As `headings.named_role`, applied only
    under a section whose role is its own (a review's "4 Discussion > 1 BLUiR > 1 Related
    work" discusses BLUiR) and only for the roles in `_OWN_ROLES`."""
    title = heading.match.title.strip()
    if heading.role_hint:
        return heading.role_hint
    if not is_keyword_heading(title) or title.lower() in _SECTION_SUMMARY:
        return None
    role = role_from_words(title)
    return role if role in _OWN_ROLES else None


_OPENING_BACKGROUND = re.compile(r"^(?:background|研究背景|背景)$", re.IGNORECASE)


def _background_opens(top_level: list[_Heading]) -> None:
    """A paper with no introduction that opens with "Background" (BMC and many life-science
    journals: Background, Methods, Results, Discussion) is introducing itself there; after an
    introduction "Background" is related work."""
    if any(h.role == "introduction" for h in top_level):
        return
    body = [h for h in top_level if h.role not in ("abstract", "other") and h.match.title]
    if body and _OPENING_BACKGROUND.match(body[0].match.title.strip()):
        body[0].role = "introduction"


def _fill_by_position(top_level: list[_Heading]) -> None:
    for index, heading in enumerate(top_level):
        if heading.role is not None:
            continue
        previous = next((h.role for h in reversed(top_level[:index]) if h.role), None)
        following = next((h.role for h in top_level[index + 1 :] if h.role), None)
        heading.role = role_from_position(previous, following)


def _nearest_parent_role(headings: list[_Heading], heading: _Heading) -> str:
    index = headings.index(heading)
    for candidate in reversed(headings[:index]):
        if candidate.level < heading.level and candidate.role:
            return candidate.role
    previous = next((h.role for h in reversed(headings[:index]) if h.role), None)
    return role_from_position(previous, None) if previous else "other"


def split_sections(doc: ParsedDocument) -> list[Section]:
    """Sections in document order; text before the first heading becomes a heading-less section."""
    preface, headings = _collect(doc)
    _assign_levels(headings)
    _assign_roles(headings)
    sections: list[Section] = []
    if "\n\n".join(preface.body).strip():
        sections.append(_section(preface, "other", 0))
    for heading in headings:
        sections.append(_section(heading, heading.role or "other", heading.level))
    return sections


def _section(heading: _Heading, role: str, level: int) -> Section:
    """The section of one heading: body joined, with where each page's text starts."""
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    offset = 0
    for text, part_starts in zip(heading.body, heading.body_pages, strict=True):
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if not text:
            continue
        for start, page in part_starts:
            if not starts or starts[-1][1] != page:
                starts.append((offset + max(0, start - lead), page))
        parts.append(text)
        offset += len(text) + 2
    pages = sorted({page for _, page in starts} | set(heading.pages))
    return Section(
        heading.line,
        role,
        level,
        "\n\n".join(parts),
        heading.match.number,
        pages=pages,
        page_starts=starts,
        notes=list(heading.notes),
    )
