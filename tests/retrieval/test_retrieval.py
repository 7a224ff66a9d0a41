import pytest

from ragcore.errors import InputError
from ragcore.library.cards import SummaryType
from ragcore.library.store import CardStore
from ragcore.retrieval.hybrid import (
    effective_fusion,
    retrieve_all_types,
    retrieve_section,
    section_paper_cap,
)
from ragcore.retrieval.sectionplan import load_plan
from ragcore.settings import Settings, load_settings


def _ids(store: CardStore, topic: str, settings: Settings, t: SummaryType) -> list[str]:
    result = retrieve_all_types(store, topic, types=[t], k=3, settings=settings)
    return [item.paper_id for item in result.results[t].items]


def test_known_answers_english(library: CardStore, retrieval_settings: Settings) -> None:
    top = _ids(
        library,
        "image classification with convolutional networks",
        retrieval_settings,
        SummaryType.METHODOLOGY,
    )
    assert top[0] == "img-cnn"
    top = _ids(
        library,
        "GPU cluster scheduler for training jobs",
        retrieval_settings,
        SummaryType.BACKGROUND,
    )
    assert top[0] == "gpu-cluster"


def test_known_answers_chinese(library: CardStore, retrieval_settings: Settings) -> None:
    assert _ids(library, "医学图像分割", retrieval_settings, SummaryType.BACKGROUND)[0] == "zh-seg"
    assert (
        _ids(library, "图神经网络推荐", retrieval_settings, SummaryType.METHODOLOGY)[0] == "zh-rec"
    )


def test_no_duplicate_paper_and_type_and_scores_in_range(
    library: CardStore, retrieval_settings: Settings
) -> None:
    # The same card text twice under another id must not appear twice either.
    result = retrieve_all_types(library, "deep learning image", k=10, settings=retrieval_settings)
    for summary_type, type_result in result.results.items():
        pairs = [(i.paper_id, i.summary_type) for i in type_result.items]
        assert len(pairs) == len(set(pairs))
        assert all(i.summary_type == summary_type for i in type_result.items)
        assert all(0.0 <= i.relevance <= 1.0 for i in type_result.items)
        scores = [i.relevance for i in type_result.items]
        assert scores == sorted(scores, reverse=True)


def test_channel_scores_are_kept(library: CardStore, retrieval_settings: Settings) -> None:
    result = retrieve_all_types(
        library,
        "vision transformer patches",
        types=["methodology"],
        k=2,
        settings=retrieval_settings,
    )
    best = result.results[SummaryType.METHODOLOGY].items[0]
    assert best.channels.dense is not None and best.channels.lexical is not None
    assert best.channels.bm25 is not None and best.channels.bm25 > 0


def test_unrelated_topic_is_flagged_weak(library: CardStore, retrieval_settings: Settings) -> None:
    result = retrieve_all_types(library, "宋代诗词的韵律与格律", k=3, settings=retrieval_settings)
    assert set(result.weak_types()) == set(result.results)
    assert all(item.weak for r in result.results.values() for item in r.items)
    assert result.to_dict()["no_card_above_floor"]


def test_a_card_far_below_the_topics_best_is_a_backup(
    library: CardStore, retrieval_settings: Settings
) -> None:
    """Above the absolute floor but under `relative_floor` of the topic's best card (any
    type): weak. With the share at 0 only the absolute floor counts."""
    topic = "image classification with convolutional networks"
    listing = retrieve_all_types(library, topic, k=10, settings=retrieval_settings)
    items = [i for r in listing.results.values() for i in r.items]
    best = max(i.relevance for i in items)
    share, floor = retrieval_settings.retrieval.relative_floor, 0.2
    assert share == 0.4 and listing.floor == pytest.approx(max(floor, share * best))
    assert all(i.weak == (i.relevance < listing.floor) for i in items)
    assert any(floor <= i.relevance < listing.floor for i in items)  # the rule decided these
    # The section's evidence applies the same floor as the listing.
    section = retrieve_section(
        library, topic, load_plan().find("method"), settings=retrieval_settings
    )
    assert all(i.weak == (i.relevance < listing.floor) for i in section.items)
    absolute = retrieval_settings.model_copy(deep=True)
    absolute.retrieval.relative_floor = 0.0
    plain = retrieve_all_types(library, topic, k=10, settings=absolute)
    assert plain.floor == floor
    assert all(i.weak == (i.relevance < floor) for r in plain.results.values() for i in r.items)


def test_the_topic_floor_follows_the_library(
    library: CardStore, retrieval_settings: Settings
) -> None:
    """The topic's best card is remembered per library state: a card added after a listing
    that beats the best raises the floor at once (a new store state is a new snapshot)."""
    from ragcore.library.cards import Card

    topic = "stochastic depth regularisation for residual image networks"
    before = retrieve_all_types(library, topic, k=5, settings=retrieval_settings)
    library.upsert_cards([Card(paper_id="new", summary_type="background", text=topic + ".")])
    after = retrieve_all_types(library, topic, k=5, settings=retrieval_settings)
    best_after = max(i.relevance for r in after.results.values() for i in r.items)
    assert after.floor == pytest.approx(max(0.2, 0.4 * best_after))
    assert after.floor > before.floor


@pytest.mark.parametrize("topic", ["", "   ", "？！。", "x" * 10_000])
def test_bad_topics_are_input_errors(
    library: CardStore, retrieval_settings: Settings, topic: str
) -> None:
    with pytest.raises(InputError):
        retrieve_all_types(library, topic, settings=retrieval_settings)


@pytest.mark.parametrize("k", [0, -1, 10_000])
def test_bad_k_is_an_input_error(library: CardStore, retrieval_settings: Settings, k: int) -> None:
    with pytest.raises(InputError, match="k"):
        retrieve_all_types(library, "image classification", k=k, settings=retrieval_settings)


def test_empty_library_is_said_plainly(retrieval_settings: Settings) -> None:
    store = CardStore.open(retrieval_settings)
    with pytest.raises(InputError, match="library is empty"):
        retrieve_all_types(store, "image classification", settings=retrieval_settings)


def test_section_caps_one_paper(library: CardStore, retrieval_settings: Settings) -> None:
    section = load_plan().find("Method")
    evidence = retrieve_section(
        library, "image classification", section, settings=retrieval_settings
    )
    included = [i for i in evidence.items if i.included]
    per_paper = {p: sum(i.paper_id == p for i in included) for p in {i.paper_id for i in included}}
    assert max(per_paper.values()) <= section_paper_cap(sum(section.types.values()))


def test_chinese_query_with_english_only_embedder_uses_bm25() -> None:
    assert effective_fusion("auto", "zh", "minilm") == "bm25"
    assert effective_fusion("auto", "zh", "use") == "auto"
    assert effective_fusion("auto", "en", "minilm") == "auto"
    assert effective_fusion("weighted", "zh", "minilm") == "weighted"


def test_settings_fusion_single_channels(library: CardStore, tmp_path: object) -> None:
    settings = load_settings(embedder="fake")
    for fusion in ("bm25", "dense", "rrf", "weighted"):
        result = retrieve_all_types(
            library,
            "image classification",
            types=["background"],
            k=2,
            settings=settings,
            fusion=fusion,
        )
        assert result.results[SummaryType.BACKGROUND].items
