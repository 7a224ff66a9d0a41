"""`ragcore ingest` as a user runs it: what it prints about each file."""

from __future__ import annotations

import json
from pathlib import Path

from ragcore.library.store import CardStore
from ragcore.settings import load_settings
from tests.conftest import Run
from tests.ingest.pdf_samples import styled_pdf, with_sideways_page


def test_a_layout_failure_is_a_warning_naming_the_file_and_the_paper_is_whole(
    ragcore: Run,
    tmp_path: Path,
) -> None:
    path = tmp_path / "sideways_table.pdf"
    path.write_bytes(with_sideways_page(styled_pdf("numbered").data, after_page=2))
    run = ragcore("ingest", str(path))
    assert run.code == 0, run.err
    warning = next(line for line in run.out.splitlines() if "warning:" in line)
    assert "sideways_table.pdf: layout analysis failed on page 3" in warning
    assert "sideways" in warning and "plain text" in warning
    assert "✓ sideways_table.pdf [ingested]" in run.out
    report = json.loads(ragcore("ingest", "--json", "--force", str(path)).out)[0]
    assert report["status"] == "ingested" and report["warnings"] == [warning.split("warning: ")[1]]
    roles = {section["role"] for section in report["sections"]}
    assert {"introduction", "method", "experiments", "conclusion"} <= roles
    # One paper, stored once, with the text of every page (the sideways table included).
    store = CardStore.open(load_settings())
    assert [p.paper_id for p in store.list_papers()] == [report["paper_id"]]
    stored = "\n".join(chunk.text for chunk in store.get_raw_chunks(report["paper_id"]))
    assert "Method GraphMix" in stored  # the page the layout model lost
    assert "conclusion" in {card["summary_type"] for card in report["cards"]}  # the last page
