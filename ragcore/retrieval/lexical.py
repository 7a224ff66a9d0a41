"""The lexical channel: tokenizers for Chinese and English and a BM25 index of the store's cards.

Chinese goes through jieba's search mode (it emits both whole words and their sub-words, so
"图像分类" also matches "图像"); English through a word regex with stop words and a light plural
folding. Mixed text is split into CJK and Latin runs so each part gets its own tokenizer.

The index (one bm25s index per summary type) is cached per store and follows the store's
snapshot (`ragcore.library.snapshot`): after a write only the summary types that changed are re-indexed.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import bm25s
import jieba
import numpy as np

from ragcore.library.cards import Card, SummaryType
from ragcore.library.snapshot import CardSnapshot

jieba.setLogLevel(logging.WARNING)

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
# Research prose words that carry no topic, on top of the general stop lists.
_EXTRA_EN_STOP = {"also", "however", "thus", "paper", "et", "al", "via", "using", "based"}


@cache
def _english_stopwords() -> frozenset[str]:
    return frozenset(bm25s.stopwords.STOPWORDS_EN_PLUS) | _EXTRA_EN_STOP


@cache
def _chinese_stopwords() -> frozenset[str]:
    return frozenset(bm25s.stopwords.STOPWORDS_CHINESE) | {"的", "了", "和", "与", "及", "在", "是"}


def fold_english(word: str) -> str:
    """Fold plurals so `networks` matches `network` (no stemmer package needed for this)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def english_tokens(text: str) -> list[str]:
    stop = _english_stopwords()
    words = _LATIN_WORD.findall(text.lower())
    return [fold_english(w) for w in words if w not in stop and len(w) > 1 and not w.isdigit()]


def chinese_tokens(text: str) -> list[str]:
    """jieba search-mode tokens of a CJK run, stop words and punctuation removed."""
    stop = _chinese_stopwords()
    return [t for t in jieba.cut_for_search(text) if t.strip() and t not in stop]


def tokenize(text: str) -> list[str]:
    """Tokens of mixed Chinese/English text for BM25 and for term statistics."""
    if not _CJK_CHAR.search(text):
        return english_tokens(text)
    tokens: list[str] = []
    position = 0
    for run in _CJK_RUN.finditer(text):
        tokens += english_tokens(text[position : run.start()])
        tokens += chinese_tokens(run.group())
        position = run.end()
    tokens += english_tokens(text[position:])
    return tokens


def _card_tokens(card: Card) -> list[str]:
    return tokenize(card.text + "\n" + card.title)


@dataclass
class LexicalHit:
    card: Card
    score: float  # raw BM25 score (unbounded)
    coverage: float  # idf-weighted share of the query's terms found in the card, in [0, 1]


@dataclass
class TypeIndex:
    cards: list[Card]
    retriever: Any  # bm25s.BM25 (untyped library)
    token_sets: list[frozenset[str]]
    idf: dict[str, float]
    rows: dict[str, int]
    corpus: list[list[str]]  # each card's tokens, kept for the next rebuild

    @classmethod
    def build(cls, cards: list[Card], known: TypeIndex | None = None) -> TypeIndex:
        """Index `cards`; tokens of cards already in `known` are reused (tokenizing is most of
        the cost: ~1.5 s of 2 s for 10k cards), so re-indexing after one edit stays cheap."""
        reuse = known.tokens_by_id() if known is not None else {}
        corpus = [reuse.get(card.card_id) or _card_tokens(card) for card in cards]
        retriever = bm25s.BM25()
        # bm25s needs at least one token per document; an empty card gets a placeholder.
        retriever.index([tokens or ["\x00"] for tokens in corpus], show_progress=False)
        token_sets = [frozenset(tokens) for tokens in corpus]
        df = Counter(token for tokens in token_sets for token in tokens)
        n = len(cards)
        idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        rows = {card.card_id: row for row, card in enumerate(cards)}
        return cls(cards, retriever, token_sets, idf, rows, corpus)

    def tokens_by_id(self) -> dict[str, list[str]]:
        return {card.card_id: tokens for card, tokens in zip(self.cards, self.corpus, strict=True)}

    def coverage(self, query_terms: list[str], row: int) -> float:
        # An unseen query term counts with the highest idf: it is as specific as a term gets.
        default = math.log(1 + (len(self.cards) + 0.5) / 0.5)
        weights = {t: self.idf.get(t, default) for t in set(query_terms)}
        total = sum(weights.values())
        found = sum(w for t, w in weights.items() if t in self.token_sets[row])
        return found / total if total else 0.0

    def coverage_of(self, query_terms: list[str], card_id: str) -> float:
        row = self.rows.get(card_id)
        return self.coverage(query_terms, row) if row is not None else 0.0

    def search(self, query_terms: list[str], k: int) -> list[LexicalHit]:
        if not query_terms or not self.cards:
            return []
        scores = np.asarray(self.retriever.get_scores(query_terms))
        k = min(k, len(self.cards))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted((int(i) for i in top if scores[i] > 0), key=lambda i: -scores[i])
        return [
            LexicalHit(self.cards[i], float(scores[i]), self.coverage(query_terms, i))
            for i in ranked
        ]


