"""Import card files into the store: read and validate everything first, then write once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ragcore.ingest.importer.reading import ParsedFile, read_import_file
from ragcore.ingest.importer.report import CardNote, FileReport, ImportReport
from ragcore.ingest.importer.rules import Decision, decide
from ragcore.ingest.metadata import arxiv_facts
from ragcore.library.bibimport import ReferenceImport, import_reference_text, library_papers
from ragcore.library.bibliography import BibliographyStore
from ragcore.library.cards import Card, Paper
from ragcore.library.store import CardStore
from ragcore.progress import ProgressCallback, report
from ragcore.settings import PROJECT_ROOT

DEMO_CARDS_PATH = PROJECT_ROOT / "data" / "seed_cards.jsonl"
# The demo papers' bibliographic records, each checked against a public source (named in the
# file); its `paper_id` fields tie the entries to the demo papers.
DEMO_REFERENCES_PATH = PROJECT_ROOT / "data" / "demo_references.bib"


def read_files(
    paths: Sequence[Path | str], progress: ProgressCallback | None = None
) -> list[ParsedFile]:
    parsed: list[ParsedFile] = []
    for done, path in enumerate(paths, start=1):
        parsed.append(read_import_file(Path(path)))
        report(progress, "read", done, len(paths), str(path))
    return parsed


def read_and_decide(
    paths: Sequence[Path | str], stored: Sequence[Card] = ()
) -> tuple[list[ParsedFile], Decision]:
    """Parse all files and decide what to keep, without writing (also used to build the demo
    data from the seeds)."""
    parsed = read_files(paths)
    decision = decide([c for file in parsed for c in file.candidates], stored)
    _fill_reports(parsed, decision)
    return parsed, decision


def _stored_cards(store: CardStore, parsed: Sequence[ParsedFile]) -> list[Card]:
    paper_ids = sorted({c.card.paper_id for file in parsed for c in file.candidates})
    return [card for paper_id in paper_ids for card in store.get_cards(paper_id=paper_id)]


def _fill_reports(parsed: Sequence[ParsedFile], decision: Decision) -> None:
    by_path: dict[Path, FileReport] = {file.report.path: file.report for file in parsed}
    for candidate in decision.accepted:
        by_path[candidate.path].added.append(CardNote(candidate.card, candidate.line))
    for candidate, reason in decision.skipped:
        by_path[candidate.path].skipped.append(CardNote(candidate.card, candidate.line, reason))
    for candidate, reason in decision.rejected:
        by_path[candidate.path].rejected.append(CardNote(candidate.card, candidate.line, reason))
    for old_id, candidate in decision.superseded:
        by_path[candidate.path].replaced.append(old_id)


def _record_papers(store: CardStore, cards: Sequence[Card]) -> None:
    """A paper row for each new paper (existing rows, e.g. from PDF ingest, are kept)."""
    for card in {c.paper_id: c for c in cards}.values():
        existing = store.get_paper(card.paper_id)
        if existing is None:
            arxiv_id, year = arxiv_facts(card.paper_id)
            store.upsert_paper(
                Paper(
                    paper_id=card.paper_id,
                    title=card.title,
                    source="import",
                    lang=card.lang,
                    arxiv_id=arxiv_id,
                    year=year,
                )
            )
        elif not existing.title and card.title:
            store.upsert_paper(existing.model_copy(update={"title": card.title}))


def import_files(
    paths: Sequence[Path | str], store: CardStore, progress: ProgressCallback | None = None
) -> ImportReport:
    """Import listing, context and cards-JSONL files. Every file is parsed and validated before
    anything is written; the cards of all files then go to the store in one upsert."""
    parsed = read_files(paths, progress)
    decision = decide([c for file in parsed for c in file.candidates], _stored_cards(store, parsed))
    _fill_reports(parsed, decision)
    cards = [candidate.card for candidate in decision.accepted]
    if cards:
        store.upsert_cards(cards, progress)
        store.delete_cards([old_id for old_id, _ in decision.superseded])
        _record_papers(store, cards)
    for file in parsed:
        file.report.raw_chunks_added = store.add_raw_chunks(file.chunks, progress)
    return ImportReport([file.report for file in parsed])


def ensure_demo_library(store: CardStore, progress: ProgressCallback | None = None) -> int:
    """Load the shipped seed cards into an empty store (first start) and their papers'
    references into the bibliography of record; returns cards added."""
    if store.count() > 0 or not DEMO_CARDS_PATH.is_file():
        return 0
    added = len(import_files([DEMO_CARDS_PATH], store, progress).added)
    if DEMO_REFERENCES_PATH.is_file():
        import_demo_references(store)
    return added


def import_demo_references(store: CardStore) -> ReferenceImport:
    """The demo papers' titles, authors, years and venues, so their references are usable."""
    return import_reference_text(
        DEMO_REFERENCES_PATH.name,
        DEMO_REFERENCES_PATH.read_text(encoding="utf-8"),
        BibliographyStore(store.settings.db_path),
        library_papers(store),
        store.upsert_paper,
    )
