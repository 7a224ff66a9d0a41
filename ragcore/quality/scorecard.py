"""Run every figure on a paper under check: `score_project` (a project in the stores) and
`score_file` (an exported PAPER.md). The CLI (`ragcore eval paper`) and the studio call these."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ragcore.quality.fragments import fragments
from ragcore.quality.grounding import grounding
from ragcore.quality.integrity import citation_integrity
from ragcore.quality.language import language_purity
from ragcore.quality.length import section_length
from ragcore.quality.model import Figure, Scorecard
from ragcore.quality.offtopic import off_topic
from ragcore.quality.references import reference_completeness
from ragcore.quality.repeats import repeats
from ragcore.quality.source import PaperUnderCheck, from_file
from ragcore.quality.statistics import statistics
from ragcore.quality.support import Judge, SupportChecker, citation_support
from ragcore.quality.wording import Code, Phrase

if TYPE_CHECKING:
    from ragcore.drafting.projects import Project
    from ragcore.library.store import CardStore
    from ragcore.settings import Settings


def score(paper: PaperUnderCheck, checker: SupportChecker, judge: Judge | None = None) -> Scorecard:
    card = Scorecard(paper.source, paper.title, paper.lang, remarks=list(paper.notes))
    if not paper.written():
        if not card.remarks:
            card.remarks.append(Phrase(Code.NO_TEXT))
        return card
    figures: list[Figure] = [
        citation_integrity(paper),
        reference_completeness(paper),
        fragments(paper),
        repeats(paper),
        section_length(paper),
        language_purity(paper),
        off_topic(paper),
        citation_support(paper, checker, judge),
        grounding(paper),
        statistics(paper),
    ]
    card.figures = figures
    if paper.origin == "file":
        # Off-topic citations, citation support and grounding need the evidence.
        card.remarks.append(Phrase(Code.FILE_LIMITS))
    return card


def score_file(path: Path) -> Scorecard:
    """The scorecard of an exported paper file (text-only figures)."""
    return score(from_file(path), SupportChecker(None))


def score_project(
    settings: Settings,
    project: Project,
    *,
    store: CardStore | None = None,
    judge: Judge | None = None,
) -> Scorecard:
    """The scorecard of a project's paper as exported, with the evidence behind it."""
    from ragcore.library.store import CardStore
    from ragcore.quality.project import from_project

    store = store or CardStore.open(settings)
    paper = from_project(settings, project, store)
    return score(paper, SupportChecker(store.embedder), judge)
