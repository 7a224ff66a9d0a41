"""Fragments: sentences and paragraphs that start or end mid-sentence, and extraction debris
(bullets, ligatures, replacement characters, cut citation stubs such as "t al., 2020), Deng et al").
"""

from __future__ import annotations

import re

from ragcore.quality.model import Figure, Finding, count_figure
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import blocks, split, strip_markers
from ragcore.text import cjk_count, formula_debris, text_gap

KEY, NAME = "fragments", "Fragments (count)"
_DEBRIS = re.compile(r"[•▪●◦■□◆◇▶►\uf0a7\uf0b7\ufffd\u200b\x0c]|[\ufb00-\ufb06]|ï¬|â€")
_STUB = re.compile(
    r"(?<![A-Za-z])(?!et\b)[a-z]{1,2} al\.,?\s*(?:19|20)\d{2}"  # "t al., 2020"
    r"|\bet al\s*$|\bet al\.,\s*$"  # a sentence ending on "et al"
    r"|(?<![A-Za-z])[A-Z][a-z]+ et al(?![.\w])"  # "Deng et al" without its period and year
)
# A sentence cannot end on these words (the paragraph was cut after them).
_DANGLING = re.compile(
    r"\b(?:to|the|of|and|a|an|in|for|with|by|on|from|as|at|or|that|which|such|than|into|via)"
    r"\s*[.!?]?$"
)
# "(2015), we measure ...": the authors of "Grundkiewicz et al. (2015)" were cut off.
_CUT_YEAR = re.compile(r"^\s*[(（](?:19|20)\d{2}[a-z]?[)）]\s*[,，]?\s*[a-z]")
_OPEN_PUNCT = tuple(",;:)]}.、，；：）」』】%")
_ZH_END = tuple("。！？!?」』”）)")
_EN_END = tuple(".!?\"'”’)")


def _starts_mid(text: str, lang: str) -> str:
    first = text.lstrip()[:1]
    if not first:
        return ""
    if first in _OPEN_PUNCT:
        return "starts with punctuation: it begins mid-sentence"
    if (
        first.isascii()
        and first.islower()
        and not re.match(r"^(?:e\.g\.|i\.e\.|[a-z]+[A-Z])", text.lstrip())
    ):
        return "starts with a lower-case word: it begins mid-sentence"
    if re.match(r"^\s*al\.", text):
        return 'starts with a cut citation ("al.")'
    if _CUT_YEAR.match(text):
        return 'starts with the year of a cut citation ("(2015), we ...")'
    return ""


def _ends_mid(text: str, lang: str) -> str:
    stripped = text.rstrip()
    if not stripped:
        return ""
    ends = _ZH_END + _EN_END if lang == "zh" or cjk_count(stripped[-3:]) else _EN_END
    if not stripped.endswith(ends) and not stripped.endswith("."):
        return "ends without a sentence end: it stops mid-sentence"
    if _DANGLING.search(stripped.rstrip(".!?")) and cjk_count(stripped) == 0:
        return "ends on a word a sentence cannot end with: it was cut"
    return ""


def _debris(sentence: str) -> str:
    if match := _DEBRIS.search(sentence):
        return f"extraction debris {match.group(0)!r}"
    if match := _STUB.search(sentence):
        return f"a cut citation stub {match.group(0).strip()!r}"
    if why := text_gap(sentence) or formula_debris(sentence):
        return why
    opened = 0
    for ch in sentence:
        opened += ch in "(（"
        if ch in ")）":
            if opened == 0:
                return "a closing parenthesis without its opening: a cut-off piece of text"
            opened -= 1
    return ""


def paragraph_problems(paragraph: str, lang: str, item: bool = False) -> list[tuple[str, str]]:
    """(text, what is wrong) for one paragraph and its sentences."""
    text = strip_markers(paragraph).strip()
    found: list[tuple[str, str]] = []
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
    return found


def fragments(paper: PaperUnderCheck) -> Figure:
    findings: list[Finding] = []
    checked = 0
    for section in paper.written():
        for paragraph, item in blocks(section.body):
            checked += len(split(paragraph))
            for text, why in paragraph_problems(paragraph, paper.lang, item):
                findings.append(Finding(section.heading, text, why))
    return count_figure(KEY, NAME, findings, checked)
