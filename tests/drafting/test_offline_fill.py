"""The offline plan fills a short section from its on-topic papers' raw text (whole sentences,
each once, cited to its paper, in the paper's language, never past the target), says "short"
outside the text when the evidence cannot fill it, and cites borrowed sentences with the
borrowing section's own keys; sentences with a hole where a citation or name was removed, and
flattened formulas, are never used (and the scorecard counts them as fragments)."""

from __future__ import annotations

import pytest

from ragcore.drafting.notes import DraftNote
from ragcore.drafting.offline_paper import SectionEvidenceBlocks, plan_paper
from ragcore.library.cards import Card, SummaryType
from ragcore.llm.composer import EvidenceBlock, is_whole_sentence, sentence_fingerprint
from ragcore.quality.fragments import paragraph_problems
from ragcore.retrieval.hybrid import topical_coverage
from ragcore.retrieval.lexical import TypeIndex, tokenize
from ragcore.retrieval.sectionplan import SectionSpec
from ragcore.text import count_words, formula_debris, split_sentences, text_gap
from ragcore.wording import codes_of, describe

T = SummaryType
CARD = (
    "Grammatical error correction converts erroneous learner text into corrected text. "
    "Reference-based metrics compare system edits with human edits."
)
RAW = [
    "Evaluation of error correction systems has relied on alignment-based metrics for a "
    "decade. These metrics need an alignment between the source and the corrected sentence. "
    "Computing that alignment is slow for long sentences with many edits. "
    "The metric proposed by  is used in most shared tasks.",
    "Learner corpora contain essays written by students of English as a second language. "
    "Annotators mark each error and propose a correction for it. "
    "= (1 + _ β 2)prec(_N,_S, R, C)recall(_N,_S, R, C) _β prec(N, S, R, C) + recall(N, S, R, C).",
    "学习者语料库包含大量由第二语言学习者撰写的作文和对应的人工修改结果。",
]


def _spec(key: str, types: dict[T, int], words: tuple[int, int]) -> SectionSpec:
    return SectionSpec(key=key, zh=key, en=key, types=types, words=words)


def _section(words: tuple[int, int] = (100, 140)) -> SectionEvidenceBlocks:
    spec = _spec("introduction", {T.BACKGROUND: 2}, words)
    card = EvidenceBlock("card", "Background", "gec", "1", CARD, "card-1")
    raw = [EvidenceBlock("raw", "raw", "gec", "1", text) for text in RAW]
    return SectionEvidenceBlocks(spec, [card], raw)


def test_a_short_section_is_filled_from_raw_text_with_whole_cited_sentences() -> None:
    planned = plan_paper([_section()], "en")["introduction"]
    text = planned.composed.text
    sentences = [s.text for s in planned.composed.sentences]
    assert count_words(text) > count_words(CARD)  # the card alone is ~20 words
    assert "Computing that alignment is slow for long sentences with many edits[1]." in text
    assert all(s.key == "1" for s in planned.composed.sentences)
    assert len({sentence_fingerprint(s) for s in sentences}) == len(sentences)
    # No gap, no formula, no other-language sentence, only whole sentences.
    assert "proposed by" not in text and "prec(" not in text and "学习者" not in text
    assert all(is_whole_sentence(s) for s in sentences)
    # The raw passages used are recorded as the section's evidence (checks judge against them).
    assert RAW[0] in planned.evidence_texts
    # Raw passages keep their own paragraphs.
    assert text.count("\n\n") >= 2
    # Everything usable was used and it is still short of 100: said outside the text.
    assert DraftNote.SHORT in codes_of(planned.warnings)
    short = next(w for w in planned.warnings if w.code == DraftNote.SHORT)
    assert describe(short, "en").startswith("short: ") and "target of 100-" in describe(short, "en")


def test_the_fill_stops_at_the_target_and_a_section_at_target_takes_no_raw_text() -> None:
    at_target = plan_paper([_section((15, 30))], "en")["introduction"]
    assert not at_target.evidence_texts
    assert DraftNote.SHORT not in codes_of(at_target.warnings)
    filled = plan_paper([_section((25, 30))], "en")["introduction"]
    assert filled.evidence_texts
    assert sum(count_words(s.text) for s in filled.composed.sentences) <= 30


def test_each_raw_sentence_is_used_once_in_the_paper() -> None:
    first = _section()
    second = SectionEvidenceBlocks(
        _spec("related_work", {T.RELATEDWORK: 2}, (60, 90)),
        [EvidenceBlock("card", "RelatedWork", "gec", "1", CARD.split(". ")[1], "card-2")],
        list(first.raw),
    )
    plan = plan_paper([first, second], "en")
    texts = [s.text for p in plan.values() for s in p.composed.sentences]
    assert len(texts) == len({sentence_fingerprint(t) for t in texts})


