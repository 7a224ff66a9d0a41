"""Rename refuses an empty name or another project's; duplicate copies settings, choices, edits,
notes and the brief, not the drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragcore.drafting.project_admin import duplicate_project, rename_project
from ragcore.drafting.projects import ProjectStore
from ragcore.errors import InputError
from ragcore.library.cards import SummaryType


def test_rename_and_duplicate(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "db.sqlite3")
    first = store.create("图像分类方法研究", name="A")
    store.create("Contrastive retrieval", name="B")
    with pytest.raises(InputError, match="already exists"):
        rename_project(store, first.project_id, " b ")
    with pytest.raises(InputError, match="must not be empty"):
        rename_project(store, first.project_id, "  ")
    assert rename_project(store, first.project_id, "A2").name == "A2"

    state = store.section_state(first.project_id, "method")
    state.set_pinned("c1", True)
    store.set_section_state(first.project_id, state)
    store.edit_card(first.project_id, "c2", "改写的文本")
    store.add_note(first.project_id, "method", "一条笔记", SummaryType.METHODOLOGY)
    copy = duplicate_project(store, first.project_id, "A3")
    assert (copy.name, copy.topic, copy.lang) == ("A3", first.topic, first.lang)
    assert store.section_state(copy.project_id, "method").pinned == ["c1"]
    assert store.edited_texts(copy.project_id) == {"c2": "改写的文本"}
    assert [n.text for n in store.notes(copy.project_id, "method")] == ["一条笔记"]
    with pytest.raises(InputError, match="already exists"):
        duplicate_project(store, first.project_id, "A2")
