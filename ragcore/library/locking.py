"""One writer at a time for the embedded Chroma store, across processes and threads.

The embedded store (`chromadb.PersistentClient`) keeps each collection's vector index in the
memory of every process that opened it and writes it back to disk from there. Two processes
writing one home folder overwrite each other's index: ids listed in SQLite go missing from the
index ("Error finding id"), later opens hang or crash, and the damage is on disk. So every write
takes a lock file in the home folder (the CLI and the studio alike), and a writer re-reads the
store from disk after taking it, so it never writes back an index older than the last writer's.
A second writer waits, saying so once, and is refused plainly after `wait_s`.

Readers take no lock: a reader whose in-memory index is older than a write it sees in SQLite
re-opens the store and reads again (`CardStore`). Several processes or users who write at the
same time should share a `chroma run` server (RAGCORE_CHROMA_URL), which serialises writes itself.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ragcore.errors import StoreError

LOCK_NAME = "store.lock"
DEFAULT_WAIT_S = float(os.environ.get("RAGCORE_STORE_LOCK_WAIT_S", "600"))
# Re-opening the embedded store clears Chroma's process-wide client cache: no thread of this
# process may be writing (or re-opening) meanwhile.
PROCESS_LOCK = threading.RLock()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class StoreWriteLock:
    """`with lock.hold():` around a write; re-entrant in one thread. `reopen` is called when the
    lock is newly taken, to read the store as the last writer left it, and again before it is
    released: stopping Chroma's client is what writes its in-memory index to disk."""

    def __init__(
        self,
        home: Path,
        reopen: Callable[[], None],
        *,
        wait_s: float = DEFAULT_WAIT_S,
        on_wait: Callable[[str], None] = _say,
    ) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.path = home / LOCK_NAME
        self._file = FileLock(self.path)  # thread-local: other threads wait like other processes
        self._reopen = reopen
        self.wait_s = wait_s
        self.on_wait = on_wait
        self._depth = threading.local()

    @contextmanager
    def hold(self) -> Iterator[None]:
        depth = getattr(self._depth, "value", 0)
        if depth:
            self._depth.value = depth + 1
            try:
                yield
            finally:
                self._depth.value -= 1
            return
        with PROCESS_LOCK:
            self._acquire()
            self._depth.value = 1
            try:
                self._reopen()
                yield
            finally:
                self._depth.value = 0
                try:
                    self._reopen()  # stops the client: its index reaches the disk before release
                finally:
                    self._file.release()

    def _acquire(self) -> None:
        try:
            self._file.acquire(timeout=0)
            return
        except Timeout:
            pass
        self.on_wait(
            f"another ragcore process is writing to the library ({self.path.parent}); "
            f"waiting for it (up to {self.wait_s:.0f} s)…"
        )
        try:
            self._file.acquire(timeout=self.wait_s)
        except Timeout:
            raise StoreError(
                f"the library at {self.path.parent} has been busy with another writer for "
                f"{self.wait_s:.0f} s; try again when it has finished, or share a `chroma run` "
                "server (RAGCORE_CHROMA_URL) between processes that write at the same time"
            ) from None


# -- the persisted caches (snapshot, BM25) -------------------------------------------------------
# Opening a cache maps its files in milliseconds; writing one takes ~1 s at 100k cards, done
# in a staging folder outside the lock. Only the swap and the opening hold it.
CACHE_LOCK_WAIT_S = 60.0


@contextmanager
def cache_lock(folder: Path, wait_s: float = CACHE_LOCK_WAIT_S) -> Iterator[None]:
    """Held while a cache `folder` is swapped in or opened, by every process and thread.

    Without it two writers (the studio and the CLI) race on the renames of the swap (one fails,
    or a folder is deleted under the other) and a reader can open a manifest of one set and
    the files of the next. The lock file sits next to the folder, so it outlives every swap.
    Raises `Timeout` after `wait_s`; the caller then skips the cache for now."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(folder.with_name(f"{folder.name}.lock")).acquire(timeout=wait_s):
        yield


def staging_folder(folder: Path) -> Path:
    """A new empty folder next to `folder`, unique across processes and threads."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{folder.name}.tmp-", dir=folder.parent))


def sync_tree(folder: Path) -> None:
    """Flush every file under `folder`, then the folders: after a crash the swapped-in cache
    is whole or absent, never names pointing at unwritten blocks."""
    for path in sorted(folder.rglob("*"), reverse=True):
        _fsync(path)
    _fsync(folder)


def swap_in(staging: Path, folder: Path) -> None:
    """Replace `folder` by the complete `staging`; hold `cache_lock(folder)` around it."""
    old = folder.with_name(f"{folder.name}.old-{staging.name.rsplit('-', 1)[-1]}")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    _fsync(folder.parent)
    shutil.rmtree(old, ignore_errors=True)
    _remove_leftovers(folder)


# A staging folder this old belongs to a writer that was killed mid-write (a whole write takes
# seconds even at 100k cards); one younger may be another process's write in progress.
LEFTOVER_AGE_S = 3600.0


def _remove_leftovers(folder: Path) -> None:
    """Delete what killed writers left next to `folder` (staging and replaced sets)."""
    cutoff = time.time() - LEFTOVER_AGE_S
    for pattern in (f"{folder.name}.tmp-*", f"{folder.name}.old-*"):
        for leftover in folder.parent.glob(pattern):
            try:
                if leftover.is_dir() and leftover.stat().st_mtime < cutoff:
                    shutil.rmtree(leftover, ignore_errors=True)
            except OSError:  # another process removed it meanwhile
                continue


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
