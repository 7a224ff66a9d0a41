"""Issue 17.2: concurrent `ragcore` processes on one embedded home never wedge the store."""

from __future__ import annotations

import json
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
    print(json.dumps({"cards": len(snapshot.cards), "count": store.count(), "raw": len(hits),
                      "papers": len(store.list_papers())}))
    """
)


def _batches(tmp_path: Path, n: int, copies: int = 1) -> list[Path]:
    """`n` folders of distinct papers (copies get a line of their own: a new paper each)."""
    # arxiv-2212.11739 yields no card offline (no introduction): a failed file, not this test's.
    papers = [p for p in sorted(PAPERS.glob("*.md")) if p.name != "arxiv-2212.11739.md"]
    folders = []
    for index in range(n):
        folder = tmp_path / f"batch{index}"
        folder.mkdir()
        for paper in papers[index::n][:3]:
            text = paper.read_text(encoding="utf-8")
            for copy in range(copies):
                name = f"{paper.stem}-{copy}.md"
                (folder / name).write_text(f"{text}\n\nCopy {index}.{copy}.\n", encoding="utf-8")
        folders.append(folder)
    return folders


# A reader like the studio: one store object, its snapshot refreshed while others write.
READER = textwrap.dedent(
    """
    import json, pathlib, sys, time
    from ragcore.library.store import CardStore
    from ragcore.settings import load_settings
    stop = pathlib.Path(sys.argv[1])
    store = CardStore.open(load_settings())
    reads, errors = 0, []
    while not stop.exists():
        try:
            store.snapshot()
            reads += 1
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}"[:200])
        time.sleep(0.05)
    print(json.dumps({"reads": reads, "errors": errors}))
    """
)


def _python(home: Path, script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=REPO_ROOT,
        env=cli_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_three_concurrent_ingests_and_a_reader_leave_a_healthy_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folders = _batches(tmp_path, 3, copies=4)
    assert run_cli(home, "store").code == 0  # the home exists before the reader opens it
    stop = tmp_path / "stop"
    reader = _python(home, READER, str(stop))
    runs = [finish(p) for p in [start_cli(home, "ingest", "--json", str(f)) for f in folders]]
    stop.touch()
    read = finish(reader)
    assert all(run.code == 0 for run in runs), [run.err[-500:] for run in runs]
    reading = json.loads(read.out)
    assert reading["errors"] == [] and reading["reads"] > 0, reading["errors"][:3]
    expected = {
        card["card_id"]
        for run in runs
        for report in json.loads(run.out)
        for card in report["cards"]
    }
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
    assert state["cards"] == state["count"] == len(expected)  # nothing lost or duplicated
    papers = {report["paper_id"] for run in runs for report in json.loads(run.out)}
    assert state["raw"] == 3 and state["papers"] == len(papers) > 0
    assert any("waiting for it" in run.err for run in runs)  # who waited said so
    forced = run_cli(home, "ingest", "--force", "--json", str(folders[0]), timeout=300)
    assert forced.code == 0, forced.err[-500:]


def test_draft_during_ingest_completes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = _batches(tmp_path, 2)
    assert run_cli(home, "ingest", str(first)).code == 0
    ingest = start_cli(home, "ingest", str(second))
    out = tmp_path / "draft.md"
    draft = run_cli(
        home, "draft", "graph neural networks for retrieval", "--lang", "en", "-o", str(out)
    )
    ingested = finish(ingest)
    assert ingested.code == 0, ingested.err[-500:]
    assert "Error finding id" not in draft.text and "Traceback" not in draft.text
    assert out.is_file() and out.read_text(encoding="utf-8").strip()
