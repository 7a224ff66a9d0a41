"""The paper brief: one study that every section describes.

Working title, research question, the core method (one name, one idea), three or four
contributions, datasets and metrics. Generated from the topic and the selected evidence by the
model (asked for JSON), or composed extractively from the evidence offline; editable, and saved
as a new project version on every change. Every section prompt includes the current brief.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from ragcore.drafting.grounding import is_name
from ragcore.drafting.projects import ProjectStore
from ragcore.errors import InputError, LLMError
from ragcore.library.cards import SummaryType
from ragcore.llm.composer import clean_sentences
from ragcore.llm.prompts import PromptLibrary
from ragcore.retrieval.evidence import EvidenceItem
from ragcore.text import detect_lang

if TYPE_CHECKING:  # the gateway loads LiteLLM (seconds); only its type is needed here
    from ragcore.llm.gateway import Gateway

_ACRONYM_DEFINED = re.compile(r"[（(]\s*([A-Z][A-Za-z0-9\-]{1,15})\s*[)）]")
_NAME = re.compile(r"(?<![A-Za-z0-9_-])[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9_-])")
_JSON_OBJECT = re.compile(r"\{.*\}", re.S)
BRIEF_EVIDENCE_CHARS = 6000
_BRIEF_TYPES = (
    SummaryType.CHALLENGES,
    SummaryType.INNOVATIONS,
    SummaryType.METHODOLOGY,
    SummaryType.EXPEDESIGN,
    SummaryType.METRIC,
    SummaryType.BACKGROUND,
)


class Brief(BaseModel):
    title: str = Field(min_length=1)
    research_question: str = Field(min_length=1)
    method_name: str = Field(min_length=1, max_length=80)
    method_idea: str = Field(min_length=1)
    contributions: list[str] = Field(min_length=1, max_length=6)
    datasets: list[str] = Field(default_factory=list)
    metrics: list[str] = Field(default_factory=list)
    source: str = "model"  # "model", "extractive" or "edited"

    @field_validator("contributions", "datasets", "metrics", mode="before")
    @classmethod
    def _list_of_text(cls, value: Any) -> list[str]:
        if isinstance(value, str):
            value = [value]
        return [str(v).strip() for v in value or [] if str(v).strip()]

    def to_markdown(self, lang: str) -> str:
        """The brief as the section prompts include it."""
        en = lang == "en"
        labels = (
            (
                "Working title",
                "Research question",
                "Core method",
                "Contributions",
                "Datasets",
                "Metrics",
            )
            if en
            else ("暂定标题", "研究问题", "核心方法", "主要贡献", "数据集", "评价指标")
        )
        sep = ", " if en else "、"
        none = "none named" if en else "未指定"
        contributions = "\n".join(f"   {n}. {c}" for n, c in enumerate(self.contributions, 1))
        return "\n".join(
            [
                "## Paper brief" if en else "## 论文纲要",
                f"- {labels[0]}: {self.title}",
                f"- {labels[1]}: {self.research_question}",
                f"- {labels[2]}: {self.method_name} — {self.method_idea}",
                f"- {labels[3]}:\n{contributions}",
                f"- {labels[4]}: {sep.join(self.datasets) or none}",
                f"- {labels[5]}: {sep.join(self.metrics) or none}",
            ]
        )

    def terms(self) -> list[str]:
        """Names the brief introduces; the grounding check accepts them in every section."""
        return [self.method_name, self.title, *self.datasets, *self.metrics]


def brief_evidence(items: Sequence[EvidenceItem], limit_chars: int = BRIEF_EVIDENCE_CHARS) -> str:
    """Compact evidence for the brief prompt: `[n] (Type) text`, best items of each type."""
    lines: list[str] = []
    used = 0
    ranked = sorted(items, key=lambda i: (_type_rank(i.summary_type), -i.relevance))
    for item in ranked:
        line = f"[{item.citation_key or item.paper_id}] ({item.summary_type.label}) {' '.join(item.text.split())}"
        if used + len(line) > limit_chars and lines:
            break
        lines.append(line)
        used += len(line)
    return "\n".join(lines)


def _type_rank(summary_type: SummaryType) -> int:
    return _BRIEF_TYPES.index(summary_type) if summary_type in _BRIEF_TYPES else len(_BRIEF_TYPES)


def parse_brief_json(text: str) -> Brief:
    """A brief from a model answer: a JSON object, possibly inside a code fence or prose."""
    match = _JSON_OBJECT.search(text)
    if not match:
        raise InputError("the model's brief is not a JSON object")
    try:
        data = json.loads(match.group(0))
        return Brief.model_validate({**data, "source": "model"})
    except (json.JSONDecodeError, ValidationError) as error:
        raise InputError(f"the model's brief could not be read ({type(error).__name__})") from None


# -------------------------------------------------------------------- extractive brief


def _sentences(items: Sequence[EvidenceItem], summary_type: SummaryType, lang: str) -> list[str]:
    """The first whole sentence in the paper's language of each card of a type."""
    out: list[str] = []
    for item in items:
        if item.summary_type == summary_type:
            sentences = clean_sentences(item.text, from_paper=item.kind == "card")
            same = [s for s in sentences if detect_lang(s) == lang]
            out.extend(same[:1])
    return list(dict.fromkeys(out))


