"""The Library page's pieces: add papers (ingest with progress), import seed/card files, and
one card's edit and delete controls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from ragcore.library.cards import Card, Origin
from studio.common import guarded, progress_reporter, settings, store, t
from studio.progress_view import ingest_reporter

PAPER_TYPES = ["pdf", "md", "markdown", "tex", "txt", "xml", "nxml"]
IMPORT_TYPES = ["txt", "jsonl"]


def _save_uploads(files: list[Any], folder: str) -> list[Path]:
    """Uploads are kept under the home folder, so re-adding an unchanged file does nothing.

    Each upload gets a folder of its own: a LaTeX upload's `\\input` may read only inside it,
    never another upload or the home folder."""
    target = settings().home / folder
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for upload in files:
        name = Path(upload.name).name
        path = target / name / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(upload.getvalue())
        paths.append(path)
    return paths


def add_papers() -> None:
    files = st.file_uploader(
        t("添加论文（PDF、Markdown、LaTeX、文本、JATS XML）", "Add papers (PDF, Markdown, LaTeX, text, JATS XML)"),
        type=PAPER_TYPES, accept_multiple_files=True, key="library_upload",
    )  # fmt: skip
    if not files or not st.button(
        t("导入并生成总结卡片", "Ingest and make summary cards"), key="library_ingest"
    ):
        return
    from ragcore.ingest.pipeline import IngestOptions, ingest_paths

    with guarded(t("导入失败", "Ingest failed")):
        paths = _save_uploads(files, "uploads")
        with st.status(t("正在导入…", "Ingesting…"), expanded=True) as status:
            bar = st.progress(0.0)
            reports = ingest_paths(
                settings(),
                paths,
                IngestOptions(workers=0),  # no worker processes under Streamlit (see the option)
                progress=ingest_reporter(status, bar),
                store=store(),
            )
            failed = [r for r in reports if r.status == "failed"]
            status.update(
                label=t(f"完成：{len(reports) - len(failed)} 个成功，{len(failed)} 个失败",
                        f"Done: {len(reports) - len(failed)} ingested, {len(failed)} failed"),
                state="error" if failed else "complete",
            )  # fmt: skip
        for item in reports:
            name = Path(item.file).name
            if item.status == "failed":
                st.error(f"{name}: {item.error}")
                continue
            st.success(f"{name}: {item.title or item.paper_id} · {item.status} · "
                       + t(f"{len(item.cards)} 张卡片", f"{len(item.cards)} cards"))  # fmt: skip
            for warning in item.warnings:
                st.warning(f"{name}: {warning}")
            for failure in item.failed:
                st.warning(f"{name} · {failure.summary_type.label}: {failure.reason}")


def import_cards() -> None:
    files = st.file_uploader(
        t("导入总结卡片文件（种子列表 .txt、上下文 .txt、卡片 .jsonl）",
          "Import card files (seed listing .txt, context .txt, cards .jsonl)"),
        type=IMPORT_TYPES, accept_multiple_files=True, key="library_import_upload",
    )  # fmt: skip
    if not files or not st.button(t("导入卡片", "Import cards"), key="library_import"):
        return
    from ragcore.ingest.importer.run import import_files

    with guarded(t("导入失败", "Import failed")):
        paths = _save_uploads(files, "imports")
        with st.status(t("正在导入卡片…", "Importing cards…")) as status:
            result = import_files(paths, store(), progress_reporter(status))
            status.update(state="complete")
        st.success(t(f"新增 {len(result.added)}，跳过 {len(result.skipped)}，拒绝 {len(result.rejected)}",
                     f"added {len(result.added)}, skipped {len(result.skipped)}, rejected {len(result.rejected)}"))  # fmt: skip
        for note in result.rejected:
            st.warning(f"{note.card.paper_id} · {note.card.summary_type.label}: {note.reason}")
        for problem in result.errors:
            st.error(f"{Path(problem.path).name}:{problem.line}: {problem.reason}")


def card_controls(card: Card) -> None:
    with st.expander(t("编辑或删除", "Edit or delete")):
        text = st.text_area(
            t("卡片文本", "Card text"), card.text, key=f"library_card_text_{card.card_id}"
        )
        col_save, col_delete = st.columns(2)
        if col_save.button(t("保存修改", "Save the edit"), key=f"library_card_save_{card.card_id}"):
            if not text.strip():
                st.error(
                    t(
                        "卡片文本不能为空；要去掉它请删除。",
                        "The card text must not be empty; delete the card instead.",
                    )
                )
                return
            with guarded(t("无法保存", "Cannot save")):
                edited = Card(
                    **(card.model_dump() | {"card_id": "", "text": text, "origin": Origin.EDITED})
                )
                store().replace_card(card.card_id, edited)
                st.rerun()
        if col_delete.button(
            t("删除卡片", "Delete the card"), key=f"library_card_delete_{card.card_id}"
        ):
            store().delete_cards([card.card_id])
            st.rerun()
