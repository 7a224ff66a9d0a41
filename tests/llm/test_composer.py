"""The extractive composer on the real seed contexts: only evidence text, only present sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ragcore.llm import compose_extractive, parse_evidence, requested_length
from ragcore.llm.composer import attributed
from ragcore.text import count_words, split_sentences
from tests.conftest import SEEDS

SEED_CONTEXTS = sorted(
    p for prefix in ("000_", "002_", "003_") for p in SEEDS.glob(f"{prefix}*.txt")
)
CITATION = re.compile(r"\[[^\]]+\]")


def _flat(text: str) -> str:
    """Evidence as the composer may quote it: emphasis markers dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", text.replace("**", ""))


def _bare(sentence: str) -> str:
    """An output sentence without its citation and end punctuation."""
    return CITATION.sub("", sentence).strip().rstrip("。.；;")


@pytest.fixture(params=SEED_CONTEXTS, ids=lambda p: p.name[:3])
def seed(request: pytest.FixtureRequest) -> str:
    return Path(request.param).read_text(encoding="utf-8")


def _evidence_pieces(sentence: str) -> list[str]:
    labelled = re.match(r"^([\u4e00-\u9fff/、]{2,10}?)(?:为|是|包括)(.+?)。?$", sentence)
    if not labelled:
        return [sentence]
    return [labelled.group(1), *re.split(r"、|和", labelled.group(2))]


def test_seed_contexts_are_found() -> None:
    assert len(SEED_CONTEXTS) == 3


def test_every_sentence_is_evidence_text(seed: str) -> None:
    composed = compose_extractive(seed)
    lines = "\n".join(block.text for block in parse_evidence(seed)).splitlines()
    # The source's first person is the cited authors' ("我们" -> "作者"): no other word changes.
    evidence = _flat(" ".join(attributed(s) for line in lines for s in split_sentences(line)))

    assert composed.sentences
    for sentence in composed.sentences:
        # Verbatim, or a card's own label joined to its own phrases ("研究领域为……",
        # "潜在应用包括……、……和……"): every piece is evidence text.
        for piece in _evidence_pieces(sentence.text):
            assert _flat(piece) in evidence, piece
        assert "..." not in sentence.text and "…" not in sentence.text
    # The rendered text is exactly those sentences, each with its citation, and nothing else.
    rest = CITATION.sub("", composed.text)
    for sentence in composed.sentences:
        assert _bare(sentence.text) in rest
        rest = rest.replace(_bare(sentence.text), "", 1)
    assert not re.sub(r"[\s。.；;]", "", rest)


def test_cites_only_sources_present(seed: str) -> None:
    composed = compose_extractive(seed)
    present = {block.source for block in parse_evidence(seed)}
    cited = {c.strip("[]") for c in CITATION.findall(composed.text)}
    assert cited and cited <= present
    assert set(composed.sources) <= present


def test_no_trend_statistics_or_template_text(seed: str) -> None:
    text = compose_extractive(seed).text
    for junk in ("篇论文中被提及", "简洁描述", "##", "写作要求", "总结1"):
        assert junk not in text


def test_honours_requested_length_without_cutting(seed: str) -> None:
    composed = compose_extractive(seed, target_words=(200, 300))
    assert count_words(CITATION.sub("", composed.text)) <= 300
    assert composed.text.rstrip().endswith(("。", "."))


def test_seed_length_request_is_read() -> None:
    methods = next(p for p in SEED_CONTEXTS if p.name.startswith("002_")).read_text(
        encoding="utf-8"
    )
    assert requested_length(methods) == (800, 1200)
    assert requested_length("Write 800-1200 words.") == (800, 1200)
    assert requested_length("上下文长度：6719 字符") is None  # a character count, not a request


def test_duplicate_cards_are_used_once() -> None:
    conclusion = next(p for p in SEED_CONTEXTS if p.name.startswith("000_")).read_text(
        encoding="utf-8"
    )
    texts = [s.text for s in compose_extractive(conclusion).sentences]
    assert len(texts) == len(set(texts))


