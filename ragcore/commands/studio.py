"""`ragcore studio`: start the Streamlit studio with safe server settings from any folder.

`.streamlit/config.toml` is read only when Streamlit starts in the repository root; started
elsewhere, Streamlit listens on every interface and sends usage statistics. This command passes
the settings on the command line, so they hold wherever it is run: loopback address, no usage
statistics, uploads limited to the ingest's per-paper limit, no file watcher. The studio
(`python -m studio`: Streamlit with the first page's modules preloaded) replaces this process
(ragcore never imports streamlit).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from ragcore.settings import PROJECT_ROOT

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def studio_arguments(host: str, port: int, upload_mb: int) -> list[str]:
    """The studio's command line (`python -m studio`, options as `streamlit run`'s) with its
    server settings."""
    return [
        sys.executable,
        "-m",
        "studio",
        f"--server.address={host}",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        f"--server.maxUploadSize={upload_mb}",
        "--browser.gatherUsageStats=false",
        f"--browser.serverAddress={host}",
    ]


def studio(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8501,
) -> None:
    """Start the studio in the browser (Streamlit) on this machine only, with no usage stats."""
    from ragcore.ingest.limits import MAX_FILE_BYTES

    if host not in LOOPBACK:
        typer.secho(
            f"warning: listening on {host}: anyone who can reach it can read and change the "
            "library, with no login. To serve a team, see docs/reliability.md "
            "(a reverse proxy with authentication, or Streamlit's OIDC login).",
            err=True,
            fg=typer.colors.YELLOW,
        )
    typer.secho(f"RAG Paper Studio on http://{host}:{port}", err=True)
    arguments = studio_arguments(host, port, MAX_FILE_BYTES // (1024 * 1024))
    # Run from the repository: the pages' paths and the theme resolve there. The studio
    # replaces this process rather than running as its child: a supervisor that stops
    # `ragcore studio` by its process id stops the server, and leaves no orphan on the port.
    os.chdir(PROJECT_ROOT)
    os.execv(arguments[0], arguments)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `ragcore` app."""
    app.command("studio")(studio)
