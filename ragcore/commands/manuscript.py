"""Manuscript commands: `outline PROJECT [add|rename|move|delete|set]`, `front PROJECT`,
`style list|add|set` (docs/export.md), `project papers PROJECT [--use ID...|--all]`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ragcore.errors import InputError
from ragcore.settings import load_settings
from ragcore.wording import describe

if TYPE_CHECKING:
    from ragcore.drafting.projects import Project, ProjectStore

outline_app = typer.Typer(help="A project's sections: list, add, rename, move, delete, set.")
style_app = typer.Typer(help="Citation styles: list, add a CSL file, set a project's style.")
project_app = typer.Typer(help="A project's settings: the papers it draws evidence from.")


def _project(name: str) -> tuple[ProjectStore, Project]:
    from ragcore.drafting.projects import ProjectStore

    store = ProjectStore.from_settings(load_settings())
    return store, store.find(name)


def _print_outline(store: ProjectStore, project: Project) -> None:
    plan = store.plan(project)
    for n, spec in enumerate(plan.sections, 1):
        types = ", ".join(f"{t.label} {k}" for t, k in spec.types.items())
        prompt = spec.prompt or "(own or generic prompt)"
        typer.echo(
            f"{n}. {spec.zh} · {spec.en}  [{spec.key}]  {spec.words[0]}-{spec.words[1]} words  "
            f"{prompt}\n   {types}"
        )


@outline_app.command("show")
def show(project: Annotated[str, typer.Argument(help="Project id or name.")]) -> None:
    """The project's sections in order, with types, word target and prompt."""
    store, found = _project(project)
    _print_outline(store, found)


@outline_app.command("add")
def add(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    name: Annotated[str, typer.Argument(help="Section name, e.g. 讨论 or Limitations.")],
    en: Annotated[str, typer.Option("--en", help="English name (for a Chinese name).")] = "",
    position: Annotated[
        int | None, typer.Option("--position", help="1 = first; default last.")
    ] = None,
) -> None:
    """Add a section (known kinds such as 讨论/Discussion take their evidence types)."""
    from ragcore.drafting.outline import add_section

    store, found = _project(project)
    updated = add_section(
        store, found, name, en=en, position=None if position is None else position - 1
    )
    _print_outline(store, updated)


@outline_app.command("rename")
def rename(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    section: Annotated[str, typer.Argument(help="Section key or name.")],
    zh: Annotated[str, typer.Option("--zh", help="New Chinese name.")] = "",
    en: Annotated[str, typer.Option("--en", help="New English name.")] = "",
) -> None:
    """Rename a section (its drafts and evidence stay with it)."""
    from ragcore.drafting.outline import rename_section

    if not zh.strip() and not en.strip():
        raise InputError("give --zh NAME and/or --en NAME")
    store, found = _project(project)
    _print_outline(store, rename_section(store, found, section, zh=zh, en=en))


@outline_app.command("move")
def move(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    section: Annotated[str, typer.Argument(help="Section key or name.")],
    position: Annotated[int, typer.Argument(help="New position, 1 = first.")],
) -> None:
    """Move a section to another position."""
    from ragcore.drafting.outline import move_section

    store, found = _project(project)
    _print_outline(store, move_section(store, found, section, position - 1))


@outline_app.command("delete")
def delete(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    section: Annotated[str, typer.Argument(help="Section key or name.")],
) -> None:
    """Remove a section from the outline (its versions stay in the database)."""
    from ragcore.drafting.outline import delete_section

    store, found = _project(project)
    _print_outline(store, delete_section(store, found, section))


@outline_app.command("set")
def configure(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    section: Annotated[str, typer.Argument(help="Section key or name.")],
    type_: Annotated[
        list[str] | None, typer.Option("--type", help="Summary type it draws on (repeat).")
    ] = None,
    words: Annotated[str | None, typer.Option("--words", help="Length target MIN-MAX.")] = None,
    prompt: Annotated[
        str | None, typer.Option("--prompt", help="Template id, e.g. section/generic.")
    ] = None,
) -> None:
    """Change a section's summary types, length target or prompt template."""
    from ragcore.drafting.outline import configure_section

    target: tuple[int, int] | None = None
    if words is not None:
        low, _, high = words.partition("-")
        if not (low.strip().isdigit() and high.strip().isdigit()):
            raise InputError(f"--words is MIN-MAX, e.g. 600-900, got {words!r}")
        target = (int(low), int(high))
    store, found = _project(project)
    updated = configure_section(store, found, section, types=type_, words=target, prompt=prompt)
    _print_outline(store, updated)