def _method_name(items: Sequence[EvidenceItem], lang: str) -> str:
    texts = [
        i.text
        for i in items
        if i.summary_type in (SummaryType.INNOVATIONS, SummaryType.METHODOLOGY)
    ]
    for text in texts:
        if match := _ACRONYM_DEFINED.search(text):
            return match.group(1)
    return "the proposed method" if lang == "en" else "本文方法"


# A name is a dataset or a metric when the clause it stands in says so ("on the CIFAR-10 and
# ImageNet datasets", "数据集包括 X、Y", "measured by F1 and BLEU", "评价指标为 mAP"). A capitalised
# token that only heads a table column (SQA, ALL, SEQ) stands in no such clause.
_CLAUSE = re.compile(r"[^.;:!?。；：！？\n]+")
_DATASET_CUE = re.compile(r"\b(?:data ?sets?|benchmarks?|corpus|corpora)\b|数据集|语料|基准", re.I)
_METRIC_CUE = re.compile(
    r"\b(?:metrics?|measured|measures?|evaluated (?:by|with|using|in terms of)|scores?)\b"
    r"|指标|度量|衡量",
    re.I,
)
# Metric names in common use across fields; a plain word like "accuracy" is no `is_name` name.
METRIC_WORDS = re.compile(
    r"\b(?:Recall@\d+|nDCG@\d+|top-[15] accuracy|F1-score|ROC-AUC|ROUGE-[12L]|"
    r"accuracy|precision|recall|F1|F-measure|BLEU|ROUGE|METEOR|CIDEr|mAP|AUC|nDCG|MRR|"
    r"perplexity|RMSE|MAE|MSE|PSNR|SSIM|FID|mIoU|IoU|EER|WER|CER)(?![\w@-])"
    r"|准确率|精确率|召回率|F1值",
    re.I,
)
_BRIEF_NAME_TYPES = (SummaryType.EXPEDESIGN, SummaryType.METRIC, SummaryType.BASELINE)


def _cued_names(items: Sequence[EvidenceItem], limit: int = 5) -> list[str]:
    """Dataset names: names in clauses that speak of datasets."""
    counts: Counter[str] = Counter()
    for item in items:
        if item.summary_type not in _BRIEF_NAME_TYPES:
            continue
        for clause in _CLAUSE.findall(item.text):
            if _DATASET_CUE.search(clause):
                names = [n for n in _NAME.findall(clause) if is_name(n) or _is_acronym(n)]
                counts.update(dict.fromkeys(names, 1))
    return [name for name, _ in counts.most_common(limit)]


def _is_acronym(token: str) -> bool:
    return len(token) >= 3 and token.isupper() and token.isalpha()


def dataset_names(items: Sequence[EvidenceItem], limit: int = 5) -> list[str]:
    """Datasets the ExpeDesign/Metric/Baseline cards name as datasets."""
    return _cued_names(items, limit)


