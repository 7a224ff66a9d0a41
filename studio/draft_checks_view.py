"""Draft page additions: the evidence the brief is written from (shown open on a new project),
grounding findings one line per sentence, and undo of the last evidence change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ragcore.drafting.brief import current_brief
from ragcore.drafting.pipeline import prepare_sections
from ragcore.drafting.projects import Project
from ragcore.drafting.review import SectionReview
from ragcore.drafting.undo import EvidenceChange, last_evidence_change, undo_last_evidence_change
from ragcore.wording import word_note
from studio.card_view import type_name
from studio.common import projects, section_plan, settings, store, t
from studio.papers_view import paper_infos, paper_label


def is_new(project: Project) -> bool:
    """The brief is still the first one written and nobody edited it: shown open, so a wrong
    brief is seen before it steers every section."""
    found = current_brief(projects(), project.project_id)
    return found is None or (found[0] == 1 and found[1].source != "edited")


def finding_lines(review: SectionReview, lang: str) -> list[str]:
    """The writer's notes (weak or borrowed evidence, short, citations removed), citation
    issues, then one line per sentence with the claims not found in the evidence; all in `lang`
    (the interface language; a note saved before notes were coded as it was written)."""
    lines = [word_note(note, lang) for note in review.warnings]
    lines += [issue.message(lang) for issue in review.citation_issues]
    by_sentence: dict[str, list[str]] = {}
    for flag in review.unsupported:
        claims = by_sentence.setdefault(flag.sentence, [])
        if flag.claim not in claims:
            claims.append(flag.claim)
    for sentence, claims in by_sentence.items():
        short = sentence if len(sentence) <= 90 else sentence[:89] + "…"
        lines.append(
            f"未在证据中找到：{'、'.join(claims)} ——「{short}」"
            if lang != "en"
            else f"not in the evidence: {', '.join(claims)} — “{short}”"
        )
    return lines


def _brief_evidence_table(project: Project) -> pd.DataFrame:
    """The cards the brief is written from (every section's context), once per store revision."""
    key = (project.project_id, project.updated_at, store().revision())
    cached = st.session_state.get("draft_brief_sources")
    if cached is None or cached[0] != key:
        specs = list(section_plan(project).sections)
        prepared = prepare_sections(store(), projects(), project, specs, settings())
        seen: dict[str, tuple[str, str, str]] = {}
        for section in prepared:
            for item in section.built.items:
                if item.kind == "card":
                    text = " ".join(item.text.split())
                    seen.setdefault(
                        item.evidence_id, (item.summary_type.value, item.paper_id, text)
                    )
        cached = (key, list(seen.values()))
        st.session_state["draft_brief_sources"] = cached
    rows = cached[1]
    from ragcore.library.cards import SummaryType

    infos = paper_infos()
    return pd.DataFrame(
        {
            t("类型", "Type"): [type_name(SummaryType(r[0])) for r in rows],
            t("论文", "Paper"): [paper_label(r[1], infos) for r in rows],
            t("文本", "Text"): [r[2] for r in rows],
        }
    )


def brief_sources(project: Project) -> None:
    found = current_brief(projects(), project.project_id)
    if found is None:
        return
    with st.expander(
        t("纲要依据的证据", "The evidence the brief is written from"), expanded=is_new(project)
    ):
        st.caption(
            t("纲要由各章节上下文中的卡片写成；证据不对时，先在「证据」页修改，再重新生成纲要。",
              "The brief is written from the cards in the sections' contexts; if they are wrong, "
              "change them on Evidence, then regenerate the brief.")
        )  # fmt: skip
        st.dataframe(
            _brief_evidence_table(project),
            hide_index=True,
            width="stretch",
            key="draft_brief_sources",
        )


def _describe(change: EvidenceChange) -> str:
    if change.kind == "edit":
        return t("卡片文本的修改", "the edit of a card's text") + f" ({change.key[:10]})"
    section = section_plan().find(change.key) if change.key else None
    name = section.name(t("zh", "en")) if section else change.key
    return t(f"「{name}」的证据选择", f"the evidence choices of {name}")


def undo_evidence(project: Project, busy: bool) -> None:
    change = last_evidence_change(projects(), project.project_id)
    if change is None:
        return
    label = t("撤销最近一次证据修改：", "Undo the last evidence change: ") + _describe(change)
    if st.button(label, key="draft_undo_evidence", disabled=busy):
        undo_last_evidence_change(projects(), project.project_id)
        st.session_state.pop("evidence_retrieval", None)
        st.toast(t("已撤销；重新生成章节即可使用。", "Undone; regenerate a section to use it."))
        st.rerun()
