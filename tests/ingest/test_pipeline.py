"""The whole ingest against a real store: card counts, idempotent and incremental re-runs,
bad files next to good ones, and a process killed half-way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from ragcore.ingest.ledger import DONE, PENDING, Ledger
from ragcore.ingest.pipeline import IngestOptions, IngestPipeline
from ragcore.library.cards import SummaryType
from ragcore.library.embeddings import get_embedder
from ragcore.library.store import CardStore, RawChunk
from ragcore.progress import ProgressEvent
from ragcore.settings import Settings, load_settings
from tests.conftest import REPO_ROOT
from tests.ingest import samples


def _pipeline(settings: Settings, store: CardStore) -> IngestPipeline:
    return IngestPipeline(settings, store, IngestOptions())


def test_ingest_makes_ten_cards_raw_chunks_and_a_paper(
    settings: Settings, store: CardStore, en_markdown: Path, zh_text: Path
) -> None:
    events: list[ProgressEvent] = []
    reports = _pipeline(settings, store).ingest([en_markdown.parent], events.append)
    assert [r.error for r in reports] == [None, None]
    en = next(r for r in reports if r.file.endswith("graphmix.md"))
    assert len(en.cards) == 10 and en.failed == []
    assert {t for _, t in en.cards} == set(SummaryType)
    assert store.count() == 20
    cards = store.get_cards(paper_id=en.paper_id)
    assert all(c.title == samples.EN_TITLE and c.tags for c in cards)
    assert not {"Related Work", "Mixing Module"} & {
        t for c in cards for t in c.tags
    }  # tags are topics
    baseline = next(c for c in cards if c.summary_type is SummaryType.BASELINE)
    assert baseline.source_sections == ["4 Experiments", "5 Results"]
    roles = {c.role for c in store.get_raw_chunks(en.paper_id)}
    assert roles == {
        "abstract",
        "introduction",
        "related work",
        "method",
        "experiments",
        "results",
        "conclusion",
        "other",
    }
    assert [p.paper_id for p in store.list_papers()] == sorted(r.paper_id for r in reports)
    assert {e.stage for e in events} >= {"files", "parse", "summarize", "store"}


def test_reingest_unchanged_does_nothing_and_changed_replaces(
    settings: Settings, store: CardStore, en_markdown: Path
) -> None:
    pipeline = _pipeline(settings, store)
    first = pipeline.ingest([en_markdown])[0]
    again = pipeline.ingest([en_markdown])[0]
    assert again.status == "unchanged" and again.paper_id == first.paper_id
    assert sorted(again.cards) == sorted(first.cards) and again.sections == first.sections
    assert store.count() == 10

    en_markdown.write_text(en_markdown.read_text().replace("81.5 to 83.6", "81.5 to 84.0"))
    changed = pipeline.ingest([en_markdown])[0]
    assert changed.status == "ingested" and changed.paper_id != first.paper_id
    assert store.count() == 10  # the old version's cards are gone, not added to
    assert (
        store.get_paper(first.paper_id) is None and store.get_cards(paper_id=first.paper_id) == []
    )
    assert any("84.0" in c.text for c in store.get_cards(paper_id=changed.paper_id))
    assert store.get_raw_chunks(first.paper_id) == []  # its source text went with it
    assert store.get_raw_chunks(changed.paper_id)


def test_unfinished_ingest_source_text_stays_invisible_until_published(
    settings: Settings, store: CardStore, en_markdown: Path
) -> None:
    first = _pipeline(settings, store).ingest([en_markdown])[0]
    before = store.get_raw_chunks(first.paper_id)
    # What a run killed before publishing leaves: pending cards and pending source chunks.
    new = RawChunk(first.paper_id, "results", "5 Results", "Accuracy rose to 99.9 on the new set.")
    store.add_raw_chunks([new], state="pending")
    assert new.chunk_id not in {c.chunk_id for c in store.get_raw_chunks(first.paper_id)}
    hits = store.search_raw(store.embed_query(new.text), paper_ids=[first.paper_id], k=50)
    assert new.chunk_id not in {chunk.chunk_id for chunk, _ in hits}
    store.discard_pending(first.paper_id)  # what the next run does first
    assert store.get_raw_chunks(first.paper_id) == before
    store.add_raw_chunks([new], state="pending")
    store.publish_paper(first.paper_id, [card_id for card_id, _ in first.cards], [new.chunk_id])
    assert [c.chunk_id for c in store.get_raw_chunks(first.paper_id)] == [new.chunk_id]
    assert store.count() == 10  # the paper's cards were kept as they were


def test_bad_files_are_reported_and_good_ones_still_ingest(
    tmp_path: Path, settings: Settings, store: CardStore, en_markdown: Path
) -> None:
    folder = en_markdown.parent
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (folder / "noheadings.txt").write_text(
        "Just one paragraph of notes without any heading at all.\n\nAnd another one.\n"
    )
    reports = {
        Path(r.file).name: r
        for r in _pipeline(settings, store).ingest([folder, tmp_path / "missing.md"])
    }
    assert reports["graphmix.md"].error is None and len(reports["graphmix.md"].cards) == 10
    assert reports["empty.pdf"].error == "the file is empty (0 bytes)."
    assert reports["image.pdf"].error == "this is not a PDF but a PNG image with a .pdf name."
    assert "no section headings were found" in (reports["noheadings.txt"].error or "")
    assert reports["missing.md"].error == "no such file."
    assert store.count() == 10 and len(store.list_papers()) == 1
    assert [e.path for e in Ledger(settings).entries()] == [str(en_markdown.resolve())]


_KILLED_RUN = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from ragcore.ingest.pipeline import IngestPipeline
    from ragcore.settings import load_settings
    from ragcore.library.store import CardStore

    settings = load_settings()
    store = CardStore.open(settings)

    def die_after_cards(event):
        # Cards are written (pending) and reported under "store": die right there, hard.
        if event.stage == "store" and event.total == event.done and event.total > 1:
            os.kill(os.getpid(), signal.SIGKILL)

    IngestPipeline(settings, store).ingest([Path(sys.argv[1])], die_after_cards)
    """
)


