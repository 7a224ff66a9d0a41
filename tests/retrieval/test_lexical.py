from ragcore.library.cards import Card, SummaryType
from ragcore.library.store import CardStore
from ragcore.retrieval.lexical import LexicalIndex, english_tokens, index_for, tokenize


def test_chinese_search_mode_tokens_drop_stop_words() -> None:
    tokens = tokenize("基于深度学习的图像分类方法研究")
    assert "图像" in tokens and "分类" in tokens
    assert "的" not in tokens


def test_english_tokens_fold_plurals_and_drop_stop_words() -> None:
    assert english_tokens("The networks of the images") == ["network", "image"]


def test_mixed_text_uses_both_tokenizers() -> None:
    tokens = tokenize("使用 Transformers 进行图像分类")
    assert "transformer" in tokens and "图像" in tokens


def test_bm25_finds_the_card_sharing_the_words() -> None:
    cards = [
        Card(paper_id="a", summary_type=SummaryType.BACKGROUND, text="图神经网络推荐系统"),
        Card(paper_id="b", summary_type=SummaryType.BACKGROUND, text="医学图像分割方法"),
    ]
    hits = LexicalIndex.build(cards).search("图像分割", SummaryType.BACKGROUND, 5)
    assert [h.card.paper_id for h in hits] == ["b"]
    assert 0 < hits[0].coverage <= 1


def test_index_is_rebuilt_when_cards_are_added(library: CardStore) -> None:
    first = index_for(library)
    new = Card(paper_id="new", summary_type=SummaryType.METRIC, text="F1 score on CoNLL")
    library.upsert_cards([new])
    assert new.card_id not in first.card_ids
    again = index_for(library)
    assert new.card_id in again.card_ids
    assert index_for(library) is again  # unchanged store: the cached index is reused


def test_index_sees_edits_made_through_another_store_instance(library: CardStore) -> None:
    first = index_for(library)
    other = CardStore.open(library.settings)  # e.g. another Streamlit session or a CLI run
    edited = Card(paper_id="edit", summary_type=SummaryType.METRIC, text="Edited BLEU text")
    other.upsert_cards([edited])
    assert edited.card_id not in first.card_ids
    assert edited.card_id in index_for(library).card_ids
