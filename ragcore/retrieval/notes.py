"""What the context builder says about a section's evidence (weak or missing summary types, a
section without on-topic cards, the token budget), as codes with their values
(`ragcore.wording`): worded where they are shown, in the paper's language in the export's
review appendix and the CLI, in the interface language on the studio's pages."""

from __future__ import annotations

from enum import StrEnum

from ragcore.library.cards import SummaryType
from ragcore.wording import Term, register


class ContextNote(StrEnum):
    WEAK_TYPE = "context.weak_type"
    NO_CARD = "context.no_card"
    WEAK_SECTION = "context.weak_section"
    NONE_OWN = "context.none_own"
    OVER_BUDGET = "context.over_budget"
    DROPPED = "context.dropped"


def type_term(summary_type: SummaryType) -> Term:
    """A summary type's name in each language, as a note quotes it."""
    return Term(summary_type.label, summary_type.zh)


EN: dict[ContextNote, str] = {
    ContextNote.WEAK_TYPE: "{type}: no card above the relevance floor; the weak ones are "
    "backups, switched off",
    ContextNote.NO_CARD: "{type}: no card found in the library",
    ContextNote.WEAK_SECTION: "weak evidence: no card above the relevance floor for this "
    "section; written from the {n} nearest cards (relevance at most {top:.2f}); check them, "
    "pin better ones or add a note",
    ContextNote.NONE_OWN: "no card of this section above the relevance floor: no off-topic card "
    "is cited; it is written from other sections' evidence or the brief; add evidence for it",
    ContextNote.OVER_BUDGET: "the context is {tokens} tokens, over the budget of {budget}, with "
    "only pinned cards and notes left",
    ContextNote.DROPPED: "left out for the token budget: {type} card of paper {paper} "
    "(relevance {relevance:.2f})",
}

ZH: dict[ContextNote, str] = {
    ContextNote.WEAK_TYPE: "{type}：没有高于相关性阈值的卡片；较弱的卡片作为备选，默认不用",
    ContextNote.NO_CARD: "{type}：文献库中没有这类卡片",
    ContextNote.WEAK_SECTION: "证据较弱：本节没有高于相关性阈值的卡片；由最相近的 {n} 张卡片写成"
    "（相关性最高 {top:.2f}），请检查，固定更好的卡片或添加笔记",
    ContextNote.NONE_OWN: "本节没有高于相关性阈值的卡片：不引用离题的卡片，由其他章节的证据或"
    "论文纲要写成，请补充证据",
    ContextNote.OVER_BUDGET: "上下文有 {tokens} 个词元，超出 {budget} 的预算，只剩固定的卡片和笔记",
    ContextNote.DROPPED: "因词元预算未用：论文 {paper} 的{type}卡片（相关性 {relevance:.2f}）",
}

WORDINGS: dict[str, dict[ContextNote, str]] = {"en": EN, "zh": ZH}
register(ContextNote, WORDINGS)
