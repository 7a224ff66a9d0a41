"""Prompts page: a broken variable is refused when saved; saving makes a new version with a
diff; reset goes back to the shipped default; the preview renders for the current project."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ragcore.llm.prompts import PromptLibrary
from ragcore.settings import load_settings
from tests.pages.conftest import create_project, goto, values


def library() -> PromptLibrary:
    return PromptLibrary.from_settings(load_settings())


def open_method_template(app: AppTest) -> None:
    goto(app, "prompts")
    app.selectbox(key="prompts_template").set_value("section/method").run()


def test_broken_variable_is_refused_and_nothing_is_saved(app: AppTest) -> None:
    open_method_template(app)
    body = str(app.text_area(key="prompts_body").value)
    app.text_area(key="prompts_body").input(body + "\n{{ toppic }}\n")
    app.button(key="prompts_save").click().run()
    assert any("unknown variable 'toppic'" in e for e in values(app.error))
    assert library().versions("section/method") == []
    assert str(app.text_area(key="prompts_body").value).endswith("{{ toppic }}\n")  # edit kept


def test_save_diff_and_reset(app: AppTest) -> None:
    open_method_template(app)
    body = str(app.text_area(key="prompts_body").value)
    app.text_area(key="prompts_body").input(body + "\n请特别说明方法的局限性。\n")
    app.button(key="prompts_save").click().run()
    assert library().get("section/method").version == 1
    assert "+请特别说明方法的局限性。" in app.code[-1].value
    shipped = (library().shipped_dir / "section" / "method.md").read_text(encoding="utf-8")
    assert "局限性" not in shipped
    app.button(key="prompts_reset").click().run()
    assert library().get("section/method").version == 0
    assert app.text_area(key="prompts_body").value == body


def test_preview_renders_for_the_current_project(app: AppTest) -> None:
    create_project(app, "基于深度学习的图像分类方法研究")
    open_method_template(app)
    rendered = app.code[0].value
    assert "基于深度学习的图像分类方法研究" in rendered
    assert "{{" not in rendered


def test_preview_follows_the_template_to_a_section_that_uses_it(app: AppTest) -> None:
    create_project(app, "基于深度学习的图像分类方法研究")
    goto(app, "prompts")
    app.selectbox(key="prompts_template").set_value("section/introduction").run()
    assert app.selectbox(key="prompts_preview_section").value == "introduction"
    app.selectbox(key="prompts_template").set_value("section/method").run()
    assert app.selectbox(key="prompts_preview_section").value == "method"
    assert "「方法」" in app.code[0].value  # rendered for the Method section


def test_the_user_edits_only_the_language_they_write_in(app: AppTest) -> None:
    create_project(app, "Contrastive learning for image retrieval", lang="en")
    open_method_template(app)
    assert app.radio(key="prompts_lang").value == "en"  # the paper's language first
    shown = str(app.text_area(key="prompts_body").value)
    assert "{% if" not in shown and "You are writing" in shown and "你正在撰写" not in shown
    assert "Contrastive learning" in app.code[0].value and "你正在撰写" not in app.code[0].value
    app.text_area(key="prompts_body").input(shown + "\nState the method's limits.\n")
    app.button(key="prompts_save").click().run()
    saved, shipped = library().get("section/method").body, library().default("section/method").body
    assert "State the method's limits." in saved
    zh_of = lambda body: body.split("{%- else -%}")[1]  # noqa: E731
    assert zh_of(saved) == zh_of(shipped)  # the Chinese instructions are untouched
    # Where it applies, and that the offline model ignores prompts, are said on the page.
    assert any("所有项目" in c for c in values(app.caption))
    assert any("不使用提示词" in i for i in values(app.info))
