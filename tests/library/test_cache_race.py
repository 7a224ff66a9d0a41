"""Two real processes writing the persisted caches while others open them.

The studio and the CLI share a home folder: both write the snapshot and BM25 caches in the
background. Each writer here writes many versions as fast as it can; each reader opens the
cache in a loop and checks that what it mapped is one whole version (manifest, vectors, cards
and ids agree), and never sees a refusal other than "not there yet".
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ragcore.library import snapshot_files
from ragcore.library.cards import Card, SummaryType
from ragcore.library.snapshot import CardSnapshot
from ragcore.library.snapshot_files import CacheRejected
from ragcore.retrieval import lexical_files
from ragcore.retrieval.lexical import TypeIndex, tokenize

METRIC = SummaryType.METRIC
IDENTITY = {"embedder": "fake", "source": "race-test"}
DIMENSION = 16
ROUNDS = 25
READ_FOR_S = 6.0


def _snapshot(revision: int) -> CardSnapshot:
    """Revision r holds r + 1 cards, each naming r, each vector saying r in its first slot."""
    items = []
    for n in range(revision + 1):
        card = Card(paper_id=f"p{n}", summary_type=METRIC, text=f"revision {revision} card {n}")
        vector = np.ones(DIMENSION, dtype=np.float32)
        vector[0] = 1.0 + revision
        items.append((card, vector))
    return CardSnapshot.build(revision, items, DIMENSION)


def _write_snapshots(root: str, first: int, results: Any) -> None:
    problems = []
    for revision in range(first, first + 2 * ROUNDS, 2):  # one writer even, one odd revisions
        try:
            snapshot_files.save(Path(root), _snapshot(revision), IDENTITY)
        except OSError as error:
            problems.append(f"write {revision}: {error!r}")
    results.put(("writer", problems))


def _consistent(snapshot: CardSnapshot) -> str:
    rows = snapshot.rows[METRIC]
    revision = snapshot.revision
    if len(rows) != revision + 1:
        return f"revision {revision} with {len(rows)} rows"
    texts = {card.text.split(" card ")[0] for card in rows.cards}
    if texts != {f"revision {revision}"}:
        return f"revision {revision} with cards of {sorted(texts)}"
    scale = np.asarray(rows.matrix[:, 0] / rows.matrix[:, 1])
    if not np.allclose(scale, 1.0 + revision):
        return f"revision {revision} with vectors of another revision"
    return ""


def _read_snapshots(root: str, results: Any) -> None:
    problems, seen = [], 0
    deadline = time.monotonic() + READ_FOR_S
    while time.monotonic() < deadline:
        try:
            snapshot = snapshot_files.load(Path(root), IDENTITY)
        except CacheRejected as reason:
            if str(reason) != "no snapshot cache yet":
                problems.append(f"refused: {reason}")
            continue
        seen += 1
        if problem := _consistent(snapshot):
            problems.append(problem)
    results.put(("reader", problems if seen else ["never opened a cache"]))


def _run(targets: list[tuple[Any, tuple[Any, ...]]]) -> list[tuple[str, list[str]]]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=f, args=(*args, results)) for f, args in targets]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return outcomes


def test_two_writers_and_two_readers_of_the_snapshot_cache(tmp_path: Path) -> None:
    root = str(tmp_path / "cache" / "snapshot")
    outcomes = _run(
        [
            (_write_snapshots, (root, 0)),
            (_write_snapshots, (root, 1)),
            (_read_snapshots, (root,)),
            (_read_snapshots, (root,)),
        ]
    )
    assert outcomes and all(problems == [] for _, problems in outcomes), outcomes
    final = snapshot_files.load(Path(root), IDENTITY)
    # The last writer's last revision: any whole set is valid, the change log brings it up to date.
    assert final.revision in (2 * ROUNDS - 2, 2 * ROUNDS - 1) and _consistent(final) == ""
    leftovers = sorted(p.name for p in Path(root).parent.iterdir())
    assert leftovers == ["snapshot", "snapshot.lock"]  # no staging or old folder left behind


def _cards(version: int) -> list[Card]:
    size = 30 + 20 * version  # two card sets of different sizes: a mix-up cannot pass the checks
    return [
        Card(paper_id=f"p{n}", summary_type=METRIC, text=f"accuracy v{version} metric m{n}")
        for n in range(size)
    ]


def _rows(version: int) -> Any:
    cards = _cards(version)
    return CardSnapshot.build(1, [(c, np.ones(DIMENSION)) for c in cards], DIMENSION).rows[METRIC]


def _write_bm25(root: str, version: int, results: Any) -> None:
    rows = _rows(version)
    index = TypeIndex.build(rows.ids, rows.cards)
    problems = []
    for _ in range(ROUNDS):
        try:
            lexical_files.save_type(Path(root), METRIC, index)
        except OSError as error:
            problems.append(f"write: {error!r}")
    results.put(("writer", problems))


def _read_bm25(root: str, results: Any) -> None:
    rows = [_rows(0), _rows(1)]
    problems, opened = [], 0
    deadline = time.monotonic() + READ_FOR_S
    while time.monotonic() < deadline:
        for version in (0, 1):
            said = io.StringIO()
            with contextlib.redirect_stderr(said):
                index = lexical_files.load_type(Path(root), METRIC, rows[version])
            opened += index is not None
            message = said.getvalue()
            if message and "(stale: the cards changed" not in message:
                problems.append(message.strip())
            if isinstance(index, TypeIndex):
                [hit] = index.search(tokenize(f"metric v{version} m7"), 1)
                if hit.card.text != f"accuracy v{version} metric m7":
                    problems.append(f"version {version} found {hit.card.text!r}")
    results.put(("reader", problems if opened else ["never opened a cache"]))


def test_two_writers_and_two_readers_of_the_bm25_cache(tmp_path: Path) -> None:
    root = str(tmp_path / "cache" / "lexical")
    outcomes = _run(
        [
            (_write_bm25, (root, 0)),
            (_write_bm25, (root, 1)),
            (_read_bm25, (root,)),
            (_read_bm25, (root,)),
        ]
    )
    assert outcomes and all(problems == [] for _, problems in outcomes), outcomes
    leftovers = sorted(p.name for p in Path(root).iterdir())
    assert leftovers == ["metric", "metric.lock"]


@pytest.mark.parametrize("damage", ["truncated cards", "foreign embedder", "no manifest"])
def test_a_damaged_cache_is_refused_naming_why(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "snapshot"
    snapshot_files.save(root, _snapshot(3), IDENTITY)
    if damage == "truncated cards":
        cards = root / "metric" / "cards.jsonl"
        cards.write_bytes(cards.read_bytes()[:-10])
        expected = "metric/cards.jsonl is missing or truncated"
    elif damage == "foreign embedder":
        expected = "built for embedder 'use', not 'fake'"
        snapshot_files.save(root, _snapshot(4), {**IDENTITY, "embedder": "use"})
    else:
        (root / "manifest.json").unlink()  # a writer killed before its swap leaves no manifest
        expected = "its manifest is missing or unreadable"
    with pytest.raises(CacheRejected, match=expected):
        snapshot_files.load(root, IDENTITY)
