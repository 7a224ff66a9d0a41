"""The search snapshot: exact typed search over the ready cards, kept current by the change log."""

import numpy as np

from ragcore.library import db
from ragcore.library.cards import Card, SummaryType
from ragcore.library.snapshot import CardSnapshot
from ragcore.library.store import CardStore
from ragcore.retrieval.lexical import index_for
from ragcore.settings import Settings


def _card(paper: str, kind: str, text: str) -> Card:
    return Card(paper_id=paper, summary_type=kind, text=text)


def _library(settings: Settings) -> CardStore:
    store = CardStore.open(settings)
    store.upsert_cards(
        [
            _card("p1", "Methodology", "We propose a GPU cluster scheduler."),
            _card("p2", "Methodology", "我们提出一种卷积神经网络方法。"),
            _card("p3", "Metric", "Top-1 accuracy on ImageNet."),
        ]
    )
    return store


def test_search_ranks_by_cosine_and_matches_numpy() -> None:
    cards = [_card(f"p{i}", "Background", f"text {i}") for i in range(4)]
    vectors = [np.array(v, dtype=np.float32) for v in ([1, 0], [0.8, 0.6], [0, 1], [-1, 0])]
    snapshot = CardSnapshot.build(1, zip(cards, vectors, strict=True), dimension=2)
    hits = snapshot.search([2.0, 0.0], summary_type=SummaryType.BACKGROUND, k=3)
    assert [c.paper_id for c, _ in hits] == ["p0", "p1", "p2"]
    assert [round(score, 3) for _, score in hits] == [1.0, 0.8, 0.0]
    # An opposite vector has cosine -1; relevance is clipped to the [0, 1] scale.
    only_p3 = snapshot.search([1.0, 0.0], paper_ids=["p3"], k=5)
    assert [(c.paper_id, score) for c, score in only_p3] == [("p3", 0.0)]


def test_an_edit_in_another_process_reaches_the_snapshot_incrementally(
    settings: Settings,
) -> None:
    store = _library(settings)
    before = store.snapshot()
    old = store.get_cards(summary_type=SummaryType.METRIC)[0]
    other = CardStore.open(settings)  # e.g. another Streamlit session or a CLI run
    edited = _card("p3", "Metric", "Top-5 accuracy on ImageNet-1k.")
    other.replace_card(old.card_id, edited)
    after = store.snapshot()
    assert edited.card_id in after.cards and old.card_id not in after.cards
    assert len(after) == len(before) == 3
    # Only the edited type changed; the others keep their version (and their BM25 index).
    changed = {t for t in SummaryType if after.type_versions[t] != before.type_versions[t]}
    assert changed == {SummaryType.METRIC}
    hit, _ = store.dense_search(store.embed_query(edited.text), k=1)[0]
    assert hit.card_id == edited.card_id


def test_lexical_index_rebuilds_only_the_types_that_changed(settings: Settings) -> None:
    store = _library(settings)
    first = index_for(store)
    store.upsert_cards([_card("p4", "Metric", "BLEU on WMT14")])
    second = index_for(store)
    assert second.by_type[SummaryType.METHODOLOGY] is first.by_type[SummaryType.METHODOLOGY]
    assert second.by_type[SummaryType.METRIC] is not first.by_type[SummaryType.METRIC]
    assert [h.card.paper_id for h in second.search("BLEU", SummaryType.METRIC, 5)] == ["p4"]
    # The unchanged card of the rebuilt type is found through its reused tokens.
    assert [h.card.paper_id for h in second.search("ImageNet", SummaryType.METRIC, 5)] == ["p3"]


def test_pending_cards_stay_out_until_published(settings: Settings) -> None:
    store = _library(settings)
    draft = _card("p9", "Background", "A pending ingest's card.")
    store.upsert_cards([draft], state="pending")
    assert draft.card_id not in store.snapshot().cards
    store.publish_paper("p9", [draft.card_id])
    assert draft.card_id in store.snapshot().cards


def test_a_pruned_change_log_falls_back_to_a_full_reload(settings: Settings) -> None:
    store = _library(settings)
    store.snapshot()
    deleted = store.get_cards(summary_type=SummaryType.METRIC)[0]
    store.delete_cards([deleted.card_id])
    with db.connect(settings.db_path) as conn:
        conn.execute("DELETE FROM card_changes")  # as if the entries had been pruned
    assert deleted.card_id not in store.snapshot().cards
    assert len(store.snapshot()) == 2