class CardSource(Protocol):
    """What the index needs from the store (CardStore satisfies it)."""

    def snapshot(self) -> CardSnapshot: ...


@dataclass
class LexicalIndex:
    """BM25 per summary type over a snapshot of the store's cards."""

    by_type: dict[SummaryType, TypeIndex]
    card_ids: frozenset[str]
    versions: dict[SummaryType, int] = field(default_factory=dict)

    @classmethod
    def build(cls, cards: Iterable[Card]) -> LexicalIndex:
        grouped: dict[SummaryType, list[Card]] = {}
        for card in cards:
            grouped.setdefault(card.summary_type, []).append(card)
        return cls._of({t: TypeIndex.build(group) for t, group in grouped.items()})

    @classmethod
    def _of(
        cls, by_type: dict[SummaryType, TypeIndex], versions: dict[SummaryType, int] | None = None
    ) -> LexicalIndex:
        ids = frozenset(c.card_id for index in by_type.values() for c in index.cards)
        return cls(by_type, ids, versions or {})

    def refreshed(self, snapshot: CardSnapshot) -> LexicalIndex:
        """This index brought up to `snapshot`, rebuilding only the types whose cards changed."""
        by_type: dict[SummaryType, TypeIndex] = {}
        for summary_type, version in snapshot.type_versions.items():
            kept = self.by_type.get(summary_type)
            if kept is not None and self.versions.get(summary_type) == version:
                by_type[summary_type] = kept
            elif cards := snapshot.cards_of(summary_type):
                by_type[summary_type] = TypeIndex.build(cards, known=kept)
        return LexicalIndex._of(by_type, dict(snapshot.type_versions))

    def search(self, query: str | list[str], summary_type: SummaryType, k: int) -> list[LexicalHit]:
        index = self.by_type.get(summary_type)
        terms = tokenize(query) if isinstance(query, str) else query
        return index.search(terms, k) if index else []

    def __len__(self) -> int:
        return len(self.card_ids)


_EMPTY = LexicalIndex({}, frozenset())
# Per store: (the store, its snapshot the index was built from, the index).
_cache: dict[int, tuple[Any, CardSnapshot, LexicalIndex]] = {}
_cache_lock = threading.Lock()


def index_for(store: CardSource, snapshot: CardSnapshot | None = None) -> LexicalIndex:
    """The cached lexical index of `store`, brought up to date with the store's snapshot.

    The snapshot follows every card write in any process (the store's change log), and only
    the summary types whose cards changed are re-indexed, so an edit costs one type's rebuild.
    Pass `snapshot` to index a snapshot already taken (one store state for a whole listing).
    """
    snapshot = snapshot or store.snapshot()
    key = id(store)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] is store and cached[1] is snapshot:
            return cached[2]
        base = cached[2] if cached is not None and cached[0] is store else _EMPTY
        index = base.refreshed(snapshot)
        _cache[key] = (store, snapshot, index)
        return index


def forget(store: CardSource) -> None:
    """Drop the cached index of a store (e.g. after a bulk import in the same process)."""
    with _cache_lock:
        _cache.pop(id(store), None)
