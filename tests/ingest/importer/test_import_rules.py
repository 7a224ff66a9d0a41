from pathlib import Path

from ragcore.documents.listing import parse_listing
from ragcore.ingest.importer import (
    looks_like_prompt_template,
    template_signals,
    title_from_paper_id,
    trim_to_sentence,
)
from ragcore.ingest.importer.reading import Candidate
from ragcore.ingest.importer.rules import decide
from ragcore.library.cards import Card, SummaryType
from tests.conftest import seed_file

ENGLISH_TEMPLATE = """Contributions:
1. <your first contribution> (type: [e.g., new method / new dataset])
2. ... (continue the list)
## Role: You are an expert paper analyst.
Please provide the paper text below.
## Paper content
"""
CHINESE_TEMPLATE = """请按以下格式输出：
1、研究领域: [例如，计算机视觉]
## 角色: 作为资深审稿专家，逐条分析。
请提供论文内容。
"""


def test_templates_in_both_languages_are_detected_by_several_kinds_of_signal() -> None:
    assert len(template_signals(ENGLISH_TEMPLATE)) == 4
    assert looks_like_prompt_template(CHINESE_TEMPLATE)
    assert set(template_signals(CHINESE_TEMPLATE)) == {
        "template placeholders",
        "role-play instructions",
        "a request for the paper's text",
    }


def test_no_real_seed_card_looks_like_a_template() -> None:
    listing = parse_listing(seed_file("001").read_text(encoding="utf-8"))
    texts = [card.text for _, card in listing.cards()]
    assert len(texts) == 50
    assert [t[:30] for t in texts if looks_like_prompt_template(t)] == []


def test_a_summary_mentioning_one_signal_is_not_rejected() -> None:
    text = "本文作为一名研究员的视角，提出了新方法（类型: [新方法]）。实验表明准确率提升3%。"
    assert len(template_signals(text)) <= 1
    assert not looks_like_prompt_template(text)


def test_trim_to_sentence() -> None:
    assert trim_to_sentence("第一句。第二句没写完...") == "第一句。"
    assert trim_to_sentence("One. Two is cut off and the availa...") == "One."
    assert trim_to_sentence("Section 2.1 has no sentence end...") == ""
    assert trim_to_sentence("A complete text.") == "A complete text."


def test_titles_from_ids() -> None:
    assert title_from_paper_id("MiCRO_Near-Zero_Cost_Gradient_Sparsification") == (
        "MiCRO: Near-Zero Cost Gradient Sparsification"
    )
    assert title_from_paper_id("Deep_residual_learning_for_images") == (
        "Deep residual learning for images"
    )
    assert title_from_paper_id("3650200.3656628") == ""
    assert title_from_paper_id("2309.11930v2") == ""


def _candidate(
    text: str, line: int, paper: str = "p1", kind: SummaryType = SummaryType.METHODOLOGY
) -> Candidate:
    return Candidate(Card(paper_id=paper, summary_type=kind, text=text), line, Path("f.txt"))


def test_decide_prefers_complete_texts_and_keeps_a_lone_truncated_card() -> None:
    complete = "方法概述：第一步。第二步。"
    candidates = [
        _candidate("方法概述：第一步。第二...", 1),
        _candidate(complete, 2),
        _candidate("背景：只有截断版本...", 3, kind=SummaryType.BACKGROUND),
    ]
    decision = decide(candidates, stored=[])
    assert [c.line for c in decision.accepted] == [2, 3]
    ((rejected, reason),) = decision.rejected
    assert rejected.line == 1 and candidates[1].card.card_id in reason


def test_decide_against_stored_cards() -> None:
    stored = [
        Card(paper_id="p1", summary_type=SummaryType.METHODOLOGY, text="方法概述：第一步。第...")
    ]
    candidates = [
        _candidate("方法概述：第一步。第二步。", 7),
        _candidate("方法概述：第一步。第...", 8),
    ]
    decision = decide(candidates, stored)
    assert [c.line for c in decision.accepted] == [7]
    assert decision.superseded == [(stored[0].card_id, candidates[0])]
    assert decision.rejected[0][0].line == 8  # superseded, even though it is in the store
