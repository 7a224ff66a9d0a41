"""Draft: the editable brief; generate all sections with progress per section and the text
streaming in; stop; per section regenerate, pick a version, edit by hand, and see citation and
grounding warnings next to the text, and each section's quality findings."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.pipeline import unfinished_sections
from studio.common import begin_page, gateway, projects, require_project, section_plan, settings, t
from studio.draft_checks_view import brief_sources, undo_evidence
from studio.draft_view import brief_panel, live_job, section_panel
from studio.jobs import job_for, start_draft
from studio.quality_view import project_scorecard, section_quality

begin_page("草稿", "Draft", "✍️")
project = require_project()
specs = list(section_plan(project).sections)
models = gateway().models
job = job_for(project.project_id)
busy = job is not None and job.running

st.caption(t("主题：", "Topic: ") + project.topic)
if project.model and project.model not in models:
    st.error(
        t(f"本项目的模型 {project.model!r} 未配置；请另选一个。可用：",
          f"This project's model {project.model!r} is not configured; choose another. Known: ")
        + ", ".join(models)
    )  # fmt: skip
col_model, col_all, col_resume, col_stop = st.columns([3, 2, 2, 1], vertical_alignment="bottom")
model = col_model.selectbox(
    t("模型", "Model"), models,
    index=models.index(project.model) if project.model in models else 0,
    key="draft_model", disabled=busy,
)  # fmt: skip
if model != project.model and not busy:
    project = projects().update(project.project_id, model=model)
if col_all.button(
    t("生成全部章节", "Generate all sections"),
    type="primary",
    key="draft_generate_all",
    disabled=busy,
):
    start_draft(settings(), project, gateway(), model=model)
    st.rerun()
# Sections with no complete version: missing, failed, cut off, or left partial by a killed run.
unfinished = unfinished_sections(settings(), project)
if col_resume.button(
    t(f"继续未完成的章节（{len(unfinished)}）", f"Resume unfinished sections ({len(unfinished)})"),
    key="draft_resume",
    disabled=busy or not unfinished or len(unfinished) == len(specs),
):
    start_draft(settings(), project, gateway(), sections=unfinished, model=model)
    st.rerun()
if col_stop.button(t("停止", "Stop"), key="draft_stop", disabled=not busy) and job is not None:
    job.cancel.set()
    st.toast(t("正在停止：已生成的文本会保留。", "Stopping: the text that arrived is kept."))

brief_panel(project, busy)
brief_sources(project)
undo_evidence(project, busy)
live_job(project, specs)
scorecard = None if busy else project_scorecard(project)
for spec in specs:
    section_panel(project, spec, busy)
    section_quality(scorecard, project, spec)
