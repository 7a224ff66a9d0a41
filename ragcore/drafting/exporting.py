"""A project's manuscript in any export format: the one function the Export page and
`ragcore export` call."""

from __future__ import annotations

import re

from ragcore.drafting.brief import current_brief
from ragcore.drafting.export import ExportedPaper
from ragcore.drafting.manuscript import (
    CitedWork,
    ExportFile,
    FrontMatter,
    Manuscript,
    render_export,
)
from ragcore.drafting.outline import front_matter
from ragcore.drafting.pipeline import project_paper
from ragcore.drafting.projects import Project, ProjectStore
from ragcore.drafting.styles import CitationStyle, default_style, get_style
from ragcore.library.bibliography import BibliographyStore, Reference
from ragcore.settings import Settings

_NOTE_LABEL = {"zh": "项目笔记（非文献）", "en": "Project note (not a publication)"}


def project_style(settings: Settings, project: Project, style_id: str = "") -> CitationStyle:
    """The style asked for, else the project's, else the default for its language."""
    return get_style(settings.home, style_id or project.style or default_style(project.lang))


def build_manuscript(
    exported: ExportedPaper, front: FrontMatter, bibliography: BibliographyStore, lang: str
) -> Manuscript:
    """The exported paper with each cited paper's reference of record and citation key."""
    works = []
    for reference in exported.references:
        if reference.is_note:
            label = _NOTE_LABEL["en" if lang == "en" else "zh"]
            works.append(CitedWork(f"note{reference.number}", None, label))
            continue
        record: Reference = bibliography.reference(reference.paper_id, reference.paper)
        works.append(CitedWork(bibliography.citation_key(record), record))
    document = exported.document
    document.title = front.title or document.title
    return Manuscript(front, lang, document.sections, works, document)


def project_manuscript(
    settings: Settings, project: Project, *, review_appendix: bool = False
) -> Manuscript:
    exported = project_paper(settings, project, review_appendix=review_appendix)
    projects = ProjectStore.from_settings(settings)
    brief = current_brief(projects, project.project_id)
    front = front_matter(projects, project, brief[1] if brief else None)
    bibliography = BibliographyStore(settings.db_path)
    return build_manuscript(exported, front, bibliography, project.lang)


def file_stem(title: str) -> str:
    return re.sub(r"[^\w\u3400-\u9fff-]+", "_", title).strip("_")[:60] or "paper"


def export_project(
    settings: Settings,
    project: Project,
    fmt: str,
    *,
    style_id: str = "",
    review_appendix: bool = False,
    stem: str = "",
) -> ExportFile:
    """The project's paper as `fmt` (md, docx, tex, html, bib, pdf) in its citation style;
    files are named `stem` (default: from the title), a .tex cites `stem`.bib."""
    style = project_style(settings, project, style_id)
    manuscript = project_manuscript(settings, project, review_appendix=review_appendix)
    return render_export(manuscript, fmt, style, stem or file_stem(manuscript.front.title))