OUR_FORMAT_EN = """# Materials for the Methods section

### Methodology summaries
**Summary 1** (source: 2401.00001) [1]:
Method overview:
1. Core idea: The method retrieves typed summary cards and fuses dense and lexical scores.
2. Components: A reranker orders the fused candidates by relevance to the section goal.
- Truncated point that stops in the middle of...

**Summary 2** (source: 2402.00002) [2]:
The second paper trains a small encoder on citation pairs to embed paper sections.
Its encoder is distilled from a larger teacher model with a contrastive loss.

### Source excerpts
**Paper 2401.00001 - Methods section** [1]:
Excerpt 1: We evaluate on sixteen papers with manually written reference sections.

### Writing requirements
1. Write the Methods section.
2. Keep it to 40-60 words.
"""


def test_our_english_format_with_citation_keys() -> None:
    composed = compose_extractive(OUR_FORMAT_EN)

    assert composed.lang == "en" and composed.target == (40, 60)
    assert composed.text.startswith("The method retrieves typed summary cards")
    assert "[1]." in composed.text and "[2]." in composed.text
    assert "Truncated point" not in composed.text and "Core idea" not in composed.text
    assert count_words(CITATION.sub("", composed.text)) <= 60


def test_our_chinese_format_with_citation_keys() -> None:
    prompt = (
        "### Background 总结\n**总结1** (来源: 0728) [3]:\n问题背景总结：\n"
        "1、研究领域: 自然语言处理中的大语言模型微调技术及其在下游任务中的适应性问题\n\n"
        "### 写作要求\n1. 字数控制在100-200字之间\n"
    )
    composed = compose_extractive(prompt)
    # A bare noun phrase keeps its label, so it reads as a sentence in the paper.
    assert (
        composed.text
        == "研究领域为自然语言处理中的大语言模型微调技术及其在下游任务中的适应性问题[3]。"
    )
    assert composed.sentences[0].key == "3" and composed.sentences[0].section == "Background"


def test_chinese_label_phrases_become_sentences_with_their_label() -> None:
    from ragcore.llm.composer import clean_sentences

    card = (
        "问题背景总结：\n1、研究领域: 分布式深度学习训练优化（特别是混合并行训练系统）\n\n"
        "2、核心问题: 如何为混合并行的DNN训练设计内存优化的模型分区方案，以突破内存瓶颈\n\n"
        "3、研究动机:\n- 理论价值：现有系统的分区方法仅考虑训练吞吐量，导致GPU间内存使用不均衡。\n"
        "4、潜在应用:\n- 大规模NLP/视觉模型的分布式训练\n- 支持Transformer等内存密集型模型的扩展训练\n"
    )
    assert clean_sentences(card) == [
        "研究领域为分布式深度学习训练优化（特别是混合并行训练系统）。",
        "核心问题是如何为混合并行的DNN训练设计内存优化的模型分区方案，以突破内存瓶颈",
        "现有系统的分区方法仅考虑训练吞吐量，导致GPU间内存使用不均衡。",
        "潜在应用包括大规模NLP/视觉模型的分布式训练和支持Transformer等内存密集型模型的扩展训练。",
    ]
    # A value that is already a sentence, and English cards, are kept as they were.
    assert clean_sentences("核心思想: DLAS 是一个跨领域的深度学习加速框架，旨在降低部署成本。") == [
        "DLAS 是一个跨领域的深度学习加速框架，旨在降低部署成本。"
    ]
    assert clean_sentences("Core idea: The method retrieves typed summary cards per section.") == [
        "The method retrieves typed summary cards per section."
    ]


def test_prompt_without_evidence_blocks_quotes_the_prompt() -> None:
    composed = compose_extractive("本文提出了一种新的检索方法。实验表明它更快。")
    assert composed.text == "本文提出了一种新的检索方法。实验表明它更快。"
    assert composed.sources == [""]


def test_structured_evidence_needs_no_parsing_and_never_cites_a_raw_id() -> None:
    from ragcore.documents.section_context import (
        ContextCard,
        Excerpt,
        SectionContext,
        TypeBlock,
    )
    from ragcore.library.cards import SummaryType
    from ragcore.llm.composer import blocks_from_context, compose_blocks

    context = SectionContext(
        section="Method",
        type_blocks=[
            TypeBlock(
                SummaryType.METHODOLOGY,
                [
                    ContextCard(
                        "arxiv:2212.11772", "The method pools frame features with attention.", "1"
                    )
                ],
            )
        ],
        excerpts=[
            Excerpt(
                "arxiv:2212.11772", "Method", ["A Sinkhorn step normalizes the similarity matrix."]
            ),
            Excerpt("uncited", "Method", ["This paper has no card in the context at all here."]),
        ],
    )
    blocks = blocks_from_context(context)
    assert [(b.kind, b.key) for b in blocks] == [("card", "1"), ("excerpt", "1")]
    composed = compose_blocks(blocks, lang="en", target=(10, 100))
    assert composed.text.count("[1]") == 2 and "arxiv" not in composed.text
    assert "no card" not in composed.text


