"""The card store: Chroma collections for cards and raw section text, SQLite for papers.

`CardStore` is the public face; the parts live by concern next to it:
`chroma` (client, collections checked against the embedder, paged reads and writes),
`records` (cards and raw chunks as Chroma records), `changelog` (revision and changed ids),
`snapshot_cache` (the search snapshot kept current), `papers` (the papers table) and
`reembed` (moving the store to another embedder) and `english` (the English dense channel).

Cards carry a `state`: `ready` cards are visible; `pending` ones belong to an ingest that has
not finished and are invisible until `publish_paper` flips them, so a killed run shows nothing
half-done.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from chromadb.errors import ChromaError

from ragcore.errors import StoreError
from ragcore.library import chroma
from ragcore.library.cards import Card, Paper, SummaryType
from ragcore.library.changelog import ChangeLog
from ragcore.library.chroma import CARDS, PENDING, RAW, READY, make_client, similarity
from ragcore.library.embeddings import Embedder, Vectors, get_embedder, set_batch_size
from ragcore.library.english import EnglishChannel, english_embedder_name
from ragcore.library.locking import PROCESS_LOCK, StoreWriteLock
from ragcore.library.papers import PaperTable
from ragcore.library.records import (
    RawChunk,
    card_from_chroma,
    card_metadata,
    raw_chunk_from_chroma,
    raw_chunk_metadata,
)
from ragcore.library.reembed import reembed as _reembed
from ragcore.library.snapshot import CardSnapshot
from ragcore.library.snapshot_cache import MemoryBudget, SnapshotCache
from ragcore.progress import ProgressCallback, report
from ragcore.settings import Settings

__all__ = [
    "CARDS",
    "PENDING",
    "RAW",
    "READY",
    "CardStore",
    "RawChunk",
    "UpsertResult",
    "make_client",
    "similarity",
]


_Method = TypeVar("_Method", bound=Callable[..., Any])
_T = TypeVar("_T")
_READ_TRIES = 4


def _writes(method: _Method) -> _Method:
    """Run a write method under the store's write lock (see `ragcore.library.locking`)."""

    @functools.wraps(method)
    def locked(self: CardStore, *args: Any, **kwargs: Any) -> Any:
        with self.writing():
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


