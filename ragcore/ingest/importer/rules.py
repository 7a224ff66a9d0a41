"""Which candidate cards an import keeps: duplicates, truncated cards, stored prompt templates.

Rules, in order, for each candidate (file order, then line order):
1. A stored prompt template (an LLM prompt saved instead of its answer) is rejected.
2. A card cut off with "..." is rejected when a complete card of the same paper and type exists
   (in the store or in this import): the complete text supersedes it (preferably one the cut
   text is a prefix of; otherwise any complete card of that paper and type). When nothing
   better exists the truncated card is kept as is — the "..." stays, so readers and later
   imports can tell it is partial — and a later import of a complete text replaces it.
3. A card whose content id is already in the store is skipped ("already in store").
4. A card equal to one accepted earlier in this import (same paper, type and text after
   whitespace normalisation) is skipped ("duplicate").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ragcore.ingest.importer.reading import Candidate
from ragcore.library.cards import Card, SummaryType
from ragcore.text import TRUNCATION_MARKERS, is_truncated, normalize_space

# Signals of a prompt template, by kind. A real summary may trip one kind by accident (a card
# quoting "请提供" once); a template trips at least two.
_TEMPLATE_SIGNALS: dict[str, tuple[re.Pattern[str], ...]] = {
    "template placeholders": (
        re.compile(r"[\[［](?:例如|比如|如|e\.g\.|for example)[，,:：\s][^\]］\n]*[\]］]", re.I),
        re.compile(r"贡献点[一二三四五六七八九十\d]的|的简洁描述|[（(]继续列出[)）]"),
        re.compile(r"<(?:your|paper|insert)[^<>\n]{0,30}>|\{\{[^{}\n]{1,40}\}\}", re.I),
        re.compile(r"\((?:continue|list more)[^)\n]{0,20}\)", re.I),
    ),
    "role-play instructions": (
        re.compile(
            r"^\s*#{1,3}\s*(?:初始化|角色|技能|约束|工作流程|Role|Profile|Initiali[sz]ation|Skills|Constraints|Workflow)\s*[:：]",
            re.M | re.I,
        ),
        re.compile(r"作为(?:一名|一位|一个)?[^\n，。,]{0,12}(?:分析师|专家|助手|研究员)"),
        re.compile(r"\b(?:you are an?|as an ai|act as an?)\b", re.I),
    ),
    "a request for the paper's text": (
        re.compile(r"请(?:提供|给出|输入|上传)[^\n]{0,6}(?:论文|文章|原文|内容)"),
        re.compile(r"请根据以下[^\n]{0,10}(?:论文|内容|文本)"),
        re.compile(r"^\s*#{1,3}\s*(?:用户提问|用户输入|User question|Input)\s*[:：]?", re.M | re.I),
        re.compile(r"\bplease (?:provide|paste|upload) (?:the )?(?:paper|text|article)\b", re.I),
    ),
    "echoed source text markers": (
        re.compile(
            r"^\s*#{1,3}\s*(?:论文内容|论文原文|原文内容|Paper content|Paper text|Source text)\s*$",
            re.M | re.I,
        ),
    ),
}
_MIN_TEMPLATE_KINDS = 2


def template_signals(text: str) -> list[str]:
    """The kinds of prompt-template signals found in a text (empty for a real summary)."""
    return [
        kind
        for kind, patterns in _TEMPLATE_SIGNALS.items()
        if any(pattern.search(text) for pattern in patterns)
    ]


def looks_like_prompt_template(text: str) -> bool:
    return len(template_signals(text)) >= _MIN_TEMPLATE_KINDS


def _stem(text: str) -> str:
    """A truncated text without its "..." marker, whitespace-normalised, for prefix checks."""
    body = text.rstrip()
    for marker in sorted(TRUNCATION_MARKERS, key=len, reverse=True):
        body = body.removesuffix(marker)
    return normalize_space(body)


@dataclass
class Decision:
    accepted: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Candidate, str]] = field(default_factory=list)
    rejected: list[tuple[Candidate, str]] = field(default_factory=list)
    # Stored truncated cards that an accepted complete card supersedes: (stored id, candidate).
    superseded: list[tuple[str, Candidate]] = field(default_factory=list)


Key = tuple[str, SummaryType]


def _key(card: Card) -> Key:
    return (card.paper_id, card.summary_type)


def _best_complete(truncated: Card, complete: Sequence[Card]) -> Card | None:
    """The complete card that supersedes `truncated`: one it is a prefix of, else any."""
    stem = _stem(truncated.text)
    for card in complete:
        if normalize_space(card.text).startswith(stem):
            return card
    return complete[0] if complete else None


def decide(candidates: Sequence[Candidate], stored: Sequence[Card]) -> Decision:
    """Apply the module's rules to an import's candidates, given the cards already stored for
    the same papers. Pure: the caller writes the result."""
    decision = Decision()
    stored_ids = {card.card_id for card in stored}
    complete: dict[Key, list[Card]] = {}
    for card in [*stored, *(c.card for c in candidates)]:
        if not is_truncated(card.text) and not looks_like_prompt_template(card.text):
            complete.setdefault(_key(card), []).append(card)
    seen: dict[str, Candidate] = {}
    for candidate in candidates:
        card = candidate.card
        signals = template_signals(card.text)
        better = (
            _best_complete(card, complete.get(_key(card), [])) if is_truncated(card.text) else None
        )
        if len(signals) >= _MIN_TEMPLATE_KINDS:
            reason = f"a stored prompt template, not a summary ({', '.join(signals)})"
            decision.rejected.append((candidate, reason))
        elif better is not None:
            reason = f"truncated with '...'; superseded by the complete card {better.card_id}"
            decision.rejected.append((candidate, reason))
        elif card.card_id in stored_ids:
            decision.skipped.append((candidate, "already in store"))
        elif first := seen.get(card.card_id):
            where = f"{first.path.name}:{first.line}"
            decision.skipped.append((candidate, f"duplicate of the card at {where}"))
        else:
            seen[card.card_id] = candidate
            decision.accepted.append(candidate)
    _supersede_stored(decision, stored)
    return decision


def _supersede_stored(decision: Decision, stored: Sequence[Card]) -> None:
    truncated_stored: dict[Key, list[Card]] = {}
    for card in stored:
        if is_truncated(card.text):
            truncated_stored.setdefault(_key(card), []).append(card)
    for candidate in decision.accepted:
        if is_truncated(candidate.card.text):
            continue
        for old in truncated_stored.pop(_key(candidate.card), []):
            decision.superseded.append((old.card_id, candidate))
