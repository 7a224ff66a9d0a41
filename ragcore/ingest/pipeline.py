"""Ingest files into the card store: parse → sections → metadata → summaries → cards.

Incremental: a file whose content (and summarizer) has not changed since a completed ingest is
skipped. Resumable and all-or-nothing: the ledger marks an ingest `pending` before anything is
written; cards are written `pending` (invisible) and flipped visible by `publish_paper` only when
everything else is stored; a killed run leaves a pending ledger row whose cards the next run
discards before ingesting the file again. Failures of one file never stop the others.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ragcore.errors import InputError, RagcoreError, StoreError
from ragcore.ingest.chunks import section_chunks
from ragcore.ingest.extractive import sentences_of
from ragcore.ingest.formats import collect_files, parse_file
from ragcore.ingest.ledger import DONE, Ledger, LedgerEntry, file_hash
from ragcore.ingest.limits import MAX_FILE_BYTES
from ragcore.ingest.metadata import extract_paper
from ragcore.ingest.model import FailedSummary, FileReport, ParsedDocument, Section
from ragcore.ingest.pages import PageLocator
from ragcore.ingest.parsepool import ParsePool
from ragcore.ingest.routing import Routing, load_routing
from ragcore.ingest.sections import split_sections
from ragcore.ingest.summarize import Summarizer, Summary
from ragcore.ingest.tags import extract_tags
from ragcore.library.cards import Card, Origin, Paper
from ragcore.library.store import PENDING, CardStore
from ragcore.llm.prompts import PromptLibrary
from ragcore.progress import ProgressCallback, report
from ragcore.redaction import redact_urls
from ragcore.settings import OFFLINE_MODEL, Settings

if TYPE_CHECKING:  # importing LiteLLM takes seconds; the offline path never needs it
    from ragcore.llm import Gateway


@dataclass
class IngestOptions:
    model: str | None = None  # None or "offline/extractive": the extractive summarizer
    lang: str = "zh"  # language of LLM summaries (extractive ones keep the paper's language)
    max_bytes: int = MAX_FILE_BYTES
    force: bool = False  # re-ingest even unchanged files
    # PDF parse processes; None: cores - 1 (at least one); 0: parse in this process. Streamlit
    # runs a page as `__main__` without a main guard, so a spawned worker would run the page
    # again: the studio parses in its own process.
    workers: int | None = None

    @property
    def key(self) -> str:
        """What the ledger compares: a different summarizer makes different cards."""
        if self.model in (None, OFFLINE_MODEL):
            return OFFLINE_MODEL
        return f"{self.model}|{self.lang}"


@dataclass
class StageTimer:
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - started


class StoreUnavailable(StoreError):
    """The store's server went away mid-run; `reports` are the files handled until then."""

    def __init__(self, message: str, reports: list[FileReport]) -> None:
        super().__init__(message)
        self.reports = reports


