"""The Export page's manuscript pieces: the citation style (shipped or a user's CSL file), the
format, a preview and the download."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from ragcore.drafting.exporting import file_stem, project_manuscript, project_style
from ragcore.drafting.manuscript import (
    FORMATS,
    Manuscript,
    csl_items,
    manuscript_markdown,
    render_export,
)
from ragcore.drafting.styles import CitationStyle, add_user_style, get_style, list_styles
from studio.bibliography_view import gap_line
from studio.common import guarded, projects, settings, t

FORMAT_LABELS = {
    "md": "Markdown",
    "docx": "Word (DOCX)",
    "tex": "LaTeX (.tex + .bib)",
    "html": "HTML",
    "bib": "BibTeX",
    "pdf": "PDF",
}
_PREVIEW_HEIGHT = 700


@st.cache_data(show_spinner=False, max_entries=32)
def _render(
    fmt: str, style_id: str, style_mtime: float, fingerprint: str, _manuscript: Manuscript
) -> tuple[str, bytes, dict[str, bytes]]:
    """One rendering per (format, style, manuscript content); pandoc takes a second or two."""
    style = get_style(settings().home, style_id)
    exported = render_export(_manuscript, fmt, style, file_stem(_manuscript.front.title))
    return exported.name, exported.data, exported.companions


def _fingerprint(manuscript: Manuscript) -> str:
    return json.dumps(
        [
            manuscript_markdown(manuscript),
            csl_items(manuscript.works),
            manuscript.front.__dict__,
            manuscript.document.stats,
            [s.body for s in manuscript.document.sections],
        ],
        ensure_ascii=False,
        sort_keys=True,
    )


def render(
    manuscript: Manuscript, fmt: str, style: CitationStyle
) -> tuple[str, bytes, dict[str, bytes]]:
    return _render(
        fmt, style.style_id, style.path.stat().st_mtime, _fingerprint(manuscript), manuscript
    )


def style_choice(project: Any) -> CitationStyle:
    """The project's citation style, changed here and saved with the project."""
    home = settings().home
    styles = list_styles(home)
    ids = [s.style_id for s in styles]
    current = project_style(settings(), project)
    chosen = st.selectbox(
        t("引用格式", "Citation style"), ids, index=ids.index(current.style_id),
        format_func=lambda sid: next(s.label for s in styles if s.style_id == sid),
        key="export_style",
    )  # fmt: skip
    if chosen != project.style:
        projects().update(project.project_id, style=chosen)
    with st.popover(t("添加 CSL 样式文件", "Add a CSL style file")):
        upload = st.file_uploader("CSL", type=["csl", "xml"], key="export_csl_upload")
        if upload is not None and st.button(t("添加", "Add"), key="export_csl_add"):
            with guarded(t("无法添加样式", "Cannot add the style")):
                text = upload.getvalue().decode("utf-8-sig", errors="replace")
                added = add_user_style(home, upload.name, text)
                projects().update(project.project_id, style=added.style_id)
                st.success(t(f"已添加：{added.label}", f"Added: {added.label}"))
                st.rerun()
    return get_style(home, chosen)


def missing_metadata(manuscript: Manuscript) -> list[str]:
    """Cited papers whose reference lacks fields the style needs (shown, never fatal)."""
    lines = []
    for work in manuscript.works:
        if work.reference is not None and work.reference.missing():
            lines.append(
                f"`{work.key}` ({work.reference.paper_id}): " + ", ".join(work.reference.missing())
            )
    return lines


def manuscript_export(project: Any, review_appendix: bool) -> None:
    """Style, format, preview and download of the project's paper."""
    style = style_choice(project)
    manuscript = project_manuscript(settings(), project, review_appendix=review_appendix)
    fmt = st.radio(
        t("格式", "Format"), list(FORMATS), format_func=FORMAT_LABELS.get, horizontal=True,
        key="export_format",
    )  # fmt: skip
    with st.spinner(t("正在排版…", "Typesetting…")):
        name, data, companions = render(manuscript, str(fmt), style)
    st.download_button(
        t(f"下载 {FORMAT_LABELS[str(fmt)]}", f"Download {FORMAT_LABELS[str(fmt)]}"), data,
        file_name=name, mime=None, key=f"export_download_{fmt}", on_click="ignore",
    )  # fmt: skip
    for companion, content in companions.items():
        st.download_button(
            t(f"下载 {companion}", f"Download {companion}"), content, file_name=companion,
            key=f"export_download_{fmt}_companion", on_click="ignore",
        )  # fmt: skip
    gaps = missing_metadata(manuscript)
    if gaps:
        st.warning(
            t("以下参考文献缺少信息（在「文献库」页补全）：", "These references lack metadata (complete them on the Library page): ")
            + "\n\n" + "\n\n".join(f"- {gap_line(g)}" for g in gaps)
        )  # fmt: skip
    _preview(manuscript, str(fmt), style, data)


def _preview(manuscript: Manuscript, fmt: str, style: CitationStyle, data: bytes) -> None:
    with st.container(border=True, key="export_preview"):
        if fmt == "md":
            st.markdown(data.decode("utf-8"))
        elif fmt in ("tex", "bib"):
            st.code(data.decode("utf-8"), language="latex" if fmt == "tex" else "bibtex")
        else:
            # DOCX and PDF are previewed as the styled HTML they share their content with.
            html = data if fmt == "html" else render(manuscript, "html", style)[1]
            components.html(html.decode("utf-8"), height=_PREVIEW_HEIGHT, scrolling=True)
