"""A project as the paper under check: the exported text (what the reader gets), and behind
each section the evidence its current version was written from, with each card's relevance."""

from __future__ import annotations

from ragcore.drafting.brief import current_brief
from ragcore.drafting.paper_selection import paper_selection
from ragcore.drafting.pipeline import project_paper
from ragcore.drafting.projects import Project, ProjectStore
from ragcore.drafting.versions import SectionVersion, VersionStore
from ragcore.library.cards import Card
from ragcore.library.store import CardStore
from ragcore.quality.headroom import unused_words, used_sentences
from ragcore.quality.length import is_short
from ragcore.quality.relevance import project_floor, topic_relevance
from ragcore.quality.source import (
    Evidence,
    PaperUnderCheck,
    ReferenceEntry,
    SectionUnderCheck,
    section_body,
)
from ragcore.quality.text import without_export_notes
from ragcore.quality.wording import Code, Phrase
from ragcore.retrieval.evidence import manual_note
from ragcore.retrieval.hybrid import prepare_query
from ragcore.retrieval.sectionplan import SectionPlan
from ragcore.retrieval.snippets import fill_passages
from ragcore.settings import Settings


def _evidence(
    version: SectionVersion,
    cards: dict[str, Card],
    notes: dict[str, Card],
    relevance: dict[str, float],
) -> list[Evidence]:
    out = []
    for card_id in version.evidence_ids:
        if card_id in notes:
            note = notes[card_id]
            out.append(
                Evidence(card_id, note.paper_id, note.text, note.summary_type.value, 1.0, True)
            )
            continue
        card = cards.get(card_id)
        if card is None:
            continue  # deleted from the library since; its text is unknown
        text = version.edited_texts.get(card_id, card.text)
        out.append(
            Evidence(card_id, card.paper_id, text, card.summary_type.value, relevance.get(card_id))
        )
    return out


def _squash(text: str) -> str:
    return "".join(text.split())


def _snippets(
    version: SectionVersion,
    cards: list[Evidence],
    store: CardStore,
    paper_relevance: dict[str, float],
) -> list[Evidence]:
    """The raw-text passages the section was also written from (`evidence_texts` that are not
    card texts), each attributed to the cited paper whose raw text contains it: a sentence the
    composer took from a passage is then judged against that passage. A passage is as near the
    topic as its paper's best card in the project's evidence (drafting fills from on-topic
    papers only)."""
    known = {_squash(e.text) for e in cards}
    passages = [t for t in version.evidence_texts if t.strip() and _squash(t) not in known]
    if not passages:
        return []
    out = []
    for paper_id in dict.fromkeys(version.citation_keys.values()):
        if paper_id.startswith("note:"):
            continue
        raw = _squash(" ".join(chunk.text for chunk in store.get_raw_chunks(paper_id)))
        out += [
            Evidence("", paper_id, text, "snippet", paper_relevance.get(paper_id))
            for text in passages
            if _squash(text) in raw
        ]
    return out


def _measure_unused_evidence(
    paper: PaperUnderCheck,
    plan: SectionPlan,
    store: CardStore,
    paper_relevance: dict[str, float],
) -> None:
    """For each short section: how much of its evidence (its cards, and the role-fitting raw
    text of the project's on-topic papers, which drafting fills a short section from) the
    paper leaves unused (`headroom`). Only short sections are measured: the length figure
    asks nothing more of the others, and each measure is a search of the papers' raw text."""
    on_topic = [
        paper_id
        for paper_id, relevance in paper_relevance.items()
        if paper.floor is None or relevance >= paper.floor
    ]
    used = used_sentences(without_export_notes(s.body) for s in paper.sections)
    vector = store.embed_query(paper.topic) if on_topic else None
    roles = {spec.key: spec.roles for spec in plan.sections}
    for section in paper.sections:
        if section.evidence is None or not is_short(section):
            continue
        raw = (
            fill_passages(store, vector, on_topic, roles.get(section.key, ()))
            if vector is not None
            else []
        )
        texts = [(e.text, not e.is_note) for e in section.evidence]
        texts += [(passage.text, True) for passage in raw]
        section.unused_evidence = unused_words(texts, used, paper.lang)


def from_project(
    settings: Settings, project: Project, store: CardStore | None = None
) -> PaperUnderCheck:
    store = store or CardStore.open(settings)
    projects = ProjectStore.from_settings(settings)
    versions = VersionStore.from_settings(settings)
    plan = projects.plan(project)
    exported = project_paper(settings, project)
    brief = current_brief(projects, project.project_id)
    terms = [brief[1].method_name, *brief[1].datasets, *brief[1].metrics] if brief else []
    query = prepare_query(store, project.topic, settings.retrieval.fusion)
    paper = PaperUnderCheck(
        origin="project",
        source=f"project {project.project_id} ({project.name})",
        title=exported.document.title,
        topic=project.topic,
        lang=project.lang,
        stats=dict(exported.document.stats),
        floor=project_floor(store, query, settings, paper_selection(store, project).papers),
    )
    current = {spec.key: versions.current(project.project_id, spec.key) for spec in plan.sections}
    # A section whose drafting failed has no version, but its last attempt names the evidence
    # it had: enough to tell whether the library could have given it any text (`headroom`).
    attempts = {
        key: versions.latest_attempt(project.project_id, key)
        for key, version in current.items()
        if version is None
    }
    ids = sorted({i for v in [*current.values(), *attempts.values()] if v for i in v.evidence_ids})
    cards = {c.card_id: c for c in store.get_cards(ids=ids)} if ids else {}
    notes = {
        n.evidence_id: n.card
        for n in (manual_note(x.text, x.summary_type) for x in projects.notes(project.project_id))
    }
    relevance = topic_relevance(store, query, list(cards.values()), settings)
    paper_relevance: dict[str, float] = {}
    for card_id, value in relevance.items():
        paper_id = cards[card_id].paper_id
        paper_relevance[paper_id] = max(value, paper_relevance.get(paper_id, 0.0))
    for spec, section in zip(plan.sections, exported.document.sections, strict=False):
        version = current.get(spec.key)
        checked = SectionUnderCheck(
            spec.key, section.heading, section_body(section.body), spec.words
        )
        if version is None:
            checked.body = ""
            paper.notes.append(Phrase(Code.SECTION_EMPTY, {"heading": section.heading}))
            attempt = attempts.get(spec.key)
            if attempt is not None:
                checked.evidence = _evidence(attempt, cards, notes, relevance)
        else:
            checked.evidence = _evidence(version, cards, notes, relevance)
            checked.evidence += _snippets(version, checked.evidence, store, paper_relevance)
            checked.allowed_terms = terms
            if version.review:
                review = version.checks
                checked.grounding = [(f.sentence, f.claim) for f in review.unsupported]
                checked.claims_checked = review.claims_checked
        paper.sections.append(checked)
    _measure_unused_evidence(paper, plan, store, paper_relevance)
    paper.references = [
        ReferenceEntry(r.number, text, r.paper_id, r.paper)
        for r, text in zip(exported.references, exported.document.references, strict=True)
    ]
    if not current or all(v is None for v in current.values()):
        paper.notes.append(Phrase(Code.NOTHING_DRAFTED))
    return paper
