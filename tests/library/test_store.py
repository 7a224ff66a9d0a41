import pytest

from ragcore.errors import StoreError
from ragcore.library.cards import Card, Paper, SummaryType
from ragcore.library.store import CardStore, RawChunk
from ragcore.progress import ProgressEvent
from ragcore.settings import Settings


def _cards() -> list[Card]:
    return [
        Card(
            paper_id="p1",
            summary_type="Background",
            text="深度学习推动了图像分类的发展。",
            tags=["图像分类"],
        ),
        Card(paper_id="p1", summary_type="Methodology", text="我们提出一种卷积神经网络方法。"),
        Card(paper_id="p2", summary_type="Methodology", text="We propose a GPU cluster scheduler."),
        Card(paper_id="p2", summary_type="Metric", text="We report top-1 accuracy on ImageNet."),
    ]


def test_upsert_is_idempotent_by_content(settings: Settings) -> None:
    store = CardStore.open(settings)
    first = store.upsert_cards(_cards())
    second = store.upsert_cards(_cards())
    assert len(first.added) == 4 and first.skipped == []
    assert second.added == [] and len(second.skipped) == 4
    assert store.count() == 4


def test_cards_round_trip_with_metadata(settings: Settings) -> None:
    store = CardStore.open(settings)
    store.upsert_cards(_cards())
    card = store.get_cards(paper_id="p1", summary_type=SummaryType.BACKGROUND)[0]
    assert card.text == "深度学习推动了图像分类的发展。"
    assert card.tags == ["图像分类"]
    assert card.lang == "zh"
    assert store.get_card(card.card_id) == card
    assert len(store.get_cards(summary_type=SummaryType.METHODOLOGY)) == 2


def test_dense_search_filters_by_type_and_paper_and_scores_in_unit_range(
    settings: Settings,
) -> None:
    store = CardStore.open(settings)
    store.upsert_cards(_cards())
    query = store.embed_query("GPU cluster scheduler")
    hits = store.dense_search(query, summary_type=SummaryType.METHODOLOGY, k=5)
    assert [c.paper_id for c, _ in hits] == ["p2", "p1"]
    assert all(0.0 <= score <= 1.0 for _, score in hits)
    assert hits[0][1] > hits[1][1]
    only_p1 = store.dense_search(query, paper_ids=["p1"], k=5)
    assert {c.paper_id for c, _ in only_p1} == {"p1"}


def test_store_persists_across_reopen(settings: Settings) -> None:
    CardStore.open(settings).upsert_cards(_cards())
    assert CardStore.open(settings).count() == 4


def test_pending_cards_are_invisible_until_published(settings: Settings) -> None:
    store = CardStore.open(settings)
    old = Card(paper_id="p9", summary_type="Conclusion", text="Old conclusion.")
    store.upsert_cards([old])
    new = [Card(paper_id="p9", summary_type="Conclusion", text="New conclusion.")]
    store.upsert_cards(new, state="pending")
    assert [c.text for c in store.get_cards(paper_id="p9")] == ["Old conclusion."]
    store.publish_paper("p9", [c.card_id for c in new])
    assert [c.text for c in store.get_cards(paper_id="p9")] == ["New conclusion."]


def test_discard_pending_removes_a_killed_ingest(settings: Settings) -> None:
    store = CardStore.open(settings)
    store.upsert_cards(_cards()[:1], state="pending")
    assert store.count() == 0
    assert store.discard_pending() == 1


def test_raw_chunks_and_papers(settings: Settings) -> None:
    store = CardStore.open(settings)
    store.upsert_cards(_cards())
    chunks = [
        RawChunk("p1", "method", "3 Method", "We train a ResNet on ImageNet."),
        RawChunk("p2", "introduction", "1 Intro", "Clusters of GPUs are shared."),
    ]
    assert store.add_raw_chunks(chunks) == 2
    assert store.add_raw_chunks(chunks) == 0
    hits = store.search_raw(store.embed_query("ResNet ImageNet"), roles=["method"], k=3)
    assert [h.heading for h, _ in hits] == ["3 Method"]
    store.upsert_paper(Paper(paper_id="p1", title="图像分类", year=2024))
    assert store.get_paper("p1") == Paper(paper_id="p1", title="图像分类", year=2024)
    store.delete_paper("p1")
    assert store.get_paper("p1") is None
    assert store.get_cards(paper_id="p1") == []
    assert store.get_raw_chunks("p1") == []
    assert len(store.get_cards()) == 2


def test_switching_embedder_is_refused_then_reembedded(settings: Settings) -> None:
    CardStore.open(settings).upsert_cards(_cards())
    other = settings.model_copy(update={"embedder": "use"})
    with pytest.raises(
        StoreError, match=r"embedded with 'fake' but the embedder is now 'use'.*ragcore reembed"
    ):
        CardStore.open(other)
    events: list[ProgressEvent] = []
    assert CardStore.reembed(other, progress=events.append) == 4
    assert events and events[-1].done == events[-1].total
    store = CardStore.open(other)
    assert store.count() == 4
    assert store.embedder.name == "use"
    hits = store.dense_search(store.embed_query("图像分类"), k=1)
    assert hits[0][0].paper_id == "p1"
