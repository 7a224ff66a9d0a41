from __future__ import annotations

from pathlib import Path

from ragcore.ingest.formats import parse_file
from ragcore.ingest.metadata import extract_paper
from ragcore.ingest.sections import split_sections
from tests.conftest import PAPERS
from tests.ingest import samples


def _paper(path: Path):  # type: ignore[no-untyped-def]
    doc = parse_file(path)
    return extract_paper(doc, split_sections(doc))


def test_markdown_metadata_and_slug_id(en_markdown: Path) -> None:
    paper = _paper(en_markdown)
    assert paper.title == samples.EN_TITLE
    assert paper.authors == ["Ann Lee", "Bo Chen"]
    assert paper.lang == "en"
    assert paper.paper_id.startswith("graphmix-mixing-node-features-for-")


def test_id_changes_with_content_but_not_with_file_name(tmp_path: Path, en_markdown: Path) -> None:
    copy = tmp_path / "copy.md"
    copy.write_bytes(en_markdown.read_bytes())
    assert _paper(copy).paper_id == _paper(en_markdown).paper_id
    copy.write_text(en_markdown.read_text() + "\nOne more sentence.\n")
    assert _paper(copy).paper_id != _paper(en_markdown).paper_id


def test_identifiers_come_from_the_head_not_the_references(tmp_path: Path) -> None:
    text = samples.markdown_text().replace(
        "Authors: Ann Lee, Bo Chen", "Authors: Ann Lee\n\nDOI: 10.5555/abc.123"
    )
    text += "\n[2] Other paper, arXiv:1901.00001.\n"
    path = tmp_path / "p.md"
    path.write_text(text)
    paper = _paper(path)
    assert paper.doi == "10.5555/abc.123" and paper.arxiv_id == ""
    assert paper.paper_id == "doi:10.5555/abc.123"


def test_jats_and_chinese(tmp_path: Path, zh_text: Path) -> None:
    xml = tmp_path / "a.nxml"
    xml.write_text(samples.jats_text())
    paper = _paper(xml)
    assert (paper.year, paper.venue, paper.paper_id) == (
        2021,
        "Journal of Graph Learning",
        "doi:10.1234/jgl.2021.001",
    )
    zh = _paper(zh_text)
    assert zh.lang == "zh" and zh.title == samples.ZH_TITLE


def test_arxiv_papers_get_their_arxiv_id() -> None:
    path = PAPERS / "arxiv-2212.11858.md"
    if path.exists():
        paper = _paper(path)
        assert (paper.paper_id, paper.year) == ("arxiv:2212.11858", 2022)
        assert paper.authors[0] == "Yaqi Hu"


def test_latex_accents_in_an_author_line_become_letters() -> None:
    paper = _paper(PAPERS / "arxiv-2212.11765.md")  # "Authors: ..., Michael F\\"arber"
    assert paper.authors[-1] == "Michael Färber"


def test_markdown_abstract_and_chinese_keywords_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "zh.md"
    path.write_text(
        "# 多模态知识图谱推荐\n\n作者：郜帅，侯心迪\n\n## 摘要\n\n本文提出一种多模态推荐方法。"
        "实验表明方法有效。\n\n**关键词**：多模态；知识图谱，推荐系统\n\n## 1 引言\n\n"
        "推荐系统很重要。\n\n## 2 结论\n\n本文有效。\n",
        encoding="utf-8",
    )
    paper = _paper(path)
    assert paper.abstract == "本文提出一种多模态推荐方法。实验表明方法有效。"
    assert paper.keywords == ["多模态", "知识图谱", "推荐系统"]


def test_nothing_is_invented_when_a_paper_prints_no_abstract_or_keywords(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bare.md"
    path.write_text("# A Title\n\n## Introduction\n\nText here.\n\n## Conclusion\n\nDone.\n")
    paper = _paper(path)
    assert (paper.abstract, paper.keywords) == ("", [])


def test_jats_abstract_and_keyword_group(tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_text(
        "<article><front><article-meta><title-group><article-title>Hedgehog in HNSCC"
        "</article-title></title-group><abstract><p>We study Hedgehog.</p><p>It matters."
        "</p></abstract><kwd-group><kwd>Hedgehog signaling</kwd><kwd>HNSCC</kwd></kwd-group>"
        "</article-meta></front><body><sec><title>Introduction</title><p>Text.</p></sec>"
        "</body></article>"
    )
    paper = _paper(path)
    assert paper.abstract == "We study Hedgehog. It matters."
    assert paper.keywords == ["Hedgehog signaling", "HNSCC"]


def test_latex_keywords_environment_and_abstract(tmp_path: Path) -> None:
    path = tmp_path / "p.tex"
    path.write_text(
        "\\documentclass{article}\\title{Green GEC}\\author{Ann Lee}\\begin{document}"
        "\\maketitle\\begin{abstract}We measure energy.\\end{abstract}"
        "\\begin{IEEEkeywords}grammatical error correction, energy\\end{IEEEkeywords}"
        "\\section{Introduction}Text.\\section{Conclusion}Done.\\end{document}"
    )
    paper = _paper(path)
    assert paper.keywords == ["grammatical error correction", "energy"]
    assert paper.abstract == "We measure energy."
