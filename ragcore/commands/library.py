"""Library commands: `import`, `papers`, `cards list|show|delete`, `search`.

`--json` output schemas are documented in docs/formats.md. The search ranking (`rank_cards`)
is kept apart from its rendering (`search_listing`, `search_json`) so that hybrid retrieval can
replace the ranking without touching the output.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ragcore.commands.support import progress_bar
from ragcore.documents.listing import render_listing
from ragcore.errors import InputError
from ragcore.library.cards import Card, SummaryType
from ragcore.settings import load_settings

if TYPE_CHECKING:
    from ragcore.ingest.importer import FileReport
    from ragcore.library.store import CardStore


MAX_K = 100
cards_app = typer.Typer(help="List, show and delete cards.", no_args_is_help=True)
papers_app = typer.Typer(
    help="Papers with their card counts; `papers edit|show|import|...` for their references."
)


def _open_store() -> CardStore:
    # Imported on use: the store loads chromadb, which `--help` does not need.
    from ragcore.library.store import CardStore

    return CardStore.open(load_settings())


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _parse_type(raw: str) -> SummaryType:
    try:
        return SummaryType.parse(raw)
    except ValueError as error:
        raise InputError(str(error)) from None


def card_json(card: Card) -> dict[str, Any]:
    """The `cards list --json` record of one card."""
    return {
        "card_id": card.card_id,
        "paper_id": card.paper_id,
        "summary_type": card.summary_type.value,
        "title": card.title,
        "text": card.text,
        "source_sections": card.source_sections,
        "tags": card.tags,
        "lang": card.lang,
        "origin": card.origin.value,
        "created_at": card.created_at.isoformat(),
        "updated_at": card.updated_at.isoformat(),
    }


# ----------------------------------------------------------------------------- import


def _file_report_lines(file: FileReport) -> list[str]:
    kind = file.format or "unreadable"
    head = (
        f"{file.path} ({kind}): {len(file.added)} added, {len(file.skipped)} skipped, "
        f"{len(file.rejected)} rejected"
    )
    if file.raw_chunks_added:
        head += f", {file.raw_chunks_added} source excerpts added"
    lines = [head]
    for label, notes in (("skipped", file.skipped), ("rejected", file.rejected)):
        for note in notes:
            card = note.card
            lines.append(
                f"  {label}: line {note.line}, {card.paper_id} {card.summary_type.label}: {note.reason}"
            )
    lines += [
        f"  replaced the stored truncated card {old} by its complete text" for old in file.replaced
    ]
    lines += [f"  warning: {problem}" for problem in file.warnings]
    lines += [f"  error: {problem}" for problem in file.errors]
    return lines


def import_command(
    files: Annotated[list[Path], typer.Argument(help="Listing, context or cards JSONL files.")],
) -> None:
    """Import card files; prints what was added, skipped and rejected, and why."""
    from ragcore.ingest.importer import import_files

    store = _open_store()
    with progress_bar("importing") as callback:
        report = import_files(files, store, callback)
    for file in report.files:
        typer.echo("\n".join(_file_report_lines(file)))
    typer.echo(
        f"total: {len(report.added)} added, {len(report.skipped)} skipped, "
        f"{len(report.rejected)} rejected; the library now holds {store.count()} cards"
    )
    if report.errors:
        # The valid records are imported; the exit status still tells scripts something failed.
        raise InputError(f"{len(report.errors)} problem(s) in the imported files, listed above")


# ----------------------------------------------------------------------------- papers


def papers_summary(store: CardStore) -> list[dict[str, Any]]:
    """The `papers --json` records: every paper with cards, its title and counts per type."""
    titles = {paper.paper_id: paper.title for paper in store.list_papers()}
    by_paper: dict[str, Counter[str]] = {}
    for card in store.get_cards():
        by_paper.setdefault(card.paper_id, Counter())[card.summary_type.value] += 1
        if card.title and not titles.get(card.paper_id):
            titles[card.paper_id] = card.title
    order = [t.value for t in SummaryType]
    return [
        {
            "paper_id": paper_id,
            "title": titles.get(paper_id, ""),
            "cards": sum(counts.values()),
            "by_type": {t: counts[t] for t in order if counts[t]},
        }
        for paper_id, counts in sorted(by_paper.items())
    ]


def papers_command(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Papers in the library with their card counts per summary type."""
    if ctx.invoked_subcommand is not None:
        return
    rows = papers_summary(_open_store())
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        typer.echo("the library is empty; add cards with `ragcore import FILE`")
        return
    for row in rows:
        title = f" — {row['title']}" if row["title"] else ""
        counts = ", ".join(f"{SummaryType(t).label} {n}" for t, n in row["by_type"].items())
        typer.echo(f"{row['paper_id']}{title}\n  {row['cards']} card(s): {counts}")
    typer.echo(f"{len(rows)} papers, {sum(row['cards'] for row in rows)} cards")


