"""An in-memory snapshot of the store's ready cards and their vectors, for exact typed search.

Why not Chroma's own query: a filtered HNSW query (one summary type out of ten) costs ~30 ms
at 10k cards on 2 cores, and a listing needs ten of them; an exact cosine search over the
type's rows in numpy costs well under a millisecond at 10k and never misses a card. Chroma stays
the store of record; the snapshot is a read cache.

Cards are kept per summary type as rows: ids in order, a matrix of unit vectors (in memory, or
a read-only memory map of the persisted cache, `ragcore.library.snapshot_files`) and the cards
themselves, which a persisted cache parses only when a row is first asked for (a search
returns tens of cards; parsing all 100k took ~4 s).

The snapshot is immutable: a refresh builds a new one (sharing the untouched types), so a
reader in another thread never sees a half-applied change. `type_versions` tells caches built
on top of it (the BM25 index) which summary types they must rebuild.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, overload

import numpy as np

from ragcore.library.cards import Card, SummaryType

Vector = np.ndarray
# Version numbers for a type's card set, unique in the process: equal numbers mean equal cards.
_versions = itertools.count(1)


def new_version() -> int:
    return next(_versions)


def unit(vector: Sequence[float] | Vector) -> Vector:
    """The vector scaled to length 1 (cosine similarity becomes a dot product)."""
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


def unit_rows(matrix: Vector) -> Vector:
    array = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vector = array / norms
    return out


def relevance(cosine: float) -> float:
    """Cosine similarity as a relevance in [0, 1], higher better (opposites count as 0)."""
    return min(1.0, max(0.0, cosine))


class CardSource(Protocol):
    """Where the unparsed rows of a persisted type come from."""

    def card(self, row: int) -> Card: ...


class CardColumn(Sequence[Card]):
    """A type's cards in row order. An `int` item is a row of `source`, parsed on first use."""

    def __init__(self, items: list[Card | int], source: CardSource | None = None) -> None:
        self._items = items
        self._source = source

    @overload
    def __getitem__(self, index: int) -> Card: ...
    @overload
    def __getitem__(self, index: slice) -> list[Card]: ...
    def __getitem__(self, index: int | slice) -> Card | list[Card]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        item = self._items[index]
        if isinstance(item, Card):
            return item
        assert self._source is not None
        card = self._items[index] = self._source.card(item)  # two threads: same card, either
        return card

    def __len__(self) -> int:
        return len(self._items)

    def raw(self, index: int) -> Card | int:
        return self._items[index]

    def regrouped(self, items: list[Card | int]) -> CardColumn:
        return CardColumn(items, self._source)


@dataclass(frozen=True)
class TypeRows:
    """The cards of one summary type as rows of a matrix of unit vectors, ordered by card id."""

    ids: list[str]
    cards: CardColumn
    matrix: Vector
    papers: np.ndarray  # paper id per row, for the paper filter
    version: int = field(default_factory=new_version)

    @classmethod
    def build(cls, cards: list[Card], matrix: Vector, dimension: int) -> TypeRows:
        order = sorted(range(len(cards)), key=lambda i: cards[i].card_id)
        cards = [cards[i] for i in order]
        if not cards:
            matrix = np.zeros((0, dimension), dtype=np.float32)
        else:
            matrix = unit_rows(np.asarray(matrix)[order])
        papers = np.array([c.paper_id for c in cards], dtype=object)
        return cls([c.card_id for c in cards], CardColumn(list(cards)), matrix, papers)

    def changed(self, drop: set[str], added: list[tuple[Card, Vector]]) -> TypeRows:
        """These rows without `drop` and with `added` (unit vectors), still ordered by id."""
        kept = [i for i, card_id in enumerate(self.ids) if card_id not in drop]
        entries: list[tuple[str, Card | int, str, int]] = [
            (self.ids[i], self.cards.raw(i), str(self.papers[i]), i) for i in kept
        ]
        entries += [(c.card_id, c, c.paper_id, -1 - n) for n, (c, _) in enumerate(added)]
        entries.sort(key=lambda e: e[0])
        dimension = self.matrix.shape[1]
        new_vectors = np.zeros((len(added), dimension), dtype=np.float32)
        for n, (_, vector) in enumerate(added):
            new_vectors[n] = unit(vector)
        take = [e[3] for e in entries]
        old_part = np.asarray(self.matrix[[t for t in take if t >= 0]])
        matrix = np.zeros((len(entries), dimension), dtype=np.float32)
        is_old = np.array([t >= 0 for t in take], dtype=bool)
        if len(entries):
            matrix[is_old] = old_part
            matrix[~is_old] = new_vectors[[-1 - t for t in take if t < 0]]
        return TypeRows(
            [e[0] for e in entries],
            self.cards.regrouped([e[1] for e in entries]),
            matrix,
            np.array([e[2] for e in entries], dtype=object),
        )

    def search(
        self, query: Vector, k: int, paper_ids: Sequence[str] | None
    ) -> list[tuple[Card, float]]:
        if not self.ids or k <= 0:
            return []
        scores = self.matrix @ query
        if paper_ids is not None:
            scores = np.where(np.isin(self.papers, list(paper_ids)), scores, -np.inf)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted((int(i) for i in top if np.isfinite(scores[i])), key=lambda i: -scores[i])
        return [(self.cards[i], relevance(float(scores[i]))) for i in ranked]

    def __len__(self) -> int:
        return len(self.ids)


