"""The per-section structured context of `seeds/000_*`, `002_*`, `003_*`.

Layout (Chinese labels; English labels in brackets, see docs/formats.md):

    结构化RAG上下文                                   [Structured RAG context]
    ================================================================================
    【方法 部分的上下文】                              [[Method section context]]
    --------------------------------------------------
    上下文长度：2595 字符                              [Context length: 2595 characters]

    上下文内容：                                       [Context content:]
    # 生成论文方法部分的参考资料                        (optional title line)

    ### Methodology 总结                              [### Methodology summaries]
    **总结1** (来源: 3688609) [1]:                    [**Summary 1** (source: 3688609) [1]:]
    <card text>

    ### 研究趋势分析                                  [### Research trends]
    **Methodology 趋势**:                            [**Methodology trends**:]
    - <line>

    ### 参考原文                                      [### Source excerpts]
    **论文 3688609 - 方法 章节**:                     [**Paper 3688609 - Method section**:]
    片段1: <text>                                    [Excerpt 1: <text>]

    ### 写作要求                                      [### Writing requirements]
    1. <requirement>

A type section header is exactly `### <one of the ten type labels> 总结`; card texts contain
headings such as `### 核心挑战总结：` that are text, not structure. The citation key (`[1]`) and
`相关度: 0.82` inside the parentheses are our additions; the parser accepts them or not.
Several sections may follow one another, each opened by a `====` rule and its `【…】` header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragcore.documents._common import (
    HEAVY_RULE,
    HEAVY_RULE_RE,
    LIGHT_RULE,
    LIGHT_RULE_RE,
    ParseIssue,
    join_text,
)
from ragcore.library.cards import SummaryType
from ragcore.text import ends_properly, is_truncated

# A context whose body is this much shorter than its stated length was cut off.
_LENGTH_TOLERANCE = 10


@dataclass
class ContextCard:
    paper_id: str
    text: str
    citation: str = ""  # key the draft cites as `[citation]`; empty in the seeds
    relevance: float | None = None  # similarity in [0, 1], higher is better
    line: int = field(default=0, compare=False)
    # The library card or note this text is (empty in the seeds): what a section that borrows
    # the sentence records as its evidence.
    evidence_id: str = field(default="", compare=False)


@dataclass
class TypeBlock:
    summary_type: SummaryType
    cards: list[ContextCard] = field(default_factory=list)


@dataclass
class TrendBlock:
    summary_type: SummaryType
    lines: list[str] = field(default_factory=list)  # bullet texts, without the leading "- "


@dataclass
class Excerpt:
    """Raw-text fragments of one paper's section (the `### 参考原文` part)."""

    paper_id: str
    section: str
    fragments: list[str] = field(default_factory=list)
    line: int = field(default=0, compare=False)


@dataclass
class SectionContext:
    section: str  # the paper section's name as printed, e.g. 方法 / Method
    title: str = ""  # optional `# ...` line without the hash
    type_blocks: list[TypeBlock] = field(default_factory=list)
    trends: list[TrendBlock] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    stated_length: int | None = field(default=None, compare=False)  # as read from a file
    line: int = field(default=0, compare=False)

    def cards(self) -> list[tuple[SummaryType, ContextCard]]:
        return [(b.summary_type, c) for b in self.type_blocks for c in b.cards]


@dataclass
class ContextDocument:
    sections: list[SectionContext] = field(default_factory=list)
    lang: str = "zh"
    issues: list[ParseIssue] = field(default_factory=list, compare=False)


