"""The paper brief: parsed from a model's JSON answer, or composed from the evidence offline."""

from __future__ import annotations

import pytest

from ragcore.drafting.brief import Brief, brief_evidence, extractive_brief, parse_brief_json
from ragcore.errors import InputError
from ragcore.library.cards import Card, SummaryType
from ragcore.retrieval.evidence import EvidenceItem
from tests.drafting.conftest import BRIEF


def item(summary_type: SummaryType, text: str, key: str = "1") -> EvidenceItem:
    return EvidenceItem(
        card=Card(paper_id=f"p{key}", summary_type=summary_type, text=text),
        relevance=0.9,
        citation_key=key,
    )


ITEMS = [
    item(SummaryType.CHALLENGES, "未标记数据中混有新类别时，已知类别与新类别的学习速度并不一致。"),
    item(
        SummaryType.INNOVATIONS,
        "提出学习速度同步方法（LPS），用自适应边缘损失同步两类类别的学习。",
        "2",
    ),
    item(
        SummaryType.METHODOLOGY,
        "方法以自适应边缘损失调整已知类别的分类边缘，并加入伪标签对比聚类损失。",
        "2",
    ),
    item(
        SummaryType.EXPEDESIGN,
        "实验使用 CIFAR-100 与 ImageNet-100 两个数据集，各自划分已知与新类别。",
        "3",
    ),
    item(SummaryType.METRIC, "评价指标为已知类别、新类别与全部类别上的准确率以及 NMI 指标。", "3"),
]


def test_parse_brief_from_a_fenced_json_answer() -> None:
    answer = "好的：\n```json\n" + BRIEF.model_dump_json(exclude={"source"}) + "\n```"
    parsed = parse_brief_json(answer)
    assert (
        parsed.method_name == "PaceSync"
        and parsed.source == "model"
        and len(parsed.contributions) == 3
    )


@pytest.mark.parametrize("answer", ["no json here", '{"title": "only a title"}', "{broken"])
def test_unreadable_brief_is_refused(answer: str) -> None:
    with pytest.raises(InputError, match="brief"):
        parse_brief_json(answer)


def test_extractive_brief_takes_names_and_sentences_from_the_evidence() -> None:
    brief = extractive_brief("开放世界半监督图像分类", ITEMS, "zh")
    assert brief.source == "extractive" and brief.method_name == "LPS"
    assert brief.research_question.startswith("未标记数据中混有新类别")
    assert {"CIFAR-100", "ImageNet-100"} <= set(brief.datasets) and "NMI" in brief.metrics
    assert 1 <= len(brief.contributions) <= 4


def test_brief_markdown_in_both_languages_and_terms() -> None:
    assert "核心方法: PaceSync" in BRIEF.to_markdown("zh")
    assert "- Core method: PaceSync" in BRIEF.to_markdown("en")
    assert "PaceSync" in BRIEF.terms() and "CIFAR-10" in BRIEF.terms()
    assert Brief.model_validate({**BRIEF.model_dump(), "datasets": "CIFAR-10"}).datasets == [
        "CIFAR-10"
    ]


def test_brief_evidence_lists_keys_and_types_within_the_limit() -> None:
    text = brief_evidence(ITEMS, limit_chars=120)
    assert text.startswith("[1] (Challenges)") and len(text.splitlines()) < len(ITEMS)
