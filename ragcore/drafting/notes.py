"""What drafting says about a section (evidence borrowed from other sections or the brief, a
section short of its target, evidence in another language, citations of a model's answer
removed, papers gone from the project's selection, citation issues), as codes with their values
(`ragcore.wording`). A version's review stores them so (`SectionReview.warnings`); they are
worded where shown: in the paper's language in the export's review appendix and `ragcore
draft`, in the interface language on the Draft page. The context builder's notes are
`ragcore.retrieval.notes`."""

from __future__ import annotations

from enum import StrEnum

from ragcore.wording import register


class DraftNote(StrEnum):
    # the offline plan (`offline_paper.plan_paper`)
    BORROWED = "draft.borrowed"
    BRIEF_ONLY = "draft.brief_only"
    NOTHING_USABLE = "draft.nothing_usable"
    SHORT = "draft.short"
    OTHER_LANGUAGE = "draft.other_language"
    # a model's section (`writer`, `citations.normalise_citations`)
    NO_EVIDENCE = "draft.no_evidence"
    REMOVED_NUMBER = "draft.citation_removed_number"
    REMOVED_NAME = "draft.citation_removed_name"
    # the project's paper selection (`paper_selection.PaperSelection.note`)
    PAPERS_GONE = "draft.papers_gone"
    PAPERS_GONE_NONE_LEFT = "draft.papers_gone_none_left"
    # citation checks (`citations.CitationIssue`, kind -> "citation.<kind>")
    CITATION_UNKNOWN = "citation.unknown"
    CITATION_OUT_OF_RANGE = "citation.out_of_range"
    CITATION_REPEATED = "citation.repeated"
    CITATION_NONE = "citation.no_citations"
    # grounding (`review.SectionReview.lines`): claims of one sentence found in no evidence
    NOT_IN_EVIDENCE = "grounding.claims_not_in_evidence"


EN: dict[DraftNote, str] = {
    DraftNote.BORROWED: "no evidence of its own: written from the nearest unused evidence of "
    "other sections; add evidence for it",
    DraftNote.BRIEF_ONLY: "no usable evidence: written from the paper brief only; add evidence "
    "for it",
    DraftNote.NOTHING_USABLE: "no usable evidence (none on topic in the paper's language) and "
    "nothing left in the brief: nothing could be written; add evidence for it (evidence in "
    "another language is used through a language model only)",
    DraftNote.SHORT: "short: {words} words against a target of {low}-{high}; the evidence "
    "allows no more",
    DraftNote.OTHER_LANGUAGE: "{n} evidence texts are not in the paper's language; the offline "
    "model leaves them out (a language model can use them)",
    DraftNote.NO_EVIDENCE: "no evidence for this section: written from the paper brief only; "
    "pin cards, add a manual note or retrieve again, then regenerate",
    DraftNote.REMOVED_NUMBER: "removed citation [{cited}]: no such evidence key",
    DraftNote.REMOVED_NAME: "removed citation [{cited}]: it names no evidence of this section",
    DraftNote.PAPERS_GONE: "no longer in the library, left out of this project's papers: "
    "{papers}; the other selected papers are still used",
    DraftNote.PAPERS_GONE_NONE_LEFT: "no longer in the library, left out of this project's "
    "papers: {papers}; no selected paper is left, so no card is used; choose papers or use all "
    "papers",
    DraftNote.CITATION_UNKNOWN: "citation [{k}] matches no evidence and is not listed in the "
    "references",
    DraftNote.CITATION_OUT_OF_RANGE: "citation [{k}] is outside the evidence numbers and is not "
    "listed in the references",
    DraftNote.CITATION_REPEATED: "citation [{k}] is repeated in one place",
    DraftNote.CITATION_NONE: "this section cites no evidence",
    DraftNote.NOT_IN_EVIDENCE: "not in the evidence: {claims} ({sentence})",
}

ZH: dict[DraftNote, str] = {
    DraftNote.BORROWED: "本节没有自己的证据：由其他章节未用的最相近证据写成，请补充证据",
    DraftNote.BRIEF_ONLY: "本节没有可用的证据：仅由论文纲要写成，请补充证据",
    DraftNote.NOTHING_USABLE: "本节没有可用的证据（没有切题且为本文语言的证据），纲要中也没有剩余"
    "的句子：没有写出任何内容；请补充证据（其他语言的证据只能通过语言模型使用）",
    DraftNote.SHORT: "篇幅不足：{words} 字，目标 {low}-{high} 字；现有证据只够这么多",
    DraftNote.OTHER_LANGUAGE: "{n} 条证据不是本文的语言，离线模型不使用（可通过语言模型使用）",
    DraftNote.NO_EVIDENCE: "本节没有证据：仅根据论文纲要写成；请固定卡片、添加手工笔记或重新检索后"
    "再生成",
    DraftNote.REMOVED_NUMBER: "已删除引用 [{cited}]：没有这个编号的证据",
    DraftNote.REMOVED_NAME: "已删除引用 [{cited}]：它不指向本节的任何证据",
    DraftNote.PAPERS_GONE: "已不在文献库中，已从本项目的论文中去掉：{papers}；其余选定的论文仍在使用",
    DraftNote.PAPERS_GONE_NONE_LEFT: "已不在文献库中，已从本项目的论文中去掉：{papers}；"
    "没有剩下选定的论文，因此不使用任何卡片；请选择论文或使用全部论文",
    DraftNote.CITATION_UNKNOWN: "引用 [{k}] 不对应任何证据，未列入参考文献",
    DraftNote.CITATION_OUT_OF_RANGE: "引用 [{k}] 超出证据编号范围，未列入参考文献",
    DraftNote.CITATION_REPEATED: "引用 [{k}] 在同一处重复出现",
    DraftNote.CITATION_NONE: "本节没有任何引用",
    DraftNote.NOT_IN_EVIDENCE: "未在证据中找到：{claims}（{sentence}）",
}

WORDINGS: dict[str, dict[DraftNote, str]] = {"en": EN, "zh": ZH}
register(DraftNote, WORDINGS)
