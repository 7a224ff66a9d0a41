"""The lexical channel: tokenizers for Chinese and English and a BM25 index of the store's cards.

Chinese goes through jieba's search mode (it emits both whole words and their sub-words, so
"图像分类" also matches "图像"); English through a word regex with stop words and a light plural
folding. Mixed text is split into CJK and Latin runs so each part gets its own tokenizer.

The index (one bm25s index per summary type) is cached per store and follows the store's
snapshot (`ragcore.library.snapshot`): after a write only the summary types that changed are re-indexed.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import bm25s
import jieba
import numpy as np

from ragcore.library import snapshot_files
from ragcore.library.cards import Card, SummaryType
from ragcore.library.jieba_dictionary import load_dictionary
from ragcore.library.snapshot import CardSnapshot, TypeRows
from ragcore.retrieval import lexical_files
from ragcore.retrieval.lexical_update import UpdatingTypeIndex

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
# Research prose words that carry no topic, on top of the general stop lists.
_PLACEHOLDER = "\x00"
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
    load_dictionary()
    stop = _chinese_stopwords()
    return [t for t in jieba.cut_for_search(text) if t.strip() and t not in stop]


@cache
def chinese_phrases(text: str) -> tuple[str, ...]:
    """The Chinese topic's two-word phrases: each pair of neighbouring words (jieba's precise
    cut, stop words aside) as written in the topic, "开放世界", "半监督", "类别发现". Terms alone
    match a card that has the words apart ("扩大开放中融入世界" for 开放世界): a phrase found
    as written is the proximity evidence ordered-bigram models in IR add to term matching."""
    load_dictionary()
    stop = _chinese_stopwords()
    phrases: list[str] = []
    for run in _CJK_RUN.finditer(text):
        words = [w for w in jieba.cut(run.group()) if w.strip()]
        for first, second in itertools.pairwise(words):
            if first not in stop and second not in stop:
                phrases.append(first + second)
    return tuple(dict.fromkeys(phrases))


def phrase_share(phrases: Sequence[str], text: str) -> float:
    """The share of `phrases` found as written in `text` (spaces ignored)."""
    if not phrases:
        return 0.0
    compact = "".join(text.split())
    return sum(1 for phrase in phrases if phrase in compact) / len(phrases)


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


def card_tokens(card: Card) -> list[str]:
    return tokenize(card.text + "\n" + card.title)


@dataclass
class LexicalHit:
    card: Card
    score: float  # raw BM25 score (unbounded)
    coverage: float  # idf-weighted share of the query's terms found in the card, in [0, 1]


@dataclass
class TypeIndex:
    """BM25 over one summary type's cards, with every card's tokens kept as vocabulary ids.

    The token ids let an edit re-index the type without tokenizing its other cards again
    (tokenizing is most of the cost: ~1.5 s of 2 s for 10k cards), let the index be persisted
    and mapped by a new process (`lexical_files`), and give each card's term set for the
    coverage score without keeping millions of Python strings in memory.
    """

    ids: list[str]
    cards: Sequence[Card]
    retriever: Any  # bm25s.BM25 (untyped library)
    token_ids: np.ndarray  # int32: the cards' tokens as vocabulary ids, card after card
    token_ptr: np.ndarray  # int64: card i's tokens are token_ids[token_ptr[i]:token_ptr[i + 1]]
    df: np.ndarray  # per vocabulary id, how many cards hold the token
    rows: dict[str, int] = field(default_factory=dict)
    _views: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = {card_id: row for row, card_id in enumerate(self.ids)}
        # Plain views of the (usually memory-mapped) token arrays: a memmap slice builds a
        # memmap object each time (~50 us), and a listing or a rebuild slices thousands of cards.
        self._views = (np.asarray(self.token_ids), np.asarray(self.token_ptr))

    @property
    def vocab(self) -> dict[str, int]:
        vocab: dict[str, int] = self.retriever.vocab_dict
        return vocab

    @classmethod
    def build(
        cls, ids: list[str], cards: Sequence[Card], known: TypeIndex | None = None
    ) -> TypeIndex:
        """Index the cards; tokens of cards already in `known` are reused, not recomputed."""
        vocab: dict[str, int] = dict(known.vocab) if known is not None else {}
        docs: list[np.ndarray] = []
        for row, card_id in enumerate(ids):
            old = known.rows.get(card_id) if known is not None else None
            if known is not None and old is not None:
                docs.append(known.terms_of(old))
                continue
            # bm25s needs at least one token per document; an empty card gets a placeholder.
            tokens = card_tokens(cards[row]) or [_PLACEHOLDER]
            docs.append(np.array([vocab.setdefault(t, len(vocab)) for t in tokens], np.int32))
        retriever = bm25s.BM25()
        corpus = bm25s.tokenization.Tokenized(ids=[d.tolist() for d in docs], vocab=vocab)
        retriever.index(corpus, show_progress=False)
        lengths = np.array([len(d) for d in docs], dtype=np.int64)
        token_ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        token_ids = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32)
        df = _document_frequency(token_ids, token_ptr, len(retriever.vocab_dict))
        return cls(ids, cards, retriever, token_ids.astype(np.int32), token_ptr, df)

    def terms_of(self, row: int) -> np.ndarray:
        tokens, ptr = self._views
        return tokens[int(ptr[row]) : int(ptr[row + 1])]

    def coverage(self, query_terms: list[str], row: int) -> float:
        return self._match(query_terms, row)[0]

    def match_of(self, query_terms: Sequence[str], card_id: str) -> tuple[float, int]:
        """(idf-weighted share of the query's terms the card holds, how many of them it holds)."""
        row = self.rows.get(card_id)
        return self._match(query_terms, row) if row is not None else (0.0, 0)

    def _match(self, query_terms: Sequence[str], row: int) -> tuple[float, int]:
        # An unseen query term counts with the highest idf: it is as specific as a term gets.
        n = len(self.ids)
        vocab = self.vocab
        held = set(self.terms_of(row).tolist())
        total = found = 0.0
        shared = 0
        for term in set(query_terms):
            term_id = vocab.get(term)
            d = int(self.df[term_id]) if term_id is not None and term_id < len(self.df) else 0
            weight = math.log(1 + (n - d + 0.5) / (d + 0.5))
            total += weight
            if term_id is not None and term_id in held:
                found += weight
                shared += 1
        return (found / total if total else 0.0), shared

    def search(
        self, query_terms: list[str], k: int, allowed: AbstractSet[str] | None = None
    ) -> list[LexicalHit]:
        """The best `k` cards; with `allowed` (card ids), only those compete, so a filter
        still gives `k` hits when the allowed cards have them."""
        known_terms = [t for t in query_terms if t in self.vocab]
        if not known_terms or not self.ids:
            return []
        scores = np.asarray(self.retriever.get_scores(known_terms))
        if allowed is not None:
            keep = np.fromiter((i in allowed for i in self.ids), dtype=bool, count=len(self.ids))
            scores = np.where(keep, scores, 0.0)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted((int(i) for i in top if scores[i] > 0), key=lambda i: -scores[i])
        return [
            LexicalHit(self.cards[i], float(scores[i]), self.coverage(query_terms, i))
            for i in ranked
        ]


def _document_frequency(token_ids: np.ndarray, token_ptr: np.ndarray, size: int) -> np.ndarray:
    """How many documents hold each vocabulary id (each document counted once per id)."""
    if len(token_ids) == 0:
        return np.zeros(size, dtype=np.int32)
    doc = np.repeat(np.arange(len(token_ptr) - 1, dtype=np.int64), np.diff(token_ptr))
    pairs = np.unique(doc * size + token_ids.astype(np.int64))
    return np.bincount(pairs % size, minlength=size).astype(np.int32)


class CardSource(Protocol):
    """What the index needs from the store (CardStore satisfies it)."""

    @property
    def cache_dir(self) -> Path: ...

    def snapshot(self) -> CardSnapshot: ...


@dataclass
class LexicalIndex:
    """BM25 per summary type over a snapshot of the store's cards."""

    by_type: dict[SummaryType, TypeIndex | UpdatingTypeIndex]
    versions: dict[SummaryType, int] = field(default_factory=dict)

    @classmethod
    def build(cls, cards: Iterable[Card]) -> LexicalIndex:
        grouped: dict[SummaryType, list[Card]] = {}
        for card in cards:
            grouped.setdefault(card.summary_type, []).append(card)
        return cls({t: TypeIndex.build([c.card_id for c in g], g) for t, g in grouped.items()})

    def refreshed(self, snapshot: CardSnapshot, files: Path | None = None) -> LexicalIndex:
        """This index brought up to `snapshot`, rebuilding only the types whose cards changed.

        A type this index lacks is first looked for in the persisted `files`; a type built
        here is persisted there (in the background) for the next process."""
        by_type: dict[SummaryType, TypeIndex | UpdatingTypeIndex] = {}
        built: dict[SummaryType, TypeIndex] = {}
        for summary_type, rows in snapshot.rows.items():
            kept = self.by_type.get(summary_type)
            if kept is not None and self.versions.get(summary_type) == rows.version:
                by_type[summary_type] = kept
            elif not len(rows):
                continue
            elif (
                kept is None
                and files is not None
                and (loaded := lexical_files.load_type(files, summary_type, rows))
            ):
                assert isinstance(loaded, TypeIndex)
                by_type[summary_type] = loaded
            elif kept is not None and len(rows) >= BACKGROUND_FROM:
                by_type[summary_type] = _rebuilt_in_background(summary_type, rows, kept, files)
            else:
                known = kept.settled() if isinstance(kept, UpdatingTypeIndex) else kept
                by_type[summary_type] = built[summary_type] = TypeIndex.build(
                    rows.ids, rows.cards, known=known
                )
        if files is not None and built:
            _persist_later(files, built)
        return LexicalIndex(by_type, dict(snapshot.type_versions))

    def search(
        self,
        query: str | list[str],
        summary_type: SummaryType,
        k: int,
        allowed: AbstractSet[str] | None = None,
    ) -> list[LexicalHit]:
        index = self.by_type.get(summary_type)
        terms = tokenize(query) if isinstance(query, str) else query
        return index.search(terms, k, allowed) if index else []

    @property
    def card_ids(self) -> frozenset[str]:
        return frozenset(i for index in self.by_type.values() for i in index.ids)

    def __len__(self) -> int:
        return sum(len(index.ids) for index in self.by_type.values())


def _rebuilt_in_background(
    summary_type: SummaryType,
    rows: TypeRows,
    kept: TypeIndex | UpdatingTypeIndex,
    files: Path | None,
) -> UpdatingTypeIndex:
    old = kept.settled() if isinstance(kept, UpdatingTypeIndex) else kept

    def persist(index: TypeIndex) -> None:
        if files is not None:
            _persist_later(files, {summary_type: index})

    build = lambda: TypeIndex.build(rows.ids, rows.cards, known=old)  # noqa: E731
    return UpdatingTypeIndex(old, rows.ids, rows.cards, build, persist)


def _persist_later(files: Path, built: dict[SummaryType, TypeIndex]) -> None:
    def write() -> None:
        with _writer_lock:
            for summary_type, index in built.items():
                try:
                    lexical_files.save_type(files, summary_type, index)
                except OSError as error:  # a full disk or read-only home: searches still work
                    snapshot_files.say(f"the BM25 cache could not be written ({error})")
                    return

    thread = threading.Thread(target=write, name="bm25-cache-writer")
    _writers.append(thread)
    thread.start()


def wait_persisted() -> None:
    """Wait for the BM25 caches being written in the background (tests, benchmarks)."""
    while _writers:
        _writers.pop().join()


# Types at least this big are re-indexed in the background after an edit: re-indexing from
# cached token ids (bm25s's own index build) measured ~0.15 s per 1k cards idle and ~0.66 s
# at load 11, over the 150 ms a listing after an edit may take.
BACKGROUND_FROM = 500
_EMPTY = LexicalIndex({})
_writers: list[threading.Thread] = []
_writer_lock = threading.Lock()
# Per store: (the store, its snapshot the index was built from, the index).
_cache: dict[int, tuple[Any, CardSnapshot, LexicalIndex]] = {}
_cache_lock = threading.Lock()


def index_for(store: CardSource, snapshot: CardSnapshot | None = None) -> LexicalIndex:
    """The cached lexical index of `store`, brought up to date with the store's snapshot.

    The snapshot follows every card write in any process (the store's change log), and only
    the summary types whose cards changed are re-indexed, so an edit costs one type's rebuild
    from its cached token ids. A new process maps the persisted index (`lexical_files`).
    Pass `snapshot` to index a snapshot already taken (one store state for a whole listing).
    """
    snapshot = snapshot or store.snapshot()
    key = id(store)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] is store and cached[1] is snapshot:
            return cached[2]
        base = cached[2] if cached is not None and cached[0] is store else _EMPTY
        index = base.refreshed(snapshot, store.cache_dir / "lexical")
        _cache[key] = (store, snapshot, index)
        return index


def forget(store: CardSource) -> None:
    """Drop the cached index of a store (e.g. after a bulk import in the same process)."""
    with _cache_lock:
        _cache.pop(id(store), None)
