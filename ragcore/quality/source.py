"""The paper under check, from a project (sections, evidence, references and papers from the
stores) or from an exported PAPER.md (text only: no evidence, so some figures cannot be judged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ragcore.documents.paper import PaperDocument, looks_like_paper, parse_paper
from ragcore.errors import InputError
from ragcore.library.cards import Paper
from ragcore.quality.wording import Code, Phrase
from ragcore.retrieval.sectionplan import SectionPlan, load_plan

REVIEW_HEADINGS = {"审阅附录", "Review appendix"}
NOTE_ENTRIES = {"项目笔记（非文献）", "Project note (not a publication)"}
MISSING_BODIES = {"（本节尚未生成）", "(This section has not been generated yet.)"}


@dataclass
class Evidence:
    """One evidence text a section was written from."""

    card_id: str
    paper_id: str
    text: str
    summary_type: str = ""
    relevance: float | None = None  # to the topic, on the retrieval's scale; None = unknown
    is_note: bool = False


@dataclass
class SectionUnderCheck:
    key: str
    heading: str
    body: str
    target: tuple[int, int] | None = None  # [min, max] length from the section plan
    evidence: list[Evidence] | None = None  # None: unknown (a file)
    # Grounding flags as (sentence, claim); None = not known, recompute from the evidence.
    grounding: list[tuple[str, str]] | None = None
    claims_checked: int = 0
    allowed_terms: list[str] = field(default_factory=list)  # the brief's own terms
    # Length of the usable evidence (its cards and its papers' role-fitting raw text) that the
    # paper does not use (`headroom`); None = unknown (a file).
    unused_evidence: int | None = None

    def evidence_of(self, paper_id: str) -> list[Evidence]:
        return [e for e in self.evidence or [] if e.paper_id == paper_id]


@dataclass
class ReferenceEntry:
    number: int
    text: str
    paper_id: str = ""  # known for a project
    paper: Paper | None = None  # the library's record (project), None for a file

    @property
    def is_note(self) -> bool:
        return self.text.strip() in NOTE_ENTRIES or self.paper_id.startswith("note:")


@dataclass
class PaperUnderCheck:
    origin: str  # "project" or "file"
    source: str
    title: str
    topic: str
    lang: str
    sections: list[SectionUnderCheck] = field(default_factory=list)
    references: list[ReferenceEntry] = field(default_factory=list)
    stats: dict[str, str] = field(default_factory=dict)
    floor: float | None = None  # the relevance floor; None = unknown
    notes: list[Phrase] = field(default_factory=list)  # what cannot be judged at all, and why

    @property
    def has_evidence(self) -> bool:
        return self.origin == "project"

    def written(self) -> list[SectionUnderCheck]:
        """Sections that have text to judge."""
        return [s for s in self.sections if s.body.strip()]


def _target(plan: SectionPlan, heading: str) -> tuple[int, int] | None:
    try:
        return plan.find(heading).words
    except InputError:
        return None


def section_body(raw: str) -> str:
    return "" if raw.strip() in MISSING_BODIES else raw


def from_document(
    document: PaperDocument, source: str, plan: SectionPlan | None = None
) -> PaperUnderCheck:
    """A parsed paper file: text, references and statistics; no evidence."""
    plan = plan or load_plan()
    paper = PaperUnderCheck(
        origin="file",
        source=source,
        title=document.title,
        topic=document.meta.get("topic", ""),
        lang=document.lang,
        stats=dict(document.stats),
    )
    for section in document.sections:
        if section.heading in REVIEW_HEADINGS:
            continue
        key = section.heading
        paper.sections.append(
            SectionUnderCheck(key, section.heading, section_body(section.body), _target(plan, key))
        )
    paper.references = [ReferenceEntry(n, text) for n, text in enumerate(document.references, 1)]
    for checked in paper.sections:
        if not checked.body.strip():
            paper.notes.append(Phrase(Code.SECTION_EMPTY, {"heading": checked.heading}))
    return paper


def from_text(text: str, source: str) -> PaperUnderCheck:
    if not looks_like_paper(text):
        paper = PaperUnderCheck("file", source, "", "", "zh")
        paper.notes.append(Phrase(Code.NOT_A_PAPER))
        return paper
    return from_document(parse_paper(text), source)


def from_file(path: Path) -> PaperUnderCheck:
    if not path.is_file():
        raise InputError(f"{path}: no such file (give a project id or an exported PAPER.md)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        paper = PaperUnderCheck("file", str(path), "", "", "zh")
        paper.notes.append(Phrase(Code.NOT_UTF8))
        return paper
    return from_text(text, str(path))
