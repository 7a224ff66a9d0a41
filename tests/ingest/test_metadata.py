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