@dataclass
class UpsertResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class CardStore:
    def __init__(self, settings: Settings, client: Any, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = client
        self._cards = chroma.open_collection(client, CARDS, embedder)
        self._raw = chroma.open_collection(client, RAW, embedder)
        self._log = ChangeLog(settings.db_path)
        self._papers = PaperTable(settings.db_path)
        set_batch_size(embedder, settings.embed_batch)
        budget = MemoryBudget(settings.memory_limit_mb)  # both dense channels together
        english = english_embedder_name(settings)
        self.english = (
            EnglishChannel(settings, client, english, self._log, budget)
            if english and english != embedder.name
            else None
        )
        self._snapshots = SnapshotCache(
            self._log,
            self._ready_with_vectors_fresh,
            embedder.dimension,
            root=self.cache_dir / "snapshot",
            identity={
                "embedder": embedder.name,
                "source": settings.chroma_url or str(settings.chroma_path.resolve()),
            },
            count=self._cards.count,
            ready_ids=self._ready_ids if settings.chroma_url else None,
            budget=budget,
        )
        self._write_lock = (
            None if settings.chroma_url else StoreWriteLock(settings.home, self._reopen)
        )

    @property
    def cache_dir(self) -> Path:
        """Where caches derived from the store live (the snapshot, the BM25 index)."""
        return self.settings.home / "cache"

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> CardStore:
        return cls(settings, make_client(settings), embedder or get_embedder(settings.embedder))

    @classmethod
    def reembed(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        progress: ProgressCallback | None = None,
    ) -> int:
        """Re-embed every card and chunk with the configured embedder; safe to interrupt."""
        return _reembed(settings, embedder or get_embedder(settings.embedder), progress)

    # -- one writer at a time (embedded store) --------------------------------------------
    def writing(self) -> AbstractContextManager[None]:
        """Hold the home's write lock (a no-op with a Chroma server, which serialises writes)."""
        return nullcontext() if self._write_lock is None else self._write_lock.hold()

    def _reopen(self) -> None:
        """Read the embedded store from disk again: another process may have written it."""
        with PROCESS_LOCK:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            self._client = make_client(self.settings)
            self._cards = chroma.open_collection(self._client, CARDS, self.embedder)
            self._raw = chroma.open_collection(self._client, RAW, self.embedder)
            if self.english is not None:
                self.english.reopen(self._client)

    def _read_fresh(self, read: Callable[[], _T]) -> _T:
        """`read()`, re-opening the store when its in-memory index lags behind a write made by
        another process (ids listed in SQLite but not yet in this process's index)."""
        for attempt in range(_READ_TRIES):
            try:
                return read()
            except ChromaError as error:
                if self.settings.chroma_url or attempt == _READ_TRIES - 1:
                    raise StoreError(
                        f"the card store could not be read ({error}); if another process is "
                        "writing to it, try again when it has finished"
                    ) from None
                time.sleep(0.05 * (attempt + 1))
                self._reopen()
        raise AssertionError("unreachable")

    def _ready_with_vectors_fresh(self, ids: list[str] | None) -> list[tuple[Card, Any]]:
        return self._read_fresh(lambda: self._ready_with_vectors(ids))

    # -- change tracking and the search snapshot ---------------------------------------------
    def revision(self) -> int:
        """A counter that grows with every card write, in any process: caches compare it."""
        return self._log.revision()

    def _changed(self, card_ids: Sequence[str] | None) -> int:
        return self._log.record(card_ids)

    def snapshot(self) -> CardSnapshot:
        """The ready cards with their vectors, as of now (refreshed from the change log)."""
        return self._snapshots.get()

    def wait_persisted(self) -> None:
        """Wait for the snapshot caches being written in the background, if any."""
        self._snapshots.wait_persisted()
        if self.english is not None:
            self.english.wait_persisted()

    def _ready_ids(self) -> list[str]:
        return list(
            chroma.get(self._cards, None, where=chroma.where(state=READY), include=[])["ids"]
        )

    def _ready_with_vectors(self, ids: list[str] | None) -> list[tuple[Card, Any]]:
        return chroma.ready_with_vectors(self._cards, ids)

    # -- cards ------------------------------------------------------------------------------
    def _embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> Vectors:
        return self.embedder.embed(list(texts), progress)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self._embed([text])[0]
        return vector

    @_writes
    def upsert_cards(
        self, cards: Sequence[Card], progress: ProgressCallback | None = None, *, state: str = READY
    ) -> UpsertResult:
        """Add cards whose content id is new; cards already stored are skipped (idempotent)."""
        unique = list({card.card_id: card for card in cards}.values())
        added = chroma.add_missing(
            self._cards,
            {c.card_id: (c.text, card_metadata(c, state)) for c in unique},
            self._embed,
            progress,
        )
        result = UpsertResult(
            added=list(added), skipped=[c.card_id for c in cards if c.card_id not in added]
        )
        english = self.english.add(unique, state, progress) if self.english is not None else {}
        if added:
            revision = self._changed(list(added))
            by_id = {c.card_id: c for c in unique}
            ready = {i: (by_id[i], v) for i, v in added.items()} if state == READY else {}
            self._snapshots.remember(revision, set(added), ready)
            if self.english is not None:
                written = {i: by_id[i] for i in added}
                self.english.remember_added(revision, written, english, ready=state == READY)
        report(progress, "store", len(unique), len(unique))
        return result

    @_writes
    def replace_card(self, old_id: str, card: Card) -> None:
        """Swap a card for its new version (e.g. a user edit) in one step for readers."""
        self.upsert_cards([card])
        if old_id != card.card_id:
            self.delete_cards([old_id])

    @_writes
    def publish_paper(
        self, paper_id: str, card_ids: Sequence[str], chunk_ids: Sequence[str] | None = None
    ) -> None:
        """Make a finished ingest visible: the paper's cards become exactly `card_ids` (and its
        raw chunks exactly `chunk_ids`, when given)."""
        changed = chroma.publish(self._cards, paper_id, set(card_ids))
        if self.english is not None:
            self.english.publish(paper_id, set(card_ids))
        if changed:
            self._changed(changed)
        if chunk_ids is not None:
            chroma.publish(self._raw, paper_id, set(chunk_ids))

    @_writes
    def discard_pending(self, paper_id: str | None = None) -> int:
        """Drop what an unfinished ingest left (its cards and raw chunks); returns the cards."""
        where = chroma.where(paper_id=paper_id, state=PENDING)
        ids = chroma.get(self._cards, None, where=where, include=[])["ids"]
        if self.english is not None:
            self.english.delete_where(where)
        if ids:
            chroma.delete(self._cards, ids)
            self._changed(ids)
        chroma.delete(self._raw, chroma.get(self._raw, None, where=where, include=[])["ids"])
        return len(ids)

    def get_cards(
        self,
        *,
        paper_id: str | None = None,
        summary_type: SummaryType | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Card]:
        where = chroma.where(
            paper_id=paper_id,
            summary_type=summary_type.value if summary_type else None,
            state=READY,
        )
        got = chroma.get(
            self._cards,
            list(ids) if ids is not None else None,
            where=where,
            include=["documents", "metadatas"],
        )
        cards = [
            card_from_chroma(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(
            cards, key=lambda c: (c.paper_id, list(SummaryType).index(c.summary_type), c.card_id)
        )

    def get_card(self, card_id: str) -> Card | None:
        found = self.get_cards(ids=[card_id])
        return found[0] if found else None

    @_writes
    def delete_cards(self, ids: Sequence[str]) -> None:
        if ids:
            chroma.delete(self._cards, list(ids))
            if self.english is not None:
                self.english.delete(ids)
            revision = self._changed(list(ids))
            self._snapshots.remember(revision, set(ids), {})
            if self.english is not None:
                self.english.remember_deleted(revision, set(ids))

    def count(self) -> int:
        return len(
            chroma.get(self._cards, None, where=chroma.where(state=READY), include=[])["ids"]
        )

    def dense_search(
        self,
        query_embedding: Vectors,
        *,
        summary_type: SummaryType | None = None,
        paper_ids: Sequence[str] | None = None,
        k: int = 10,
    ) -> list[tuple[Card, float]]:
        """The `k` ready cards most similar to the query (exact cosine), best first."""
        return self.snapshot().search(
            query_embedding, summary_type=summary_type, paper_ids=paper_ids, k=max(1, k)
        )

    # -- raw section text -----------------------------------------------------------------
    @_writes
    def add_raw_chunks(
        self,
        chunks: Sequence[RawChunk],
        progress: ProgressCallback | None = None,
        *,
        state: str = READY,
    ) -> int:
        """Add raw text chunks; `pending` ones stay out of searches until `publish_paper`."""
        items = {c.chunk_id: (c.text, raw_chunk_metadata(c, state)) for c in chunks}
        return len(chroma.add_missing(self._raw, items, self._embed, progress))

    @_writes
    def delete_raw(self, paper_id: str) -> None:
        ids = chroma.get(self._raw, None, where=chroma.where(paper_id=paper_id), include=[])["ids"]
        if ids:
            chroma.delete(self._raw, ids)

    def get_raw_chunks(self, paper_id: str) -> list[RawChunk]:
        where = chroma.where(paper_id=paper_id, state=chroma.VISIBLE)
        got = chroma.get(self._raw, None, where=where, include=["documents", "metadatas"])
        return [
            raw_chunk_from_chroma(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def search_raw(
        self,
        query_embedding: Vectors,
        *,
        paper_ids: Sequence[str] | None = None,
        roles: Sequence[str] | None = None,
        k: int = 5,
    ) -> list[tuple[RawChunk, float]]:
        where = chroma.where(
            paper_id=list(paper_ids) if paper_ids is not None else None,
            role=list(roles) if roles is not None else None,
            state=chroma.VISIBLE,
        )
        got = self._raw.query(
            query_embeddings=np.asarray([query_embedding], dtype=np.float32),
            n_results=max(1, k),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (raw_chunk_from_chroma(i, d, m), similarity(dist))
            for i, d, m, dist in zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=True,
            )
        ]

    # -- papers (SQLite) ------------------------------------------------------------------
    def upsert_paper(self, paper: Paper) -> None:
        self._papers.upsert(paper)

    def get_paper(self, paper_id: str) -> Paper | None:
        return self._papers.get(paper_id)

    def list_papers(self) -> list[Paper]:
        return self._papers.all()

    @_writes
    def delete_paper(self, paper_id: str) -> None:
        ids = chroma.get(self._cards, None, where=chroma.where(paper_id=paper_id), include=[])
        self.delete_cards(ids["ids"])
        self.delete_raw(paper_id)
        self._papers.delete(paper_id)
