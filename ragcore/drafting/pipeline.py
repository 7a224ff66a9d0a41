"""The whole drafting loop for one project, headless: evidence → contexts → brief → sections →
paper. The CLI (`ragcore draft`, `ragcore export`) and the studio call these functions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ragcore.drafting.brief import Brief, current_brief, generate_brief, save_brief
from ragcore.drafting.export import ExportedPaper, export_paper, to_html
from ragcore.drafting.projects import Project, ProjectStore
from ragcore.drafting.section_evidence import ProjectSection, project_section
from ragcore.drafting.versions import SectionVersion, VersionStore
from ragcore.drafting.writer import DraftRequest, SectionDelta, SectionInput, SectionWriter
from ragcore.errors import InputError
from ragcore.library.embeddings import Vectors
from ragcore.library.store import CardStore
from ragcore.llm.composer import EvidenceBlock
from ragcore.llm.prompts import PromptLibrary
from ragcore.progress import ProgressCallback, report
from ragcore.retrieval.context import BuiltContext
from ragcore.retrieval.evidence import EvidenceItem
from ragcore.retrieval.sectionplan import SectionPlan, SectionSpec
from ragcore.retrieval.snippets import fill_passages
from ragcore.settings import Settings
from ragcore.text import split_sentences
from ragcore.wording import Phrase

if TYPE_CHECKING:  # the gateway loads LiteLLM (seconds); only its type is needed here
    from ragcore.llm.gateway import Gateway


@dataclass
class PreparedSection:
    input: SectionInput
    built: BuiltContext

    @property
    def warnings(self) -> list[Phrase]:
        return self.built.warnings


@dataclass
class DraftOutcome:
    project: Project
    brief: Brief
    brief_version: int
    sections: dict[str, SectionVersion]
    warnings: dict[str, list[Phrase]] = field(default_factory=dict)  # context notes per section
    wall_seconds: float = 0.0

    @property
    def failed(self) -> list[str]:
        return [key for key, v in self.sections.items() if v.status == "failed"]

    @property
    def nothing_written(self) -> bool:
        """True when no section got any text: the only outcome `ragcore draft` fails on."""
        return not any(v.text.strip() for v in self.sections.values())


def section_input(spec: SectionSpec, built: BuiltContext) -> SectionInput:
    """What the writer needs from a built context: text, keys, ids, texts for grounding."""
    fragments = [f for excerpt in built.context.excerpts for f in excerpt.fragments]
    return SectionInput(
        spec=spec,
        context=built.text,
        citation_keys={i.citation_key: i.paper_id for i in built.items if i.citation_key},
        evidence_ids=[i.evidence_id for i in built.items],
        evidence_texts=[i.text for i in built.items] + fragments,
        edited_texts={
            i.evidence_id: i.edited_text for i in built.items if i.edited_text is not None
        },
        structured=built.context,
        warnings=list(built.warnings),
    )


def raw_fill(
    store: CardStore,
    vector: Vectors,
    spec: SectionSpec,
    built: BuiltContext,
    on_topic_papers: Sequence[str] = (),
) -> list[EvidenceBlock]:
    """The raw text a short extractive section may be filled from: the role-fitting raw
    sections of the papers the section cites on topic (a card above the relevance floor, or
    one the user chose), and of the project's other on-topic papers (an offline Methodology
    card may miss the topic while the paper's method text is on it). Each block is keyed as the
    section cites its paper; a paper the section does not cite gets the next free number (the
    offline plan adds it to the section's keys when it uses that paper's text)."""
    keys: dict[str, str] = {}
    for item in built.items:
        on_topic = not item.weak or item.pinned or item.chosen
        if item.kind == "card" and item.citation_key and on_topic:
            keys.setdefault(item.paper_id, item.citation_key)
    wanted = list(dict.fromkeys([*keys, *on_topic_papers]))
    passages = fill_passages(store, vector, wanted, spec.roles)
    taken = {i.citation_key for i in built.items if i.citation_key}
    for paper_id in dict.fromkeys(p.paper_id for p in passages):
        if paper_id not in keys:
            number = max((int(k) for k in taken | set(keys.values()) if k.isdigit()), default=0)
            keys[paper_id] = str(number + 1)
    return [EvidenceBlock("raw", "raw", p.paper_id, keys[p.paper_id], p.text) for p in passages]


def project_on_topic_papers(sections: Sequence[ProjectSection]) -> list[str]:
    """Papers any section of the project cites on topic (a card above the floor, or chosen)."""
    return list(
        dict.fromkeys(
            item.paper_id
            for section in sections
            for item in section.built.items
            if item.kind == "card" and (not item.weak or item.pinned or item.chosen)
        )
    )


def selected_specs(plan: SectionPlan, names: Sequence[str]) -> list[SectionSpec]:
    """The plan's sections, or the named ones (any accepted spelling) in plan order."""
    if not names:
        return list(plan.sections)
    wanted = {plan.find(name).key for name in names}
    return [spec for spec in plan.sections if spec.key in wanted]


