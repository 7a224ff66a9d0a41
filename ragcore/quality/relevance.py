"""Relevance of a card to a topic on the retrieval's own scale (the scale of the floor).

The same fusion as `retrieval.hybrid` (dense cosine and idf-weighted term coverage, weighted
by language) for cards that retrieval may not return today: a pinned card, or one cited by an
older version. Reusing hybrid's pieces keeps one definition of relevance.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from ragcore.library.cards import Card
from ragcore.library.snapshot import relevance, unit
from ragcore.library.store import CardStore
from ragcore.retrieval.hybrid import (
    Query,
    _dense_weight,  # the one definition of how the channels are weighed
    effective_fusion,
    is_multilingual,
    topic_floor,
    topical_coverage,
)
from ragcore.retrieval.lexical import chinese_phrases, index_for
from ragcore.settings import Settings


def topic_relevance(
    store: CardStore, query: Query, cards: Sequence[Card], settings: Settings
) -> dict[str, float]:
    """card id -> relevance to the query's topic in [0, 1]; cards not in the store are left
    out. `query` is `prepare_query`'s (the topic embedded once for this and `project_floor`)."""
    if not cards:
        return {}
    fusion = effective_fusion(settings.retrieval.fusion, query.lang, store.embedder.name)
    snapshot = query.snapshot or store.snapshot()
    lexical = index_for(store, snapshot)
    multilingual = is_multilingual(store.embedder.name)
    query_vector = unit(query.vector) if query.vector is not None else None
    # English cards are scored by the English channel when retrieval used it (`_per_language`):
    # the floor was applied on that scale.
    english_vector, english = (
        (unit(query.english[0]), query.english[1]) if query.english else (None, None)
    )
    phrases = chinese_phrases(query.text)
    out: dict[str, float] = {}
    for card in cards:
        vector, against = snapshot.vectors.get(card.card_id), query_vector
        if english is not None and card.card_id in english.cards:
            vector, against = english.vectors.get(card.card_id), english_vector
        if vector is None:
            continue
        dense = relevance(float(np.dot(vector, against))) if against is not None else 0.0
        type_index = lexical.by_type.get(card.summary_type)
        coverage = topical_coverage(type_index, query.terms, card.summary_type, card, phrases)
        weight = _dense_weight(fusion, query.lang, card.lang or query.lang, multilingual)
        out[card.card_id] = min(1.0, max(0.0, weight * dense + (1 - weight) * coverage))
    return out


def project_floor(
    store: CardStore, query: Query, settings: Settings, papers: AbstractSet[str] | None
) -> float:
    """The floor the project's retrieval applied (`topic_floor`): what "off topic" means here."""
    return topic_floor(store, query, settings=settings, papers=papers).floor
