"""Projects persisted in SQLite: topic, language, model, section plan, evidence state, the
project's own card edits, manual notes and the paper brief.

Every write is an appended record `(project, kind, key, data)`; the current value of a key is
its newest record. So two Streamlit sessions on one project never corrupt it: the last write
wins, and every earlier write stays readable as a version. Nothing here edits the card library:
an edited card text belongs to the project until the user asks to change the library card.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from ragcore.errors import InputError
from ragcore.library import db
from ragcore.library.cards import SummaryType
from ragcore.retrieval.evidence import EvidenceChoices, manual_note
from ragcore.retrieval.sectionplan import SectionPlan, load_plan, merge_plan
from ragcore.retrieval.topic import check_topic
from ragcore.settings import Settings

_DDL = """
CREATE TABLE IF NOT EXISTS projects (
    project_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS project_records (
    rec_id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,
    written_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS project_records_lookup
    ON project_records(project_id, kind, key, rec_id);
"""
Kind = Literal["meta", "evidence", "edit", "note", "brief", "front"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class ProjectMeta(BaseModel):
    name: str
    topic: str
    lang: Literal["zh", "en"] = "zh"
    model: str = ""
    # The project's changes to the default section plan, in the form `sectionplan.merge_plan`
    # takes ({"sections": [...], "order": [...]}); None = the default plan.
    section_plan: dict[str, Any] | None = None
    # The citation style id (`ragcore.drafting.styles`); empty = the default for the language.
    style: str = ""
    # The library papers this project draws evidence from (`drafting.paper_selection`);
    # None = every paper in the library.
    papers: list[str] | None = None


class Project(ProjectMeta):
    project_id: str
    created_at: str
    updated_at: str


class SectionState(BaseModel):
    """One section's evidence state: what retrieval found and what the user chose."""

    section: str
    retrieved: list[str] = Field(default_factory=list)  # card ids, best first
    excluded: list[str] = Field(default_factory=list)
    included: list[str] = Field(default_factory=list)  # backups switched on by the user
    pinned: list[str] = Field(default_factory=list)
    query: str = ""  # the query of the last retrieval when not the topic
    k: int | None = None

    def set_included(self, card_id: str, included: bool) -> None:
        """Switch a card on or off; switching on also covers a backup retrieval left off."""
        excluded, chosen = set(self.excluded), set(self.included)
        if included:
            excluded.discard(card_id)
            chosen.add(card_id)
        else:
            excluded.add(card_id)
            chosen.discard(card_id)
        self.excluded, self.included = sorted(excluded), sorted(chosen)

    def set_pinned(self, card_id: str, pinned: bool) -> None:
        self.pinned = sorted(
            set(self.pinned) | {card_id} if pinned else set(self.pinned) - {card_id}
        )


class ManualNote(BaseModel):
    note_id: str
    section: str
    text: str
    summary_type: SummaryType
    created_at: str = Field(default_factory=_now)


@dataclass(frozen=True)
class Revision:
    """One write of one key: `version` counts from 1 in write order."""

    version: int
    rec_id: int
    written_at: str
    data: Any


class ProjectStore:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        db.ensure_schema(db_path, "projects", _DDL)

    @classmethod
    def from_settings(cls, settings: Settings) -> ProjectStore:
        return cls(settings.db_path)

    # ---- projects ----------------------------------------------------------------------------
    def create(
        self,
        topic: str,
        *,
        name: str = "",
        lang: Literal["zh", "en"] | None = None,
        model: str = "",
        section_plan: dict[str, Any] | None = None,
    ) -> Project:
        from ragcore.text import detect_lang

        topic = check_topic(topic)
        meta = _meta(
            name=name.strip() or topic[:60],
            topic=topic,
            lang=lang or detect_lang(topic),
            model=model,
            section_plan=section_plan,
        )
        project_id = "p" + uuid.uuid4().hex[:11]
        with db.connect(self.db_path) as conn:
            conn.execute("INSERT INTO projects VALUES (?, ?)", (project_id, _now()))
        self._write(project_id, "meta", "", meta.model_dump(mode="json"))
        return self.get(project_id)

    def get(self, project_id: str) -> Project:
        with db.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT * FROM projects WHERE project_id = ?", (project_id,)
            ).fetchone()
        if row is None:
            raise InputError(f"no project {project_id!r}; `ragcore projects` lists them")
        revisions = self.history(project_id, "meta")
        meta = revisions[-1]
        return Project(
            project_id=project_id,
            created_at=row["created_at"],
            updated_at=meta.written_at,
            **meta.data,
        )

    def find(self, name_or_id: str) -> Project:
        """A project by id, or by its exact name when that is unambiguous."""
        wanted = name_or_id.strip()
        matches = [p for p in self.list_projects() if wanted in (p.project_id, p.name)]
        if not matches:
            raise InputError(
                f"no project named or with id {wanted!r}; `ragcore projects` lists them"
            )
        if len(matches) > 1 and matches[0].project_id != wanted:
            ids = ", ".join(p.project_id for p in matches)
            raise InputError(f"several projects are named {wanted!r} ({ids}); use the id")
        return matches[0]

    def list_projects(self) -> list[Project]:
        """All projects, most recently changed first."""
        with db.connect(self.db_path) as conn:
            ids = [row[0] for row in conn.execute("SELECT project_id FROM projects")]
        projects = [self.get(project_id) for project_id in ids]
        return sorted(projects, key=lambda p: p.updated_at, reverse=True)

    def update(self, project_id: str, **changes: Any) -> Project:
        """Change topic, name, lang, model or section plan; the old values stay as versions."""
        current = self.get(project_id)
        unknown = set(changes) - set(ProjectMeta.model_fields)
        if unknown:
            raise InputError(f"a project has no setting {sorted(unknown)[0]!r}")
        if "topic" in changes:
            changes["topic"] = check_topic(str(changes["topic"]))
        data = current.model_dump(include=set(ProjectMeta.model_fields)) | changes
        self._write(project_id, "meta", "", _meta(**data).model_dump(mode="json"))
        return self.get(project_id)

    def delete(self, project_id: str) -> None:
        self.get(project_id)
        with db.connect(self.db_path) as conn:
            conn.execute("DELETE FROM projects WHERE project_id = ?", (project_id,))

    # ---- evidence ----------------------------------------------------------------------------
    def section_state(self, project_id: str, section: str) -> SectionState:
        data = self._latest(project_id, "evidence", section)
        return SectionState.model_validate(data) if data else SectionState(section=section)

    def set_section_state(self, project_id: str, state: SectionState) -> None:
        self._write(project_id, "evidence", state.section, state.model_dump(mode="json"))

    def choices(self, project_id: str, section: str) -> EvidenceChoices:
        """The user's choices for a section in the form `SectionEvidence.apply` takes."""
        state = self.section_state(project_id, section)
        notes = [
            manual_note(note.text, note.summary_type) for note in self.notes(project_id, section)
        ]
        return EvidenceChoices(
            pinned=set(state.pinned),
            excluded=set(state.excluded) - set(state.pinned),
            included=set(state.included),
            edits=self.edited_texts(project_id),
            notes=notes,
        )

    def plan(self, project: Project) -> SectionPlan:
        """The project's section plan: the default merged with the project's changes."""
        plan = load_plan()
        if project.section_plan:
            plan = merge_plan(
                plan, project.section_plan, f"section plan of project {project.name!r}"
            )
        return plan

    # ---- the project's own card texts ----------------------------------------------------------
    def edit_card(self, project_id: str, card_id: str, text: str | None) -> None:
        """Use `text` for this card in this project (None: back to the library text)."""
        if text is not None and not text.strip():
            raise InputError("an edited card text must not be empty; use exclude to drop a card")
        self._write(project_id, "edit", card_id, None if text is None else text.strip())

    def edited_texts(self, project_id: str) -> dict[str, str]:
        return {k: str(v) for k, v in self._latest_all(project_id, "edit").items()}

    # ---- manual notes ---------------------------------------------------------------------------
    def add_note(
        self, project_id: str, section: str, text: str, summary_type: SummaryType
    ) -> ManualNote:
        if not text.strip():
            raise InputError("a manual note must not be empty")
        note = ManualNote(
            note_id="n" + uuid.uuid4().hex[:11],
            section=section,
            text=text.strip(),
            summary_type=summary_type,
        )
        self._write(project_id, "note", note.note_id, note.model_dump(mode="json"))
        return note

    def update_note(self, project_id: str, note: ManualNote) -> None:
        self._write(project_id, "note", note.note_id, note.model_dump(mode="json"))

    def delete_note(self, project_id: str, note_id: str) -> None:
        self._write(project_id, "note", note_id, None)

    def notes(self, project_id: str, section: str | None = None) -> list[ManualNote]:
        notes = [
            ManualNote.model_validate(d) for d in self._latest_all(project_id, "note").values()
        ]
        notes.sort(key=lambda n: n.created_at)
        return [n for n in notes if section is None or n.section == section]

    # ---- brief ------------------------------------------------------------------------------------
    def save_brief(self, project_id: str, data: dict[str, Any]) -> int:
        """Append a brief version; returns its version number."""
        self._write(project_id, "brief", "", data)
        return len(self.history(project_id, "brief"))

    def brief(self, project_id: str, version: int | None = None) -> Revision | None:
        revisions = self.history(project_id, "brief")
        if not revisions:
            return None
        if version is None:
            return revisions[-1]
        if not 1 <= version <= len(revisions):
            raise InputError(f"the brief has no version {version} (1-{len(revisions)})")
        return revisions[version - 1]

    # ---- front matter (title, abstract, keywords as the user edited them) --------------------
    def save_front(self, project_id: str, data: dict[str, Any]) -> None:
        self._write(project_id, "front", "", data)

    def front(self, project_id: str) -> dict[str, Any] | None:
        data = self._latest(project_id, "front", "")
        return data if isinstance(data, dict) else None

    # ---- records ---------------------------------------------------------------------------------
    def history(self, project_id: str, kind: Kind, key: str = "") -> list[Revision]:
        """Every write of one key, oldest first."""
        with db.connect(self.db_path) as conn:
            rows = conn.execute(
                "SELECT rec_id, written_at, data FROM project_records "
                "WHERE project_id = ? AND kind = ? AND key = ? ORDER BY rec_id",
                (project_id, kind, key),
            ).fetchall()
        return [
            Revision(n, r["rec_id"], r["written_at"], json.loads(r["data"]))
            for n, r in enumerate(rows, 1)
        ]

    def _write(self, project_id: str, kind: Kind, key: str, data: Any) -> None:
        with db.connect(self.db_path) as conn:
            if (
                conn.execute(
                    "SELECT 1 FROM projects WHERE project_id = ?", (project_id,)
                ).fetchone()
                is None
            ):
                raise InputError(f"no project {project_id!r}; it may have been deleted")
            conn.execute(
                "INSERT INTO project_records (project_id, kind, key, data, written_at) VALUES (?, ?, ?, ?, ?)",
                (project_id, kind, key, json.dumps(data, ensure_ascii=False), _now()),
            )

    def _latest(self, project_id: str, kind: Kind, key: str) -> Any:
        with db.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT data FROM project_records WHERE project_id = ? AND kind = ? AND key = ? "
                "ORDER BY rec_id DESC LIMIT 1",
                (project_id, kind, key),
            ).fetchone()
        return None if row is None else json.loads(row["data"])

    def _latest_all(self, project_id: str, kind: Kind) -> dict[str, Any]:
        """The newest value of every key of a kind; deleted keys (None) left out."""
        with db.connect(self.db_path) as conn:
            rows = conn.execute(
                "SELECT key, data FROM project_records WHERE rec_id IN ("
                " SELECT MAX(rec_id) FROM project_records WHERE project_id = ? AND kind = ?"
                " GROUP BY key) ORDER BY rec_id",
                (project_id, kind),
            ).fetchall()
        values = ((row["key"], json.loads(row["data"])) for row in rows)
        return {key: value for key, value in values if value is not None}


def _meta(**data: Any) -> ProjectMeta:
    """Checked project settings; a bad section plan is refused before anything is saved."""
    try:
        meta = ProjectMeta(**data)
        if meta.section_plan:
            merge_plan(load_plan(), meta.section_plan, "the project's section plan")
        return meta
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(
            f"project setting {field!r}: {first['msg']} (got {first.get('input')!r})"
        ) from None
