"""An edit re-indexes its summary type in the background while the old index keeps serving.

At 100k cards a type holds ~10k cards and re-indexing it with bm25s takes a few hundred ms even
from cached token ids, more than the first listing after an edit may take. So the changed type
is served by `UpdatingTypeIndex`: the previous index with the removed cards left out, plus the
added cards scored here against the previous index's statistics (document frequencies, average
length); the full index is built in a background thread and takes over when it is ready.

The added cards are scored by hand because bm25s cannot add documents to an index; the formula
is bm25s's own default (Lucene: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), term part
tf / (tf + k1 * (1 - b + b * len / avglen))), with the previous index's N, df and avglen, so the
few new cards rank on the same scale as the rest until the rebuild lands.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from ragcore.library.cards import Card

if TYPE_CHECKING:
    from ragcore.retrieval.lexical import LexicalHit, TypeIndex

# The rebuild waits this long before it starts: an edit is followed at once by a listing (the
# page shows the edited evidence), and a rebuild running meanwhile takes the GIL from it
# (100k cards: 96-248 ms for that listing with an immediate rebuild). The interim index
# serves exactly meanwhile; the next edit of the type starts a waiting rebuild at once.
REBUILD_DELAY_S = 1.0


class UpdatingTypeIndex:
    """The old index (minus removed cards, plus added ones) until the rebuild is ready."""

    def __init__(
        self,
        old: TypeIndex,
        ids: list[str],
        cards: Sequence[Card],
        build: Callable[[], TypeIndex],
        on_built: Callable[[TypeIndex], None],
    ) -> None:
        from ragcore.retrieval.lexical import card_tokens

        self.ids, self.cards = ids, cards
        self._old = old
        current = set(ids)
        self._removed = {card_id for card_id in old.ids if card_id not in current}
        self._added = [cards[n] for n, card_id in enumerate(ids) if card_id not in old.rows]
        self._added_tokens = [card_tokens(card) for card in self._added]
        self._built: TypeIndex | None = None
        self._start_now = threading.Event()

        def run() -> None:
            self._start_now.wait(REBUILD_DELAY_S)
            self._built = build()
            on_built(self._built)

        self._thread = threading.Thread(target=run, name="bm25-rebuild", daemon=True)
        self._thread.start()

    def settled(self) -> TypeIndex:
        """The rebuilt index, waiting for it if needed (the next edit of this type does)."""
        self._start_now.set()
        self._thread.join()
        assert self._built is not None
        return self._built

    def search(
        self, query_terms: list[str], k: int, allowed: AbstractSet[str] | None = None
    ) -> list[LexicalHit]:
        if self._built is not None:
            return self._built.search(query_terms, k, allowed)
        from ragcore.retrieval.lexical import LexicalHit

        hits = [
            h
            for h in self._old.search(query_terms, k + len(self._removed), allowed)
            if h.card.card_id not in self._removed
        ]
        for card, tokens in zip(self._added, self._added_tokens, strict=True):
            if allowed is not None and card.card_id not in allowed:
                continue
            score = self._score(query_terms, tokens)
            if score > 0:
                hits.append(LexicalHit(card, score, self._coverage(query_terms, tokens)))
        return sorted(hits, key=lambda h: -h.score)[:k]

    def match_of(self, query_terms: Sequence[str], card_id: str) -> tuple[float, int]:
        if self._built is not None:
            return self._built.match_of(query_terms, card_id)
        for card, tokens in zip(self._added, self._added_tokens, strict=True):
            if card.card_id == card_id:
                held = set(tokens)
                shared = sum(1 for t in set(query_terms) if t in held)
                return self._coverage(query_terms, tokens), shared
        return self._old.match_of(query_terms, card_id)

    def _idf(self, term: str) -> float:
        n = len(self._old.ids)
        term_id = self._old.vocab.get(term)
        df = (
            int(self._old.df[term_id]) if term_id is not None and term_id < len(self._old.df) else 0
        )
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _score(self, query_terms: list[str], tokens: list[str]) -> float:
        counts = Counter(tokens)
        k1, b = float(self._old.retriever.k1), float(self._old.retriever.b)
        avg = float(self._old.token_ptr[-1]) / max(1, len(self._old.ids))
        norm = k1 * (1 - b + b * len(tokens) / max(avg, 1e-9))
        return sum(
            self._idf(t) * counts[t] / (counts[t] + norm) for t in query_terms if counts.get(t)
        )

    def _coverage(self, query_terms: Sequence[str], tokens: list[str]) -> float:
        held = set(tokens)
        weights = {t: self._idf(t) for t in set(query_terms)}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in held) / total if total else 0.0
