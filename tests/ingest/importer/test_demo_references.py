"""A fresh demo library cites its papers by real titles and authors (data/demo_references.bib),
not by bare ids such as `2309.11930v2` or `3688609`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string

from ragcore.documents.paper import PaperDocument, PaperSection
from ragcore.drafting.manuscript import (
    CitedWork,
    FrontMatter,
    Manuscript,
    csl_items,
    reference_entries,
)
from ragcore.drafting.styles import get_style
from ragcore.ingest.importer import ensure_demo_library
from ragcore.ingest.importer.run import DEMO_REFERENCES_PATH
from ragcore.library.bibliography import BibliographyStore, normalise_title, references_for
from ragcore.library.store import CardStore
from ragcore.settings import Settings

BIB_TEXT = DEMO_REFERENCES_PATH.read_text(encoding="utf-8")
# Read with bibtexparser directly, not through our importer, so the test checks the importer.
ENTRIES = {e.fields_dict["paper_id"].value: e for e in parse_string(BIB_TEXT).entries}


def _family_names(entry: object) -> list[str]:
    authors = entry.fields_dict.get("author")  # type: ignore[attr-defined]
    if authors is None:
        return []
    return [name.split(",")[0].strip() for name in re.split(r"\s+and\s+", authors.value)]


def _manuscript(store: CardStore, bibliography: BibliographyStore, lang: str) -> Manuscript:
    paper_ids = sorted(p.paper_id for p in store.list_papers())
    works = [
        CitedWork(key, reference)
        for key, reference in references_for(bibliography, paper_ids, store.get_paper)
    ]
    body = "".join(f"[{n}]" for n in range(1, len(works) + 1))
    sections = [PaperSection("Introduction", body)]
    return Manuscript(
        FrontMatter("Demo"), lang, sections, works, PaperDocument("Demo", sections=sections)
    )


@pytest.fixture()
def demo(settings: Settings) -> tuple[CardStore, BibliographyStore]:
    store = CardStore.open(settings)
    assert ensure_demo_library(store) == 36
    return store, BibliographyStore(settings.db_path)


def test_every_entry_names_a_demo_paper_and_says_where_it_was_verified(
    demo: tuple[CardStore, BibliographyStore],
) -> None:
    store, bibliography = demo
    library_ids = {p.paper_id for p in store.list_papers()}
    assert ENTRIES and set(ENTRIES) <= library_ids
    assert bibliography.unmatched() == {}  # every entry found its paper
    for paper_id in ENTRIES:
        # The comment right above the entry names the page(s) the record was checked against.
        comment = re.search(
            rf"((?:^%[^\n]*\n)+)@\w+\{{[^,]+,\s*paper_id = \{{{re.escape(paper_id)}\}}",
            BIB_TEXT,
            re.M,
        )
        assert comment, f"no comment above the entry of {paper_id}"
        assert re.search(r"https?://\S+", comment.group(1)), comment.group(1)
        assert "matches the cards" in " ".join(comment.group(1).replace("%", " ").split())


@pytest.mark.parametrize("style_id", ["gb-t-7714", "apa"])
def test_exported_references_carry_real_titles_and_authors(
    demo: tuple[CardStore, BibliographyStore], style_id: str, tmp_path: Path
) -> None:
    store, bibliography = demo
    manuscript = _manuscript(store, bibliography, "zh" if style_id == "gb-t-7714" else "en")
    items = {item["id"]: item for item in csl_items(manuscript.works)}
    rendered = reference_entries(manuscript, get_style(tmp_path, style_id))
    keys = {w.reference.paper_id: w.key for w in manuscript.works if w.reference}
    for paper_id, entry in ENTRIES.items():
        key = keys[paper_id]
        title = entry.fields_dict["title"].value
        assert items[key]["title"] == title  # not the bare id the reference used to show
        assert items[key]["title"] != paper_id
        text = rendered[key]
        assert normalise_title(title) in normalise_title(text), text
        assert not text.startswith(paper_id), text
        families = _family_names(entry)
        # All authors, in order, go to the style; the style may shorten the list (`et al.`).
        assert [a.get("family") for a in items[key].get("author", [])] == families
        if families:
            assert families[0].casefold() in text.casefold(), text
        assert entry.fields_dict["year"].value in text


def test_papers_without_a_verified_record_keep_the_ingest_reference(
    demo: tuple[CardStore, BibliographyStore],
) -> None:
    store, bibliography = demo
    unverified = {p.paper_id for p in store.list_papers()} - set(ENTRIES)
    assert unverified  # the .bib lists the papers no source confirmed; they stay unrecorded
    for paper_id in unverified:
        assert bibliography.stored(paper_id) is None
        assert bibliography.reference(paper_id, store.get_paper(paper_id)).title == ""
