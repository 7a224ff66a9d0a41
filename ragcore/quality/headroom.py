"""What a short section could still have said: the words of its evidence the paper has not used.

The section length figure asks whether a short section is the library's shortfall or the
pipeline's. The pipeline's, when the paper leaves enough of the section's own evidence unused to
reach the target; the library's, when even all of it would not. "Usable" is what a careful
writer could take from the evidence: a whole sentence (`clean_sentences`: no fragment, no
pointer into the source paper, no citation used as a word) in the paper's language; one that
leans on the sentence before it ("However, ...", "This metric ...") only together with that
sentence, in the paper already or usable itself (the composer's rule, `leans_back`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ragcore.drafting.export import paper_length
from ragcore.llm.composer import clean_sentences, leans_back, sentence_fingerprint
from ragcore.text import detect_lang, split_sentences


def used_sentences(bodies: Iterable[str]) -> set[str]:
    """Fingerprints of every sentence of the paper (citations, spacing, punctuation aside)."""
    return {
        sentence_fingerprint(sentence)
        for body in bodies
        for line in body.splitlines()
        for sentence in split_sentences(line)
    }


def unused_words(evidence: Iterable[tuple[str, bool]], used: set[str], lang: str) -> int:
    """Length (as the export counts it) of the usable sentences of the evidence, given as
    (text, from a paper: not a user's note), that the paper lacks."""
    counted: set[str] = set()
    words = 0
    for text, from_paper in evidence:
        before_available = False  # the sentence before: in the paper, or usable with it
        for sentence in clean_sentences(text, from_paper=from_paper):
            fingerprint = sentence_fingerprint(sentence)
            if fingerprint in used or fingerprint in counted:
                before_available = True
                continue
            usable = detect_lang(sentence) == lang and (
                before_available or not leans_back(sentence)
            )
            if usable:
                counted.add(fingerprint)
                words += paper_length(sentence)
            before_available = usable
    return words