def test_killed_run_leaves_nothing_visible_and_next_run_completes(
    settings: Settings, en_markdown: Path
) -> None:
    env = {**os.environ, "RAGCORE_HOME": str(settings.home), "RAGCORE_EMBEDDER": "fake"}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(en_markdown)], env=env, cwd=REPO_ROOT, check=False
    )
    assert done.returncode == -9
    store = CardStore.open(settings)
    assert store.count() == 0 and store.list_papers() == []  # pending cards are invisible
    assert [e.status for e in Ledger(settings).entries()] == [PENDING]

    report = IngestPipeline(settings, store).ingest([en_markdown])[0]
    assert report.status == "ingested" and len(report.cards) == 10
    assert store.count() == 10 and len(store.list_papers()) == 1
    assert store.discard_pending() == 0  # no leftovers, no duplicates
    assert [e.status for e in Ledger(settings).entries()] == [DONE]


def test_cli_json_output(tmp_path: Path, en_markdown: Path) -> None:
    (en_markdown.parent / "broken.tex").write_text("\\section{Intro\nText.\n")
    env = {**os.environ, "RAGCORE_HOME": str(tmp_path / "cli-home"), "RAGCORE_EMBEDDER": "fake"}
    done = subprocess.run(
        [sys.executable, "-m", "ragcore", "ingest", str(en_markdown.parent), "--json"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # one file failed: the run says so (issue 17.10)
    assert "1 of 2 files failed" in done.stderr
    items = {Path(i["file"]).name: i for i in json.loads(done.stdout)}
    good, bad = items["graphmix.md"], items["broken.tex"]
    assert set(good) >= {"file", "paper_id", "title", "sections", "cards", "failed", "error"}
    assert good["sections"][1] == {"heading": "1 Introduction", "role": "introduction"}
    assert len(good["cards"]) == 10 and good["failed"] == [] and good["error"] is None
    assert "line 1: unbalanced braces" in bad["error"]
    assert bad["cards"] == []


def test_real_default_embedder(tmp_path: Path, en_markdown: Path) -> None:
    settings = load_settings(home=tmp_path / "real", embedder="use")
    store = CardStore.open(settings, get_embedder("use"))
    report = IngestPipeline(settings, store).ingest([en_markdown])[0]
    assert len(report.cards) == 10
    query = store.embed_query("baselines GCN GAT DropEdge")
    best, score = store.dense_search(query, k=1)[0]
    assert best.summary_type is SummaryType.BASELINE and 0.0 <= score <= 1.0


def test_raw_chunks_keep_paragraphs_and_sample_book_length_texts() -> None:
    from ragcore.ingest.chunks import section_chunks
    from ragcore.ingest.model import Section

    paragraph = "A sentence about methods that is long enough. " * 5
    small = [Section("1 Method", "method", 1, "\n\n".join([paragraph] * 4))]
    chunks = section_chunks("p", small, limit=600)
    assert (
        all(len(c.text) <= 1200 for c in chunks)
        and "".join(c.text for c in chunks).count("methods") == 20
    )
    big = [
        Section(
            f"{i} Part", "method", 1, "\n\n".join([paragraph + str(i * 100 + j) for j in range(50)])
        )
        for i in range(10)
    ]
    sampled = section_chunks("p", big, limit=600, cap=40)
    assert len(sampled) == 40 and {c.heading for c in sampled} == {f"{i} Part" for i in range(10)}
