"""Citation integrity: every marker in the text is a number of a listed reference, and every
listed reference is cited. Raw store keys, `[?]`, author-year and full-width markers, numbers
outside the list, and references nobody cites are each one finding."""

from __future__ import annotations

from ragcore.quality.model import Figure, Finding, count_figure
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import markers, paragraphs, split
from ragcore.quality.wording import Code

KEY, NAME = "citation_integrity", "Citation integrity (problems)"
_CODES = {
    "raw_key": Code.RAW_KEY,
    "unresolved": Code.UNRESOLVED,
    "author_year": Code.AUTHOR_YEAR,
    "wide": Code.WIDE,
}


def citation_integrity(paper: PaperUnderCheck) -> Figure:
    findings: list[Finding] = []
    listed = len(paper.references)
    cited: set[int] = set()
    checked = 0
    for section in paper.written():
        for sentence in (s for p in paragraphs(section.body) for s in split(p)):
            for marker in markers(sentence):
                if marker.kind == "other":
                    continue
                checked += 1
                if marker.kind in _CODES:
                    findings.append(
                        Finding(
                            section.heading, sentence, _CODES[marker.kind], {"marker": marker.raw}
                        )
                    )
                    continue
                for number in marker.numbers:
                    if 1 <= number <= listed:
                        cited.add(number)
                    else:
                        findings.append(
                            Finding(
                                section.heading,
                                sentence,
                                Code.NOT_LISTED,
                                {"marker": marker.raw, "number": number, "listed": listed},
                            )
                        )
    for entry in paper.references:
        if entry.number not in cited and not entry.is_note:
            findings.append(Finding("", f"[{entry.number}] {entry.text}", Code.UNCITED))
    return count_figure(KEY, NAME, findings, checked + listed)
