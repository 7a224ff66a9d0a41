"""A project's own outline (add, rename, reorder, delete sections; each section's summary
types, prompt template and length target) and its front matter (title, abstract, keywords).

The outline is stored as the project's section-plan override (`ProjectMeta.section_plan`, the
form `sectionplan.merge_plan` reads) written out in full, so every page and command that asks
the project for its plan (Evidence, Draft, Compare, Export, `--section`) sees the same sections.
Renaming changes a section's names, never its key: its evidence and versions stay attached.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ragcore.drafting.front_matter import FrontMatter
from ragcore.drafting.projects import Project, ProjectStore
from ragcore.errors import InputError
from ragcore.library.cards import SummaryType
from ragcore.retrieval.sectionplan import SectionPlan, SectionSpec, validate_plan
from ragcore.settings import PROJECT_ROOT

CATALOGUE_PATH = PROJECT_ROOT / "data" / "section_catalogue.yaml"
MAX_SECTIONS = 30
MAX_NAME_CHARS = 60


def _catalogue() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return data


def _fold(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InputError("a section needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise InputError(f"a section name has at most {MAX_NAME_CHARS} characters")
    return name


def _taken(plan: SectionPlan, name: str, except_key: str = "") -> SectionSpec | None:
    return next((s for s in plan.sections if s.key != except_key and s.matches(name)), None)


def _slug(name: str) -> str:
    if re.search(r"[\u3400-\u9fff]", name):
        from pypinyin import lazy_pinyin

        name = " ".join(lazy_pinyin(name))
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "section"


def _save(store: ProjectStore, project: Project, sections: list[SectionSpec]) -> Project:
    if not sections:
        raise InputError("the outline needs at least one section")
    if len(sections) > MAX_SECTIONS:
        raise InputError(f"an outline has at most {MAX_SECTIONS} sections")
    dumped = [s.model_dump(mode="json") for s in sections]
    validate_plan({"sections": dumped}, "the outline")
    plan = {"sections": dumped, "order": [s.key for s in sections]}
    return store.update(project.project_id, section_plan=plan)


def new_section_spec(name: str, plan: SectionPlan, en: str = "") -> SectionSpec:
    """A section named `name` (Chinese or English): a known kind (讨论, Limitations, ...) takes
    its evidence types and length from the catalogue, any other name the generic ones."""
    name = _clean_name(name)
    catalogue = _catalogue()
    known = next(
        (s for s in catalogue["sections"] if _fold(name) in {_fold(s["key"]), _fold(s["zh"]), _fold(s["en"])}),
        None,
    )  # fmt: skip
    chinese = bool(re.search(r"[\u3400-\u9fff]", name))
    data: dict[str, Any] = dict(known or catalogue["generic"])
    data["zh"] = name if chinese else (known["zh"] if known else name)
    data["en"] = (
        _clean_name(en) if en else (name if not chinese else (known["en"] if known else name))
    )
    # The key is ASCII: the catalogue's, else from the English name, else pinyin.
    base = str(known["key"]) if known else _slug(data["en"] if en or not chinese else name)
    key, n = base, 2
    while key in {s.key for s in plan.sections}:
        key, n = f"{base}_{n}", n + 1
    data["key"] = key
    return SectionSpec.model_validate(data)


def add_section(
    store: ProjectStore, project: Project, name: str, *, en: str = "", position: int | None = None
) -> Project:
    plan = store.plan(project)
    for wanted in filter(None, (name, en)):
        clash = _taken(plan, wanted)
        if clash is not None:
            raise InputError(f"a section named {wanted!r} already exists ({clash.zh} · {clash.en})")
    spec = new_section_spec(name, plan, en)
    sections = list(plan.sections)
    sections.insert(len(sections) if position is None else max(0, position), spec)
    return _save(store, project, sections)


def chosen_outline(plan: SectionPlan, chosen: list[str]) -> dict[str, Any] | None:
    """The section-plan override a new-project form asks for: the listed sections in the order
    given, each a section of `plan` (by key or name) or a new one by name (讨论, Limitations);
    None when that is `plan` itself."""
    sections: list[SectionSpec] = []
    for name in chosen:
        existing = _taken(plan, name) or next((s for s in sections if s.matches(name)), None)
        if existing is None:
            current = plan.model_copy(update={"sections": [*plan.sections, *sections]})
            existing = new_section_spec(name, current)
        if existing not in sections:
            sections.append(existing)
    if not sections:
        raise InputError("the outline needs at least one section")
    if [s.key for s in sections] == plan.keys():
        return None
    return {
        "sections": [s.model_dump(mode="json") for s in sections],
        "order": [s.key for s in sections],
    }


def rename_section(
    store: ProjectStore, project: Project, section: str, *, zh: str = "", en: str = ""
) -> Project:
    plan = store.plan(project)
    spec = plan.find(section)
    changes = {k: _clean_name(v) for k, v in (("zh", zh), ("en", en)) if v.strip()}
    for wanted in changes.values():
        clash = _taken(plan, wanted, except_key=spec.key)
        if clash is not None:
            raise InputError(f"a section named {wanted!r} already exists ({clash.zh} · {clash.en})")
    sections = [s.model_copy(update=changes) if s.key == spec.key else s for s in plan.sections]
    return _save(store, project, sections)


def move_section(store: ProjectStore, project: Project, section: str, position: int) -> Project:
    """Put the section at `position` (0 = first; beyond the end = last)."""
    plan = store.plan(project)
    spec = plan.find(section)
    sections = [s for s in plan.sections if s.key != spec.key]
    sections.insert(min(max(position, 0), len(sections)), spec)
    return _save(store, project, sections)


def delete_section(store: ProjectStore, project: Project, section: str) -> Project:
    plan = store.plan(project)
    spec = plan.find(section)
    if len(plan.sections) == 1:
        raise InputError("the outline needs at least one section; add another before deleting this")
    return _save(store, project, [s for s in plan.sections if s.key != spec.key])


def configure_section(
    store: ProjectStore,
    project: Project,
    section: str,
    *,
    types: dict[str, int] | list[str] | None = None,
    words: tuple[int, int] | None = None,
    prompt: str | None = None,
) -> Project:
    """Change a section's summary types (a list keeps the current counts, new ones draw 3),
    its word target or its prompt template id (`""` = its own or the generic template)."""
    plan = store.plan(project)
    spec = plan.find(section)
    changes: dict[str, Any] = {}
    if types is not None:
        if isinstance(types, list):
            parsed = [SummaryType.parse(t) for t in types]
            types = {t.value: spec.types.get(t, 3) for t in parsed}
        changes["types"] = types
    if words is not None:
        changes["words"] = words
    if prompt is not None:
        if prompt and not prompt.startswith("section/"):
            raise InputError(f"a section prompt is a `section/...` template, got {prompt!r}")
        changes["prompt"] = prompt
    updated = SectionSpec.model_validate(spec.model_dump(mode="json") | changes)
    return _save(store, project, [updated if s.key == spec.key else s for s in plan.sections])


# ---------------------------------------------------------------------------- front matter


def brief_front(brief: Any, lang: str, topic: str) -> FrontMatter:
    """Title, abstract and keywords drafted from the paper brief (or the topic alone)."""
    if brief is None:
        return FrontMatter(title=topic)
    sep = "; " if lang == "en" else "；"
    if lang == "en":
        abstract = (
            f"{brief.research_question} We propose {brief.method_name}: {brief.method_idea} "
            f"Contributions: {sep.join(brief.contributions)}."
        )
    else:
        abstract = (
            f"{brief.research_question}本文提出{brief.method_name}：{brief.method_idea}"
            f"主要贡献：{sep.join(brief.contributions)}。"
        )
    keywords = list(dict.fromkeys([brief.method_name, *brief.datasets, *brief.metrics]))[:6]
    return FrontMatter(title=brief.title, abstract=abstract, keywords=keywords)


def front_matter(store: ProjectStore, project: Project, brief: Any) -> FrontMatter:
    """The user's front matter when edited, else the one drafted from the brief."""
    saved = store.front(project.project_id)
    if saved:
        return FrontMatter(
            title=str(saved.get("title") or project.topic),
            abstract=str(saved.get("abstract", "")),
            keywords=[str(k) for k in saved.get("keywords", [])],
        )
    return brief_front(brief, project.lang, project.topic)


def save_front_matter(
    store: ProjectStore, project: Project, title: str, abstract: str, keywords: list[str] | str
) -> FrontMatter:
    if isinstance(keywords, str):
        keywords = re.split(r"[;；,，、\n]+", keywords)
    front = FrontMatter(
        title=" ".join(title.split()),
        abstract=abstract.strip(),
        keywords=[k.strip() for k in keywords if k.strip()],
    )
    if not front.title:
        raise InputError("the paper needs a title")
    store.save_front(project.project_id, front.__dict__)
    return front
