"""Reference commands under `ragcore papers`: `show`, `edit`, `import-refs`, `unmatched`,
`attach`, `bib` (the bibliography of record; see docs/export.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ragcore.errors import InputError
from ragcore.settings import load_settings

if TYPE_CHECKING:
    from ragcore.library.bibliography import BibliographyStore, Reference
    from ragcore.library.store import CardStore


def _stores() -> tuple[CardStore, BibliographyStore]:
    from ragcore.library.bibliography import BibliographyStore
    from ragcore.library.store import CardStore

    settings = load_settings()
    return CardStore.open(settings), BibliographyStore(settings.db_path)


def _known_paper(store: CardStore, paper_id: str) -> None:
    if store.get_paper(paper_id) is None and not store.get_cards(paper_id=paper_id):
        raise InputError(f"no paper {paper_id!r} in the library; `ragcore papers` lists them")


def _read_text(path: Path) -> str:
    if str(path) == "-":
        return typer.get_text_stream("stdin").read()
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def show(
    paper_id: Annotated[str, typer.Argument(help="Paper id.")],
    as_json: Annotated[bool, typer.Option("--json", help="The reference as JSON.")] = False,
    as_bib: Annotated[bool, typer.Option("--bib", help="The reference as BibTeX.")] = False,
) -> None:
    """A paper's reference of record (what exports cite) and its citation key."""
    from ragcore.library.bibformats import write_bibtex
    from ragcore.library.bibliography import reference_json

    store, bibliography = _stores()
    _known_paper(store, paper_id)
    reference = bibliography.reference(paper_id, store.get_paper(paper_id))
    key = bibliography.citation_key(reference)
    if as_bib:
        typer.echo(write_bibtex([(key, reference)]), nl=False)
    elif as_json:
        typer.echo(json.dumps(reference_json(reference, key), ensure_ascii=False, indent=2))
    else:
        typer.echo(_describe(key, reference))


def _describe(key: str, reference: Reference) -> str:
    lines = [f"{reference.paper_id}  key {key}  ({reference.type})"]
    for name in ("title", "authors", "year", "venue", "volume", "issue", "pages", "publisher",
                 "place", "doi", "arxiv_id", "url", "lang", "keywords", "abstract"):  # fmt: skip
        value = getattr(reference, name)
        if value:
            lines.append(f"  {name}: {'; '.join(value) if isinstance(value, list) else value}")
    missing = reference.missing()
    if missing:
        lines.append(f"  missing: {', '.join(missing)}")
    return "\n".join(lines)


