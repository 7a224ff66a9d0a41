"""Summaries: the extractive one quotes only the paper; every summary is validated; LLM
summaries go through the gateway to a real test server, bad answers are retried then refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ragcore.ingest.formats import parse_file
from ragcore.ingest.routing import Routing, load_routing
from ragcore.ingest.sections import split_sections
from ragcore.ingest.summarize import Summarizer, Summary
from ragcore.ingest.validation import validation_problem
from ragcore.library.cards import Origin, SummaryType
from ragcore.llm import Gateway, load_llm_config
from ragcore.llm.prompts import PromptLibrary
from ragcore.testing import Behaviour, FakeOpenAIServer
from ragcore.text import normalize_space, split_sentences

ZH_BACKGROUND = (
    "问题背景总结：\n1、研究领域: 自然语言处理中的中文文本分类。\n"
    "2、核心问题: 中文文本缺乏明确的词边界，现有方法难以捕捉长距离语义依赖。\n"
    "3、研究动机: 提升新闻推荐和舆情分析中的分类准确率具有重要的实践价值。\n"
    "4、潜在应用: 新闻推荐与舆情分析。"
)


def test_extractive_makes_ten_cards_from_the_papers_own_sentences(en_markdown: Path) -> None:
    sections = split_sections(parse_file(en_markdown))
    summaries = Summarizer(load_routing()).summarize(sections, "GraphMix", "en")
    assert [s.summary_type for s in summaries] == list(SummaryType)
    assert all(s.ok for s in summaries), [s.reason for s in summaries if not s.ok]
    paper_text = normalize_space(" ".join(s.text for s in sections))
    for summary in summaries:
        assert summary.origin is Origin.EXTRACTIVE and summary.lang == "en"
        for sentence in split_sentences(summary.text):
            assert sentence in paper_text  # nothing that is not in the paper
    by_type = {s.summary_type: s.text for s in summaries}
    assert "GCN, GAT and DropEdge" in by_type[SummaryType.BASELINE]
    assert "accuracy and macro F1" in by_type[SummaryType.METRIC]
    assert (
        "Our contributions" in by_type[SummaryType.INNOVATIONS]
        or "We propose a novel" in by_type[SummaryType.INNOVATIONS]
    )
    assert by_type[SummaryType.METHODOLOGY].startswith("Our method consists of two modules")


def test_extractive_chinese_paper(zh_text: Path) -> None:
    summaries = _summaries(zh_text, "zh")
    assert summaries[SummaryType.METHODOLOGY].ok and summaries[SummaryType.METHODOLOGY].lang == "zh"
    assert "字符编码模块" in summaries[SummaryType.METHODOLOGY].text
    assert "TextCNN" in summaries[SummaryType.BASELINE].text


def test_missing_sections_skip_the_type_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "short.md"
    path.write_text(
        "# T\n\n## 1 Introduction\n\nNode classification is an important problem in the field of graph learning. "
        "However, labelled nodes remain scarce and expensive to obtain for most real graphs today. "
        "This is a major challenge for graph neural networks in many practical applications.\n"
    )
    summaries = _summaries(path, "en", "T")
    assert summaries[SummaryType.BACKGROUND].ok
    assert summaries[SummaryType.METHODOLOGY].reason == (
        "skipped: the paper has no method section (nor abstract text)"
    )
    assert (
        summaries[SummaryType.BASELINE].reason
        == "skipped: the paper has no experiments or results section"
    )
    assert summaries[SummaryType.EXPEDESIGN].reason == (
        "skipped: the paper has no experiments section (nor method text on dataset)"
    )


def test_imrad_paper_describes_its_experiments_in_its_methods(tmp_path: Path) -> None:
    """No "Experiments" section (Methods, Results): ExpeDesign comes from the methods' paragraphs
    about data; a paper with an experiments section keeps using only that."""
    methods = (
        "## Methods\n\nWe hash every k-mer of each genome with a fixed hash function.\n\n"
        "The GTDB data set of 47,894 genomes was downloaded and sketched with k-mer size 31, "
        "and each metagenome sample was collected from the SRA for this evaluation.\n\n"
    )
    imrad = tmp_path / "imrad.md"
    imrad.write_text("# T\n\n" + methods + "## Results\n\nContainment was accurate.\n")
    with_experiments = tmp_path / "cs.md"
    with_experiments.write_text(
        "# T\n\n" + methods + "## Experiments\n\nWe evaluate on three benchmark datasets "
        "with five random seeds and report the mean of every run in the tables below. "
        "Each model is trained for ten epochs with the same learning rate and batch size on "
        "one GPU, and the best checkpoint on the validation split is kept for testing.\n"
    )
    summarizer = Summarizer(load_routing())
    for path, expected in ((imrad, "GTDB data set"), (with_experiments, "three benchmark")):
        cards = summarizer.summarize(split_sections(parse_file(path)), "T", "en")
        design = next(s for s in cards if s.summary_type is SummaryType.EXPEDESIGN)
        assert design.ok and expected in design.text, (path.name, design.reason, design.text)
        assert "GTDB" not in design.text or path == imrad


@pytest.mark.parametrize(
    ("text", "lang", "reason"),
    [
        ("", "en", "empty"),
        ("Too short to be useful.", "en", "too short"),
        ("研究背景", "zh", "too short"),
        (
            "This paper studies graph learning and proposes a new method for node classification on graphs "
            "with very few labels, evaluated on three citation datasets against strong baselines.",
            "zh",
            "in English, expected Chinese",
        ),
        (
            "This paper studies graph learning and proposes a new method for node classification on graphs "
            "with very few labels, evaluated on three citation datasets against strong baselines and",
            "en",
            "cut off",
        ),
        (
            "The results show improvements across all of the datasets that were used in the study of graphs "
            "with very few labels, evaluated on three citation datasets against strong baselines...",
            "en",
            "cut off",
        ),
        (
            "Research field: {{ title }} is studied here with a new method on three citation datasets against "
            "strong baselines, and many more words are here to pass the length check.",
            "en",
            "placeholders",
        ),
    ],
)
def test_validation_reasons(text: str, lang: str, reason: str) -> None:
    problem = validation_problem(text, lang=lang)
    assert problem is not None and reason in problem


def test_validation_accepts_a_good_summary() -> None:
    assert validation_problem(ZH_BACKGROUND, lang="zh") is None


# ---- through the LLM gateway -------------------------------------------------------------
@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as running:
        yield running


def _summarizer(tmp_path: Path, server: FakeOpenAIServer, lang: str = "zh") -> Summarizer:
    config = tmp_path / "llm.yaml"
    entry = {
        "model_name": "test",
        "litellm_params": {
            "model": "openai/test-model",
            "api_base": server.base_url,
            "api_key": "none",
        },
    }
    config.write_text(
        yaml.safe_dump({"model_list": [entry], "router_settings": {"num_retries": 0}})
    )
    full = load_routing()
    only_background = Routing(
        {SummaryType.BACKGROUND: full.routes[SummaryType.BACKGROUND]}, full.cue_sets
    )
    gateway = Gateway(load_llm_config(config), default_model="test")
    return Summarizer(
        only_background,
        model="test",
        lang=lang,
        gateway=gateway,
        prompts=PromptLibrary(tmp_path / "overrides"),
    )


def test_llm_summary_becomes_a_generated_summary(
    tmp_path: Path, server: FakeOpenAIServer, zh_text: Path
) -> None:
    server.reply_next(ZH_BACKGROUND)
    summary = _summarizer(tmp_path, server).summarize(
        split_sections(parse_file(zh_text)), "题目", "zh"
    )[0]
    assert summary.ok and summary.text == ZH_BACKGROUND and summary.origin is Origin.GENERATED
    prompt = server.chat_requests[0].prompt
    assert "研究领域" in prompt and "中文长文本分类" in prompt  # template structure + paper text


def test_echoing_server_is_rejected_after_one_retry(
    tmp_path: Path, server: FakeOpenAIServer, en_markdown: Path
) -> None:
    server.script(Behaviour.echo(), Behaviour.echo())
    summary = _summarizer(tmp_path, server, lang="en").summarize(
        split_sections(parse_file(en_markdown)), "GraphMix", "en"
    )[0]
    assert not summary.ok
    assert (
        summary.reason
        == "failed after a retry: the summary repeats the prompt instead of summarising the paper"
    )
    assert len(server.chat_requests) == 2


def test_wrong_language_then_good_answer_succeeds_on_retry(
    tmp_path: Path, server: FakeOpenAIServer, zh_text: Path
) -> None:
    server.reply_next(
        "This summary is in English although Chinese was asked for, so it must be refused by validation.",
        ZH_BACKGROUND,
    )
    summary = _summarizer(tmp_path, server).summarize(
        split_sections(parse_file(zh_text)), "题目", "zh"
    )[0]
    assert summary.ok and summary.text == ZH_BACKGROUND
    assert len(server.chat_requests) == 2


def test_cut_off_answers_fail_with_reason(
    tmp_path: Path, server: FakeOpenAIServer, zh_text: Path
) -> None:
    server.script(Behaviour.length(ZH_BACKGROUND), Behaviour.length(ZH_BACKGROUND))
    summary = _summarizer(tmp_path, server).summarize(
        split_sections(parse_file(zh_text)), "题目", "zh"
    )[0]
    assert summary.reason == "failed after a retry: the summary is cut off mid-sentence"


def test_server_errors_are_failed_summaries_not_crashes(
    tmp_path: Path, server: FakeOpenAIServer, zh_text: Path
) -> None:
    server.script(Behaviour.error(500), Behaviour.error(500))
    summary = _summarizer(tmp_path, server).summarize(
        split_sections(parse_file(zh_text)), "题目", "zh"
    )[0]
    assert not summary.ok and summary.reason.startswith(
        "failed after a retry: the model call failed"
    )


def test_a_record_with_an_abstract_only_still_gives_cards(tmp_path: Path) -> None:
    """A CNKI or reference-manager record has a title and an abstract: its field, method and
    result are read there (CSL writes half-width full stops between Chinese sentences)."""
    path = tmp_path / "record.md"
    path.write_text(
        "# 基于平方和方法的镇定控制器设计\n\n## 摘要\n\n在镇定控制器设计中,用消去法建立了控制器与"
        "Lyapunov函数之间的关系,减少了迭代算法求解过程中的迭代次数.提出了基于平方和(SOS)方法的一种"
        "新的设计方法.仿真结果表明,用这种方法设计镇定控制器简化了设计过程,并且控制器具有较快的响应"
        "速度和较好的收敛性.\n",
        encoding="utf-8",
    )
    cards = _summaries(path, "zh", "T")
    assert cards[SummaryType.BACKGROUND].ok and cards[SummaryType.METHODOLOGY].ok
    assert "仿真结果表明" in cards[SummaryType.RESULTANALYSIS].text
    assert cards[SummaryType.EXPEDESIGN].reason.startswith("skipped")


# A Chinese system report as the CCL 2022 template lays it out. Its conclusion and related-work
# sentences use none of the cue phrases ("本文", "总结", "未来" ...): a section about the type gives
# its sentences anyway, where elsewhere a sentence must name a cue.
ZH_REPORT = """# 一种面向汉语学习者文本的语法纠错系统