def test_more_ids_than_sqlite_takes_in_one_statement(settings: Settings) -> None:
    """Chroma makes each id (asked for, or matched by a filter) an SQL variable; SQLite refuses
    more than 32,766 in a statement. Reads go in pages, by id list and by offset."""
    import ragcore.library.chroma as store_module

    store = CardStore.open(settings)
    cards = [_card(f"p{i}", "Metric", f"metric card number {i}") for i in range(12)]
    original = store_module._ID_BATCH
    store_module._ID_BATCH = 5  # the same code path as 40k ids, with 12
    try:
        assert len(store.upsert_cards(cards).added) == 12
        assert len(store.upsert_cards(cards).skipped) == 12
        assert len(store.snapshot()) == 12
        store.delete_cards([c.card_id for c in cards[:7]])
        assert len(store.get_cards()) == len(store.snapshot()) == store.count() == 5
        store.discard_pending()
        assert CardStore.open(settings).snapshot().cards.keys() == {c.card_id for c in cards[7:]}
    finally:
        store_module._ID_BATCH = original


def test_changed_rows_equal_a_snapshot_built_from_scratch() -> None:
    rng = np.random.default_rng(7)
    kinds = ["Background", "Metric"]
    cards = [_card(f"p{i % 5}", kinds[i % 2], f"text {i}") for i in range(60)]
    vectors = [rng.standard_normal(4).astype(np.float32) for _ in cards]
    current = dict(zip((c.card_id for c in cards), zip(cards, vectors, strict=True), strict=True))
    snapshot = CardSnapshot.build(1, current.values(), dimension=4)
    for step in range(2, 8):  # drops, adds and replacements, several at a time
        drop = set(rng.choice(sorted(current), size=3, replace=False))
        for card_id in drop:
            del current[card_id]
        new = [_card("p9", kinds[n % 2], f"new {step} {n}") for n in range(step)]
        added = [(c, rng.standard_normal(4).astype(np.float32)) for c in new]
        current.update((c.card_id, (c, v)) for c, v in added)
        snapshot = snapshot.changed(step, drop, added)
        fresh = CardSnapshot.build(step, current.values(), dimension=4)
        for kind in SummaryType:
            assert snapshot.rows[kind].ids == fresh.rows[kind].ids
            assert [c.card_id for c in snapshot.cards_of(kind)] == fresh.rows[kind].ids
            np.testing.assert_allclose(snapshot.rows[kind].matrix, fresh.rows[kind].matrix)
            assert list(snapshot.rows[kind].papers) == list(fresh.rows[kind].papers)
        assert snapshot.ids() == set(current) and len(snapshot.cards) == len(current)
        some = sorted(current)[0]
        assert snapshot.cards[some].card_id == some and some in snapshot.cards
        assert snapshot.cards.type_of("no such id") is None and "no such id" not in snapshot.cards


def test_own_edits_reach_the_snapshot_as_a_reload_would_see_them(settings: Settings) -> None:
    store = _library(settings)
    before = store.snapshot()
    old = before.cards_of(SummaryType.METRIC)[0]
    edited = _card(old.paper_id, "Metric", "Top-5 accuracy on ImageNet-1K.")
    store.replace_card(old.card_id, edited)
    store.delete_cards([before.cards_of(SummaryType.METHODOLOGY)[0].card_id])
    store.upsert_cards([_card("p4", "Baseline", "ResNet-50 trained from scratch.")])
    after = store.snapshot()  # followed from this process's own writes
    reloaded = CardStore.open(settings).snapshot()  # a new process's view
    assert after.revision == reloaded.revision and after.ids() == reloaded.ids()
    for card_id in after.ids():
        assert after.cards[card_id] == reloaded.cards[card_id]
        np.testing.assert_allclose(
            after.vectors[card_id], reloaded.vectors[card_id], rtol=1e-5, atol=1e-6
        )
    assert edited.card_id in after.ids() and old.card_id not in after.ids()


def test_rows_are_spliced_in_one_pass_as_delete_then_insert_would() -> None:
    """`_spliced` writes the edited type's matrix once; it must equal np.delete + np.insert for
    drops and additions anywhere (ends, neighbours, several at one place)."""
    from ragcore.library.snapshot import _spliced

    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(0, 12))
        matrix = rng.standard_normal((n, 3)).astype(np.float32)
        gone = sorted(rng.choice(n, size=int(rng.integers(0, n + 1)), replace=False).tolist())
        kept = n - len(gone)
        at = sorted(rng.integers(0, kept + 1, size=int(rng.integers(0, 4))).tolist())
        vectors = rng.standard_normal((len(at), 3)).astype(np.float32)
        expected = np.insert(np.delete(matrix, gone, axis=0), at, vectors, axis=0)
        np.testing.assert_array_equal(_spliced(matrix, gone, at, vectors), expected)
