"""Repeated sentences: a sentence (ignoring citations, case, spacing and punctuation) that occurs
more than once in the paper, in the same section or across sections. Short sentences (under
six words or ten Chinese characters) are not counted: "Results are shown in Table 2." may recur.
"""

from __future__ import annotations

import re

from ragcore.quality.model import Figure, Finding, count_figure
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import sentences, strip_markers
from ragcore.text import cjk_count, count_words

KEY, NAME = "repeats", "Repeated sentences (count)"
MIN_WORDS, MIN_CJK = 6, 10


def normalise(sentence: str) -> str:
    return re.sub(r"[\W_]+", "", strip_markers(sentence).casefold())


def _long_enough(sentence: str) -> bool:
    cjk = cjk_count(sentence)
    return cjk >= MIN_CJK if cjk else count_words(sentence) >= MIN_WORDS


def repeats(paper: PaperUnderCheck) -> Figure:
    first_seen: dict[str, str] = {}
    findings: list[Finding] = []
    checked = 0
    for section in paper.written():
        for sentence in sentences(section.body):
            if not _long_enough(sentence):
                continue
            checked += 1
            key = normalise(sentence)
            if key in first_seen:
                where = first_seen[key]
                detail = "repeats a sentence of " + (
                    "this section" if where == section.heading else where
                )
                findings.append(Finding(section.heading, sentence, detail))
            else:
                first_seen[key] = section.heading
    return count_figure(KEY, NAME, findings, checked)
