"""The BM25 index of each summary type persisted next to the store (`<home>/cache/lexical/`),
so a new process maps it instead of tokenizing every card again (~15 s at 100k cards).

Per type: bm25s's own saved index (`bm25/`, loaded as memory maps), the cards' token ids and
offsets and the document frequencies (`.npy`), and `meta.json` written last (in a staging folder swapped in whole under a lock file that
readers take too: `locking.cache_lock`) with a digest of
the card ids in row order and every file's size. A type whose digest does not match the
snapshot's cards (stale) or whose files do not match the meta (truncated) is re-indexed, never
used, and one line says so.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import bm25s
import numpy as np
from filelock import Timeout

from ragcore.library.cards import SummaryType
from ragcore.library.locking import cache_lock, staging_folder, swap_in, sync_tree
from ragcore.library.snapshot import TypeRows
from ragcore.library.snapshot_files import say

FORMAT = 1


def digest(ids: list[str]) -> str:
    return hashlib.sha1("\n".join(ids).encode("utf-8")).hexdigest()


def _files(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "meta.json"
    }


def save_type(root: Path, summary_type: SummaryType, index: object) -> None:
    """Write one type's index, replacing the old files only once the new ones are complete."""
    from ragcore.retrieval.lexical import TypeIndex

    assert isinstance(index, TypeIndex)
    folder = root / summary_type.value
    staging = staging_folder(folder)
    try:
        index.retriever.save(str(staging / "bm25"), show_progress=False)
        np.save(staging / "token_ids.npy", np.asarray(index.token_ids, dtype=np.int32))
        np.save(staging / "token_ptr.npy", np.asarray(index.token_ptr, dtype=np.int64))
        np.save(staging / "df.npy", np.asarray(index.df, dtype=np.int32))
        meta = {"format": FORMAT, "digest": digest(index.ids), "files": _files(staging)}
        (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        sync_tree(staging)
        with cache_lock(folder):  # the studio and the CLI may write the same type at once
            swap_in(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_type(root: Path, summary_type: SummaryType, rows: TypeRows) -> object | None:
    """The persisted index of one type if it indexes exactly `rows`' cards, else None."""
    folder = root / summary_type.value
    if not root.exists():
        return None
    try:
        with cache_lock(folder):  # the meta and the files of one write, never of two
            if not (folder / "meta.json").exists():
                return None
            return _load_type(folder, summary_type, rows)
    except Timeout:
        say(
            f"the BM25 cache of {summary_type.value} stayed locked by another process; re-indexing it"
        )
        return None


def _load_type(folder: Path, summary_type: SummaryType, rows: TypeRows) -> object | None:
    from ragcore.retrieval.lexical import TypeIndex

    problem = _check(folder, rows)
    if problem:
        say(f"the BM25 cache of {summary_type.value} is not used ({problem}); re-indexing it")
        return None
    try:
        retriever = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False)
        token_ids = np.load(folder / "token_ids.npy", mmap_mode="r")
        token_ptr = np.load(folder / "token_ptr.npy", mmap_mode="r")
        df = np.load(folder / "df.npy")
    except (OSError, ValueError) as error:
        say(f"the BM25 cache of {summary_type.value} cannot be read ({error}); re-indexing it")
        return None
    if token_ptr.shape != (len(rows) + 1,) or int(token_ptr[-1]) != len(token_ids):
        say(f"the BM25 cache of {summary_type.value} is inconsistent; re-indexing it")
        return None
    return TypeIndex(rows.ids, rows.cards, retriever, token_ids, token_ptr, df)


def _check(folder: Path, rows: TypeRows) -> str:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "its meta file is unreadable"
    if meta.get("format") != FORMAT:
        return f"format {meta.get('format')!r}"
    if meta.get("digest") != digest(rows.ids):
        return "stale: the cards changed since it was written"
    if meta.get("files") != _files(folder):
        return "a file is missing or truncated"
    return ""
