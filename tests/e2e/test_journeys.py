"""The drafting loop in a real browser, in Chinese and in English: create a project, edit and
exclude evidence, generate all sections, regenerate the Method section, compare its two
versions, download the Markdown. The Chinese paper uses the offline model; the English one a
model on the test server (the demo library is Chinese, and the offline model writes an English
paper from English evidence only). Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.versions import VersionStore
from ragcore.testing import FakeOpenAIServer
from tests.e2e.conftest import StudioServer, start_server, stop_server, studio_with_model
from tests.e2e.studio import (
    choose,
    click_button,
    edit_text_cell,
    errors,
    go,
    grid_cell,
    keyed,
    no_traceback,
    open_app,
    screenshot,
    toggle_include,
    wait_idle,
    wait_until,
)

SECTIONS = ["introduction", "related_work", "method", "experiments", "conclusion"]
EDITED = "我们在本项目中改写了这张方法卡片：采用残差网络进行图像分类。"


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    """A server where every card clears the relevance floor (the fake embedder is random)."""
    folder = tmp_path_factory.mktemp("journeys")
    server = start_server(
        folder / "home",
        folder / "streamlit.log",
        {"RAGCORE_RETRIEVAL__RELEVANCE_FLOOR": "0", "RAGCORE_RETRIEVAL__RELATIVE_FLOOR": "0"},
    )
    yield server
    stop_server(server)


def create_project(page: Any, topic: str) -> str:
    keyed(page, "home_new_topic").locator("textarea").fill(topic)
    click_button(page, "home_create")
    assert not errors(page), errors(page)
    return str(page.url).split("project=")[1].split("&")[0]


def generated(server: StudioServer, project_id: str, key: str, count: int = 1) -> bool:
    history = VersionStore(server.home / "ragcore.sqlite3").history(project_id, key)
    return len([v for v in history if v.usable]) >= count


def wait_for_sections(
    page: Any, server: StudioServer, project_id: str, keys: list[str], count: int = 1
) -> None:
    wait_until(
        page, lambda: all(generated(server, project_id, k, count) for k in keys), what="drafting"
    )
    wait_until(
        page,
        lambda: keyed(page, "draft_generate_all").locator("button").is_enabled(),
        what="idle page",
    )
    wait_idle(page)


def download(page: Any, key: str, target: Path) -> str:
    with page.expect_download() as info:
        keyed(page, key).locator("button").click()
    info.value.save_as(target)
    return target.read_text(encoding="utf-8")


def pick_a_paper(page: Any, key: str) -> None:
    """Pick one not yet chosen paper in the multiselect. The list stays open between picks,
    unless the rerun a pick causes closes it under a loaded machine: then open it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        if page.get_by_role("option").count() == 0:
            keyed(page, key).click()
        # Streamlit's list starts with its own "Select all": pick papers, not that.
        unpicked = page.locator('[role="option"][aria-selected="false"]')
        try:
            unpicked.filter(has_not_text="Select all").first.click(timeout=15_000)
            return
        except PlaywrightTimeout:
            wait_idle(page)
    raise AssertionError("no paper left to pick in the list")