_L = {
    "zh": {
        "doc": "结构化RAG上下文",
        "content": "上下文内容：",
        "trends": "### 研究趋势分析",
        "excerpts": "### 参考原文",
        "requirements": "### 写作要求",
    },
    "en": {
        "doc": "Structured RAG context",
        "content": "Context content:",
        "trends": "### Research trends",
        "excerpts": "### Source excerpts",
        "requirements": "### Writing requirements",
    },
}
_TYPE_NAMES = "|".join(sorted({t.label for t in SummaryType}, key=len, reverse=True))
_SECTION_RE = re.compile(
    r"^(?:【\s*(?P<zh>.+?)\s*部分的上下文\s*】|\[\s*(?P<en>.+?)\s+section context\s*\])\s*$"
)
_LENGTH_RE = re.compile(
    r"^(?:上下文长度\s*[：:]\s*(\d+)\s*字符|Context length:\s*(\d+)\s*characters?)\s*$"
)
_CONTENT_RE = re.compile(r"^(?:上下文内容\s*[：:]|Context content:)\s*$")
_TYPE_RE = re.compile(rf"^###\s+(?P<label>{_TYPE_NAMES})\s+(?:总结|summaries)\s*$", re.I)
_PART_RE = re.compile(
    r"^###\s+(?P<part>研究趋势分析|参考原文|写作要求|Research trends|Source excerpts|Writing requirements)\s*$"
)
_PART_KEYS = {
    "研究趋势分析": "trends",
    "Research trends": "trends",
    "参考原文": "excerpts",
    "Source excerpts": "excerpts",
    "写作要求": "requirements",
    "Writing requirements": "requirements",
}
_CARD_RE = re.compile(
    r"^\*\*(?:总结|Summary)\s*\d+\*\*\s*[(（]\s*(?:来源|source)\s*[:：]\s*(?P<pid>[^,，)）]+?)"
    r"(?:\s*[,，]\s*(?:相关度|relevance)\s*[:：]\s*(?P<rel>[0-9.]+))?\s*[)）]"
    r"\s*(?:\[(?P<cite>[^\]]+)\])?\s*[:：]\s*$",
    re.I,
)
_TREND_RE = re.compile(rf"^\*\*(?P<label>{_TYPE_NAMES})\s*(?:趋势|trends)\*\*\s*[:：]\s*$", re.I)
_EXCERPT_HEAD_RE = re.compile(
    r"^\*\*(?:论文|Paper)\s+(?P<pid>.+?)\s+-\s+(?P<section>.+?)\s*(?:章节|section)\*\*\s*[:：]\s*$"
)
_FRAGMENT_RE = re.compile(r"^(?:片段|Excerpt\s*)(\d+)\s*[:：]\s?(?P<text>.*)$")
_REQUIREMENT_RE = re.compile(r"^\d+[.、)]\s*(?P<text>.+)$")


def default_title(section: str, lang: str) -> str:
    if lang == "en":
        return f"Reference material for the {section} section"
    return f"生成论文{section}部分的参考资料"


# ---------------------------------------------------------------- rendering


def _card_header(number: int, card: ContextCard, lang: str) -> str:
    word, source, rel_word = (
        ("Summary", "source", "relevance") if lang == "en" else ("总结", "来源", "相关度")
    )
    inside = f"{source}: {card.paper_id}"
    if card.relevance is not None:
        inside += f", {rel_word}: {card.relevance:.2f}"
    citation = f" [{card.citation}]" if card.citation else ""
    return f"**{word}{' ' if lang == 'en' else ''}{number}** ({inside}){citation}:"


def _type_lines(block: TypeBlock, lang: str) -> list[str]:
    suffix = "summaries" if lang == "en" else "总结"
    lines = [f"### {block.summary_type.label} {suffix}"]
    for number, card in enumerate(block.cards, start=1):
        lines += [_card_header(number, card, lang), card.text.strip(), ""]
    return lines


def _trend_lines(trends: list[TrendBlock], lang: str) -> list[str]:
    suffix = "trends" if lang == "en" else "趋势"
    lines = [_L[lang]["trends"]]
    for block in trends:
        lines.append(f"**{block.summary_type.label} {suffix}**:")
        lines += [f"- {line}" for line in block.lines]
        lines.append("")
    return lines


def _excerpt_lines(excerpts: list[Excerpt], lang: str) -> list[str]:
    lines = [_L[lang]["excerpts"]]
    for excerpt in excerpts:
        if lang == "en":
            lines.append(f"**Paper {excerpt.paper_id} - {excerpt.section} section**:")
        else:
            lines.append(f"**论文 {excerpt.paper_id} - {excerpt.section} 章节**:")
        word = "Excerpt " if lang == "en" else "片段"
        lines += [f"{word}{n}: {text.strip()}" for n, text in enumerate(excerpt.fragments, 1)]
        lines.append("")
    return lines


