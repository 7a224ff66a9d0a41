"""The parse pool's worker processes, started from a process whose main script has no guard."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from ragcore.ingest.parsepool import ParsePool
from tests.ingest.pdf_samples import styled_pdf


@pytest.fixture
def unguarded_main(tmp_path: Path) -> Iterator[types.ModuleType]:
    """What Streamlit (a page, AppTest) or a notebook leaves as `__main__`: a script that must
    not run again, which a spawned child would re-run before doing its work."""
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the main script ran again in a worker')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    original = sys.modules["__main__"]
    sys.modules["__main__"] = main
    yield main
    sys.modules["__main__"] = original


def test_workers_start_without_re_running_an_unguarded_main_script(
    unguarded_main: types.ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(styled_pdf("numbered").data)
    with ParsePool(workers=1) as pool:
        pool.submit(path, 50_000_000)
        parsed = pool.result(path, None)
    assert sys.modules["__main__"] is unguarded_main  # put back after each start
    assert parsed.fmt == "pdf" and parsed.pages > 0 and "Introduction" in parsed.full_text
    assert pool.worker_seconds > 0