def prepare_sections(
    store: CardStore,
    projects: ProjectStore,
    project: Project,
    specs: Sequence[SectionSpec],
    settings: Settings,
    progress: ProgressCallback | None = None,
    *,
    fill_raw: bool = False,
) -> list[PreparedSection]:
    """Retrieve and build each section's context with the project's choices, and remember what
    retrieval found in the project's evidence state. With `fill_raw` (the offline model, which
    fills a short section from its papers' raw text; a model is sent the context only), also
    the raw text each section may be filled from."""
    plan = projects.plan(project)
    sections: list[ProjectSection] = []
    for done, spec in enumerate(specs):
        report(progress, "evidence", done, len(specs), spec.key)
        section = project_section(store, projects, project, spec.key, settings=settings, plan=plan)
        state, built = section.state, section.built
        retrieved = [i.evidence_id for i in built.items if i.kind == "card"]
        if state.retrieved != retrieved:
            projects.set_section_state(
                project.project_id, state.model_copy(update={"retrieved": retrieved})
            )
        sections.append(section)
    prepared = [PreparedSection(section_input(s.spec, s.built), s.built) for s in sections]
    if fill_raw:
        _fill_raw(store, projects, project, plan, sections, prepared, settings)
    report(progress, "evidence", len(specs), len(specs))
    return prepared


def _fill_raw(
    store: CardStore,
    projects: ProjectStore,
    project: Project,
    plan: SectionPlan,
    sections: Sequence[ProjectSection],
    prepared: Sequence[PreparedSection],
    settings: Settings,
) -> None:
    # Regenerating one section fills it from the same papers as drafting them all.
    written = {section.spec.key for section in sections}
    others = [
        project_section(store, projects, project, s.key, settings=settings, plan=plan)
        for s in plan.sections
        if s.key not in written
    ]
    on_topic = project_on_topic_papers([*sections, *others])
    vector: Vectors | None = None
    for section, given in zip(sections, prepared, strict=True):
        if section.built.items:
            vector = store.embed_query(project.topic) if vector is None else vector
            given.input.raw = raw_fill(store, vector, section.spec, section.built, on_topic)


def _brief_items(prepared: Sequence[PreparedSection]) -> list[EvidenceItem]:
    """The evidence the brief is planned from: on-topic only (a section's nearest cards
    below the relevance floor never steer the whole paper), unless the user chose them."""
    items: dict[str, EvidenceItem] = {}
    for section in prepared:
        for item in section.built.items:
            if item.weak and not (item.pinned or item.chosen or item.kind == "note"):
                continue
            items.setdefault(item.evidence_id, item)
    return list(items.values())


def ensure_brief(
    projects: ProjectStore,
    project: Project,
    prepared: Sequence[PreparedSection],
    *,
    gateway: Gateway,
    prompts: PromptLibrary,
    model: str,
    regenerate: bool = False,
) -> tuple[int, Brief]:
    """The project's current brief, generating (and saving) one first when there is none."""
    existing = current_brief(projects, project.project_id)
    if existing is not None and not regenerate:
        return existing
    brief = generate_brief(
        project.topic,
        _brief_items(prepared),
        project.lang,
        gateway=gateway,
        prompts=prompts,
        model=model,
    )
    return save_brief(projects, project.project_id, brief), brief


def write_brief(
    settings: Settings,
    project: Project,
    *,
    gateway: Gateway,
    store: CardStore | None = None,
    projects: ProjectStore | None = None,
) -> tuple[int, Brief]:
    """(Re)generate the project's brief from the evidence of every section and save it as
    the new current version (the Draft page's "Generate the brief")."""
    projects = projects or ProjectStore.from_settings(settings)
    store = store or CardStore.open(settings)
    specs = list(projects.plan(project).sections)
    prepared = prepare_sections(store, projects, project, specs, settings)
    return ensure_brief(
        projects,
        project,
        prepared,
        gateway=gateway,
        prompts=PromptLibrary.from_settings(settings),
        model=project.model or gateway.default_model,
        regenerate=True,
    )


