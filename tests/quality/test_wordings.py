"""The scorecard's words: every code has a wording in every language, and the Chinese interface
shows the scorecard in Chinese: every finding, "not judged" reason and note that a paper full of
planted defects produces is worded in Chinese by `describe`, with only the values it quotes
(sentences, titles, numbers) kept."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

import pytest

from ragcore.documents.paper import PaperSection
from ragcore.quality.wording import WORDINGS, Code, Coded, Phrase, describe
from ragcore.text import FlawKind
from tests.quality.conftest import clean_document, recount, score_document

QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|【\d+】|\[[^\]]*\]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u3400-\u9fff]")
# What a Chinese wording may keep in Latin letters: quoted examples (“al.”), Markdown syntax in
# backticks, and the names of formats.
KEPT_IN_ZH = re.compile(r"“[^”]*”|`[^`]*`|UTF-8|Markdown")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", list(Code))
def test_every_code_has_a_wording_in_every_language(code: Code) -> None:
    english = WORDINGS["en"].get(code, "")
    assert english.strip() and not CJK.search(english), code
    for lang, table in WORDINGS.items():
        wording = table.get(code, "")
        assert wording.strip(), (lang, code)
        assert _fields(wording) == _fields(english), (lang, code)  # the same values quoted
    chinese = string.Formatter().parse(WORDINGS["zh"][code])
    plain = KEPT_IN_ZH.sub(" ", "".join(literal for literal, *_ in chinese))
    assert not ENGLISH.findall(plain), code
    assert CJK.search(plain), code


def test_tables_word_only_known_codes() -> None:
    for table in WORDINGS.values():
        assert set(table) == set(Code)


def test_every_flaw_of_a_sentence_has_a_code() -> None:
    """`ragcore.text` names the holes and formula debris it finds; the scorecard words them."""
    for kind in get_args(FlawKind):
        assert Code(f"fragment.{kind}") in WORDINGS["zh"]


def test_values_are_worded_in_the_language_asked_for() -> None:
    inner = Phrase(Code.TITLE_HEX, {"title": "<4D69>"})
    nested = Phrase(Code.IN_RECORD, {"problem": inner})
    assert describe(nested, "en") == (
        "the title '<4D69>' is a hex string: edit the paper's record in the Library"
    )
    assert describe(nested, "zh") == "标题 '<4D69>' 是十六进制串：请在文献库中编辑这篇论文的记录"
    one = Phrase(Code.NOT_LISTED, {"marker": "[3]", "number": 3, "listed": 1})
    assert describe(one, "en").endswith(
        "[3] but the references list 1 entry (cited but not listed)"
    )
    two = Phrase(Code.NO_TARGET, {"headings": ("Appendix Z", "附录")})
    assert describe(two, "en") == (
        "no length target for 'Appendix Z', '附录' (not a section of the plan)"
    )
    assert describe(two, "zh") == "'Appendix Z'、'附录' 没有长度目标（不是大纲中的章节）"
    low = Phrase(
        Code.LOW_SUPPORT, {"score": 0.3333, "threshold": 0.5, "meaning": 0.5, "words": 0.1}
    )
    assert describe(low, "en") == "support 0.33 below 0.5 (meaning 0.50, words 0.10)"
    assert str(low) == describe(low, "en") and describe(low, "fr") == describe(low, "en")
    assert nested.to_dict() == {
        "code": "reference.in_record",
        "values": {"problem": {"code": "reference.title_hex", "values": {"title": "<4D69>"}}},
    }


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
def test_every_scorecard_finding_is_worded_in_chinese(lang: str, tmp_path: Path) -> None:
    document = _defective(lang)
    card = score_document(document, tmp_path)
    headings = [s.heading for s in document.sections]  # the paper's own words
    said: list[Coded] = [*(x for f in card.figures for x in f.findings), *card.remarks]
    said += [f.why_not for f in card.figures if f.why_not]
    kinds = {f.key for f in card.figures if f.findings}
    assert len(kinds) >= 7, kinds  # most figures have findings to word
    assert len({x.code for x in said}) >= 20  # many different codes are worded
    left = {}
    for item in said:
        english, chinese = describe(item, "en"), describe(item, "zh")
        for heading in headings:
            chinese = chinese.replace(heading, " ")
        if stray := ENGLISH.findall(QUOTED.sub(" ", chinese)):
            left[english] = stray
    assert not left, left
