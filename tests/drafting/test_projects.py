"""Projects in SQLite: persistence, versions of every write, evidence state, two writers."""

from __future__ import annotations

import threading

import pytest

from ragcore.drafting.projects import ProjectStore, SectionState
from ragcore.errors import InputError
from ragcore.library.cards import SummaryType
from ragcore.settings import Settings


@pytest.fixture
def store(settings: Settings) -> ProjectStore:
    return ProjectStore.from_settings(settings)


def test_create_persists_and_detects_language(store: ProjectStore, settings: Settings) -> None:
    zh = store.create("基于深度学习的图像分类方法研究", model="offline/extractive")
    en = store.create("Open-world semi-supervised learning", name="OWSSL")
    reopened = ProjectStore.from_settings(settings)  # a new process sees the same projects
    assert reopened.get(zh.project_id).lang == "zh"
    assert reopened.find("OWSSL").lang == "en"
    assert {p.project_id for p in reopened.list_projects()} == {zh.project_id, en.project_id}


@pytest.mark.parametrize("topic", ["", "   ", "x" * 5000])
def test_bad_topic_is_refused_in_plain_words(store: ProjectStore, topic: str) -> None:
    with pytest.raises(InputError, match="topic"):
        store.create(topic)
    assert store.list_projects() == []


def test_bad_settings_are_refused_and_nothing_is_lost(store: ProjectStore) -> None:
    project = store.create("图像分类")
    with pytest.raises(InputError, match="lang"):
        store.update(project.project_id, lang="fr")
    with pytest.raises(InputError, match="section plan"):
        store.update(project.project_id, section_plan={"order": ["nonexistent"]})
    assert store.get(project.project_id).lang == "zh"


def test_every_update_is_kept_as_a_version(store: ProjectStore) -> None:
    project = store.create("图像分类")
    store.update(project.project_id, topic="图像分类与开放世界学习")
    store.update(project.project_id, model="gpt-test")
    history = store.history(project.project_id, "meta")
    assert [r.version for r in history] == [1, 2, 3]
    assert history[0].data["topic"] == "图像分类"
    assert store.get(project.project_id).model == "gpt-test"


def test_section_plan_override_is_merged(store: ProjectStore) -> None:
    project = store.create("图像分类", section_plan={"order": ["introduction", "method"]})
    plan = store.plan(project)
    assert plan.keys() == ["introduction", "method"]


def test_evidence_state_edits_and_notes_become_choices(store: ProjectStore) -> None:
    pid = store.create("图像分类").project_id
    state = SectionState(
        section="method", retrieved=["c1", "c2", "c3"], excluded=["c2", "c9"], pinned=["c9"]
    )
    store.set_section_state(pid, state)
    store.edit_card(pid, "c1", "项目内修改的文本。")
    note = store.add_note(pid, "method", "我们的方法使用自适应边缘损失。", SummaryType.METHODOLOGY)
    choices = store.choices(pid, "method")
    assert choices.pinned == {"c9"} and choices.excluded == {"c2"}  # a pin beats an exclusion
    assert choices.edits == {"c1": "项目内修改的文本。"}
    assert [n.text for n in choices.notes] == [note.text]
    store.edit_card(pid, "c1", None)  # back to the library text
    store.delete_note(pid, note.note_id)
    assert store.edited_texts(pid) == {} and store.notes(pid) == []
    assert len(store.history(pid, "edit", "c1")) == 2


def test_brief_versions(store: ProjectStore) -> None:
    pid = store.create("图像分类").project_id
    assert store.brief(pid) is None
    assert store.save_brief(pid, {"title": "A"}) == 1
    assert store.save_brief(pid, {"title": "B"}) == 2
    assert store.brief(pid).data["title"] == "B"  # type: ignore[union-attr]
    assert store.brief(pid, 1).data["title"] == "A"  # type: ignore[union-attr]
    with pytest.raises(InputError, match="no version 5"):
        store.brief(pid, 5)


def test_two_sessions_writing_at_once_last_write_wins(
    store: ProjectStore, settings: Settings
) -> None:
    pid = store.create("图像分类").project_id
    other = ProjectStore.from_settings(settings)  # a second Streamlit session

    def write(session: ProjectStore, name: str) -> None:
        for n in range(20):
            session.edit_card(pid, "c1", f"{name} {n}")

    threads = [threading.Thread(target=write, args=(s, n)) for s, n in ((store, "a"), (other, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = store.history(pid, "edit", "c1")
    assert len(history) == 40  # every write kept
    assert store.edited_texts(pid)["c1"] == history[-1].data  # the last one wins


def test_unknown_and_deleted_projects(store: ProjectStore) -> None:
    with pytest.raises(InputError, match="no project"):
        store.get("p000")
    pid = store.create("图像分类").project_id
    store.delete(pid)
    with pytest.raises(InputError, match="no project"):
        store.edit_card(pid, "c1", "text")
