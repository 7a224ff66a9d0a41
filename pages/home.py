"""Projects (home): create or open a project; the library's statistics; a warning when the
library holds little evidence for the project's topic."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.outline import chosen_outline
from studio.common import (
    begin_page,
    guarded,
    lang,
    model_names,
    projects,
    require_project_id,
    section_plan,
    set_current_project,
    settings,
    store,
    store_ready,
    t,
)
from studio.home_view import library_statistics, topic_coverage
from studio.outline_view import outline_editor
from studio.paper_selection_view import paper_selection_editor, selection_summary
from studio.projects_view import manage_projects

begin_page("项目", "Projects", "🏠")
project_store = projects()
plan = section_plan()

new_tab, open_tab, manage_tab = st.tabs(
    [
        t("新建项目", "New project"),
        t("打开项目", "Open a project"),
        t("管理项目", "Manage projects"),
    ]
)

with new_tab, st.form("home_new_form"):
    topic = st.text_area(
        t("研究主题", "Research topic"),
        key="home_new_topic",
        placeholder=t(
            "例如：基于深度学习的图像分类方法研究", "e.g. Contrastive learning for image retrieval"
        ),
    )
    name = st.text_input(t("项目名称（可选）", "Project name (optional)"), key="home_new_name")
    col_lang, col_model = st.columns(2)
    paper_lang = col_lang.radio(
        t("论文语言", "Paper language"),
        ["auto", "zh", "en"],
        format_func={
            "auto": t("按主题自动", "from the topic"),
            "zh": t("中文", "Chinese"),
            "en": t("英文", "English"),
        }.get,
        horizontal=True,
        key="home_new_lang",
    )
    known_models = model_names()
    model = col_model.selectbox(
        t("模型", "Model"), known_models, key="home_new_model", accept_new_options=True,
        index=known_models.index(settings().model) if settings().model in known_models else 0,
    )  # fmt: skip
    plan_keys = plan.keys()
    section_names = {key: plan.find(key).name(lang()) for key in plan_keys}
    sections = st.multiselect(
        t("章节", "Sections"),
        plan_keys,
        default=plan_keys,
        # Labels made in this run (studio.common.labels); a typed new section shows as typed.
        format_func=lambda key: section_names.get(key, str(key)),
        key="home_new_sections",
        accept_new_options=True,  # 讨论, Limitations, ...: a section of the project's own
    )
    if st.form_submit_button(t("创建项目", "Create project"), type="primary", key="home_create"):
        with guarded(t("无法创建项目", "Cannot create the project")):
            if model not in model_names():
                st.error(
                    t(f"未知模型 {model!r}；可用：", f"Unknown model {model!r}; known: ")
                    + ", ".join(model_names())
                )
                st.stop()
            if not sections:
                st.error(t("请至少选择一个章节。", "Choose at least one section."))
                st.stop()
            created = project_store.create(
                topic,
                name=name,
                lang=None if paper_lang == "auto" else paper_lang,
                model=str(model),
                section_plan=chosen_outline(plan, list(sections)),
            )
            set_current_project(created.project_id)
            st.session_state["home_created"] = created.project_id
            st.rerun()

with open_tab:
    known = project_store.list_projects()
    if not known:
        st.caption(t("还没有项目。", "No projects yet."))
    for item in known:
        with st.container(border=True):
            col_text, col_button = st.columns([5, 1])
            col_text.markdown(f"**{item.name}** · `{item.lang}` · {item.model or '—'}")
            col_text.caption(f"{item.topic} · {item.updated_at[:16].replace('T', ' ')}")
            if col_button.button(t("打开", "Open"), key=f"home_open_{item.project_id}"):
                set_current_project(item.project_id)
                st.rerun()


with manage_tab:
    manage_projects()


@st.fragment(run_every=1.0)
def wait_for_library() -> None:
    if store_ready():
        st.rerun(scope="app")
    st.info(t("正在加载文献库…", "Loading the library…"), icon=":material/hourglass_empty:")


project_id = require_project_id(stop=False)
if project_id:
    project = project_store.get(project_id)
    if st.session_state.pop("home_created", None) == project_id:
        st.success(t(f"已创建项目「{project.name}」。", f"Created project “{project.name}”."))
    st.subheader(t("当前项目：", "Current project: ") + project.name)
    st.caption(project.topic)
    with guarded(t("读取论文大纲", "reading the outline")):
        outline_editor(project)
if not store_ready():
    wait_for_library()
    st.stop()
if project_id:
    with st.expander(selection_summary(project)), guarded(t("论文选择", "Paper selection")):
        paper_selection_editor(project, "home")
    with guarded(t("检查证据覆盖", "checking the evidence coverage")):
        topic_coverage(project, store(), settings())

with guarded(t("读取文献库", "reading the library")):
    library_statistics(store())