def front(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    title: Annotated[str | None, typer.Option("--title")] = None,
    abstract: Annotated[str | None, typer.Option("--abstract")] = None,
    keywords: Annotated[str | None, typer.Option("--keywords", help="Separated by ; or ,")] = None,
) -> None:
    """Show or edit the paper's title, abstract and keywords (drafted from the brief)."""
    from ragcore.drafting.brief import current_brief
    from ragcore.drafting.outline import front_matter, save_front_matter

    store, found = _project(project)
    brief = current_brief(store, found.project_id)
    current = front_matter(store, found, brief[1] if brief else None)
    if any(v is not None for v in (title, abstract, keywords)):
        current = save_front_matter(
            store,
            found,
            title if title is not None else current.title,
            abstract if abstract is not None else current.abstract,
            keywords if keywords is not None else current.keywords,
        )
    typer.echo(f"title: {current.title}\nabstract: {current.abstract}")
    typer.echo("keywords: " + "; ".join(current.keywords))


@style_app.command("list")
def style_list() -> None:
    """The citation styles: shipped ones and those you added."""
    from ragcore.drafting.styles import list_styles

    for style in list_styles(load_settings().home):
        typer.echo(f"{style.style_id:12}  {style.label}")


@style_app.command("add")
def style_add(path: Annotated[Path, typer.Argument(help="A CSL style file.")]) -> None:
    """Check a CSL file and keep it as `user:NAME`."""
    from ragcore.drafting.styles import add_user_style

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; a CSL style is XML") from None
    style = add_user_style(load_settings().home, path.name, text)
    typer.echo(f"added {style.style_id}: {style.label}")


@style_app.command("set")
def style_set(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    style: Annotated[str, typer.Argument(help="Style id (see `ragcore style list`).")],
) -> None:
    """Set a project's citation style."""
    from ragcore.drafting.styles import get_style

    store, found = _project(project)
    chosen = get_style(load_settings().home, style)
    store.update(found.project_id, style=chosen.style_id)
    typer.echo(f"{found.name}: {chosen.label}")


@project_app.command("papers")
def project_papers(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    use: Annotated[
        list[str] | None, typer.Option("--use", help="Use only this paper id (repeatable).")
    ] = None,
    use_all: Annotated[bool, typer.Option("--all", help="Use every library paper.")] = False,
) -> None:
    """Show or set the papers a project draws its evidence from (default: all papers)."""
    from ragcore.drafting.paper_selection import paper_selection, set_paper_selection
    from ragcore.library.store import CardStore

    if use and use_all:
        raise InputError("give either --use ID... or --all, not both")
    projects, found = _project(project)
    library = CardStore.open(load_settings())
    if use or use_all:
        found = set_paper_selection(library, projects, found.project_id, None if use_all else use)
    selection = paper_selection(library, found)
    if selection.papers is None:
        typer.echo(f"{found.name}: all papers in the library")
    else:
        titles = {paper.paper_id: paper.title for paper in library.list_papers()}
        typer.echo(f"{found.name}: {len(selection.papers)} paper(s)")
        for paper_id in sorted(selection.papers):
            typer.echo(f"  {paper_id}  {titles.get(paper_id, '')}".rstrip())
    if (note := selection.note()) is not None:  # this listing is in English, as the CLI is
        typer.secho(f"note: {describe(note, 'en')}", err=True, fg=typer.colors.YELLOW)


def register(app: typer.Typer) -> None:
    app.add_typer(project_app, name="project")
    app.add_typer(outline_app, name="outline")
    app.add_typer(style_app, name="style")
    app.command("front")(front)