## 1 引言

汉语学习者文本语法纠错旨在自动检测并修改学习者写作中的赘余、遗漏、误用和错序错误。\
近年来，这一任务在教育领域越来越受到关注，也出现了一些有实际价值的应用。

## 2 背景

### 2.1 评测内容

此次评测涉及四种类型的错误，分别是缺失、赘余、误用与乱序，每个句子可能同时包含多种错误。\
参赛队伍需要对误用和缺失两类错误给出正确的修改结果，而对另外两类只需指出位置。

### 2.2 相关工作

早期的中文语法纠错系统依靠人工编写的规则对句子进行诊断，覆盖的错误类型十分有限。\
随后序列到序列的生成模型把纠错看作翻译任务，在大规模平行语料上训练后效果明显改善。\
序列到编辑的标注模型只预测每个字上的编辑操作，推理速度比生成模型快得多。

## 3 系统

我们的系统由一个序列到编辑的标注模型和一个序列到序列的生成模型组成，两者的输出按编辑投票合并。\
标注模型以预训练的中文编码器初始化，生成模型以中文预训练生成模型初始化。

## 4 实验

我们在官方训练集上训练两个模型，并在开发集上选择最好的检查点用于测试。\
评测时先按字抽取每个句子的编辑，再对照参考答案计算精确率与召回率。\
在测试集上，合并后的系统的F0.5值比单个模型高出两个百分点，与baseline相比提升明显。