def test_fragments_debris_and_source_citations_never_become_sentences() -> None:
    from ragcore.llm.composer import clean_sentences, is_whole_sentence

    fragments = [
        "t al., 2020), Deng et al. used frame sampling for retrieval.",
        "Several systems project different modalities features to",
        "This was supported by Einstein and Bohm,, has resulted in a new view.",
        "This representation of the city includes building data, as shown in Fig.",
        "(g) Monochromated spectra from bilayers with various angles.",
        "Its goal is to create parameters of the vector in (REF ) from data.",
        "Without loss of generality we write $\\eta (i)$ as a product here.",
        "• the encoder is shared across all the modalities here.",
        # The first item of a list whose other items are sentences of their own.
        "具体训练流程为：（1）对于序列到序列的纠错模型，我们使用预训练模型进行初始化。",
    ]
    assert not [f for f in fragments if is_whole_sentence(f)]
    assert is_whole_sentence("流程分两步：（1）预训练，（2）微调，两步使用同一份词表。")
    assert is_whole_sentence("We propose a loss (e.g. a margin loss) for open-world learning.")
    assert is_whole_sentence("图像分类是计算机视觉的基础任务")  # a Chinese card line without 。
    cleaned = clean_sentences("Prior work uses recurrent encoders trained from scratch [23, 24].")
    assert cleaned == ["Prior work uses recurrent encoders trained from scratch."]


def test_a_source_citation_read_as_a_word_drops_its_sentence() -> None:
    """Stripping "[2]" from "the method in [2]." would leave "the method in.": such a
    sentence is not used; a citation after the claim is stripped and the sentence kept."""
    from ragcore.llm.composer import clean_sentences

    text = (
        "FracMinHash estimates distance more accurately than the method in [2]. "
        "See [3] for these and other analytical details of the sketch. "
        "[4] showed this first in an early study of hashing. "
        "FracMinHash scales to very large reference collections [5, 6]. "
        "Blanca et al, 2021 presented a method to correct the Jaccard estimate. "
        "The databases are archived on OSF [https://osf.io/t3fqa/] for reuse."
    )
    assert clean_sentences(text) == [
        "FracMinHash scales to very large reference collections.",
        "The databases are archived on OSF (https://osf.io/t3fqa/) for reuse.",
    ]


def test_the_source_papers_figures_tables_and_sections_are_not_pointed_at() -> None:
    """Our draft has none of the source's floats or sections: an aside pointing at one is
    dropped, a sentence naming one is left out; a cut caption's "]" and an address split at
    its colon ("//github.com/...") are fragments."""
    from ragcore.llm.composer import clean_sentences

    text = (
        "These data sets form a rich resource for synthesis research (Table 1). "
        "Only matches above the threshold are kept (see Methods for details). "
        "Twelve baselines are compared on three datasets (Figs. 2A and 3). "
        "As shown in Figure 3, the method scales linearly with the number of queries. "
        "This table summarises the results of all the methods. "
        "Processing time grows with the subjects, which are slow to load and search.]"
    )
    assert clean_sentences(text) == [
        "These data sets form a rich resource for synthesis research.",
        "Only matches above the threshold are kept.",
        "Twelve baselines are compared on three datasets.",
        "This table summarises the results of all the methods.",
    ]
    chinese = "实验结果表明该方法显著降低了通信开销（见图2）。本文第三章介绍了方法的实现细节。"
    assert clean_sentences(chinese) == ["实验结果表明该方法显著降低了通信开销。"]
    address = "See https://github.com/dib-lab/benchmarking for the figure notebooks."
    assert clean_sentences(address) == [address]


