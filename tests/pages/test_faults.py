"""Faults: the model server fails during "generate all" (the gateway's test server answering
500): a plain message in the page, the finished versions kept, the page still works. And two
browser sessions on different projects never see each other's state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.versions import VersionStore
from ragcore.settings import load_settings
from ragcore.testing import FakeOpenAIServer
from tests.pages.conftest import (
    APP,
    RUN_TIMEOUT,
    assert_clean,
    create_project,
    edit_table,
    generate_all,
    goto,
    tab,
    values,
)

SECTIONS = ["introduction", "related_work", "method", "experiments", "conclusion"]


@pytest.fixture
def failing_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        config = server.write_llm_config(tmp_path / "llm.yaml")
        monkeypatch.setenv("RAGCORE_LLM_CONFIG", str(config))
        yield server


@pytest.mark.usefixtures("every_card_relevant")
def test_model_server_failing_during_generate_all(
    app: AppTest, failing_server: FakeOpenAIServer
) -> None:
    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    generate_all(app, project_id)  # offline first: every section has a version
    store = VersionStore.from_settings(load_settings())
    kept = {key: store.current(project_id, key) for key in SECTIONS}
    assert all(kept.values())

    failing_server.fail_next(100, status=500)
    app.selectbox(key="draft_model").set_value("test-model").run()
    generate_all(app, project_id)
    assert failing_server.chat_requests, "the sections went to the failing server"
    errors = values(app.error)
    assert len(errors) == len(SECTIONS), errors
    assert all("500" in e or "server" in e.lower() for e in errors), errors
    for key in SECTIONS:  # nothing finished before is lost
        assert store.current(project_id, key) == kept[key]
        assert store.latest_attempt(project_id, key).status == "failed"  # type: ignore[union-attr]

    # The rest of the page works: back to the offline model, regenerate one section.
    app.selectbox(key="draft_model").set_value("offline/extractive").run()
    app.button(key="draft_regenerate_method").click().run()
    from tests.pages.conftest import wait_for_job

    wait_for_job(app, project_id)
    assert store.current(project_id, "method").version_id > kept["method"].version_id  # type: ignore[union-attr]
    goto(app, "export")
    assert "## 方法" in "\n".join(values(app.markdown))


@pytest.mark.usefixtures("every_card_relevant")
def test_two_sessions_on_different_projects_are_separate(app: AppTest) -> None:
    first = create_project(app, "基于深度学习的图像分类方法研究")
    other = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT).run()
    second = create_project(other, "Deep learning for image classification")
    assert first != second
    goto(app, "evidence")
    tab(app, "evidence_tabs", "方法")
    edit_table(app, "evidence_table_方法_methodology", {0: {"include": False}})
    goto(other, "evidence")
    assert other.session_state["project_id"] == second
    assert app.session_state["project_id"] == first
    projects = ProjectStore.from_settings(load_settings())
    assert projects.section_state(first, "method").excluded
    assert not projects.section_state(second, "method").excluded
    assert "Deep learning for image classification" in values(other.caption)[0]
    assert_clean(other)
