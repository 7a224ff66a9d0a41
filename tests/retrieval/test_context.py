"""The built context parsed back with the formats package: exact structure, not string matching."""

from ragcore.documents.section_context import parse_context, render_section_body
from ragcore.library.cards import Card, SummaryType
from ragcore.library.store import CardStore
from ragcore.retrieval.context import build_context, clean_card_text, count_tokens, section_context
from ragcore.retrieval.evidence import EvidenceChoices, EvidenceItem, SectionEvidence, manual_note
from ragcore.retrieval.notes import ContextNote
from ragcore.retrieval.sectionplan import load_plan
from ragcore.settings import Settings
from ragcore.wording import codes_of, describe

SENTENCE = "这是一个完整的句子，用来测试上下文的预算。"


def _item(pid: str, t: str, text: str, relevance: float) -> EvidenceItem:
    return EvidenceItem(Card(paper_id=pid, summary_type=t, text=text), relevance)


def test_method_context_parses_back_exactly(
    library: CardStore, retrieval_settings: Settings
) -> None:
    built = section_context(
        library, "image classification network", "方法", settings=retrieval_settings, lang="zh"
    )
    document = parse_context(built.text)
    assert not document.issues
    [section] = document.sections
    assert section == built.context  # every card, trend, excerpt and requirement round-trips
    assert section.section == "方法"
    assert section.stated_length == built.chars == len(render_section_body(section, "zh"))
    labels = [b.summary_type for b in section.type_blocks]
    assert labels[0] == SummaryType.METHODOLOGY
    assert all(card.citation for _, card in section.cards())
    assert section.excerpts and all(
        f.endswith((".", "。")) for e in section.excerpts for f in e.fragments
    )
    assert section.requirements[-1] == "字数控制在800-1200字之间"


def test_english_context_uses_english_labels(
    library: CardStore, retrieval_settings: Settings
) -> None:
    built = section_context(
        library, "image classification", "introduction", settings=retrieval_settings, lang="en"
    )
    document = parse_context(built.text)
    assert document.lang == "en" and not document.issues
    assert document.sections[0].section == "Introduction"
    assert built.text.startswith("Structured RAG context")


def test_citations_one_key_per_paper_in_order() -> None:
    section = load_plan().find("introduction")
    evidence = SectionEvidence(
        "introduction",
        "t",
        [
            _item("p1", "background", "背景一。", 0.9),
            _item("p2", "background", "背景二。", 0.8),
            _item("p1", "challenges", "挑战一。", 0.7),
        ],
    )
    built = build_context(evidence, section, lang="zh", budget=5000)
    keys = [(c.paper_id, c.citation) for _, c in built.context.cards()]
    assert keys == [("p1", "1"), ("p2", "2"), ("p1", "1")]


def test_duplicates_weak_and_excluded_cards_are_left_out() -> None:
    section = load_plan().find("introduction")
    weak = _item("p3", "background", "弱相关。", 0.05)
    weak.weak = True
    excluded = _item("p4", "background", "被排除。", 0.6)
    evidence = SectionEvidence(
        "introduction",
        "t",
        [
            _item("p1", "background", "同样的文字。", 0.9),
            _item("p2", "background", "同样的文字。", 0.8),
            weak,
            excluded,
        ],
    )
    evidence.apply(EvidenceChoices(excluded={excluded.evidence_id}))
    built = build_context(evidence, section, lang="zh", budget=5000)
    assert [c.paper_id for _, c in built.context.cards()] == ["p1"]
    missing = [w for w in built.warnings if w.code == ContextNote.NO_CARD]
    assert any(describe(w, "zh").startswith("核心挑战：文献库中没有这类卡片") for w in missing)
    assert any(describe(w, "en").startswith("Challenges: no card found") for w in missing)


def test_pins_edits_and_notes_reach_the_context() -> None:
    section = load_plan().find("method")
    low = _item("p2", "methodology", "原文。", 0.3)
    evidence = SectionEvidence("method", "t", [_item("p1", "methodology", "第一。", 0.9), low])
    note = manual_note("我们自己的实验笔记。", SummaryType.METHODOLOGY)
    evidence.apply(
        EvidenceChoices(
            pinned={low.evidence_id}, edits={low.evidence_id: "改过的文字。"}, notes=[note]
        )
    )
    built = build_context(evidence, section, lang="zh", budget=5000)
    texts = [c.text for _, c in built.context.cards()]
    assert texts[0] == "改过的文字。"  # pinned first within its type
    assert "我们自己的实验笔记。" in texts


