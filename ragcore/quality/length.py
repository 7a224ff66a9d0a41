"""Section length against its target: Chinese characters plus English words (citation markers
not counted, as the export counts them) within the section plan's [min, max]."""

from __future__ import annotations

from ragcore.drafting.export import paper_length
from ragcore.quality.model import Figure, Finding
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import without_export_notes
from ragcore.quality.wording import Code, Phrase

KEY, NAME = "section_length", "Sections within length target (share)"


def section_length(paper: PaperUnderCheck) -> Figure:
    figure = Figure(KEY, NAME, "rate", "1.00")
    judged = within = 0
    unknown = []
    for section in paper.sections:
        if section.target is None:
            unknown.append(section.heading)
            continue
        low, high = section.target
        length = paper_length(without_export_notes(section.body))
        judged += 1
        target = {"low": low, "high": high}
        if length < low:
            code = Code.EMPTY_SHORT if length == 0 else Code.SHORT
            figure.findings.append(
                Finding(section.heading, section.heading, code, {"length": length, **target})
            )
        elif length > high:
            figure.findings.append(
                Finding(section.heading, section.heading, Code.LONG, {"length": length, **target})
            )
        else:
            within += 1
    if unknown:
        figure.why_not = Phrase(Code.NO_TARGET, {"headings": tuple(unknown)})
    if judged:
        figure.value, figure.checked = within / judged, judged
        figure.passed = within == judged
    return figure
