"""Small but realistic papers (English and Chinese) and builders of every file format."""

from __future__ import annotations

from pathlib import Path

import pymupdf

EN_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Abstract",
        [
            "We propose GraphMix, a data augmentation method for node classification on citation graphs. "
            "Experiments on three benchmark datasets show that GraphMix improves accuracy by 2.1 points over strong baselines."
        ],
    ),
    (
        "1 Introduction",
        [
            "Node classification is an important problem in the field of graph learning with many practical applications. "
            "However, labelled nodes are scarce and expensive to obtain in most real-world graphs. "
            "This lack of labels remains a major challenge for graph neural networks, which tend to overfit small training sets.",
            "Our contributions are as follows. We propose a novel mixing strategy that interpolates node features along graph edges. "
            "We introduce a consistency loss that regularises predictions on mixed nodes. "
            "To the best of our knowledge, this is the first augmentation method designed for sparse citation graphs.",
        ],
    ),
    (
        "2 Related Work",
        [
            "Previous work on graph augmentation has focused on dropping edges or masking node features at random. "
            "Existing approaches such as DropEdge perturb the structure but cannot create new training signals for unlabelled nodes. "
            "Prior studies on mixup for images do not take the graph structure into account.",
        ],
    ),
    (
        "3 Method",
        [
            "Our method consists of two modules that are trained jointly with the classifier. "
            "The first module samples pairs of neighbouring nodes and mixes their features with a random coefficient. "
            "The second module applies the consistency loss to the predictions of the mixed nodes. "
            "The proposed framework adds no parameters to the underlying graph neural network.",
        ],
    ),
    (
        "3.1 Mixing Module",
        [
            "The mixing module draws the coefficient from a Beta distribution for every sampled edge. "
            "Each step of training mixes a fresh batch of edges to keep the augmentation diverse.",
        ],
    ),
    (
        "4 Experiments",
        [
            "We conduct experiments on the Cora, CiteSeer and PubMed datasets with the standard public splits. "
            "All models are trained for 200 epochs with a learning rate of 0.01 and early stopping. "
            "We compare with GCN, GAT and DropEdge as baseline methods under identical settings. "
            "We report classification accuracy and macro F1 score averaged over ten runs as evaluation metrics.",
        ],
    ),
    (
        "5 Results",
        [
            "The results show that GraphMix outperforms all baselines on the three datasets. "
            "On Cora the accuracy improves from 81.5 to 83.6 percent compared with GCN. "
            "The ablation study shows that removing the consistency loss reduces accuracy by 1.2 points.",
        ],
    ),
    (
        "6 Conclusion",
        [
            "In this paper we presented GraphMix, a simple augmentation method for node classification. "
            "We showed that mixing features along edges consistently improves accuracy on citation graphs. "
            "In future work we will extend the method to heterogeneous graphs and link prediction.",
        ],
    ),
    (
        "References",
        [
            "[1] T. Kipf and M. Welling. Semi-supervised classification with graph convolutional networks. ICLR, 2017."
        ],
    ),
]

ZH_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "摘要",
        [
            "本文提出一种基于注意力机制的中文文本分类方法，在三个公开数据集上的准确率均优于现有基线方法。"
        ],
    ),
    (
        "一、引言",
        [
            "文本分类是自然语言处理领域的重要问题，在新闻推荐和舆情分析中有广泛应用。"
            "然而，中文文本缺乏明确的词边界，现有方法难以准确捕捉长距离语义依赖。"
            "本文的主要贡献如下：我们提出一种层次注意力模型，并首次将其用于中文长文本分类。"
        ],
    ),
    (
        "二、相关工作",
        [
            "已有研究主要采用卷积神经网络和循环神经网络对文本进行建模。"
            "现有方法通常依赖分词结果，分词错误会直接影响分类效果，这是其主要局限。"
        ],
    ),
    (
        "三、方法",
        [
            "我们提出的模型由字符编码模块、层次注意力模块和分类模块三部分组成。"
            "字符编码模块将每个汉字映射为向量，层次注意力模块先计算句内注意力再计算句间注意力。"
        ],
    ),
    (
        "（一）模型结构",
        ["模型结构采用两层双向编码器，每层包含二百五十六个隐藏单元，整个框架无需分词。"],
    ),
    (
        "四、实验",
        [
            "我们在THUCNews、复旦语料和今日头条三个数据集上进行实验，训练轮数为二十轮。"
            "对比的基线方法包括TextCNN、BiLSTM和BERT，评价指标为准确率和宏平均F1值。"
        ],
    ),
    (
        "五、结果与分析",
        [
            "实验结果表明，本文方法在三个数据集上的准确率均优于基线方法，平均提升一点八个百分点。"
            "消融实验表明，去掉句间注意力后准确率显著下降，说明层次结构是有效的。"
        ],
    ),
    (
        "六、结论",
        [
            "本文提出了一种无需分词的层次注意力中文文本分类方法，并在多个数据集上验证了其有效性。"
            "未来我们将进一步研究该方法在多标签分类任务中的应用。"
        ],
    ),
    ("参考文献", ["[1] 张三. 中文文本分类研究. 计算机学报, 2020."]),
]

EN_TITLE = "GraphMix: Mixing Node Features for Semi-Supervised Node Classification"
ZH_TITLE = "基于层次注意力的中文文本分类方法研究"


def markdown_text(
    title: str = EN_TITLE, sections: list[tuple[str, list[str]]] = EN_SECTIONS
) -> str:
    parts = [f"# {title}", "Authors: Ann Lee, Bo Chen"]
    for heading, paragraphs in sections:
        level = "###" if heading[:3].count(".") == 1 and heading[0].isdigit() else "##"
        parts.append(f"{level} {heading}")
        parts.extend(paragraphs)
    return "\n\n".join(parts) + "\n"


