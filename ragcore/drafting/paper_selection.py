"""A project's paper selection: "use only these papers for this paper".

A researcher's library spans topics, so a project may restrict its evidence to chosen library
papers. The selection is a project setting (`ProjectMeta.papers`, None = every paper) and is
applied in retrieval itself (`hybrid.search_type(papers=...)`), so the Evidence page,
`ragcore context --project`, drafting and the brief all see the same cards, and k cards still
come back from the allowed papers. A paper later deleted from the library drops out of the
selection; `PaperSelection.dropped` names it so the user is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ragcore.drafting.notes import DraftNote
from ragcore.drafting.projects import Project, ProjectStore
from ragcore.errors import InputError
from ragcore.wording import Phrase

if TYPE_CHECKING:  # Chroma takes a second to import; the Projects page imports this module
    from ragcore.library.store import CardStore


@dataclass(frozen=True)
class PaperSelection:
    """The papers a project may use now: None = every paper; `dropped` = chosen papers no
    longer in the library (left out)."""

    papers: frozenset[str] | None
    dropped: tuple[str, ...] = field(default=())

    @property
    def restricted(self) -> bool:
        return self.papers is not None

    def note(self) -> Phrase | None:
        """What the user is told about dropped papers (None when none were)."""
        if not self.dropped:
            return None
        none_left = self.papers is not None and not self.papers
        code = DraftNote.PAPERS_GONE_NONE_LEFT if none_left else DraftNote.PAPERS_GONE
        return Phrase(code, {"papers": self.dropped})


def library_paper_ids(store: CardStore) -> set[str]:
    """Every paper the library knows: with cards in the store, or in the papers table."""
    snapshot = store.snapshot()
    with_cards = {str(p) for rows in snapshot.rows.values() for p in set(rows.papers.tolist())}
    return with_cards | {paper.paper_id for paper in store.list_papers()}


def paper_selection(store: CardStore, project: Project) -> PaperSelection:
    """The project's selection as it stands in the library now."""
    if project.papers is None:
        return PaperSelection(None)
    known = library_paper_ids(store)
    kept = frozenset(p for p in project.papers if p in known)
    dropped = tuple(p for p in project.papers if p not in known)
    return PaperSelection(kept, dropped)


def set_paper_selection(
    store: CardStore, projects: ProjectStore, project_id: str, paper_ids: Sequence[str] | None
) -> Project:
    """Use only `paper_ids` for this project (None: every paper). Refused with a plain message
    when a paper is not in the library or the list is empty; nothing is saved then."""
    if paper_ids is None:
        return projects.update(project_id, papers=None)
    wanted = list(dict.fromkeys(p.strip() for p in paper_ids if p.strip()))
    if not wanted:
        raise InputError("choose at least one paper, or use all papers (--all)")
    known = library_paper_ids(store)
    unknown = [p for p in wanted if p not in known]
    if unknown:
        raise InputError(
            f"not in the library: {', '.join(unknown)}; `ragcore papers` lists the paper ids"
        )
    return projects.update(project_id, papers=sorted(wanted))
