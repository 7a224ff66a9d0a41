"""Ingest progress in the studio names the file (k of n), the stage with its count, the page
count of a PDF and the time elapsed (the real ingest of a vendored PDF, the real widgets)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT
from tests.pages.conftest import assert_clean

PDF = REPO_ROOT / "tests" / "data" / "pdfs" / "en_acl_inlg2024_green_gec.pdf"


def ingest_one(pdf: str) -> None:
    from pathlib import Path

    import streamlit as st

    from ragcore.ingest.pipeline import IngestOptions, ingest_paths
    from ragcore.progress import ProgressEvent
    from studio.common import settings, store
    from studio.progress_view import IngestProgress

    st.session_state["ui_lang"] = "en"
    labels: list[str] = []
    with st.status("Ingesting…") as status:
        reporter = IngestProgress(status, st.progress(0.0))

        def record(event: ProgressEvent) -> None:
            reporter(event)
            labels.append(reporter.label(event))

        ingest_paths(
            settings(), [Path(pdf)], IngestOptions(workers=0), progress=record, store=store()
        )
    st.session_state["labels"] = labels


def test_ingest_progress_names_file_stage_pages_and_time() -> None:
    at = AppTest.from_function(ingest_one, args=(str(PDF),), default_timeout=300)
    at.run()
    assert_clean(at)
    labels: list[str] = at.session_state["labels"]
    assert labels and all(label.startswith(f"{PDF.name} (1/1)") for label in labels)
    assert any("pages" in label for label in labels)
    assert any("writing summary cards" in label for label in labels)
    assert all(label.endswith(" s") for label in labels)