def render_section_body(section: SectionContext, lang: str = "zh") -> str:
    """What follows `上下文内容：`: the text whose length `上下文长度` reports."""
    lang = "en" if lang == "en" else "zh"
    lines: list[str] = [f"# {section.title}", ""] if section.title else []
    for block in section.type_blocks:
        lines += _type_lines(block, lang)
    if section.trends:
        lines += _trend_lines(section.trends, lang)
    if section.excerpts:
        lines += _excerpt_lines(section.excerpts, lang)
    if section.requirements:
        lines.append(_L[lang]["requirements"])
        lines += [f"{n}. {text}" for n, text in enumerate(section.requirements, 1)]
    return "\n".join(lines).strip()


def render_section(section: SectionContext, lang: str = "zh") -> str:
    """One section block: rule, `【…】` header, true length, body."""
    body = render_section_body(section, lang)
    if lang == "en":
        head = [
            f"[{section.section} section context]",
            LIGHT_RULE,
            f"Context length: {len(body)} characters",
        ]
    else:
        head = [f"【{section.section} 部分的上下文】", LIGHT_RULE, f"上下文长度：{len(body)} 字符"]
    content = _L["en" if lang == "en" else "zh"]["content"]
    return "\n".join([HEAVY_RULE, *head, "", content, body, ""])


def render_context(document: ContextDocument) -> str:
    lang = "en" if document.lang == "en" else "zh"
    parts = [_L[lang]["doc"]] + [render_section(s, lang) for s in document.sections]
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------ parsing


class _BodyParser:
    """Parses one section's lines after `上下文内容：`."""

    def __init__(self, section: SectionContext, issues: list[ParseIssue]) -> None:
        self.section = section
        self.issues = issues
        self.part = "start"
        self.text_target: list[str] | None = None  # lines of the card/fragment being read
        self.pending: list[tuple[ContextCard | Excerpt, int, list[str]]] = []

    def feed(self, number: int, line: str) -> None:
        stripped = line.strip()
        if type_match := _TYPE_RE.match(stripped):
            self.start_type(type_match.group("label"))
        elif part := _PART_RE.match(stripped):
            self.part, self.text_target = _PART_KEYS[part.group("part")], None
        elif self.part == "types" and (card := _CARD_RE.match(stripped)):
            self.start_card(number, card)
        elif self.part == "trends":
            self.feed_trend(number, stripped)
        elif self.part == "excerpts":
            self.feed_excerpt(number, line, stripped)
        elif self.part == "requirements":
            self.feed_requirement(number, stripped)
        elif self.text_target is not None:
            self.text_target.append(line)
        elif self.part == "start" and stripped.startswith("# ") and not self.section.title:
            self.section.title = stripped[2:].strip()
        elif stripped:
            self.issues.append(ParseIssue(number, f"unexpected line {stripped[:40]!r}; ignored"))

    def start_type(self, label: str) -> None:
        self.part, self.text_target = "types", None
        self.section.type_blocks.append(TypeBlock(SummaryType.parse(label)))

    def start_card(self, number: int, match: re.Match[str]) -> None:
        relevance = float(match.group("rel")) if match.group("rel") else None
        card = ContextCard(
            match.group("pid").strip(), "", match.group("cite") or "", relevance, number
        )
        self.section.type_blocks[-1].cards.append(card)
        self.text_target = []
        self.pending.append((card, number, self.text_target))

    def feed_trend(self, number: int, stripped: str) -> None:
        if head := _TREND_RE.match(stripped):
            self.section.trends.append(TrendBlock(SummaryType.parse(head.group("label"))))
        elif stripped.startswith("- ") and self.section.trends:
            self.section.trends[-1].lines.append(stripped[2:].strip())
        elif stripped:
            self.issues.append(
                ParseIssue(number, f"unexpected trend line {stripped[:40]!r}; ignored")
            )

    def feed_excerpt(self, number: int, line: str, stripped: str) -> None:
        if head := _EXCERPT_HEAD_RE.match(stripped):
            excerpt = Excerpt(head.group("pid").strip(), head.group("section").strip(), line=number)
            self.section.excerpts.append(excerpt)
            self.text_target = None
        elif (fragment := _FRAGMENT_RE.match(stripped)) and self.section.excerpts:
            self.text_target = [fragment.group("text")]
            self.pending.append((self.section.excerpts[-1], number, self.text_target))
        elif self.text_target is not None:
            self.text_target.append(line)
        elif stripped:
            self.issues.append(
                ParseIssue(number, f"unexpected excerpt line {stripped[:40]!r}; ignored")
            )

    def feed_requirement(self, number: int, stripped: str) -> None:
        if item := _REQUIREMENT_RE.match(stripped):
            self.section.requirements.append(item.group("text").strip())
        elif stripped:
            self.issues.append(
                ParseIssue(number, f"unexpected requirement {stripped[:40]!r}; ignored")
            )

    def finish(self) -> None:
        """Turn collected lines into texts; drop cards/fragments that came out empty."""
        for owner, _line, lines in self.pending:
            text = join_text(lines)
            if isinstance(owner, ContextCard):
                owner.text = text
            elif text:
                owner.fragments.append(text)
        for block in self.section.type_blocks:
            for card in block.cards:
                if not card.text:
                    self.issues.append(ParseIssue(card.line, "card has no text; skipped"))
            block.cards = [card for card in block.cards if card.text]


