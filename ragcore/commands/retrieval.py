"""Retrieval commands: `context TOPIC --section S` and `eval retrieval DIR`.

`listing_of(retrieval)` turns hybrid results into the typed listing of seeds/001 (with a plain
note under each type that has no card above the relevance floor); `ragcore search` uses it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ragcore.commands.support import progress_bar
from ragcore.documents.listing import Listing, ListingCard, ListingSection
from ragcore.errors import InputError
from ragcore.settings import load_settings
from ragcore.wording import describe

if TYPE_CHECKING:
    from ragcore.retrieval.hybrid import Retrieval


eval_app = typer.Typer(help="Measure retrieval quality.", no_args_is_help=True)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def weak_note(lang: str, floor: float, has_cards: bool) -> str:
    if not has_cards:
        return "no card of this type" if lang == "en" else "没有此类型的总结"
    if lang == "en":
        return f"no card above the relevance floor ({floor:.2f}); these are weak matches"
    return f"没有相关度高于阈值 ({floor:.2f}) 的总结；以下仅为弱相关结果"


def listing_of(retrieval: Retrieval) -> Listing:
    """The typed card listing of a retrieval (relevance in [0, 1], higher is better)."""
    lang = retrieval.lang
    sections = []
    for summary_type, result in retrieval.results.items():
        cards = [
            ListingCard(
                paper_id=item.paper_id,
                text=item.card.text,
                score=round(item.relevance, 4),
                source_sections=item.card.source_sections,
                tags=item.card.tags,
                title=item.card.title,
                card_id=item.evidence_id,
            )
            for item in result.items
        ]
        note = "" if result.has_strong else weak_note(lang, retrieval.floor, bool(cards))
        sections.append(ListingSection(summary_type, cards, note))
    return Listing(topic=retrieval.topic, sections=sections, lang=lang)


def context_command(
    topic: Annotated[
        str | None,
        typer.Argument(help="Research topic, in Chinese or English (or use --project)."),
    ] = None,
    section: Annotated[
        str, typer.Option("--section", "-s", help="Section: 引言/Introduction, 方法/Method, ...")
    ] = "",
    project: Annotated[
        str | None,
        typer.Option("--project", "-p", help="A project's context, exactly as drafting sends it."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="zh or en (default: the topic's language)")
    ] = None,
    budget: Annotated[int | None, typer.Option("--budget", help="Token budget.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print one section's structured context for a topic, or a project's (what drafting sends).

    With --project the project's query, k, pins, exclusions, edits and notes apply."""
    from ragcore.library.store import CardStore
    from ragcore.retrieval.context import BuiltContext, section_context

    if lang not in (None, "zh", "en"):
        raise InputError(f"--lang must be zh or en, got {lang!r}")
    if budget is not None and budget < 100:
        raise InputError(f"--budget must be at least 100 tokens, got {budget}")
    if not section:
        raise InputError("--section is required (e.g. --section 方法 or --section Method)")
    if (topic is None) == (project is None):
        raise InputError("give either a TOPIC or --project, not both and not neither")
    settings = load_settings()
    store = CardStore.open(settings)
    built: BuiltContext
    if project is not None:
        from ragcore.drafting.projects import ProjectStore
        from ragcore.drafting.section_evidence import project_section

        if lang is not None or budget is not None:
            raise InputError("--lang and --budget are the project's own; drop them with --project")
        projects = ProjectStore.from_settings(settings)
        found = projects.find(project)
        built = project_section(store, projects, found, section, settings=settings).built
    else:
        from ragcore.text import detect_lang

        assert topic is not None
        built = section_context(
            store, topic, section, settings=settings, lang=lang or detect_lang(topic), budget=budget
        )
    if as_json:
        _echo_json(built.to_dict())
        return
    typer.echo(built.text, nl=False)
    for warning in built.warnings:  # in the paper's language, as the context itself
        typer.secho(f"note: {describe(warning, built.lang)}", err=True, fg=typer.colors.YELLOW)


def eval_retrieval_command(
    folder: Annotated[
        Path, typer.Argument(help="Folder with corpus.jsonl, queries.jsonl, qrels.tsv.")
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """nDCG@10 and recall@10/100 per channel (bm25, dense, hybrid) on an evaluation folder."""
    from ragcore.retrieval.evaluation import render_eval, run_eval

    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    settings = load_settings()
    with progress_bar("eval") as progress:
        result = run_eval(folder, settings, progress)
    typer.echo(json.dumps(result, indent=2) if as_json else render_eval(result))


def register(app: typer.Typer) -> None:
    """Add the retrieval commands to the `ragcore` app."""
    app.command("context")(context_command)
    eval_app.command("retrieval")(eval_retrieval_command)
    app.add_typer(eval_app, name="eval")