def plain_text(title: str = EN_TITLE, sections: list[tuple[str, list[str]]] = EN_SECTIONS) -> str:
    parts = [title]
    for heading, paragraphs in sections:
        parts.append(heading)
        parts.extend(paragraphs)
    return "\n\n".join(parts) + "\n"


def latex_files(folder: Path) -> Path:
    """A main file that `\\input`s its method section from a file beside it."""
    body = []
    for heading, paragraphs in EN_SECTIONS:
        text = "\n\n".join(paragraphs).replace("%", "\\%")
        if heading == "Abstract":
            body.append(f"\\begin{{abstract}}\n{text}\n\\end{{abstract}}")
        elif heading == "References":
            body.append(
                "\\begin{thebibliography}{1}\\bibitem{k} T. Kipf. GCN. 2017.\\end{thebibliography}"
            )
        elif heading.startswith("3 Method"):
            (folder / "method.tex").write_text(
                f"\\section{{Method}}\\label{{sec:m}}\n{text}\n", encoding="utf-8"
            )
            body.append("\\input{method}")
        elif heading.startswith("3.1"):
            body.append(f"\\subsection{{Mixing Module}}\n{text}")
        else:
            name = heading.split(" ", 1)[1]
            body.append(f"\\section{{{name}}}\n{text} % a comment with a brace {{")
    main = folder / "main.tex"
    main.write_text(
        "\\documentclass{article}\n\\title{GraphMix: Mixing Node Features}\n\\author{Ann Lee \\and Bo Chen}\n"
        "\\begin{document}\n\\maketitle\n" + "\n\n".join(body) + "\n\\end{document}\n",
        encoding="utf-8",
    )
    return main


def jats_text() -> str:
    secs = []
    for heading, paragraphs in EN_SECTIONS[1:-1]:
        ps = "".join(f"<p>{p}</p>" for p in paragraphs)
        secs.append(f"<sec><title>{heading}</title>{ps}</sec>")
    abstract = EN_SECTIONS[0][1][0]
    return (
        '<?xml version="1.0"?><article xmlns:xlink="http://www.w3.org/1999/xlink"><front>'
        "<journal-meta><journal-title-group><journal-title>Journal of Graph Learning</journal-title>"
        "</journal-title-group></journal-meta><article-meta>"
        '<article-id pub-id-type="doi">10.1234/jgl.2021.001</article-id>'
        f"<title-group><article-title>{EN_TITLE}</article-title></title-group>"
        '<contrib-group><contrib contrib-type="author"><name><surname>Lee</surname><given-names>Ann</given-names></name></contrib></contrib-group>'
        f"<pub-date><year>2021</year></pub-date><abstract><p>{abstract}</p></abstract></article-meta></front>"
        f"<body>{''.join(secs)}</body><back><ref-list><ref><mixed-citation>Kipf T. GCN. 2017.</mixed-citation></ref></ref-list></back></article>"
    )


def _page_furniture(page: pymupdf.Page, number: int, font: str) -> None:
    page.insert_text((72, 30), "Journal of Graph Learning, Vol. 3", fontsize=8, fontname=font)
    page.insert_text((300, 820), str(number), fontsize=8, fontname=font)


def pdf_bytes(
    sections: list[tuple[str, list[str]]] = EN_SECTIONS,
    *,
    title: str = EN_TITLE,
    two_columns: bool = False,
    chinese: bool = False,
    hyphenate: str | None = None,
    page_per_section: bool = True,
) -> bytes:
    """A text PDF: title, bold headings, running header and page numbers on every page."""
    font, bold = ("china-s", "china-s") if chinese else ("helv", "hebo")
    doc = pymupdf.open()
    columns = (
        [pymupdf.Rect(50, 60, 290, 800), pymupdf.Rect(305, 60, 545, 800)]
        if two_columns
        else [pymupdf.Rect(60, 60, 535, 800)]
    )
    page = doc.new_page()
    _page_furniture(page, 1, font)
    page.insert_textbox(pymupdf.Rect(60, 36, 535, 68), title, fontsize=12, fontname=bold)
    column, y = 0, 70.0
    for index, (heading, paragraphs) in enumerate(sections):
        if page_per_section and index > 0 and not heading[:2].strip("0123456789").startswith("."):
            page = doc.new_page()
            _page_furniture(page, doc.page_count, font)
            column, y = 0, 70.0
        items = [(heading, True)] + [(p, False) for p in paragraphs]
        for text, is_heading in items:
            if hyphenate and not is_heading and hyphenate in text:
                text = text.replace(hyphenate, hyphenate[:4] + "-\n" + hyphenate[4:], 1)
            rect = columns[column]
            size = 11 if is_heading else 9
            box = pymupdf.Rect(rect.x0, y, rect.x1, rect.y1)
            left = page.insert_textbox(
                box, text, fontsize=size, fontname=bold if is_heading else font
            )
            if left < 0:  # does not fit: next column or next page
                column += 1
                if column == len(columns):
                    page = doc.new_page()
                    _page_furniture(page, doc.page_count, font)
                    column = 0
                y = 70.0
                rect = columns[column]
                left = page.insert_textbox(
                    pymupdf.Rect(rect.x0, y, rect.x1, rect.y1),
                    text,
                    fontsize=size,
                    fontname=bold if is_heading else font,
                )
            y = rect.y1 - left + 8
    data: bytes = doc.tobytes()
    return data
