"""The Prompts page's pieces: which sections a template writes, the language branch the user
edits, and the preview rendered for the current project and a section that uses the template."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ragcore.drafting.brief import brief_evidence, current_brief
from ragcore.drafting.writer import section_template_id
from ragcore.llm.bilingual import BilingualBody, split_languages
from ragcore.llm.prompts import PromptLibrary, PromptTemplate, body_variables, render_template
from ragcore.retrieval.sectionplan import SectionSpec
from ragcore.settings import OFFLINE_MODEL
from studio.common import current_project_id, lang, projects, section_plan, t
from studio.evidence_view import section_view


def sections_using(
    library: PromptLibrary, template_id: str, specs: list[SectionSpec]
) -> list[SectionSpec]:
    """The sections a template takes part in: a section template writes the sections routed to
    it; the brief and the summary templates take part in every section."""
    if not template_id.startswith("section/"):
        return specs
    return [s for s in specs if section_template_id(library, s.key) == template_id]


def where_it_applies(template_id: str, model: str | None) -> None:
    """Say that a saved version is global, and that the offline model uses no prompt."""
    st.caption(
        t("保存的版本对所有项目生效（提示词不属于某个项目）。",
          "A saved version applies to every project (prompts are not per project).")
    )  # fmt: skip
    if model == OFFLINE_MODEL and not template_id.startswith("summary/"):
        st.info(
            t(f"当前项目使用离线模型 {OFFLINE_MODEL}：它从证据中抽取句子，不使用提示词；提示词的修改只对 LiteLLM 模型生效。",
              f"This project uses the offline model {OFFLINE_MODEL}: it composes from evidence sentences and "
              "ignores prompts; prompt edits take effect with a LiteLLM model.")
        )  # fmt: skip


def edit_language(parts: BilingualBody | None, project_lang: str | None) -> str | None:
    """The language branch the user edits (their paper's language first), or None when the
    template is not bilingual."""
    if parts is None:
        return None
    default = project_lang or lang()
    names = {"zh": t("中文", "Chinese"), "en": t("英文", "English")}
    if st.session_state.get("prompts_lang") not in names:
        st.session_state["prompts_lang"] = default
    chosen = st.radio(
        t("编辑的语言", "Language you edit"), list(names), format_func=names.__getitem__,
        horizontal=True, key="prompts_lang",
        help=t("模板同时包含中英文两版；保存时只改这一种语言，另一种保持不变。",
               "The template holds both languages; saving changes only this one, the other stays as it is."),
    )  # fmt: skip
    return str(chosen)


def editable_body(current: PromptTemplate) -> tuple[BilingualBody | None, str | None]:
    project = projects().get(pid) if (pid := current_project_id()) else None
    parts = split_languages(current.body)
    return parts, edit_language(parts, project.lang if project else None)


def whole_body(parts: BilingualBody | None, edited_lang: str | None, text: str) -> str:
    return parts.with_part(edited_lang, text) if parts and edited_lang else text


def preview_values(project: Any, section_key: str, preview_lang: str) -> dict[str, Any]:
    """Values for every variable a template may use, from the project and one section."""
    view = section_view(project, section_key)
    found = current_brief(projects(), project.project_id)
    no_brief = t("（尚无纲要：生成草稿时会先生成）", "(no brief yet: drafting writes one first)")
    return {
        "topic": project.topic,
        "lang": preview_lang,
        "brief": found[1].to_markdown(preview_lang) if found else no_brief,
        "context": view.built.text,
        "evidence": brief_evidence(view.built.items),
        "word_min": view.spec.words[0],
        "word_max": view.spec.words[1],
        "section_name": view.spec.name(preview_lang),
        "title": t("（示例论文标题）", "(an example paper title)"),
        "sections_text": t("（此处为论文各章节的原文）", "(the paper's section texts go here)"),
        "sentence": t("（草稿中带引用的一句话）", "(a cited sentence of the draft)"),
    }


def preview(library: PromptLibrary, template_id: str, body: str, preview_lang: str | None) -> None:
    project_id = current_project_id()
    if not project_id:
        st.info(
            t("打开一个项目后可预览渲染结果。", "Open a project to preview the rendered prompt.")
        )
        return
    project = projects().get(project_id)
    using = sections_using(library, template_id, list(section_plan(project).sections))
    if not using:
        st.info(
            t(
                f"本项目没有章节使用 {template_id}。",
                f"No section of this project uses {template_id}.",
            )
        )
        return
    keys = [s.key for s in using]
    if st.session_state.get("prompts_preview_section") not in keys:
        st.session_state["prompts_preview_section"] = keys[0]  # another template: its section
    section_key = st.selectbox(
        t("预览用的章节（使用此模板的章节）", "Section for the preview (sections that use this template)"),
        keys, format_func={s.key: s.name(lang()) for s in using}.__getitem__,
        key="prompts_preview_section",
    )  # fmt: skip
    default = library.default(template_id)
    draft = PromptTemplate(
        template_id, default.description, tuple(sorted(body_variables(template_id, body))), body,
        "draft", -1, "",
    )  # fmt: skip
    values = preview_values(project, section_key, preview_lang or project.lang)
    rendered = render_template(draft, values)
    st.caption(t(f"{len(rendered.text)} 个字符", f"{len(rendered.text)} characters"))
    st.code(rendered.text, language="markdown", wrap_lines=True)


def template_purpose(template_id: str, description: str) -> str:
    """What a template does, in the interface language (the files describe it in English)."""
    if lang() == "en":
        return description
    from ragcore.library.cards import SummaryType

    kind, _, name = template_id.partition("/")
    if kind == "brief":
        return "规划论文纲要（标题、研究问题、唯一的方法、贡献、数据集、指标）"
    if kind == "summary":
        try:
            return f"从论文原文生成「{SummaryType.parse(name).zh}」总结卡片"
        except ValueError:
            return "生成总结卡片"
    if kind == "section":
        sections = {s.key: s.zh for s in section_plan().sections}
        return f"撰写「{sections[name]}」章节" if name in sections else "撰写没有专用模板的章节"
    return ""
