"""The project's outline editor (add, rename, reorder, delete sections; each section's summary
types, length target and prompt) and its front matter (title, abstract, keywords)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ragcore.drafting.outline import (
    add_section,
    configure_section,
    delete_section,
    front_matter,
    move_section,
    rename_section,
    save_front_matter,
)
from ragcore.library.cards import SummaryType
from studio.common import guarded, lang, projects, settings, t


def type_word(summary_type: SummaryType) -> str:
    return summary_type.zh if lang() == "zh" else summary_type.label


def _section_rows(project: Any) -> None:
    plan = projects().plan(project)
    last = len(plan.sections) - 1
    for n, spec in enumerate(plan.sections):
        col_name, col_types, col_up, col_down, col_delete = st.columns([4, 6, 1, 1, 1])
        col_name.markdown(f"**{n + 1}. {spec.name(lang())}**")
        col_types.caption(
            ", ".join(f"{type_word(s)} {k}" for s, k in spec.types.items())
            + f" · {spec.words[0]}–{spec.words[1]}"
            + (f" · {spec.prompt}" if spec.prompt else "")
        )
        for column, label, key, position, disabled in (
            (col_up, "↑", f"outline_up_{spec.key}", n - 1, n == 0),
            (col_down, "↓", f"outline_down_{spec.key}", n + 1, n == last),
        ):
            if column.button(label, key=key, disabled=disabled):
                with guarded(t("无法移动章节", "Cannot move the section")):
                    move_section(projects(), project, spec.key, position)
                    st.rerun()
        if col_delete.button("✕", key=f"outline_delete_{spec.key}", disabled=last == 0,
                             help=t("删除章节", "Delete the section")):  # fmt: skip
            with guarded(t("无法删除章节", "Cannot delete the section")):
                delete_section(projects(), project, spec.key)
                st.rerun()


def _add_form(project: Any) -> None:
    with st.form("outline_add_form", clear_on_submit=True):
        col_name, col_en = st.columns(2)
        name = col_name.text_input(t("新章节名称（如 讨论、局限性）", "New section (e.g. Discussion, Limitations)"),
                                   key="outline_add_name")  # fmt: skip
        en = col_en.text_input(t("英文名（可选）", "English name (optional)"), key="outline_add_en")
        if st.form_submit_button(t("添加章节", "Add section"), key="outline_add"):
            with guarded(t("无法添加章节", "Cannot add the section")):
                add_section(projects(), project, name, en=en)
                st.rerun()


def _rename_form(project: Any, plan: Any) -> None:
    with st.form("outline_rename_form"):
        section = st.selectbox(
            t("章节", "Section"), plan.keys(), key="outline_rename_section",
            format_func=lambda key: f"{plan.find(key).zh} · {plan.find(key).en}",
        )  # fmt: skip
        col_zh, col_en = st.columns(2)
        zh = col_zh.text_input(t("新中文名", "New Chinese name"), key="outline_rename_zh")
        en = col_en.text_input(t("新英文名", "New English name"), key="outline_rename_en")
        if st.form_submit_button(t("重命名", "Rename"), key="outline_rename"):
            with guarded(t("无法重命名", "Cannot rename")):
                rename_section(projects(), project, str(section), zh=zh, en=en)
                st.rerun()


def _settings_form(project: Any, plan: Any, templates: list[str]) -> None:
    names = {key: plan.find(key).name(lang()) for key in plan.keys()}  # noqa: SIM118  (a model: iterating it yields fields)
    section = st.selectbox(
        t("设置章节", "Section settings"), plan.keys(), key="outline_config_section",
        format_func=names.__getitem__,
    )  # fmt: skip
    spec = plan.find(str(section))
    with st.form(f"outline_config_form_{spec.key}"):
        types = st.multiselect(
            t("使用的总结类型", "Summary types it draws on"), list(SummaryType),
            default=list(spec.types), format_func={s: type_word(s) for s in SummaryType}.__getitem__,
            key=f"outline_config_types_{spec.key}",
        )  # fmt: skip
        col_min, col_max = st.columns(2)
        low = col_min.number_input(t("最少字数", "Min length"), 10, 20000, spec.words[0],
                                   key=f"outline_config_min_{spec.key}")  # fmt: skip
        high = col_max.number_input(t("最多字数", "Max length"), 10, 20000, spec.words[1],
                                    key=f"outline_config_max_{spec.key}")  # fmt: skip
        options = ["", *templates]
        prompt = st.selectbox(
            t("提示词模板", "Prompt template"), options,
            index=options.index(spec.prompt) if spec.prompt in options else 0,
            # Labels made in this run (studio.common.labels: a format_func must not call t()).
            format_func={p: p or t("本章模板或通用模板", "its own or the generic template")
                         for p in options}.__getitem__,
            key=f"outline_config_prompt_{spec.key}",
        )  # fmt: skip
        if st.form_submit_button(t("保存设置", "Save settings"), key="outline_config_save"):
            with guarded(t("无法保存", "Cannot save")):
                if not types:
                    st.error(t("至少选择一种总结类型。", "Choose at least one summary type."))
                    return
                configure_section(
                    projects(), project, spec.key, types=[s.value for s in types],
                    words=(int(low), int(high)), prompt=str(prompt),
                )  # fmt: skip
                st.rerun()


def _front_form(project: Any) -> None:
    store = projects()
    # Imported here: the brief loads the prompt templates (Jinja), which the Projects page
    # without an open project never needs; its first draw must not wait for them.
    from ragcore.drafting.brief import current_brief

    brief = current_brief(store, project.project_id)
    front = front_matter(store, project, brief[1] if brief else None)
    with st.form("outline_front_form"):
        title = st.text_input(t("题目", "Title"), front.title, key="outline_front_title")
        abstract = st.text_area(t("摘要", "Abstract"), front.abstract, key="outline_front_abstract")
        keywords = st.text_input(t("关键词（用 ；分隔）", "Keywords (separated by ;)"),
                                 "；".join(front.keywords), key="outline_front_keywords")  # fmt: skip
        if st.form_submit_button(t("保存", "Save"), key="outline_front_save"):
            with guarded(t("无法保存", "Cannot save")):
                save_front_matter(store, project, title, abstract, keywords)
                st.success(t("已保存。", "Saved."))


def outline_editor(project: Any) -> None:
    """The whole editor, for the current project."""
    from ragcore.llm.prompts import PromptLibrary

    library = PromptLibrary.from_settings(settings())
    templates = [i for i in library.ids() if i.startswith("section/")]
    project = projects().get(project.project_id)
    plan = projects().plan(project)
    with st.expander(t("论文大纲（章节、证据类型、字数、提示词）", "Outline (sections, evidence types, length, prompt)"),
                     expanded=False):  # fmt: skip
        _section_rows(project)
        _add_form(project)
        _rename_form(project, plan)
        _settings_form(project, plan, templates)
    with st.expander(t("题目、摘要与关键词", "Title, abstract and keywords")):
        _front_form(project)
