"""The raw text a short offline section is filled from: the papers' passages whose role fits
the section, by their section's role or by the role their own heading names."""

from __future__ import annotations

from pathlib import Path

from ragcore.library.store import CardStore, RawChunk
from ragcore.retrieval.snippets import fill_passages
from ragcore.settings import Settings, load_settings

REVIEW = [
    # A review nests each tool's "Methodology" and "Evaluation" under its "4 Discussion": the
    # section tree gives them the discussion role, their own headings name what they are.
    RawChunk(
        "review",
        "discussion",
        "1 Methodology",
        "The tool ranks source files by "
        "textual similarity between the bug report and each file of the project.",
    ),
    RawChunk(
        "review",
        "discussion",
        "2 Evaluation",
        "The tool was evaluated on four open "
        "source projects with mean average precision and top-N accuracy.",
    ),
    RawChunk(
        "review",
        "discussion",
        "3 Advantages and Disadvantages",
        "Bug reports with few words make textual similarity between reports and files unreliable.",
    ),
    RawChunk(
        "review",
        "method",
        "3 Overview of tools",
        "Bug localization tools rank the "
        "source files of a project by how likely each file holds the reported bug.",
    ),
    RawChunk(
        "other",
        "method",
        "3 Method",
        "Bug localization ranks source files of the "
        "project by similarity to the bug report and by past fixes.",
    ),
]


def _store(tmp_path: Path) -> tuple[CardStore, Settings]:
    settings = load_settings(home=tmp_path / "home", embedder="fake")
    store = CardStore.open(settings)
    store.add_raw_chunks(REVIEW)
    return store, settings


def test_a_subsection_fills_the_section_its_own_heading_names(tmp_path: Path) -> None:
    store, _ = _store(tmp_path)
    vector = store.embed_query("bug localization by ranking source files")
    method = fill_passages(
        store,
        vector,
        ["review"],
        ["method"],
    )
    assert {p.section for p in method} == {"1 Methodology", "3 Overview of tools"}
    experiments = fill_passages(store, vector, ["review"], ["experiments", "results"])
    assert [p.section for p in experiments] == ["2 Evaluation"]
    # The discussion keeps what is discussion; the named method text is not discussion.
    discussion = fill_passages(store, vector, ["review"], ["conclusion", "discussion"])
    assert [p.section for p in discussion] == ["3 Advantages and Disadvantages"]
    # Only the papers asked for, best first.
    assert all(p.paper_id == "review" for p in method + experiments + discussion)
    assert [p.similarity for p in method] == sorted((p.similarity for p in method), reverse=True)
