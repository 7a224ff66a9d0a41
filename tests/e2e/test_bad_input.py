"""Bad input in a real browser: a plain message in the page, the rest still works, nothing lost.
Empty topic, unknown model, a prompt with a broken variable, a non-paper upload, the model
server failing during "generate all"; and two sessions on different projects stay apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.versions import VersionStore
from ragcore.testing import FakeOpenAIServer
from tests.e2e.conftest import StudioServer, studio_with_model
from tests.e2e.studio import (
    choose,
    click_button,
    errors,
    go,
    keyed,
    no_traceback,
    open_app,
    screenshot,
    toggle_include,
    wait_idle,
    wait_until,
)

SECTIONS = ["introduction", "related_work", "method", "experiments", "conclusion"]


@pytest.fixture(scope="module")
def failing_model() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def studio(
    tmp_path_factory: pytest.TempPathFactory, failing_model: FakeOpenAIServer
) -> Iterator[StudioServer]:
    with studio_with_model(tmp_path_factory.mktemp("bad-input"), failing_model) as server:
        yield server


def projects(server: StudioServer) -> ProjectStore:
    return ProjectStore(server.home / "ragcore.sqlite3")


def create(page: Any, topic: str) -> None:
    keyed(page, "home_new_topic").locator("textarea").fill(topic)
    click_button(page, "home_create")


def test_empty_topic_and_unknown_model(studio: StudioServer, page: Any) -> None:
    open_app(page, studio.url)
    before = len(projects(studio).list_projects())
    create(page, "   ")
    assert any("topic is empty" in e for e in errors(page)), errors(page)
    keyed(page, "home_new_model").click()
    page.keyboard.type("gpt-unknown")
    page.keyboard.press("Enter")
    create(page, "图像分类")
    assert any("gpt-unknown" in e for e in errors(page)), errors(page)
    screenshot(page, "bad-unknown-model")
    assert len(projects(studio).list_projects()) == before
    no_traceback(page)
    choose(page, "home_new_model", "offline/extractive")  # the page still works
    create(page, "图像分类")
    assert not errors(page)
    assert len(projects(studio).list_projects()) == before + 1


def test_prompt_with_a_broken_variable(studio: StudioServer, page: Any) -> None:
    open_app(page, studio.url)
    go(page, "提示词")
    choose(page, "prompts_template", "section/method")
    box = keyed(page, "prompts_body").locator("textarea")
    box.fill(box.input_value() + "\n{{ toppic }}\n")
    box.press("Tab")
    wait_idle(page)
    click_button(page, "prompts_save")
    assert any("toppic" in e for e in errors(page)), errors(page)
    assert "{{ toppic }}" in keyed(page, "prompts_body").locator("textarea").input_value()  # kept
    assert not list((studio.home / "prompts" / "section" / "method").glob("0*.md"))
    screenshot(page, "bad-prompt-variable")
    no_traceback(page)


def test_upload_of_a_non_paper_file(studio: StudioServer, page: Any, tmp_path: Path) -> None:
    fake_pdf = tmp_path / "holiday-photo.pdf"
    fake_pdf.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    open_app(page, studio.url)
    go(page, "文献库")
    cards_before = page.locator('[data-testid="stMetricValue"]').nth(1).inner_text()
    keyed(page, "library_upload").locator('input[type="file"]').set_input_files(str(fake_pdf))
    wait_idle(page)
    click_button(page, "library_ingest")
    assert any("holiday-photo.pdf" in e for e in errors(page)), errors(page)
    assert page.locator('[data-testid="stMetricValue"]').nth(1).inner_text() == cards_before
    screenshot(page, "bad-upload")
    no_traceback(page)


def test_model_server_failing_during_generate_all(
    studio: StudioServer, page: Any, failing_model: FakeOpenAIServer
) -> None:
    open_app(page, studio.url)
    create(page, "基于深度学习的图像分类方法研究")
    project_id = str(page.url).split("project=")[1].split("&")[0]
    go(page, "草稿")
    click_button(
        page, "draft_generate_all"
    )  # the server still answers: every section gets a version
    versions = VersionStore(studio.home / "ragcore.sqlite3")
    wait_until(
        page, lambda: all(versions.current(project_id, k) for k in SECTIONS), what="first draft"
    )
    wait_until(
        page, lambda: keyed(page, "draft_generate_all").locator("button").is_enabled(), what="idle"
    )
    wait_idle(page)
    kept = {k: versions.current(project_id, k) for k in SECTIONS}

    failing_model.fail_next(1000, status=500)
    choose(page, "draft_model", "test-model")
    click_button(page, "draft_generate_all")
    wait_until(
        page,
        lambda: all(v is not None and v.status == "failed" for v in (versions.latest_attempt(project_id, k) for k in SECTIONS)),
        what="failed attempts",
    )  # fmt: skip
    wait_until(
        page, lambda: keyed(page, "draft_generate_all").locator("button").is_enabled(), what="idle"
    )
    page.reload()
    wait_idle(page)
    messages = errors(page)
    assert len(messages) == len(SECTIONS), messages
    screenshot(page, "bad-model-server")
    no_traceback(page)
    assert {k: versions.current(project_id, k) for k in SECTIONS} == kept  # nothing lost
    failing_model.reset()


def test_two_sessions_on_different_projects(studio: StudioServer, browser: Any) -> None:
    contexts = [browser.new_context(viewport={"width": 1440, "height": 1000}) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        for tab in (first, second):
            tab.set_default_timeout(60_000)
        open_app(first, studio.url)
        create(first, "第一个会话的主题：图像分类")
        open_app(second, studio.url)
        create(second, "Second session topic: speech recognition")
        first_id = str(first.url).split("project=")[1].split("&")[0]
        second_id = str(second.url).split("project=")[1].split("&")[0]
        assert first_id != second_id
        go(first, "证据")
        toggle_include(first, "evidence_table_引言_background", 0)
        go(second, "证据")
        assert "Second session topic" in second.locator("body").inner_text()
        assert "第一个会话" not in second.locator('[data-testid="stMain"]').inner_text()
        assert projects(studio).section_state(first_id, "introduction").excluded
        assert not projects(studio).section_state(second_id, "introduction").excluded
        first.reload()
        wait_idle(first)
        assert (
            "第一个会话的主题" in first.locator('[data-testid="stMain"]').inner_text()
        )  # kept on reload
    finally:
        for context in contexts:
            context.close()
