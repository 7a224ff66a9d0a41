"""Off-topic citations: cited evidence below the relevance floor for the paper's topic.

One citation = one (section, cited paper) pair; its relevance is the best relevance to the topic
of that paper's cards in the section's evidence (the retrieval's own scale, see relevance.py).
Manual notes are the researcher's own material and always on topic."""

from __future__ import annotations

from ragcore.quality.model import Figure, Finding, not_judged
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import cited_numbers, sentences
from ragcore.quality.wording import Code, Phrase

KEY, NAME, IDEAL = "off_topic", "Off-topic citations (share)", "<= 0.05"
MAX_SHARE = 0.05


def off_topic(paper: PaperUnderCheck) -> Figure:
    if not paper.has_evidence or paper.floor is None:
        return not_judged(KEY, NAME, "rate", IDEAL, Phrase(Code.OFF_TOPIC_FILE))
    figure = Figure(KEY, NAME, "rate", IDEAL)
    pairs = unknown = off = 0
    for section in paper.written():
        first_sentence: dict[str, str] = {}
        for sentence in sentences(section.body):
            for number in cited_numbers(sentence):
                if 1 <= number <= len(paper.references):
                    first_sentence.setdefault(paper.references[number - 1].paper_id, sentence)
        for paper_id, sentence in first_sentence.items():
            evidence = section.evidence_of(paper_id)
            if any(e.is_note for e in evidence):
                pairs += 1
                continue
            known = [e.relevance for e in evidence if e.relevance is not None]
            if not known:
                unknown += 1
                continue
            pairs += 1
            best = max(known)
            if best < paper.floor:
                off += 1
                figure.findings.append(
                    Finding(
                        section.heading,
                        sentence,
                        Code.BELOW_FLOOR,
                        {"paper_id": paper_id, "relevance": best, "floor": paper.floor},
                    )
                )
    if unknown:
        figure.why_not = Phrase(Code.RELEVANCE_UNKNOWN, {"count": unknown})
    if pairs:
        figure.value, figure.checked = off / pairs, pairs
        figure.passed = figure.value <= MAX_SHARE
    return figure