## 5 总结

两个模型的输出互为补充，合并后的系统在测试集上排在第三位，说明编辑投票是有效的合并方式。\
长距离的语序错误仍然很难纠正，合并后的系统在这类错误上的召回依旧很低。\
后续我们会把合成数据加入预训练，并在更多领域的学习者文本上检验这套系统。
"""


def _summaries(path: Path, lang: str, title: str = "t") -> dict[SummaryType, Summary]:
    """The offline summarizer's summaries of a paper file, by type."""
    sections = split_sections(parse_file(path))
    return {s.summary_type: s for s in Summarizer(load_routing()).summarize(sections, title, lang)}


def _zh_report_summaries(tmp_path: Path) -> dict[SummaryType, Summary]:
    path = tmp_path / "report.md"
    path.write_text(ZH_REPORT, encoding="utf-8")
    return _summaries(path, "zh")


def test_a_chinese_conclusion_section_gives_a_conclusion_card(tmp_path: Path) -> None:
    summaries = _zh_report_summaries(tmp_path)
    conclusion = summaries[SummaryType.CONCLUSION]
    assert conclusion.ok, conclusion.reason
    assert conclusion.source_headings == ["5 总结"]
    assert "编辑投票是有效的合并方式" in conclusion.text
    related = summaries[SummaryType.RELATEDWORK]
    assert related.ok, related.reason
    # From the subsection that names itself related work, not the task description beside it.
    assert "序列到编辑的标注模型" in related.text
    assert "四种类型的错误" not in related.text


