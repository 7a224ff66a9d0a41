"""Fragments: sentences and paragraphs that start or end mid-sentence, and extraction debris
(bullets, ligatures, replacement characters, cut citation stubs such as "t al., 2020), Deng et al").
"""

from __future__ import annotations

import re

from ragcore.library.latin_glyphs import garbled_glyphs
from ragcore.quality.model import Figure, Finding, count_figure
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import blocks, split, strip_markers
from ragcore.quality.wording import Code, Phrase
from ragcore.text import (
    citation_stub,
    cjk_count,
    ends_dangling,
    formula_debris,
    text_gap,
    unopened_parenthesis,
)

KEY, NAME = "fragments", "Fragments (count)"
_DEBRIS = re.compile(r"[•▪●◦■□◆◇▶►\uf0a7\uf0b7\ufffd\u200b\x0c]|[\ufb00-\ufb06]|ï¬|â€")
# "(2015), we measure ...": the authors of "Grundkiewicz et al. (2015)" were cut off.
_CUT_YEAR = re.compile(r"^\s*[(（](?:19|20)\d{2}[a-z]?[)）]\s*[,，]?\s*[a-z]")
# "两方面：(1) A。" promises more items than it holds: the rest was split off or cut.
# Only a marker that opens a list counts: after a colon, a semicolon or a comma, or first in the
# sentence ("Equations (1) through (7)" is no list).
_FIRST_ITEM = re.compile(r"(?:^|(?<=[:：;；,，、]))\s*(?:[(（]1[)）]|①)")
_SECOND_ITEM = re.compile(r"[(（]2[)）]|②")
_OPEN_PUNCT = tuple(",;:)]}.、，；：）」』】%")
_ZH_END = tuple("。！？!?」』”）)")
_EN_END = tuple(".!?\"'”’)")


def _starts_mid(text: str, lang: str) -> Phrase | None:
    first = text.lstrip()[:1]
    if not first:
        return None
    if first in _OPEN_PUNCT:
        return Phrase(Code.STARTS_PUNCTUATION)
    if (
        first.isascii()
        and first.islower()
        and not re.match(r"^(?:e\.g\.|i\.e\.|[a-z]+[A-Z])", text.lstrip())
    ):
        return Phrase(Code.STARTS_LOWER)
    if re.match(r"^\s*al\.", text):
        return Phrase(Code.STARTS_CUT_CITATION)
    if _CUT_YEAR.match(text):
        return Phrase(Code.STARTS_CUT_YEAR)
    return None


def _ends_mid(text: str, lang: str) -> Phrase | None:
    stripped = text.rstrip()
    if not stripped:
        return None
    ends = _ZH_END + _EN_END if lang == "zh" or cjk_count(stripped[-3:]) else _EN_END
    if not stripped.endswith(ends) and not stripped.endswith("."):
        return Phrase(Code.ENDS_MID)
    if ends_dangling(stripped):
        return Phrase(Code.ENDS_DANGLING)
    return None


def _debris(sentence: str) -> Phrase | None:
    if match := _DEBRIS.search(sentence):
        return Phrase(Code.DEBRIS, {"piece": match.group(0)})
    if piece := citation_stub(sentence):
        return Phrase(Code.CITATION_STUB, {"piece": piece})
    if flaw := text_gap(sentence) or formula_debris(sentence) or garbled_glyphs(sentence):
        code = Code(f"fragment.{flaw.kind}")
        return Phrase(code, {"piece": flaw.piece} if flaw.piece else {})
    if unopened_parenthesis(sentence):
        return Phrase(Code.CLOSING_PARENTHESIS)
    return None


def paragraph_problems(paragraph: str, lang: str, item: bool = False) -> list[tuple[str, Phrase]]:
    """(text, what is wrong) for one paragraph and its sentences."""
    text = strip_markers(paragraph).strip()
    found: list[tuple[str, Phrase]] = []
    sentences = split(text)
    if not sentences:
        return found
    if why := _starts_mid(sentences[0], lang):
        found.append((sentences[0], why))
    # A list item need not be a sentence; a paragraph ending in a colon introduces a list.
    last = sentences[-1].rstrip()
    if not item and not last.endswith((":", "：")) and (why := _ends_mid(last, lang)):
        found.append((sentences[-1], why))
    for sentence in sentences:
        if why := _debris(sentence):
            found.append((sentence, why))
    if not _SECOND_ITEM.search(text):  # items may stand as sentences of their own
        for sentence in sentences:
            if match := _FIRST_ITEM.search(sentence):
                piece = match.group(0).strip()
                found.append((sentence, Phrase(Code.LONE_ITEM, {"piece": piece})))
    return found


def fragments(paper: PaperUnderCheck) -> Figure:
    findings: list[Finding] = []
    checked = 0
    for section in paper.written():
        for paragraph, item in blocks(section.body):
            checked += len(split(paragraph))
            for text, why in paragraph_problems(paragraph, paper.lang, item):
                findings.append(Finding.of(section.heading, text, why))
    return count_figure(KEY, NAME, findings, checked)
