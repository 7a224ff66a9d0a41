"""The Library page's bibliography: a paper's reference metadata editor, importing BibTeX /
CSL-JSON / RIS files, attaching entries that matched no paper, and the library's .bib."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ragcore.library.bibformats import write_bibtex
from ragcore.library.bibimport import import_reference_text, library_papers
from ragcore.library.bibliography import (
    REFERENCE_TYPES,
    TYPE_LABELS,
    BibliographyStore,
    apply_to_paper,
)
from studio.common import guarded, lang, settings, store, t

IMPORT_TYPES = ["bib", "json", "ris"]
_TEXT_FIELDS = (
    ("title", "题名", "Title"),
    ("venue", "期刊/会议/学校", "Journal / proceedings / university"),
    ("volume", "卷", "Volume"),
    ("issue", "期", "Issue"),
    ("pages", "页码", "Pages"),
    ("publisher", "出版者", "Publisher"),
    ("place", "出版地", "Place"),
    ("doi", "DOI", "DOI"),
    ("arxiv_id", "arXiv", "arXiv id"),
    ("url", "URL", "URL"),
    ("key", "自定义引用键", "Own citation key"),
)


def bibliography() -> BibliographyStore:
    return BibliographyStore(settings().db_path)


def _type_label(kind: str) -> str:
    zh, en = TYPE_LABELS[kind]
    return en if lang() == "en" else zh


def reference_editor(paper_ids: list[str]) -> None:
    """Edit one paper's reference of record."""
    if not paper_ids:
        return
    library, records = store(), bibliography()
    paper_id = st.selectbox(t("论文", "Paper"), paper_ids, key="bib_paper")
    paper = library.get_paper(str(paper_id))
    reference = records.reference(str(paper_id), paper)
    key = records.citation_key(reference)
    st.caption(t("引用键：", "Citation key: ") + f"`{key}`")
    if reference.missing():
        st.warning(t("缺少：", "Missing: ") + ", ".join(field_word(f) for f in reference.missing()))
    with st.form(f"bib_form_{paper_id}"):
        kind = st.selectbox(
            t("文献类型", "Type"), REFERENCE_TYPES, index=REFERENCE_TYPES.index(reference.type),
            format_func={k: _type_label(k) for k in REFERENCE_TYPES}.__getitem__, key=f"bib_type_{paper_id}",
        )  # fmt: skip
        authors = st.text_area(
            t("作者（每行一位，如 Yang, Fan 或 郜帅）", "Authors (one per line, e.g. Yang, Fan or 郜帅)"),
            "\n".join(reference.authors), key=f"bib_authors_{paper_id}",
        )  # fmt: skip
        year = st.text_input(
            t("年份", "Year"), str(reference.year or ""), key=f"bib_year_{paper_id}"
        )
        values: dict[str, Any] = {}
        columns = st.columns(2)
        for n, (name, zh, en) in enumerate(_TEXT_FIELDS):
            values[name] = columns[n % 2].text_input(
                t(zh, en), str(getattr(reference, name)), key=f"bib_{name}_{paper_id}"
            )
        keywords = st.text_input(
            t("关键词（以；或，分隔）", "Keywords (separated by ; or ,)"),
            "; ".join(reference.keywords), key=f"bib_keywords_{paper_id}",
        )  # fmt: skip
        abstract = st.text_area(
            t("摘要", "Abstract"), reference.abstract, key=f"bib_abstract_{paper_id}", height=160
        )
        if st.form_submit_button(t("保存参考文献信息", "Save the reference"), key="bib_save"):
            with guarded(t("无法保存", "Cannot save")):
                saved = records.edit(
                    str(paper_id), paper, type=kind,
                    authors=[a for a in authors.splitlines() if a.strip()], year=year,
                    keywords=keywords, abstract=abstract, **values,
                )  # fmt: skip
                library.upsert_paper(apply_to_paper(paper, saved))
                st.success(t("已保存。", "Saved."))
                st.rerun()


def reference_import() -> None:
    """Import a reference file; list what matched, what did not, and the bad entries."""
    upload = st.file_uploader(
        t("导入参考文献（BibTeX、CSL-JSON、RIS）", "Import references (BibTeX, CSL-JSON, RIS)"),
        type=IMPORT_TYPES, key="bib_import_upload",
    )  # fmt: skip
    if upload is not None and st.button(t("导入", "Import"), key="bib_import"):
        with guarded(t("无法导入", "Cannot import")):
            text = upload.getvalue().decode("utf-8-sig", errors="replace")
            library = store()
            report = import_reference_text(
                upload.name, text, bibliography(), library_papers(library), library.upsert_paper
            )
            st.session_state["bib_import_report"] = report.lines()
    for line in st.session_state.get("bib_import_report", []):
        st.text(line)
    _attach_unmatched()


def _attach_unmatched() -> None:
    records = bibliography()
    waiting = records.unmatched()
    if not waiting:
        return
    st.markdown(
        t(
            "**不在文献库中的条目**（可关联到一篇论文）：",
            "**Not in the library** (attach to a paper):",
        )
    )
    col_entry, col_paper, col_button = st.columns([4, 4, 1])
    entry = col_entry.selectbox(
        t("条目", "Entry"), list(waiting), key="bib_unmatched",
        format_func=lambda k: f"{k} · {waiting[k].title[:60]}",
    )  # fmt: skip
    papers = [p.paper_id for p in library_papers(store())]
    paper_id = col_paper.selectbox(t("论文", "Paper"), papers, key="bib_attach_paper")
    if col_button.button(t("关联", "Attach"), key="bib_attach") and entry and paper_id:
        with guarded(t("无法关联", "Cannot attach")):
            reference = records.attach(str(entry), str(paper_id))
            library = store()
            library.upsert_paper(apply_to_paper(library.get_paper(str(paper_id)), reference))
            st.rerun()


def library_bibtex() -> None:
    records = bibliography()
    entries = []
    for paper in library_papers(store()):
        reference = records.reference(paper.paper_id, paper)
        entries.append((records.citation_key(reference), reference))
    st.download_button(
        t("下载文献库 BibTeX", "Download the library's BibTeX"), write_bibtex(entries).encode("utf-8"),
        file_name="library.bib", mime="application/x-bibtex", key="bib_download", on_click="ignore",
    )  # fmt: skip


def bibliography_section(paper_ids: list[str]) -> None:
    """The whole bibliography block of the Library page."""
    st.subheader(t("参考文献信息", "Reference metadata"))
    edit_tab, import_tab = st.tabs([t("编辑", "Edit"), t("导入 / 导出", "Import / export")])
    with edit_tab:
        reference_editor(paper_ids)
    with import_tab:
        reference_import()
        library_bibtex()


FIELD_WORDS = {"title": "标题", "authors": "作者", "year": "年份", "venue": "发表处"}


def field_word(name: str) -> str:
    """A reference field's name in the interface language."""
    return t(FIELD_WORDS.get(name, name), name)


def gap_line(line: str) -> str:
    """`key (id): title, authors` with the field names in the interface language."""
    head, sep, fields = line.rpartition(": ")
    if not sep:
        return line
    return head + sep + ", ".join(field_word(f.strip()) for f in fields.split(","))
