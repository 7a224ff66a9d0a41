"""Each text figure scores a paper with its defect as defective, naming the offending text."""

from __future__ import annotations

from pathlib import Path

from tests.quality.conftest import clean_document, findings, recount, score_document


def _with_paragraph(lang: str, section: int, paragraph: str):  # type: ignore[no-untyped-def]
    document = clean_document(lang)
    document.sections[section].body += "\n\n" + paragraph
    return recount(document)


# ------------------------------------------------------------------ citation integrity


def test_raw_keys_unresolved_and_foreign_markers_are_problems(tmp_path: Path) -> None:
    bad = (
        "Dense retrieval was compared with sparse retrieval [arxiv:2212.11772]. "
        "The corpus came from PLOS [doi:10.1371/journal.pone.0001]. "
        "A later study disagreed [?]. Another cited it by name [Smith et al., 2020]. "
        "A model wrote a full-width marker 【2】."
    )
    card = score_document(_with_paragraph("en", 0, bad), tmp_path)
    found = findings(card, "citation_integrity")
    assert card.figure("citation_integrity").value == 5
    assert any("[arxiv:2212.11772]" in f and "raw library key" in f for f in found)
    assert any("[doi:10.1371/journal.pone.0001]" in f for f in found)
    assert any("[?]" in f and "unresolved" in f for f in found)
    assert any("author-year" in f for f in found)
    assert any("【2】" in f for f in found)


def test_cited_but_unlisted_and_listed_but_uncited(tmp_path: Path) -> None:
    document = clean_document("en")
    document.sections[1].body += "\n\nA fourth study is cited but missing from the list [4]."
    document.references.append("Nobody Cited. A Paper Nobody Cites. Venue, 2020.")  # [4] listed
    document.references.append("Also Uncited. Another Paper Nobody Cites. Venue, 2021.")  # [5]
    card = score_document(recount(document), tmp_path)
    found = findings(card, "citation_integrity")
    assert any(f.startswith("[5] Also Uncited") and "never cited" in f for f in found)
    assert not any(f.startswith("[4] Nobody") for f in found)  # [4] is cited now
    document.references = document.references[:3]
    card = score_document(recount(document), tmp_path)
    assert any(
        "cites [4]" in f and "cited but not listed" in f
        for f in findings(card, "citation_integrity")
    )


def test_ranges_and_lists_count_as_citations_of_each_number(tmp_path: Path) -> None:
    document = clean_document("en")
    document.references.append("Extra Author. An Extra Study of Citations. Venue, 2020.")
    document.sections[0].body += "\n\nSeveral studies agree on this point [1-4]."
    card = score_document(recount(document), tmp_path)
    assert card.figure("citation_integrity").passed, findings(card, "citation_integrity")


# ------------------------------------------------------------------ fragments


def test_mid_sentence_starts_ends_and_debris_are_fragments(tmp_path: Path) -> None:
    document = clean_document("en")
    document.sections[0].body += (
        "\n\nlearning rate was tuned on the validation split as in prior work."
        "\n\nThe encoder learns to project different modalities features to"
        "\n\nPrior systems t al., 2020), Deng et al used the same split."
        "\n\n• The bullet survived extraction into the draft text."
        "\n\nThe classiﬁer is trained with a contrastive objective."
        "\n\n(2015), we measure Pearson correlation against human rankings."
    )
    card = score_document(recount(document), tmp_path)
    found = findings(card, "fragments")
    assert any(f.startswith("learning rate") and "lower-case" in f for f in found)
    assert any("features to" in f and "mid-sentence" in f for f in found)
    assert any("t al., 2020" in f and "stub" in f for f in found)
    assert any("•" in f for f in found)
    assert any("ﬁ" in f for f in found)
    assert any(f.startswith("(2015), we measure") and "cut citation" in f for f in found)


def test_chinese_fragment_starting_with_punctuation_and_ending_open(tmp_path: Path) -> None:
    document = clean_document("zh")
    document.sections[
        2
    ].body += "\n\n，并且在三个数据集上验证了方法的有效性。\n\n该方法首先对输入图像进行编码然后"
    card = score_document(recount(document), tmp_path)
    found = findings(card, "fragments")
    assert any(f.startswith("，并且") for f in found)
    assert any(f.startswith("该方法首先") and "mid-sentence" in f for f in found)


def test_latin_text_turned_into_ideographs_is_debris(tmp_path: Path) -> None:
    """A PDF text layer that gave "Lang8" as 奌奡奮奧夸 (a CCL 2022 report): nonsense to a
    reader, so a fragment; a real rare word of one code block ("酚酸酯") is not."""
    document = clean_document("zh")
    document.sections[2].body += (
        "\n\n本赛道的训练集提供了中文奌奡奮奧夸数据，用于训练语法纠错模型[1]。"
        "\n\n寻常型天疱疮的治疗中常用酚酸酯类药物，疗效已得到临床验证[1]。"
    )
    card = score_document(recount(document), tmp_path)
    found = findings(card, "fragments")
    assert len(found) == 1, found
    assert "奌奡奮奧夸 (Lang8)" in found[0] and "turned into Chinese characters" in found[0]