def draft_project(
    settings: Settings,
    project: Project,
    *,
    sections: Sequence[str] = (),
    model: str | None = None,
    progress: ProgressCallback | None = None,
    on_delta: SectionDelta | None = None,
    cancel: threading.Event | None = None,
    gateway: Gateway | None = None,
    prompt_versions: Mapping[str, int] | None = None,
) -> DraftOutcome:
    """Draft the project's sections (all, or the named ones) with its current evidence.

    `prompt_versions` (template id -> saved version, 0 = shipped default) writes with those
    template versions instead of the ones in use, which stay in use for everything else."""
    started = time.perf_counter()
    projects = ProjectStore.from_settings(settings)
    if gateway is None:
        from ragcore.llm.gateway import Gateway

        gateway = Gateway.from_settings(settings)
    model = model or project.model or gateway.default_model
    if model not in gateway.models:
        raise InputError(
            f"model {model!r} is not configured; known models: {', '.join(gateway.models)}"
        )
    prompts = PromptLibrary.from_settings(settings)
    for template_id, version in (prompt_versions or {}).items():
        prompts.version(template_id, version)  # an unknown version fails before any work
    store = CardStore.open(settings)
    specs = selected_specs(projects.plan(project), sections)
    prepared = prepare_sections(
        store,
        projects,
        project,
        specs,
        settings,
        progress,
        fill_raw=_may_write_offline(gateway, model),
    )
    brief_version, brief = ensure_brief(
        projects, project, prepared, gateway=gateway, prompts=prompts, model=model
    )
    writer = SectionWriter(
        gateway,
        prompts,
        VersionStore.from_settings(settings),
        max_continuations=settings.drafting.max_continuations,
    )
    request = DraftRequest(
        project.project_id,
        project.topic,
        project.lang,
        model,
        brief,
        brief_version,
        prompt_versions=dict(prompt_versions or {}),
        other_sections=_other_sections(settings, projects, project, specs),
    )
    results = writer.write_all(
        request,
        [p.input for p in prepared],
        concurrency=settings.drafting.concurrency,
        progress=progress,
        on_delta=on_delta,
        cancel=cancel,
    )
    return DraftOutcome(
        project=project,
        brief=brief,
        brief_version=brief_version,
        sections=results,
        warnings={p.input.spec.key: p.warnings for p in prepared if p.warnings},
        wall_seconds=time.perf_counter() - started,
    )


def _may_write_offline(gateway: Gateway, model: str) -> bool:
    """The offline composer writes with the model, or when it is one of the model's fallbacks."""
    return any(gateway.is_offline(m) for m in [model, *gateway.config.fallbacks_for(model)])


def unfinished_sections(settings: Settings, project: Project) -> list[str]:
    """The plan's sections with no complete current version (missing, failed, partial from a
    killed run, incomplete, stopped): what a resumed draft writes."""
    versions = VersionStore.from_settings(settings)
    plan = ProjectStore.from_settings(settings).plan(project)
    return [
        spec.key
        for spec in plan.sections
        if (current := versions.current(project.project_id, spec.key)) is None
        or current.status != "complete"
    ]


def _other_sections(
    settings: Settings, projects: ProjectStore, project: Project, specs: Sequence[SectionSpec]
) -> list[str]:
    """The current text of the sections not being written (a regenerated section repeats
    none of their sentences)."""
    versions = VersionStore.from_settings(settings)
    writing = {spec.key for spec in specs}
    texts: list[str] = []
    for spec in projects.plan(project).sections:
        current = versions.current(project.project_id, spec.key)
        if spec.key not in writing and current is not None:
            texts.extend(s for line in current.text.splitlines() for s in split_sentences(line))
    return texts


def project_paper(
    settings: Settings, project: Project, *, review_appendix: bool = False
) -> ExportedPaper:
    """The project's paper from the current version of each section."""
    projects = ProjectStore.from_settings(settings)
    versions = VersionStore.from_settings(settings)
    plan = projects.plan(project)
    # A section with no usable version shows its last failed attempt, so the paper says why.
    current = {
        spec.key: version
        for spec in plan.sections
        if (
            version := versions.current(project.project_id, spec.key)
            or versions.latest_attempt(project.project_id, spec.key)
        )
        is not None
    }
    brief = current_brief(projects, project.project_id)
    store = CardStore.open(settings)
    return export_paper(
        title=brief[1].title if brief else project.topic,
        topic=project.topic,
        lang=project.lang,
        plan=plan,
        versions=current,
        papers=store.get_paper,
        review_appendix=review_appendix,
    )


def export_text(paper: ExportedPaper, fmt: str) -> str:
    """The paper as `md` or `html` text (BibTeX comes from the manuscript: `bib_export`)."""
    if fmt == "md":
        return paper.markdown
    if fmt == "html":
        return to_html(paper.markdown, paper.document.title)
    raise InputError(f"unknown export format {fmt!r}; use md or html")
