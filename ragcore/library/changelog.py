"""The store's change log in SQLite: a revision counter and the card ids each write touched.

Every card write bumps the revision and records its ids, so a cache in any process that shares
the home folder (the search snapshot, the lexical index) re-reads only those cards.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ragcore.library import db

# Entries kept: a cache further behind than this reloads everything.
CHANGES_KEPT = 1000
_ALL = "*"
_DDL = """
CREATE TABLE IF NOT EXISTS store_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT OR IGNORE INTO store_revision(id, revision) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS card_changes (
    revision INTEGER PRIMARY KEY,
    card_ids TEXT NOT NULL
);
"""


class ChangeLog:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        db.ensure_schema(db_path, "changelog", _DDL)

    def revision(self) -> int:
        """A counter that grows with every card write, in any process: caches compare it."""
        with db.connect(self.db_path) as conn:
            row = conn.execute("SELECT revision FROM store_revision WHERE id=1").fetchone()
        return int(row["revision"]) if row else 0

    def record(self, card_ids: Sequence[str] | None) -> int:
        """Bump the revision and log which cards it touched (None: all of them); returns the
        new revision."""
        ids = _ALL if card_ids is None else json.dumps(sorted(set(card_ids)))
        db.ensure_schema(self.db_path, "changelog", _DDL)
        with db.connect(self.db_path) as conn:
            conn.execute("UPDATE store_revision SET revision = revision + 1 WHERE id=1")
            revision = int(conn.execute("SELECT revision FROM store_revision").fetchone()[0])
            conn.execute(
                "INSERT INTO card_changes(revision, card_ids) VALUES(?, ?)", (revision, ids)
            )
            conn.execute("DELETE FROM card_changes WHERE revision <= ?", (revision - CHANGES_KEPT,))
        return revision

    def since(self, revision: int) -> tuple[int, set[str] | None]:
        """(latest revision, ids written after `revision`); None when the log cannot tell."""
        with db.connect(self.db_path) as conn:
            latest = int(conn.execute("SELECT revision FROM store_revision").fetchone()[0])
            rows = conn.execute(
                "SELECT card_ids FROM card_changes WHERE revision > ? AND revision <= ?",
                (revision, latest),
            ).fetchall()
        if latest < revision or len(rows) != latest - revision:
            return latest, None  # pruned, reset, or written by a version without the log
        ids: set[str] = set()
        for row in rows:
            if row["card_ids"] == _ALL:
                return latest, None
            ids.update(json.loads(row["card_ids"]))
        return latest, ids
