"""The Chinese interface shows the scorecard in Chinese: every finding, "not judged" reason and
note that a paper full of planted defects produces has a Chinese wording in
`studio.quality_text`, with only the values it quotes (sentences, titles, numbers) kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ragcore.documents.paper import PaperSection
from studio.quality_text import zh_quality
from tests.quality.conftest import clean_document, recount, score_document

QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|【\d+】|\[[^\]]*\]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _defective(lang: str):  # type: ignore[no-untyped-def]
    document = clean_document(lang)
    document.sections[0].body += (
        "\n\nDense retrieval was compared with sparse retrieval [arxiv:2212.11772]. "
        "A later study disagreed [?]. Another cited it by name [Smith et al., 2020]. "
        "A model wrote a full-width marker 【2】. A fourth study is missing [9]."
        "\n\nlearning rate was tuned on the validation split as in prior work."
        "\n\nThe encoder learns to project different modalities features to"
        "\n\nPrior systems t al., 2020), Deng et al used the same split."
        "\n\n• The bullet survived extraction into the draft text."
        "\n\n(2015), we measure Pearson correlation against human rankings."
        "\n\nThe method uses 自适应边缘损失 to balance the classes [1]."
        "\n\nHybrid retrieval combines a dense channel with a lexical channel for every query [1]."
        "\n\nThe results show that the proposed model clearly outperforms all of the baselines [2]."
        "\n\n，并且在三个数据集上验证了方法的有效性。\n\n该方法首先对输入图像进行编码然后"
    )
    document.sections[
        4
    ].body += (
        "\n\nHybrid retrieval combines a dense channel with a lexical channel for every query [2]."
    )
    document.sections[1].body = "Related work is one sentence here [1]."
    document.sections.append(PaperSection("Appendix Z", "An appendix sentence [2]."))
    document.references += [
        "Administrator. <4D696372736F667420576F7264>.",
        "CNKI. ２０２２年１２月.",
        "2309.11930v2",
        "Normalized Contrastive Learning for Text-Video Retrieval. 2022.",
        "Nobody Cited. A Paper Nobody Cites. Venue, 2020.",
    ]
    for n in range(4, 8):
        document.sections[0].body += f"\n\nStudy {n} agrees [{n}]."
    recount(document)
    document.stats["papers_used"] = "2"
    document.stats["total_words"] = "12"
    return document


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_scorecard_wording_has_a_chinese_one(lang: str, tmp_path: Path) -> None:
    document = _defective(lang)
    card = score_document(document, tmp_path)
    headings = [s.heading for s in document.sections]  # the paper's own words
    wordings = [x.detail for f in card.figures for x in f.findings]
    wordings += [f.not_judged for f in card.figures if f.not_judged] + card.notes
    kinds = {f.key for f in card.figures if f.findings}
    assert len(kinds) >= 7, kinds  # most figures have findings to translate
    left = {}
    for english in wordings:
        chinese = zh_quality(english)
        for heading in headings:
            chinese = chinese.replace(heading, " ")
        if stray := ENGLISH.findall(QUOTED.sub(" ", chinese)):
            left[english] = stray
    assert not left, left
