"""Undo the last evidence change of a project: a card text edited for the project, or a
section's choices (include, exclude, pin, query, k). Drafting's own bookkeeping (which cards
retrieval found) is not a change of the user's and is never undone.

The undo writes the previous value as a new record (history stays complete), so undoing twice
restores the change: one step, like a toggle, and the studio says what it will undo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ragcore.drafting.projects import ProjectStore, SectionState
from ragcore.library import db

USER_FIELDS = ("excluded", "included", "pinned", "query", "k")


@dataclass(frozen=True)
class EvidenceChange:
    kind: str  # "edit" (key = card id) or "evidence" (key = section key)
    key: str
    before: Any  # the value to go back to (None: the library text / the default state)
    after: Any


def _user_part(state: Any) -> dict[str, Any]:
    data = state if isinstance(state, dict) else {}
    return {name: data.get(name) or None for name in USER_FIELDS}


def last_evidence_change(projects: ProjectStore, project_id: str) -> EvidenceChange | None:
    """The project's newest evidence change made by the user, or None."""
    with db.connect(projects.db_path) as conn:
        rows = conn.execute(
            "SELECT rec_id, kind, key, data FROM project_records WHERE project_id = ? "
            "AND kind IN ('edit', 'evidence') ORDER BY rec_id",
            (project_id,),
        ).fetchall()
    previous: dict[tuple[str, str], Any] = {}
    last: EvidenceChange | None = None
    for row in rows:
        name = (row["kind"], row["key"])
        value = json.loads(row["data"])
        before = previous.get(name)
        previous[name] = value
        if row["kind"] == "evidence" and _user_part(before) == _user_part(value):
            continue  # retrieval's bookkeeping only
        last = EvidenceChange(row["kind"], row["key"], before, value)
    return last


def undo_last_evidence_change(projects: ProjectStore, project_id: str) -> EvidenceChange | None:
    """Put back the value before the newest change; returns what was undone (None: nothing)."""
    change = last_evidence_change(projects, project_id)
    if change is None:
        return None
    if change.kind == "edit":
        projects.edit_card(project_id, change.key, change.before)
        return change
    current = projects.section_state(project_id, change.key)
    restored = _user_part(change.before)
    state = SectionState(
        section=change.key, retrieved=current.retrieved,
        **{name: value for name, value in restored.items() if value is not None},
    )  # fmt: skip
    projects.set_section_state(project_id, state)
    return change
