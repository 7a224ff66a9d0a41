"""Repo-wide fixtures: every test runs offline in its own home folder."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ragcore.settings import Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
# Everything the tests read is vendored in the repository (sources and licences in
# tests/data/README.md), so a clone in any folder runs the whole suite.
DATA = REPO_ROOT / "tests" / "data"
SEEDS = DATA / "seeds"
PAPERS = DATA / "papers"
PDFS = DATA / "pdfs"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No user setting leaks into a test; the default home is a fresh temporary folder."""
    for name in list(os.environ):
        if name.startswith("RAGCORE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RAGCORE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RAGCORE_EMBEDDER", "fake")
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", embedder="fake")


def seed_file(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests carry the `e2e` marker and run last.

    Playwright's sync API keeps an event loop running in the main thread while its session
    fixture lives, and async tests cannot start their own loop beside it. `tryfirst` puts the
    marker in place before `-m` deselects by it.
    """
    e2e_dir = Path(__file__).resolve().parent / "e2e"

    def is_e2e(item: pytest.Item) -> bool:
        return e2e_dir in Path(str(item.path)).resolve().parents

    for item in items:
        if is_e2e(item):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=is_e2e)  # stable: the order within each group is kept


@dataclass
class Result:
    """What one `ragcore` command line gave: exit code, standard output, standard error."""

    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def ragcore(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in process as a user types it: `ragcore("papers", "list")`."""
    from ragcore.commands.cli import main

    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["ragcore", *args])
        try:
            main()
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
