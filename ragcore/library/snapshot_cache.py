"""The store's search snapshot, kept current: refreshed from the change log after each write.

A refresh re-reads only the cards the log says were written since the snapshot's revision, in
any process that shares the home folder; when the log cannot tell (pruned, a re-embed), the
whole snapshot reloads. A shared Chroma server takes writes our log never sees, so with one
the snapshot also reloads after a while.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ragcore.library.cards import Card
from ragcore.library.changelog import ChangeLog
from ragcore.library.snapshot import CardSnapshot

REMOTE_SNAPSHOT_MAX_AGE_S = 30.0
# Reads the ready cards with their vectors: all of them (None) or the given ids.
ReadCards = Callable[[list[str] | None], list[tuple[Card, Any]]]


class SnapshotCache:
    def __init__(self, log: ChangeLog, read: ReadCards, dimension: int, *, remote: bool) -> None:
        self._log = log
        self._read = read
        self._dimension = dimension
        self._remote = remote
        self._snapshot: CardSnapshot | None = None
        self._loaded = 0.0
        self._lock = threading.Lock()

    def get(self) -> CardSnapshot:
        """The ready cards with their vectors, as of now (refreshed from the change log)."""
        current = self._snapshot
        if current is not None and not self._stale(current):
            return current
        with self._lock:
            current = self._snapshot
            if current is None or self._remote_expired():
                fresh = self._load()
            else:
                latest, ids = self._log.since(current.revision)
                if ids is None:
                    fresh = self._load()
                else:
                    fresh = current.changed(latest, ids, self._read(list(ids)))
            self._snapshot, self._loaded = fresh, time.monotonic()
            return fresh

    def _stale(self, snapshot: CardSnapshot) -> bool:
        return snapshot.revision != self._log.revision() or self._remote_expired()

    def _remote_expired(self) -> bool:
        age = time.monotonic() - self._loaded
        return self._remote and age > REMOTE_SNAPSHOT_MAX_AGE_S

    def _load(self) -> CardSnapshot:
        revision = self._log.revision()  # read first: a later write shows up at the next refresh
        return CardSnapshot.build(revision, self._read(None), self._dimension)