def edit(
    paper_id: Annotated[str, typer.Argument(help="Paper id.")],
    type_: Annotated[str | None, typer.Option("--type", help="article-journal, paper-conference, article (preprint), thesis, book, chapter, report, webpage.")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    author: Annotated[list[str] | None, typer.Option("--author", help="Repeat per author, in order (`Yang, Fan` or `郜帅`).")] = None,
    year: Annotated[str | None, typer.Option("--year")] = None,
    venue: Annotated[str | None, typer.Option("--venue", help="Journal, proceedings or (thesis) university.")] = None,
    volume: Annotated[str | None, typer.Option("--volume")] = None,
    issue: Annotated[str | None, typer.Option("--issue")] = None,
    pages: Annotated[str | None, typer.Option("--pages")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Place of publication.")] = None,
    doi: Annotated[str | None, typer.Option("--doi")] = None,
    arxiv: Annotated[str | None, typer.Option("--arxiv", help="arXiv id.")] = None,
    url: Annotated[str | None, typer.Option("--url")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en.")] = None,
    key: Annotated[str | None, typer.Option("--key", help="Your own citation key.")] = None,
    abstract: Annotated[str | None, typer.Option("--abstract")] = None,
    keywords: Annotated[str | None, typer.Option("--keywords", help="Separated by ; or , (`深度学习；图像识别`).")] = None,
    from_json: Annotated[Path | None, typer.Option("--json", help="Fields from a JSON file (`papers show --json` output; - = stdin).")] = None,
    from_bib: Annotated[Path | None, typer.Option("--bib", help="Fields from a .bib file with this one entry.")] = None,
) -> None:  # fmt: skip
    """Correct a paper's reference metadata (only the fields given change)."""
    from ragcore.library.bibformats import read_bibtex
    from ragcore.library.bibliography import apply_to_paper, load_reference_json

    store, bibliography = _stores()
    _known_paper(store, paper_id)
    changes: dict[str, Any] = {}
    if from_json is not None:
        changes |= load_reference_json(_read_text(from_json), str(from_json))
        changes.pop("paper_id", None)
    if from_bib is not None:
        parsed = read_bibtex(_read_text(from_bib))
        if len(parsed.entries) != 1:
            problems = "; ".join(b.message() for b in parsed.bad)
            raise InputError(
                f"{from_bib}: expected one entry, found {len(parsed.entries)}"
                + (f" ({problems})" if problems else "")
            )
        entry = next(iter(parsed.entries.values()))
        changes |= {k: v for k, v in entry.model_dump(exclude={"paper_id"}).items() if v}
    given = {
        "type": type_, "title": title, "authors": author, "year": year, "venue": venue,
        "volume": volume, "issue": issue, "pages": pages, "publisher": publisher, "place": place,
        "doi": doi, "arxiv_id": arxiv, "url": url, "lang": lang, "key": key,
        "abstract": abstract, "keywords": keywords,
    }  # fmt: skip
    changes |= {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise InputError("nothing to change: give --title, --author, ... or --json/--bib FILE")
    paper = store.get_paper(paper_id)
    reference = bibliography.edit(paper_id, paper, **changes)
    store.upsert_paper(apply_to_paper(paper, reference))
    typer.echo(_describe(bibliography.citation_key(reference), reference))


def import_refs(
    files: Annotated[list[Path], typer.Argument(help=".bib, CSL-JSON (.json) or .ris files.")],
) -> None:
    """Enrich library papers from reference files; unmatched entries wait for `attach`."""
    from ragcore.library.bibimport import import_reference_text, library_papers

    store, bibliography = _stores()
    for path in files:
        report = import_reference_text(
            path.name, _read_text(path), bibliography, library_papers(store), store.upsert_paper
        )
        typer.echo(f"{path}:")
        for line in report.lines():
            typer.echo(f"  {line}")


def unmatched() -> None:
    """Imported entries that matched no library paper (attach them with `papers attach`)."""
    _, bibliography = _stores()
    waiting = bibliography.unmatched()
    if not waiting:
        typer.echo("no imported entry is waiting")
    for key, reference in waiting.items():
        typer.echo(f"{key}  {reference.year or ''}  {reference.title}")


def attach(
    key: Annotated[str, typer.Argument(help="Key of an imported entry (`papers unmatched`).")],
    paper_id: Annotated[str, typer.Argument(help="The library paper it describes.")],
) -> None:
    """Make an imported entry the reference of a library paper."""
    from ragcore.library.bibliography import apply_to_paper

    store, bibliography = _stores()
    _known_paper(store, paper_id)
    reference = bibliography.attach(key, paper_id)
    store.upsert_paper(apply_to_paper(store.get_paper(paper_id), reference))
    typer.echo(_describe(bibliography.citation_key(reference), reference))


def bib(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
) -> None:
    """The whole library's references as BibTeX (round trip: edit, then `papers import-refs`)."""
    from ragcore.library.bibformats import write_bibtex
    from ragcore.library.bibimport import library_papers

    store, bibliography = _stores()
    entries = []
    for paper in library_papers(store):
        reference = bibliography.reference(paper.paper_id, paper)
        entries.append((bibliography.citation_key(reference), reference))
    text = write_bibtex(entries)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.secho(f"wrote {output} ({len(entries)} entries)", err=True)


def register(app: typer.Typer) -> None:
    from ragcore.commands.library import papers_app

    papers_app.command("show")(show)
    papers_app.command("edit")(edit)
    papers_app.command("import-refs")(import_refs)
    papers_app.command("unmatched")(unmatched)
    papers_app.command("attach")(attach)
    papers_app.command("bib")(bib)