def test_a_sentence_said_again_in_other_words_is_used_once() -> None:
    """An abstract and an introduction say the same in other words; the draft says it once."""
    abstract = (
        "Aligning learner sentences containing errors to their correct sentences is not "
        "straightforward at all."
    )
    introduction = (
        "Aligning source sentences (learner sentences containing errors) to their target "
        "sentences (correct sentences) is not straightforward at all. "
        "Annotators mark each error and propose a correction for it."
    )
    spec = _spec("introduction", {T.BACKGROUND: 2}, (200, 300))
    card = EvidenceBlock("card", "Background", "gec", "1", abstract, "card-1")
    raw = [EvidenceBlock("raw", "raw", "gec", "1", introduction)]
    planned = plan_paper([SectionEvidenceBlocks(spec, [card], raw)], "en")["introduction"]
    texts = [s.text for s in planned.composed.sentences]
    assert texts == [abstract, "Annotators mark each error and propose a correction for it."]


def test_a_borrowed_sentence_is_cited_with_the_borrowing_sections_key() -> None:
    rich = SectionEvidenceBlocks(
        _spec("introduction", {T.BACKGROUND: 2}, (5, 10)),
        [
            EvidenceBlock("card", "Background", "other", "1", "Other papers say more.", "c0"),
            EvidenceBlock("card", "Background", "gec", "2", CARD, "c1"),
        ],
    )
    empty = SectionEvidenceBlocks(
        _spec("method", {T.METHODOLOGY: 2}, (10, 40)),
        [EvidenceBlock("card", "Methodology", "third", "1", "短。", "c2")],
    )
    plan = plan_paper([rich, empty], "en")
    method = plan["method"]
    assert method.composed.sentences, method.warnings
    for sentence in method.composed.sentences:
        # "gec" is [2] in the introduction; in the method section [1] is "third".
        assert sentence.key is not None and sentence.key != "1"
        assert method.citation_keys[sentence.key] == sentence.source
    assert "c1" in method.evidence_ids or "c0" in method.evidence_ids
    assert codes_of(method.warnings)[0] == DraftNote.BORROWED
    assert describe(method.warnings[0], "en").startswith("no evidence of its own")


@pytest.mark.parametrize(
    "sentence",
    [
        "The metric proposed by  is used in most shared tasks.",
        "The authors of  propose a neural model for this task.",
        "Several methods of  and  were compared on the benchmark.",
        "This follows earlier work ( ) on the same data set.",
        "As shown in , the model improves every score.",
    ],
)
def test_a_gap_left_by_a_removed_citation_is_caught(sentence: str) -> None:
    assert text_gap(sentence)
    assert not is_whole_sentence(sentence)
    if " ," not in sentence:  # the scorecard reads text with spaces before commas closed up
        assert paragraph_problems(sentence, "en")


@pytest.mark.parametrize(
    "sentence",
    [
        "The method proposed by Smith et al. is used in most shared tasks.",
        "By and large, the results hold across data sets.",
        "The way in which edits are extracted matters.",
        "M2 may evaluate such a system as F ≥ 0 in this setting.",
        "We are interested in how often errors recur.",
    ],
)
def test_ordinary_sentences_have_no_gap(sentence: str) -> None:
    assert not text_gap(sentence) and not formula_debris(sentence)
    assert is_whole_sentence(sentence)


def test_formula_debris_is_not_a_sentence() -> None:
    for sentence in (
        "UD S,R,C (x) = mS∩R∩C(x) =m(S∩C)\\R(x) = max {min(mS (x), mC (x)) − mR (x), 0}.",
        "R_ˆ _D} selected by Equation (8).",
        "The region is called True Keep (TK True Keep (TK (TKTK).",
    ):
        assert formula_debris(sentence), sentence
        assert not is_whole_sentence(sentence)
        assert paragraph_problems(sentence, "en")


def test_the_types_own_words_and_one_shared_word_do_not_make_a_card_on_topic() -> None:
    cards = [
        Card(
            paper_id="esg",
            summary_type=T.METRIC,
            text="The regression models are compared by their mean squared error and other "
            "model metrics on the ESG ratings.",
        ),
        Card(
            paper_id="gec",
            summary_type=T.METRIC,
            text="Metrics for grammatical error correction compare n-gram edits with an "
            "F-score against reference corrections.",
        ),
        Card(paper_id="x", summary_type=T.METRIC, text="Latency is measured in milliseconds."),
    ]
    index = TypeIndex.build([c.card_id for c in cards], cards)
    terms = tokenize("n-gram F-score metrics for evaluating grammatical error correction")
    esg, gec = cards[0], cards[1]
    # "metrics" is every Metric card's word, "error" one shared word: no topical match.
    assert index.match_of(terms, esg.card_id)[0] > 0
    assert topical_coverage(index, terms, T.METRIC, esg) == 0.0
    assert topical_coverage(index, terms, T.METRIC, gec) > 0.5
    # A short topic keeps single-word matches.
    assert topical_coverage(index, tokenize("mean squared error"), T.METRIC, esg) > 0


def test_split_sentences_keeps_the_gap_sentence_whole() -> None:
    # The gap is judged on the whole sentence, as the splitter yields it.
    assert split_sentences(RAW[0])[-1] == "The metric proposed by  is used in most shared tasks."