# ------------------------------------------------------------------------------ cards


def cards_list(
    paper: Annotated[str | None, typer.Option("--paper", help="Only this paper id.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only this summary type.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List cards, optionally of one paper and/or one summary type."""
    summary_type = _parse_type(type_) if type_ else None
    cards = _open_store().get_cards(paper_id=paper, summary_type=summary_type)
    if as_json:
        _echo_json([card_json(card) for card in cards])
        return
    for card in cards:
        preview = " ".join(card.text.split())[:50]
        typer.echo(f"{card.card_id}  {card.paper_id}  {card.summary_type.label}  {preview}")
    typer.echo(f"{len(cards)} cards")


def cards_show(card_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show one card in full."""
    card = _open_store().get_card(card_id)
    if card is None:
        raise InputError(f"no card with id {card_id!r}; list ids with `ragcore cards list`")
    if as_json:
        _echo_json(card_json(card))
        return
    typer.echo(f"card {card.card_id}: {card.summary_type.label} of paper {card.paper_id}")
    if card.title:
        typer.echo(f"title: {card.title}")
    for name, values in (("source sections", card.source_sections), ("tags", card.tags)):
        if values:
            typer.echo(f"{name}: {', '.join(values)}")
    typer.echo(f"language: {card.lang}, origin: {card.origin.value}\n")
    typer.echo(card.text)


def cards_delete(card_ids: Annotated[list[str], typer.Argument(help="Card ids.")]) -> None:
    """Delete cards by id (nothing is deleted when any id is unknown)."""
    store = _open_store()
    found = {card.card_id for card in store.get_cards(ids=card_ids)}
    unknown = [card_id for card_id in card_ids if card_id not in found]
    if unknown:
        raise InputError(f"no card with id {', '.join(unknown)}; nothing was deleted")
    store.delete_cards(card_ids)
    typer.echo(f"deleted {len(found)} card(s)")


# ----------------------------------------------------------------------------- search


def search_command(
    topic: Annotated[str, typer.Argument(help="Research topic, in Chinese or English.")],
    types: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Summary type (repeatable).")
    ] = None,
    k: Annotated[int, typer.Option("-k", help="Cards per summary type.")] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find the best cards of each summary type for a topic."""
    if not topic.strip():
        raise InputError("the topic is empty; give a research topic, e.g. ragcore search 图像分类")
    if not 1 <= k <= MAX_K:
        raise InputError(f"-k must be between 1 and {MAX_K}, got {k}")
    wanted = [_parse_type(raw) for raw in types] if types else list(SummaryType)
    # Imported here: hybrid retrieval loads jieba and BM25, which other commands do not need.
    from ragcore.commands.retrieval import listing_of
    from ragcore.retrieval.hybrid import retrieve_all_types

    store = _open_store()
    types_wanted = list(dict.fromkeys(wanted))
    retrieval = retrieve_all_types(
        store, topic.strip(), types=types_wanted, k=k, settings=store.settings
    )
    if as_json:
        _echo_json(retrieval.to_dict())
    else:
        typer.echo(render_listing(listing_of(retrieval)), nl=False)


def register(app: typer.Typer) -> None:
    """Add the library commands to the `ragcore` app."""
    app.command("import")(import_command)
    papers_app.callback(invoke_without_command=True)(papers_command)
    app.add_typer(papers_app, name="papers")
    app.command("search")(search_command)
    cards_app.command("list")(cards_list)
    cards_app.command("show")(cards_show)
    cards_app.command("delete")(cards_delete)
    app.add_typer(cards_app, name="cards")
