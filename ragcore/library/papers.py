"""The papers table in SQLite: one row per paper with its metadata as JSON."""

from __future__ import annotations

from pathlib import Path

from ragcore.library import db
from ragcore.library.cards import Paper

_DDL = """
CREATE TABLE IF NOT EXISTS papers (
    paper_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
"""


class PaperTable:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        db.ensure_schema(db_path, "papers", _DDL)

    def upsert(self, paper: Paper) -> None:
        with db.connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO papers(paper_id, data) VALUES(?, ?) ON CONFLICT(paper_id) "
                "DO UPDATE SET data=excluded.data, updated_at=CURRENT_TIMESTAMP",
                (paper.paper_id, paper.model_dump_json()),
            )

    def get(self, paper_id: str) -> Paper | None:
        with db.connect(self.db_path) as conn:
            row = conn.execute("SELECT data FROM papers WHERE paper_id=?", (paper_id,)).fetchone()
        return Paper.model_validate_json(row["data"]) if row else None

    def all(self) -> list[Paper]:
        with db.connect(self.db_path) as conn:
            rows = conn.execute("SELECT data FROM papers ORDER BY paper_id").fetchall()
        return [Paper.model_validate_json(r["data"]) for r in rows]

    def delete(self, paper_id: str) -> None:
        with db.connect(self.db_path) as conn:
            conn.execute("DELETE FROM papers WHERE paper_id=?", (paper_id,))
