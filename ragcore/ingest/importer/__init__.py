"""Importing card files: the typed listing, the structured context and cards JSONL.

`import_files(paths, store)` reads and validates every file, decides per card (added, skipped as
duplicate / already in store, rejected as prompt template / truncated and superseded), then
writes all accepted cards in one upsert. `ensure_demo_library(store)` loads the shipped seed
cards into an empty store. See docs/formats.md for the formats and rules.
"""

from ragcore.ingest.importer.reading import REQUIRED_FIELDS, title_from_paper_id, trim_to_sentence
from ragcore.ingest.importer.report import CardNote, FileReport, ImportReport, Problem
from ragcore.ingest.importer.rules import looks_like_prompt_template, template_signals
from ragcore.ingest.importer.run import (
    DEMO_CARDS_PATH,
    ensure_demo_library,
    import_files,
    read_and_decide,
)

__all__ = [
    "DEMO_CARDS_PATH",
    "REQUIRED_FIELDS",
    "CardNote",
    "FileReport",
    "ImportReport",
    "Problem",
    "ensure_demo_library",
    "import_files",
    "looks_like_prompt_template",
    "read_and_decide",
    "template_signals",
    "title_from_paper_id",
    "trim_to_sentence",
]
