"""Managing projects on the Projects page: rename, duplicate, delete. A project being drafted
is not deleted (its job would write into a project that no longer exists): stop it first."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.project_admin import duplicate_project, rename_project
from studio.common import current_project_id, guarded, projects, set_current_project, t
from studio.jobs import job_for


def manage_projects() -> None:
    known = projects().list_projects()
    if not known:
        st.caption(t("还没有项目。", "No projects yet."))
        return
    names = {p.project_id: p.name for p in known}
    chosen = st.selectbox(
        t("项目", "Project"), list(names), format_func=names.__getitem__,
        index=list(names).index(current_project_id()) if current_project_id() in names else 0,
        key="home_manage_project",
    )  # fmt: skip
    new_name = st.text_input(t("新名称", "New name"), key="home_manage_name")
    col_rename, col_copy, col_delete = st.columns(3)
    if col_rename.button(t("重命名", "Rename"), key="home_rename"):
        with guarded(t("无法重命名", "Cannot rename")):
            rename_project(projects(), chosen, new_name)
            st.rerun()
    if col_copy.button(t("复制（不含草稿）", "Duplicate (without drafts)"), key="home_duplicate"):
        with guarded(t("无法复制", "Cannot duplicate")):
            copy = duplicate_project(
                projects(), chosen, new_name or names[chosen] + t("（副本）", " (copy)")
            )
            set_current_project(copy.project_id)
            st.rerun()
    confirm = st.checkbox(
        t(
            "确认删除（草稿和证据选择都会删除）",
            "Confirm deleting (its drafts and evidence choices go too)",
        ),
        key="home_delete_confirm",
    )
    if col_delete.button(t("删除", "Delete"), key="home_delete", disabled=not confirm):
        job = job_for(chosen)
        if job is not None and job.running:
            st.error(
                t("该项目正在生成草稿：先在「草稿」页停止，再删除。",
                  "This project is being drafted: stop it on Draft first, then delete it.")
            )  # fmt: skip
            return
        with guarded(t("无法删除", "Cannot delete")):
            projects().delete(chosen)
            if current_project_id() == chosen:
                set_current_project(None)
            st.rerun()