def _section_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(header index, end index) of each `【…部分的上下文】` block."""
    heads = [i for i, line in enumerate(lines) if _SECTION_RE.match(line.strip())]
    spans = []
    for n, start in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        while end > start + 1 and (
            not lines[end - 1].strip() or HEAVY_RULE_RE.match(lines[end - 1])
        ):
            end -= 1
        spans.append((start, end))
    return spans


def _parse_section(
    lines: list[str], start: int, end: int, issues: list[ParseIssue]
) -> SectionContext:
    head = _SECTION_RE.match(lines[start].strip())
    assert head is not None
    section = SectionContext(section=(head.group("zh") or head.group("en")).strip(), line=start + 1)
    body_start = start + 1
    for index in range(start + 1, end):
        stripped = lines[index].strip()
        if length := _LENGTH_RE.match(stripped):
            section.stated_length = int(length.group(1) or length.group(2))
        elif _CONTENT_RE.match(stripped):
            body_start = index + 1
            break
        elif stripped and not LIGHT_RULE_RE.match(stripped):
            body_start = index  # no `上下文内容：` line: the body starts here
            break
    body = _BodyParser(section, issues)
    for index in range(body_start, end):
        body.feed(index + 1, lines[index])
    body.finish()
    _check_cut_off(section, "\n".join(lines[body_start:end]).strip(), issues)
    return section


def _check_cut_off(section: SectionContext, body: str, issues: list[ParseIssue]) -> None:
    """A file cut off in the middle leaves a last card that ends mid-sentence and/or a body
    shorter than the stated length: drop that card rather than store half a summary."""
    shorter = (
        section.stated_length is not None and len(body) < section.stated_length - _LENGTH_TOLERANCE
    )
    last_is_card = not (section.trends or section.excerpts or section.requirements)
    if not section.type_blocks or not section.type_blocks[-1].cards or not last_is_card:
        if shorter:
            issues.append(
                ParseIssue(
                    section.line,
                    "section is shorter than its stated length; the file seems cut off",
                )
            )
        return
    last = section.type_blocks[-1].cards[-1]
    unfinished = not ends_properly(last.text) and not is_truncated(last.text)
    if shorter or unfinished:
        section.type_blocks[-1].cards.pop()
        why = (
            f"{len(body)} of {section.stated_length} characters"
            if shorter
            else "it ends mid-sentence"
        )
        issues.append(
            ParseIssue(last.line, f"the file seems cut off here ({why}); this last card is skipped")
        )


def parse_context(text: str) -> ContextDocument:
    """Parse a structured context (one or more sections, Chinese or English labels).
    Never raises on content: problems are collected in `document.issues` (1-based lines)."""
    lines = [line.rstrip("\r") for line in text.lstrip("\ufeff").splitlines()]
    first = next((line.strip() for line in lines if line.strip()), "")
    document = ContextDocument(lang="en" if first == _L["en"]["doc"] else "zh")
    spans = _section_spans(lines)
    if not spans:
        document.issues.append(ParseIssue(1, "no 【<节名> 部分的上下文】 section header found"))
    for start, end in spans:
        document.sections.append(_parse_section(lines, start, end, document.issues))
    return document


def looks_like_context(text: str) -> bool:
    head = text.lstrip("\ufeff").lstrip()[:3000]
    first = head.splitlines()[0].strip() if head else ""
    has_section = any(_SECTION_RE.match(line.strip()) for line in head.splitlines()[:10])
    return first in (_L["zh"]["doc"], _L["en"]["doc"]) or has_section
