"""The paper scorecard in the studio: a Quality panel on Export, and each section's findings on
Draft. The scorecard is computed by `ragcore.quality.scorecard.score_project` (the same code as
`ragcore eval paper`) and kept for the session until a section's current version changes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ragcore.drafting.versions import VersionStore
from ragcore.quality.model import Scorecard
from ragcore.quality.scorecard import score_project
from ragcore.quality.wording import Coded, describe
from ragcore.retrieval.sectionplan import SectionSpec
from studio.common import guarded, lang, section_plan, settings, store, t

NAMES = {
    "citation_integrity": "引用完整性（问题数）",
    "reference_completeness": "参考文献完整性（问题数）",
    "fragments": "残句（数量）",
    "repeats": "重复句子（数量）",
    "section_length": "章节长度达标（比例）",
    "language_purity": "语言一致（比例）",
    "off_topic": "离题引用（比例）",
    "citation_support": "引用有据（比例）",
    "grounding": "无据陈述（数量）",
    "statistics": "统计信息一致（问题数）",
}


def _name(key: str, english: str) -> str:
    return t(NAMES.get(key, english), english)


def _signature(project: Any) -> tuple[Any, ...]:
    """What the scorecard depends on that changes in a session: each section's current version."""
    versions = VersionStore.from_settings(settings())
    current = [versions.current(project.project_id, s.key) for s in section_plan(project).sections]
    return (project.project_id, project.updated_at, *(v.version_id if v else 0 for v in current))


def project_scorecard(project: Any) -> Scorecard | None:
    """The project's scorecard, recomputed only when a section's current version changed."""
    cache: dict[str, tuple[tuple[Any, ...], Scorecard]] = st.session_state.setdefault(
        "quality_scorecards", {}
    )
    signature = _signature(project)
    kept = cache.get(project.project_id)
    if kept is not None and kept[0] == signature:
        return kept[1]
    with guarded(t("无法计算质量评分", "Cannot compute the scorecard")):
        with st.spinner(t("正在评估论文质量…", "Scoring the paper…")):
            card = score_project(settings(), project, store=store())
        cache[project.project_id] = (signature, card)
        return card
    return None


def quality_panel(project: Any) -> None:
    """Export page: the figures, each one's offending sentences, and what was not judged."""
    card = project_scorecard(project)
    with st.container(border=True, key="export_quality"):
        st.subheader(t("质量评分", "Quality"))
        if card is None:
            return
        if not card.figures:
            st.info(
                "\n".join(map(_worded, card.remarks))
                or t("没有可评估的内容。", "Nothing to judge.")
            )
            return
        if card.passed:
            st.success(t("所有已评估的指标均达到理想值。", "Every judged figure is at its ideal."))
        else:
            failing = [_name(f.key, f.name) for f in card.figures if f.passed is False]
            st.warning(t("未达理想值：", "Not at their ideal: ") + "; ".join(failing))
        st.markdown(_localised_table(card))
        for figure in card.figures:
            if figure.findings:
                label = f"{_name(figure.key, figure.name)} · {len(figure.findings)}"
                with st.expander(label, expanded=False):
                    st.markdown(
                        "\n".join(
                            f"- {f'**{x.section}** · ' if x.section else ''}{_plain(x.text)}"
                            f" — {_plain(_worded(x))}"
                            for x in figure.findings
                        )
                    )
        for note in [_worded(n) for n in card.remarks] + [
            f"{_name(f.key, f.name)}: {_worded(f.why_not)}" for f in card.figures if f.why_not
        ]:
            st.caption(t("未评估：", "Not judged: ") + note)


def section_quality(card: Scorecard | None, project: Any, spec: SectionSpec) -> None:
    """Draft page, under a section: that section's findings, one line each."""
    if card is None or not card.figures:
        return
    heading = spec.name(project.lang)
    found = card.for_section(heading)
    if not found:
        st.caption(t("质量评分：本节没有发现问题。", "Quality: no findings in this section."))
        return
    with st.expander(
        t(
            f"质量评分：本节有 {len(found)} 个问题",
            f"Quality: {len(found)} findings in this section",
        ),
        key=f"draft_quality_{spec.key}",
    ):
        st.markdown(
            "\n".join(
                f"- {_name(f.key, f.name)}: {_plain(x.text)} — {_plain(_worded(x))}"
                for f, x in found
            )
        )


def _worded(item: Coded) -> str:
    """A finding, note or "not judged" reason in the interface language."""
    return describe(item, lang())


def _localised_table(card: Scorecard) -> str:
    """The figures as a Markdown table in the interface language (`render_table` is the CLI's)."""
    header = [t("指标", "figure"), t("数值", "value"), t("理想值", "ideal"),
              t("达到理想值", "at ideal"), t("检查数", "checked")]  # fmt: skip
    rows = ["| " + " | ".join(header) + " |", "|---|---|---|---|---|"]
    for f in card.figures:
        verdict = (
            t("未评估", "not judged")
            if f.passed is None
            else t("是", "yes")
            if f.passed
            else t("否", "NO")
        )
        rows.append(
            f"| {_name(f.key, f.name)} | {f.shown()} | {f.ideal} | {verdict} | {f.checked} |"
        )
    return "\n".join(rows)


def _plain(text: str, limit: int = 240) -> str:
    """Finding text shown as text, not Markdown (a sentence may contain `*`, `[1]`, `#`)."""
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)
