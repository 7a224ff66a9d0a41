"""`ragcore ingest PATH... [--model M] [--lang zh|en] [--json]`: files and folders into cards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ragcore.settings import load_settings

if TYPE_CHECKING:
    from ragcore.ingest.model import FileReport


def _print_report(item: FileReport) -> None:
    name = Path(item.file).name
    if item.error:
        typer.secho(f"✗ {name}: {item.error}", fg=typer.colors.RED)
        return
    state = "unchanged" if item.status == "unchanged" else "ingested"
    typer.secho(f"✓ {name} [{state}] {item.paper_id} — {item.title}", fg=typer.colors.GREEN)
    roles = ", ".join(f"{heading or '(no heading)'} [{role}]" for heading, role in item.sections)
    typer.echo(f"  sections ({len(item.sections)}): {roles}")
    typer.echo(f"  cards ({len(item.cards)}): " + ", ".join(t.label for _, t in item.cards))
    for failed in item.failed:
        typer.echo(f"  no {failed.summary_type.label} card: {failed.reason}")
    for warning in item.warnings:
        typer.secho(f"  warning: {warning}", fg=typer.colors.YELLOW)


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Paper files or folders (walked recursively).")
    ],
    model: Annotated[
        str | None, typer.Option("--model", help="LLM for summaries (default: offline extractive).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of LLM summaries: zh or en.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON list, one object per file.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Re-ingest files even when unchanged.")
    ] = False,
) -> None:
    """Ingest papers (PDF, Markdown, LaTeX, text, JATS XML) into typed summary cards.

    Exit status: 0 when every file was ingested (or unchanged), 1 when any file failed (the
    others are ingested), 2 when the run itself stopped (bad option, the store unreachable)."""
    from ragcore.ingest.pipeline import IngestOptions, StoreUnavailable, ingest_paths

    overrides = {"lang": lang} if lang else {}
    settings = load_settings(**overrides)
    options = IngestOptions(model=model or settings.model, lang=settings.lang, force=force)
    try:
        if as_json:
            reports = ingest_paths(settings, paths, options)
        else:
            from ragcore.commands.support import progress_bar

            with progress_bar("ingest") as progress:
                reports = ingest_paths(settings, paths, options, progress)
    except StoreUnavailable as stopped:
        _show(stopped.reports, as_json)
        raise  # one plain line from the CLI's error handler, exit 2
    _show(reports, as_json)
    failed = [r for r in reports if r.error]
    if failed:
        typer.secho(
            f"{len(failed)} of {len(reports)} files failed; the others were ingested",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(1)


def _show(reports: list[FileReport], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
        return
    for item in reports:
        _print_report(item)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `ragcore` app."""
    app.command("ingest")(ingest)
