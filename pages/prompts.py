"""Prompts: the templates (sections, summaries, the brief); edit with variable checking; a
preview rendered for the current project and section; save as a new version (an override: the
shipped files never change); the diff against the default; reset."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ragcore.drafting.brief import brief_evidence, current_brief
from ragcore.llm.prompts import PromptLibrary, PromptTemplate, body_variables, render_template
from studio.common import (
    begin_page,
    current_project_id,
    guarded,
    lang,
    projects,
    section_plan,
    settings,
    t,
)
from studio.evidence_view import section_view


def preview_values(project: Any, section_key: str) -> dict[str, Any]:
    """Values for every variable a template may use, from the project and one section."""
    view = section_view(project, section_key)
    found = current_brief(projects(), project.project_id)
    no_brief = t("（尚无纲要：生成草稿时会先生成）", "(no brief yet: drafting writes one first)")
    return {
        "topic": project.topic,
        "lang": project.lang,
        "brief": found[1].to_markdown(project.lang) if found else no_brief,
        "context": view.built.text,
        "evidence": brief_evidence(view.built.items),
        "word_min": view.spec.words[0],
        "word_max": view.spec.words[1],
        "section_name": view.spec.name(project.lang),
        "title": t("（示例论文标题）", "(an example paper title)"),
        "sections_text": t("（此处为论文各章节的原文）", "(the paper's section texts go here)"),
        "sentence": t("（草稿中带引用的一句话）", "(a cited sentence of the draft)"),
    }


def preview(library: PromptLibrary, template_id: str, body: str) -> None:
    project_id = current_project_id()
    if not project_id:
        st.info(
            t("打开一个项目后可预览渲染结果。", "Open a project to preview the rendered prompt.")
        )
        return
    project = projects().get(project_id)
    sections = section_plan(project).sections
    default_key = template_id.removeprefix("section/")
    keys = [s.key for s in sections]
    section_key = st.selectbox(
        t("预览用的章节", "Section for the preview"), keys,
        index=keys.index(default_key) if default_key in keys else 0,
        format_func=lambda key: next(s.name(lang()) for s in sections if s.key == key),
        key="prompts_preview_section",
    )  # fmt: skip
    default = library.default(template_id)
    used = body_variables(template_id, body)
    draft = PromptTemplate(
        template_id, default.description, tuple(sorted(used)), body, "draft", -1, ""
    )
    rendered = render_template(draft, preview_values(project, section_key))
    st.caption(t(f"{len(rendered.text)} 个字符", f"{len(rendered.text)} characters"))
    st.code(rendered.text, language="markdown", wrap_lines=True)


begin_page("提示词", "Prompts", "🧩")
library = PromptLibrary.from_settings(settings())
template_id = st.selectbox(t("模板", "Template"), library.ids(), key="prompts_template")
current = library.get(template_id)
default = library.default(template_id)
st.caption(
    f"{current.description} · "
    + t(f"当前版本 {current.version}（0 = 默认）", f"version in use {current.version} (0 = default)")
    + " · " + t("可用变量：", "variables: ") + ", ".join(f"`{v}`" for v in default.variables)
)  # fmt: skip

if st.session_state.get("prompts_body_for") != (template_id, current.version, current.content_hash):
    st.session_state["prompts_body_for"] = (template_id, current.version, current.content_hash)
    st.session_state["prompts_body"] = current.body  # start from the version in use
body = st.text_area(
    t("模板正文（jinja2）", "Template body (jinja2)"), height=360, key="prompts_body"
)

col_save, col_reset = st.columns(2)
if col_save.button(t("保存为新版本", "Save as a new version"), type="primary", key="prompts_save"):
    with guarded(t("无法保存模板", "Cannot save the template")):
        saved = library.save(template_id, body)
        st.success(t(f"已保存为版本 {saved.version}。", f"Saved as version {saved.version}."))
        st.rerun()
if col_reset.button(
    t("恢复默认", "Reset to the default"), key="prompts_reset", disabled=current.version == 0
):
    with guarded(t("无法恢复", "Cannot reset")):
        library.reset(template_id)
        st.rerun()

saved_versions = library.versions(template_id)
if saved_versions:
    numbers = [0] + [v.version for v in saved_versions]
    chosen = st.selectbox(
        t("已保存的版本", "Saved versions"), numbers, index=numbers.index(current.version),
        format_func=lambda n: t("0 · 默认", "0 · default") if n == 0 else next(
            f"{v.version} · {v.saved_at} · {v.content_hash}" for v in saved_versions if v.version == n),
        key="prompts_version",
    )  # fmt: skip
    if chosen != current.version and st.button(
        t("使用此版本", "Use this version"), key="prompts_use_version"
    ):
        library.use_version(template_id, int(chosen))
        st.rerun()

preview_tab, diff_tab = st.tabs(
    [t("预览", "Preview"), t("与默认的差异", "Diff against the default")]
)
with preview_tab, guarded(t("无法预览", "Cannot preview")):
    preview(library, template_id, body)
with diff_tab:
    difference = library.diff(template_id)
    if difference:
        st.code(difference, language="diff")
    else:
        st.caption(t("使用中的版本与默认相同。", "The version in use is the default."))
