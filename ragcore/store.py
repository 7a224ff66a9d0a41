"""The card store: Chroma collections for cards and raw section text, SQLite for papers.

Vectors always come from our embedder (collections are created with no embedding function, so
Chroma never downloads its own model). The embedder's name and dimension are kept in the
collection metadata: opening the store with another embedder is refused with a clear message
until the user re-embeds (`ragcore reembed`), so vectors of two models never mix.

Cards carry a `state`: `ready` cards are visible; `pending` ones belong to an ingest that has
not finished and are invisible until `publish_paper` flips them, so a killed run shows nothing
half-done.

Searches run on an in-memory snapshot of the ready cards (`ragcore.snapshot`), refreshed from a
change log in SQLite: each write records its revision and the card ids it touched, so a
refresh re-reads only those cards, in any process that shares the home folder.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from ragcore import db
from ragcore.cards import Card, Origin, Paper, SummaryType
from ragcore.embeddings import Embedder, Vectors, get_embedder
from ragcore.errors import StoreError
from ragcore.progress import ProgressCallback, report
from ragcore.settings import Settings
from ragcore.snapshot import CardSnapshot, relevance
from ragcore.text import normalize_space

CARDS = "cards"
RAW = "raw_chunks"
READY, PENDING = "ready", "pending"
# Raw chunks stored before they had a state count as ready: `$ne` matches a missing key.
_VISIBLE = {"$ne": PENDING}
_WRITE_BATCH = 512
_ID_BATCH = 5000
# Change-log entries kept: a snapshot further behind than this reloads everything.
_CHANGES_KEPT = 1000
_ALL = "*"
_REMOTE_SNAPSHOT_MAX_AGE_S = 30.0
_PAPERS_DDL = """
CREATE TABLE IF NOT EXISTS store_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT OR IGNORE INTO store_revision(id, revision) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS card_changes (
    revision INTEGER PRIMARY KEY,
    card_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS papers (
    paper_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
"""


@dataclass
class RawChunk:
    paper_id: str
    role: str
    heading: str
    text: str
    chunk_id: str = ""
    pages: list[int] = field(default_factory=list)  # PDF pages the text comes from

    def __post_init__(self) -> None:
        if not self.chunk_id:
            key = f"{self.paper_id}\x1f{self.role}\x1f{normalize_space(self.text)}"
            self.chunk_id = "r" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


@dataclass
class UpsertResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def make_client(settings: Settings) -> Any:
    """Chroma's HttpClient when a server address is set, else the embedded persistent store."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as error:  # connection refused, DNS, protocol mismatch
            raise StoreError(
                f"the Chroma server at {settings.chroma_url} cannot be reached "
                f"({type(error).__name__}); start it with `chroma run` or unset RAGCORE_CHROMA_URL"
            ) from None
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def _card_metadata(card: Card, state: str) -> dict[str, Any]:
    return {
        "paper_id": card.paper_id,
        "summary_type": card.summary_type.value,
        "source_sections": json.dumps(card.source_sections, ensure_ascii=False),
        "tags": json.dumps(card.tags, ensure_ascii=False),
        "lang": card.lang,
        "origin": card.origin.value,
        "title": card.title,
        "created_at": card.created_at.isoformat(),
        "updated_at": card.updated_at.isoformat(),
        "state": state,
        # Written only when known, so stores made before page anchors read the same.
        **({"sentence_pages": json.dumps(card.sentence_pages)} if card.sentence_pages else {}),
    }


def _raw_chunk(chunk_id: str, document: str, meta: dict[str, Any]) -> RawChunk:
    pages = json.loads(str(meta.get("pages") or "[]"))
    return RawChunk(
        str(meta["paper_id"]), str(meta["role"]), str(meta["heading"]), document, chunk_id, pages
    )


def _card_from_chroma(card_id: str, document: str, meta: dict[str, Any]) -> Card:
    return Card(
        card_id=card_id,
        paper_id=str(meta["paper_id"]),
        summary_type=SummaryType(str(meta["summary_type"])),
        text=document,
        source_sections=json.loads(str(meta.get("source_sections") or "[]")),
        tags=json.loads(str(meta.get("tags") or "[]")),
        sentence_pages=json.loads(str(meta.get("sentence_pages") or "[]")),
        lang=str(meta.get("lang") or ""),
        origin=Origin(str(meta.get("origin") or "imported")),
        title=str(meta.get("title") or ""),
        created_at=datetime.fromisoformat(str(meta["created_at"])),
        updated_at=datetime.fromisoformat(str(meta["updated_at"])),
    )


def _where(**conditions: Any) -> dict[str, Any] | None:
    """Chroma's filter syntax: one condition as is, several under `$and`; lists become `$in`."""
    parts = []
    for key, value in conditions.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            parts.append({key: {"$in": list(value)}})
        else:
            parts.append({key: value})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def similarity(distance: float) -> float:
    """Chroma's cosine distance (0 = same direction) on the snapshot's relevance scale."""
    return relevance(1.0 - float(distance))


class CardStore:
    def __init__(self, settings: Settings, client: Any, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = client
        self._cards = self._collection(CARDS)
        self._raw = self._collection(RAW)
        db.ensure_schema(settings.db_path, "papers", _PAPERS_DDL)
        self._snapshot: CardSnapshot | None = None
        self._snapshot_loaded = 0.0
        self._snapshot_lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> CardStore:
        return cls(settings, make_client(settings), embedder or get_embedder(settings.embedder))

    # -- collections and the embedder check ------------------------------------------------
    def _collection(self, name: str) -> Any:
        meta = {"embedder": self.embedder.name, "dimension": self.embedder.dimension}
        collection = self._client.get_or_create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata=meta,
        )
        stored = collection.metadata or {}
        if stored.get("embedder") != self.embedder.name and collection.count() > 0:
            raise StoreError(
                f"the store's {name} were embedded with {stored.get('embedder')!r} but the "
                f"embedder is now {self.embedder.name!r}; run `ragcore reembed` to re-embed "
                f"{collection.count()} items, or set RAGCORE_EMBEDDER={stored.get('embedder')}"
            )
        return collection

    @classmethod
    def reembed(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        progress: ProgressCallback | None = None,
    ) -> int:
        """Re-embed every card and chunk with the configured embedder; safe to interrupt.

        New vectors go into a fresh collection that replaces the old one only when complete.
        """
        embedder = embedder or get_embedder(settings.embedder)
        client = make_client(settings)
        moved = 0
        for name in (CARDS, RAW):
            moved += _rebuild_collection(client, name, embedder, progress)
        _record_change(settings.db_path, None)  # every vector changed: caches reload
        return moved

    # -- change tracking --------------------------------------------------------------------
    def revision(self) -> int:
        """A counter that grows with every card write, in any process: caches compare it."""
        with db.connect(self.settings.db_path) as conn:
            row = conn.execute("SELECT revision FROM store_revision WHERE id=1").fetchone()
        return int(row["revision"]) if row else 0

    def _changed(self, card_ids: Sequence[str] | None) -> None:
        _record_change(self.settings.db_path, card_ids)

    def _changes_since(self, revision: int) -> tuple[int, set[str] | None]:
        """(latest revision, ids written after `revision`); None when the log cannot tell."""
        with db.connect(self.settings.db_path) as conn:
            latest = int(conn.execute("SELECT revision FROM store_revision").fetchone()[0])
            rows = conn.execute(
                "SELECT card_ids FROM card_changes WHERE revision > ? AND revision <= ?",
                (revision, latest),
            ).fetchall()
        if len(rows) != latest - revision:
            return latest, None  # pruned, or written by a version without the log
        ids: set[str] = set()
        for row in rows:
            if row["card_ids"] == _ALL:
                return latest, None
            ids.update(json.loads(row["card_ids"]))
        return latest, ids

    # -- the search snapshot ----------------------------------------------------------------
    def snapshot(self) -> CardSnapshot:
        """The ready cards with their vectors, as of now (refreshed from the change log)."""
        current = self._snapshot
        if current is not None and not self._snapshot_stale(current):
            return current
        with self._snapshot_lock:
            current = self._snapshot
            if current is None or self._remote_expired():
                fresh = self._load_snapshot()
            else:
                latest, ids = self._changes_since(current.revision)
                if ids is None:
                    fresh = self._load_snapshot()
                else:
                    fresh = current.changed(latest, ids, self._ready_with_vectors(list(ids)))
            self._snapshot, self._snapshot_loaded = fresh, time.monotonic()
            return fresh

    def _snapshot_stale(self, snapshot: CardSnapshot) -> bool:
        return snapshot.revision != self.revision() or self._remote_expired()

    def _remote_expired(self) -> bool:
        """A shared Chroma server takes writes our log never sees: reload after a while."""
        age = time.monotonic() - self._snapshot_loaded
        return bool(self.settings.chroma_url) and age > _REMOTE_SNAPSHOT_MAX_AGE_S

    def _load_snapshot(self) -> CardSnapshot:
        revision = self.revision()  # read first: a write after it shows up at the next refresh
        return CardSnapshot.build(revision, self._ready_with_vectors(None), self.embedder.dimension)

    def _ready_with_vectors(self, ids: list[str] | None) -> list[tuple[Card, Any]]:
        if ids is not None and not ids:
            return []
        got = _get(
            self._cards,
            ids,
            where=_where(state=READY),
            include=["documents", "metadatas", "embeddings"],
        )
        return [
            (_card_from_chroma(i, d, m), v)
            for i, d, m, v in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
        ]

    # -- cards ------------------------------------------------------------------------------
    def _embed(self, texts: Sequence[str], progress: ProgressCallback | None = None) -> Vectors:
        return self.embedder.embed(list(texts), progress)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self._embed([text])[0]
        return vector

    def upsert_cards(
        self, cards: Sequence[Card], progress: ProgressCallback | None = None, *, state: str = READY
    ) -> UpsertResult:
        """Add cards whose content id is new; cards already stored are skipped (idempotent)."""
        unique = list({card.card_id: card for card in cards}.values())
        added = _add_missing(
            self._cards,
            {c.card_id: (c.text, _card_metadata(c, state)) for c in unique},
            self._embed,
            progress,
        )
        result = UpsertResult(
            added=added, skipped=[c.card_id for c in cards if c.card_id not in added]
        )
        if added:
            self._changed(added)
        report(progress, "store", len(unique), len(unique))
        return result

    def replace_card(self, old_id: str, card: Card) -> None:
        """Swap a card for its new version (e.g. a user edit) in one step for readers."""
        self.upsert_cards([card])
        if old_id != card.card_id:
            self.delete_cards([old_id])

    def publish_paper(
        self, paper_id: str, card_ids: Sequence[str], chunk_ids: Sequence[str] | None = None
    ) -> None:
        """Make a finished ingest visible: the paper's cards become exactly `card_ids` (and its
        raw chunks exactly `chunk_ids`, when given)."""
        changed = _publish(self._cards, paper_id, set(card_ids))
        if changed:
            self._changed(changed)
        if chunk_ids is not None:
            _publish(self._raw, paper_id, set(chunk_ids))

    def discard_pending(self, paper_id: str | None = None) -> int:
        """Drop what an unfinished ingest left (its cards and raw chunks); returns the cards."""
        where = _where(paper_id=paper_id, state=PENDING)
        ids = _get(self._cards, None, where=where, include=[])["ids"]
        if ids:
            _delete(self._cards, ids)
            self._changed(ids)
        _delete(self._raw, _get(self._raw, None, where=where, include=[])["ids"])
        return len(ids)

    def get_cards(
        self,
        *,
        paper_id: str | None = None,
        summary_type: SummaryType | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[Card]:
        where = _where(
            paper_id=paper_id,
            summary_type=summary_type.value if summary_type else None,
            state=READY,
        )
        got = _get(
            self._cards,
            list(ids) if ids is not None else None,
            where=where,
            include=["documents", "metadatas"],
        )
        cards = [
            _card_from_chroma(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(
            cards, key=lambda c: (c.paper_id, list(SummaryType).index(c.summary_type), c.card_id)
        )

    def get_card(self, card_id: str) -> Card | None:
        found = self.get_cards(ids=[card_id])
        return found[0] if found else None

    def delete_cards(self, ids: Sequence[str]) -> None:
        if ids:
            _delete(self._cards, list(ids))
            self._changed(list(ids))

    def count(self) -> int:
        return len(_get(self._cards, None, where=_where(state=READY), include=[])["ids"])

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
    def add_raw_chunks(
        self,
        chunks: Sequence[RawChunk],
        progress: ProgressCallback | None = None,
        *,
        state: str = READY,
    ) -> int:
        """Add raw text chunks; `pending` ones stay out of searches until `publish_paper`."""
        items = {
            c.chunk_id: (
                c.text,
                {
                    "paper_id": c.paper_id,
                    "role": c.role,
                    "heading": c.heading,
                    "state": state,
                    **({"pages": json.dumps(c.pages)} if c.pages else {}),
                },
            )
            for c in chunks
        }
        return len(_add_missing(self._raw, items, self._embed, progress))

    def delete_raw(self, paper_id: str) -> None:
        ids = _get(self._raw, None, where=_where(paper_id=paper_id), include=[])["ids"]
        if ids:
            _delete(self._raw, ids)

    def get_raw_chunks(self, paper_id: str) -> list[RawChunk]:
        where = _where(paper_id=paper_id, state=_VISIBLE)
        got = _get(self._raw, None, where=where, include=["documents", "metadatas"])
        return [
            _raw_chunk(i, d, m)
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
        where = _where(
            paper_id=list(paper_ids) if paper_ids is not None else None,
            role=list(roles) if roles is not None else None,
            state=_VISIBLE,
        )
        got = self._raw.query(
            query_embeddings=np.asarray([query_embedding], dtype=np.float32),
            n_results=max(1, k),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (
                _raw_chunk(i, d, m),
                similarity(dist),
            )
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
        with db.connect(self.settings.db_path) as conn:
            conn.execute(
                "INSERT INTO papers(paper_id, data) VALUES(?, ?) ON CONFLICT(paper_id) "
                "DO UPDATE SET data=excluded.data, updated_at=CURRENT_TIMESTAMP",
                (paper.paper_id, paper.model_dump_json()),
            )

    def get_paper(self, paper_id: str) -> Paper | None:
        with db.connect(self.settings.db_path) as conn:
            row = conn.execute("SELECT data FROM papers WHERE paper_id=?", (paper_id,)).fetchone()
        return Paper.model_validate_json(row["data"]) if row else None

    def list_papers(self) -> list[Paper]:
        with db.connect(self.settings.db_path) as conn:
            rows = conn.execute("SELECT data FROM papers ORDER BY paper_id").fetchall()
        return [Paper.model_validate_json(r["data"]) for r in rows]

    def delete_paper(self, paper_id: str) -> None:
        ids = _get(self._cards, None, where=_where(paper_id=paper_id), include=[])["ids"]
        self.delete_cards(ids)
        self.delete_raw(paper_id)
        with db.connect(self.settings.db_path) as conn:
            conn.execute("DELETE FROM papers WHERE paper_id=?", (paper_id,))


def _record_change(db_path: Path, card_ids: Sequence[str] | None) -> None:
    """Bump the revision and log which cards it touched (None: all of them)."""
    ids = _ALL if card_ids is None else json.dumps(sorted(set(card_ids)))
    db.ensure_schema(db_path, "papers", _PAPERS_DDL)
    with db.connect(db_path) as conn:
        conn.execute("UPDATE store_revision SET revision = revision + 1 WHERE id=1")
        revision = int(conn.execute("SELECT revision FROM store_revision").fetchone()[0])
        conn.execute("INSERT INTO card_changes(revision, card_ids) VALUES(?, ?)", (revision, ids))
        conn.execute("DELETE FROM card_changes WHERE revision <= ?", (revision - _CHANGES_KEPT,))


def _publish(collection: Any, paper_id: str, keep: set[str]) -> list[str]:
    """Make the paper's items in `collection` exactly `keep`: flip those still pending to ready,
    delete the others. Returns the ids it changed."""
    got = _get(collection, None, where=_where(paper_id=paper_id), include=["metadatas"])
    flip = [
        item_id
        for item_id, meta in zip(got["ids"], got["metadatas"], strict=True)
        if item_id in keep and (meta or {}).get("state", READY) != READY
    ]
    stale = [item_id for item_id in got["ids"] if item_id not in keep]
    if flip:
        collection.update(ids=flip, metadatas=[{"state": READY}] * len(flip))
    _delete(collection, stale)
    return flip + stale


def _get(collection: Any, ids: list[str] | None, **kwargs: Any) -> dict[str, list[Any]]:
    """`collection.get` in pages: Chroma turns each id (asked for or matched by a filter) into
    one SQL variable, and SQLite refuses a statement with more than 32,766 of them (at 40k
    cards both a long id list and a filter matching every card failed)."""
    merged: dict[str, list[Any]] = {key: [] for key in ("ids", *kwargs.get("include", []))}

    def take(got: Any) -> int:
        for key, values in merged.items():
            values.extend(got[key] if got[key] is not None else [])
        return len(got["ids"])

    if ids is not None:
        for start in range(0, len(ids), _ID_BATCH):
            take(collection.get(ids=ids[start : start + _ID_BATCH], **kwargs))
        return merged
    offset = 0
    while take(collection.get(limit=_ID_BATCH, offset=offset, **kwargs)) == _ID_BATCH:
        offset += _ID_BATCH
    return merged


def _delete(collection: Any, ids: list[str]) -> None:
    for start in range(0, len(ids), _ID_BATCH):
        collection.delete(ids=ids[start : start + _ID_BATCH])


def _add_missing(
    collection: Any,
    items: dict[str, tuple[str, dict[str, Any]]],
    embed: Any,
    progress: ProgressCallback | None,
) -> list[str]:
    """Embed and add the items (id -> text, metadata) whose id the collection lacks."""
    if not items:
        return []
    existing = set(_get(collection, list(items), include=[])["ids"])
    new = [item_id for item_id in items if item_id not in existing]
    if not new:
        return []
    vectors = embed([items[i][0] for i in new], progress)
    for start in range(0, len(new), _WRITE_BATCH):
        batch = new[start : start + _WRITE_BATCH]
        collection.add(
            ids=batch,
            embeddings=vectors[start : start + _WRITE_BATCH],
            documents=[items[i][0] for i in batch],
            metadatas=[items[i][1] for i in batch],
        )
    return new


def _rebuild_collection(
    client: Any, name: str, embedder: Embedder, progress: ProgressCallback | None
) -> int:
    staging = f"{name}-reembed"
    if staging in {c.name for c in client.list_collections()}:
        client.delete_collection(staging)  # left over from an interrupted run
    try:
        old = client.get_collection(name, embedding_function=None)
    except Exception:  # no such collection yet: nothing to move
        return 0
    got = _get(old, None, include=["documents", "metadatas"])
    new = client.create_collection(
        staging,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"embedder": embedder.name, "dimension": embedder.dimension},
    )
    total = len(got["ids"])
    for start in range(0, total, _WRITE_BATCH):
        end = start + _WRITE_BATCH
        new.add(
            ids=got["ids"][start:end],
            documents=got["documents"][start:end],
            metadatas=got["metadatas"][start:end],
            embeddings=embedder.embed(got["documents"][start:end]),
        )
        report(progress, f"reembed:{name}", min(end, total), total)
    client.delete_collection(name)
    new.modify(name=name)
    return total