def test_the_source_papers_author_year_citations_are_dropped_as_its_numbered_ones() -> None:
    """An aside of author-year citations points into the source's bibliography: it goes, as
    "[23]" does; a narrative "Grundkiewicz et al. (2015) measure ..." and an aside that is no
    citation keep their words."""
    from ragcore.llm.composer import clean_sentences

    assert clean_sentences(
        "SIGHAN于2013-2015年举办了三次拼写检查评测任务(Wu et al., 2013; Yu et al., 2014b)。"
        "语法纠错任务受到关注较多(张生盛et al., 2021; Zhang et al., 2022)。"
    ) == ["SIGHAN于2013-2015年举办了三次拼写检查评测任务。", "语法纠错任务受到关注较多。"]
    kept = [
        "Grundkiewicz et al. (2015) measure the correlation with human judgements.",
        "We released the corpus to the community (since 2020) under an open licence.",
    ]
    assert clean_sentences(" ".join(kept)) == kept
    assert clean_sentences(
        "Metrics compare system edits with human edits (Dahlmeier and Ng, 2012). "
        "We use the standard split (see Bryant et al., 2019) in all experiments."
    ) == [
        "Metrics compare system edits with human edits.",
        "We use the standard split in all experiments.",
    ]


def test_a_sentence_leaning_back_keeps_the_one_before_it() -> None:
    """ "However, ..." never opens a paragraph cut from its antecedent: picked, it brings the
    sentence before it; first in its block, it has none and is left out."""
    from ragcore.llm.composer import ComposedSentence, select_sentences

    def block(index: int, *texts: str) -> list[ComposedSentence]:
        return [
            ComposedSentence(t, "p", "1", "Background", (index, n)) for n, t in enumerate(texts)
        ]

    first = block(
        0,
        "Sketches make very large sequence collections searchable on a laptop.",
        "Several sketching methods have been proposed for genomes in the last decade.",
        "However, none of them estimates containment between sets of different sizes.",
    )
    second = block(1, "However, this characterization relies on the reference databases used.")
    chosen = select_sentences({"Background": [first, second]}, (10, 40))
    texts = [s.text for s in chosen]
    assert texts == [first[0].text, first[1].text]  # the second block's opening "However" is out
    # The sentence before it went elsewhere (not in its block here): it cannot stand alone.
    chosen = select_sentences({"Background": [[first[0], first[2]]]}, (5, 40))
    assert [s.text for s in chosen] == [first[0].text]
    chosen = select_sentences({"Background": [first]}, (5, 60))
    assert [s.text for s in chosen] == [s.text for s in first]  # in order, each after its own


def test_chinese_paper_prints_chinese_punctuation() -> None:
    """A CSL record or converted text writes ",." between Chinese words; the Chinese paper
    prints ，。 (numbers such as 1,000 and 3.5 keep theirs), and cites before the full stop."""
    from ragcore.llm.composer import ComposedSentence, render_sentences

    text = "分析结果表明:阻尼器可有效控制位移,采用1,000 m和3.5%的参数;误差满足规范要求."
    rendered = render_sentences([ComposedSentence(text, "p", "2", "ResultAnalysis")], "zh")
    assert rendered == (
        "分析结果表明：阻尼器可有效控制位移，采用1,000 m和3.5%的参数；误差满足规范要求[2]。"
    )


def test_a_paper_naming_itself_does_not_lean_back() -> None:
    from ragcore.llm.composer import leans_back

    assert not leans_back("This paper proposes a sketch for containment queries.")
    assert not leans_back("This study evaluates twelve tools on industrial projects.")
    assert leans_back("This permits a variety of convenient operations on the sketches.")
    assert leans_back("However, none of them estimates containment.")
    assert leans_back("Currently, they are the representative metrics for the task.")
    assert not leans_back("Currently, this paper is the only study of the task.")
    assert not leans_back("Currently, metrics are computed from aligned edits.")
    assert leans_back("此外，该方法还降低了通信开销。")
    assert not leans_back("Thesis statements are short.")


def test_the_source_authors_first_person_becomes_the_cited_authors() -> None:
    """Quoted as written, "We propose X [1]" would claim the cited paper's work for the new
    paper: the source's first person is the cited authors', in both languages."""
    from ragcore.llm.composer import clean_sentences

    english = (
        "We propose GREEN, an alignment-free F-score for GEC evaluation. "
        "In this paper, we show that our metric correlates with human judgements. "
        "This paper releases a corpus of learner essays with two references each. "
        "Our method outperforms every baseline on three benchmarks."
    )
    assert clean_sentences(english, from_paper=True) == [
        "The authors propose GREEN, an alignment-free F-score for GEC evaluation.",
        "In the cited paper, the authors show that their metric correlates with human judgements.",
        "The cited paper releases a corpus of learner essays with two references each.",
        "The authors' method outperforms every baseline on three benchmarks.",
    ]
    chinese = "我们首先使用混淆集构造合成的并行数据用于预训练模型。本文提出了一种基于编辑的中文语法纠错方法。"
    assert clean_sentences(chinese, from_paper=True) == [
        "作者首先使用混淆集构造合成的并行数据用于预训练模型。",
        "该文提出了一种基于编辑的中文语法纠错方法。",
    ]
    # A user's own note, or a prompt quoted as its own evidence, keeps its voice.
    assert clean_sentences(chinese) == [
        "我们首先使用混淆集构造合成的并行数据用于预训练模型。",
        "本文提出了一种基于编辑的中文语法纠错方法。",
    ]


