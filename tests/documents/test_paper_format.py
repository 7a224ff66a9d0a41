from ragcore.documents.paper import PaperDocument, PaperSection, parse_paper, render_paper
from tests.conftest import seed_file


def _seed() -> str:
    return seed_file("004").read_text(encoding="utf-8")


def test_seed_paper_structure() -> None:
    paper = parse_paper(_seed())
    assert paper.issues == [] and paper.lang == "zh"
    assert paper.title == "基于RAG的论文生成"
    assert paper.meta == {
        "generated_at": "2025年09月01日 16:45:17",
        "topic": "基于深度学习的图像分类方法研究",
    }
    assert [s.heading for s in paper.sections] == ["引言", "相关工作", "方法", "实验评价", "总结"]
    assert paper.sections[2].body.endswith("当检测到新类别")  # the seed's cut-off sentence
    assert paper.references == []
    assert paper.stats == {"total_words": "N/A", "generation_time": "N/A", "papers_used": "N/A"}


def test_rendering_the_parsed_seed_reproduces_it_byte_for_byte() -> None:
    text = _seed()
    assert render_paper(parse_paper(text)) == text


def _paper(lang: str) -> PaperDocument:
    return PaperDocument(
        title="Open-world semi-supervised learning" if lang == "en" else "开放世界半监督学习",
        meta={
            "generated_at": "2026-01-02 10:00",
            "topic": "图像分类",
            "model": "offline/extractive",
        },
        sections=[
            PaperSection(
                "引言" if lang == "zh" else "Introduction",
                "第一段[1]。\n\n### 1.1 小节\n\n---\n\n正文。",
            ),
            PaperSection("方法" if lang == "zh" else "Method", "We propose LPS [2].\n\n- item"),
        ],
        references=["Li, X. Learning pace synchronization. 2023.", "DLAS. ACM, 2024."],
        stats={"total_words": "1234", "papers_used": "2", "model": "offline/extractive"},
        lang=lang,
    )


def test_round_trip_with_references_in_both_languages() -> None:
    for lang in ("zh", "en"):
        paper = _paper(lang)
        assert parse_paper(render_paper(paper)) == paper, lang


def test_english_headings() -> None:
    text = render_paper(_paper("en"))
    assert "> **Generated at**: 2026-01-02 10:00  \n> **Topic**: 图像分类" in text
    assert "\n## References\n\n[1] Li, X." in text
    assert "\n## Generation statistics\n\n- **Total length**: 1234" in text
    zh = render_paper(_paper("zh"))
    assert "\n## 参考文献\n\n[1] " in zh and "- **使用的论文数量**: 2" in zh


def test_missing_title_is_reported() -> None:
    paper = parse_paper("no title here\n\n---\n\n## 引言\n\n正文")
    assert paper.title == "" and paper.issues and paper.sections[0].heading == "引言"
