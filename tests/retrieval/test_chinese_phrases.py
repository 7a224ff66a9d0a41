"""A Chinese topic's terms alone match a card that has the words apart: "开放" and "世界" in
"中国在扩大开放中融入世界" are not the topic's 开放世界. Its phrases, found as written, judge whether
a card is on the topic (not the ranking)."""

from __future__ import annotations

from ragcore.library.cards import Card, SummaryType
from ragcore.retrieval.hybrid import topical_coverage
from ragcore.retrieval.lexical import TypeIndex, chinese_phrases, phrase_share, tokenize

TOPIC = "开放世界半监督学习中的新类别发现"


def test_a_chinese_topic_has_its_neighbouring_words_as_phrases() -> None:
    phrases = chinese_phrases(TOPIC)
    assert {"开放世界", "半监督", "新类别", "类别发现"} <= set(phrases)
    assert chinese_phrases("open-world semi-supervised learning") == ()
    assert phrase_share(phrases, "开放 世界的半监督学习") > 0  # spaces ignored


def test_words_found_apart_do_not_make_a_card_on_the_topic() -> None:
    on_topic = Card(
        paper_id="lps",
        summary_type=SummaryType.BACKGROUND,
        text="开放世界半监督学习要求模型在未标记数据中发现新类别，同时识别已知类别。",
    )
    apart = Card(
        paper_id="cltc",
        summary_type=SummaryType.BACKGROUND,
        text="近年来中国在扩大开放中融入世界，全球汉语学习需求与日俱增，学习者不断发现新的需求。",
    )
    cards = [on_topic, apart]
    index = TypeIndex.build([c.card_id for c in cards], cards)
    terms = tokenize(TOPIC)
    phrases = chinese_phrases(TOPIC)
    words_only = topical_coverage(index, terms, SummaryType.BACKGROUND, apart)
    with_phrases = topical_coverage(index, terms, SummaryType.BACKGROUND, apart, phrases)
    assert words_only > 0 and with_phrases < words_only
    assert (
        topical_coverage(index, terms, SummaryType.BACKGROUND, on_topic, phrases) > 2 * with_phrases
    )