def test_an_enumeration_left_with_its_first_item_is_a_fragment(tmp_path: Path) -> None:
    document = clean_document("zh")
    document.sections[2].body += (
        "\n\n这种差异影响两方面性能：(1) 已知类别样本的分类准确性[1]。"
        "\n\n两方面都受影响：(1) 分类准确性；(2) 聚类效果[1]。"
        "\n\n两方面都受影响。(1) 分类准确性下降[1]。(2) 聚类效果变差[1]。"
        "\n\nWe rewrite GLEU with Equations (1) through (7) of the method section [1]."
    )
    card = score_document(recount(document), tmp_path)
    found = findings(card, "fragments")
    assert found == [
        "这种差异影响两方面性能：(1) 已知类别样本的分类准确性。 — "
        "an enumeration with only its first item '(1)': the rest was cut off"
    ]


# ------------------------------------------------------------------ repeats


def test_sentence_repeated_across_sections(tmp_path: Path) -> None:
    document = clean_document("en")
    repeated = (
        "Hybrid retrieval combines a dense channel with a lexical channel for every query [1]."
    )
    document.sections[0].body += "\n\n" + repeated
    document.sections[4].body += "\n\n" + repeated.replace("[1]", "[2]")  # other marker, same text
    document.sections[3].body += "\n\nSee Table 2.\n\nSee Table 2."  # too short to count
    card = score_document(recount(document), tmp_path)
    found = card.figure("repeats").findings
    assert len(found) == 1
    assert found[0].section == "Conclusion" and "Introduction" in found[0].detail


def test_a_sentence_said_again_in_other_words_is_a_near_repeat(tmp_path: Path) -> None:
    document = clean_document("en")
    document.sections[0].body += (
        "\n\nIt is not straightforward to align source sentences (learner sentences containing "
        "errors) to their target sentences (correct sentences) [1]."
    )
    document.sections[2].body += (
        "\n\nIt is not straightforward to align learner sentences containing errors to their "
        "correct sentences [2]."
    )
    # Two definitions that share most words but say different things are not repeats.
    document.sections[3].body += (
        "\n\nPrecision is the fraction of retrieved documents that are relevant to the query [1]. "
        "Recall is the fraction of relevant documents that are retrieved for the query [1]."
    )
    card = score_document(recount(document), tmp_path)
    found = card.figure("repeats").findings
    assert len(found) == 1
    assert found[0].detail == "nearly repeats a sentence of Introduction"
    assert found[0].text.startswith("It is not straightforward to align learner")


# ------------------------------------------------------------------ section length


def test_short_section_and_unknown_heading(tmp_path: Path) -> None:
    document = clean_document("en")
    document.sections[1].body = "Related work is one sentence here [1]."
    document.sections.append(type(document.sections[0])("Appendix Z", "An appendix sentence [2]."))
    card = score_document(recount(document), tmp_path)
    figure = card.figure("section_length")
    assert not figure.passed and figure.value == 4 / 5
    assert any(
        x.section == "Related Work" and "target 800-1200: short" in x.detail
        for x in figure.findings
    )
    assert "Appendix Z" in figure.not_judged


# ------------------------------------------------------------------ language purity


def test_chinese_text_in_an_english_paper(tmp_path: Path) -> None:
    card = score_document(
        _with_paragraph("en", 2, "The method uses 自适应边缘损失 to balance the classes [1]."),
        tmp_path,
    )
    figure = card.figure("language_purity")
    assert not figure.passed and figure.value is not None and figure.value < 1
    assert "自适应边缘损失" in figure.findings[0].detail


def test_english_sentence_in_a_chinese_paper_but_names_are_fine(tmp_path: Path) -> None:
    names = "本文在ImageNet-1K和CIFAR-10上评估BERT与ResNet-50的表现[1]。"
    card = score_document(_with_paragraph("zh", 3, names), tmp_path)
    assert card.figure("language_purity").passed
    english = (
        "The results show that the proposed model clearly outperforms all of the baselines [2]."
    )
    card = score_document(_with_paragraph("zh", 3, english), tmp_path)
    figure = card.figure("language_purity")
    assert not figure.passed and figure.findings[0].text.startswith("The results show")


# ------------------------------------------------------------------ statistics


def test_papers_used_and_length_disagreeing_with_the_paper(tmp_path: Path) -> None:
    document = clean_document("en")
    document.stats["papers_used"] = "2"
    document.stats["total_words"] = "12"
    card = score_document(document, tmp_path)
    found = findings(card, "statistics")
    assert any("Papers used: 2" in f and "references list 3" in f for f in found)
    assert any("Papers used: 2" in f and "cites 3" in f for f in found)
    assert any("Total length: 12" in f for f in found)


def test_a_chinese_papers_statistics_line_is_quoted_as_it_prints_it(tmp_path: Path) -> None:
    document = clean_document("zh")
    document.stats["papers_used"] = "2"
    card = score_document(document, tmp_path)
    assert {x.text for x in card.figure("statistics").findings} == {"使用的论文数量: 2"}


def test_no_statistics_block_is_not_judged(tmp_path: Path) -> None:
    document = clean_document("en")
    document.stats = {}
    card = score_document(document, tmp_path)
    assert card.figure("statistics").passed is None
    assert "no statistics block" in card.figure("statistics").not_judged
