"""A project's paper selection is applied in retrieval itself: k cards come back from the allowed
papers (not k minus the filtered ones) in every fusion, the project's evidence path, the CLI's
`context --project` and `project papers` honour it, and a paper deleted from the library drops
out of the selection with a note."""

from __future__ import annotations

import json

import pytest

from ragcore.drafting.notes import DraftNote
from ragcore.drafting.paper_selection import paper_selection, set_paper_selection
from ragcore.drafting.projects import ProjectStore
from ragcore.drafting.section_evidence import project_section
from ragcore.errors import InputError
from ragcore.library.cards import SummaryType
from ragcore.library.store import CardStore
from ragcore.retrieval.hybrid import prepare_query, search_type
from ragcore.settings import Settings
from ragcore.wording import describe
from tests.conftest import Run

ALLOWED = {"img-vit", "gpu-cluster"}


@pytest.mark.parametrize("fusion", ["auto", "bm25", "dense", "rrf"])
def test_search_returns_k_cards_from_the_allowed_papers(
    library: CardStore, retrieval_settings: Settings, fusion: str
) -> None:
    query = prepare_query(library, "deep image classification network", fusion)
    everything = search_type(
        library, query, SummaryType.METHODOLOGY, k=2, settings=retrieval_settings, fusion=fusion
    )
    assert "img-cnn" in {i.paper_id for i in everything.items}  # the filter has work to do
    only = search_type(
        library,
        query,
        SummaryType.METHODOLOGY,
        k=2,
        settings=retrieval_settings,
        fusion=fusion,
        papers=ALLOWED,
    )
    # Two allowed papers with a methodology card each: k = 2 cards, both allowed.
    assert {i.paper_id for i in only.items} == ALLOWED


def _project(library: CardStore, settings: Settings) -> tuple[ProjectStore, str]:
    projects = ProjectStore.from_settings(settings)
    project = projects.create("deep image classification network", name="P", lang="en")
    return projects, project.project_id


def test_the_project_evidence_path_uses_only_the_chosen_papers(
    library: CardStore, retrieval_settings: Settings
) -> None:
    projects, project_id = _project(library, retrieval_settings)
    everything = project_section(
        library, projects, projects.get(project_id), "method", settings=retrieval_settings
    )
    assert "img-cnn" in {i.paper_id for i in everything.evidence.items}
    set_paper_selection(library, projects, project_id, sorted(ALLOWED))
    chosen = project_section(
        library, projects, projects.get(project_id), "method", settings=retrieval_settings
    )
    assert chosen.evidence.items
    assert {i.paper_id for i in chosen.evidence.items} <= ALLOWED
    assert {i.paper_id for i in chosen.built.items} <= ALLOWED
    assert "img-cnn" not in chosen.built.text
    # "All papers" again: the filter is gone.
    set_paper_selection(library, projects, project_id, None)
    assert projects.get(project_id).papers is None


def test_a_pin_on_another_papers_card_is_not_used(
    library: CardStore, retrieval_settings: Settings
) -> None:
    projects, project_id = _project(library, retrieval_settings)
    before = project_section(
        library, projects, projects.get(project_id), "method", settings=retrieval_settings
    )
    outside = next(i for i in before.evidence.items if i.paper_id == "img-cnn")
    state = projects.section_state(project_id, "method")
    state.set_pinned(outside.evidence_id, True)
    projects.set_section_state(project_id, state)
    set_paper_selection(library, projects, project_id, sorted(ALLOWED))
    after = project_section(
        library, projects, projects.get(project_id), "method", settings=retrieval_settings
    )
    assert outside.evidence_id not in {i.evidence_id for i in after.evidence.items}


def test_unknown_or_empty_selection_is_refused_and_nothing_saved(
    library: CardStore, retrieval_settings: Settings
) -> None:
    projects, project_id = _project(library, retrieval_settings)
    with pytest.raises(InputError, match="not in the library: no-such-paper"):
        set_paper_selection(library, projects, project_id, ["img-vit", "no-such-paper"])
    with pytest.raises(InputError, match="at least one paper"):
        set_paper_selection(library, projects, project_id, [" "])
    assert projects.get(project_id).papers is None


def test_a_deleted_paper_drops_out_with_a_note(
    library: CardStore, retrieval_settings: Settings
) -> None:
    projects, project_id = _project(library, retrieval_settings)
    set_paper_selection(library, projects, project_id, ["img-vit", "gpu-cluster"])
    library.delete_paper("gpu-cluster")
    selection = paper_selection(library, projects.get(project_id))
    assert selection.papers == frozenset({"img-vit"})
    assert selection.dropped == ("gpu-cluster",)
    section = project_section(
        library, projects, projects.get(project_id), "method", settings=retrieval_settings
    )
    assert {i.paper_id for i in section.evidence.items} == {"img-vit"}
    gone = section.built.warnings[0]
    assert gone.code == DraftNote.PAPERS_GONE and gone.values["papers"] == ("gpu-cluster",)
    assert describe(gone, "en") == (
        "no longer in the library, left out of this project's papers: gpu-cluster; "
        "the other selected papers are still used"
    )
    assert describe(gone, "zh").startswith("已不在文献库中，已从本项目的论文中去掉：gpu-cluster；")


def test_cli_sets_shows_and_applies_the_selection(
    library: CardStore,
    retrieval_settings: Settings,
    ragcore: Run,
) -> None:
    _projects, project_id = _project(library, retrieval_settings)
    shown = ragcore("project", "papers", "P")
    assert (shown.code, shown.out.strip()) == (0, "P: all papers in the library")
    chosen = ragcore("project", "papers", "P", "--use", "img-vit", "--use", "gpu-cluster")
    assert chosen.code == 0, chosen.err
    assert (
        "P: 2 paper(s)" in chosen.out and "Vision transformers for image recognition" in chosen.out
    )
    context = ragcore("context", "--project", project_id, "--section", "method", "--json")
    assert context.code == 0, context.err
    papers = {item["card"]["paper_id"] for item in json.loads(context.out)["items"]}
    assert papers and papers <= ALLOWED
    unknown = ragcore("project", "papers", "P", "--use", "nope")
    assert unknown.code == 2 and "not in the library: nope" in unknown.err
    every = ragcore("project", "papers", "P", "--all")
    assert (every.code, every.out.strip()) == (0, "P: all papers in the library")