def test_chinese_journey(studio: StudioServer, page: Any, tmp_path: Path) -> None:
    open_app(page, studio.url)
    screenshot(page, "01-projects")
    project_id = create_project(page, "基于深度学习的图像分类方法研究")

    go(page, "文献库")
    screenshot(page, "02-library")

    go(page, "证据")
    page.get_by_role("tab", name="方法").click()
    wait_idle(page)
    table = "evidence_table_方法_methodology"
    excluded_paper = grid_cell(page, table, 4, 1)
    edit_text_cell(page, table, 0, EDITED)
    toggle_include(page, table, 1)
    assert grid_cell(page, table, 6, 0) == EDITED
    assert grid_cell(page, table, 0, 1) == "false"
    projects = ProjectStore(studio.home / "ragcore.sqlite3")
    assert EDITED in projects.edited_texts(project_id).values()
    assert projects.section_state(project_id, "method").excluded
    screenshot(page, "03-evidence")
    keyed(page, "evidence_read_方法_methodology").click()  # read the first card in full
    page.get_by_role("option").first.click()
    wait_idle(page)
    assert keyed(page, "evidence_read_方法_methodology_card").count() == 1
    assert "来源章节" in keyed(page, "evidence_read_方法_methodology_card").inner_text()
    keyed(page, "evidence_read_方法_methodology_card").scroll_into_view_if_needed()
    screenshot(page, "03b-evidence-card")

    go(page, "提示词")
    screenshot(page, "04-prompts")

    go(page, "草稿")
    click_button(page, "draft_generate_all")
    wait_for_sections(page, studio, project_id, SECTIONS)
    page.reload()
    wait_idle(page)
    for name in ["引言", "相关工作", "方法", "实验评价", "总结"]:
        assert page.get_by_role("heading", name=name).count() >= 1
    method = VersionStore(studio.home / "ragcore.sqlite3").current(project_id, "method")
    assert method is not None and EDITED in method.edited_texts.values()
    screenshot(page, "05-draft")

    click_button(page, "draft_regenerate_method")
    wait_for_sections(page, studio, project_id, ["method"], count=2)
    page.reload()
    wait_idle(page)
    assert keyed(page, "draft_version_method").count() == 1

    go(page, "对比")
    choose(page, "compare_section", "方法")
    assert (
        keyed(page, "compare_text_left").count() == 1
        and keyed(page, "compare_text_right").count() == 1
    )
    assert "相似度" in page.locator("body").inner_text()
    screenshot(page, "06-compare")

    go(page, "导出")
    markdown = download(page, "export_download_md", tmp_path / "paper.md")
    for heading in ["## 引言", "## 相关工作", "## 方法", "## 实验评价", "## 总结", "## 参考文献"]:
        assert heading in markdown, heading
    assert excluded_paper  # the excluded card's paper was shown before it was excluded
    screenshot(page, "07-export")
    no_traceback(page)

    go(page, "模型")
    assert "offline/extractive" in page.locator("body").inner_text()
    screenshot(page, "08-models")
    no_traceback(page)

    # The project's paper selection: only two library papers, chosen by title in the list.
    go(page, "证据")
    page.get_by_text("论文：文献库全部论文").click()
    keyed(page, f"evidence_papers_{project_id}_mode").get_by_text("仅用所选论文").click()
    wait_idle(page)
    for _ in range(2):
        pick_a_paper(page, f"evidence_papers_{project_id}_chosen")
        wait_idle(page)
    page.keyboard.press("Escape")
    page.get_by_text("本项目使用的论文").click()  # leave the list: its choice is sent
    wait_idle(page)
    click_button(page, f"evidence_papers_{project_id}_save")
    assert not errors(page), errors(page)
    wait_until(
        page,
        lambda: ProjectStore(studio.home / "ragcore.sqlite3").get(project_id).papers,
        timeout_s=30,
        what="the paper selection saved",
    )
    chosen = ProjectStore(studio.home / "ragcore.sqlite3").get(project_id).papers
    assert chosen is not None and len(chosen) == 2
    page.get_by_text("论文：仅用所选的 2 篇").click()
    wait_idle(page)
    screenshot(page, "03c-evidence-papers")
    no_traceback(page)


ENGLISH_REPLY = "Deep networks learn image features end to end and classify them well [1]."


@pytest.fixture(scope="module")
def english_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioServer]:
    with (
        FakeOpenAIServer(default_reply=ENGLISH_REPLY) as model,
        studio_with_model(tmp_path_factory.mktemp("english"), model) as server,
    ):
        yield server


def test_english_journey(english_studio: StudioServer, page: Any, tmp_path: Path) -> None:
    studio = english_studio
    open_app(page, studio.url, lang="en")
    assert "Projects" in page.locator("h1").first.inner_text()
    keyed(page, "home_new_topic").locator("textarea").fill(
        "Deep learning methods for image classification"
    )
    choose(page, "home_new_model", "test-model")
    click_button(page, "home_create")
    assert not errors(page), errors(page)
    project_id = str(page.url).split("project=")[1].split("&")[0]
    go(page, "Evidence")
    page.get_by_role("tab", name="Method").click()
    wait_idle(page)
    toggle_include(page, "evidence_table_方法_methodology", 0)
    screenshot(page, "en-03-evidence")
    go(page, "Draft")
    click_button(page, "draft_generate_all")
    wait_for_sections(page, studio, project_id, SECTIONS)
    click_button(page, "draft_regenerate_method")
    wait_for_sections(page, studio, project_id, ["method"], count=2)
    page.reload()
    wait_idle(page)
    screenshot(page, "en-05-draft")
    go(page, "Compare")
    choose(page, "compare_section", "Method")
    screenshot(page, "en-06-compare")
    go(page, "Export")
    markdown = download(page, "export_download_md", tmp_path / "paper.md")
    for heading in [
        "## Introduction",
        "## Related Work",
        "## Method",
        "## Experiments",
        "## Conclusion",
        "## References",
    ]:
        assert heading in markdown, heading
    screenshot(page, "en-07-export")
    no_traceback(page)
