"""The persisted search snapshot and BM25 index: used when valid, never when stale or broken.

Each `CardStore.open` below is what a new process does: it has no snapshot in memory and maps
the files the previous one wrote (real Chroma, the fake embedder).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ragcore.errors import StoreError
from ragcore.library import db, snapshot_files
from ragcore.library.cards import Card, SummaryType
from ragcore.library.embeddings import FakeEmbedder
from ragcore.library.store import CardStore
from ragcore.retrieval import lexical
from ragcore.retrieval.lexical import TypeIndex, index_for
from ragcore.settings import Settings

METRIC = SummaryType.METRIC


def _cards() -> list[Card]:
    texts = {
        "Methodology": ["We propose a GPU cluster scheduler.", "我们提出一种卷积神经网络方法。"],
        "Metric": ["Top-1 accuracy on ImageNet.", "BLEU score on WMT14 translation."],
        "Background": ["Deep learning jobs share GPU clusters."],
    }
    return [
        Card(paper_id=f"p{n}", summary_type=kind, text=text)
        for kind, group in texts.items()
        for n, text in enumerate(group)
    ]


def _persisted_library(settings: Settings) -> CardStore:
    store = CardStore.open(settings)
    store.upsert_cards(_cards())
    index_for(store)  # the first process: snapshot from Chroma, BM25 built, both persisted
    store.wait_persisted()
    lexical.wait_persisted()
    return store


def _mapped(store: CardStore) -> bool:
    return all(isinstance(rows.matrix, np.memmap) for rows in store.snapshot().rows.values())


def test_a_new_process_maps_the_persisted_snapshot_and_bm25(settings: Settings) -> None:
    first = _persisted_library(settings)
    query = first.embed_query("GPU scheduler")
    expected = [(c.card_id, round(s, 5)) for c, s in first.dense_search(query, k=3)]
    store = CardStore.open(settings)
    assert _mapped(store)
    assert [(c.card_id, round(s, 5)) for c, s in store.dense_search(query, k=3)] == expected
    index = index_for(store)
    metric_index = index.by_type[METRIC]
    assert isinstance(metric_index, TypeIndex)
    assert isinstance(metric_index.token_ids, np.memmap)  # not tokenized again
    [hit] = index.search("ImageNet accuracy", METRIC, 5)
    assert hit.card.text == "Top-1 accuracy on ImageNet." and hit.coverage == 1.0
    assert set(store.snapshot().cards) == {c.card_id for c in _cards()}


def test_writes_after_the_files_are_applied_from_the_change_log(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _persisted_library(settings)
    old = first.get_cards(summary_type=METRIC)[0]
    edited = Card(paper_id=old.paper_id, summary_type=METRIC, text="Top-5 accuracy on CIFAR.")
    first.replace_card(old.card_id, edited)
    store = CardStore.open(settings)
    snapshot = store.snapshot()
    assert edited.card_id in snapshot.cards and old.card_id not in snapshot.cards
    # The untouched types still come from the files; the edited one was rebuilt in memory.
    assert isinstance(snapshot.rows[SummaryType.BACKGROUND].matrix, np.memmap)
    assert not isinstance(snapshot.rows[METRIC].matrix, np.memmap)
    assert "not used" not in capsys.readouterr().err
    # BM25: the stale Metric files are refused (one line), that type is re-indexed.
    [hit] = index_for(store).search("CIFAR", METRIC, 5)
    assert hit.card.card_id == edited.card_id
    assert capsys.readouterr().err.count("BM25 cache of metric is not used (stale") == 1


def test_a_process_that_reads_another_ones_writes_back_brings_the_files_up_to_date(
    settings: Settings,
) -> None:
    first = _persisted_library(settings)
    old = first.get_cards(summary_type=METRIC)[0]
    edited = Card(paper_id=old.paper_id, summary_type=METRIC, text="Top-5 accuracy on CIFAR.")
    first.replace_card(old.card_id, edited)
    first.snapshot()  # its own write: followed in memory, the files are one write behind
    first.wait_persisted()
    root = first.cache_dir / "snapshot"
    identity = {"embedder": first.embedder.name, "source": str(settings.chroma_path.resolve())}
    assert snapshot_files.read_manifest(root, identity)["revision"] < first.revision()
    second = CardStore.open(settings)  # a new process: reads the edit back from Chroma...
    assert edited.card_id in second.snapshot().cards
    second.wait_persisted()  # ...and writes the files, so the next process need not
    assert snapshot_files.read_manifest(root, identity)["revision"] == first.revision()


def test_a_cache_the_change_log_cannot_explain_is_rebuilt(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _persisted_library(settings)
    first.delete_cards([first.get_cards(summary_type=METRIC)[0].card_id])
    with db.connect(settings.db_path) as conn:
        conn.execute("DELETE FROM card_changes")  # as if the entries had been pruned
    store = CardStore.open(settings)
    assert len(store.snapshot()) == len(_cards()) - 1
    assert not _mapped(store)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is stale" in err and "rebuilding it" in err


def test_a_truncated_cache_is_never_used(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _persisted_library(settings)
    vectors = settings.home / "cache" / "snapshot" / "metric" / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:-100])
    tokens = settings.home / "cache" / "lexical" / "metric" / "token_ids.npy"
    tokens.write_bytes(tokens.read_bytes()[:-4])
    store = CardStore.open(settings)
    assert len(store.snapshot()) == len(_cards()) and not _mapped(store)
    hits = index_for(store).search("ImageNet", METRIC, 5)
    assert [h.card.text for h in hits] == ["Top-1 accuracy on ImageNet."]
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert "metric/vectors.npy is missing or truncated" in err[0]
    assert "BM25 cache of metric is not used (a file is missing or truncated)" in err[1]
    store.wait_persisted()  # and the rebuilt cache is written again, whole
    assert _mapped(CardStore.open(settings))


def test_a_cache_from_another_embedder_is_never_used(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _persisted_library(settings)
    manifest = settings.home / "cache" / "snapshot" / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "embedder": "minilm"}))
    store = CardStore.open(settings)
    assert len(store.snapshot()) == len(_cards()) and not _mapped(store)
    [line] = capsys.readouterr().err.splitlines()
    assert "built for embedder 'minilm', not 'fake'" in line and "rebuilding it" in line
    store.wait_persisted()  # rebuilt for this embedder, and used by the next process
    assert json.loads(manifest.read_text())["embedder"] == "fake"
    assert _mapped(CardStore.open(settings))


def _many_cards(count: int) -> list[Card]:
    return [
        Card(
            paper_id=f"p{n // 10}",
            summary_type=METRIC,
            text=f"Metric number {n} on ImageNet.",
            lang="en",
        )
        for n in range(count)
    ]


def test_a_library_larger_than_the_memory_limit_is_refused_in_plain_words(
    settings: Settings,
) -> None:
    # 200 cards at 256 dimensions: ~1.5 MB loaded from Chroma (6 kB + 2 kB each), 200 kB mapped.
    store = CardStore.open(settings)
    store.upsert_cards(_many_cards(200))
    limited = settings.model_copy(update={"memory_limit_mb": 1})
    with pytest.raises(StoreError) as refused:
        CardStore.open(limited).snapshot()
    message = str(refused.value)
    assert "holds 200 cards" in message and "needs about 1.5 MB" in message
    assert "over the limit set by RAGCORE_MEMORY_LIMIT_MB=1 (1.0 MB)" in message
    # Within the limit the same library loads, and its mapped cache needs less than the load.
    roomy = settings.model_copy(update={"memory_limit_mb": 2})
    loaded = CardStore.open(roomy)
    assert len(loaded.snapshot()) == 200
    loaded.wait_persisted()
    assert len(CardStore.open(limited).snapshot()) == 200


def test_a_mapped_library_is_sized_from_its_files_and_the_writes_since(settings: Settings) -> None:
    """Mapping is sized without asking Chroma (its first read loads its whole index): the
    persisted rows plus the cards the log says were written since they were saved."""
    store = CardStore.open(settings)
    store.upsert_cards(_many_cards(1000))  # mapped: 1000 x 256 x 4 bytes, just under 1 MB
    store.snapshot()
    store.wait_persisted()
    limited = settings.model_copy(update={"memory_limit_mb": 1})
    assert len(CardStore.open(limited).snapshot()) == 1000
    store.upsert_cards(_many_cards(1030)[1000:])  # after the files were written: over 1 MB
    with pytest.raises(StoreError) as refused:
        CardStore.open(limited).snapshot()
    assert "holds 1,030 cards" in str(refused.value)


class _MainFake(FakeEmbedder):
    """The hashing embedder under another name, so the English channel (`fake`) is a second one."""

    name = "fake-main"


def test_both_dense_channels_count_against_one_limit(settings: Settings) -> None:
    english = settings.model_copy(update={"english_embedder": "fake"})
    store = CardStore.open(english, _MainFake())
    assert store.english is not None
    store.upsert_cards(_many_cards(150))  # English cards: a vector in each channel
    # Each channel alone needs ~1.2 MB from Chroma, under 2 MB; together ~2.4 MB, over it.
    limited = english.model_copy(update={"memory_limit_mb": 2})
    with pytest.raises(StoreError) as refused:
        CardStore.open(limited, _MainFake()).snapshot()
    assert "holds 150 cards; searching them needs about 2.3 MB of memory in 2 dense channels" in (
        str(refused.value)
    )


def test_what_killed_writers_left_is_cleared_by_the_next_write(settings: Settings) -> None:
    import os
    import time

    store = _persisted_library(settings)
    root = store.cache_dir / "snapshot"
    stale, fresh = root.with_name("snapshot.tmp-killed"), root.with_name("snapshot.tmp-writing")
    for folder in (stale, fresh):
        (folder / "metric").mkdir(parents=True)
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    identity = {"embedder": store.embedder.name, "source": str(settings.chroma_path.resolve())}
    snapshot_files.save(root, store.snapshot(), identity)
    assert not stale.exists()  # a writer killed two hours ago
    assert fresh.exists()  # may be another process's write in progress
    assert snapshot_files.read_manifest(root, identity)["revision"] == store.revision()


def test_a_process_brings_the_files_up_to_its_own_writes_when_it_exits(
    settings: Settings,
) -> None:
    """The next process maps the files with this process's edit in them: it need not read the
    edit back from Chroma (whose first read loads the whole index). A real exit, in a child."""
    import subprocess
    import sys
    from pathlib import Path

    first = _persisted_library(settings)
    root = first.cache_dir / "snapshot"
    identity = {"embedder": first.embedder.name, "source": str(settings.chroma_path.resolve())}
    before = snapshot_files.read_manifest(root, identity)["revision"]
    script = (
        "from ragcore.library.cards import Card, SummaryType\n"
        "from ragcore.library.store import CardStore\n"
        "from ragcore.settings import load_settings\n"
        f"store = CardStore.open(load_settings(home={str(settings.home)!r}, embedder='fake'))\n"
        "old = store.get_cards(summary_type=SummaryType.METRIC)[0]\n"
        "store.snapshot()\n"
        "store.replace_card(old.card_id, Card(paper_id=old.paper_id,"
        " summary_type=SummaryType.METRIC, text='Top-5 accuracy on CIFAR.'))\n"
        "store.snapshot()  # follows its own write; the files stay one write behind\n"
    )
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    after = CardStore.open(settings)
    assert after.revision() > before
    assert snapshot_files.read_manifest(root, identity)["revision"] == after.revision()
    assert _mapped(after)
    assert "Top-5 accuracy on CIFAR." in {c.text for c in after.snapshot().cards.values()}
