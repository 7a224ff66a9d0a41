"""Chroma helpers: the client, collections checked against the embedder, paged reads and writes.

Vectors always come from our embedder (collections are created with no embedding function, so
Chroma never downloads its own model). The embedder's name and dimension are kept in the
collection metadata: opening a collection with another embedder is refused with a clear message
until the user re-embeds (`ragcore reembed`), so vectors of two models never mix.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from ragcore.errors import StoreError
from ragcore.library.cards import Card
from ragcore.library.embeddings import Embedder
from ragcore.library.records import card_from_chroma
from ragcore.library.snapshot import relevance
from ragcore.progress import ProgressCallback
from ragcore.redaction import redact_urls
from ragcore.settings import Settings

CARDS = "cards"
RAW = "raw_chunks"
READY, PENDING = "ready", "pending"
# Raw chunks stored before they had a state count as ready: `$ne` matches a missing key.
VISIBLE = {"$ne": PENDING}
WRITE_BATCH = 512
_ID_BATCH = 5000


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
                f"the Chroma server at {redact_urls(settings.chroma_url)} cannot be reached "
                f"({type(error).__name__}); start it with `chroma run` or unset RAGCORE_CHROMA_URL"
            ) from None
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def embedder_metadata(embedder: Embedder) -> dict[str, Any]:
    return {"embedder": embedder.name, "dimension": embedder.dimension}


def open_collection(client: Any, name: str, embedder: Embedder) -> Any:
    """The named collection (created if missing), refused when another embedder filled it."""
    collection = client.get_or_create_collection(
        name,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata=embedder_metadata(embedder),
    )
    stored = collection.metadata or {}
    if stored.get("embedder") != embedder.name and collection.count() > 0:
        raise StoreError(
            f"the store's {name} were embedded with {stored.get('embedder')!r} but the "
            f"embedder is now {embedder.name!r}; run `ragcore reembed` to re-embed "
            f"{collection.count()} items, or set RAGCORE_EMBEDDER={stored.get('embedder')}"
        )
    return collection


def where(**conditions: Any) -> dict[str, Any] | None:
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


def get(collection: Any, ids: list[str] | None, **kwargs: Any) -> dict[str, list[Any]]:
    """`collection.get` in pages: Chroma turns each id (asked for or matched by a filter) into
    one SQL variable, and SQLite refuses a statement with more than 32,766 of them (at 40k
    cards both a long id list and a filter matching every card failed)."""
    if ids is not None and kwargs.get("where") is not None:
        return _get_ids_where(collection, ids, **kwargs)
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


def _get_ids_where(collection: Any, ids: list[str], **kwargs: Any) -> dict[str, list[Any]]:
    """Ids asked for with a filter: the filter is applied here. Chroma applies a `where` to
    every record before it looks at the ids (0.4-4 s for two cards at 100k, 2 ms without)."""
    condition = kwargs.pop("where")
    include = list(kwargs.pop("include", []))
    got = get(collection, ids, include=sorted({*include, "metadatas"}), **kwargs)
    keep = [i for i, meta in enumerate(got["metadatas"]) if _matches(meta or {}, condition)]
    return {key: [got[key][i] for i in keep] for key in ("ids", *include)}


def _matches(meta: dict[str, Any], condition: dict[str, Any]) -> bool:
    """`where()`'s subset of Chroma's filter language: equality, `$in`, `$and`."""
    for key, value in condition.items():
        if key == "$and":
            if not all(_matches(meta, part) for part in value):
                return False
        elif isinstance(value, dict):
            if meta.get(key) not in value["$in"]:
                return False
        elif meta.get(key) != value:
            return False
    return True


def ready_with_vectors(collection: Any, ids: list[str] | None) -> list[tuple[Card, Any]]:
    """The ready cards (`ids`, or all) with their vectors, as `(Card, vector)` pairs."""
    if ids is not None and not ids:
        return []
    include = ["documents", "metadatas", "embeddings"]
    got = get(collection, ids, include=include, where=where(state=READY))
    return [
        (card_from_chroma(i, d, m), v)
        for i, d, m, v in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    ]


def delete(collection: Any, ids: list[str]) -> None:
    for start in range(0, len(ids), _ID_BATCH):
        collection.delete(ids=ids[start : start + _ID_BATCH])


def add_missing(
    collection: Any,
    items: dict[str, tuple[str, dict[str, Any]]],
    embed: Any,
    progress: ProgressCallback | None,
) -> dict[str, Any]:
    """Embed and add the items (id -> text, metadata) whose id the collection lacks; returns
    the added ids with their vectors."""
    if not items:
        return {}
    existing = set(get(collection, list(items), include=[])["ids"])
    new = [item_id for item_id in items if item_id not in existing]
    if not new:
        return {}
    vectors = embed([items[i][0] for i in new], progress)
    for start in range(0, len(new), WRITE_BATCH):
        batch = new[start : start + WRITE_BATCH]
        collection.add(
            ids=batch,
            embeddings=vectors[start : start + WRITE_BATCH],
            documents=[items[i][0] for i in batch],
            metadatas=[items[i][1] for i in batch],
        )
    return dict(zip(new, vectors, strict=True))


def publish(collection: Any, paper_id: str, keep: set[str]) -> list[str]:
    """Make the paper's items in `collection` exactly `keep`: flip those still pending to ready,
    delete the others. Returns the ids it changed."""
    got = get(collection, None, where=where(paper_id=paper_id), include=["metadatas"])
    flip = [
        item_id
        for item_id, meta in zip(got["ids"], got["metadatas"], strict=True)
        if item_id in keep and (meta or {}).get("state", READY) != READY
    ]
    stale = [item_id for item_id in got["ids"] if item_id not in keep]
    if flip:
        collection.update(ids=flip, metadatas=[{"state": READY}] * len(flip))
    delete(collection, stale)
    return flip + stale
