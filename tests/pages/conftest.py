"""AppTest harness: the real app in-process, in the temporary home the repo-wide conftest sets
(RAGCORE_HOME per test, RAGCORE_EMBEDDER=fake), with the offline model."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.testing import FakeOpenAIServer
from tests.conftest import REPO_ROOT

APP = REPO_ROOT / "app.py"
RUN_TIMEOUT = 120  # the first run imports chromadb and jieba and loads the demo library


def values(elements: Any) -> list[str]:
    return [str(element.value) for element in elements]


def assert_clean(at: AppTest) -> None:
    """No exception escaped to the page (a traceback would show to the user)."""
    assert not at.exception, values(at.exception)


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    at.run()
    assert_clean(at)
    wait_for_library(at)
    return at


def wait_for_library(at: AppTest, timeout_s: float = 120) -> None:
    """The app opens the store in the background; wait for it, then rerun."""
    from studio.common import store_ready

    deadline = time.monotonic() + timeout_s
    while not store_ready():
        assert time.monotonic() < deadline, "the store did not open"
        time.sleep(0.05)
    at.run()
    assert_clean(at)


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert_clean(at)
    return at


def create_project(at: AppTest, topic: str, **fields: Any) -> str:
    """Fill in the home page's new-project form and submit it; returns the project id."""
    goto(at, "home")
    at.text_area(key="home_new_topic").input(topic)
    for name, value in fields.items():
        at.session_state[f"home_new_{name}"] = value
    at.button(key="home_create").click().run()
    assert_clean(at)
    project_id = at.session_state["project_id"]
    assert project_id, values(at.error)
    return str(project_id)


@pytest.fixture
def every_card_relevant(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the fake embedder few cards clear the default relevance floor; drafting tests want
    every section to have evidence."""
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELEVANCE_FLOOR", "0")
    monkeypatch.setenv("RAGCORE_RETRIEVAL__RELATIVE_FLOOR", "0")


def wait_for_job(at: AppTest, project_id: str, timeout_s: float = 120) -> None:
    """Wait for the project's background drafting job, then rerun the page to show it."""
    from studio.jobs import job_for

    deadline = time.monotonic() + timeout_s
    while (job := job_for(project_id)) is not None and job.running:
        assert time.monotonic() < deadline, "the drafting job did not finish"
        time.sleep(0.1)
    at.run()
    assert_clean(at)


def generate_all(at: AppTest, project_id: str) -> None:
    goto(at, "draft")
    at.button(key="draft_generate_all").click().run()
    assert_clean(at)
    wait_for_job(at, project_id)


def tab(at: AppTest, key: str, label: str) -> None:
    """Open a tab of a stateful st.tabs by its label."""
    at.session_state[key] = label
    at.run()
    assert_clean(at)


def edit_table(at: AppTest, key: str, edited_rows: dict[int, dict[str, Any]]) -> None:
    """AppTest cannot type into st.data_editor: set its state like the browser would."""
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert_clean(at)


def use_test_model(server: FakeOpenAIServer, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Configure the model "test-model" served by the gateway's test server on loopback."""
    config = server.write_llm_config(folder / "llm.yaml")
    monkeypatch.setenv("RAGCORE_LLM_CONFIG", str(config))
