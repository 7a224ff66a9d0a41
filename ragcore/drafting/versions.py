"""Section versions in SQLite: every generated or hand-edited section text, never overwritten.

A version records what produced it: model, prompt template id and content hash, hash of the
rendered prompt, the evidence card ids and the project's edited texts used, the citation keys,
the brief version, tokens, latency, finish reason, cost when known, and time. The newest usable
version is current unless the user picks another; a pick holds until a newer version arrives.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ragcore.drafting.review import SectionReview
from ragcore.errors import InputError
from ragcore.library import db
from ragcore.redaction import redact_urls
from ragcore.settings import Settings

_DDL = """
CREATE TABLE IF NOT EXISTS section_versions (
    version_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    model_used TEXT NOT NULL DEFAULT '',
    template_id TEXT NOT NULL DEFAULT '',
    template_hash TEXT NOT NULL DEFAULT '',
    template_version INTEGER,
    prompt_hash TEXT NOT NULL DEFAULT '',
    evidence_ids TEXT NOT NULL DEFAULT '[]',
    evidence_texts TEXT NOT NULL DEFAULT '[]',
    edited_texts TEXT NOT NULL DEFAULT '{}',
    citation_keys TEXT NOT NULL DEFAULT '{}',
    review TEXT NOT NULL DEFAULT '{}',
    brief_version INTEGER,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    latency_s REAL NOT NULL DEFAULT 0,
    finish_reason TEXT NOT NULL DEFAULT '',
    cost_usd REAL,
    continuations INTEGER NOT NULL DEFAULT 0,
    based_on INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS section_versions_lookup ON section_versions(project_id, section);
CREATE TABLE IF NOT EXISTS section_picks (
    pick_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    section TEXT NOT NULL,
    version_id INTEGER,
    newest_at_pick INTEGER NOT NULL,
    picked_at TEXT NOT NULL
);
"""
Origin = Literal["generated", "extractive", "edited"]
# complete: ends properly; incomplete: stopped for length and could not finish; stopped: the
# user stopped it; failed: the model failed (text is what arrived, message says why); partial:
# the text streamed so far of an attempt still running, or of one whose process was killed.
Status = Literal["complete", "incomplete", "stopped", "failed", "partial"]
_JSON_FIELDS = ("evidence_ids", "evidence_texts", "edited_texts", "citation_keys", "review")
# Columns added after databases already existed: added in place, old rows read as NULL.
_ADDED_COLUMNS = {
    "template_version": "INTEGER",
    "evidence_texts": "TEXT NOT NULL DEFAULT '[]'",
}
_MIGRATED: set[str] = set()


@dataclass
class SectionVersion:
    project_id: str
    section: str
    text: str
    origin: Origin = "generated"
    status: Status = "complete"
    message: str = ""
    model_used: str = ""
    template_id: str = ""
    template_hash: str = ""
    template_version: int | None = None  # 0 = the shipped default, 1.. = a saved override
    prompt_hash: str = ""
    evidence_ids: list[str] = field(default_factory=list)
    # Every text the section was written from (cards as edited, notes, excerpts): the checks
    # of a later hand edit use exactly these.
    evidence_texts: list[str] = field(default_factory=list)
    edited_texts: dict[str, str] = field(default_factory=dict)
    citation_keys: dict[str, str] = field(default_factory=dict)  # "1" -> paper id
    review: dict[str, Any] = field(default_factory=dict)  # SectionReview.to_dict()
    brief_version: int | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    latency_s: float = 0.0
    finish_reason: str = ""
    cost_usd: float | None = None
    continuations: int = 0
    based_on: int | None = None  # the version a hand edit started from
    created_at: str = ""
    version_id: int = 0

    @property
    def checks(self) -> SectionReview:
        return SectionReview.from_dict(self.review)

    @property
    def usable(self) -> bool:
        """A failed or partial attempt is kept but never becomes the current text by itself."""
        return self.status not in ("failed", "partial")


_COLUMNS = [f.name for f in fields(SectionVersion) if f.name != "version_id"]


def _row_to_version(row: Any) -> SectionVersion:
    data = dict(row)
    for name in _JSON_FIELDS:
        data[name] = json.loads(data[name])
    return SectionVersion(**data)


def _add_missing_columns(db_path: Path) -> None:
    if str(db_path) in _MIGRATED:
        return
    with db.connect(db_path) as conn:
        have = {row["name"] for row in conn.execute("PRAGMA table_info(section_versions)")}
        for name, kind in _ADDED_COLUMNS.items():
            if name in have:
                continue
            try:
                conn.execute(f"ALTER TABLE section_versions ADD COLUMN {name} {kind}")
            except sqlite3.OperationalError as error:  # another process added it just now
                if "duplicate column" not in str(error):
                    raise
    _MIGRATED.add(str(db_path))


class VersionStore:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        db.ensure_schema(db_path, "section_versions", _DDL)
        _add_missing_columns(db_path)

    @classmethod
    def from_settings(cls, settings: Settings) -> VersionStore:
        return cls(settings.db_path)

    def save(self, version: SectionVersion) -> SectionVersion:
        """Append a version; returns it with its id and time."""
        values = asdict(version)
        values["message"] = redact_urls(values["message"])  # a server address may carry a key
        values["created_at"] = datetime.now(UTC).isoformat(timespec="milliseconds")
        for name in _JSON_FIELDS:
            values[name] = json.dumps(values[name], ensure_ascii=False)
        placeholders = ", ".join("?" for _ in _COLUMNS)
        with db.connect(self.db_path) as conn:
            cursor = conn.execute(
                f"INSERT INTO section_versions ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                [values[name] for name in _COLUMNS],
            )
            version_id = int(cursor.lastrowid or 0)
        return self.get(version_id)

    def update_partial(self, version_id: int, text: str) -> None:
        """Replace the text of a `partial` version (the only kind ever rewritten in place)."""
        with db.connect(self.db_path) as conn:
            conn.execute(
                "UPDATE section_versions SET text = ? WHERE version_id = ? AND status = 'partial'",
                (text, version_id),
            )

    def drop_partial(self, version_id: int) -> None:
        """Remove a `partial` version once the finished attempt it belonged to is saved."""
        with db.connect(self.db_path) as conn:
            conn.execute(
                "DELETE FROM section_versions WHERE version_id = ? AND status = 'partial'",
                (version_id,),
            )

    def save_edit(
        self, base: SectionVersion, text: str, review: SectionReview | None = None
    ) -> SectionVersion:
        """A hand edit of `base`: same provenance, new text, origin `edited`. Pass the review
        of the new text (`review_section` with the section's evidence) to keep checks current."""
        if not text.strip():
            raise InputError("the edited section text is empty; nothing was saved")
        edited = SectionVersion(**{**asdict(base), "text": text.strip(), "origin": "edited"})
        edited.status, edited.message, edited.based_on = "complete", "", base.version_id
        edited.review = review.to_dict() if review is not None else {}
        return self.save(edited)

    def get(self, version_id: int) -> SectionVersion:
        with db.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT * FROM section_versions WHERE version_id = ?", (version_id,)
            ).fetchone()
        if row is None:
            raise InputError(f"no section version {version_id}")
        return _row_to_version(row)

    def history(self, project_id: str, section: str) -> list[SectionVersion]:
        """All versions of one section, oldest first (failed attempts included)."""
        with db.connect(self.db_path) as conn:
            rows = conn.execute(
                "SELECT * FROM section_versions WHERE project_id = ? AND section = ? "
                "ORDER BY version_id",
                (project_id, section),
            ).fetchall()
        return [_row_to_version(row) for row in rows]

    def latest_attempt(self, project_id: str, section: str) -> SectionVersion | None:
        history = self.history(project_id, section)
        return history[-1] if history else None

    def current(self, project_id: str, section: str) -> SectionVersion | None:
        history = self.history(project_id, section)
        usable = [v for v in history if v.usable]
        if not usable:
            return None
        pick = self._pick(project_id, section)
        if pick is not None:
            version_id, newest_at_pick = pick
            newer = [v for v in usable if v.version_id > newest_at_pick]
            chosen = next((v for v in usable if v.version_id == version_id), None)
            if chosen is not None and not newer:
                return chosen
        return usable[-1]

    def sections(self, project_id: str) -> list[str]:
        with db.connect(self.db_path) as conn:
            rows = conn.execute(
                "SELECT DISTINCT section FROM section_versions WHERE project_id = ?", (project_id,)
            ).fetchall()
        return [row[0] for row in rows]

    def pick(self, project_id: str, section: str, version_id: int | None) -> None:
        """Make `version_id` current (None: back to the newest)."""
        history = self.history(project_id, section)
        if version_id is not None and version_id not in {v.version_id for v in history}:
            raise InputError(f"section {section!r} has no version {version_id}")
        newest = max((v.version_id for v in history), default=0)
        with db.connect(self.db_path) as conn:
            conn.execute(
                "INSERT INTO section_picks (project_id, section, version_id, newest_at_pick, picked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (project_id, section, version_id, newest, datetime.now(UTC).isoformat()),
            )

    def _pick(self, project_id: str, section: str) -> tuple[int, int] | None:
        with db.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT version_id, newest_at_pick FROM section_picks WHERE project_id = ? "
                "AND section = ? ORDER BY pick_id DESC LIMIT 1",
                (project_id, section),
            ).fetchone()
        if row is None or row["version_id"] is None:
            return None
        return int(row["version_id"]), int(row["newest_at_pick"])
