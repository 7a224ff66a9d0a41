"""Scale benchmark (issue 16): a cold process against a big library, with and without the
persisted snapshot/BM25 cache, the first listing after one edit, RSS, and floors measured in
the same run. Prints a markdown table and the machine's load.

    .venv/bin/python benchmarks/bench_scale.py --cards 100000 [--embedder use] [--home DIR]

The library: the synthetic cards of bench_retrieval.py (half Chinese, half English, eight topic
words each, ten types), i.e. the library behind the issue's 37.5 s figure; vectors are random
unit vectors written
straight into Chroma under the embedder's name (embedding 100k cards with the real model takes
~20 min on 2 cores and does not change what is timed here: loading, mapping, searching). The
query is embedded by the real embedder.

Phases, each in a fresh process (`--phase`), so "cold" means a new Python process:
  build   write the cards into Chroma (no cache);
  first   first listing with no cache: every card read back from Chroma, BM25 built (before
          this change, every new process paid this), then the cache written;
  cold    first listing with the cache: mapped (and USE's tokenizer and jieba's dictionary
          from the pickles an earlier process left, `ragcore.library.parsed_cache`; the mapping
          is reported apart as `of_which_mapping_s`); then one card edit and the next listing;
          then the floors: raw np.load/memory map of the same matrices (all pages touched),
          the raw encoder on the query, ten raw filtered Chroma queries.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START = time.perf_counter()
REPO = Path(__file__).resolve().parent.parent
TOPIC_ZH = "基于深度学习的图像分类方法研究"
TOPIC_EN = "deep learning methods for image classification"


def build(home: Path, n: int, embedder: str) -> dict[str, float]:
    import numpy as np

    from ragcore.library import chroma
    from ragcore.library.embeddings import get_embedder
    from ragcore.library.records import card_metadata
    from ragcore.settings import load_settings

    settings = load_settings(home=home, embedder=embedder)
    dimension = get_embedder(embedder).dimension
    client = chroma.make_client(settings)
    collection = client.get_or_create_collection(
        chroma.CARDS,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"embedder": embedder, "dimension": dimension},
    )
    from benchmarks.bench_retrieval import synthetic_cards

    every, rng = synthetic_cards(n), np.random.default_rng(0)
    t0 = time.perf_counter()
    for start in range(0, n, 2000):
        cards = every[start : start + 2000]
        vectors = rng.standard_normal((len(cards), dimension)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        for s in range(0, len(cards), chroma.WRITE_BATCH):
            part = cards[s : s + chroma.WRITE_BATCH]
            collection.add(
                ids=[c.card_id for c in part],
                embeddings=vectors[s : s + chroma.WRITE_BATCH],
                documents=[c.text for c in part],
                metadatas=[card_metadata(c, chroma.READY) for c in part],
            )
    return {"build_s": time.perf_counter() - t0}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def listing(home: Path, embedder: str, *, edit: bool, floors: bool) -> dict[str, float]:
    """Time from process start to the first ten-type listing answered, then the rest."""
    from ragcore.library.store import CardStore
    from ragcore.retrieval import lexical
    from ragcore.retrieval.hybrid import retrieve_all_types
    from ragcore.settings import load_settings

    imported = time.perf_counter() - START
    settings = load_settings(home=home, embedder=embedder)
    t0 = time.perf_counter()
    store = CardStore.open(settings)
    store.embed_query("warm")  # the model load, reported apart
    model = time.perf_counter() - t0
    t1 = time.perf_counter()
    lexical.index_for(store)  # the listing's first step: map the snapshot and BM25 files
    mapped = time.perf_counter() - t1
    retrieve_all_types(store, TOPIC_ZH, k=5, settings=settings)
    first = time.perf_counter() - t1
    out = {
        "imports_s": imported,
        "open_and_model_s": model,
        "first_listing_s": first,
        "of_which_mapping_s": mapped,
        "to_first_listing_s": time.perf_counter() - START,
        "rss_mb": _rss_mb(),
    }
    times = []
    for topic in [TOPIC_EN, TOPIC_ZH] * 5:
        t = time.perf_counter()
        retrieve_all_types(store, topic, k=5, settings=settings)
        times.append(time.perf_counter() - t)
    out["listing_p50_ms"] = statistics.median(times) * 1000
    if edit:
        out.update(_after_edit(store, settings))
    t = time.perf_counter()
    store.wait_persisted()
    lexical.wait_persisted()
    out["persist_wait_s"] = time.perf_counter() - t
    if floors:
        out.update(_floors(store, settings))
    out["rss_mb_end"] = _rss_mb()
    return out


def _after_edit(store, settings) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from ragcore.library.cards import Card, SummaryType
    from ragcore.retrieval.hybrid import retrieve_all_types

    old = store.snapshot().cards_of(SummaryType.METHODOLOGY)[0]
    edited = Card(paper_id=old.paper_id, summary_type=old.summary_type, text=old.text + "（修订）")
    t = time.perf_counter()
    store.replace_card(old.card_id, edited)
    write = time.perf_counter() - t
    t = time.perf_counter()
    result = retrieve_all_types(store, TOPIC_ZH, k=5, settings=settings)
    after = time.perf_counter() - t
    assert result.results
    t = time.perf_counter()
    retrieve_all_types(store, TOPIC_ZH, k=5, settings=settings)
    second = time.perf_counter() - t
    return {
        "edit_write_ms": write * 1000,
        "listing_after_edit_ms": after * 1000,
        "second_listing_after_edit_ms": second * 1000,
    }


def _floors(store, settings) -> dict[str, float]:  # type: ignore[no-untyped-def]
    import numpy as np

    from ragcore.library import chroma
    from ragcore.library.cards import SummaryType

    root = settings.home / "cache" / "snapshot"
    t = time.perf_counter()
    for summary_type in SummaryType:
        matrix = np.load(root / summary_type.value / "vectors.npy", mmap_mode="r")
        float(np.asarray(matrix).sum())  # touch every page
    mapped = time.perf_counter() - t
    t = time.perf_counter()
    vector = store.embedder.embed([TOPIC_ZH])[0]
    encode = time.perf_counter() - t
    collection = chroma.make_client(settings).get_collection(chroma.CARDS, embedding_function=None)
    t = time.perf_counter()
    for summary_type in SummaryType:
        where = {"$and": [{"summary_type": summary_type.value}, {"state": "ready"}]}
        collection.query(query_embeddings=[vector], n_results=5, where=where)
    query = time.perf_counter() - t
    return {
        "floor_memmap_all_s": mapped,
        "floor_encode_query_ms": encode * 1000,
        "floor_chroma_10_queries_ms": query * 1000,
    }


def _phase(args: argparse.Namespace, phase: str) -> dict[str, float]:
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--home",
        str(args.home),
        "--cards",
        str(args.cards),
        "--embedder",
        args.embedder,
    ]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO)
    sys.stderr.write(done.stderr)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=10000)
    parser.add_argument("--embedder", default="use")
    parser.add_argument("--home", type=Path)
    parser.add_argument("--phase")
    args = parser.parse_args()
    if args.phase:
        if args.phase == "build":
            result = build(args.home, args.cards, args.embedder)
        else:
            cold = args.phase == "cold"
            result = listing(args.home, args.embedder, edit=cold, floors=cold)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        args.home = args.home or Path(tmp)
        load = os.getloadavg()
        results = {phase: _phase(args, phase) for phase in ("build", "first", "cold")}
        after = os.getloadavg()
    print(
        f"cards {args.cards}, embedder {args.embedder}, load average before "
        f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, after {after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f}"
    )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
