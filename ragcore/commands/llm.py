"""CLI of the LLM gateway: `ragcore models` and `ragcore chat MODEL PROMPT`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ragcore.redaction import redact_urls
from ragcore.settings import load_settings


def models(
    offline_only: Annotated[
        bool, typer.Option("--no-check", help="Do not contact any server; only check keys.")
    ] = False,
) -> None:
    """List the configured models and check each (key present, server reachable); no tokens spent."""
    from rich.console import Console
    from rich.table import Table

    from ragcore.llm.config import load_llm_config
    from ragcore.llm.health import check_models

    settings = load_settings()
    config = load_llm_config(settings.llm_config)
    table = Table(
        title=f"models from {config.source or 'built-in defaults (no RAGCORE_LLM_CONFIG)'}"
    )
    for column in ("name", "model", "api base", "key", "reachable"):
        table.add_column(column)
    for check in check_models(config, network=not offline_only):
        default = " (default)" if check.name == settings.model else ""
        table.add_row(
            check.name + default,
            check.model,
            redact_urls(check.api_base or "-"),
            check.key,
            redact_urls(check.reachable),
        )
    Console(soft_wrap=True).print(table)


def chat(
    model: Annotated[str, typer.Argument(help="A model_name from the LLM config.")],
    prompt: Annotated[str, typer.Argument(help="The message to send.")],
    max_tokens: Annotated[int | None, typer.Option(help="Answer length limit.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds to wait for the server.")] = None,
) -> None:
    """Stream one answer to stdout (a quick test of a model); the call record goes to stderr."""
    from ragcore.llm.gateway import Gateway

    gateway = Gateway.from_settings(load_settings())

    def show(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    answer = gateway.stream(prompt, model, on_delta=show, max_tokens=max_tokens, timeout=timeout)
    record = answer.record
    sys.stdout.write("\n")
    sys.stdout.flush()
    summary = (
        f"[{record.model_used}{' extractive' if record.extractive else ''}] "
        f"{record.tokens_in} in / {record.tokens_out} out, {record.latency_s:.2f} s, "
        f"finish: {record.finish_reason}"
    )
    typer.echo(summary, err=True)
    if record.extractive and not answer.text.strip():
        typer.echo("(the offline model found no evidence text in the prompt to quote)", err=True)
    if record.error:
        typer.secho(f"error: {record.error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `ragcore` app."""
    app.command("models")(models)
    app.command("chat")(chat)
