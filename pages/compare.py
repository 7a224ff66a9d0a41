"""Compare: pick a section and two versions (or generate the section again with another model);
side by side with word-level differences and each version's model, prompt, evidence, tokens and
time; keep the one you prefer."""

from __future__ import annotations

import streamlit as st

from pages.common import (
    begin_page,
    gateway,
    guarded,
    lang,
    require_project,
    section_plan,
    settings,
    t,
)
from pages.compare_parts import side_by_side
from pages.draft_parts import version_label, versions
from pages.jobs import job_for, start_draft
from ragcore.drafting.versions import SectionVersion


def details(version: SectionVersion) -> None:
    st.caption(
        " · ".join([
            f"v{version.version_id}", version.origin, version.status,
            t("模型 ", "model ") + (version.model_used or "—"),
            t("提示词 ", "prompt ") + f"{version.template_id or '—'} {version.template_hash[:8]}",
            t(f"证据 {len(version.evidence_ids)} 条", f"{len(version.evidence_ids)} evidence items"),
            t(f"词元 {version.tokens_in}→{version.tokens_out}", f"tokens {version.tokens_in}→{version.tokens_out}"),
            f"{version.latency_s:.1f} s",
        ])
    )  # fmt: skip


def keep_button(
    project_id: str, section: str, version: SectionVersion, side: str, current_id: int | None
) -> None:
    if version.version_id == current_id:
        st.success(t("当前使用的版本", "The version in use"))
    elif st.button(t("保留这一版", "Keep this one"), key=f"compare_keep_{side}"):
        versions().pick(project_id, section, version.version_id)
        st.rerun()


begin_page("对比", "Compare", "⚖️")
project = require_project()
specs = list(section_plan(project).sections)
section = st.selectbox(
    t("章节", "Section"), [s.key for s in specs],
    format_func=lambda key: next(s.name(lang()) for s in specs if s.key == key),
    key="compare_section",
)  # fmt: skip
usable = [v for v in versions().history(project.project_id, section) if v.usable]
current = versions().current(project.project_id, section)

with st.expander(t("用另一个模型再生成本节", "Generate this section again with another model")):
    busy = (job := job_for(project.project_id)) is not None and job.running
    other_model = st.selectbox(t("模型", "Model"), gateway().models, key="compare_model")
    if st.button(t("生成", "Generate"), key="compare_generate", disabled=busy):
        with guarded(t("无法生成", "Cannot generate")):
            start_draft(settings(), project, gateway(), sections=[section], model=other_model)
            st.info(
                t(
                    "正在生成：完成后在「草稿」页或刷新本页查看。",
                    "Generating: see it on Draft or reload this page when done.",
                )
            )
    if busy:
        st.info(t("正在生成…", "Generating…"))

if len(usable) < 2:
    st.info(t("本节需要至少两个版本才能对比：在「草稿」页重新生成或手动编辑。",
              "This section needs two versions to compare: regenerate or edit it on Draft."))  # fmt: skip
    st.stop()

ids = [v.version_id for v in usable]
by_id = {v.version_id: v for v in usable}
col_left, col_right = st.columns(2)
left_id = col_left.selectbox(
    t("左", "Left"), ids, index=len(ids) - 2, format_func=lambda i: version_label(by_id[i]), key="compare_left"
)  # fmt: skip
right_id = col_right.selectbox(
    t("右", "Right"), ids, index=len(ids) - 1, format_func=lambda i: version_label(by_id[i]), key="compare_right"
)  # fmt: skip
left, right = by_id[left_id], by_id[right_id]
left_html, right_html, ratio = side_by_side(left.text, right.text)
st.caption(t(f"相似度 {ratio:.0%}", f"similarity {ratio:.0%}"))
current_id = current.version_id if current else None
for column, version, rendered, side in (
    (col_left, left, left_html, "left"),
    (col_right, right, right_html, "right"),
):
    with column, st.container(border=True, key=f"compare_text_{side}"):
        details(version)
        st.markdown(rendered, unsafe_allow_html=True)  # escaped in side_by_side
        keep_button(project.project_id, section, version, side, current_id)