def test_budget_drops_lowest_ranked_whole_cards() -> None:
    section = load_plan().find("method")
    texts = [f"第{n}篇。" + SENTENCE * 20 for n in range(5)]
    items = [_item(f"p{n}", "methodology", texts[n], 0.9 - n / 10) for n in range(5)]
    evidence = SectionEvidence("method", "t", items)
    unlimited = build_context(evidence, section, lang="zh", budget=100_000)
    budget = unlimited.tokens - 100
    built = build_context(SectionEvidence("method", "t", items), section, lang="zh", budget=budget)
    assert built.tokens <= budget
    assert [i.paper_id for i in built.dropped] == ["p4"]
    assert [c.text for _, c in built.context.cards()] == texts[:4]  # whole, uncut
    dropped = [w for w in built.warnings if w.code == ContextNote.DROPPED]
    assert [w.values["paper"] for w in dropped] == ["p4"]
    assert describe(dropped[0], "zh") == "因词元预算未用：论文 p4 的方法卡片（相关性 0.50）"
    assert count_tokens(built.text) == built.tokens


def test_truncated_card_keeps_whole_sentences() -> None:
    assert clean_card_text("第一句完整。第二句被截断...") == "第一句完整。"
    assert clean_card_text("line one  \nline two\n\n\n\nend.") == "line one\nline two\n\nend."


def test_backups_stay_off_unless_the_user_switches_them_on(
    library: CardStore, retrieval_settings: Settings
) -> None:
    from ragcore.retrieval.hybrid import retrieve_section

    plan = load_plan()
    section = plan.with_cards_per_type(plan.find("method").key, 1).find("method")  # 1 per type
    evidence = retrieve_section(
        library, "image classification", section, settings=retrieval_settings
    )
    backups = [i.evidence_id for i in evidence.items if not i.included]
    assert backups, "the library fixture yields more candidates than the plan uses"
    evidence.apply(EvidenceChoices())
    assert [i.evidence_id for i in evidence.items if not i.included] == backups
    again = retrieve_section(library, "image classification", section, settings=retrieval_settings)
    again.apply(EvidenceChoices(included={backups[0]}))
    assert backups[0] in {i.evidence_id for i in again.active()}
    assert [i.evidence_id for i in again.items if not i.included] == backups[1:]
    built = build_context(again, section, lang="en", budget=100_000)
    assert backups[0] in {item.evidence_id for item in built.items}  # beyond the plan's count


def test_a_section_without_on_topic_cards_cites_no_off_topic_card_when_the_topic_has_some() -> None:
    """Other sections have on-topic evidence: this section's nearest (off-topic) cards are not
    used; it is written from other sections' evidence or the brief, and says so. When nothing
    in the library is on topic, the nearest cards are used, said plainly."""
    section = load_plan().find("experiments")

    def evidence(covered: bool) -> SectionEvidence:
        weak = _item("other", "expedesign", "剪枝实验在三个数据集上进行。", 0.26)
        weak.weak = True
        return SectionEvidence("experiments", "t", [weak], topic_covered=covered)

    # The Evidence page caches evidence as a dict: the flag survives the round trip.
    assert SectionEvidence.from_dict(evidence(True).to_dict()).topic_covered
    covered = build_context(evidence(True), section, lang="zh", budget=5000)
    assert covered.items == []
    assert ContextNote.NONE_OWN in codes_of(covered.warnings)
    assert describe(covered.warnings[-1], "zh").startswith(
        "本节没有高于相关性阈值的卡片：不引用离题的卡片"
    )
    uncovered = build_context(evidence(False), section, lang="en", budget=5000)
    assert [i.paper_id for i in uncovered.items] == ["other"] and uncovered.fallback == "nearest"
    weak = [w for w in uncovered.warnings if w.code == ContextNote.WEAK_SECTION]
    assert describe(weak[0], "en").startswith("weak evidence: no card above the relevance floor")
    assert "from the 1 nearest cards (relevance at most 0.26)" in describe(weak[0], "en")
