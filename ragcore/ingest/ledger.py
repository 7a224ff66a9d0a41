"""The ingest ledger (SQLite at `settings.db_path`): which file became which paper, from which
content, and whether that ingest finished. It makes re-runs incremental and resumable."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ragcore.library import db
from ragcore.settings import Settings

PENDING, DONE = "pending", "done"
_DDL = """
CREATE TABLE IF NOT EXISTS ingest_files (
    path TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    paper_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    failed TEXT NOT NULL DEFAULT '[]',
    report TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
"""


@dataclass
class LedgerEntry:
    path: str
    content_hash: str
    paper_id: str
    status: str
    options: str
    failed: list[dict[str, str]]
    report: dict[str, object]


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Ledger:
    def __init__(self, settings: Settings) -> None:
        self.db_path = settings.db_path
        db.ensure_schema(self.db_path, "ingest_files", _DDL)

    def get(self, path: Path) -> LedgerEntry | None:
        with db.connect(self.db_path) as conn:
            row = conn.execute("SELECT * FROM ingest_files WHERE path=?", (str(path),)).fetchone()
        if row is None:
            return None
        return LedgerEntry(
            row["path"],
            row["content_hash"],
            row["paper_id"],
            row["status"],
            row["options"],
            json.loads(row["failed"]),
            json.loads(row["report"]),
        )

    def entries(self) -> list[LedgerEntry]:
        with db.connect(self.db_path) as conn:
            paths = [r["path"] for r in conn.execute("SELECT path FROM ingest_files ORDER BY path")]
        return [entry for p in paths if (entry := self.get(Path(p))) is not None]

    def start(self, path: Path, content_hash: str, paper_id: str, options: str) -> None:
        """Mark an ingest as begun: a crash from here on leaves status `pending`."""
        with db.connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO ingest_files(path, content_hash, paper_id, status, options) VALUES(?,?,?,?,?) "
                "ON CONFLICT(path) DO UPDATE SET content_hash=excluded.content_hash, "
                "paper_id=excluded.paper_id, status=excluded.status, options=excluded.options, "
                "updated_at=CURRENT_TIMESTAMP",
                (str(path), content_hash, paper_id, PENDING, options),
            )

    def finish(self, path: Path, report: dict[str, object]) -> None:
        """Mark the ingest complete, keeping its report (sections, cards, failed summaries)."""
        with db.connect(self.db_path) as conn:
            conn.execute(
                "UPDATE ingest_files SET status=?, failed=?, report=?, updated_at=CURRENT_TIMESTAMP "
                "WHERE path=?",
                (
                    DONE,
                    json.dumps(report.get("failed", []), ensure_ascii=False),
                    json.dumps(report, ensure_ascii=False),
                    str(path),
                ),
            )

    def forget(self, path: Path) -> None:
        with db.connect(self.db_path) as conn:
            conn.execute("DELETE FROM ingest_files WHERE path=?", (str(path),))

    def pending(self) -> list[LedgerEntry]:
        return [e for e in self.entries() if e.status == PENDING]

    def other_paths_of(self, paper_id: str, path: Path) -> list[str]:
        """Other files already ingested as the same paper (e.g. its PDF and its LaTeX)."""
        with db.connect(self.db_path) as conn:
            rows = conn.execute(
                "SELECT path FROM ingest_files WHERE paper_id=? AND path<>?", (paper_id, str(path))
            ).fetchall()
        return [r["path"] for r in rows]
