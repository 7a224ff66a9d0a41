"""Language purity: an English paper has no Chinese text, a Chinese paper no English sentences.
Names are not a language slip: a Chinese sentence may name BERT or ImageNet-1K; an English
sentence is flagged for a run of two or more Chinese characters, a Chinese one when it is an
English sentence (six or more ordinary English words and fewer Chinese characters than words)."""

from __future__ import annotations

import re

from ragcore.drafting.grounding import is_name
from ragcore.quality.model import Figure, Finding
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import sentences, strip_markers
from ragcore.quality.wording import Code, Phrase
from ragcore.text import cjk_count

KEY, NAME = "language_purity", "Sentences in the paper's language (share)"
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
MIN_ENGLISH_WORDS = 6


def slip(sentence: str, lang: str) -> Phrase | None:
    """Why the sentence is not in the paper's language (None when it is)."""
    text = strip_markers(sentence)
    if lang == "en":
        if match := _CJK_RUN.search(text):
            return Phrase(Code.CHINESE_IN_ENGLISH, {"piece": match.group(0)})
        return None
    words = [w for w in _WORD.findall(text) if not is_name(w) and not w.isupper()]
    if len(words) >= MIN_ENGLISH_WORDS and cjk_count(text) < len(words):
        return Phrase(Code.ENGLISH_IN_CHINESE)
    return None


def language_purity(paper: PaperUnderCheck) -> Figure:
    figure = Figure(KEY, NAME, "rate", "1.00")
    total = 0
    for section in paper.written():
        for sentence in sentences(section.body):
            total += 1
            if why := slip(sentence, paper.lang):
                figure.findings.append(Finding.of(section.heading, sentence, why))
    if total:
        figure.checked = total
        figure.value = 1 - len(figure.findings) / total
        figure.passed = not figure.findings
    else:
        figure.why_not = Phrase(Code.NO_SENTENCES)
    return figure
