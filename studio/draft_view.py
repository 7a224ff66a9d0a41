"""The Draft page's pieces: the brief editor, the live view of a running job, and one section
with its versions, checks, hand edit and regenerate button."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.brief import brief_from_form, current_brief, save_brief
from ragcore.drafting.pipeline import write_brief
from ragcore.drafting.projects import Project
from ragcore.drafting.review import review_hand_edit
from ragcore.drafting.versions import SectionVersion
from ragcore.retrieval.sectionplan import SectionSpec
from studio.common import gateway, guarded, lang, projects, settings, store, t
from studio.draft_checks_view import finding_lines, is_new
from studio.jobs import DraftJob, job_for, start_draft
from studio.progress_view import draft_phase, seconds, status_word
from studio.versions_view import (
    explain_repeat,
    numbering,
    remember_regenerated,
    status_line,
    version_label,
    versions,
)

STATUS_ICONS = {"complete": "✅", "incomplete": "✂️", "stopped": "⏹️", "failed": "❌"}


# -- brief --------------------------------------------------------------------------------------------
def generate_brief_now(project: Project) -> None:
    with st.spinner(t("正在生成纲要…", "Writing the brief…")):
        write_brief(settings(), project, gateway=gateway(), store=store(), projects=projects())


def brief_panel(project: Project, busy: bool) -> None:
    found = current_brief(projects(), project.project_id)
    with st.expander(
        t("论文纲要（所有章节共用）", "Paper brief (shared by every section)"),
        expanded=is_new(project),
    ):
        if st.button(
            t("重新生成纲要", "Regenerate the brief") if found else t("生成纲要", "Generate the brief"),
            key="draft_brief_generate", disabled=busy,
        ):  # fmt: skip
            with guarded(t("无法生成纲要", "Cannot write the brief")):
                generate_brief_now(project)
                st.rerun()
        if found is None:
            st.info(
                t(
                    "还没有纲要：生成全部章节时会先生成它。",
                    "No brief yet: generating the sections writes one first.",
                )
            )
            return
        version, brief = found
        source = brief_source(brief.source)
        st.caption(t(f"版本 {version} · 来源：{source}", f"version {version} · source: {source}"))
        with st.form("draft_brief_form"):
            title = st.text_input(
                t("暂定标题", "Working title"), brief.title, key="draft_brief_title"
            )
            question = st.text_area(
                t("研究问题", "Research question"),
                brief.research_question,
                key="draft_brief_question",
            )
            method = st.text_input(
                t("核心方法名称", "Core method name"), brief.method_name, key="draft_brief_method"
            )
            idea = st.text_area(
                t("核心思想", "Core idea"), brief.method_idea, key="draft_brief_idea"
            )
            contributions = st.text_area(
                t("主要贡献（每行一条）", "Contributions (one per line)"), "\n".join(brief.contributions),
                key="draft_brief_contributions",
            )  # fmt: skip
            datasets = st.text_input(
                t("数据集（逗号分隔）", "Datasets (comma separated)"),
                ", ".join(brief.datasets),
                key="draft_brief_datasets",
            )
            metrics = st.text_input(
                t("评价指标（逗号分隔）", "Metrics (comma separated)"),
                ", ".join(brief.metrics),
                key="draft_brief_metrics",
            )
            if st.form_submit_button(t("保存纲要", "Save the brief"), key="draft_brief_save"):
                with guarded(t("无法保存纲要", "Cannot save the brief")):
                    edited = brief_from_form(
                        title=title, research_question=question, method_name=method,
                        method_idea=idea, contributions=contributions, datasets=datasets,
                        metrics=metrics,
                    )  # fmt: skip
                    save_brief(projects(), project.project_id, edited)
                    st.rerun()


# -- the running job ------------------------------------------------------------------------------------
def live_job(project: Project, plan_specs: list[SectionSpec]) -> None:
    """Progress per section and the text streaming in; refreshes itself while the job runs."""
    job = job_for(project.project_id)
    running = job is not None and job.running

    @st.fragment(run_every=0.5 if running else None)
    def panel() -> None:
        current = job_for(project.project_id)
        if current is None:
            return
        if not current.running:
            if st.session_state.get("draft_job_shown") != current.started:
                st.session_state["draft_job_shown"] = current.started
                st.rerun(scope="app")  # show the saved versions once
            if current.error:
                st.error(t("生成失败：", "Generation failed: ") + current.error)
            return
        _job_progress(current, plan_specs)

    panel()


def _job_progress(job: DraftJob, specs: list[SectionSpec]) -> None:
    _, texts = job.snapshot()
    wanted = [s for s in specs if not job.sections or s.key in job.sections]
    keys = [s.key for s in wanted]
    with st.status(
        t(f"正在生成… 已用 {job.elapsed:.0f} 秒", f"Generating… {job.elapsed:.0f} s elapsed"),
        expanded=True,
    ):
        phase = draft_phase(job, keys)
        finished = sum(job.section_status(k) not in ("waiting", "writing") for k in keys)
        st.progress(finished / max(1, len(keys)), text=phase)
        for spec in wanted:
            status = job.section_status(spec.key)
            since = job.section_elapsed(spec.key)
            took = f" · {seconds(since)}" if since is not None else ""
            st.markdown(
                f"**{spec.name(lang())}** · {STATUS_ICONS.get(status, '⏳')} {status_word(status)}{took}"
            )
            if spec.key in texts and status == "writing":
                st.caption(texts[spec.key][-600:])


# -- one section -------------------------------------------------------------------------------------------
def section_panel(project: Project, spec: SectionSpec, busy: bool) -> None:
    key = spec.key
    history = versions().history(project.project_id, key)
    current = versions().current(project.project_id, key)
    latest = history[-1] if history else None
    with st.container(border=True, key=f"draft_section_{key}"):
        st.subheader(spec.name(lang()))
        if (
            latest is not None
            and latest.status == "failed"
            and (current is None or latest.version_id > current.version_id)
        ):
            st.error(t("最近一次生成失败：", "The last attempt failed: ") + latest.message)
        if st.button(
            t("重新生成本节", "Regenerate this section") if current else t("生成本节", "Generate this section"),
            key=f"draft_regenerate_{key}", disabled=busy,
        ):  # fmt: skip
            remember_regenerated(key)
            start_draft(
                settings(),
                project,
                gateway(),
                sections=[key],
                model=project.model or gateway().default_model,
            )
            st.rerun()
        if current is None:
            st.caption(t("还没有草稿。", "No draft yet."))
            return
        _version_picker(project, key, history, current)
        _show_version(current, numbering(history))
        explain_repeat(history, current)
        _hand_edit(project, current)


def _version_picker(
    project: Project, key: str, history: list[SectionVersion], current: SectionVersion
) -> None:
    usable = [v for v in history if v.usable]
    if len(usable) < 2:
        return
    ids = [v.version_id for v in usable]
    numbers = numbering(history)
    st.session_state[f"draft_version_{key}"] = current.version_id
    st.selectbox(
        t("使用的版本", "Version in use"), ids,
        format_func={v.version_id: version_label(v, numbers) for v in usable}.__getitem__,
        key=f"draft_version_{key}",
        on_change=lambda: versions().pick(project.project_id, key, st.session_state[f"draft_version_{key}"]),
    )  # fmt: skip


def _show_version(version: SectionVersion, numbers: dict[int, int]) -> None:
    icon = STATUS_ICONS.get(version.status, "")
    st.caption(
        f"{icon} {status_line(version, numbers)} · "
        + t(f"输入 {version.tokens_in} / 输出 {version.tokens_out} 词元 · {version.latency_s:.1f} 秒",
            f"{version.tokens_in} tokens in / {version.tokens_out} out · {version.latency_s:.1f} s")
    )  # fmt: skip
    if version.origin == "extractive":
        st.info(
            t(
                "抽取式草稿：由证据中的句子组成（离线模型）。",
                "Extractive draft: composed from evidence sentences (offline model).",
            )
        )
    if version.status in ("incomplete", "stopped"):
        st.warning(version.message or t("本节没有写完。", "This section is not finished."))
    text_col, check_col = st.columns([3, 1])
    text_col.markdown(version.text)
    findings = finding_lines(version.checks, lang())
    with check_col:
        if not findings:
            st.success(t("引用与事实检查通过", "Citations and grounding OK"))
        for line in findings:
            st.warning(line)


def _with_evidence_texts(version: SectionVersion) -> SectionVersion:
    """A version saved before versions kept their evidence texts: the cards' current texts."""
    if version.evidence_texts or not version.evidence_ids:
        return version
    cards = store().get_cards(ids=version.evidence_ids)
    version.evidence_texts = [version.edited_texts.get(c.card_id, c.text) for c in cards]
    return version


