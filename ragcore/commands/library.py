"""CLI commands of this area (filled by its issue)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `ragcore` app."""
