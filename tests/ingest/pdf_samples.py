"""Small real PDFs written with PyMuPDF, one per heading style (English and Chinese), with a
title block, authors, running header, page numbers, a caption and a footnote; the expected
headings (text, level, role) and metadata come with each."""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

EN_PARAGRAPH = (
    "Graph neural networks learn node representations by passing messages along edges, "
    "and recent work (Shaw et al., 2018) extends them to heterogeneous graphs [12]. "
    "We find that the mixing step improves accuracy on every benchmark we tried, and the "
    "gain grows with the amount of unlabeled data available for training the model."
)
ZH_PARAGRAPH = (
    "图神经网络通过沿边传递消息来学习节点表示，近年来的研究将其推广到异构图。"
    "我们发现混合步骤在所有基准数据集上都提高了准确率，并且随着无标签数据的增加，提升幅度也随之增大。"
)

# style name → (headings as (text, level, role)), language
STYLES: dict[str, tuple[list[tuple[str, int, str]], str]] = {
    "numbered": (
        [
            ("Abstract", 1, "abstract"),
            ("1 Introduction", 1, "introduction"),
            ("2 Related Work", 1, "related work"),
            ("3 Method", 1, "method"),
            ("3.1 Mixing Module", 2, "method"),
            ("4 Experiments", 1, "experiments"),
            ("4.1 Datasets", 2, "experiments"),
            ("5 Conclusion", 1, "conclusion"),
            ("References", 1, "references"),
        ],
        "en",
    ),
    "dotted": (
        [
            ("Abstract", 1, "abstract"),
            ("1. Introduction", 1, "introduction"),
            ("2. Method", 1, "method"),
            ("2.1. Encoder", 2, "method"),
            ("3. Experiments", 1, "experiments"),
            ("4. Conclusion", 1, "conclusion"),
            ("References", 1, "references"),
        ],
        "en",
    ),
    "roman": (
        [
            ("Abstract", 1, "abstract"),
            ("I. INTRODUCTION", 1, "introduction"),
            ("II. METHOD", 1, "method"),
            ("A. Data", 2, "method"),
            ("B. Model", 2, "method"),
            ("III. EXPERIMENTS", 1, "experiments"),
            ("IV. CONCLUSION", 1, "conclusion"),
            ("REFERENCES", 1, "references"),
        ],
        "en",
    ),
    "unnumbered": (
        [
            ("Abstract", 1, "abstract"),
            ("Introduction", 1, "introduction"),
            ("Methods", 1, "method"),
            ("Results", 1, "results"),
            ("Discussion", 1, "discussion"),
            ("Conclusion", 1, "conclusion"),
            ("References", 1, "references"),
        ],
        "en",
    ),
    "zh_chapter": (
        [
            ("摘要", 1, "abstract"),
            ("第1章 引言", 1, "introduction"),
            ("1.1 研究背景", 2, "introduction"),
            ("第2章 方法", 1, "method"),
            ("2.1 模型结构", 2, "method"),
            ("第3章 实验", 1, "experiments"),
            ("第4章 结论", 1, "conclusion"),
            ("参考文献", 1, "references"),
        ],
        "zh",
    ),
    "zh_numerals": (
        [
            ("摘要", 1, "abstract"),
            ("一、引言", 1, "introduction"),
            ("二、方法", 1, "method"),
            ("（一）模型结构", 2, "method"),
            ("三、实验", 1, "experiments"),
            ("四、结论", 1, "conclusion"),
            ("参考文献", 1, "references"),
        ],
        "zh",
    ),
    "zh_spaced": (
        [
            ("摘 要", 1, "abstract"),
            ("０ 引 言", 1, "introduction"),
            ("１ 方 法", 1, "method"),
            ("１.１ 模 型", 2, "method"),
            ("２ 实 验", 1, "experiments"),
            ("３ 结 论", 1, "conclusion"),
            ("参 考 文 献", 1, "references"),
        ],
        "zh",
    ),
}
TITLES = {
    "en": ("GraphMix: Mixing Node Features for Semi-Supervised Learning", ["Ann Lee", "Bo Chen"]),
    "zh": ("基于层次注意力的中文文本分类方法研究", ["郜帅", "侯心迪", "刘宁春"]),
}


@dataclass
class SamplePdf:
    data: bytes
    headings: list[tuple[str, int, str]]
    title: str
    authors: list[str]
    lang: str