def _hand_edit(project: Project, current: SectionVersion) -> None:
    key = current.section
    with st.expander(t("手动编辑", "Edit by hand")):
        if st.session_state.get(f"draft_edit_base_{key}") != current.version_id:
            st.session_state[f"draft_edit_base_{key}"] = current.version_id
            st.session_state[f"draft_edit_{key}"] = current.text  # start from the version shown
        text = st.text_area(t("本节文本", "Section text"), height=300, key=f"draft_edit_{key}")
        if st.button(t("保存为新版本", "Save as a new version"), key=f"draft_save_{key}"):
            with guarded(t("无法保存", "Cannot save")):
                found = current_brief(projects(), project.project_id)
                terms: list[str] = found[1].terms() if found else []
                review = review_hand_edit(_with_evidence_texts(current), text, terms)
                versions().save_edit(current, text, review)
                st.rerun()


_FAILED = "extractive (the model failed: "


def brief_source(source: str) -> str:
    """Where the brief came from, in the interface language (ragcore records it in English;
    a model's error message stays as the model's library wrote it)."""
    known = {
        "model": t("模型生成", "the model"),
        "extractive": t(
            "抽取式（离线，从证据中摘取）", "extractive (offline, taken from the evidence)"
        ),
        "edited": t("用户修改", "edited by you"),
        "extractive (the model's answer was not a readable brief)": t(
            "抽取式（模型的回答不是可读的纲要）",
            "extractive (the model's answer was not a readable brief)",
        ),
    }
    if source in known:
        return known[source]
    if source.startswith(_FAILED):
        error = source.removeprefix(_FAILED).removesuffix(")")
        return t(f"抽取式（模型调用失败：{error}）", source)
    return source
