"""Export: preview the whole paper; download Markdown, HTML and BibTeX; the statistics."""

from __future__ import annotations

import re

import streamlit as st

from ragcore.drafting.pipeline import export_text, project_paper
from studio.common import begin_page, guarded, require_project, settings, t
from studio.export_view import paper_figures

begin_page("导出", "Export", "📤")
project = require_project()
appendix = st.toggle(t("附上审阅附录（引用与事实检查）", "Add the review appendix (citation and grounding checks)"),
                     key="export_review_appendix")  # fmt: skip
with guarded(t("无法导出", "Cannot export")):
    paper = project_paper(settings(), project, review_appendix=appendix)
    stem = re.sub(r"[^\w\u3400-\u9fff-]+", "_", paper.document.title).strip("_")[:60] or "paper"
    paper_figures(paper.document.stats)
    col_md, col_html, col_bib = st.columns(3)
    for column, fmt, mime, label in (
        (col_md, "md", "text/markdown", "Markdown"),
        (col_html, "html", "text/html", "HTML"),
        (col_bib, "bib", "application/x-bibtex", "BibTeX"),
    ):
        column.download_button(
            t(f"下载 {label}", f"Download {label}"), export_text(paper, fmt).encode("utf-8"),
            file_name=f"{stem}.{fmt}", mime=mime, key=f"export_download_{fmt}", on_click="ignore",
        )  # fmt: skip
    if not paper.document.sections or all(not s.body.strip() for s in paper.document.sections):
        st.info(
            t(
                "还没有草稿：先在「草稿」页生成章节。",
                "No draft yet: generate the sections on Draft first.",
            )
        )
    with st.container(border=True, key="export_preview"):
        st.markdown(paper.markdown)
