"""Issue 17.10: the ingest says what did not work - truncated PDFs, papers without cards,
failed files in the exit status, and a Chroma server killed mid-run."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import chromadb
import pymupdf
import pytest
from chromadb.config import Settings as ChromaSettings

from tests.conftest import PAPERS
from tests.reliability.conftest import ChromaServer, finish, run_cli, start_chroma, start_cli

pytestmark = pytest.mark.server


def _truncated_pdf(path: Path) -> None:
    """A ten-page paper cut after its third page's objects, with `%%EOF` appended."""
    doc = pymupdf.open()
    for number in range(1, 11):
        page = doc.new_page()
        page.insert_text((72, 72), f"{number} Section {number}\n" + "Body text here. " * 20)
    data = doc.tobytes(use_objstms=0)
    end = data.rfind(b"endobj", 0, int(len(data) * 0.4)) + len(b"endobj")
    path.write_bytes(data[:end] + b"\n%%EOF\n")


def test_batch_reports_truncated_pdf_empty_paper_and_exit_status(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(PAPERS / "arxiv-2212.11765.md", folder / "good.md")
    _truncated_pdf(folder / "cut.pdf")
    (folder / "empty.md").write_text("# A Title\n\n## 1 Introduction\n\nHello.\n", encoding="utf-8")
    run = run_cli(tmp_path / "home", "ingest", str(folder))
    assert run.code == 1
    assert "2 of 3 files failed" in run.err
    cut = next(line for line in run.out.splitlines() if "cut.pdf" in line)
    assert "truncated" in cut and "missing" in cut and "✗" in cut
    empty = next(line for line in run.out.splitlines() if "empty.md" in line)
    assert "✗" in empty and "no summary card" in empty
    assert "✓ good.md [ingested]" in run.out


def _cards_on(server: ChromaServer) -> int:
    client = chromadb.HttpClient(
        host="127.0.0.1", port=server.port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    try:
        return int(client.get_collection("cards").count())
    except Exception:  # not created yet
        return 0


def test_chroma_server_killed_mid_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    papers = sorted(PAPERS.glob("*.md"))
    for paper in papers:
        shutil.copy(paper, folder / paper.name)
    server = start_chroma(tmp_path / "chroma")
    env = {"RAGCORE_CHROMA_URL": server.url}
    home = tmp_path / "home"
    ingest = start_cli(home, "ingest", str(folder), **env)
    deadline = time.monotonic() + 120
    while _cards_on(server) == 0 and time.monotonic() < deadline and ingest.poll() is None:
        time.sleep(0.2)
    server.kill()
    run = finish(ingest)
    assert run.code == 2, run.err[-800:]
    assert "Traceback" not in run.text and "httpx" not in run.err
    errors = [line for line in run.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "stopped answering" in errors[0] and "rerun" in errors[0]
    # The per-file summary so far: the files handled, the one cut off named as not stored (the
    # kill may land in the first file's own batches: then it is the only line).
    handled = [line for line in run.out.splitlines() if line.startswith(("✓", "✗"))]
    assert handled and "not stored: the Chroma server stopped answering" in handled[-1]
    assert not any("stopped answering" in line for line in handled[:-1])
    restarted = start_chroma(server.path, server.port)
    try:
        again = run_cli(home, "ingest", str(folder), env=env)
        assert "stopped answering" not in again.text, again.err[-800:]
        lines = [line for line in again.out.splitlines() if line.startswith(("✓", "✗"))]
        assert len(lines) == len(papers)  # every file has its line: the next run completes
        assert all("no summary card" in line for line in lines if line.startswith("✗"))
    finally:
        restarted.process.terminate()
        restarted.process.wait(timeout=30)
