"""Import a reference file into the bibliography of record.

An entry that matches a library paper (same DOI, same arXiv id, or the same title once case,
accents and punctuation are ignored) enriches that paper: its non-empty fields replace the
paper's, and its key becomes the paper's citation key. An entry that matches nothing is kept as
"not in the library" until the user attaches it to a paper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ragcore.errors import InputError
from ragcore.library.bibformats import BadEntry, read_references
from ragcore.library.bibliography import (
    BibliographyStore,
    Reference,
    apply_to_paper,
    normalise_title,
)
from ragcore.library.cards import Paper

MAX_REFERENCE_FILE_BYTES = 20_000_000


@dataclass
class ReferenceImport:
    matched: dict[str, str] = field(default_factory=dict)  # entry key -> paper id
    unmatched: list[str] = field(default_factory=list)  # entry keys
    bad: list[BadEntry] = field(default_factory=list)
    key_conflicts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{len(self.matched)} matched a library paper, {len(self.unmatched)} not in the library"
        ]
        out += [f"  {key} -> {paper_id}" for key, paper_id in self.matched.items()]
        out += [f"  not in the library: {key}" for key in self.unmatched]
        out += [f"  skipped {bad.message()}" for bad in self.bad]
        out += [f"  kept the generated key: {c}" for c in self.key_conflicts]
        return out


def library_papers(store: Any) -> list[Paper]:
    """Every paper of the library: the papers table plus papers known only by their cards
    (an imported card file has no paper records)."""
    papers = {p.paper_id: p for p in store.list_papers()}
    for card in store.get_cards():
        if card.paper_id not in papers:
            papers[card.paper_id] = Paper(paper_id=card.paper_id, title=card.title)
    return sorted(papers.values(), key=lambda p: p.paper_id)


def _match(entry: Reference, library: list[Reference]) -> str | None:
    for ref in library:
        if entry.doi and entry.doi == ref.doi:
            return ref.paper_id
    for ref in library:
        if entry.arxiv_id and entry.arxiv_id == ref.arxiv_id:
            return ref.paper_id
    wanted = normalise_title(entry.title)
    for ref in library:
        if wanted and len(wanted) >= 8 and wanted == normalise_title(ref.title):
            return ref.paper_id
    return None


def _merged(current: Reference, entry: Reference) -> Reference:
    changes = {
        name: value
        for name, value in entry.model_dump(exclude={"paper_id"}).items()
        if value not in ("", None, [])
    }
    return current.model_copy(update=changes)


def import_reference_text(
    name: str,
    text: str,
    bibliography: BibliographyStore,
    papers: list[Paper],
    save_paper: Callable[[Paper], None],
) -> ReferenceImport:
    """Read `text` (named `name`), enrich matched papers, keep the rest as unmatched."""
    if len(text.encode("utf-8", "ignore")) > MAX_REFERENCE_FILE_BYTES:
        raise InputError(f"{name}: larger than {MAX_REFERENCE_FILE_BYTES // 1_000_000} MB")
    parsed = read_references(name, text)
    if not parsed.entries and not parsed.bad:
        raise InputError(
            f"{name}: no reference entries found; is it really BibTeX, CSL-JSON or RIS?"
        )
    by_id = {p.paper_id: p for p in papers}
    library = [bibliography.reference(p.paper_id, p) for p in papers]
    report = ReferenceImport(bad=parsed.bad)
    unmatched: list[tuple[str, Reference]] = []
    known = {r.paper_id for r in library}
    for key, entry in parsed.entries.items():
        # Our own .bib coming back (`papers bib`, edited): its keys name the papers.
        by_key = bibliography.paper_for_key(key)
        paper_id = by_key if by_key in known else _match(entry, library)
        if paper_id is None:
            unmatched.append((key, entry))
            report.unmatched.append(key)
            continue
        current = next(r for r in library if r.paper_id == paper_id)
        merged = _merged(current, entry)
        try:
            bibliography.save(merged)
        except InputError as error:  # the key is another paper's: keep the generated one
            report.key_conflicts.append(f"{key}: {error}")
            merged = bibliography.save(merged.model_copy(update={"key": current.key}))
        save_paper(apply_to_paper(by_id.get(paper_id), merged))
        report.matched[key] = paper_id
    bibliography.keep_unmatched(unmatched, name)
    return report
