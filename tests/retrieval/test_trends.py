from ragcore.library.cards import Card
from ragcore.retrieval.evidence import EvidenceItem
from ragcore.retrieval.trends import card_terms, trend_lines, type_trends


def _items(texts: list[str], pid_of: list[str] | None = None) -> list[EvidenceItem]:
    pids = pid_of or [f"p{n}" for n in range(len(texts))]
    return [
        EvidenceItem(Card(paper_id=p, summary_type="methodology", text=t), 0.5)
        for p, t in zip(pids, texts, strict=True)
    ]


def test_percentages_never_exceed_100_even_with_repeats() -> None:
    # One paper repeating a term many times and across two cards still counts once.
    texts = [
        "deep learning deep learning deep learning",
        "deep learning again",
        "deep learning for graphs",
        "graph transformers",
    ]
    trends = type_trends(_items(texts, ["a", "a", "b", "c"]))
    assert trends and all(0 < t.share <= 1 for t in trends)
    assert trends[0].term == "deep learning" and (trends[0].papers, trends[0].total) == (2, 3)


def test_too_few_papers_make_no_trend() -> None:
    assert type_trends(_items(["deep learning", "deep learning"])) == []


def test_no_single_characters_punctuation_or_stop_words() -> None:
    items = _items(
        [
            "The model's n-gram, 'quoted' and (x) 的 了 在 图像分类。",
            "the model's n-gram 图像分类 的 了 在",
            "图像分类 and n 's",
        ]
    )
    terms = [t.term for t in type_trends(items, top=20)]
    assert "图像分类" in terms
    assert all(len(term) > 1 and term.strip("'.,()") == term for term in terms)
    assert not {"the", "and", "的", "了", "在", "n", "'"} & set(terms)


def test_lines_say_n_of_m_papers() -> None:
    items = _items(["graph neural network", "graph neural network model", "vision"])
    assert trend_lines(type_trends(items), "en") == [
        "graph neural network — in 2 of 3 papers (67%)"
    ]
    assert trend_lines(type_trends(items), "zh") == ["graph neural network — 见于 2/3 篇论文 (67%)"]


def test_chinese_terms_join_adjacent_words() -> None:
    assert "深度学习" in card_terms("基于深度学习的图像分类")
