"""Prompts: the templates (sections, summaries, the brief); edit the language you write in, with
variable checking; a preview rendered for the current project and a section that uses the
template; save as a new version (an override for every project: the shipped files never change);
the diff against the default; reset."""

from __future__ import annotations

import streamlit as st

from ragcore.llm.prompts import PromptLibrary
from studio.common import begin_page, current_project_id, guarded, projects, settings, t
from studio.prompts_view import (
    editable_body,
    preview,
    template_purpose,
    where_it_applies,
    whole_body,
)

begin_page("提示词", "Prompts", "🧩")
library = PromptLibrary.from_settings(settings())
template_id = st.selectbox(t("模板", "Template"), library.ids(), key="prompts_template")
current = library.get(template_id)
default = library.default(template_id)
st.caption(
    f"{template_purpose(template_id, current.description)} · "
    + t(f"当前版本 {current.version}（0 = 默认）", f"version in use {current.version} (0 = default)")
    + " · " + t("可用变量：", "variables: ") + ", ".join(f"`{v}`" for v in default.variables)
)  # fmt: skip
project_id = current_project_id()
where_it_applies(template_id, projects().get(project_id).model if project_id else None)

parts, edited_lang = editable_body(current)
shown_for = (template_id, current.version, current.content_hash, edited_lang)
if st.session_state.get("prompts_body_for") != shown_for:
    st.session_state["prompts_body_for"] = shown_for
    # Start from the version in use (its branch in the language edited).
    st.session_state["prompts_body"] = (
        parts.part(edited_lang) if parts and edited_lang else current.body
    )
body = st.text_area(
    t("模板正文（jinja2）", "Template body (jinja2)"), height=360, key="prompts_body"
)
full_body = whole_body(parts, edited_lang, body)

col_save, col_reset = st.columns(2)
if col_save.button(t("保存为新版本", "Save as a new version"), type="primary", key="prompts_save"):
    with guarded(t("无法保存模板", "Cannot save the template")):
        saved = library.save(template_id, full_body)
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
        format_func=({0: t("0 · 默认", "0 · default")} | {
            v.version: f"{v.version} · {v.saved_at} · {v.content_hash}" for v in saved_versions}).__getitem__,
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
    preview(library, template_id, full_body, edited_lang)
with diff_tab:
    difference = library.diff(template_id)
    if difference:
        st.code(difference, language="diff")
    else:
        st.caption(t("使用中的版本与默认相同。", "The version in use is the default."))
