"""Projects page: create and open projects; bad input gives plain messages and saves nothing."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ragcore.drafting.projects import ProjectStore
from ragcore.settings import load_settings
from tests.pages.conftest import assert_clean, create_project, goto, values


def project_store() -> ProjectStore:
    return ProjectStore.from_settings(load_settings())


def test_create_a_chinese_project_and_see_the_library(app: AppTest) -> None:
    project_id = create_project(app, "基于深度学习的图像分类方法研究")
    project = project_store().get(project_id)
    assert project.lang == "zh"
    assert project.model == "offline/extractive"
    assert any("已创建项目" in s for s in values(app.success))
    assert "基于深度学习的图像分类方法研究" in values(app.caption)
    assert app.sidebar.selectbox(key="sidebar_project").options  # the project can be switched to
    assert len(app.metric) >= 3  # library statistics


def test_english_topic_makes_an_english_project(app: AppTest) -> None:
    project_id = create_project(app, "Deep learning methods for image classification")
    assert project_store().get(project_id).lang == "en"


def test_chosen_sections_and_language_are_kept(app: AppTest) -> None:
    project_id = create_project(
        app, "图像分类", lang="en", sections=["introduction", "method", "conclusion"]
    )
    project = project_store().get(project_id)
    assert project.lang == "en"
    assert [s.key for s in project_store().plan(project).sections] == [
        "introduction", "method", "conclusion",
    ]  # fmt: skip


def test_empty_topic_is_refused_in_plain_words(app: AppTest) -> None:
    goto(app, "home")
    app.text_area(key="home_new_topic").input("   ")
    app.button(key="home_create").click().run()
    assert_clean(app)
    assert any("topic is empty" in e for e in values(app.error))
    assert project_store().list_projects() == []


def test_a_project_with_an_unknown_model_says_so_on_draft(app: AppTest) -> None:
    """Typing a model that is not configured on the home form is covered end to end (AppTest
    cannot type a new option); here the configuration lost the project's model."""
    project = project_store().create("图像分类", model="gpt-nonexistent")
    app.session_state["project_id"] = project.project_id
    goto(app, "draft")
    assert any("gpt-nonexistent" in e for e in values(app.error))
    assert app.button(key="draft_generate_all")  # the rest of the page still works


def test_open_another_project(app: AppTest) -> None:
    first = create_project(app, "第一个主题")
    second = create_project(app, "Second topic")
    assert app.session_state["project_id"] == second
    goto(app, "home")
    app.button(key=f"home_open_{first}").click().run()
    assert app.session_state["project_id"] == first


def test_weak_library_is_warned_about(app: AppTest) -> None:
    create_project(app, "量子计算纠错码的硬件实现")
    assert app.warning, "a topic the library barely covers gets a warning"


def test_renaming_to_an_existing_name_is_refused(app: AppTest) -> None:
    """A project renamed to another project's name, and a section renamed to another section's
    name, are refused with a plain message; nothing changes."""
    first = create_project(app, "基于深度学习的图像分类方法研究", name="图像分类")
    second = create_project(app, "基于图神经网络的推荐系统", name="推荐系统")
    goto(app, "home")
    app.selectbox(key="home_manage_project").set_value(second).run()
    app.text_input(key="home_manage_name").input(" 图像分类 ").run()
    app.button(key="home_rename").click().run()
    assert_clean(app)
    assert any("already exists" in e for e in values(app.error)), values(app.error)
    assert project_store().get(second).name == "推荐系统"
    assert project_store().get(first).name == "图像分类"

    before = project_store().plan(project_store().get(second)).sections
    app.selectbox(key="outline_rename_section").select("method")
    app.text_input(key="outline_rename_zh").input("引言")
    app.button(key="outline_rename").click().run()
    assert_clean(app)
    assert any("already exists" in e for e in values(app.error)), values(app.error)
    assert project_store().plan(project_store().get(second)).sections == before
