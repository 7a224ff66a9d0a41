"""Every supported format parses into the same sections; bad files give plain reasons."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from ragcore.errors import InputError
from ragcore.ingest.formats import collect_files, parse_file
from ragcore.ingest.sections import split_sections
from tests.ingest import samples

EXPECTED_EN = [
    ("Abstract", "abstract"),
    ("1 Introduction", "introduction"),
    ("2 Related Work", "related work"),
    ("3 Method", "method"),
    ("3.1 Mixing Module", "method"),
    ("4 Experiments", "experiments"),
    ("5 Results", "results"),
    ("6 Conclusion", "conclusion"),
    ("References", "references"),
]
EXPECTED_ZH = [
    ("摘要", "abstract"),
    ("一、引言", "introduction"),
    ("二、相关工作", "related work"),
    ("三、方法", "method"),
    ("（一）模型结构", "method"),
    ("四、实验", "experiments"),
    ("五、结果与分析", "results"),
    ("六、结论", "conclusion"),
    ("参考文献", "references"),
]


def _headings(path: Path) -> list[tuple[str, str]]:
    return [(s.heading, s.role) for s in split_sections(parse_file(path)) if s.heading]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_markdown_and_plain_text_give_the_same_sections(tmp_path: Path, en_markdown: Path) -> None:
    plain = _write(tmp_path, "paper.txt", samples.plain_text().encode())
    assert _headings(en_markdown) == EXPECTED_EN
    assert _headings(plain) == EXPECTED_EN


@pytest.mark.parametrize("two_columns", [False, True])
def test_pdf_sections_in_reading_order_without_running_headers(
    tmp_path: Path, two_columns: bool
) -> None:
    path = _write(
        tmp_path,
        "paper.pdf",
        samples.pdf_bytes(two_columns=two_columns, hyphenate="classification"),
    )
    doc = parse_file(path)
    sections = split_sections(doc)
    assert [(s.heading, s.role) for s in sections if s.heading] == EXPECTED_EN
    text = "\n".join(s.text for s in sections)
    assert "Journal of Graph Learning" not in text  # running header removed
    assert "classification" in text and "clas- sification" not in text  # hyphenation joined
    intro = next(s for s in sections if s.role == "introduction")
    assert intro.text.startswith("Node classification is an important problem")


def test_chinese_pdf_sections(tmp_path: Path) -> None:
    data = samples.pdf_bytes(samples.ZH_SECTIONS, title=samples.ZH_TITLE, chinese=True)
    path = _write(tmp_path, "论文.pdf", data)
    assert _headings(path) == EXPECTED_ZH
    method = next(s for s in split_sections(parse_file(path)) if s.heading == "三、方法")
    assert (
        "字符编码模块" in method.text and " " not in method.text
    )  # CJK lines joined without spaces


def test_chinese_plain_text_in_gbk(tmp_path: Path) -> None:
    text = samples.plain_text(samples.ZH_TITLE, samples.ZH_SECTIONS)
    path = _write(tmp_path, "gbk.txt", text.encode("gbk"))
    doc = parse_file(path)
    assert doc.hints["encoding"] == "gbk"
    assert [(s.heading, s.role) for s in split_sections(doc) if s.heading] == EXPECTED_ZH


def test_latex_with_input_beside_it(tmp_path: Path) -> None:
    main = samples.latex_files(tmp_path)
    doc = parse_file(main)
    assert doc.hints["title"] == "GraphMix: Mixing Node Features"
    assert doc.authors == ["Ann Lee", "Bo Chen"]
    got = [(s.heading, s.role) for s in split_sections(doc) if s.heading]
    assert got[:4] == [
        ("Abstract", "abstract"),
        ("Introduction", "introduction"),
        ("Related Work", "related work"),
        ("Method", "method"),
    ]
    assert ("Mixing Module", "method") in got and got[-1] == ("References", "references")
    method = next(s for s in split_sections(doc) if s.heading == "Method")
    assert "two modules" in method.text and "\\label" not in method.text


def test_latex_unbalanced_braces_names_the_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "bad.tex",
        b"\\documentclass{article}\n\\begin{document}\n\\section{Intro\nText.\n\\end{document}\n",
    )
    with pytest.raises(InputError, match=r"line 3: unbalanced braces"):
        parse_file(path)


def test_latex_missing_input_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "main.tex", b"\\begin{document}\n\\input{nothere}\n\\end{document}\n")
    with pytest.raises(InputError, match="nothere"):
        parse_file(path)


def test_jats_metadata_and_sections(tmp_path: Path) -> None:
    path = _write(tmp_path, "paper.nxml", samples.jats_text().encode())
    doc = parse_file(path)
    assert (
        doc.hints["doi"] == "10.1234/jgl.2021.001"
        and doc.hints["venue"] == "Journal of Graph Learning"
    )
    assert doc.authors == ["Ann Lee"]
    assert _headings(path) == EXPECTED_EN


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.pdf", b"", "empty"),
        ("image.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG image"),
        ("broken.pdf", b"%PDF-1.7\n garbage garbage\n%%EOF\n", "damaged"),
        ("notjats.xml", b"<html><body><p>hello</p></body></html>", "not a JATS article"),
        ("broken.xml", b"<article><body>", "not well-formed"),
        ("latin1.txt", "café résumé naïve".encode("latin-1") * 5, "neither UTF-8 nor GBK"),
        ("paper.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_give_plain_reasons(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        parse_file(_write(tmp_path, name, data))


def test_truncated_encrypted_and_scanned_pdfs(tmp_path: Path) -> None:
    good = samples.pdf_bytes()
    with pytest.raises(InputError, match="truncated"):
        parse_file(_write(tmp_path, "cut.pdf", good[: len(good) // 2]))

    doc = pymupdf.open(stream=good, filetype="pdf")
    aes_256 = pymupdf.PDF_ENCRYPT_AES_256  # type: ignore[attr-defined]
    locked = doc.tobytes(encryption=aes_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(InputError, match="password-protected"):
        parse_file(_write(tmp_path, "locked.pdf", locked))

    scan = pymupdf.open()
    page = scan.new_page()
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 200), False)
    pixmap.clear_with(200)
    page.insert_image(page.rect, pixmap=pixmap)
    with pytest.raises(InputError, match="no text layer"):
        parse_file(_write(tmp_path, "scan.pdf", scan.tobytes()))


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: instant to create
    with pytest.raises(InputError, match=r"50\.0 MB, larger than the 40 MB limit"):
        parse_file(path)


def test_folders_are_walked_for_known_types(tmp_path: Path, en_markdown: Path) -> None:
    (en_markdown.parent / "sub").mkdir()
    (en_markdown.parent / "sub" / "b.tex").write_text("x")
    (en_markdown.parent / "notes.docx").write_text("x")
    (en_markdown.parent / ".hidden").mkdir()
    (en_markdown.parent / ".hidden" / "c.md").write_text("x")
    found = sorted(p.name for p in collect_files([en_markdown.parent]))
    assert found == ["b.tex", "graphmix.md"]


def test_markdown_wrapped_lines_are_one_paragraph(tmp_path: Path) -> None:
    """Pandoc, Manubot and R Markdown papers wrap at ~72 columns: a soft line break is a space
    (CommonMark), so a sentence is never cut at a line end; list items, tables, display
    formulas and hard breaks keep their lines; links read as their text; a pandoc table
    caption and a lone image are captions, not running text."""
    path = tmp_path / "wrapped.md"
    path.write_text(
        "# Title\n\n## Results\n\ndetection requires a minimum overlap of 2-3 hashes [14]. With the\n"
        "parameters used, this represents approximately\n2-3 kb of matching sequence.\n\n"
        "Archived on OSF [https://osf.io/t3fqa/](https://osf.io/t3fqa/) and\n[sourmash](https://x.org/a_(b)).\n\n"
        "- first item\n  wrapped\n- second item\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "Table: The largest categories in the Sequence\nRead Archive.\n\n"
        "![A figure\ncaption](fig.png){#fig:a}\n\n中文的句子\n折行了。\n\nAuthors: A  \nLicence: B\n\n"
        "[Figure: **Runtime.** Processing time grows with the\nsubjects searched.]\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    body = [b.text for b in doc.blocks if b.heading_level is None and b.kind == "body"]
    assert body[0] == (
        "detection requires a minimum overlap of 2-3 hashes [14]. With the parameters used, "
        "this represents approximately 2-3 kb of matching sequence."
    )
    assert body[1] == "Archived on OSF https://osf.io/t3fqa/ and sourmash."
    assert body[2] == "- first item wrapped\n- second item"
    assert body[3] == "| a | b |\n|---|---|\n| 1 | 2 |"
    assert body[4:] == ["中文的句子折行了。", "Authors: A\nLicence: B"]
    captions = [b.text for b in doc.blocks if b.kind == "caption"]
    assert captions == [
        "[Table: The largest categories in the Sequence Read Archive.]",
        "[Figure: A figure caption]",
        "[Figure: **Runtime.** Processing time grows with the subjects searched.]",
    ]
    results = next(s for s in split_sections(doc) if s.heading == "Results")
    assert "approximately 2-3 kb" in results.text and "Table:" not in results.text


def test_latex_wrapped_lines_are_one_paragraph(tmp_path: Path) -> None:
    """TeX reads a single line break as a space: a wrapped LaTeX paragraph is whole sentences,
    an `itemize` item keeps its own line."""
    path = tmp_path / "wrapped.tex"
    path.write_text(
        "\\documentclass{article}\n\\begin{document}\n\\section{Introduction}\n"
        "Shotgun sequencing of microbial communities is an important\ntechnique for studying "
        "microbiomes~\\cite{x}. By sampling the genomic\ncontent, it characterizes communities.\n\n"
        "Our contributions are:\n\\begin{itemize}\n\\item a sketch that\nsupports containment;\n"
        "\\item a fast search.\n\\end{itemize}\n\\end{document}\n",
        encoding="utf-8",
    )
    intro = next(s for s in split_sections(parse_file(path)) if s.role == "introduction")
    paragraphs = intro.text.split("\n\n")
    assert paragraphs[0] == (
        "Shotgun sequencing of microbial communities is an important technique for studying "
        "microbiomes. By sampling the genomic content, it characterizes communities."
    )
    assert "a sketch that supports containment;" in intro.text
    assert "\n" not in paragraphs[0]
