"""Reference completeness from the records: an imported card whose paper id is an arXiv id gets
that id and its year (read from the id, nothing guessed), a slug id its title, a bare number
nothing; what stays incomplete is named in the export's review appendix and the scorecard as
a record to edit in the Library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ragcore.drafting.export import Reference, _references_to_complete, missing_fields
from ragcore.ingest.importer.run import import_files
from ragcore.ingest.metadata import arxiv_facts
from ragcore.library.cards import Paper
from ragcore.library.store import CardStore
from ragcore.quality.references import entry_problems
from ragcore.quality.source import ReferenceEntry
from ragcore.settings import Settings

TEXT = "本文提出一种新的开放世界半监督学习方法，通过同步已知类别与新类别的学习速度来发现新类别。"


@pytest.mark.parametrize(
    ("paper_id", "facts"),
    [
        ("2309.11930v2", ("2309.11930", 2023)),
        ("2212.11765", ("2212.11765", 2022)),
        ("3688609", ("", None)),
        ("3577193.3593710", ("", None)),  # an ACM DOI suffix, not an arXiv id (month 93)
        ("CAPTURE_Memory-Centric_Partitioning_for_Distributed_DNN_Training", ("", None)),
    ],
)
def test_arxiv_facts_are_read_only_from_real_arxiv_ids(
    paper_id: str, facts: tuple[str, int | None]
) -> None:
    assert arxiv_facts(paper_id) == facts


def test_imported_papers_get_what_their_ids_say_and_nothing_else(
    settings: Settings, tmp_path: Path
) -> None:
    ids = ["2309.11930v2", "3688609", "CAPTURE_Memory-Centric_Partitioning_for_Distributed_DNN_Training"]  # fmt: skip
    path = tmp_path / "cards.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"paper_id": i, "summary_type": "background", "lang": "zh", "text": TEXT})
            for i in ids
        ),
        encoding="utf-8",
    )
    store = CardStore.open(settings)
    assert import_files([path], store).added
    arxiv, bare, slug = (store.get_paper(i) for i in ids)
    assert arxiv is not None and (arxiv.arxiv_id, arxiv.year, arxiv.title) == ("2309.11930", 2023, "")  # fmt: skip
    assert bare is not None and (bare.arxiv_id, bare.year, bare.title, bare.authors) == ("", None, "", [])  # fmt: skip
    assert slug is not None and slug.title.startswith("CAPTURE: Memory-Centric Partitioning")
    assert not slug.authors and slug.year is None  # a slug spells a title, not its authors


def test_incomplete_references_are_named_for_editing_in_the_library() -> None:
    references = [
        Reference(1, "3688609", Paper(paper_id="3688609", title="")),
        Reference(2, "ok", Paper(paper_id="ok", title="A Paper", authors=["A. Li"], year=2020)),
        Reference(3, "s", Paper(paper_id="s", title="CAPTURE: Memory-Centric Partitioning")),
        Reference(4, "note:x", None),
    ]
    assert missing_fields(references[0]) == ["title", "authors", "year"]
    assert missing_fields(references[1]) == [] and missing_fields(references[3]) == []
    appendix = _references_to_complete(references, "en")
    assert (
        "[1] 3688609: no title, authors, year; edit the paper's record in the Library" in appendix
    )
    assert "[3] s: no authors, year" in appendix and "[2]" not in appendix
    assert "请在文献库中编辑" in _references_to_complete(references, "zh")
    problems = entry_problems(ReferenceEntry(1, "3688609", "3688609", references[0].paper))
    assert problems and all(
        str(p).endswith("edit the paper's record in the Library") for p in problems
    )
