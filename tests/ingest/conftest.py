"""Fixtures of the ingest tests: a store on the fast fake embedder and sample files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragcore.library.store import CardStore
from ragcore.settings import Settings
from tests.ingest import samples


@pytest.fixture
def store(settings: Settings) -> CardStore:
    return CardStore.open(settings)


@pytest.fixture
def en_markdown(tmp_path: Path) -> Path:
    path = tmp_path / "papers" / "graphmix.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(samples.markdown_text(), encoding="utf-8")
    return path


@pytest.fixture
def zh_text(tmp_path: Path) -> Path:
    path = tmp_path / "papers" / "zh_paper.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(samples.plain_text(samples.ZH_TITLE, samples.ZH_SECTIONS), encoding="utf-8")
    return path
