"""Issue 17.2: concurrent `ragcore` processes on one embedded home never wedge the store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import PAPERS, REPO_ROOT
from tests.reliability.conftest import cli_env, finish, run_cli, start_cli

pytestmark = pytest.mark.server

# Reads every ready card with its vector (the snapshot read that failed with "Error finding id")
# and a raw-chunk search: both hang or crash on a wedged store.
CHECK = textwrap.dedent(
    """
    import json
    from ragcore.library.store import CardStore
    from ragcore.settings import load_settings
    store = CardStore.open(load_settings())
    snapshot = store.snapshot()
    hits = store.search_raw(store.embed_query("graph"), k=3)
    print(json.dumps({"cards": len(snapshot.cards), "count": store.count(), "raw": len(hits)}))
    """
)


def _batches(tmp_path: Path, n: int) -> list[Path]:
    papers = sorted(PAPERS.glob("*.md"))
    folders = []
    for index in range(n):
        folder = tmp_path / f"batch{index}"
        folder.mkdir()
        for paper in papers[index::n][:3]:
            shutil.copy(paper, folder / paper.name)
        folders.append(folder)
    return folders


def test_three_concurrent_ingests_leave_a_healthy_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folders = _batches(tmp_path, 3)
    runs = [finish(p) for p in [start_cli(home, "ingest", "--json", str(f)) for f in folders]]
    assert all(run.code == 0 for run in runs), [run.err[-500:] for run in runs]
    expected = sum(
        len(report["cards"]) for run in runs for report in json.loads(run.out)
    )
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=REPO_ROOT,
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-800:]
    state = json.loads(done.stdout)
    assert state["cards"] == state["count"] == expected  # nothing lost, nothing duplicated
    assert state["raw"] == 3
    # The runs that waited said so, in words.
    assert any("waiting for it" in run.err for run in runs)
    forced = run_cli(home, "ingest", "--force", "--json", str(folders[0]), timeout=300)
    assert forced.code == 0, forced.err[-500:]


def test_draft_during_ingest_completes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = _batches(tmp_path, 2)
    assert run_cli(home, "ingest", str(first)).code == 0
    ingest = start_cli(home, "ingest", str(second))
    out = tmp_path / "draft.md"
    draft = run_cli(home, "draft", "graph neural networks for retrieval", "--lang", "en", "-o", str(out))
    ingested = finish(ingest)
    assert ingested.code == 0, ingested.err[-500:]
    assert "Error finding id" not in draft.text and "Traceback" not in draft.text
    assert out.is_file() and out.read_text(encoding="utf-8").strip()
