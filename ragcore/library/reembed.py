"""Re-embedding: every card and raw chunk moved to vectors of another embedder, safely.

New vectors go into a fresh staging collection that replaces the old one only when complete,
so an interrupted run leaves the old store intact.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from ragcore.library import chroma
from ragcore.library import english as english_channel
from ragcore.library.changelog import ChangeLog
from ragcore.library.embeddings import Embedder, get_embedder
from ragcore.library.english import english_embedder_name
from ragcore.library.locking import StoreWriteLock
from ragcore.progress import ProgressCallback, report
from ragcore.settings import Settings


def reembed(settings: Settings, embedder: Embedder, progress: ProgressCallback | None) -> int:
    """Re-embed every card and chunk with `embedder` (and the English channel with its own
    model); returns the items moved to `embedder`."""
    lock = None if settings.chroma_url else StoreWriteLock(settings.home, lambda: None)
    moved = 0
    with nullcontext() if lock is None else lock.hold():  # no other writer meanwhile
        client = chroma.make_client(settings)
        for name in (chroma.CARDS, chroma.RAW):
            moved += _rebuild_collection(client, name, embedder, progress)
        english_name = english_embedder_name(settings)
        if english_name and english_name != embedder.name:
            english = get_embedder(english_name)
            # Not counted in the result: it names the items moved to the configured embedder.
            _rebuild_collection(client, english_channel.COLLECTION, english, progress)
            _backfill_english(client, english, progress)
    ChangeLog(settings.db_path).record(None)  # every vector changed: caches reload
    return moved


def _backfill_english(client: Any, english: Embedder, progress: ProgressCallback | None) -> int:
    """Give the English channel the English cards it lacks (a library from before it)."""
    try:
        cards = client.get_collection(chroma.CARDS, embedding_function=None)
    except Exception:  # no such collection yet: nothing to copy
        return 0
    got = chroma.get(
        cards,
        None,
        where=chroma.where(lang=english_channel.ENGLISH),
        include=["documents", "metadatas"],
    )
    items = dict(zip(got["ids"], zip(got["documents"], got["metadatas"], strict=True), strict=True))
    target = chroma.open_collection(client, english_channel.COLLECTION, english)
    return len(chroma.add_missing(target, items, english.embed, progress))


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
    got = chroma.get(old, None, include=["documents", "metadatas"])
    new = client.create_collection(
        staging,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata=chroma.embedder_metadata(embedder),
    )
    total = len(got["ids"])
    for start in range(0, total, chroma.WRITE_BATCH):
        end = start + chroma.WRITE_BATCH
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
