"""The checks shown next to a draft: citations (issue 6.5) and grounding (issue 6.6).

Run when a version is saved, with the evidence the section was written from, and stored with
the version, so the studio and the export show them without recomputing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ragcore.drafting.citations import CitationIssue, check_citations
from ragcore.drafting.grounding import GroundingFlag, check_grounding


@dataclass
class SectionReview:
    citation_issues: list[CitationIssue] = field(default_factory=list)
    cited_keys: list[str] = field(default_factory=list)
    unsupported: list[GroundingFlag] = field(default_factory=list)
    claims_checked: int = 0

    @property
    def no_citations(self) -> bool:
        return any(issue.kind == "no_citations" for issue in self.citation_issues)

    @property
    def clean(self) -> bool:
        return not self.citation_issues and not self.unsupported

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SectionReview:
        return cls(
            citation_issues=[CitationIssue(**d) for d in data.get("citation_issues", [])],
            cited_keys=list(data.get("cited_keys", [])),
            unsupported=[GroundingFlag(**d) for d in data.get("unsupported", [])],
            claims_checked=int(data.get("claims_checked", 0)),
        )

    def lines(self, lang: str = "zh") -> list[str]:
        """One plain line per finding, for the CLI, the studio and the review appendix."""
        out = [issue.message(lang) for issue in self.citation_issues]
        template = (
            "未在证据中找到：{c}（{s}）" if lang != "en" else "not in the evidence: {c} ({s})"
        )
        out += [template.format(c=flag.claim, s=flag.sentence) for flag in self.unsupported]
        return out


def review_section(
    text: str,
    keys: Mapping[str, str],
    evidence_texts: Iterable[str],
    allowed_terms: Iterable[str] = (),
) -> SectionReview:
    citations = check_citations(text, keys)
    grounding = check_grounding(text, evidence_texts, allowed_terms)
    return SectionReview(
        citations.issues, citations.cited, grounding.flags, grounding.claims_checked
    )
