"""Drafting commands: `draft TOPIC`, `export PROJECT --format md|docx|tex|html|bib|pdf`,
`projects`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from ragcore.commands.support import progress_bar
from ragcore.errors import InputError
from ragcore.settings import load_settings

if TYPE_CHECKING:
    from ragcore.drafting.pipeline import DraftOutcome


def _write_or_echo(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    if output.is_dir():
        raise InputError(f"{output} is a folder; give a file name for -o")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    typer.secho(f"wrote {output}", err=True)


def _summary(outcome: DraftOutcome) -> None:
    """What the user must know about the draft, on stderr (the paper may be on stdout)."""
    lang = outcome.project.lang
    if outcome.brief.source.startswith("extractive (the model failed"):
        typer.secho(
            f"warning: the brief fell back to the offline one: {outcome.brief.source}",
            err=True,
            fg=typer.colors.YELLOW,
        )
    typer.secho(
        f"project {outcome.project.project_id} ({outcome.project.name}); brief version "
        f"{outcome.brief_version} ({outcome.brief.source}); {outcome.wall_seconds:.1f} s",
        err=True,
    )
    # The evidence warnings are part of each section's findings (its review), listed below.
    for key, version in outcome.sections.items():
        colour = typer.colors.GREEN if version.status == "complete" else typer.colors.RED
        line = f"  {key}: {version.status}" + (f" — {version.message}" if version.message else "")
        typer.secho(line, err=True, fg=colour)
        for finding in version.checks.lines(lang):
            typer.secho(f"    {finding}", err=True, fg=typer.colors.YELLOW)


def draft(
    topic: Annotated[
        str | None, typer.Argument(help="The research topic (Chinese or English).")
    ] = None,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section", "-s", help="Only this section (repeatable; 中文 or English name)."
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model name from the LLM config.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the paper here.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Paper language zh or en (default: the topic's).")
    ] = None,
    review: Annotated[bool, typer.Option("--review", help="Add the review appendix.")] = False,
    project_ref: Annotated[
        str | None,
        typer.Option("--project", "-p", help="Draft this existing project (id or name)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="With --project: write only the sections not yet complete."),
    ] = False,
) -> None:
    """Run the whole pipeline headless: a new project (or --project), evidence, brief, sections,
    paper. `--project ID --resume` continues a draft that was stopped or killed."""
    from ragcore.drafting.pipeline import (
        draft_project,
        export_text,
        project_paper,
        unfinished_sections,
    )
    from ragcore.drafting.projects import ProjectStore

    settings = load_settings()
    if lang not in (None, "zh", "en"):
        raise InputError(f"--lang must be zh or en, got {lang!r}")
    if resume and not project_ref:
        raise InputError("--resume needs --project ID (see `ragcore projects`)")
    if project_ref and topic:
        raise InputError(
            "give a topic for a new project or --project for an existing one, not both"
        )
    if project_ref:
        project = ProjectStore.from_settings(settings).find(project_ref)
    elif topic:
        paper_lang: Literal["zh", "en"] | None = "en" if lang == "en" else ("zh" if lang else None)
        project = ProjectStore.from_settings(settings).create(
            topic, lang=paper_lang, model=model or ""
        )
    else:
        raise InputError("give a topic, or --project ID for an existing project")
    if resume:
        missing = unfinished_sections(settings, project)
        if section:
            plan = ProjectStore.from_settings(settings).plan(project)
            wanted = {plan.find(name).key for name in section}
            missing = [key for key in missing if key in wanted]
        section = missing
        if not section:
            typer.secho(
                f"project {project.project_id}: every section is complete; nothing to resume",
                err=True,
            )
            paper = project_paper(settings, project, review_appendix=review)
            _write_or_echo(export_text(paper, "md"), output)
            return
        typer.secho(f"resuming {project.project_id}: {', '.join(section)}", err=True)
    with progress_bar("draft") as callback:
        outcome = draft_project(
            settings, project, sections=section or [], model=model, progress=callback
        )
    paper = project_paper(settings, project, review_appendix=review)
    _write_or_echo(export_text(paper, "md"), output)
    _summary(outcome)
    if outcome.nothing_written:  # a weak or short section is a warning, not a failure
        typer.secho("nothing could be written", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)


def export(
    project: Annotated[str, typer.Argument(help="Project id or name (see `ragcore projects`).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="md, docx, tex (+ .bib), html, bib or pdf.")
    ] = "md",
    style: Annotated[
        str,
        typer.Option(
            "--style", help="gb-t-7714, ieee, acm, apa, nature or user:NAME (default: project's)."
        ),
    ] = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    review: Annotated[bool, typer.Option("--review", help="Add the review appendix.")] = False,
) -> None:
    """Export a project's paper from the current version of each section (docs/export.md)."""
    from ragcore.drafting.exporting import export_project
    from ragcore.drafting.projects import ProjectStore

    settings = load_settings()
    found = ProjectStore.from_settings(settings).find(project)
    stem = output.stem if output is not None and not output.is_dir() else ""
    exported = export_project(
        settings, found, fmt, style_id=style, review_appendix=review, stem=stem
    )
    if output is None and fmt in ("docx", "pdf"):
        output = Path(exported.name)
    if output is None:
        typer.echo(exported.data.decode("utf-8"), nl=False)
        return
    if output.is_dir():
        output = output / exported.name
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(exported.data)
    typer.secho(f"wrote {output}", err=True)
    for name, data in exported.companions.items():
        companion = output.with_name(output.stem + Path(name).suffix)
        companion.write_bytes(data)
        typer.secho(f"wrote {companion}", err=True)


def projects() -> None:
    """List the projects, most recently changed first."""
    from ragcore.drafting.projects import ProjectStore
    from ragcore.drafting.versions import VersionStore

    settings = load_settings()
    store = ProjectStore.from_settings(settings)
    versions = VersionStore.from_settings(settings)
    listed = store.list_projects()
    if not listed:
        typer.echo("no projects yet; `ragcore draft TOPIC` creates one")
        return
    for project in listed:
        drafted = len(versions.sections(project.project_id))
        typer.echo(
            f"{project.project_id}  {project.lang}  {project.updated_at[:19]}  "
            f"{drafted} sections drafted  {project.model or '-'}  {project.name}"
        )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `ragcore` app."""
    app.command("draft")(draft)
    app.command("export")(export)
    app.command("projects")(projects)
