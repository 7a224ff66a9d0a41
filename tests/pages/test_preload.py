"""`python -m studio` (the README's start) imports the first page's modules once the server is
up, before any browser session, so the first page's script run does not (issue 16: first
interactive page < 3 s)."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from studio.preload import FIRST_PAGE_MODULES
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import start_server, stop_server


def _studio_imports(script: Path) -> set[str]:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("studio.")
    }


def test_the_preload_covers_every_studio_module_the_projects_page_imports() -> None:
    assert _studio_imports(REPO_ROOT / "pages" / "home.py") <= set(FIRST_PAGE_MODULES)


@pytest.mark.server
def test_the_started_studio_imports_the_first_page_before_any_session(tmp_path: Path) -> None:
    log = tmp_path / "studio.log"
    server = start_server(tmp_path / "home", log, {"RAGCORE_STUDIO_TIMINGS": "1"})
    try:
        deadline = time.monotonic() + 60
        while "studio-timing preload" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        lines = log.read_text().splitlines()
    finally:
        stop_server(server)
    assert any(line.startswith("studio-timing preload ") for line in lines), lines[-20:]
    # No page has run: no browser opened it. The imports happened with the server idle.
    assert not any(line.startswith("studio-timing home") for line in lines), lines
