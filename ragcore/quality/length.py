"""Section length against its target: Chinese characters plus English words (citation markers
not counted, as the export counts them) within the section plan's [min, max].

A short section counts as the library's shortfall, not a failure, when the paper's unused
evidence for it (`headroom`) would not reach the target either: drafting fills a section
"toward its target when the evidence allows" and says so when it does not. A paper file has
no evidence to tell, so there every short section fails."""

from __future__ import annotations

from ragcore.drafting.export import paper_length
from ragcore.quality.model import Figure, Finding
from ragcore.quality.source import PaperUnderCheck, SectionUnderCheck
from ragcore.quality.text import without_export_notes
from ragcore.quality.wording import Code, Phrase

KEY, NAME = "section_length", "Sections within length target or short of evidence (share)"


def section_length(paper: PaperUnderCheck) -> Figure:
    figure = Figure(KEY, NAME, "rate", "1.00")
    judged = within = 0
    unknown = []
    for section in paper.sections:
        if section.target is None:
            unknown.append(section.heading)
            continue
        low, high = section.target
        length = written_length(section)
        judged += 1
        target = {"low": low, "high": high}
        if length < low:
            code = _shortfall(length, low, section.unused_evidence)
            within += code == Code.SHORT_EXHAUSTED
            values = {"length": length, **target, "unused": section.unused_evidence or 0}
            figure.findings.append(Finding(section.heading, section.heading, code, values))
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


def written_length(section: SectionUnderCheck) -> int:
    """The section's length as the export counts it, its export notes left out."""
    return paper_length(without_export_notes(section.body))


def is_short(section: SectionUnderCheck) -> bool:
    """Below its target's minimum (a section without a target is never short)."""
    return section.target is not None and written_length(section) < section.target[0]


def _shortfall(length: int, low: int, unused: int | None) -> Code:
    if unused is None:  # a file: nothing tells whether the evidence allowed more
        return Code.EMPTY_SHORT if length == 0 else Code.SHORT
    return Code.SHORT_EXHAUSTED if length + unused < low else Code.SHORT_UNUSED


def at_target(figure: Figure) -> float | None:
    """The share of judged sections within their target (the library's shortfalls counted as
    short): what the figure was before it told the library's shortfall from the pipeline's."""
    if not figure.checked:
        return None
    return (figure.checked - len(figure.findings)) / figure.checked
