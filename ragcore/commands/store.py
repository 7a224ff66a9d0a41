"""`ragcore reembed` and `ragcore store`: maintenance of the card store."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ragcore.commands.support import progress_bar
from ragcore.redaction import redact_urls
from ragcore.settings import load_settings

# Chroma (~0.6 s to import) is imported inside the commands: every `ragcore` command, `--help`
# and `ragcore studio` included, would otherwise pay for it.


def reembed() -> None:
    """Re-embed every card and raw chunk with the configured embedder (after switching it)."""
    from ragcore.library.store import CardStore

    settings = load_settings()
    with progress_bar("re-embedding") as callback:
        moved = CardStore.reembed(settings, progress=callback)
    typer.echo(f"re-embedded {moved} items with {settings.embedder}")


def info(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Where the store lives, its embedder and its size."""
    from rich.console import Console

    from ragcore.library.store import CardStore

    settings = load_settings()
    store = CardStore.open(settings)
    data = {
        "home": str(settings.home),
        "chroma": redact_urls(settings.chroma_url or str(settings.chroma_path)),
        "embedder": store.embedder.name,
        "cards": store.count(),
        "papers": len(store.list_papers()),
    }
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        Console().print(data)


def register(app: typer.Typer) -> None:
    app.command("reembed")(reembed)
    app.command("store")(info)
