from ragcore.documents.listing import (
    Listing,
    ListingCard,
    ListingSection,
    parse_listing,
    render_listing,
)
from ragcore.library.cards import SummaryType
from tests.conftest import seed_file


def _seed_text() -> str:
    return seed_file("001").read_text(encoding="utf-8")


def test_seed_listing_parses_into_ten_types_of_five_cards() -> None:
    listing = parse_listing(_seed_text())
    assert listing.issues == []
    assert listing.topic == "基于深度学习的图像分类方法研究"
    assert [s.summary_type for s in listing.sections][:3] == [
        SummaryType.BACKGROUND,
        SummaryType.CHALLENGES,
        SummaryType.EXPEDESIGN,
    ]
    assert {s.summary_type for s in listing.sections} == set(SummaryType)
    assert [len(s.cards) for s in listing.sections] == [5] * 10
    first = listing.sections[0].cards[0]
    assert first.paper_id.startswith("CAPTURE_Memory-Centric")
    assert first.score == 0.8847
    assert first.source_sections == ["引言"]
    assert first.tags[:2] == ["并行计算 (Parallel Computing)", "硬件加速 (Hardware Acceleration)"]
    assert first.text.startswith("问题背景总结：\n1、研究领域")
    assert first.text.endswith("支持Transformer等内存密集型模型的扩展训练")
    assert first.line == 5


def test_metric_cards_keep_their_markdown_headings_as_text() -> None:
    metric = next(s for s in parse_listing(_seed_text()).sections if s.summary_type == "metric")
    assert metric.cards[0].text.startswith("### 度量指标总结")


def test_rendering_the_parsed_seed_reproduces_it_byte_for_byte() -> None:
    text = _seed_text()
    assert render_listing(parse_listing(text)) == text


def _model(lang: str) -> Listing:
    return Listing(
        topic="graph neural networks" if lang == "en" else "图神经网络",
        lang=lang,
        sections=[
            ListingSection(
                SummaryType.METHODOLOGY,
                [
                    ListingCard(
                        paper_id="2309.11930v2",
                        text="方法概述：\n1、方法名称: LPS  \n\n2、核心思想: 同步学习速度。",
                        score=0.91,
                        source_sections=["方法", "实验评价"],
                        tags=["半监督学习 (Semi-Supervised Learning)"],
                        title="Learning Pace Synchronization",
                        card_id="c0123456789abcde",
                    ),
                    ListingCard(paper_id="p2", text="We propose X.\n\n- step one"),
                ],
            ),
            ListingSection(SummaryType.METRIC, [], note="没有相关度足够的总结"),
        ],
    )


def test_round_trip_chinese_and_english() -> None:
    for lang in ("zh", "en"):
        model = _model(lang)
        text = render_listing(model)
        parsed = parse_listing(text)
        assert parsed == model, lang
        assert parsed.issues == []
    english = render_listing(_model("en"))
    assert english.startswith("Topic: graph neural networks\n")
    assert "[Methodology summaries]" in english and "Relevance: 0.9100" in english


def test_a_listing_cut_off_mid_card_keeps_the_closed_cards_and_names_the_line() -> None:
    text = _seed_text()
    cut = (
        text[: text.index("总结 3：")]
        + "总结 3：\n论文ID：2309.11930v2\n总结内容：\n问题背景总结：半截"
    )
    listing = parse_listing(cut)
    assert len(listing.sections[0].cards) == 2
    assert len(listing.issues) == 1
    issue = listing.issues[0]
    assert issue.line == cut.splitlines().index("总结 3：") + 1
    assert "cut off" in issue.message


def test_problems_are_reported_with_lines_and_good_cards_survive() -> None:
    text = (
        "用户需求：t\n====\n【NOVELTY 类型总结】\n----\n总结 1：\n论文ID：a\n总结内容：\nx\n~~~~\n"
        "====\n【METRIC 类型总结】\n----\n总结 1：\n相关度得分：0.5\n总结内容：\nno paper id\n~~~~\n"
        "总结 2：\n论文ID：b\n相关度得分：high\n总结内容：\ngood card\n~~~~\n"
    )
    listing = parse_listing(text)
    assert [(s.summary_type, [c.paper_id for c in s.cards]) for s in listing.sections] == [
        (SummaryType.METRIC, ["b"])
    ]
    messages = {issue.line: issue.message for issue in listing.issues}
    assert "unknown summary type 'NOVELTY'" in messages[3]
    assert "no 论文ID" in messages[13]
    assert "not a number" in messages[18]
    assert listing.sections[0].cards[0].score is None
