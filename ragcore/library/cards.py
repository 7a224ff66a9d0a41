"""Typed summary cards and papers: the library's data model."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from ragcore.text import detect_lang, normalize_space, split_keywords, unique_keywords

# A project's manual note is evidence without a paper: its "paper id" starts so.
NOTE_PAPER_PREFIX = "note:"


class SummaryType(StrEnum):
    """The ten summary types. Values are the lower-case English names used in JSON."""

    BACKGROUND = "background"
    CHALLENGES = "challenges"
    INNOVATIONS = "innovations"
    METHODOLOGY = "methodology"
    EXPEDESIGN = "expedesign"
    METRIC = "metric"
    BASELINE = "baseline"
    RESULTANALYSIS = "resultanalysis"
    RELATEDWORK = "relatedwork"
    CONCLUSION = "conclusion"

    @property
    def label(self) -> str:
        """The seeds' spelling, e.g. `ExpeDesign`, used in rendered contexts."""
        return _LABELS[self]

    @property
    def zh(self) -> str:
        return _ZH_NAMES[self]

    @classmethod
    def parse(cls, raw: str) -> SummaryType:
        """Accept `BACKGROUND`, `Background`, `background`, `expe_design` and Chinese names."""
        key = raw.strip().lower().replace("_", "").replace("-", "").replace(" ", "")
        key = key.removesuffix("总结").removesuffix("类型")
        if key in _ALIASES:
            return _ALIASES[key]
        allowed = ", ".join(t.label for t in cls)
        raise ValueError(f"unknown summary type {raw!r}; expected one of {allowed}")


_LABELS = {
    SummaryType.BACKGROUND: "Background",
    SummaryType.CHALLENGES: "Challenges",
    SummaryType.INNOVATIONS: "Innovations",
    SummaryType.METHODOLOGY: "Methodology",
    SummaryType.EXPEDESIGN: "ExpeDesign",
    SummaryType.METRIC: "Metric",
    SummaryType.BASELINE: "Baseline",
    SummaryType.RESULTANALYSIS: "ResultAnalysis",
    SummaryType.RELATEDWORK: "RelatedWork",
    SummaryType.CONCLUSION: "Conclusion",
}
_ZH_NAMES = {
    SummaryType.BACKGROUND: "研究背景",
    SummaryType.CHALLENGES: "核心挑战",
    SummaryType.INNOVATIONS: "创新点",
    SummaryType.METHODOLOGY: "方法",
    SummaryType.EXPEDESIGN: "实验设计",
    SummaryType.METRIC: "评价指标",
    SummaryType.BASELINE: "基线方法",
    SummaryType.RESULTANALYSIS: "结果分析",
    SummaryType.RELATEDWORK: "相关工作",
    SummaryType.CONCLUSION: "结论",
}
_EXTRA_ALIASES = {
    "背景": SummaryType.BACKGROUND,
    "问题背景": SummaryType.BACKGROUND,
    "挑战": SummaryType.CHALLENGES,
    "创新": SummaryType.INNOVATIONS,
    "贡献": SummaryType.INNOVATIONS,
    "方法论": SummaryType.METHODOLOGY,
    "方法概述": SummaryType.METHODOLOGY,
    "指标": SummaryType.METRIC,
    "基线": SummaryType.BASELINE,
    "实验结果": SummaryType.RESULTANALYSIS,
    "结论与展望": SummaryType.CONCLUSION,
    "experimentdesign": SummaryType.EXPEDESIGN,
    "metrics": SummaryType.METRIC,
    "baselines": SummaryType.BASELINE,
    "results": SummaryType.RESULTANALYSIS,
    "resultsanalysis": SummaryType.RESULTANALYSIS,
    "method": SummaryType.METHODOLOGY,
}
_ALIASES: dict[str, SummaryType] = {
    **{t.value: t for t in SummaryType},
    **{name: t for t, name in _ZH_NAMES.items()},
    **_EXTRA_ALIASES,
}


class Origin(StrEnum):
    IMPORTED = "imported"
    GENERATED = "generated"
    EXTRACTIVE = "extractive"
    EDITED = "edited"


def keyword_list(value: object) -> list[str]:
    """Keywords from a printed list (`a；b`, `a, b`) or a list, stripped and once each."""
    if value is None:
        return []
    if isinstance(value, str):
        return split_keywords(value)
    if isinstance(value, list | tuple):
        return unique_keywords([str(v) for v in value])
    raise ValueError(f"keywords are a list or a ';'-separated text, got {type(value).__name__}")


def _now() -> datetime:
    return datetime.now(UTC)


def content_id(paper_id: str, summary_type: SummaryType, text: str) -> str:
    """Stable id from content, so importing the same card twice is a no-op."""
    key = f"{paper_id}\x1f{summary_type.value}\x1f{normalize_space(text)}"
    return "c" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


class Card(BaseModel):
    card_id: str = ""
    paper_id: str
    summary_type: SummaryType
    text: str
    source_sections: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    lang: str = ""
    origin: Origin = Origin.IMPORTED
    title: str = ""
    # PDF page(s) of each sentence, in order (extractive cards of PDFs; empty otherwise).
    sentence_pages: list[list[int]] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)

    @field_validator("summary_type", mode="before")
    @classmethod
    def _parse_type(cls, value: object) -> SummaryType:
        if isinstance(value, SummaryType):
            return value
        return SummaryType.parse(str(value))

    @field_validator("paper_id")
    @classmethod
    def _non_empty_id(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("paper_id must not be empty")
        return value.strip()

    @field_validator("text")
    @classmethod
    def _non_empty_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be empty")
        return value.strip()

    def model_post_init(self, context: object, /) -> None:
        if not self.card_id:
            self.card_id = content_id(self.paper_id, self.summary_type, self.text)
        if not self.lang:
            self.lang = detect_lang(self.text)


class Paper(BaseModel):
    paper_id: str
    title: str = ""
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    venue: str = ""
    source: str = ""
    lang: str = ""
    doi: str = ""
    arxiv_id: str = ""
    # As printed in the paper (ingest) or given by the user; empty when not found.
    abstract: str = ""
    keywords: list[str] = Field(default_factory=list)

    @field_validator("keywords", mode="before")
    @classmethod
    def _keyword_list(cls, value: object) -> list[str]:
        return keyword_list(value)
