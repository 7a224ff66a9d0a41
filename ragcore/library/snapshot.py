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
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, TypeVar, overload

import numpy as np

from ragcore.library.cards import Card, SummaryType

_Item = TypeVar("_Item")

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

    def raw_items(self) -> list[Card | int]:
        return list(self._items)

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
        """These rows without `drop` and with `added` (unit vectors), still ordered by id.
        Rows are found by bisection and moved with list slices and numpy: one edit in a type
        of 10k cards costs copies, not a Python step per row."""
        ids, n = self.ids, len(self.ids)
        gone = sorted({i for d in drop if (i := bisect_left(ids, d)) < n and ids[i] == d})
        keep = np.ones(n, dtype=bool)
        keep[gone] = False
        base_ids, base_items = list(ids), self.cards.raw_items()
        for i in reversed(gone):
            del base_ids[i], base_items[i]
        new = sorted({c.card_id: (c, v) for c, v in added}.values(), key=lambda p: p[0].card_id)
        at = [bisect_left(base_ids, card.card_id) for card, _ in new]
        dimension = self.matrix.shape[1]
        vectors = np.array([unit(v) for _, v in new], dtype=np.float32).reshape(-1, dimension)
        return TypeRows(
            _merged(base_ids, at, [c.card_id for c, _ in new]),
            self.cards.regrouped(_merged(base_items, at, [c for c, _ in new])),
            _spliced(np.asarray(self.matrix), gone, at, vectors),
            np.insert(self.papers[keep], at, [c.paper_id for c, _ in new]) if new
            else self.papers[keep],
        )  # fmt: skip

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


def _spliced(matrix: np.ndarray, gone: list[int], at: list[int], vectors: np.ndarray) -> Vector:
    """`matrix` without the rows `gone` (ascending) and with `vectors[j]` before kept row
    `at[j]` (ascending), written in one pass: a delete then an insert copies a type's whole
    matrix twice (20 MB each at 10k x 512), most of the listing after an edit at 100k cards."""
    n, dimension = matrix.shape
    out = np.empty((n - len(gone) + len(at), dimension), dtype=np.float32)
    runs, start = [], 0  # the kept rows, as runs of consecutive source rows
    for row in gone:
        if row > start:
            runs.append((start, row))
        start = row + 1
    if start < n:
        runs.append((start, n))
    written = kept = j = 0
    for begin, end in runs:
        while j < len(at) and at[j] < kept + (end - begin):
            take = at[j] - kept  # rows of this run before the new one
            out[written : written + take] = matrix[begin : begin + take]
            written, kept, begin = written + take, kept + take, begin + take
            out[written] = vectors[j]
            written, j = written + 1, j + 1
        out[written : written + end - begin] = matrix[begin:end]
        written, kept = written + end - begin, kept + end - begin
    out[written:] = vectors[j:]
    return out


def _merged(base: list[_Item], at: list[int], items: list[_Item]) -> list[_Item]:
    """`base` with `items[j]` inserted before `base[at[j]]` (`at` ascending)."""
    merged: list[_Item] = []
    previous = 0
    for position, item in zip(at, items, strict=True):
        merged.extend(base[previous:position])
        merged.append(item)
        previous = position
    merged.extend(base[previous:])
    return merged


class CardsById(Mapping[str, Card]):
    """The snapshot's cards by id, parsed from a persisted cache only when looked up. An id's
    row is found by bisection in its type's sorted ids: no map of every id to build at load
    or to redo after an edit (100k entries cost ~40 ms per edit)."""

    def __init__(self, rows: dict[SummaryType, TypeRows]) -> None:
        self._rows = rows

    def _find(self, card_id: str) -> tuple[SummaryType, int] | None:
        for summary_type, rows in self._rows.items():
            row = bisect_left(rows.ids, card_id)
            if row < len(rows.ids) and rows.ids[row] == card_id:
                return summary_type, row
        return None

    def __getitem__(self, card_id: str) -> Card:
        found = self._find(card_id)
        if found is None:
            raise KeyError(card_id)
        return self._rows[found[0]].cards[found[1]]

    def __contains__(self, card_id: object) -> bool:
        return isinstance(card_id, str) and self._find(card_id) is not None

    def __iter__(self) -> Iterator[str]:
        return itertools.chain.from_iterable(r.ids for r in self._rows.values())

    def __len__(self) -> int:
        return sum(len(r.ids) for r in self._rows.values())

    def type_of(self, card_id: str) -> SummaryType | None:
        found = self._find(card_id)
        return found[0] if found else None

    def vector_of(self, card_id: str) -> Vector:
        found = self._find(card_id)
        if found is None:
            raise KeyError(card_id)
        return np.asarray(self._rows[found[0]].matrix[found[1]])


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

    @cached_property
    def cards(self) -> CardsById:
        return CardsById(self.rows)

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
        return CardSnapshot(revision, self.dimension, rows)

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