class _Writer:
    def __init__(self, lang: str, two_columns: bool) -> None:
        self.doc = pymupdf.open()
        self.font, self.bold = ("china-s", "china-s") if lang == "zh" else ("helv", "hebo")
        self.columns = (
            [pymupdf.Rect(50, 70, 290, 790), pymupdf.Rect(305, 70, 545, 790)]
            if two_columns
            else [pymupdf.Rect(60, 70, 535, 790)]
        )
        self.column = 0
        self.y = 0.0
        self.top = 0.0  # below the full-width title block on the first page
        self.page: pymupdf.Page = self._new_page()

    def _new_page(self) -> pymupdf.Page:
        page = self.doc.new_page()
        number = self.doc.page_count
        page.insert_text(
            (60, 40), "Journal of Graph Learning, Vol. 3", fontsize=8, fontname=self.font
        )
        page.insert_text((295, 820), str(number), fontsize=8, fontname=self.font)
        self.column, self.y, self.top = 0, self.columns[0].y0, 0.0
        return page

    def write(self, text: str, size: float, bold: bool = False, full_width: bool = False) -> None:
        for _attempt in range(3):
            rect = self.columns[self.column]
            if self.y > rect.y1 - 3 * size:
                self._next_column()
                continue
            x0, x1 = (60, 535) if full_width else (rect.x0, rect.x1)
            box = pymupdf.Rect(x0, self.y, x1, rect.y1)
            left = self.page.insert_textbox(
                box, text, fontsize=size, fontname=self.bold if bold else self.font
            )
            if left >= 0:
                self.y = rect.y1 - left + size * 0.9
                if full_width:
                    self.top = self.y
                return
            self._next_column()

    def _next_column(self) -> None:
        self.column += 1
        if self.column == len(self.columns):
            self.page = self._new_page()
        self.y = max(self.columns[self.column].y0, self.top)

    def footnote(self, text: str) -> None:
        self.page.insert_text((60, 780), text, fontsize=6.5, fontname=self.font)


def styled_pdf(style: str, two_columns: bool = False, keywords: str = "") -> SamplePdf:
    """The paper in `style`; `keywords` is a keyword line printed under the abstract."""
    headings, lang = STYLES[style]
    title, authors = TITLES[lang]
    paragraph = ZH_PARAGRAPH if lang == "zh" else EN_PARAGRAPH
    writer = _Writer(lang, two_columns)
    writer.write(title, 16, bold=True, full_width=True)
    writer.write(("，" if lang == "zh" else ", ").join(authors), 10, full_width=True)
    writer.write("Department of Computer Science, Example University", 8, full_width=True)
    writer.y += 10
    for index, (heading, level, role) in enumerate(headings):
        writer.write(heading, 12 if level == 1 else 10.5, bold=True)
        count = 1 if role in ("abstract", "references") else 3
        for number in range(count):
            if role == "references":
                writer.write("[1] A. Author. A paper about graphs. In Proc. ICML, 2020.", 9)
            else:
                writer.write(paragraph, 9)
            if role == "abstract" and keywords:
                writer.write(keywords, 9)
            if index == 2 and number == 0:
                caption = (
                    "图 1 模型结构示意图" if lang == "zh" else "Figure 1: Overview of the model."
                )
                writer.write(caption, 8)
                writer.footnote("1 Code is available from the authors.")
    data: bytes = writer.doc.tobytes()
    return SamplePdf(data, headings, title, authors, lang)


# A results table set sideways, as LaTeX's `sidewaystable` and landscape pages print it.
SIDEWAYS_TABLE = "\n".join(
    ["Table 5: Accuracy of every method on every benchmark (full results)."]
    + [
        f"Method {name}   Cora {80 + n}.1   Citeseer {70 + n}.4   Pubmed {78 + n}.9   Mean {76 + n}.5"
        for n, name in enumerate(["GCN", "GAT", "SAGE", "APPNP", "GraphMix", "Ours"])
    ]
)


def with_sideways_page(data: bytes, after_page: int = 1) -> bytes:
    """The PDF with a page of sideways text inserted after `after_page` (1-based). PyMuPDF's
    layout model finds that page's text boxes but returns them without their text
    (pymupdf4llm 2.0), while the text layer holds every character."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    page = doc.new_page(pno=after_page)
    page.insert_textbox(pymupdf.Rect(60, 60, 535, 790), SIDEWAYS_TABLE, fontsize=10, rotate=90)
    out: bytes = doc.tobytes()
    return out
