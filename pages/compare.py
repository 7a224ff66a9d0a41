"""Compare: pick a section and two versions (or generate the section again with another model
or another prompt version, leaving the version in use on Prompts as it is);
side by side with word-level differences and each version's model, prompt, evidence, tokens and
time; keep the one you prefer."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.versions import SectionVersion
from ragcore.drafting.writer import section_template_id
from ragcore.llm.prompts import PromptLibrary
from ragcore.retrieval.sectionplan import SectionSpec
from studio.common import (
    begin_page,
    gateway,
    guarded,
    labels,
    lang,
    require_project,
    section_plan,
    settings,
    t,
)
from studio.compare_view import prompt_label, prompt_versions, side_by_side
from studio.draft_view import live_job
from studio.jobs import job_for, start_draft
from studio.progress_view import status_word
from studio.versions_view import (
    origin_word,
    remember_regenerated,
    section_numbers,
    version_label,
    versions,
)


def details(version: SectionVersion, numbers: dict[int, int]) -> None:
    st.caption(
        " · ".join([
            f"v{numbers.get(version.version_id, 0)}", origin_word(version.origin), status_word(version.status),
            t("模型 ", "model ") + (version.model_used or "—"),
            t("提示词 ", "prompt ") + prompt_label(version),
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


def newest_section(project_id: str, specs: list[SectionSpec]) -> str | None:
    """The section with the most recent version (the one the user wrote last)."""
    latest = [
        (v.version_id, s.key) for s in specs if (v := versions().latest_attempt(project_id, s.key))
    ]
    return max(latest)[1] if latest else None


begin_page("对比", "Compare", "⚖️")
project = require_project()
specs = list(section_plan(project).sections)
focus = st.session_state.pop("compare_focus", None) or newest_section(project.project_id, specs)
if focus and "compare_section" not in st.session_state:
    st.session_state["compare_section"] = focus  # opens on the section written last
section = st.selectbox(
    t("章节", "Section"), [s.key for s in specs],
    format_func=labels(specs, lambda s: s.name(lang()), key=lambda s: s.key).__getitem__,
    key="compare_section",
)  # fmt: skip
usable = [v for v in versions().history(project.project_id, section) if v.usable]
current = versions().current(project.project_id, section)

with st.expander(
    t("用另一个模型或另一版提示词再生成本节", "Generate this section again with another model or prompt version")
):  # fmt: skip
    busy = (job := job_for(project.project_id)) is not None and job.running
    models = gateway().models
    col_model, col_prompt = st.columns(2)
    other_model = col_model.selectbox(
        t("模型", "Model"), models, index=models.index(project.model) if project.model in models else 0,
        key="compare_model",
    )  # fmt: skip
    library = PromptLibrary.from_settings(settings())
    template_id = section_template_id(library, section)
    in_use = library.get(template_id).version
    choices = prompt_versions(library, template_id)
    if st.session_state.get("compare_prompt_for") != (template_id, in_use):
        st.session_state["compare_prompt_for"] = (template_id, in_use)
        st.session_state["compare_prompt_version"] = in_use  # another section: start from its own
    prompt_version = col_prompt.selectbox(
        t("提示词版本", "Prompt version") + f" · `{template_id}`", list(choices),
        format_func={n: label + (t("（使用中）", " (in use)") if n == in_use else "") for n, label in choices.items()}.__getitem__,
        key="compare_prompt_version",
        help=t("只用于这一次生成；其他工作仍使用「提示词」页中正在使用的版本。",
               "For this generation only; everything else keeps the version in use on Prompts."),
    )  # fmt: skip
    if st.button(t("生成", "Generate"), key="compare_generate", disabled=busy):
        with guarded(t("无法生成", "Cannot generate")):
            remember_regenerated(section)
            start_draft(
                settings(), project, gateway(), sections=[section], model=other_model,
                prompt_versions={template_id: int(prompt_version)},
            )  # fmt: skip
            st.rerun()
    live_job(project, [s for s in specs if s.key == section])

if len(usable) < 2:
    st.info(t("本节需要至少两个版本才能对比：在「草稿」页重新生成或手动编辑。",
              "This section needs two versions to compare: regenerate or edit it on Draft."))  # fmt: skip
    st.stop()

ids = [v.version_id for v in usable]
numbers = section_numbers(project.project_id, section)
by_id = {v.version_id: v for v in usable}
shown = {i: version_label(v, numbers) for i, v in by_id.items()}  # labels made in this run
if st.session_state.get("compare_ids_for") != (section, ids):
    # Another section or a new version (e.g. just generated here): show the newest two.
    st.session_state["compare_ids_for"] = (section, ids)
    st.session_state["compare_left"], st.session_state["compare_right"] = ids[-2], ids[-1]
col_left, col_right = st.columns(2)
left_id = col_left.selectbox(
    t("左", "Left"), ids, format_func=shown.__getitem__, key="compare_left"
)
right_id = col_right.selectbox(
    t("右", "Right"),
    ids,
    format_func=shown.__getitem__,
    key="compare_right",
)
left, right = by_id[left_id], by_id[right_id]
left_html, right_html, ratio = side_by_side(left.text, right.text)
st.caption(t(f"相似度 {ratio:.0%}", f"similarity {ratio:.0%}"))
if left.text.strip() == right.text.strip() and left_id != right_id:
    st.info(t("两个版本的文本完全相同。", "The two versions have exactly the same text."))
current_id = current.version_id if current else None
for column, version, rendered, side in (
    (col_left, left, left_html, "left"),
    (col_right, right, right_html, "right"),
):
    with column, st.container(border=True, key=f"compare_text_{side}"):
        details(version, numbers)
        st.markdown(rendered, unsafe_allow_html=True)  # escaped in side_by_side
        keep_button(project.project_id, section, version, side, current_id)
