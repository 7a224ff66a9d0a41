"""`ragcore eval paper PROJECT|PAPER.md [--json] [--judge MODEL]`: the paper scorecard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ragcore.commands.retrieval import eval_app
from ragcore.settings import load_settings

if TYPE_CHECKING:
    from ragcore.quality.model import Scorecard


def scorecard_for(target: str, judge_model: str | None = None) -> Scorecard:
    """A project's scorecard (by id or name), or an exported paper file's."""
    from ragcore.quality.scorecard import score_file, score_project

    path = Path(target)
    if path.suffix.lower() in (".md", ".markdown", ".txt") or path.is_file():
        return score_file(path)
    from ragcore.drafting.projects import ProjectStore

    settings = load_settings()
    project = ProjectStore.from_settings(settings).find(target)
    judge = None
    if judge_model:
        from ragcore.llm.gateway import Gateway
        from ragcore.llm.prompts import PromptLibrary
        from ragcore.quality.judge import ModelJudge

        judge = ModelJudge(
            Gateway.from_settings(settings), PromptLibrary.from_settings(settings), judge_model
        )
    return score_project(settings, project, judge=judge)


def eval_paper_command(
    target: Annotated[str, typer.Argument(help="A project id or name, or an exported PAPER.md.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    judge: Annotated[
        str | None,
        typer.Option(
            "--judge",
            help="Also ask this configured model whether each cited "
            "sentence is supported (one call per sentence).",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 unless every judged figure is at its ideal.")
    ] = False,
) -> None:
    """The paper scorecard: citations, references, fragments, repeats, length, language,
    off-topic citations, citation support, grounding, statistics (docs/quality.md)."""
    from ragcore.quality.model import render_text

    card = scorecard_for(target, judge)
    if as_json:
        typer.echo(json.dumps(card.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(card), nl=False)
    if strict and not card.passed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `eval paper` beside `eval retrieval` (the `eval` group lives in commands.retrieval)."""
    eval_app.command("paper")(eval_paper_command)