def metric_names(items: Sequence[EvidenceItem], limit: int = 5) -> list[str]:
    """Metrics the cards name as metrics: common metric names in a Metric card, and names in
    a clause that speaks of metrics or measuring (never a bare table-column acronym)."""
    counts: Counter[str] = Counter()
    for item in items:
        if item.summary_type not in _BRIEF_NAME_TYPES:
            continue
        for clause in _CLAUSE.findall(item.text):
            cued = bool(_METRIC_CUE.search(clause)) and not _DATASET_CUE.search(clause)
            if item.summary_type == SummaryType.METRIC or cued:
                counts.update(dict.fromkeys((m.group(0) for m in METRIC_WORDS.finditer(clause)), 1))
            if cued:  # a name the clause calls a metric ("以及 NMI 指标", "the CLIPScore metric")
                names = [n for n in _NAME.findall(clause) if is_name(n) or _is_acronym(n)]
                counts.update(dict.fromkeys(names, 1))
    ranked = [name for name, _ in counts.most_common()]
    unique = {name.casefold(): name for name in reversed(ranked)}  # "Accuracy" = "accuracy"
    return [name for name in ranked if unique[name.casefold()] == name][:limit]


def extractive_brief(topic: str, items: Sequence[EvidenceItem], lang: str) -> Brief:
    """A brief made only of the evidence's own sentences and names (offline mode)."""
    en = lang == "en"
    lang = "en" if en else "zh"
    challenges = _sentences(items, SummaryType.CHALLENGES, lang)
    methods = _sentences(items, SummaryType.METHODOLOGY, lang)
    contributions = _sentences(items, SummaryType.INNOVATIONS, lang)[:4]
    contributions += [m for m in methods[1:] if m not in contributions][
        : max(0, 3 - len(contributions))
    ]
    question = (
        challenges[0]
        if challenges
        else (
            f"How can {topic} be addressed effectively?"
            if en
            else f"{topic}的关键问题是什么，如何有效解决？"
        )
    )
    return Brief(
        title=topic,
        research_question=question,
        method_name=_method_name(items, lang),
        method_idea=methods[0] if methods else question,
        contributions=contributions or [question],
        datasets=dataset_names(items),
        metrics=metric_names(items),
        source="extractive",
    )


# ------------------------------------------------------------------------- generation


def generate_brief(
    topic: str,
    items: Sequence[EvidenceItem],
    lang: str,
    *,
    gateway: Gateway,
    prompts: PromptLibrary,
    model: str | None = None,
) -> Brief:
    """Ask the model for the brief; the offline model (or an unreadable answer) gives the
    extractive brief, labelled as such."""
    if gateway.is_offline(model):
        return extractive_brief(topic, items, lang)
    rendered = prompts.render("brief", topic=topic, evidence=brief_evidence(items), lang=lang)
    try:
        answer = gateway.complete([{"role": "user", "content": rendered.text}], model)
    except LLMError as error:
        # One failed call must not stop the draft: every section still gets its attempt.
        brief = extractive_brief(topic, items, lang)
        brief.source = f"extractive (the model failed: {error})"
        return brief
    try:
        return parse_brief_json(answer.text)
    except InputError:
        brief = extractive_brief(topic, items, lang)
        brief.source = "extractive (the model's answer was not a readable brief)"
        return brief


def _form_lines(text: str) -> list[str]:
    """One item per line (or per Chinese semicolon), list bullets dropped."""
    lines = text.replace("；", "\n").splitlines()
    return [line.strip(" -•\t") for line in lines if line.strip(" -•\t")]


def _form_list(text: str) -> list[str]:
    """Comma-separated names (Chinese commas too)."""
    return [part.strip() for part in re.split(r"[,，、]", text) if part.strip()]


def brief_from_form(
    *,
    title: str,
    research_question: str,
    method_name: str,
    method_idea: str,
    contributions: str,
    datasets: str,
    metrics: str,
) -> Brief:
    """A brief the user edited in a form (contributions one per line, names comma-separated);
    InputError naming the field when one is missing or too long."""
    try:
        return Brief(
            title=title.strip(),
            research_question=research_question.strip(),
            method_name=method_name.strip(),
            method_idea=method_idea.strip(),
            contributions=_form_lines(contributions),
            datasets=_form_list(datasets),
            metrics=_form_list(metrics),
            source="edited",
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{field}: {first['msg']}") from None


def save_brief(projects: ProjectStore, project_id: str, brief: Brief) -> int:
    """Store a brief (generated or edited) as the project's new current version."""
    return projects.save_brief(project_id, brief.model_dump(mode="json"))


def current_brief(projects: ProjectStore, project_id: str) -> tuple[int, Brief] | None:
    revision = projects.brief(project_id)
    if revision is None:
        return None
    return revision.version, Brief.model_validate(revision.data)
