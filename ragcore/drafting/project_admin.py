"""Rename and duplicate projects. A name identifies a project for people (and `ragcore`
commands accept it), so two projects never share one."""

from __future__ import annotations

import uuid

from ragcore.drafting.projects import Project, ProjectStore, _now
from ragcore.errors import InputError
from ragcore.library import db


def _free_name(projects: ProjectStore, name: str, keep: str = "") -> str:
    wanted = " ".join(name.split())
    if not wanted:
        raise InputError("a project name must not be empty")
    for other in projects.list_projects():
        if other.project_id != keep and other.name.casefold() == wanted.casefold():
            raise InputError(f"a project named {other.name!r} already exists; choose another name")
    return wanted


def rename_project(projects: ProjectStore, project_id: str, name: str) -> Project:
    """Give a project a new name; refused when empty or another project has it."""
    return projects.update(project_id, name=_free_name(projects, name, keep=project_id))


def duplicate_project(projects: ProjectStore, project_id: str, name: str) -> Project:
    """A new project with the same settings, evidence choices, card edits, notes and brief
    (the newest of each); its section drafts start empty."""
    source = projects.get(project_id)
    new_name = _free_name(projects, name)
    copy_id = "p" + uuid.uuid4().hex[:11]
    with db.connect(projects.db_path) as conn:
        conn.execute("INSERT INTO projects VALUES (?, ?)", (copy_id, _now()))
        conn.execute(
            "INSERT INTO project_records (project_id, kind, key, data, written_at) "
            "SELECT ?, kind, key, data, ? FROM project_records WHERE rec_id IN ("
            " SELECT MAX(rec_id) FROM project_records WHERE project_id = ? AND kind != 'meta'"
            " GROUP BY kind, key) ORDER BY rec_id",
            (copy_id, _now(), project_id),
        )
    return _write_meta(projects, copy_id, source, new_name)


def _write_meta(projects: ProjectStore, copy_id: str, source: Project, name: str) -> Project:
    from ragcore.drafting.projects import ProjectMeta

    meta = source.model_dump(include=set(ProjectMeta.model_fields)) | {"name": name}
    projects._write(copy_id, "meta", "", ProjectMeta(**meta).model_dump(mode="json"))
    return projects.get(copy_id)
