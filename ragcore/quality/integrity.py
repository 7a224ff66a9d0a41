"""Citation integrity: every marker in the text is a number of a listed reference, and every
listed reference is cited. Raw store keys, `[?]`, author-year and full-width markers, numbers
outside the list, and references nobody cites are each one finding."""

from __future__ import annotations

from ragcore.quality.model import Figure, Finding, count_figure
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import markers, paragraphs, split

KEY, NAME = "citation_integrity", "Citation integrity (problems)"
_DETAILS = {
    "raw_key": "a raw library key in the text, not a numbered citation",
    "unresolved": "an unresolved citation ([?]): the citation was dropped",
    "author_year": "an author-year citation in a numbered paper: it matches no reference",
    "wide": "a full-width bracket marker: not a reference number",
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
                if marker.kind in _DETAILS:
                    findings.append(
                        Finding(section.heading, sentence, f"{marker.raw}: {_DETAILS[marker.kind]}")
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
                                f"{marker.raw}: cites [{number}] but the references list "
                                f"{listed} entr{'y' if listed == 1 else 'ies'} (cited but not listed)",
                            )
                        )
    for entry in paper.references:
        if entry.number not in cited and not entry.is_note:
            findings.append(Finding("", f"[{entry.number}] {entry.text}", "listed but never cited"))
    return count_figure(KEY, NAME, findings, checked + listed)
