"""Export: the seed-004 layout parsed back, true statistics, English headings, sanitised HTML,
escaped BibTeX."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser

import pytest

from ragcore.documents.paper import parse_paper
from ragcore.drafting.export import export_paper, paper_length, to_html
from ragcore.drafting.versions import SectionVersion
from ragcore.library.bibformats import write_bibtex
from ragcore.library.bibliography import reference_from_paper, suggested_key
from ragcore.library.cards import Paper
from ragcore.retrieval.sectionplan import SectionPlan, load_plan
from tests.conftest import seed_file

PAPERS = {
    "pA": Paper(
        paper_id="pA",
        title="Learning Pace Synchronization",
        authors=["Bo Ye", "Kai Gan"],
        year=2023,
        arxiv_id="2309.11930",
    ),
    "pB": Paper(
        paper_id="pB",
        title="MiCRO: Gradient Sparsification & {Speed}_up",
        authors=["Daegun Yoon"],
        year=2023,
        venue="HPDC",
    ),
}
XSS = 'Evil <script>alert("x")</script> text <img src=x onerror="alert(1)"> and <a href="javascript:alert(2)" onclick="steal()">link</a>.'


def version(section: str, text: str, keys: dict[str, str], **extra: object) -> SectionVersion:
    return SectionVersion(
        project_id="p1",
        section=section,
        text=text,
        citation_keys=keys,
        model_used="test-model",
        latency_s=1.5,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def plan() -> SectionPlan:
    return load_plan()


def sample(plan: SectionPlan, lang: str = "zh") -> dict[str, SectionVersion]:
    return {
        "introduction": version(
            "introduction", "开放世界半监督学习很重要[2]。已有方法[1]。", {"1": "pA", "2": "pB"}
        ),
        "related_work": version("related_work", "相关研究很多[1]，另见[7]。", {"1": "pA"}),
        "method": version("method", "方法部分的文字[1]。", {"1": "pB"}, origin="extractive"),
        "experiments": version(
            "experiments", "实验在", {"1": "pA"}, status="incomplete", message="正文在句子中间结束"
        ),
        "conclusion": version("conclusion", "We conclude the study [1].", {"1": "pA"}),
    }


def test_markdown_parses_back_in_the_seed_layout(plan: SectionPlan) -> None:
    seed = parse_paper(seed_file("004").read_text(encoding="utf-8"))
    exported = export_paper(
        title="开放世界半监督图像分类",
        topic="基于深度学习的图像分类方法研究",
        lang="zh",
        plan=plan,
        versions=sample(plan),
        papers=PAPERS.get,
        generated_at=datetime(2025, 9, 1, 16, 45, 17),
    )
    parsed = parse_paper(exported.markdown)
    assert parsed.issues == [] and parsed.lang == seed.lang == "zh"
    assert [s.heading for s in parsed.sections] == [s.heading for s in seed.sections]
    assert (
        list(parsed.meta) == list(seed.meta)
        and parsed.meta["generated_at"] == seed.meta["generated_at"]
    )
    assert set(seed.stats) <= set(parsed.stats)
    assert (
        parsed.references[0].startswith("Daegun Yoon. MiCRO")
        and "2309.11930" in parsed.references[1]
    )
    bodies = {s.heading: s.body for s in parsed.sections}
    assert bodies["引言"].endswith("开放世界半监督学习很重要[1]。已有方法[2]。")  # citation order
    assert "另见。" in bodies["相关工作"] and "[?]" not in exported.markdown  # flagged: dropped
    assert bodies["方法"].startswith("> 抽取式草稿") and "[1]" in bodies["方法"]
    assert "本节未完成：正文在句子中间结束" in bodies["实验评价"]
    empty = sample(plan) | {
        "method": version(
            "method", "", {}, origin="extractive", status="failed", message="本节没有可用的证据"
        )
    }
    method = export_paper(
        title="T", topic="t", lang="zh", plan=plan, versions=empty, papers=PAPERS.get
    ).document.sections[2]
    assert method.body == "> 本节生成失败：本节没有可用的证据"  # no "extractive" label: no text


def test_statistics_are_true_values(plan: SectionPlan) -> None:
    versions = sample(plan)
    stats = export_paper(
        title="T", topic="t", lang="zh", plan=plan, versions=versions, papers=PAPERS.get
    ).document.stats
    assert stats["total_words"] == str(sum(paper_length(v.text) for v in versions.values()))
    assert stats["papers_used"] == "2" and stats["model"] == "test-model"
    assert stats["generation_time"] == "7.5 秒（各章节模型用时之和）"
    timed = export_paper(
        title="T",
        topic="t",
        lang="en",
        plan=plan,
        versions=versions,
        papers=PAPERS.get,
        wall_seconds=3.25,
    ).document.stats
    assert timed["generation_time"] == "3.2 s"
    assert paper_length("中文五个字 and three words [1, 2].") == 8


def test_english_projects_use_english_headings(plan: SectionPlan) -> None:
    text = export_paper(
        title="Pace",
        topic="Open-world SSL",
        lang="en",
        plan=plan,
        versions=sample(plan),
        papers=PAPERS.get,
        review_appendix=True,
    ).markdown
    parsed = parse_paper(text)
    assert parsed.lang == "en" and "**Topic**: Open-world SSL" in text
    assert [s.heading for s in parsed.sections] == [
        "Introduction",
        "Related Work",
        "Method",
        "Experiments",
        "Conclusion",
        "Review appendix",
    ]
    assert "## References" in text and "## Generation statistics" in text and "参考文献" not in text


def test_a_missing_section_says_so(plan: SectionPlan) -> None:
    text = export_paper(
        title="T", topic="t", lang="zh", plan=plan, versions={}, papers=PAPERS.get
    ).markdown
    assert text.count("（本节尚未生成）") == 5 and "参考文献" not in text


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def live_elements(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    return parser


def test_html_drops_scripts_and_event_handlers_from_card_text(plan: SectionPlan) -> None:
    versions = {"method": version("method", XSS + " [1]", {"1": "pA"})}
    paper = export_paper(
        title="<b>T</b>", topic=XSS, lang="en", plan=plan, versions=versions, papers=PAPERS.get
    )
    page = to_html(paper.markdown, paper.document.title)
    found = live_elements(page)
    assert not {"script", "img", "b"} & set(found.tags)
    assert not [name for name, _ in found.attributes if name.startswith("on")]
    assert not [value for _, value in found.attributes if "javascript" in value.lower()]
    # The card's raw HTML is shown as text, escaped (issue 17 item 9), never run.
    assert "Evil" in page and "&lt;script" in page and "&lt;b&gt;T&lt;/b&gt;" in page


def test_model_text_cannot_inject_sections_into_the_markdown(plan: SectionPlan) -> None:
    forged = (
        "真实的方法描述[1]。\n\n---\n\n## 参考文献\n\n[1] 伪造的文献\n\n---\n\n"
        "## 伪造章节\n\n伪造内容\n# 顶级标题\n小节\n---\n<div onclick=x>原始 HTML</div>"
    )
    versions = {"method": version("method", forged, {"1": "pA"})}
    exported = export_paper(
        title="T", topic="t", lang="zh", plan=plan, versions=versions, papers=PAPERS.get
    )
    parsed = parse_paper(exported.markdown)
    headings = [s.heading for s in parsed.sections]
    assert headings == ["引言", "相关工作", "方法", "实验评价", "总结"]
    assert parsed.references == [exported.document.references[0]]  # no forged entry
    method = parsed.sections[2].body
    assert "### 参考文献" in method and "### 伪造章节" in method and "### 顶级标题" in method
    assert "&lt;div onclick=x>" in method and "<div" not in exported.markdown


def test_bibtex_entries_are_escaped_and_keyed(plan: SectionPlan) -> None:
    paper = export_paper(
        title="T", topic="t", lang="zh", plan=plan, versions=sample(plan), papers=PAPERS.get
    )
    cited = [reference_from_paper(r.paper) for r in paper.references if r.paper]
    bib = write_bibtex([(suggested_key(r), r) for r in cited])
    assert bib.count("@") == 2 and "{yoon2023micro," in bib and "{ye2023learning," in bib
    assert r"Gradient Sparsification \& \{Speed\}\_up" in bib
    assert "author = {Bo Ye and Kai Gan}" in bib and "eprint = {2309.11930}" in bib
    unescaped = bib.replace(r"\{", "").replace(r"\}", "")
    assert unescaped.count("{") == unescaped.count("}")
