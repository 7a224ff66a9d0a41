"""The `ragcore` command line. Each area registers its commands from `ragcore.commands.*`."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ragcore.errors import RagcoreError
from ragcore.redaction import redact_urls
from ragcore.settings import SettingsError

app = typer.Typer(
    name="ragcore",
    help="RAG Paper Studio: card library, retrieval and drafting from the command line.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# One module per area; each defines `register(app)`.
COMMAND_MODULES = (
    "library",
    "store",
    "llm",
    "ingest",
    "retrieval",
    "drafting",
    "bibliography",
    "manuscript",
    "quality",
    "studio",
)


@app.callback()
def _global_options(
    home: Annotated[
        Path | None, typer.Option("--home", help="Home folder (overrides RAGCORE_HOME).")
    ] = None,
) -> None:
    if home is not None:
        os.environ["RAGCORE_HOME"] = str(home)


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"ragcore.commands.{name}")
        module.register(app)


_register_commands()


def main() -> None:
    """Entry point: user mistakes end with one readable line and exit code 2, never a traceback."""
    try:
        # standalone_mode=False returns typer.Exit's code instead of raising it: pass it on.
        code = app(standalone_mode=False)
    except (RagcoreError, SettingsError) as error:
        typer.secho(f"error: {redact_urls(str(error))}", err=True, fg=typer.colors.RED)
        sys.exit(2)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.secho("aborted", err=True)
        sys.exit(130)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        typer.secho(f"error: {error.strerror}: {error.filename}", err=True, fg=typer.colors.RED)
        sys.exit(2)
    except Exception as error:  # click usage errors and the like
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
