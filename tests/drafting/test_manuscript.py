"""Manuscript exports read back by real readers: DOCX with python-docx, LaTeX and its .bib with
bibtexparser, HTML with the standard parser; GB/T 7714 entries checked by hand against the
standard's examples (journal, conference, preprint, thesis; Chinese and English)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import docx
import pytest
from bibtexparser.entrypoint import parse_string

from ragcore.documents.paper import PaperDocument, PaperSection, parse_paper
from ragcore.drafting.manuscript import (
    CitedWork,
    FrontMatter,
    Manuscript,
    reference_entries,
    render_export,
)
from ragcore.drafting.styles import add_user_style, check_csl, get_style, list_styles
from ragcore.errors import InputError
from ragcore.library.bibliography import Reference

GAO = Reference(
    paper_id="p-gao",
    title="多模态网络环境异构标识空间管控架构研究",
    authors=["郜帅", "侯心迪", "刘宁春", "张宏科"],
    year=2022,
    venue="通信学报",
    volume="43",
    issue="4",
    pages="1-14",
)
NASSAR = Reference(
    paper_id="p-nassar",
    type="paper-conference",
    title="TableFormer: Table Structure Understanding with Transformers",
    authors=["Nassar, Ahmed", "Livathinos, Nikolaos", "Lysak, Maksym", "Staar, Peter"],
    year=2022,
    venue="Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition",
    pages="4614-4623",
)
VASWANI = Reference(
    paper_id="p-vaswani",
    type="article",
    title="Attention Is All You Need",
    authors=["Ashish Vaswani"],
    year=2017,
    arxiv_id="arXiv:1706.03762v7",
)
WANG = Reference(
    paper_id="p-wang",
    type="thesis",
    title="基于深度学习的图像分类研究",
    authors=["王明"],
    year=2020,
    venue="清华大学",
    place="北京",
)
LECUN = Reference(
    paper_id="p-lecun",
    title="Deep learning",
    authors=["LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey"],
    year=2015,
    venue="Nature",
    volume="521",
    issue="7553",
    pages="436-444",
    doi="https://doi.org/10.1038/nature14539",
)
WORKS = [
    CitedWork("gao2022duomotai", GAO),
    CitedWork("nassar2022tableformer", NASSAR),
    CitedWork("vaswani2017attention", VASWANI),
    CitedWork("wang2020jiyu", WANG),
    CitedWork("lecun2015deep", LECUN),
]
# Hand-checked against GB/T 7714-2015 (顺序编码制): 主要责任者 (three, then 等 / et al.;
# English family names in capitals, given names as initials). 题名[文献类型标识, /OL when
# read online: a DOI or URL]. 出处.
GB_T = {
    "gao2022duomotai": "郜帅, 侯心迪, 刘宁春, 等. 多模态网络环境异构标识空间管控架构研究[J]. 通信学报, 2022, 43(4): 1-14.",
    "nassar2022tableformer": "NASSAR A, LIVATHINOS N, LYSAK M, et al. TableFormer: Table Structure Understanding with Transformers[C]//Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition. 2022: 4614-4623.",
    "vaswani2017attention": "VASWANI A. Attention Is All You Need[A/OL]. (2017). https://arxiv.org/abs/1706.03762.",
    "wang2020jiyu": "王明. 基于深度学习的图像分类研究[D]. 北京: 清华大学, 2020.",
    "lecun2015deep": "LECUN Y, BENGIO Y, HINTON G. Deep learning[J/OL]. Nature, 2015, 521(7553): 436-444. DOI:10.1038/nature14539.",
}


def manuscript(lang: str = "zh", works: list[CitedWork] = WORKS) -> Manuscript:
    sections = [
        PaperSection(
            "引言" if lang == "zh" else "Introduction", "已有研究[1, 2]。又见[3]与[4, ?]。"
        ),
        PaperSection("讨论" if lang == "zh" else "Discussion", "深度学习[5]改变了领域[1]。"),
    ]
    front = FrontMatter("测试论文", "摘要文本。", ["多模态", "标识"])
    return Manuscript(front, lang, sections, works, PaperDocument("测试论文", sections=sections))


def style(name: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return get_style(tmp_path, name)


def test_gb_t_7714_entries_match_the_hand_checked_ones(tmp_path: Path) -> None:
    entries = reference_entries(manuscript(), style("gb-t-7714", tmp_path))
    assert entries == GB_T


def test_english_paper_in_gb_t_keeps_deng_for_chinese_authors(tmp_path: Path) -> None:
    entries = reference_entries(manuscript("en"), style("gb-t-7714-2015", tmp_path))
    assert entries["gao2022duomotai"].startswith("郜帅, 侯心迪, 刘宁春, 等.")
    assert entries["nassar2022tableformer"].startswith("NASSAR A, LIVATHINOS N, LYSAK M, et al.")


def test_docx_reads_back_with_headings_markers_and_entries_in_order(tmp_path: Path) -> None:
    exported = render_export(manuscript(), "docx", style("gb-t-7714", tmp_path), "paper")
    document = docx.Document(BytesIO(exported.data))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    headings = [text for name, text in paragraphs if name == "Heading 1"]
    assert headings == ["引言", "讨论", "参考文献"]
    assert ("Title", "测试论文") in paragraphs
    body = "\n".join(
        text for name, text in paragraphs if "Paragraph" in name or name == "Body Text"
    )
    assert (
        "已有研究[1,2]" in body and "又见[3]与[4][?]" in body and "深度学习[5]改变了领域[1]" in body
    )
    entries = [text for name, text in paragraphs if name == "Bibliography"]
    assert [re.sub(r"^\[(\d+)\]\s*", "", e) for e in entries] == list(GB_T.values())
    assert [e.split("]")[0] for e in entries] == ["[1", "[2", "[3", "[4", "[5"]


def test_apa_is_author_year_sorted_by_author(tmp_path: Path) -> None:
    exported = render_export(manuscript("en"), "docx", style("apa", tmp_path), "paper")
    document = docx.Document(BytesIO(exported.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(LeCun et al., 2015;" in text or "(LeCun et al., 2015)" in text
    entries = [p.text for p in document.paragraphs if p.style and p.style.name == "Bibliography"]
    assert entries[0].startswith("LeCun, Y., Bengio, Y., & Hinton, G. (2015). Deep learning.")
    latin = [e for e in entries if e[0].isascii()]
    assert latin == sorted(latin)


def test_latex_cites_only_keys_of_its_bib(tmp_path: Path) -> None:
    exported = render_export(manuscript(), "tex", style("ieee", tmp_path), "paper")
    tex = exported.data.decode("utf-8")
    assert re.findall(r"\\section\{([^}]*)\}", tex) == ["引言", "讨论"]
    assert "\\documentclass" in tex and "ctexart" in tex and "\\bibliography{paper}" in tex
    cited = {
        k.strip() for group in re.findall(r"\\cite[pt]?\{([^}]*)\}", tex) for k in group.split(",")
    }
    library = parse_string(exported.companions["paper.bib"].decode("utf-8"))
    assert not library.failed_blocks
    keys = {entry.key for entry in library.entries}
    assert cited == keys == {w.key for w in WORKS}
    gao = next(e for e in library.entries if e.key == "gao2022duomotai")
    assert gao["journal"] == "通信学报" and gao["pages"] == "1--14"
    assert (
        next(e for e in library.entries if e.key == "lecun2015deep")["doi"] == "10.1038/nature14539"
    )


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(n, v or "") for n, v in attrs]


def test_html_is_styled_for_cjk_and_inert(tmp_path: Path) -> None:
    hostile = Manuscript(
        FrontMatter("<b>T</b>"),
        "zh",
        [
            PaperSection(
                "引言",
                "文字[1] <script>alert(1)</script> ![x](http://example.invalid/x.png) "
                "[link](javascript:alert(2)) \\input{/etc/passwd} [@lecun2015deep]",
            )
        ],
        WORKS[:1],
        PaperDocument("T"),
    )
    page = render_export(hostile, "html", style("gb-t-7714", tmp_path), "p").data.decode("utf-8")
    parsed = _Page()
    parsed.feed(page)
    assert not {"script", "img", "b", "iframe"} & set(parsed.tags)
    assert not [v for _, v in parsed.attributes if "javascript" in v or "example.invalid" in v]
    assert "Noto Serif CJK SC" in page and "@media print" in page
    assert "郜帅, 侯心迪, 刘宁春, 等." in page
    assert "lecun" not in page.split("<body")[1].lower().replace("@lecun2015deep", "")
    tex = render_export(hostile, "tex", style("gb-t-7714", tmp_path), "p").data.decode("utf-8")
    assert not re.search(r"(?<!textbackslash )\\input\{", tex) and "\\textbackslash input" in tex


def test_markdown_keeps_the_seed_layout_with_styled_entries(tmp_path: Path) -> None:
    text = render_export(manuscript(), "md", style("gb-t-7714", tmp_path), "p").data.decode()
    parsed = parse_paper(text)
    assert [s.heading for s in parsed.sections] == ["引言", "讨论"]
    assert parsed.references == list(GB_T.values())


def test_missing_metadata_shows_what_is_known(tmp_path: Path) -> None:
    bare = [
        CitedWork("ref230911930v2", Reference(paper_id="2309.11930v2", arxiv_id="2309.11930v2")),
        CitedWork("ref0728", Reference(paper_id="0728")),
        CitedWork("note3", None, "项目笔记（非文献）"),
    ]
    works = Manuscript(
        FrontMatter("T"), "zh", [PaperSection("引言", "a[1] b[2] c[3]")], bare, PaperDocument("T")
    )
    for fmt in ("md", "docx", "tex", "html", "bib"):
        assert render_export(works, fmt, style("gb-t-7714", tmp_path), "p").data
    entries = reference_entries(works, style("gb-t-7714", tmp_path))
    assert "arxiv.org/abs/2309.11930" in entries["ref230911930v2"]
    assert entries["ref0728"].startswith("0728")
    assert bare[0].reference is not None
    assert bare[0].reference.missing() == ["title", "authors", "year", "venue"]


def test_pdf_is_printed_from_the_html_or_refused_plainly(tmp_path: Path) -> None:
    import shutil

    if shutil.which("chromium") is None:
        with pytest.raises(InputError, match="Chromium"):
            render_export(manuscript(), "pdf", style("gb-t-7714", tmp_path), "p")
        return
    data = render_export(manuscript(), "pdf", style("gb-t-7714", tmp_path), "p").data
    assert data.startswith(b"%PDF-") and len(data) > 5000


# ------------------------------------------------------------------------------ styles


def test_every_shipped_style_renders(tmp_path: Path) -> None:
    for shipped in list_styles(tmp_path):
        entries = reference_entries(manuscript("en"), shipped)
        assert set(entries) == {w.key for w in WORKS}, shipped.style_id
        assert all(entries.values()), shipped.style_id


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just some text", "not well-formed XML"),
        ("<html><body>hi</body></html>", "not a CSL style"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "no DOCTYPE"),
        (
            '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><citation/></style>',
            "no <bibliography>",
        ),
    ],
)
def test_a_file_that_is_not_csl_is_refused_plainly(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        add_user_style(tmp_path, "mine.csl", text)
    assert not list((tmp_path / "csl").glob("*.csl")) if (tmp_path / "csl").exists() else True


def test_a_user_csl_file_is_kept_and_used(tmp_path: Path) -> None:
    source = get_style(tmp_path, "nature").path.read_text(encoding="utf-8")
    added = add_user_style(tmp_path, "My Journal.csl", source)
    assert added.style_id == "user:my-journal" and check_csl(source, "x") == added.label
    assert get_style(tmp_path, "user:my-journal").path.exists()
    entries = reference_entries(manuscript("en"), get_style(tmp_path, "my-journal"))
    assert entries["lecun2015deep"].startswith("LeCun, Y., Bengio, Y. & Hinton, G. Deep learning.")
    with pytest.raises(InputError, match="unknown citation style"):
        get_style(tmp_path, "chicago")
