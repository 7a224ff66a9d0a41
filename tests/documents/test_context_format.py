from ragcore.documents.section_context import (
    ContextCard,
    ContextDocument,
    Excerpt,
    SectionContext,
    TrendBlock,
    TypeBlock,
    parse_context,
    render_context,
    render_section_body,
)
from ragcore.library.cards import SummaryType
from tests.conftest import seed_file


def _seed(prefix: str) -> str:
    return seed_file(prefix).read_text(encoding="utf-8")


def _shape(document: ContextDocument) -> list[tuple[str, list[str]]]:
    return [
        (block.summary_type.value, [card.paper_id for card in block.cards])
        for section in document.sections
        for block in section.type_blocks
    ]


def test_seed_000_conclusion_context() -> None:
    document = parse_context(_seed("000"))
    assert document.issues == [] and document.lang == "zh"
    (section,) = document.sections
    assert section.section == "总结"
    assert section.title == "生成论文总结部分的参考资料"
    assert section.stated_length == 5059
    assert _shape(document) == [
        ("conclusion", ["3688609", "3688609", "3701997"]),
        ("resultanalysis", ["3577193.3593714", "3577193.3593714", "2309.11930v2"]),
        ("innovations", ["3688609", "3688609", "2309.11930v2"]),
    ]
    assert [t.summary_type for t in section.trends] == [SummaryType.INNOVATIONS]
    assert section.trends[0].lines[0] == "技术趋势: 优化技术广泛应用"
    assert len(section.requirements) == 5 and section.requirements[3] == "字数控制在800-1200字之间"
    assert section.excerpts == []


def test_seed_002_has_source_excerpts_with_multi_line_fragments() -> None:
    (section,) = parse_context(_seed("002")).sections
    (excerpt,) = section.excerpts
    assert (excerpt.paper_id, excerpt.section) == ("3688609", "方法")
    assert len(excerpt.fragments) == 2
    assert excerpt.fragments[0].startswith("2 Deep Learning Acceleration Stack\n2.1 Motivation\n")
    assert excerpt.fragments[1].endswith("meaning tha...")


def test_seed_003_card_headings_inside_texts_are_not_type_sections() -> None:
    document = parse_context(_seed("003"))
    assert document.issues == []
    assert _shape(document) == [
        ("background", ["0728", "0728", "3650200.3656620"]),
        ("challenges", ["0728", "0728", "3650200.3656620"]),
        ("innovations", ["3656019.3676895", "3656019.3676895", "3577193.3593710"]),
        ("methodology", ["3656019.3676895", "3656019.3676895", "3577193.3593710"]),
    ]
    challenges = document.sections[0].type_blocks[1].cards[0].text
    assert challenges.startswith("### 核心挑战总结：\n\n#### 挑战一")
    template = document.sections[0].type_blocks[2].cards[0].text
    assert "## 论文内容" in template and "## 引言" in template  # kept as card text
    assert document.sections[0].requirements == []


def _section(name: str) -> SectionContext:
    return SectionContext(
        section=name,
        title="生成论文方法部分的参考资料",
        type_blocks=[
            TypeBlock(
                SummaryType.METHODOLOGY,
                [
                    ContextCard("3688609", "方法概述：\n### 核心挑战总结：\n- 一", "1", 0.82),
                    ContextCard("CAPTURE_X_Y_Z", "We partition layers. Then we profile.", "2"),
                ],
            ),
            TypeBlock(SummaryType.EXPEDESIGN, [ContextCard("p3", "实验设计。")]),
        ],
        trends=[TrendBlock(SummaryType.METHODOLOGY, ["深度学习 — 在 2/3 篇论文中出现 (67%)"])],
        excerpts=[Excerpt("3688609", name, ["First sentence.\nSecond line.", "另一段。"])],
        requirements=["基于以上参考资料生成论文的方法部分", "字数控制在800-1200字之间"],
    )


def test_round_trip_with_citations_relevance_and_several_sections() -> None:
    for lang in ("zh", "en"):
        document = ContextDocument([_section("方法"), _section("引言")], lang=lang)
        text = render_context(document)
        parsed = parse_context(text)
        assert parsed == document, lang
        assert parsed.issues == []
        for section in parsed.sections:
            assert section.stated_length == len(render_section_body(section, lang))


def test_english_labels() -> None:
    text = render_context(ContextDocument([_section("Method")], lang="en"))
    for label in (
        "Structured RAG context",
        "[Method section context]",
        "Context length: ",
        "### Methodology summaries",
        "**Summary 1** (source: 3688609, relevance: 0.82) [1]:",
        "### Research trends",
        "**Methodology trends**:",
        "### Source excerpts",
        "**Paper 3688609 - Method section**:",
        "Excerpt 1: First sentence.",
        "### Writing requirements",
    ):
        assert label in text, label


def test_card_headers_with_and_without_citation_keys() -> None:
    text = (
        "结构化RAG上下文\n====\n【方法 部分的上下文】\n----\n上下文长度：10 字符\n\n上下文内容：\n"
        "### Methodology 总结\n**总结1** (来源: 3688609) [1]:\n甲。\n\n"
        "**总结2** (来源: p2):\n乙。\n\n**总结3** （来源：p3，相关度：0.5） [K3]：\n丙。\n"
    )
    cards = parse_context(text).sections[0].type_blocks[0].cards
    assert [(c.paper_id, c.citation, c.relevance, c.text) for c in cards] == [
        ("3688609", "1", None, "甲。"),
        ("p2", "", None, "乙。"),
        ("p3", "K3", 0.5, "丙。"),
    ]


def test_a_context_cut_off_mid_card_drops_that_card_and_says_where() -> None:
    text = _seed("003")
    cut_at = text.index("CMLCompiler编译器框架")  # inside the last Innovations card
    document = parse_context(text[:cut_at])
    innovations = document.sections[0].type_blocks[2]
    assert [c.paper_id for c in innovations.cards] == ["3656019.3676895", "3656019.3676895"]
    (issue,) = document.issues
    assert "cut off" in issue.message
    assert issue.line == text[:cut_at].splitlines().index("**总结3** (来源: 3577193.3593710):") + 1


def test_text_without_section_header_is_reported() -> None:
    document = parse_context("结构化RAG上下文\n随便写点什么")
    assert document.sections == []
    assert document.issues[0].line == 1
