"""The checks shown next to a draft: citations (issue 6.5) and grounding (issue 6.6).

Run when a version is saved, with the evidence the section was written from, and stored with
the version, so the studio and the export show them without recomputing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ragcore.drafting.citations import CitationIssue, check_citations
from ragcore.drafting.grounding import GroundingFlag, check_grounding
from ragcore.drafting.notes import DraftNote
from ragcore.retrieval import notes as _context_notes  # noqa: F401  (registers their codes)
from ragcore.wording import Note, Phrase, note_from_json, note_to_json, word_note

if TYPE_CHECKING:  # versions imports this module for its review type
    from ragcore.drafting.versions import SectionVersion


@dataclass
class SectionReview:
    citation_issues: list[CitationIssue] = field(default_factory=list)
    cited_keys: list[str] = field(default_factory=list)
    unsupported: list[GroundingFlag] = field(default_factory=list)
    claims_checked: int = 0
    # What the writer has to say about the section (weak or missing evidence, short, citations
    # it mapped or removed): shown on Draft and in the review appendix, never in the text.
    # Codes with values (`drafting.notes`, `retrieval.notes`), worded where shown; a version
    # saved before notes were coded holds finished sentences, kept as they are.
    warnings: list[Note] = field(default_factory=list)

    @property
    def no_citations(self) -> bool:
        return any(issue.kind == "no_citations" for issue in self.citation_issues)

    @property
    def clean(self) -> bool:
        return not self.citation_issues and not self.unsupported

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["warnings"] = [note_to_json(w) for w in self.warnings]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SectionReview:
        return cls(
            citation_issues=[CitationIssue(**d) for d in data.get("citation_issues", [])],
            cited_keys=list(data.get("cited_keys", [])),
            unsupported=[GroundingFlag(**d) for d in data.get("unsupported", [])],
            claims_checked=int(data.get("claims_checked", 0)),
            warnings=[note_from_json(w) for w in data.get("warnings", [])],
        )

    def notes(self) -> list[Note]:
        """The notes, then the citation issues, then one per sentence with claims found in no
        evidence: everything `lines` words."""
        claims: dict[str, list[str]] = {}  # one line per flagged sentence
        for flag in self.unsupported:
            claims.setdefault(flag.sentence, [])
            if flag.claim not in claims[flag.sentence]:
                claims[flag.sentence].append(flag.claim)
        grounding = [
            Phrase(DraftNote.NOT_IN_EVIDENCE, {"claims": tuple(c), "sentence": s})
            for s, c in claims.items()
        ]
        return [*self.warnings, *(i.phrase() for i in self.citation_issues), *grounding]

    def lines(self, lang: str = "zh") -> list[str]:
        """One plain line per finding, for the CLI and the review appendix (in the paper's
        language) and the studio (in the interface language)."""
        return [word_note(note, lang) for note in self.notes()]


def review_section(
    text: str,
    keys: Mapping[str, str],
    evidence_texts: Iterable[str],
    allowed_terms: Iterable[str] = (),
    *,
    warnings: Iterable[Note] = (),
) -> SectionReview:
    citations = check_citations(text, keys)
    grounding = check_grounding(text, evidence_texts, allowed_terms)
    return SectionReview(
        citations.issues,
        citations.cited,
        grounding.flags,
        grounding.claims_checked,
        list(warnings),
    )


def review_hand_edit(
    version: SectionVersion, text: str, allowed_terms: Iterable[str] = ()
) -> SectionReview:
    """The checks of a hand edit of `version`: against exactly the evidence the section was
    generated from (cards as edited, notes, excerpts), its keys and the brief's terms."""
    return review_section(text, version.citation_keys, version.evidence_texts, allowed_terms)
