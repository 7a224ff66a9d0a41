"""The English dense channel: English cards and queries meet through the English model (the
real bundled MiniLM), Chinese cards through the multilingual one, in one fused listing."""

from __future__ import annotations

import numpy as np

from ragcore.library.cards import Card, SummaryType
from ragcore.library.embeddings import get_embedder
from ragcore.library.english import english_embedder_name
from ragcore.library.store import CardStore
from ragcore.retrieval.hybrid import prepare_query, search_type
from ragcore.settings import Settings, load_settings

METHOD = SummaryType.METHODOLOGY
ENGLISH = Card(paper_id="en1", summary_type=METHOD, text="We schedule GPU jobs on a cluster.")
CHINESE = Card(paper_id="zh1", summary_type=METHOD, text="我们提出一种卷积神经网络图像分类方法。")


def _store(tmp_settings: Settings) -> CardStore:
    settings = tmp_settings.model_copy(update={"english_embedder": "minilm"})
    store = CardStore.open(settings)
    store.upsert_cards([ENGLISH, CHINESE])
    return store


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_the_channel_follows_the_default_embedder() -> None:
    assert english_embedder_name(load_settings(embedder="use")) == "minilm"
    assert english_embedder_name(load_settings(embedder="fake")) is None
    assert english_embedder_name(load_settings(embedder="use", english_embedder="")) is None


def test_english_query_scores_english_cards_with_the_english_model(settings: Settings) -> None:
    store = _store(settings)
    assert store.english is not None
    assert set(store.english.snapshot().cards) == {ENGLISH.card_id}  # English cards only
    topic = "GPU cluster job scheduling"
    query = prepare_query(store, topic, "dense")
    assert query.english is not None
    items = {
        i.card.card_id: i
        for i in search_type(store, query, METHOD, k=5, settings=settings, fusion="dense").items
    }
    minilm, multilingual = get_embedder("minilm"), store.embedder
    expected_en = _cosine(minilm.embed([topic])[0], minilm.embed([ENGLISH.text])[0])
    expected_zh = _cosine(multilingual.embed([topic])[0], multilingual.embed([CHINESE.text])[0])
    english, chinese = items[ENGLISH.card_id].channels.dense, items[CHINESE.card_id].channels.dense
    assert english is not None and chinese is not None
    assert abs(english - expected_en) < 1e-4
    assert abs(chinese - max(0.0, expected_zh)) < 1e-4


def test_chinese_queries_never_use_the_english_channel(settings: Settings) -> None:
    store = _store(settings)
    assert prepare_query(store, "图像分类方法", "auto").english is None


def test_deletes_reach_the_english_channel(settings: Settings) -> None:
    store = _store(settings)
    assert store.english is not None
    store.delete_cards([ENGLISH.card_id])
    assert len(store.english.snapshot()) == 0
    pending = Card(paper_id="en2", summary_type=METHOD, text="Transformers translate English.")
    store.upsert_cards([pending], state="pending")
    assert len(store.english.snapshot()) == 0  # invisible until published
    store.publish_paper("en2", [pending.card_id])
    assert set(store.english.snapshot().cards) == {pending.card_id}
    store.delete_paper("en2")
    assert len(store.english.snapshot()) == 0


def test_reembed_gives_an_older_library_its_english_channel(settings: Settings) -> None:
    CardStore.open(settings.model_copy(update={"english_embedder": ""})).upsert_cards(
        [ENGLISH, CHINESE]
    )
    with_channel = settings.model_copy(update={"english_embedder": "minilm"})
    CardStore.reembed(with_channel)
    store = CardStore.open(with_channel)
    assert store.english is not None
    assert set(store.english.snapshot().cards) == {ENGLISH.card_id}
