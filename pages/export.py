"""Export: the statistics; the paper's quality scorecard; the citation style and the format
(Markdown, DOCX, LaTeX, HTML, BibTeX, PDF) with a preview and the download."""

from __future__ import annotations

import streamlit as st

from ragcore.drafting.pipeline import project_paper
from studio.common import begin_page, guarded, require_project, settings, t
from studio.export_view import paper_figures
from studio.manuscript_view import manuscript_export
from studio.quality_view import quality_panel

begin_page("导出", "Export", "📤")
project = require_project()
appendix = st.toggle(t("附上审阅附录（引用与事实检查）", "Add the review appendix (citation and grounding checks)"),
                     key="export_review_appendix")  # fmt: skip
with guarded(t("无法导出", "Cannot export")):
    paper = project_paper(settings(), project, review_appendix=appendix)
    paper_figures(paper.document.stats)
    if not paper.document.sections or all(not s.body.strip() for s in paper.document.sections):
        st.info(
            t(
                "还没有草稿：先在「草稿」页生成章节。",
                "No draft yet: generate the sections on Draft first.",
            )
        )
    quality_panel(project)
    manuscript_export(project, appendix)
