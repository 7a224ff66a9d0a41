"""The evidence model shared by retrieval, the context builder, drafting and the studio.

An `EvidenceItem` is one retrieved card (or a user's manual note) with its relevance, the scores
of each retrieval channel, and the user's choices for the project: include/exclude, pin, an
edited text. Edits belong to the project; the library card is untouched. A `SectionEvidence`
holds a section's items in rank order and assigns the citation keys `[n]`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ragcore.library.cards import NOTE_PAPER_PREFIX, Card, Origin, SummaryType


@dataclass
class ChannelScores:
    """What each channel said about a card; None when the channel did not return it."""

    dense: float | None = None  # cosine similarity in [0, 1]
    bm25: float | None = None  # raw BM25 score (unbounded, for display and debugging)
    lexical: float | None = None  # idf-weighted share of query terms in the card, [0, 1]
    dense_rank: int | None = None  # 1-based
    bm25_rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EvidenceItem:
    card: Card
    relevance: float  # fused, in [0, 1], higher is better
    channels: ChannelScores = field(default_factory=ChannelScores)
    weak: bool = False  # below the relevance floor
    included: bool = True
    pinned: bool = False
    edited_text: str | None = None
    citation_key: str = ""
    kind: Literal["card", "note"] = "card"
    # Switched on by the user: used even beyond the plan's count of cards for its type.
    chosen: bool = False
    excluded: bool = False  # switched off by the user (a backup is off without being excluded)

    @property
    def evidence_id(self) -> str:
        return self.card.card_id

    @property
    def paper_id(self) -> str:
        return self.card.paper_id

    @property
    def summary_type(self) -> SummaryType:
        return self.card.summary_type

    @property
    def text(self) -> str:
        """The text the context uses: the project's edit when there is one."""
        return self.edited_text if self.edited_text is not None else self.card.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "card": self.card.model_dump(mode="json"),
            "relevance": self.relevance,
            "channels": self.channels.to_dict(),
            "weak": self.weak,
            "included": self.included,
            "pinned": self.pinned,
            "edited_text": self.edited_text,
            "citation_key": self.citation_key,
            "kind": self.kind,
            "chosen": self.chosen,
            "excluded": self.excluded,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvidenceItem:
        return cls(
            card=Card.model_validate(data["card"]),
            relevance=float(data["relevance"]),
            channels=ChannelScores(**data.get("channels", {})),
            weak=bool(data.get("weak", False)),
            included=bool(data.get("included", True)),
            pinned=bool(data.get("pinned", False)),
            edited_text=data.get("edited_text"),
            citation_key=str(data.get("citation_key", "")),
            kind="note" if data.get("kind") == "note" else "card",
            chosen=bool(data.get("chosen", False)),
            excluded=bool(data.get("excluded", False)),
        )


def manual_note(text: str, summary_type: SummaryType, *, title: str = "") -> EvidenceItem:
    """A user's own note used as evidence: always included, pinned, never weak."""
    digest = hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:8]
    card = Card(
        paper_id=f"{NOTE_PAPER_PREFIX}{digest}",
        summary_type=summary_type,
        text=text,
        title=title or "manual note",
        origin=Origin.EDITED,
    )
    return EvidenceItem(card=card, relevance=1.0, pinned=True, kind="note")


@dataclass
class EvidenceChoices:
    """A project's choices for one section, kept apart from the retrieved list so a new
    retrieval keeps them: card ids pinned or excluded, edited texts by card id, notes."""

    pinned: set[str] = field(default_factory=set)
    excluded: set[str] = field(default_factory=set)
    # Backups (retrieved beyond the plan's count, off by default) the user switched on.
    included: set[str] = field(default_factory=set)
    edits: dict[str, str] = field(default_factory=dict)
    notes: list[EvidenceItem] = field(default_factory=list)


@dataclass
class SectionEvidence:
    section_key: str
    topic: str
    items: list[EvidenceItem] = field(default_factory=list)  # rank order within each type
    # Summary types that have no card above the relevance floor (said plainly to the user).
    types_without_strong_cards: list[SummaryType] = field(default_factory=list)
    # Some card of the topic (any type) is on topic: a section without cards of its own then
    # borrows on-topic evidence of other sections rather than its nearest off-topic cards.
    topic_covered: bool = False

    def by_type(self, summary_type: SummaryType) -> list[EvidenceItem]:
        return [item for item in self.items if item.summary_type == summary_type]

    def active(self) -> list[EvidenceItem]:
        """Included items, pinned ones first within each type, otherwise in rank order."""
        order = {t: n for n, t in enumerate(SummaryType)}
        ranked = [(n, item) for n, item in enumerate(self.items) if item.included]
        first_seen: dict[SummaryType, int] = {}
        for n, item in ranked:
            first_seen.setdefault(item.summary_type, n)
        ranked.sort(
            key=lambda pair: (
                first_seen.get(pair[1].summary_type, order[pair[1].summary_type]),
                not pair[1].pinned,
                pair[0],
            )
        )
        return [item for _, item in ranked]

    def apply(self, choices: EvidenceChoices, extra_cards: Iterable[Card] = ()) -> None:
        """Apply a project's choices to a fresh retrieval. `extra_cards` are pinned cards that
        retrieval did not return this time; they are added so a pin always survives a new
        retrieval. Backups stay off unless the user included or pinned them."""
        known = {item.evidence_id for item in self.items}
        for card in extra_cards:
            if card.card_id in choices.pinned and card.card_id not in known:
                self.items.append(EvidenceItem(card=card, relevance=0.0, pinned=True))
        for item in self.items:
            item.pinned = item.pinned or item.evidence_id in choices.pinned
            item.chosen = item.evidence_id in choices.included
            wanted = item.included or item.pinned or item.chosen
            item.excluded = item.evidence_id in choices.excluded
            item.included = wanted and not item.excluded
            if item.evidence_id in choices.edits:
                item.edited_text = choices.edits[item.evidence_id]
        for note in choices.notes:
            if note.evidence_id not in {item.evidence_id for item in self.items}:
                self.items.append(note)
        self.assign_citations()

    def assign_citations(self, start: int = 1) -> int:
        """Number the active items in context order; cards of one paper share a key.
        Returns the next free number (so several sections can share one numbering)."""
        keys: dict[str, str] = {}
        number = start
        for item in self.items:
            item.citation_key = ""
        for item in self.active():
            if item.paper_id not in keys:
                keys[item.paper_id] = str(number)
                number += 1
            item.citation_key = keys[item.paper_id]
        return number

    def cited_papers(self) -> list[tuple[str, str]]:
        """(citation key, paper id) in citation order, each paper once."""
        seen: dict[str, str] = {}
        for item in self.active():
            seen.setdefault(item.citation_key, item.paper_id)
        return list(seen.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "section_key": self.section_key,
            "topic": self.topic,
            "items": [item.to_dict() for item in self.items],
            "types_without_strong_cards": [t.value for t in self.types_without_strong_cards],
            "topic_covered": self.topic_covered,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SectionEvidence:
        return cls(
            section_key=str(data["section_key"]),
            topic=str(data.get("topic", "")),
            items=[EvidenceItem.from_dict(raw) for raw in data.get("items", [])],
            types_without_strong_cards=[
                SummaryType(value) for value in data.get("types_without_strong_cards", [])
            ],
            topic_covered=bool(data.get("topic_covered", False)),
        )


def distinct_papers(items: Sequence[EvidenceItem]) -> list[str]:
    """Paper ids of real cards (not notes), first appearance first."""
    return list(dict.fromkeys(i.paper_id for i in items if i.kind == "card"))
