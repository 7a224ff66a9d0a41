"""The project's paper selection ("use only these papers for this paper"): all library papers by
default, or a chosen few picked by title, authors and year (the multiselect searches as one
types). Shown on Projects (the current project) and at the top of Evidence."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.paper_selection import paper_selection, set_paper_selection
from ragcore.drafting.projects import Project
from studio.common import guarded, lang, projects, store, t
from studio.papers_view import PaperInfo, paper_infos


def _option_label(info: PaperInfo) -> str:
    details = info.details()
    return f"{info.label} — {details}" if details else info.label


def _dropped_note(dropped: tuple[str, ...], nothing_left: bool) -> str:
    names = ("、" if lang() == "zh" else ", ").join(dropped)
    if nothing_left:
        return t(
            f"已从文献库删除，移出本项目的论文：{names}。所选论文已全部不在，不会使用任何卡片；请重新选择或改用全部论文。",
            f"No longer in the library, left out of this project's papers: {names}. No chosen "
            "paper is left, so no card is used: choose papers or use all papers.",
        )
    return t(
        f"已从文献库删除，移出本项目的论文：{names}。其余所选论文照常使用。",
        f"No longer in the library, left out of this project's papers: {names}. The other "
        "chosen papers are still used.",
    )


def selection_summary(project: Project) -> str:
    selection = paper_selection(store(), project)
    if selection.papers is None:
        return t("论文：文献库全部论文", "Papers: all papers in the library")
    return t(
        f"论文：仅用所选的 {len(selection.papers)} 篇",
        f"Papers: only {len(selection.papers)} chosen",
    )


def paper_selection_editor(project: Project, where: str) -> None:
    """Choose the papers this project draws evidence from; saved with the project."""
    selection = paper_selection(store(), project)
    if selection.dropped:
        st.warning(_dropped_note(selection.dropped, not selection.papers))
    infos = paper_infos()
    key = f"{where}_papers_{project.project_id}"
    modes = {False: t("全部论文", "All papers"), True: t("仅用所选论文", "Only the chosen papers")}
    only = st.radio(
        t("本项目使用的论文", "Papers this project uses"),
        [False, True],
        index=int(selection.restricted),
        # Labels made in this run: a lambda calling t() later would not know the language.
        format_func=modes.__getitem__,
        horizontal=True,
        key=f"{key}_mode",
    )
    chosen: list[str] = []
    if only:
        chosen = st.multiselect(
            t("论文（按标题、作者或年份搜索）", "Papers (search by title, author or year)"),
            sorted(infos, key=lambda pid: infos[pid].label.casefold()),
            default=sorted(p for p in selection.papers or () if p in infos),
            format_func=lambda pid: _option_label(infos[pid]),
            key=f"{key}_chosen",
            placeholder=t("选择论文", "Choose papers"),
        )
    if st.button(t("保存论文选择", "Save the paper selection"), key=f"{key}_save"):
        with guarded(t("无法保存论文选择", "Cannot save the paper selection")):
            if only and not chosen:
                st.error(t("请至少选择一篇论文，或改用全部论文。",
                           "Choose at least one paper, or use all papers."))  # fmt: skip
                return
            set_paper_selection(store(), projects(), project.project_id, chosen if only else None)
            st.rerun()
