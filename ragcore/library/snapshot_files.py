"""The search snapshot persisted next to the store, so a new process maps it instead of reading
every card and vector back from Chroma (37.5 s at 100k cards before; see docs/benchmarks.md).

Layout, one folder per summary type under `<home>/cache/snapshot/`:
  vectors.npy   the type's unit vectors, float32, opened as a read-only memory map;
  cards.jsonl   one card per line (parsed only when a row is asked for) and offsets.npy;
  ids.json      card ids and paper ids in row order.
`manifest.json` is written last (in a staging folder swapped in whole, under a lock file that
readers take too: `locking.cache_lock`) and names the store revision, the embedder, the dimension,
the Chroma source and every file's size. A cache whose manifest is missing, from another
embedder or source, or whose files do not match it (truncated, half-written) is never used:
`load` says why in one line and the caller rebuilds it from Chroma.
"""

from __future__ import annotations

import json
import mmap
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
from filelock import Timeout

from ragcore.library.cards import Card, SummaryType
from ragcore.library.locking import cache_lock, staging_folder, swap_in, sync_tree
from ragcore.library.snapshot import CardColumn, CardSnapshot, TypeRows

FORMAT = 1
MANIFEST = "manifest.json"


class CacheRejected(Exception):
    """The persisted cache cannot be used; the message says why in plain words."""


class _StoredCards:
    """The cards of one type in `cards.jsonl`, parsed row by row on demand."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self._offsets = offsets
        size = path.stat().st_size
        if size == 0:
            self._data: mmap.mmap | bytes = b""
            return
        with path.open("rb") as handle:
            self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def card(self, row: int) -> Card:
        start, end = int(self._offsets[row]), int(self._offsets[row + 1])
        return Card.model_validate_json(self._data[start:end])


def _type_dir(root: Path, summary_type: SummaryType) -> Path:
    return root / summary_type.value


def save(root: Path, snapshot: CardSnapshot, identity: dict[str, Any]) -> None:
    """Write the snapshot under `root`, replacing what was there only once it is complete.

    The files are written and flushed in a staging folder, then swapped in under the cache
    lock (studio and CLI may write at once). The last writer wins even when its revision is
    older: any whole set is valid (a reader applies the change log since its revision), while
    keeping "the newest" would keep a cache from before a reset log forever."""
    staging = staging_folder(root)
    try:
        _write(staging, snapshot, identity)
        sync_tree(staging)
        with cache_lock(root):
            swap_in(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(staging: Path, snapshot: CardSnapshot, identity: dict[str, Any]) -> None:
    files: dict[str, int] = {}
    for summary_type, rows in snapshot.rows.items():
        folder = _type_dir(staging, summary_type)
        folder.mkdir(parents=True)
        np.save(folder / "vectors.npy", np.ascontiguousarray(rows.matrix, dtype=np.float32))
        offsets = [0]
        with (folder / "cards.jsonl").open("wb") as out:
            for card in rows.cards:
                line = card.model_dump_json().encode("utf-8") + b"\n"
                out.write(line)
                offsets.append(offsets[-1] + len(line))
        np.save(folder / "offsets.npy", np.asarray(offsets, dtype=np.int64))
        ids = {"ids": rows.ids, "papers": [str(p) for p in rows.papers]}
        (folder / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
        for path in folder.iterdir():
            files[f"{summary_type.value}/{path.name}"] = path.stat().st_size
    manifest = {
        "format": FORMAT,
        **identity,
        "revision": snapshot.revision,
        "dimension": snapshot.dimension,
        "rows": {t.value: len(r) for t, r in snapshot.rows.items()},
        "files": files,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def read_manifest(root: Path, identity: dict[str, Any]) -> dict[str, Any]:
    path = root / MANIFEST
    if not root.exists():
        raise CacheRejected("no snapshot cache yet")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise CacheRejected("its manifest is missing or unreadable") from None
    if manifest.get("format") != FORMAT:
        raise CacheRejected(f"it has format {manifest.get('format')!r}, not {FORMAT}")
    for key, value in identity.items():
        if manifest.get(key) != value:
            raise CacheRejected(f"it was built for {key} {manifest.get(key)!r}, not {value!r}")
    for name, size in manifest.get("files", {}).items():
        file = root / name
        if not file.exists() or file.stat().st_size != size:
            raise CacheRejected(f"{name} is missing or truncated")
    return manifest


def load(root: Path, identity: dict[str, Any]) -> CardSnapshot:
    """The persisted snapshot, mapped; raises CacheRejected when it must not be used.

    Opened under the cache lock, so the manifest and the files are of one set; once mapped,
    the files stay readable after a later swap (the old inodes live until unmapped)."""
    try:
        with cache_lock(root):  # a swap in progress: wait for it, then open the new set
            return _load(root, identity)
    except Timeout:
        raise CacheRejected("another process kept it locked for too long") from None


def _load(root: Path, identity: dict[str, Any]) -> CardSnapshot:
    manifest = read_manifest(root, identity)
    dimension = int(manifest["dimension"])
    rows: dict[SummaryType, TypeRows] = {}
    for summary_type in SummaryType:
        expected = int(manifest["rows"].get(summary_type.value, -1))
        rows[summary_type] = _load_type(_type_dir(root, summary_type), expected, dimension)
    return CardSnapshot(int(manifest["revision"]), dimension, rows)


def _load_type(folder: Path, expected: int, dimension: int) -> TypeRows:
    try:
        matrix = np.load(folder / "vectors.npy", mmap_mode="r")
        offsets = np.load(folder / "offsets.npy")
        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CacheRejected(f"{folder.name} cannot be read ({type(error).__name__})") from None
    n = len(ids["ids"])
    cards_size = (folder / "cards.jsonl").stat().st_size
    if (
        n != expected
        or matrix.shape != (n, dimension)
        or matrix.dtype != np.float32
        or offsets.shape != (n + 1,)
        or int(offsets[-1]) != cards_size
        or len(ids["papers"]) != n
    ):
        raise CacheRejected(f"{folder.name} does not match its manifest")
    source = _StoredCards(folder / "cards.jsonl", offsets)
    column = CardColumn(list(range(n)), source)
    papers = np.array(ids["papers"], dtype=object)
    return TypeRows(ids["ids"], column, matrix, papers)


def say(message: str) -> None:
    """One line on stderr about the cache (the CLI and the studio log both show it)."""
    print(f"ragcore: {message}", file=sys.stderr)
