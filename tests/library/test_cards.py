import pytest

from ragcore.library.cards import Card, Origin, SummaryType, content_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BACKGROUND", SummaryType.BACKGROUND),
        ("Background", SummaryType.BACKGROUND),
        ("background", SummaryType.BACKGROUND),
        ("EXPEDESIGN", SummaryType.EXPEDESIGN),
        ("ExpeDesign", SummaryType.EXPEDESIGN),
        ("ResultAnalysis", SummaryType.RESULTANALYSIS),
        ("RELATEDWORK", SummaryType.RELATEDWORK),
        ("实验设计", SummaryType.EXPEDESIGN),
        ("创新点", SummaryType.INNOVATIONS),
        ("Methodology 总结", SummaryType.METHODOLOGY),
    ],
)
def test_seed_spellings_and_chinese_names_parse(raw: str, expected: SummaryType) -> None:
    assert SummaryType.parse(raw) is expected


def test_unknown_type_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="expected one of Background, Challenges"):
        SummaryType.parse("Abstract")


def test_every_type_has_seed_label_and_chinese_name() -> None:
    assert [t.label for t in SummaryType] == [
        "Background",
        "Challenges",
        "Innovations",
        "Methodology",
        "ExpeDesign",
        "Metric",
        "Baseline",
        "ResultAnalysis",
        "RelatedWork",
        "Conclusion",
    ]
    assert all(t.zh for t in SummaryType)


def test_card_id_is_stable_by_content_and_ignores_whitespace() -> None:
    a = Card(paper_id="p1", summary_type="Metric", text="准确率 Top-1。")
    b = Card(paper_id="p1", summary_type="METRIC", text="  准确率   Top-1。 ")
    c = Card(paper_id="p2", summary_type="Metric", text="准确率 Top-1。")
    assert a.card_id == b.card_id == content_id("p1", SummaryType.METRIC, "准确率 Top-1。")
    assert a.card_id != c.card_id
    assert a.origin is Origin.IMPORTED
    assert a.lang == "zh"


def test_empty_text_or_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="text must not be empty"):
        Card(paper_id="p", summary_type="Metric", text="  ")
    with pytest.raises(ValueError, match="paper_id must not be empty"):
        Card(paper_id=" ", summary_type="Metric", text="x")