def test_english_cue_words_inside_chinese_text_count(tmp_path: Path) -> None:
    # "的F0.5值" and "与baseline相比": a Chinese character before the Latin word is no letter.
    matcher = load_routing().matcher("metric")
    assert matcher.search("合并后的系统的F0.5值比单个模型高出两个百分点")
    assert load_routing().matcher("baseline").search("与baseline相比提升明显")
    assert not load_routing().matcher("metric").search("a mismatched mesh")  # still word starts
    summaries = _zh_report_summaries(tmp_path)
    assert "F0.5值" in summaries[SummaryType.METRIC].text


def test_the_cltc_overview_has_a_conclusion_card_and_the_tagger_paper_a_related_work_card() -> None:
    folder = Path(__file__).parents[1] / "data" / "papers_topics"
    made = _summaries(folder / "zh-cltc2022-overview.md", "zh")
    assert made[SummaryType.CONCLUSION].ok and made[SummaryType.CONCLUSION].source_headings == [
        "6 总结"
    ]
    made = _summaries(folder / "zh-cltc2022-track3-tagger-ensemble.md", "zh")
    assert made[SummaryType.RELATEDWORK].ok
    assert "2.2 相关工作" in made[SummaryType.RELATEDWORK].source_headings


def test_the_first_item_of_a_list_is_no_sentence_on_its_own(tmp_path: Path) -> None:
    # "流程为：（1）……。（2）……。": the items are sentences of their own; item (1) alone in a
    # card reads as a list cut off after its first item.
    path = tmp_path / "list.md"
    path.write_text(
        "# 标题\n\n## 1 引言\n\n中文语法纠错旨在自动检测并修改学习者写作中的各种语法错误。\n\n"
        "## 2 方法\n\n具体训练流程为：（1）使用序列到序列模型在平行语料上训练并保留得分较高的修改结果。"
        "（2）使用序列到编辑模型在同一语料上训练并输出每个字的编辑标签。"
        "最后我们把两个模型的输出按照编辑投票的方式合并成系统的最终结果。\n",
        encoding="utf-8",
    )
    made = _summaries(path, "zh")
    method = made[SummaryType.METHODOLOGY]
    assert method.ok, method.reason
    assert "（1）" not in method.text and "（2）使用序列到编辑模型" in method.text