class IngestPipeline:
    def __init__(
        self,
        settings: Settings,
        store: CardStore,
        options: IngestOptions | None = None,
        *,
        gateway: Gateway | None = None,
        routing: Routing | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.options = options or IngestOptions(lang=settings.lang)
        self.ledger = Ledger(settings)
        self.timer = StageTimer()
        offline = self.options.model in (None, OFFLINE_MODEL)
        if not offline and gateway is None:
            from ragcore.llm import Gateway

            gateway = Gateway.from_settings(settings)
        self.summarizer = Summarizer(
            routing or load_routing(),
            model=self.options.model,
            lang=self.options.lang,
            gateway=None if offline else gateway,
            prompts=None if offline else PromptLibrary.from_settings(settings),
        )

    # ---- public ------------------------------------------------------------------------
    def ingest(
        self, paths: Sequence[Path], progress: ProgressCallback | None = None
    ) -> list[FileReport]:
        """Ingest files and folders (walked recursively); one report per file, in order."""
        self.recover()
        files = [path.resolve() for path in collect_files(paths)]
        # PDFs go to worker processes: the layout model reads the next ones meanwhile.
        pooled = self.options.workers != 0
        pdfs = {p for p in files if pooled and p.suffix.lower() == ".pdf" and self._needs_parse(p)}
        pool = ParsePool(self.options.workers) if pdfs else None
        # Files parsed here go first: they are summarised, embedded and stored while the pool
        # parses the PDFs (measured on the dev set: docs/benchmarks.md, issue 16).
        order = sorted(files, key=lambda path: path in pdfs)
        done: dict[Path, FileReport] = {}
        try:
            for path in sorted(pdfs, key=files.index):
                assert pool is not None
                pool.submit(path, self.options.max_bytes)
            for count, path in enumerate(order, start=1):
                report(progress, "files", count - 1, len(files), path.name)
                try:
                    parsed = _from_pool(pool, path, progress) if path in pdfs else None
                    done[path] = self.ingest_file(path, progress, parsed)
                except Exception as error:
                    if not self._server_gone(error):
                        raise
                    reports = [done[p] for p in files if p in done]
                    raise self._server_lost(error, path, reports, len(files)) from None
                report(progress, "files", count, len(files), path.name)
        finally:
            if pool is not None:
                self.timer.seconds["parse in workers"] += pool.worker_seconds
                pool.close()
        return [done[path] for path in files]  # in the order asked for

    def _server_lost(
        self, error: Exception, path: Path, reports: list[FileReport], total: int
    ) -> StoreUnavailable:
        lost = FileReport(file=str(path), status="failed")
        lost.error = "not stored: the Chroma server stopped answering"
        return StoreUnavailable(
            f"the Chroma server at {redact_urls(self.settings.chroma_url or '')} stopped "
            f"answering ({type(error).__name__}) after {len(reports)} of {total} "
            "files; start it again and rerun the same command to finish (finished "
            "files are skipped)",
            [*reports, lost],
        )

    def _server_gone(self, error: Exception) -> bool:
        """A connection error from the Chroma server (killed, restarted, network down)."""
        if not self.settings.chroma_url:
            return False
        module = type(error).__module__.split(".")[0]
        return module in ("httpx", "httpcore", "chromadb") or isinstance(error, ConnectionError)

    def _needs_parse(self, path: Path) -> bool:
        if not path.is_file():
            return False
        entry = self.ledger.get(path)
        return not self._is_unchanged(entry, file_hash(path))

    def _is_unchanged(self, entry: LedgerEntry | None, content_hash: str) -> bool:
        return (
            entry is not None
            and entry.status == DONE
            and entry.content_hash == content_hash
            and entry.options == self.options.key
            and not self.options.force
        )

    def recover(self) -> int:
        """Hide what a killed run left: pending cards of unfinished ingests are discarded."""
        removed = 0
        for entry in self.ledger.pending():
            if entry.paper_id:
                removed += self.store.discard_pending(entry.paper_id)
        return removed

    def ingest_file(
        self,
        path: Path,
        progress: ProgressCallback | None = None,
        parsed: Callable[[], ParsedDocument] | None = None,
    ) -> FileReport:
        """Ingest one file; `parsed` gives its parse when another process did it."""
        result = FileReport(file=str(path))
        try:
            if not path.is_file():
                raise InputError(f"{path}: no such file.")
            content_hash = file_hash(path)
            entry = self.ledger.get(path)
            if self._is_unchanged(entry, content_hash):
                assert entry is not None
                return self._unchanged(path, entry.report)
            self._ingest(path, content_hash, result, progress, parsed)
        except InputError as error:
            result.error = str(error).removeprefix(f"{path}: ")
            result.status = "failed"
        except (RagcoreError, OSError) as error:
            result.error = f"could not be stored: {error}"
            result.status = "failed"
            if result.paper_id:
                self.store.discard_pending(result.paper_id)
        return result

    # ---- steps -------------------------------------------------------------------------
    def _ingest(
        self,
        path: Path,
        content_hash: str,
        result: FileReport,
        progress: ProgressCallback | None,
        parsed: Callable[[], ParsedDocument] | None = None,
    ) -> None:
        report(progress, "parse", 0, 1, path.name)

        def on_page(done: int, total: int) -> None:
            report(progress, "parse", done, total, f"{path.name}: page {done}/{total}")

        with self.timer.stage("parse"):
            doc = (
                parsed()
                if parsed is not None
                else parse_file(path, self.options.max_bytes, on_page)
            )
        result.warnings = list(doc.warnings)
        if doc.pages:  # the page count, so a progress display can say how long the paper is
            report(progress, "pages", doc.pages, doc.pages, path.name)
        with self.timer.stage("split"):
            sections = split_sections(doc)
            if not any(s.heading for s in sections):
                raise InputError(
                    f"{path}: no section headings were found, so the paper cannot be divided into "
                    "introduction, method, results...; add headings such as '1 Introduction'."
                )
            paper = extract_paper(doc, sections)
        result.paper_id, result.title = paper.paper_id, paper.title
        result.sections = [(s.heading, s.role) for s in sections if s.level > 0]
        with self.timer.stage("summarize"):
            summaries = self.summarizer.summarize(sections, paper.title, paper.lang, progress)
            tags = extract_tags(paper.title, sections, paper.lang)
        locator = PageLocator(sections)
        cards = [_card(paper, s, tags, locator) for s in summaries if s.ok]
        result.failed = [FailedSummary(s.summary_type, s.reason) for s in summaries if not s.ok]
        if not cards:
            # Stored, the paper would be "ingested" yet absent from the library: say so instead.
            reasons = "; ".join(f"{f.summary_type.label}: {f.reason}" for f in result.failed[:3])
            raise InputError(f"{path}: no summary card could be made from it ({reasons}).")
        result.cards = [(c.card_id, c.summary_type) for c in cards]
        self._store(path, content_hash, paper, sections, cards, progress)
        self.ledger.finish(path, result.to_json())

    def _store(
        self,
        path: Path,
        content_hash: str,
        paper: Paper,
        sections: list[Section],
        cards: list[Card],
        progress: ProgressCallback | None,
    ) -> None:
        previous = self.ledger.get(path)
        self.ledger.start(path, content_hash, paper.paper_id, self.options.key)
        # One hold of the write lock for the whole paper: another process waits, never interleaves.
        with self.timer.stage("store"), self.store.writing():
            self.store.discard_pending(paper.paper_id)
            self.store.upsert_cards(cards, progress, state=PENDING)
            chunks = section_chunks(paper.paper_id, sections)
            locator = PageLocator(sections)
            for chunk in chunks:
                chunk.pages = locator.pages_of(chunk.text)
            self.store.add_raw_chunks(chunks, progress, state=PENDING)
            # One step makes the new cards and source text visible and drops the old ones.
            self.store.publish_paper(
                paper.paper_id, [c.card_id for c in cards], [c.chunk_id for c in chunks]
            )
            self.store.upsert_paper(paper)
            # The file changed so much that its id changed (slug + content hash): drop the old paper.
            old_id = previous.paper_id if previous else ""
            if old_id and old_id != paper.paper_id and not self.ledger.other_paths_of(old_id, path):
                self.store.delete_paper(old_id)
        report(progress, "store", 1, 1, paper.paper_id)

    def _unchanged(self, path: Path, saved: dict[str, object]) -> FileReport:
        result = FileReport(file=str(path), status="unchanged")
        result.paper_id = str(saved.get("paper_id", ""))
        result.title = str(saved.get("title", ""))
        warnings = saved.get("warnings", [])
        result.warnings = [str(w) for w in warnings] if isinstance(warnings, list) else []
        sections = saved.get("sections", [])
        result.sections = (
            [(s["heading"], s["role"]) for s in sections] if isinstance(sections, list) else []
        )
        result.cards = [
            (c.card_id, c.summary_type) for c in self.store.get_cards(paper_id=result.paper_id)
        ]
        return result


def _card(paper: Paper, summary: Summary, tags: list[str], locator: PageLocator) -> Card:
    extractive = summary.origin == Origin.EXTRACTIVE
    pages = [locator.pages_of(s) for s in sentences_of(summary.text)] if extractive else []
    return Card(
        sentence_pages=pages if any(pages) else [],
        paper_id=paper.paper_id,
        summary_type=summary.summary_type,
        text=summary.text,
        source_sections=summary.source_headings,
        tags=tags,
        lang=summary.lang,
        origin=summary.origin,
        title=paper.title,
    )


def _from_pool(
    pool: ParsePool | None, path: Path, progress: ProgressCallback | None
) -> Callable[[], ParsedDocument]:
    assert pool is not None
    return lambda: pool.result(path, progress)


def ingest_paths(
    settings: Settings,
    paths: Sequence[Path],
    options: IngestOptions | None = None,
    progress: ProgressCallback | None = None,
    store: CardStore | None = None,
) -> list[FileReport]:
    """One call for the CLI and the app: open the store, ingest, return one report per file."""
    pipeline = IngestPipeline(settings, store or CardStore.open(settings), options)
    return pipeline.ingest(paths, progress)
