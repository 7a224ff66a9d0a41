"""The English dense channel: English cards also embedded by an English-specialised model.

Why: the multilingual default (`use`) serves Chinese well and bridges the two languages, but
ranks English against English clearly worse than MiniLM (docs/embedders.md: nDCG@10 0.80 vs
0.93 dense on our English papers). So English cards get a second vector from the English model
in their own collection (`cards_en`) and snapshot; an English query is scored against English
cards with it, and against Chinese cards still with the multilingual model (MiniLM cannot read
Chinese). Chinese queries never use this channel.

The model loads on first use (a Chinese-only session never pays for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ragcore.library import chroma
from ragcore.library.cards import Card
from ragcore.library.changelog import ChangeLog
from ragcore.library.embeddings import Embedder, Vectors, get_embedder, set_batch_size
from ragcore.library.records import card_metadata
from ragcore.library.snapshot import CardSnapshot
from ragcore.library.snapshot_cache import MemoryBudget, SnapshotCache
from ragcore.progress import ProgressCallback
from ragcore.settings import Settings

COLLECTION = "cards_en"
ENGLISH = "en"
# Dimensions of the bundled models, so the collection opens without loading the model.
_DIMENSIONS = {"minilm": 384, "fake": 256, "use": 512}


def english_embedder_name(settings: Settings) -> str | None:
    """The English channel's model: `auto` means MiniLM next to the default `use`, else none."""
    name = settings.english_embedder
    if name == "auto":
        return "minilm" if settings.embedder == "use" else None
    return name or None


class _LazyEmbedder:
    """The named embedder, loaded at its first `embed` (its name and size are known before)."""

    def __init__(self, name: str, batch_size: int) -> None:
        self.name = name
        self.dimension = _DIMENSIONS.get(name) or get_embedder(name).dimension
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> Vectors:
        embedder = get_embedder(self.name)
        set_batch_size(embedder, self._batch_size)
        return embedder.embed(texts, progress)


class EnglishChannel:
    def __init__(
        self,
        settings: Settings,
        client: Any,
        name: str,
        log: ChangeLog,
        budget: MemoryBudget | None = None,
    ) -> None:
        self.embedder: Embedder = _LazyEmbedder(name, settings.embed_batch)
        self._cards = chroma.open_collection(client, COLLECTION, self.embedder)
        self._snapshots = SnapshotCache(
            log,
            self._read,
            self.embedder.dimension,
            root=settings.home / "cache" / "snapshot-en",
            identity={
                "embedder": name,
                "source": settings.chroma_url or str(settings.chroma_path.resolve()),
            },
            count=self._cards.count,
            ready_ids=self._ready_ids if settings.chroma_url else None,
            budget=budget,
        )

    def reopen(self, client: Any) -> None:
        """Use a new client after the store re-read the embedded files (another writer)."""
        self._cards = chroma.open_collection(client, COLLECTION, self.embedder)

    def add(
        self, cards: Sequence[Card], state: str, progress: ProgressCallback | None
    ) -> dict[str, Any]:
        """Embed and add the English cards not yet here; returns their ids with vectors."""
        english = {c.card_id: (c.text, card_metadata(c, state)) for c in cards if c.lang == ENGLISH}
        return chroma.add_missing(self._cards, english, self.embedder.embed, progress)

    def remember_added(
        self, revision: int, cards: dict[str, Card], vectors: dict[str, Any], *, ready: bool
    ) -> None:
        """The store's write `revision` added `cards`; `vectors` is what `add` gave for them."""
        if set(vectors) != {i for i, c in cards.items() if c.lang == ENGLISH}:
            return  # this collection already held some of them: the snapshot reads the store
        pairs = {i: (cards[i], v) for i, v in vectors.items()} if ready else {}
        self._snapshots.remember(revision, set(cards), pairs)

    def remember_deleted(self, revision: int, ids: set[str]) -> None:
        self._snapshots.remember(revision, ids, {})

    def publish(self, paper_id: str, keep: set[str]) -> None:
        chroma.publish(self._cards, paper_id, keep)

    def delete(self, ids: Sequence[str]) -> None:
        chroma.delete(self._cards, list(ids))

    def delete_where(self, where: dict[str, Any] | None) -> None:
        chroma.delete(self._cards, chroma.get(self._cards, None, where=where, include=[])["ids"])

    def snapshot(self) -> CardSnapshot:
        return self._snapshots.get()

    def wait_persisted(self) -> None:
        self._snapshots.wait_persisted()

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embedder.embed([text])[0]
        return vector

    def _ready_ids(self) -> list[str]:
        where = chroma.where(state=chroma.READY)
        return list(chroma.get(self._cards, None, where=where, include=[])["ids"])

    def _read(self, ids: list[str] | None) -> list[tuple[Card, Any]]:
        return chroma.ready_with_vectors(self._cards, ids)