def test_where_the_source_keeps_its_code_and_a_work_named_by_number_are_left_out() -> None:
    from ragcore.llm.composer import clean_sentences

    text = (
        "Our code and models are available at https://github.com/example/green for reuse. "
        "我们的代码开源在https://github.com/example/deepctc，欢迎使用。"
        "数据集地址：http://yunpan.example.edu.cn/link/abc，密码：lO42。"
        "关于损坏处理的具体策略，我们参考了文献[12]。"
        "文献[3]提出了一种基于编辑的方法，在多个数据集上取得了很好的效果。"
        "The databases are archived on OSF (https://osf.io/t3fqa/) together with the scripts.\n"
        "该方法在多个公开数据集上取得了较好的效果[3]，说明了其有效性和通用性。"
    )
    assert clean_sentences(text) == [
        "The databases are archived on OSF (https://osf.io/t3fqa/) together with the scripts.",
        "该方法在多个公开数据集上取得了较好的效果，说明了其有效性和通用性。",
    ]


def test_latin_text_a_pdf_turned_into_ideographs_is_never_quoted() -> None:
    """A CCL 2022 report's text layer (tests/data/pdfs): "Lang8" came out as 奌奡奮奧夸."""
    from ragcore.llm.composer import clean_sentences

    text = (
        "本赛道的训练集提供了中文奌奡奮奧夸数据，并基于女奥奱夲女奥奱训练了语法纠错模型。"
        "流利提升指进一步修改句子使其更加地道和流畅，符合汉语母语者的表述习惯。"
    )
    assert clean_sentences(text) == [
        "流利提升指进一步修改句子使其更加地道和流畅，符合汉语母语者的表述习惯。"
    ]


def test_a_chinese_label_whose_value_is_its_predicate_stays_its_subject() -> None:
    """A list of datasets ("HSK6：来源于……") loses its subject without the label; a card's
    label over a whole sentence ("研究背景：……") is dropped as before."""
    from ragcore.llm.composer import clean_sentences

    text = (
        "HSK6：来源于汉语水平考试（Hanyu Shuiping Kaoshi）的作文。\n"
        "字混淆集：包含读音、字形或意义相近的汉字，并过滤掉其中的低频字。\n"
        "研究背景：中文语法纠错任务近年来受到越来越多的关注，也出现了许多应用。"
    )
    assert clean_sentences(text, from_paper=True) == [
        "HSK6来源于汉语水平考试（Hanyu Shuiping Kaoshi）的作文。",
        "字混淆集包含读音、字形或意义相近的汉字，并过滤掉其中的低频字。",
        "中文语法纠错任务近年来受到越来越多的关注，也出现了许多应用。",
    ]


def test_a_chinese_pointer_left_without_its_object_is_left_out() -> None:
    """ "我们参考了文献(Tang et al., 2021)" loses its author-year aside and would end on 文献;
    "如下表" points at a table the new paper does not have; "上表现" is not a table."""
    from ragcore.llm.composer import clean_sentences

    text = (
        "关于损坏处理的具体策略，我们参考了文献(Tang et al., 2021; Zhang et al., 2021)。"
        "单个模型基于lang8和HSK数据集的精确度/召回率/F0.5值如下表。"
        "各个模型的结果见下图，可以看出集成模型的效果最好。"
        "该模型在多个数据集上表现优异，尤其是在长句上表现出了较强的纠错能力。"
        "这类搭配错误在汉语学习者的作文中十分常见。"
        "该领域已有大量关于中文语法纠错的相关文献。"
    )
    assert clean_sentences(text, from_paper=True) == [
        "该模型在多个数据集上表现优异，尤其是在长句上表现出了较强的纠错能力。",
        "这类搭配错误在汉语学习者的作文中十分常见。",
        "该领域已有大量关于中文语法纠错的相关文献。",
    ]