class CardsById(Mapping[str, Card]):
    """The snapshot's cards by id, parsed from a persisted cache only when looked up."""

    def __init__(
        self, rows: dict[SummaryType, TypeRows], where: dict[str, tuple[SummaryType, int]]
    ) -> None:
        self._rows = rows
        self._where = where

    @classmethod
    def of(cls, rows: dict[SummaryType, TypeRows]) -> CardsById:
        return cls(rows, {i: (t, n) for t, r in rows.items() for n, i in enumerate(r.ids)})

    def changed(self, rows: dict[SummaryType, TypeRows], touched: set[SummaryType]) -> CardsById:
        """The map for `rows`, where only the `touched` types differ from this one's: a copy
        with their entries redone (rebuilding all 100k entries cost ~40 ms per edit)."""
        where = {i: at for i, at in self._where.items() if at[0] not in touched}
        for t in touched:
            where.update((card_id, (t, n)) for n, card_id in enumerate(rows[t].ids))
        return CardsById(rows, where)

    def __getitem__(self, card_id: str) -> Card:
        summary_type, row = self._where[card_id]
        return self._rows[summary_type].cards[row]

    def __contains__(self, card_id: object) -> bool:
        return card_id in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def type_of(self, card_id: str) -> SummaryType | None:
        found = self._where.get(card_id)
        return found[0] if found else None

    def vector_of(self, card_id: str) -> Vector:
        summary_type, row = self._where[card_id]
        return np.asarray(self._rows[summary_type].matrix[row])


class VectorsById(Mapping[str, Vector]):
    """The snapshot's unit vectors by card id (rows of the per-type matrices)."""

    def __init__(self, cards: CardsById) -> None:
        self._cards = cards

    def __getitem__(self, card_id: str) -> Vector:
        return self._cards.vector_of(card_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._cards)

    def __len__(self) -> int:
        return len(self._cards)


@dataclass(frozen=True)
class CardSnapshot:
    """The ready cards of a store at `revision`, with unit vectors, grouped by type."""

    revision: int
    dimension: int
    rows: dict[SummaryType, TypeRows]
    cards: CardsById = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.cards is None:
            object.__setattr__(self, "cards", CardsById.of(self.rows))

    @classmethod
    def build(
        cls, revision: int, items: Iterable[tuple[Card, Vector]], dimension: int
    ) -> CardSnapshot:
        grouped: dict[SummaryType, tuple[list[Card], list[Vector]]] = {
            t: ([], []) for t in SummaryType
        }
        for card, vector in items:
            cards, vectors = grouped[card.summary_type]
            cards.append(card)
            vectors.append(np.asarray(vector, dtype=np.float32))
        rows = {
            t: TypeRows.build(cards, np.array(vectors, dtype=np.float32), dimension)
            for t, (cards, vectors) in grouped.items()
        }
        return cls(revision, dimension, rows)

    @property
    def vectors(self) -> VectorsById:
        return VectorsById(self.cards)

    @property
    def type_versions(self) -> dict[SummaryType, int]:
        return {t: rows.version for t, rows in self.rows.items()}

    def changed(
        self, revision: int, removed: Iterable[str], added: Iterable[tuple[Card, Vector]]
    ) -> CardSnapshot:
        """A new snapshot with `removed` ids dropped and `added` cards put in (or replaced)."""
        added = list(added)
        drop = set(removed) | {card.card_id for card, _ in added}
        touched = {t for card_id in drop if (t := self.cards.type_of(card_id)) is not None}
        touched |= {card.summary_type for card, _ in added}
        rows = dict(self.rows)
        for t in touched:
            mine = [(c, v) for c, v in added if c.summary_type == t]
            rows[t] = rows[t].changed(drop, mine)
        return CardSnapshot(revision, self.dimension, rows, self.cards.changed(rows, touched))

    def ids(self) -> set[str]:
        return set(self.cards)

    def cards_of(self, summary_type: SummaryType) -> Sequence[Card]:
        return self.rows[summary_type].cards

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
        hits = [hit for t in types for hit in self.rows[t].search(q, k, paper_ids)]
        return sorted(hits, key=lambda hit: -hit[1])[:k]

    def __len__(self) -> int:
        return len(self.cards)
