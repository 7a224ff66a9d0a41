"""Grounding: numbers and dataset/method names the text states that no evidence of its section
contains; the drafting check (`ragcore.drafting.grounding`), reused as it is. A project's
sections use the flags stored with their version (computed with all the evidence the section was
written from, snippets included); otherwise the check runs on the section's cards."""

from __future__ import annotations

from ragcore.drafting.grounding import check_grounding
from ragcore.quality.model import Figure, Finding, not_judged
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import without_export_notes
from ragcore.quality.wording import Code, Phrase

KEY, NAME = "grounding", "Ungrounded claims (count)"


def grounding(paper: PaperUnderCheck) -> Figure:
    if not paper.has_evidence:
        return not_judged(KEY, NAME, "count", "0", Phrase(Code.GROUNDING_FILE))
    findings: list[Finding] = []
    checked = 0
    for section in paper.written():
        if section.grounding is not None:
            flags = section.grounding
            checked += section.claims_checked
        else:
            texts = [e.text for e in section.evidence or []]
            report = check_grounding(
                without_export_notes(section.body), texts, section.allowed_terms
            )
            flags = [(f.sentence, f.claim) for f in report.flags]
            checked += report.claims_checked
        findings += [
            Finding(section.heading, s, Code.UNGROUNDED, {"claim": claim}) for s, claim in flags
        ]
    figure = Figure(KEY, NAME, "count", "0", len(findings), checked, not findings, findings)
    return figure
