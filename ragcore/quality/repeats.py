"""Repeated sentences: a sentence (ignoring citations, case, spacing and punctuation) that occurs
more than once in the paper, in the same section or across sections, or that nearly repeats an
earlier one (`ragcore.text.NearDuplicates`: 80% of their content terms in common, as a paper's
abstract and introduction say the same thing in other words). Short sentences (under six words
or ten Chinese characters) are not counted: "Results are shown in Table 2." may recur.
"""

from __future__ import annotations

import re

from ragcore.quality.model import Figure, Finding, count_figure
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import sentences, strip_markers
from ragcore.quality.wording import Code, Phrase
from ragcore.text import NearDuplicates, cjk_count, count_words

KEY, NAME = "repeats", "Repeated sentences (count)"
MIN_WORDS, MIN_CJK = 6, 10


def normalise(sentence: str) -> str:
    return re.sub(r"[\W_]+", "", strip_markers(sentence).casefold())


def _long_enough(sentence: str) -> bool:
    cjk = cjk_count(sentence)
    return cjk >= MIN_CJK if cjk else count_words(sentence) >= MIN_WORDS


def repeats(paper: PaperUnderCheck) -> Figure:
    first_seen: dict[str, str] = {}
    near = NearDuplicates()
    findings: list[Finding] = []
    checked = 0
    for section in paper.written():
        for sentence in sentences(section.body):
            if not _long_enough(sentence):
                continue
            checked += 1
            key = normalise(sentence)
            if key in first_seen:
                why = _where(first_seen[key], section.heading, near=False)
                findings.append(Finding.of(section.heading, sentence, why))
            elif (earlier := near.earlier_or_add(strip_markers(sentence), key)) is not None:
                why = _where(first_seen[earlier], section.heading, near=True)
                findings.append(Finding.of(section.heading, sentence, why))
            else:
                first_seen[key] = section.heading
    return count_figure(KEY, NAME, findings, checked)


def _where(first: str, heading: str, near: bool) -> Phrase:
    """Repeats (or nearly repeats) a sentence of this section or of the section `first`."""
    if first == heading:
        return Phrase(Code.NEAR_REPEATS_HERE if near else Code.REPEATS_HERE)
    return Phrase(Code.NEAR_REPEATS if near else Code.REPEATS, {"section": first})
