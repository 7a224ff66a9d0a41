"""The typed card listing of `seeds/001_*.txt`: a topic and, per summary type, ranked cards.

Layout (Chinese labels; the English variant swaps every label, see docs/formats.md):

    用户需求：<topic>
    ================================================================================
    【BACKGROUND 类型总结】
    --------------------------------------------------
    总结 1：
    论文ID：<paper id>
    相关度得分：0.8847
    来源章节：引言, 相关工作
    主题标签：并行计算 (Parallel Computing), ...
    总结内容：
    <multi-line text>

    ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
    ...
    ================================================================================

Our renderer writes relevance as a similarity in [0, 1] (higher is better) and may add
`论文标题` / `卡片ID` fields and a `注：` note under a type header (e.g. "no card above the
relevance floor"). The parser is tolerant: unknown fields are ignored, problems become
`ParseIssue`s, a card cut off before its closing `~~~~` rule is dropped and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ragcore.documents._common import (
    CARD_RULE,
    CARD_RULE_RE,
    FIELD_RE,
    HEAVY_RULE,
    HEAVY_RULE_RE,
    LIGHT_RULE,
    LIGHT_RULE_RE,
    ParseIssue,
    format_score,
    join_text,
    parse_type_label,
)
from ragcore.library.cards import SummaryType


@dataclass
class ListingCard:
    paper_id: str
    text: str
    score: float | None = None  # relevance in [0, 1], higher is better (seeds: a distance)
    source_sections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    title: str = ""
    card_id: str = ""
    line: int = field(default=0, compare=False)  # where the card starts in parsed text


@dataclass
class ListingSection:
    summary_type: SummaryType
    cards: list[ListingCard] = field(default_factory=list)
    note: str = ""


@dataclass
class Listing:
    topic: str
    sections: list[ListingSection] = field(default_factory=list)
    lang: str = "zh"
    issues: list[ParseIssue] = field(default_factory=list, compare=False)

    def cards(self) -> list[tuple[SummaryType, ListingCard]]:
        return [(s.summary_type, c) for s in self.sections for c in s.cards]


# Field keys -> label per language. Order is the rendering order.
_FIELD_LABELS: dict[str, dict[str, str]] = {
    "paper_id": {"zh": "论文ID", "en": "Paper ID"},
    "title": {"zh": "论文标题", "en": "Title"},
    "card_id": {"zh": "卡片ID", "en": "Card ID"},
    "score": {"zh": "相关度得分", "en": "Relevance"},
    "source_sections": {"zh": "来源章节", "en": "Source sections"},
    "tags": {"zh": "主题标签", "en": "Tags"},
    "text": {"zh": "总结内容", "en": "Summary text"},
}
_LABEL_TO_FIELD = {
    label.lower(): key for key, labels in _FIELD_LABELS.items() for label in labels.values()
}
_TOPIC_LABELS = {"zh": "用户需求", "en": "Topic"}
_NOTE_LABELS = {"zh": "注", "en": "Note"}
_TOPIC_RE = re.compile(r"^(用户需求|Topic)\s*[：:]\s?(.*)$")
_NOTE_RE = re.compile(r"^(注|Note)\s*[：:]\s?(.*)$")
_SECTION_RE = re.compile(
    r"^(?:【\s*(?P<zh>.+?)\s*类型总结\s*】|\[\s*(?P<en>.+?)\s+summaries\s*\])\s*$"
)
_CARD_RE = re.compile(r"^(?:总结|Summary)\s*(\d+)\s*[：:]\s*$")
_LIST_SPLIT = re.compile(r"\s*[,，、;；]\s*")


# ---------------------------------------------------------------- rendering


def _section_header(summary_type: SummaryType, lang: str) -> str:
    if lang == "en":
        return f"[{summary_type.label} summaries]"
    return f"【{summary_type.value.upper()} 类型总结】"


def _card_lines(number: int, card: ListingCard, lang: str) -> list[str]:
    label = {key: labels[lang] for key, labels in _FIELD_LABELS.items()}
    sep = ": " if lang == "en" else "："
    lines = [f"Summary {number}:" if lang == "en" else f"总结 {number}："]
    lines.append(f"{label['paper_id']}{sep}{card.paper_id}")
    if card.title:
        lines.append(f"{label['title']}{sep}{card.title}")
    if card.card_id:
        lines.append(f"{label['card_id']}{sep}{card.card_id}")
    if card.score is not None:
        lines.append(f"{label['score']}{sep}{format_score(card.score)}")
    if card.source_sections:
        lines.append(f"{label['source_sections']}{sep}{', '.join(card.source_sections)}")
    if card.tags:
        lines.append(f"{label['tags']}{sep}{', '.join(card.tags)}")
    lines += [f"{label['text']}{sep}".rstrip(), card.text.strip(), "", CARD_RULE]
    return lines


def render_listing(listing: Listing) -> str:
    """The listing as text; `parse_listing(render_listing(x)) == x` for stripped card texts."""
    lang = "en" if listing.lang == "en" else "zh"
    sep = ": " if lang == "en" else "："
    lines = [f"{_TOPIC_LABELS[lang]}{sep}{listing.topic}"]
    for section in listing.sections:
        lines += [HEAVY_RULE, _section_header(section.summary_type, lang), LIGHT_RULE]
        if section.note:
            lines.append(f"{_NOTE_LABELS[lang]}{sep}{section.note}")
        for number, card in enumerate(section.cards, start=1):
            lines += _card_lines(number, card, lang)
        lines.append("")
    lines.append(HEAVY_RULE)
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ parsing


@dataclass
class _OpenCard:
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    text_lines: list[str] | None = None  # None until the `总结内容：` field starts the text


class _ListingParser:
    def __init__(self) -> None:
        self.listing = Listing(topic="")
        self.section: ListingSection | None = None
        self.card: _OpenCard | None = None

    def issue(self, line: int, message: str) -> None:
        self.listing.issues.append(ParseIssue(line, message))

    def feed(self, number: int, line: str) -> None:
        if self.card is not None and self.card.text_lines is not None:
            if CARD_RULE_RE.match(line):
                self.close_card()
            else:
                self.card.text_lines.append(line)
            return
        stripped = line.strip()
        if not stripped or HEAVY_RULE_RE.match(stripped) or LIGHT_RULE_RE.match(stripped):
            return
        if self.card is not None:
            self.feed_field(number, stripped)
            return
        self.feed_structure(number, stripped)

    def feed_structure(self, number: int, stripped: str) -> None:
        if (topic := _TOPIC_RE.match(stripped)) and not self.listing.topic:
            self.listing.topic = topic.group(2).strip()
            self.listing.lang = "en" if topic.group(1) == "Topic" else "zh"
        elif section := _SECTION_RE.match(stripped):
            self.open_section(number, section.group("zh") or section.group("en"))
        elif _CARD_RE.match(stripped):
            if self.section is None:
                self.issue(number, "a card appears before any 【<TYPE> 类型总结】 header; skipped")
            self.card = _OpenCard(line=number)
        elif (note := _NOTE_RE.match(stripped)) and self.section is not None:
            extra = note.group(2).strip()
            self.section.note = f"{self.section.note}\n{extra}".strip()
        else:
            self.issue(number, f"unexpected line {stripped[:40]!r}; ignored")

    def open_section(self, number: int, label: str) -> None:
        summary_type = parse_type_label(label)
        if summary_type is None:
            self.issue(number, f"unknown summary type {label!r}; its cards are skipped")
            self.section = None
            return
        self.section = ListingSection(summary_type)
        self.listing.sections.append(self.section)

    def feed_field(self, number: int, stripped: str) -> None:
        assert self.card is not None
        match = FIELD_RE.match(stripped)
        key = _LABEL_TO_FIELD.get(match.group("name").strip().lower()) if match else None
        if match is None or key is None:
            # Unknown fields are tolerated (forward compatible); stray text is reported.
            if match is None:
                self.issue(number, f"expected a field like 论文ID：..., got {stripped[:40]!r}")
            return
        if key == "text":
            first = match.group("value")
            self.card.text_lines = [first] if first.strip() else []
        else:
            self.card.fields[key] = match.group("value").strip()

    def close_card(self) -> None:
        open_card, self.card = self.card, None
        assert open_card is not None and open_card.text_lines is not None
        if self.section is None:
            return
        card = self.build_card(open_card)
        if card is not None:
            self.section.cards.append(card)

    def build_card(self, open_card: _OpenCard) -> ListingCard | None:
        fields, line = open_card.fields, open_card.line
        text = join_text(open_card.text_lines or [])
        paper_id = fields.get("paper_id", "")
        if not paper_id or not text:
            missing = "论文ID (paper id)" if not paper_id else "总结内容 (text)"
            self.issue(line, f"card has no {missing}; skipped")
            return None
        return ListingCard(
            paper_id=paper_id,
            text=text,
            score=self.parse_score(line, fields.get("score")),
            source_sections=_split_list(fields.get("source_sections", "")),
            tags=_split_list(fields.get("tags", "")),
            title=fields.get("title", ""),
            card_id=fields.get("card_id", ""),
            line=line,
        )

    def parse_score(self, line: int, raw: str | None) -> float | None:
        if raw is None or not raw.strip():
            return None
        try:
            return float(raw)
        except ValueError:
            self.issue(line, f"relevance {raw!r} is not a number; left out")
            return None

    def finish(self) -> Listing:
        if self.card is not None:
            self.issue(
                self.card.line,
                "card is not closed by a ~~~~ rule (the file seems cut off here); skipped",
            )
            self.card = None
        return self.listing


def _split_list(raw: str) -> list[str]:
    # Tags look like `并行计算 (Parallel Computing), 硬件加速 (...)`: split outside parentheses.
    items, depth, current = [], 0, ""
    for char in raw:
        depth += char in "(（"
        depth -= char in ")）"
        if depth <= 0 and _LIST_SPLIT.fullmatch(char):
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def parse_listing(text: str) -> Listing:
    """Parse a typed card listing (Chinese or English labels). Never raises on content:
    problems are collected in `listing.issues` with their 1-based line numbers."""
    parser = _ListingParser()
    for number, line in enumerate(text.splitlines(), start=1):
        parser.feed(number, line.rstrip("\r"))
    return parser.finish()


def looks_like_listing(text: str) -> bool:
    head = text.lstrip("\ufeff").lstrip()[:2000]
    return bool(_TOPIC_RE.match(head.splitlines()[0] if head else "")) and bool(
        re.search(r"^(?:【.+?类型总结】|\[.+? summaries\])\s*$", head, re.M)
    )
