"""The outline editor (Projects page), the reference editor (Library page) and the Export page's
style, format, preview and download, through Streamlit's AppTest."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import docx
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from ragcore.drafting.projects import ProjectStore
from ragcore.library.bibliography import BibliographyStore
from ragcore.library.papers import PaperTable
from ragcore.settings import load_settings
from tests.pages.conftest import assert_clean, create_project, goto, values


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[MemoryMediaFileStorage]:
    """Streamlit's in-memory media stores of the runs (where download data is kept)."""
    stores: list[MemoryMediaFileStorage] = []
    original = MemoryMediaFileStorage.__init__

    def keep(self: MemoryMediaFileStorage, endpoint: str) -> None:
        original(self, endpoint)
        stores.append(self)

    monkeypatch.setattr(MemoryMediaFileStorage, "__init__", keep)
    return stores


def downloaded(at: AppTest, key: str, stores: list[MemoryMediaFileStorage]) -> tuple[str, bytes]:
    button: Any = next(
        e for e in at.get("download_button") if e.proto.id.endswith(key) or key in e.proto.id
    )
    filename = button.proto.url.rsplit("/", 1)[-1]
    for store in reversed(stores):
        try:
            return button.proto.label, store.get_file(filename).content
        except Exception:
            continue
    raise AssertionError(f"no media file {filename}")


def test_outline_style_and_docx_download(app: AppTest, media: list[MemoryMediaFileStorage]) -> None:
    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    goto(app, "home")
    app.text_input(key="outline_add_name").input("讨论")
    app.button(key="outline_add").click().run()
    assert_clean(app)
    app.selectbox(key="outline_rename_section").select("method")
    app.text_input(key="outline_rename_zh").input("研究方法")
    app.button(key="outline_rename").click().run()
    assert_clean(app)
    assert "研究方法 · Method" in app.selectbox(key="outline_rename_section").options
    app.text_input(key="outline_add_name").input("引言")
    app.button(key="outline_add").click().run()
    assert any("already exists" in e for e in values(app.error))
    projects = ProjectStore.from_settings(load_settings())
    plan = projects.plan(projects.get(project_id))
    assert [s.zh for s in plan.sections] == [
        "引言",
        "相关工作",
        "研究方法",
        "实验评价",
        "总结",
        "讨论",
    ]

    # The new and the renamed section on every page.
    goto(app, "evidence")
    assert {"讨论", "研究方法"} <= {tab.label for tab in app.tabs}
    goto(app, "draft")
    assert app.button(key="draft_regenerate_discussion") and app.button(
        key="draft_regenerate_method"
    )
    goto(app, "compare")
    options = " ".join(app.selectbox(key="compare_section").options)
    assert "讨论" in options and "研究方法" in options

    goto(app, "export")
    app.selectbox(key="export_style").select("apa").run()
    assert projects.get(project_id).style == "apa"
    app.radio(key="export_format").set_value("docx").run()
    assert_clean(app)
    label, data = downloaded(app, "export_download_docx", media)
    assert "DOCX" in label
    document = docx.Document(BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style and p.style.name == "Heading 1"]
    assert headings == ["引言", "相关工作", "研究方法", "实验评价", "总结", "讨论"]


def test_the_new_project_form_takes_sections_typed_in(app: AppTest) -> None:
    project_id = create_project(app, "图像分类研究", sections=["introduction", "讨论", "method"])
    projects = ProjectStore.from_settings(load_settings())
    plan = projects.plan(projects.get(project_id))
    assert [s.zh for s in plan.sections] == ["引言", "讨论", "方法"]


def test_reference_editor_saves_metadata(app: AppTest) -> None:
    goto(app, "library")
    # A demo paper without a record of its own ("0728"): its key follows the new metadata.
    app.selectbox(key="bib_paper").set_value("0728").run()
    paper_id = str(app.selectbox(key="bib_paper").value)
    assert paper_id == "0728"
    app.text_input(key=f"bib_title_{paper_id}").input("A Corrected Title")
    app.text_area(key=f"bib_authors_{paper_id}").input("Yang, Fan\n郜帅")
    app.text_input(key=f"bib_year_{paper_id}").input("2022")
    app.button(key="bib_save").click().run()
    assert_clean(app)
    records = BibliographyStore(load_settings().db_path)
    saved = records.stored(paper_id)
    assert saved is not None and saved.title == "A Corrected Title"
    assert (
        saved.authors == ["Yang, Fan", "郜帅"]
        and records.citation_key(saved) == "yang2022corrected"
    )
    app.text_input(key=f"bib_keywords_{paper_id}").input("表格结构识别；Transformer, 表格")
    app.text_area(key=f"bib_abstract_{paper_id}").input("We read tables.")
    app.button(key="bib_save").click().run()
    assert_clean(app)
    saved = records.stored(paper_id)
    assert saved is not None and saved.keywords == ["表格结构识别", "Transformer", "表格"]
    paper = PaperTable(load_settings().db_path).get(paper_id)
    assert paper is not None and (paper.abstract, paper.keywords) == (
        "We read tables.",
        saved.keywords,
    )
    app.text_input(key=f"bib_year_{paper_id}").input("twenty")
    app.button(key="bib_save").click().run()
    assert any("four digits" in e for e in values(app.error))
