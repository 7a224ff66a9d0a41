"""The manuscript in a real browser: add a section to the outline, rename one, pick a citation
style, download the Word file and read it back with python-docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx

from ragcore.drafting.projects import ProjectStore
from tests.e2e.conftest import StudioServer
from tests.e2e.studio import (
    choose,
    click_button,
    errors,
    fill,
    go,
    keyed,
    no_traceback,
    open_app,
    screenshot,
    wait_idle,
)
from tests.e2e.test_journeys import create_project


def open_outline(page: Any) -> None:
    """Open the outline expander unless it is open already."""
    if not keyed(page, "outline_rename").is_visible():
        page.get_by_text("论文大纲").first.click()
        wait_idle(page)


def test_outline_style_and_docx(studio: StudioServer, page: Any, tmp_path: Path) -> None:
    open_app(page, studio.url)
    project_id = create_project(page, "基于深度学习的图像分类方法研究")
    open_outline(page)
    fill(page, "outline_add_name", "讨论")
    click_button(page, "outline_add")
    open_outline(page)
    choose(page, "outline_rename_section", "方法 · Method")
    fill(page, "outline_rename_zh", "研究方法")
    click_button(page, "outline_rename")
    assert not errors(page), errors(page)
    screenshot(page, "manuscript-01-outline")
    projects = ProjectStore(studio.home / "ragcore.sqlite3")
    plan = projects.plan(projects.get(project_id))
    assert [s.zh for s in plan.sections] == [
        "引言",
        "相关工作",
        "研究方法",
        "实验评价",
        "总结",
        "讨论",
    ]

    go(page, "导出")
    choose(page, "export_style", "APA 7th (author-year)")
    keyed(page, "export_format").get_by_text("Word (DOCX)").click()
    wait_idle(page)
    with page.expect_download() as info:
        keyed(page, "export_download_docx").locator("button").click()
    target = tmp_path / "paper.docx"
    info.value.save_as(target)
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style and p.style.name == "Heading 1"]
    assert headings == ["引言", "相关工作", "研究方法", "实验评价", "总结", "讨论"]
    assert projects.get(project_id).style == "apa"
    screenshot(page, "manuscript-02-export")
    no_traceback(page)
