"""Grounding flags on crafted drafts: invented numbers and names, sentence by sentence."""

from __future__ import annotations

from ragcore.drafting.grounding import check_grounding

EVIDENCE = [
    "FixMatch 在 CIFAR-10 上达到 94.93% 的准确率 [1]。",
    "LPS improves novel-class accuracy on ImageNet-100 by 3.1 points; NMI is reported.",
]


def claims(draft: str, allowed: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(f.claim, f.sentence) for f in check_grounding(draft, EVIDENCE, allowed).flags]


def test_seed_style_invented_numbers_are_flagged_with_their_sentence() -> None:
    draft = "DLAS在CIFAR-10上达到94.2%的准确率[1]，同时实现3.7×的压缩率。时延增加214%。"
    flagged = claims(draft, ("DLAS",))
    assert [c for c, _ in flagged] == ["94.2%", "3.7×", "214%"]
    assert flagged[0][1].startswith("DLAS在CIFAR-10上") and flagged[2][1] == "时延增加214%。"


def test_supported_claims_pass() -> None:
    draft = (
        "FixMatch 在 CIFAR-10 上的准确率为 94.93% [1]。LPS gains 3.1 points on ImageNet-100 (NMI)."
    )
    assert claims(draft) == []


def test_invented_dataset_and_method_names_are_flagged() -> None:
    flagged = claims("We compare with MixMatch on ImageNet-1K using BERT features.")
    assert [c for c, _ in flagged] == ["MixMatch", "ImageNet-1K", "BERT"]


def test_brief_terms_counts_and_enumerations_are_not_claims() -> None:
    draft = (
        "(1) 本文提出 OWL-Net 方法，包含三个模块。\n2. 第3节介绍实验，共 2 个阶段。\n4.2 评价指标"
    )
    assert claims(draft, ("OWL-Net",)) == []
    assert claims("We use a CNN on 2 GPUs.") == []


def test_numbers_inside_names_and_citations_are_not_separate_claims() -> None:
    assert claims("CIFAR-10 is used [2, 3].") == []
    assert [c for c, _ in claims("ResNet-50 reaches 76.1% on it.")] == ["ResNet-50", "76.1%"]
