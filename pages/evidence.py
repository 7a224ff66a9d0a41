"""Evidence: one tab per section; per summary type a table of the retrieved cards (include, pin,
relevance, paper, editable text, tags); manual notes; retrieve again with another query or k;
a live preview of the section's context with its character and token counts."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.projects import Project
from ragcore.drafting.section_evidence import write_edits_to_library
from ragcore.library.cards import SummaryType
from studio.card_view import card_reader
from studio.common import (
    begin_page,
    guarded,
    lang,
    projects,
    require_project,
    section_plan,
    store,
    t,
)
from studio.evidence_view import (
    SectionView,
    bump_tables,
    column_config,
    context_notes,
    save_returned_changes,
    save_table_edits,
    section_view,
    table_key,
    type_table,
)
from studio.paper_selection_view import paper_selection_editor, selection_summary
from studio.papers_view import lang_label


def type_label(summary_type: SummaryType) -> str:
    return summary_type.zh if lang() == "zh" else summary_type.label


def retrieval_controls(project: Project, view: SectionView) -> None:
    sec = view.spec.zh
    col_query, col_k, col_button = st.columns([6, 1, 2], vertical_alignment="bottom")
    query = col_query.text_input(
        t("检索查询", "Retrieval query"), value=view.topic, key=f"evidence_query_{sec}"
    )
    k = col_k.number_input(
        "k", min_value=1, max_value=50, value=max(view.spec.types.values()), key=f"evidence_k_{sec}"
    )
    if col_button.button(t("重新检索", "Retrieve again"), key=f"evidence_retrieve_{sec}"):
        query_text = " ".join(query.split())
        state = view.state.model_copy(
            update={"query": "" if query_text == project.topic else query_text, "k": int(k)}
        )
        projects().set_section_state(project.project_id, state)
        st.rerun()


def evidence_tables(project: Project, view: SectionView) -> None:
    for summary_type in view.spec.types:
        st.markdown(f"**{type_label(summary_type)}**")
        if summary_type in view.evidence.types_without_strong_cards:
            st.warning(
                t(
                    "没有高于相关度阈值的卡片：本类型证据很弱。",
                    "No card above the relevance floor: this type's evidence is weak.",
                )
            )
        shown = type_table(view, summary_type)
        if shown.empty:
            st.caption(t("文献库中没有这种类型的卡片。", "The library has no card of this type."))
            continue
        cards = [i for i in view.evidence.by_type(summary_type) if i.kind == "card"]
        key = table_key(view, summary_type, project)
        library_texts = {i.evidence_id: i.card.text for i in view.evidence.by_type(summary_type)}
        edited = st.data_editor(
            shown,
            key=key,
            column_config=column_config(),
            disabled=["relevance", "key", "paper", "lang"],
            hide_index=True,
            width="stretch",
            on_change=save_table_edits,
            args=(project.project_id, view.spec.key, key, shown, library_texts),
        )
        with guarded(t("无法保存修改", "Cannot save the change")):
            if save_returned_changes(project, view, shown, edited):
                st.rerun()
        other_lang = [i for i in cards if i.card.lang and i.card.lang != project.lang]
        if other_lang:
            st.caption(
                t(f"{len(other_lang)} 张卡片的语言与论文语言（{lang_label(project.lang)}）不同；起草时会按论文语言改写。",
                  f"{len(other_lang)} cards are not in the paper's language ({lang_label(project.lang)}); drafting writes them in it.")
            )  # fmt: skip
        card_reader(cards, f"evidence_read_{view.spec.zh}_{summary_type.value}")


def manual_notes(project: Project, view: SectionView) -> None:
    sec = view.spec.zh
    st.markdown(
        t(
            "**手写笔记**（作为证据，始终纳入）",
            "**Manual notes** (used as evidence, always included)",
        )
    )
    for note in projects().notes(project.project_id, view.spec.key):
        col_text, col_delete = st.columns([8, 1])
        col_text.info(f"{type_label(note.summary_type)}: {note.text}")
        if col_delete.button("🗑️", key=f"evidence_note_delete_{note.note_id}"):
            projects().delete_note(project.project_id, note.note_id)
            st.rerun()
    with st.form(f"evidence_note_form_{sec}", clear_on_submit=True):
        text = st.text_area(t("新笔记", "New note"), key=f"evidence_note_text_{sec}")
        kind = st.selectbox(
            t("总结类型", "Summary type"), list(view.spec.types),
            format_func={s: type_label(s) for s in view.spec.types}.__getitem__,
            key=f"evidence_note_type_{sec}",
        )  # fmt: skip
        if st.form_submit_button(t("添加笔记", "Add note"), key=f"evidence_note_add_{sec}"):
            with guarded(t("无法添加笔记", "Cannot add the note")):
                projects().add_note(project.project_id, view.spec.key, text, kind)
                st.rerun()


def apply_to_library(project: Project, view: SectionView) -> None:
    """The library card changes only when the user asks: each edited card becomes a new card."""
    edited = [i for i in view.evidence.items if i.kind == "card" and i.edited_text is not None]
    if not edited:
        return
    label = t(
        f"把本节的 {len(edited)} 处修改写回文献库",
        f"Write this section's {len(edited)} edits to the library",
    )
    if st.button(label, key=f"evidence_apply_library_{view.spec.zh}"):
        write_edits_to_library(store(), projects(), project.project_id, edited)
        bump_tables(view)
        st.session_state.pop("evidence_retrieval", None)
        st.rerun()


def context_preview(view: SectionView) -> None:
    built = view.built
    col_chars, col_tokens, col_cards = st.columns(3)
    col_chars.metric(t("上下文字符数", "Context characters"), built.chars)
    col_tokens.metric(t("词元数 / 预算", "Tokens / budget"), f"{built.tokens} / {built.budget}")
    col_cards.metric(t("使用的卡片", "Cards used"), len(built.items))
    for line in context_notes(built, lang()):
        st.warning(line)
    with st.expander(t("上下文预览", "Context preview"), expanded=False):
        st.code(built.text, language="markdown", wrap_lines=True)


begin_page("证据", "Evidence", "🔎")
project = require_project()
plan = section_plan(project)
st.caption(t("主题：", "Topic: ") + project.topic)
with st.expander(selection_summary(project)), guarded(t("论文选择", "Paper selection")):
    paper_selection_editor(project, "evidence")
tabs = st.tabs(
    [spec.name(lang()) for spec in plan.sections], key="evidence_tabs", on_change="rerun"
)
for spec, tab in zip(plan.sections, tabs, strict=True):
    if not tab.open:
        continue  # only the open tab retrieves and renders
    with tab, guarded(t("证据", "Evidence")):
        view = section_view(project, spec.key)
        retrieval_controls(project, view)
        evidence_tables(project, view)
        manual_notes(project, view)
        apply_to_library(project, view)
        st.divider()
        context_preview(view)
