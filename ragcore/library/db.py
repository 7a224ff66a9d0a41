"""SQLite under the home folder: papers, projects, versions, prompt overrides, ingest ledger.

Each module owns its tables and declares them with `ensure_schema`. Connections are short-lived
(one per unit of work) so Streamlit's threads never share one; WAL lets readers and a writer
work side by side, and the busy timeout makes two writers wait instead of failing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SCHEMAS_DONE: set[tuple[str, str]] = set()


@contextmanager
def connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in one transaction: committed on success, rolled back on any error."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path, timeout=30, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        with conn:
            yield conn
    finally:
        conn.close()


def ensure_schema(db_path: Path, name: str, ddl: str) -> None:
    """Run a module's CREATE TABLE IF NOT EXISTS script once per process and database."""
    key = (str(db_path), name)
    if key in _SCHEMAS_DONE and db_path.exists():
        return
    with connect(db_path) as conn:
        conn.executescript(ddl)
    _SCHEMAS_DONE.add(key)
