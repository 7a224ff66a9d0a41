"""The papers table: metadata records, and libraries created before a field was added."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ragcore.library.bibliography import BibliographyStore
from ragcore.library.papers import PaperTable

# The papers table and a row exactly as a library made before abstract/keywords wrote them.
_OLD_SCHEMA = """
CREATE TABLE papers (
    paper_id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
"""
_OLD_ROW = {
    "paper_id": "doi:10.1/x",
    "title": "多模态网络环境异构标识空间管控架构研究",
    "authors": ["郜帅", "侯心迪"],
    "year": 2022,
    "venue": "通信学报",
    "source": "/papers/gao.pdf",
    "lang": "zh",
    "doi": "10.1/x",
    "arxiv_id": "",
}


def _old_library(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(_OLD_SCHEMA)
        conn.execute(
            "INSERT INTO papers(paper_id, data) VALUES(?, ?)",
            (_OLD_ROW["paper_id"], json.dumps(_OLD_ROW, ensure_ascii=False)),
        )


def test_a_library_from_before_abstract_and_keywords_opens_with_nothing_lost(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "ragcore.sqlite3"
    _old_library(db_path)
    table = PaperTable(db_path)
    paper = table.get("doi:10.1/x")
    assert paper is not None
    assert paper.model_dump(exclude={"abstract", "keywords"}) == _OLD_ROW
    assert (paper.abstract, paper.keywords) == ("", [])
    # The reference editor starts from it, and a correction is stored next to the old fields.
    records = BibliographyStore(db_path)
    reference = records.edit(paper.paper_id, paper, keywords="异构标识；管控架构")
    table.upsert(paper.model_copy(update={"keywords": reference.keywords}))
    again = table.get("doi:10.1/x")
    assert again is not None and again.keywords == ["异构标识", "管控架构"]
    assert again.authors == ["郜帅", "侯心迪"] and again.venue == "通信学报"


def test_keywords_stored_as_text_by_hand_are_read_as_a_list(tmp_path: Path) -> None:
    db_path = tmp_path / "ragcore.sqlite3"
    _old_library(db_path)
    with sqlite3.connect(db_path) as conn:
        row = {**_OLD_ROW, "keywords": "GEC, energy; 绿色计算", "abstract": "We measure."}
        conn.execute("UPDATE papers SET data=?", (json.dumps(row, ensure_ascii=False),))
    paper = PaperTable(db_path).get("doi:10.1/x")
    assert paper is not None and paper.keywords == ["GEC", "energy", "绿色计算"]
