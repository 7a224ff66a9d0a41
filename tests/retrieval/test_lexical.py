import json
import os
import subprocess
import sys
from pathlib import Path

import jieba
import numpy as np
import pytest

from ragcore.library.cards import Card, SummaryType
from ragcore.library.store import CardStore
from ragcore.retrieval.lexical import (
    LexicalIndex,
    TypeIndex,
    english_tokens,
    index_for,
    tokenize,
)
from ragcore.settings import Settings
from tests.conftest import REPO_ROOT


def test_chinese_search_mode_tokens_drop_stop_words() -> None:
    tokens = tokenize("基于深度学习的图像分类方法研究")
    assert "图像" in tokens and "分类" in tokens
    assert "的" not in tokens


_SENTENCES = [
    "基于深度学习的图像分类方法研究",
    "小样本目标检测与迁移学习",
    "南京市长江大桥的结构健康监测",
]
_CHILD = """
import json, sys
import jieba
from ragcore.library.jieba_dictionary import load_dictionary
load_dictionary()
print(json.dumps([list(jieba.cut_for_search(s)) for s in sys.argv[1:]]))
"""


def test_jiebas_dictionary_from_our_pickle_cuts_as_jieba_does(tmp_path: Path) -> None:
    """A new process reads jieba's dictionary from the pickle the previous one wrote
    (`parsed_cache`, 4x faster than jieba's own cache); its words are jieba's own."""
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, *_SENTENCES],
            capture_output=True, text=True, check=True, env=environment, cwd=REPO_ROOT,
        )  # fmt: skip
        runs.append(json.loads(done.stdout))
        assert [p.name.split("-")[0] for p in (tmp_path / "ragcore").iterdir()] == ["jieba"]
    own = jieba.Tokenizer()  # a tokenizer of its own, loaded jieba's way
    assert runs[0] == runs[1] == [list(own.cut_for_search(s)) for s in _SENTENCES]


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


def test_an_edit_is_served_at_once_while_its_type_is_reindexed_in_the_background(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old index serves (minus the removed card, plus the added one scored against its
    statistics) until the rebuild from cached token ids takes over; then the files follow."""
    from ragcore.retrieval import lexical
    from ragcore.retrieval.lexical_update import UpdatingTypeIndex

    monkeypatch.setattr(lexical, "BACKGROUND_FROM", 1)  # the 100k path, with a few cards
    store = CardStore.open(settings)
    metric = SummaryType.METRIC
    old = Card(paper_id="p1", summary_type=metric, text="Top-1 accuracy on ImageNet")
    store.upsert_cards([old, Card(paper_id="p2", summary_type=metric, text="BLEU on WMT14")])
    index_for(store)
    new = Card(paper_id="p1", summary_type=metric, text="Top-5 accuracy on CIFAR")
    store.replace_card(old.card_id, new)
    updating = index_for(store).by_type[metric]
    assert isinstance(updating, UpdatingTypeIndex)
    during = {h.card.card_id: h for h in index_for(store).search("accuracy CIFAR", metric, 5)}
    assert set(during) == {new.card_id} and during[new.card_id].coverage == 1.0
    rebuilt = updating.settled()
    after = {h.card.card_id: h for h in rebuilt.search(tokenize("accuracy CIFAR"), 5)}
    assert set(after) == {new.card_id}
    assert index_for(store).search("ImageNet", metric, 5) == []
    lexical.wait_persisted()
    store2 = CardStore.open(settings)
    reopened = index_for(store2).by_type[metric]
    assert isinstance(reopened, TypeIndex)
    assert isinstance(reopened.token_ids, np.memmap)  # files current
