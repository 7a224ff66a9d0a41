"""An in-memory snapshot of the store's ready cards and their vectors, for exact typed search.

Why not Chroma's own query: a filtered HNSW query (one summary type out of ten) costs ~30 ms
at 10k cards on 2 cores, and a listing needs ten of them; an exact cosine search over the
type's rows in numpy costs well under a millisecond at 10k and never misses a card. Chroma stays
the store of record; the snapshot is a read cache.

The snapshot is immutable: a refresh builds a new one (sharing the unchanged cards and vectors),
so a reader in another thread never sees a half-applied change. `type_versions` tells caches
built on top of it (the BM25 index, and the snapshot's own per-type matrices) which summary
types they must rebuild.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ragcore.library.cards import Card, SummaryType

Vector = np.ndarray
# Version numbers for a type's card set, unique in the process: equal numbers mean equal cards.
_versions = itertools.count(1)


def unit(vector: Sequence[float] | Vector) -> Vector:
    """The vector scaled to length 1 (cosine similarity becomes a dot product)."""
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


@dataclass(frozen=True)
class _TypeRows:
    """The cards of one summary type as rows of a matrix of unit vectors."""

    cards: list[Card]
    matrix: Vector
    papers: np.ndarray  # paper id per row, for the paper filter

    @classmethod
    def build(cls, cards: list[Card], vectors: dict[str, Vector], dimension: int) -> _TypeRows:
        if not cards:
            return cls([], np.zeros((0, dimension), dtype=np.float32), np.array([], dtype=object))
        matrix = np.stack([vectors[c.card_id] for c in cards])
        return cls(cards, matrix, np.array([c.paper_id for c in cards], dtype=object))

    def search(
        self, query: Vector, k: int, paper_ids: Sequence[str] | None
    ) -> list[tuple[Card, float]]:
        if not self.cards or k <= 0:
            return []
        scores = self.matrix @ query
        if paper_ids is not None:
            scores = np.where(np.isin(self.papers, list(paper_ids)), scores, -np.inf)
        k = min(k, len(self.cards))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted((int(i) for i in top if np.isfinite(scores[i])), key=lambda i: -scores[i])
        return [(self.cards[i], relevance(float(scores[i]))) for i in ranked]


def relevance(cosine: float) -> float:
    """Cosine similarity as a relevance in [0, 1], higher better (opposites count as 0)."""
    return min(1.0, max(0.0, cosine))


@dataclass(frozen=True)
class CardSnapshot:
    """The ready cards of a store at `revision`, with unit vectors, grouped by type."""

    revision: int
    cards: dict[str, Card]
    vectors: dict[str, Vector]
    dimension: int
    # Per type, a number that changes whenever that type's cards change (see `changed`).
    type_versions: dict[SummaryType, int] = field(default_factory=dict)
    # Per type, its cards as a matrix, built on first use; `changed` hands the untouched
    # types' matrices to the next snapshot (re-stacking all of them cost ~0.5 s at 100k cards).
    _rows: dict[SummaryType, _TypeRows] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls, revision: int, items: Iterable[tuple[Card, Vector]], dimension: int
    ) -> CardSnapshot:
        cards: dict[str, Card] = {}
        vectors: dict[str, Vector] = {}
        for card, vector in items:
            cards[card.card_id], vectors[card.card_id] = card, unit(vector)
        return cls(revision, cards, vectors, dimension, {t: next(_versions) for t in SummaryType})

    def changed(
        self, revision: int, removed: Iterable[str], added: Iterable[tuple[Card, Vector]]
    ) -> CardSnapshot:
        """A new snapshot with `removed` ids dropped and `added` cards put in (or replaced)."""
        cards, vectors = dict(self.cards), dict(self.vectors)
        touched: set[SummaryType] = set()
        for card_id in removed:
            old = cards.pop(card_id, None)
            vectors.pop(card_id, None)
            if old is not None:
                touched.add(old.summary_type)
        for card, vector in added:
            cards[card.card_id], vectors[card.card_id] = card, unit(vector)
            touched.add(card.summary_type)
        versions = {
            t: next(_versions) if t in touched else v for t, v in self.type_versions.items()
        }
        kept = {t: rows for t, rows in self._rows.items() if t not in touched}
        return CardSnapshot(revision, cards, vectors, self.dimension, versions, kept)

    def _rows_of(self, summary_type: SummaryType) -> _TypeRows:
        rows = self._rows.get(summary_type)
        if rows is None:  # two threads may both build it: same result, either one is kept
            of_type = [c for c in self.cards.values() if c.summary_type == summary_type]
            of_type.sort(key=lambda c: c.card_id)
            rows = self._rows[summary_type] = _TypeRows.build(of_type, self.vectors, self.dimension)
        return rows

    def cards_of(self, summary_type: SummaryType) -> list[Card]:
        return self._rows_of(summary_type).cards

    def search(
        self,
        query: Sequence[float] | Vector,
        *,
        summary_type: SummaryType | None = None,
        paper_ids: Sequence[str] | None = None,
        k: int = 10,
    ) -> list[tuple[Card, float]]:
        """Exact cosine search: the `k` most similar ready cards, best first."""
        q = unit(query)
        types = [summary_type] if summary_type is not None else list(SummaryType)
        hits = [hit for t in types for hit in self._rows_of(t).search(q, k, paper_ids)]
        return sorted(hits, key=lambda hit: -hit[1])[:k]

    def __len__(self) -> int:
        return len(self.cards)
