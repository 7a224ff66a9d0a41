"""The store's search snapshot, kept current and persisted next to the store.

A new process maps the persisted snapshot (`snapshot_files`) and applies the change log since
its revision, instead of reading every card back from Chroma. After that a refresh re-reads only
the cards the log says were written since, in any process that shares the home folder; when the
log cannot tell (pruned, a re-embed) the whole snapshot reloads from Chroma and is persisted
again. A shared Chroma server takes writes our log never sees (a teammate's), so with one the
snapshot is also reconciled every 30 s against the server's list of ready card ids: card ids are
content hashes, so an added, edited or deleted card always changes that list.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ragcore.errors import StoreError
from ragcore.library import snapshot_files
from ragcore.library.cards import Card
from ragcore.library.changelog import ChangeLog
from ragcore.library.snapshot import CardSnapshot
from ragcore.library.snapshot_files import CacheRejected

REMOTE_SNAPSHOT_MAX_AGE_S = 30.0
# Persist again once the files are this many writes behind (applying the log costs more).
PERSIST_EVERY = 100
# This process's own writes remembered for following the log without a read: a process that
# never searches (an ingest) would otherwise keep them all; further behind, it reads them back.
OWN_WRITES_KEPT = 100
# What one card costs in memory while the snapshot is built from Chroma (vector as Chroma
# returns it, the card model, ids): measured ~6 kB at 512 dimensions. A mapped snapshot costs
# its vectors (cards x dimension x 4 bytes); its cards are parsed only when asked for.
BYTES_PER_CARD = 6000
# Reads the ready cards with their vectors: all of them (None) or the given ids.
ReadCards = Callable[[list[str] | None], list[tuple[Card, Any]]]


class SnapshotCache:
    def __init__(
        self,
        log: ChangeLog,
        read: ReadCards,
        dimension: int,
        *,
        root: Path,
        identity: dict[str, Any],
        count: Callable[[], int],
        ready_ids: Callable[[], list[str]] | None = None,
        budget: MemoryBudget | None = None,
    ) -> None:
        self._log = log
        self._read = read
        self._dimension = dimension
        self._root = root
        self._identity = identity
        self._count = count
        self._ready_ids = ready_ids  # set for a shared server: our log misses others' writes
        self._budget = budget or MemoryBudget(None)
        self._budget.join(self)
        self._snapshot: CardSnapshot | None = None
        self._persisted = -1  # the revision the files hold
        self._reconciled = 0.0
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        # This process's own writes, by revision: what each left ready (card, vector by id).
        self._own: dict[int, tuple[set[str], dict[str, tuple[Card, Any]]]] = {}
        self._own_lock = threading.Lock()
        self._read_store = False  # the last refresh read cards back from the store
        atexit.register(_flush_at_exit, weakref.ref(self))

    def get(self) -> CardSnapshot:
        """The ready cards with their vectors, as of now (refreshed from the change log)."""
        current = self._snapshot
        if current is not None and not self._stale(current):
            return current
        with self._lock:
            current = self._snapshot
            fresh = self._open() if current is None else self._refresh(current)
            if self._ready_ids is not None and self._remote_due():
                fresh = self._reconcile(fresh)
            self._snapshot = fresh
            behind = fresh.revision - self._persisted
            # Reading cards back from the embedded store loads its whole index (seconds at 100k):
            # once paid, the files are brought up to date so that no new process pays it again.
            if behind >= PERSIST_EVERY or self._persisted < 0 or (behind and self._read_store):
                self._persist(fresh)
            self._read_store = False
            return fresh

    def remember(
        self, revision: int, touched: set[str], ready: dict[str, tuple[Card, Any]]
    ) -> None:
        """Revision `revision` of the log was written by this process: of the ids it touched,
        it left exactly `ready` ready (the rest deleted or pending). Following the log over
        only such revisions needs no read from Chroma: after a write the embedded store is
        re-opened, and its first read loads the whole index from disk (seconds at 100k)."""
        with self._own_lock:
            self._own[revision] = (touched, ready)
            while len(self._own) > OWN_WRITES_KEPT:  # never followed (no search in this process)
                del self._own[min(self._own)]

    def flush_own_writes(self) -> None:
        """Bring the files up to this process's own writes (at exit). Between persists a
        process only remembers its writes; without this the next process would read them
        back from Chroma, whose first read loads its whole index (3-4 s at 100k). Following
        one's own writes needs no read: another process's write in between, a process that
        never searched or a home that is gone leave the files as they are. Written in this
        thread: no new thread is started while the interpreter exits."""
        with self._lock:
            base = self._snapshot
            if base is None or not self._root.parent.exists():
                return
            latest, ids = self._log.since(base.revision)
            if ids is None:
                return
            if latest > base.revision:
                with self._own_lock:
                    if any(r not in self._own for r in range(base.revision + 1, latest + 1)):
                        return
                followed = self._follow_log(base)
                if followed is None:
                    return
                self._snapshot = base = followed
            if base.revision <= self._persisted:
                return
            self.wait_persisted()
            self._persisted = base.revision
            self._save(base)

    def wait_persisted(self) -> None:
        """Block until a background write of the cache has finished (tests, benchmarks)."""
        writer = self._writer
        if writer is not None:
            writer.join()

    # -- the steps ---------------------------------------------------------------------------
    def _stale(self, snapshot: CardSnapshot) -> bool:
        remote_due = self._ready_ids is not None and self._remote_due()
        return snapshot.revision != self._log.revision() or remote_due

    def _remote_due(self) -> bool:
        return time.monotonic() - self._reconciled > REMOTE_SNAPSHOT_MAX_AGE_S

    def _open(self) -> CardSnapshot:
        """The persisted snapshot brought up to the log, or (none usable) a load from Chroma."""
        self._budget.check(mapped=True)
        try:
            persisted = snapshot_files.load(self._root, self._identity)
        except CacheRejected as reason:
            if self._root.exists():
                snapshot_files.say(
                    f"the snapshot cache in {self._root} is not used ({reason}); "
                    "rebuilding it from the store"
                )
            return self._load()
        self._persisted = persisted.revision
        followed = self._follow_log(persisted)
        if followed is None:
            snapshot_files.say(
                f"the snapshot cache in {self._root} is stale (revision {persisted.revision}, "
                f"the store is at {self._log.revision()}); rebuilding it from the store"
            )
            return self._load()
        return followed

    def _refresh(self, snapshot: CardSnapshot) -> CardSnapshot:
        followed = self._follow_log(snapshot)
        return self._load() if followed is None else followed

    def _follow_log(self, snapshot: CardSnapshot) -> CardSnapshot | None:
        latest, ids = self._log.since(snapshot.revision)
        if ids is None:
            return None
        if latest == snapshot.revision:
            return snapshot
        return snapshot.changed(latest, ids, self._written(snapshot.revision, latest, ids))

    def _written(self, after: int, latest: int, ids: set[str]) -> list[tuple[Card, Any]]:
        """The ready cards among `ids`: from this process's own writes when every revision in
        (after, latest] was one, else read from the store."""
        with self._own_lock:
            own = [self._own.get(r) for r in range(after + 1, latest + 1)]
            for revision in [r for r in self._own if r <= latest]:
                del self._own[revision]
        known: dict[str, tuple[Card, Any]] = {}
        for write in own:
            if write is None:  # another process wrote in between
                self._read_store = True
                return self._read(sorted(ids))
            touched, ready = write
            known = {i: pair for i, pair in known.items() if i not in touched} | ready
        return [known[i] for i in sorted(ids) if i in known]

    def _reconcile(self, snapshot: CardSnapshot) -> CardSnapshot:
        """Apply writes the log never saw (a teammate's, on the shared server)."""
        assert self._ready_ids is not None
        self._reconciled = time.monotonic()
        server = set(self._ready_ids())
        mine = snapshot.ids()
        added, removed = server - mine, mine - server
        if not added and not removed:
            return snapshot
        fresh = snapshot.changed(snapshot.revision, removed, self._read(sorted(added)))
        self._persisted = -1  # the files lack the teammate's writes: write them again
        return fresh

    def _load(self) -> CardSnapshot:
        self._budget.check(mapped=False)
        revision = self._log.revision()  # read first: a later write shows up at the next refresh
        self._reconciled = time.monotonic()
        self._persisted = -1
        return CardSnapshot.build(revision, self._read(None), self._dimension)

    def needs(self, *, mapped: bool) -> tuple[int, int]:
        """(cards, bytes) this channel's snapshot takes: its vectors when mapped from the
        persisted files, everything a load from Chroma holds at once otherwise."""
        cards = self._mapped_cards() if mapped else None
        if cards is None:
            cards = self._count()
        per_card = 4 * self._dimension if mapped else BYTES_PER_CARD + 8 * self._dimension
        return cards, cards * per_card

    def _mapped_cards(self) -> int | None:
        """The cards a mapped snapshot will hold, at most: the persisted files' rows and the
        ids the log wrote since (None when the files or the log cannot tell). Known without
        asking Chroma, whose first read in a process loads its whole index (1.4 s at 100k
        cards): a first listing from the mapped files needs nothing else from Chroma."""
        try:
            manifest = snapshot_files.read_manifest(self._root, self._identity)
            revision, rows = int(manifest["revision"]), manifest["rows"].values()
        except (CacheRejected, KeyError, TypeError, ValueError, AttributeError):
            return None
        _, written = self._log.since(revision)
        return None if written is None else sum(int(n) for n in rows) + len(written)

    def _persist(self, snapshot: CardSnapshot) -> None:
        """Write the cache in the background (a listing need not wait for ~1 s of writing)."""
        self._persisted = snapshot.revision
        previous = self._writer

        def write() -> None:
            if previous is not None:
                previous.join()
            self._save(snapshot)

        self._writer = threading.Thread(target=write, name="snapshot-cache-writer")
        self._writer.start()

    def _save(self, snapshot: CardSnapshot) -> None:
        try:
            snapshot_files.save(self._root, snapshot, self._identity)
        except OSError as error:  # a full disk or a read-only home: searches still work
            snapshot_files.say(f"the snapshot cache could not be written ({error})")


def _flush_at_exit(cache: weakref.ref[SnapshotCache]) -> None:
    alive = cache()
    if alive is not None:
        try:
            alive.flush_own_writes()
        except Exception as error:  # exiting: say it, never raise
            snapshot_files.say(f"the snapshot cache was not brought up to date at exit ({error})")


class MemoryBudget:
    """The memory every dense channel of one library may take together (the multilingual
    vectors and the English ones): a library past it is refused in plain words, naming its
    size, instead of the process being killed for running out of memory mid-load."""

    def __init__(self, limit_mb: int | None) -> None:
        self.limit_mb = limit_mb  # the `memory_limit_mb` setting; None: what is available
        self._channels: list[SnapshotCache] = []

    def join(self, channel: SnapshotCache) -> None:
        self._channels.append(channel)

    def check(self, *, mapped: bool) -> None:
        bounds = [
            (self.limit_mb * 2**20, f"the limit set by RAGCORE_MEMORY_LIMIT_MB={self.limit_mb}")
            if self.limit_mb
            else None,
            (free, "what is free") if (free := _available_memory()) is not None else None,
        ]
        known = [bound for bound in bounds if bound is not None]
        if not known:
            return
        allowed, which = min(known)
        needs = [channel.needs(mapped=mapped) for channel in self._channels]
        cards, needed = max(n for n, _ in needs), sum(b for _, b in needs)
        if needed <= allowed:
            return
        channels = f" in {len(needs)} dense channels" if len(needs) > 1 else ""
        raise StoreError(
            f"the library holds {cards:,} cards; searching them needs about {_size(needed)} "
            f"of memory{channels}, over {which} ({_size(allowed)}). Close other programs, raise the limit, or "
            "split the library into several homes (RAGCORE_HOME)."
        )


def _size(count: int) -> str:
    return f"{count / 2**30:.1f} GB" if count >= 2**30 else f"{count / 2**20:.1f} MB"


def _available_memory() -> int | None:
    """MemAvailable from /proc/meminfo (Linux); None where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
