"""One section of a project as drafting will write it: the plan's spec with the user's k, the
saved evidence state, the retrieved evidence with the project's choices (and its paper
selection), and the built context.

`project_section` is the one function behind the Evidence page's preview, `ragcore context
--project` and the drafting pipeline, so what the page shows is what the model is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from ragcore.drafting.paper_selection import PaperSelection, paper_selection
from ragcore.drafting.projects import Project, ProjectStore, SectionState
from ragcore.library.cards import Card, Origin
from ragcore.library.store import CardStore
from ragcore.retrieval.context import BuiltContext, Retriever, SnippetFinder, evidence_context
from ragcore.retrieval.evidence import EvidenceItem, SectionEvidence
from ragcore.retrieval.sectionplan import SectionPlan, SectionSpec
from ragcore.settings import Settings


@dataclass
class ProjectSection:
    spec: SectionSpec  # the plan's section with the user's k
    state: SectionState
    evidence: SectionEvidence
    built: BuiltContext
    selection: PaperSelection  # the project's papers (None: all), as applied to retrieval

    @property
    def topic(self) -> str:
        return self.evidence.topic


def effective_spec(spec: SectionSpec, state: SectionState) -> SectionSpec:
    """The plan's section with the user's k (cards per type) when they retrieved with one."""
    return SectionPlan(sections=[spec]).with_cards_per_type(spec.key, state.k).sections[0]


def project_section(
    store: CardStore,
    projects: ProjectStore,
    project: Project,
    section: str,
    *,
    settings: Settings,
    plan: SectionPlan | None = None,
    retrieve: Retriever | None = None,
    find_snippets: SnippetFinder | None = None,
) -> ProjectSection:
    """A section's evidence and context with the project's choices: the user's "retrieve
    again" query and k when they set one, else the topic and the plan's counts."""
    spec = (plan or projects.plan(project)).find(section)
    state = projects.section_state(project.project_id, spec.key)
    spec = effective_spec(spec, state)
    selection = paper_selection(store, project)
    evidence, built = evidence_context(
        store,
        state.query or project.topic,
        spec,
        settings=settings,
        lang=project.lang,
        choices=projects.choices(project.project_id, spec.key),
        retrieve=retrieve,
        find_snippets=find_snippets,
        papers=selection.papers,
    )
    if (note := selection.note()) is not None:
        built.warnings.insert(0, note)
    return ProjectSection(spec, state, evidence, built, selection)


def write_edits_to_library(
    store: CardStore, projects: ProjectStore, project_id: str, items: list[EvidenceItem]
) -> int:
    """Make each of the project's edited cards a new library card (origin `edited`, the old
    one replaced) and drop the project's edit; returns how many were written."""
    written = 0
    for item in items:
        if item.kind != "card" or item.edited_text is None:
            continue
        fields = item.card.model_dump() | {
            "card_id": "",
            "text": item.edited_text,
            "origin": Origin.EDITED,
        }
        store.replace_card(item.evidence_id, Card(**fields))
        projects.edit_card(project_id, item.evidence_id, None)
        written += 1
    return written
