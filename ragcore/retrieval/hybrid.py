"""Hybrid retrieval per summary type: a dense channel (the embedder) and a BM25 channel, fused.

Fusion ("auto", chosen by measurement on the CSL Chinese set, see docs/retrieval.md): a
weighted sum of two absolute scores in [0, 1], so the fused relevance means the same thing for
every query and a floor can flag weak cards:
  * dense = cosine similarity of query and card;
  * lexical = idf-weighted share of the query's terms found in the card.
It is language-aware: a card in another language than the query cannot match words, so its
relevance is its dense score alone; with an embedder that does not read Chinese, Chinese
queries use the lexical channel alone (naive fusion made Chinese worse than BM25 there).
"rrf" ranks by reciprocal rank fusion instead (relevance still reported as above).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ragcore.errors import InputError
from ragcore.library.cards import Card, SummaryType
from ragcore.library.embeddings import Vectors
from ragcore.library.snapshot import CardSnapshot
from ragcore.library.store import CardStore
from ragcore.retrieval.evidence import ChannelScores, EvidenceItem, SectionEvidence
from ragcore.retrieval.lexical import (
    LexicalHit,
    TypeIndex,
    chinese_phrases,
    index_for,
    phrase_share,
    tokenize,
)
from ragcore.retrieval.lexical_update import UpdatingTypeIndex
from ragcore.retrieval.sectionplan import SectionSpec
from ragcore.retrieval.topic import check_topic
from ragcore.settings import Settings
from ragcore.text import detect_lang

MAX_K = 100
# How much a Chinese topic's phrases found as written (`chinese_phrases`) weigh in whether a
# card is on the topic, against its terms found anywhere. Measured on CSL with
# benchmarks/relative_floor.py (relevant in the top 100 kept / irrelevant in the top 10 passing
# the floor): 0 → 0.62 / 0.64, 0.25 → 0.56 / 0.49, 0.35 → 0.54 / 0.43, 0.5 → 0.42 / 0.34.
# 0.35 is the knee: beyond it each irrelevant card cut costs more relevant ones. The order
# within a type is unchanged (the phrases judge relevance); a section choosing among its types'
# cards by relevance can choose differently. English topics have no phrases.
PHRASE_WEIGHT = 0.35
DENSE_WEIGHT = 0.5  # measured: 0.3-0.7 all beat either channel on CSL; 0.5 best nDCG@10
RRF_K = 60
# Embedders known to read Chinese; sentence-transformers models are judged by their name.
_MULTILINGUAL_NAMES = ("use", "fake")
_MULTILINGUAL_HINTS = ("multilingual", "m3", "labse", "e5", "xlm", "chinese", "zh", "text2vec")


def is_multilingual(embedder_name: str) -> bool:
    name = embedder_name.lower()
    if name in _MULTILINGUAL_NAMES:
        return True
    return name.startswith("st:") and any(hint in name for hint in _MULTILINGUAL_HINTS)


def effective_fusion(fusion: str, query_lang: str, embedder_name: str) -> str:
    """With an embedder that does not read Chinese, a Chinese query is ranked by BM25 alone:
    measured on CSL, mixing in its dense scores made nDCG@10 drop from 0.39 to 0.25."""
    if fusion == "auto" and query_lang == "zh":
        return fusion if is_multilingual(embedder_name) else "bm25"
    return fusion


@dataclass
class TypeResult:
    summary_type: SummaryType
    items: list[EvidenceItem] = field(default_factory=list)

    @property
    def has_strong(self) -> bool:
        return any(not item.weak for item in self.items)


@dataclass
class Retrieval:
    topic: str
    lang: str
    fusion: str
    floor: float
    results: dict[SummaryType, TypeResult] = field(default_factory=dict)

    def weak_types(self) -> list[SummaryType]:
        """Types with no card above the relevance floor (said plainly to the user)."""
        return [t for t, r in self.results.items() if not r.has_strong]

    def to_dict(self) -> dict[str, object]:
        """The `search --json` shape: results by type, each with `score` in [0, 1]."""
        return {
            "topic": self.topic,
            "fusion": self.fusion,
            "relevance_floor": self.floor,
            "results": {
                t.value: [_item_json(item) for item in r.items] for t, r in self.results.items()
            },
            "no_card_above_floor": [t.value for t in self.weak_types()],
        }


def _item_json(item: EvidenceItem) -> dict[str, object]:
    return {
        "card_id": item.evidence_id,
        "paper_id": item.paper_id,
        "summary_type": item.summary_type.value,
        "score": round(item.relevance, 4),
        "weak": item.weak,
        "channels": item.channels.to_dict(),
        "title": item.card.title,
        "text": item.card.text,
    }


# ------------------------------------------------------------------ checks


def parse_type(raw: SummaryType | str) -> SummaryType:
    if isinstance(raw, SummaryType):
        return raw
    try:
        return SummaryType.parse(raw)
    except ValueError as error:
        raise InputError(str(error)) from None


def check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise InputError(f"k (cards per summary type) must be between 1 and {MAX_K}, got {k}")
    return k


# ------------------------------------------------------------------ fusion


@dataclass
class _Candidate:
    card: Card
    channels: ChannelScores
    relevance: float = 0.0
    rrf: float = 0.0
    # The lexical share counting every shared word, and the fused score ranked by: one shared
    # word is no sign a card is on the topic (its relevance) but still orders cards well
    # (requiring two cost the CSL set 0.410 -> 0.398 nDCG@10 when it also ranked).
    coverage: float = 0.0
    rank_score: float = 0.0


def _dense_weight(fusion: str, query_lang: str, card_lang: str, multilingual: bool) -> float:
    if fusion == "dense":
        return 1.0
    if fusion == "bm25":
        return 0.0
    if fusion == "weighted":
        return DENSE_WEIGHT
    if card_lang != query_lang and multilingual:
        return 1.0  # words cannot match across languages; only meaning can
    if query_lang == "zh" and not multilingual:
        return 0.0
    return DENSE_WEIGHT


def _per_language(
    dense: list[tuple[Card, float]],
    english: tuple[Vectors, CardSnapshot],
    summary_type: SummaryType,
    depth: int,
    papers: AbstractSet[str] | None,
) -> list[tuple[Card, float]]:
    """One dense list where English cards are scored by the English model and the others
    (Chinese, or English cards the channel lacks) by the multilingual one."""
    vector, snapshot = english
    allowed = sorted(papers) if papers is not None else None
    own = snapshot.search(vector, summary_type=summary_type, paper_ids=allowed, k=depth)
    others = [(card, score) for card, score in dense if card.card_id not in snapshot.cards]
    return sorted(own + others, key=lambda hit: -hit[1])[:depth]


# The words every card of a type uses to say what kind of card it is: in a topic they say
# nothing about whether a card of that type is on it ("metrics" matches every Metric card).
_TYPE_WORDS = {
    SummaryType.BACKGROUND: "background 背景",
    SummaryType.CHALLENGES: "challenge challenges 挑战",
    SummaryType.INNOVATIONS: "contribution contributions novel innovation 创新 贡献",
    SummaryType.METHODOLOGY: "method methods approach approaches 方法",
    SummaryType.EXPEDESIGN: "experiment experiments experimental dataset datasets 实验 数据集",
    SummaryType.METRIC: "metric metrics measure measures evaluate evaluating evaluation "
    "指标 评估 度量 评价",
    SummaryType.BASELINE: "baseline baselines compare compared comparison 基线 对比",
    SummaryType.RESULTANALYSIS: "result results 结果",
    SummaryType.RELATEDWORK: "related work works 相关 工作",
    SummaryType.CONCLUSION: "conclusion conclusions future 结论 展望",
}
_TYPE_TERMS: dict[SummaryType, frozenset[str]] = {}
# A topic of this many topical terms or more is matched by words only when a card shares two
# of them: one shared word is a coincidence ("error" in "mean squared error" for a topic on
# grammatical error correction), not a sign the card is about the topic.
SHARED_TERMS_TOPIC = 3


def topic_terms(terms: Sequence[str], summary_type: SummaryType) -> list[str]:
    """The query's terms that can tell whether a card of this type is on the topic."""
    if summary_type not in _TYPE_TERMS:
        _TYPE_TERMS[summary_type] = frozenset(tokenize(_TYPE_WORDS[summary_type]))
    own = _TYPE_TERMS[summary_type]
    return [t for t in terms if t not in own]


def topical_coverage(
    type_index: TypeIndex | UpdatingTypeIndex | None,
    terms: Sequence[str],
    summary_type: SummaryType,
    card: Card,
    phrases: Sequence[str] = (),
) -> float:
    """The lexical channel: idf-weighted share of the topic's terms in the card (the type's own
    words left out), 0 when a topic of several terms shares just one word with the card; for a
    Chinese topic, weighed with the share of its phrases the card has as written
    (`chinese_phrases`, `PHRASE_WEIGHT`)."""
    return _coverages(type_index, terms, summary_type, card, phrases)[0]


def _coverages(
    type_index: TypeIndex | UpdatingTypeIndex | None,
    terms: Sequence[str],
    summary_type: SummaryType,
    card: Card,
    phrases: Sequence[str] = (),
) -> tuple[float, float]:
    """(topical coverage, the same counting a single shared word and no phrases: for ranking;
    the phrases judge whether a card is on the topic, the order stays BM25's and the terms')."""
    topical = list(dict.fromkeys(topic_terms(terms, summary_type)))
    if type_index is None or not topical:
        return 0.0, 0.0
    coverage, shared = type_index.match_of(topical, card.card_id)
    if len(topical) >= SHARED_TERMS_TOPIC and shared < 2:
        return 0.0, coverage
    if phrases:
        share = phrase_share(phrases, card.text)
        return (1 - PHRASE_WEIGHT) * coverage + PHRASE_WEIGHT * share, coverage
    return coverage, coverage


def _collect(
    dense: list[tuple[Card, float]],
    lexical: list[LexicalHit],
    type_index: TypeIndex | UpdatingTypeIndex | None,
    terms: list[str],
    summary_type: SummaryType,
    phrases: Sequence[str] = (),
) -> dict[str, _Candidate]:
    candidates: dict[str, _Candidate] = {}
    for rank, (card, score) in enumerate(dense, start=1):
        channels = ChannelScores(dense=score, dense_rank=rank)
        candidates[card.card_id] = _Candidate(card, channels)
    for rank, hit in enumerate(lexical, start=1):
        cand = candidates.setdefault(hit.card.card_id, _Candidate(hit.card, ChannelScores()))
        cand.channels.bm25, cand.channels.bm25_rank = hit.score, rank
    for cand in candidates.values():
        cand.channels.lexical, cand.coverage = _coverages(
            type_index, terms, summary_type, cand.card, phrases
        )
    return candidates


def _score(
    candidates: dict[str, _Candidate],
    dense_floor: float,
    fusion: str,
    query_lang: str,
    multilingual: bool,
) -> None:
    for cand in candidates.values():
        ch = cand.channels
        # Not in the dense top-N: its similarity is at most the last one returned.
        dense = ch.dense if ch.dense is not None else dense_floor
        weight = _dense_weight(fusion, query_lang, cand.card.lang or query_lang, multilingual)
        cand.relevance = min(1.0, max(0.0, weight * dense + (1 - weight) * (ch.lexical or 0.0)))
        cand.rank_score = min(1.0, max(0.0, weight * dense + (1 - weight) * cand.coverage))
        cand.rrf = sum(1 / (RRF_K + r) for r in (ch.dense_rank, ch.bm25_rank) if r is not None)


def _rank_key(cand: _Candidate, fusion: str) -> tuple[float, float]:
    """Sort key (ascending): single channels rank by their own score, rrf by rank fusion."""
    if fusion == "bm25":
        return (-(cand.channels.bm25 or 0.0), -cand.relevance)
    if fusion == "dense":
        return (-(cand.channels.dense or 0.0), -cand.relevance)
    if fusion == "rrf":
        return (-cand.rrf, -cand.relevance)
    return (-cand.rank_score, -cand.relevance)


def _select(
    candidates: dict[str, _Candidate], k: int, per_paper_cap: int, fusion: str, floor: float
) -> list[EvidenceItem]:
    """Best first, at most `per_paper_cap` cards per paper, `k` in all."""
    per_paper: dict[str, int] = {}
    items: list[EvidenceItem] = []
    for cand in sorted(candidates.values(), key=lambda c: _rank_key(c, fusion)):
        if per_paper.get(cand.card.paper_id, 0) >= per_paper_cap:
            continue
        per_paper[cand.card.paper_id] = per_paper.get(cand.card.paper_id, 0) + 1
        weak = cand.relevance < floor
        items.append(EvidenceItem(cand.card, cand.relevance, cand.channels, weak=weak))
        if len(items) == k:
            break
    return items


# ------------------------------------------------------------------ entry points


@dataclass
class Query:
    """A topic prepared once for all types: its embedding, terms and language."""

    text: str
    lang: str
    terms: list[str]
    vector: Vectors | None
    # The library as of this query: every type is searched in the same state of the store,
    # and the store's revision is checked once instead of once per type.
    snapshot: CardSnapshot | None = None
    # An English query with the store's English channel: its vector and cards (see
    # `ragcore.library.english`); None otherwise.
    english: tuple[Vectors, CardSnapshot] | None = None


def english_channel(store: CardStore, text: str, lang: str) -> tuple[Vectors, CardSnapshot] | None:
    """The English channel's query vector and snapshot, for an English query when the store
    has the channel and English cards in it."""
    if lang != "en" or store.english is None:
        return None
    snapshot = store.english.snapshot()
    if not len(snapshot):
        return None
    return store.english.embed_query(text), snapshot


def prepare_query(store: CardStore, topic: str, fusion: str) -> Query:
    text = check_topic(topic)
    vector = store.embed_query(text) if fusion != "bm25" else None
    lang = detect_lang(text)
    english = english_channel(store, text, lang) if fusion != "bm25" else None
    return Query(text, lang, tokenize(text), vector, store.snapshot(), english)


def search_type(
    store: CardStore,
    query: Query,
    summary_type: SummaryType,
    *,
    k: int,
    settings: Settings,
    fusion: str | None = None,
    exclude_papers: Sequence[str] = (),
    papers: AbstractSet[str] | None = None,
    floor: float | None = None,
) -> TypeResult:
    """The best `k` cards of one type for a prepared query (the path `search` and eval share).
    With `papers`, only those papers' cards compete in both channels (a project's paper
    selection), so `k` cards still come back when the allowed papers have them. Cards below
    `floor` (the settings' absolute floor when None) are weak."""
    fusion = effective_fusion(fusion or settings.retrieval.fusion, query.lang, store.embedder.name)
    depth = max(4 * k, 30) + len(exclude_papers)
    snapshot = query.snapshot or store.snapshot()
    allowed_papers = sorted(papers) if papers is not None else None
    dense: list[tuple[Card, float]] = []
    if query.vector is not None and fusion != "bm25":
        dense = snapshot.search(
            query.vector, summary_type=summary_type, paper_ids=allowed_papers, k=depth
        )
        if query.english is not None:
            dense = _per_language(dense, query.english, summary_type, depth, papers)
    index = index_for(store, snapshot)
    allowed_cards = _cards_of_papers(snapshot, summary_type, papers)
    lexical = (
        index.search(query.terms, summary_type, depth, allowed_cards) if fusion != "dense" else []
    )
    if not dense and not lexical:
        return TypeResult(summary_type)
    candidates = _collect(
        dense,
        lexical,
        index.by_type.get(summary_type),
        query.terms,
        summary_type,
        chinese_phrases(query.text),
    )
    for card_id in [c for c, cand in candidates.items() if cand.card.paper_id in exclude_papers]:
        del candidates[card_id]
    # Full depth came back: the unseen cards score at most the last similarity returned.
    dense_floor = dense[-1][1] if len(dense) >= depth else 0.0
    multilingual = is_multilingual(store.embedder.name)
    _score(candidates, dense_floor, fusion, query.lang, multilingual)
    floor = settings.retrieval.relevance_floor if floor is None else floor
    cap = settings.retrieval.per_paper_cap
    return TypeResult(summary_type, _select(candidates, k, cap, fusion, floor))


@dataclass(frozen=True)
class TopicFloor:
    """What "on topic" means for one topic in this library."""

    floor: float  # the relevance a card needs: absolute floor or a share of the best card
    covered: bool  # some card is on topic at all (the best clears the absolute floor)


def topic_floor(
    store: CardStore,
    query: Query,
    *,
    settings: Settings,
    fusion: str | None = None,
    papers: AbstractSet[str] | None = None,
) -> TopicFloor:
    """The relevance a card needs to be on topic: the absolute floor, or `relative_floor` of
    the topic's best card of any type (within `papers`) when that is higher. With one
    on-topic paper at 0.7-0.9, the library's other papers reach 0.2-0.33 (docs/quality.md):
    above the absolute floor, far below the topic's own papers."""
    key, snapshots = _best_key(store, query, fusion, papers)
    best = _BEST.get(key, snapshots)
    if best is None:
        best = max(
            (
                item.relevance
                for summary_type in SummaryType
                for item in search_type(
                    store, query, summary_type, k=BEST_DEPTH, settings=settings, fusion=fusion,
                    papers=papers,
                ).items
            ),
            default=0.0,
        )  # fmt: skip
        _BEST.put(key, snapshots, best)
    return floor_of(best, settings)


def _best_key(
    store: CardStore, query: Query, fusion: str | None, papers: AbstractSet[str] | None
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    key = (query.text, fusion, tuple(sorted(papers)) if papers is not None else None)
    return key, (query.snapshot or store.snapshot(), query.english[1] if query.english else None)


def floor_of(best: float, settings: Settings) -> TopicFloor:
    absolute = settings.retrieval.relevance_floor
    floor = max(absolute, settings.retrieval.relative_floor * best)
    return TopicFloor(floor, covered=best >= absolute)


class _BestCache:
    """The topic's best relevance per query and library state: the five sections of one draft,
    and an Evidence page's sections, search all ten types once. An entry holds weak references
    to the snapshots it was computed on (a new store state is a new snapshot; an old one must
    not be kept alive: at 100k cards one holds hundreds of MB)."""

    SIZE = 32

    def __init__(self) -> None:
        self._entries: dict[tuple[object, ...], tuple[list[weakref.ref[Any] | None], float]] = {}

    def get(self, key: tuple[object, ...], snapshots: tuple[object, ...]) -> float | None:
        found = self._entries.get((*key, *map(id, snapshots)))
        if found is None:
            return None
        refs, best = found
        alive = [r() if r is not None else None for r in refs]
        return best if all(a is s for a, s in zip(alive, snapshots, strict=True)) else None

    def put(self, key: tuple[object, ...], snapshots: tuple[object, ...], best: float) -> None:
        if len(self._entries) >= self.SIZE:
            self._entries.pop(next(iter(self._entries)))
        refs = [weakref.ref(s) if s is not None else None for s in snapshots]
        self._entries[(*key, *map(id, snapshots))] = (refs, best)


_BEST = _BestCache()


BEST_DEPTH = 5  # the best relevance is among a type's first few by rank


def _cards_of_papers(
    snapshot: CardSnapshot, summary_type: SummaryType, papers: AbstractSet[str] | None
) -> frozenset[str] | None:
    """The ids of one type's cards that belong to `papers` (None: no filter)."""
    if papers is None:
        return None
    rows = snapshot.rows[summary_type]
    keep = np.isin(rows.papers, sorted(papers))
    return frozenset(card_id for card_id, kept in zip(rows.ids, keep, strict=True) if kept)


def retrieve_all_types(
    store: CardStore,
    topic: str,
    *,
    types: Sequence[SummaryType | str] | None = None,
    k: int = 5,
    settings: Settings,
    fusion: str | None = None,
    papers: AbstractSet[str] | None = None,
) -> Retrieval:
    """The `ragcore search` listing: the best `k` cards of each type (all ten by default),
    from `papers` only when given."""
    check_k(k)
    fusion = fusion or settings.retrieval.fusion
    query = prepare_query(store, topic, fusion)
    wanted = list(dict.fromkeys(parse_type(t) for t in types)) if types else list(SummaryType)
    results = {
        t: search_type(store, query, t, k=k, settings=settings, fusion=fusion, papers=papers)
        for t in wanted
    }
    if set(wanted) == set(SummaryType) and k == BEST_DEPTH:
        # These are the very searches `topic_floor` makes: the listing need not repeat them.
        best = max((i.relevance for r in results.values() for i in r.items), default=0.0)
        _BEST.put(*_best_key(store, query, fusion, papers), best)
    on_topic = topic_floor(store, query, settings=settings, fusion=fusion, papers=papers)
    for result in results.values():
        for item in result.items:
            item.weak = item.relevance < on_topic.floor
    retrieval = Retrieval(query.text, query.lang, fusion, on_topic.floor, results)
    if not any(r.items for r in retrieval.results.values()):
        check_library(store)
    return retrieval


def check_library(store: CardStore) -> None:
    if len(index_for(store)) == 0:
        raise InputError("the library is empty; import cards first (ragcore import FILE)")


# ------------------------------------------------------------------ sections


def section_paper_cap(slots: int) -> int:
    """How many of a section's slots one paper may fill (so one paper cannot fill them all)."""
    return max(2, -(-slots // 3))


def retrieve_section(
    store: CardStore,
    topic: str,
    section: SectionSpec,
    *,
    settings: Settings,
    fusion: str | None = None,
    papers: AbstractSet[str] | None = None,
) -> SectionEvidence:
    """The evidence of one section: the plan's number of cards per type, best first, with a
    per-paper cap across the section's types; extra candidates and cards below the relevance
    floor stay as excluded backups. With `papers`, only those papers' cards are retrieved."""
    fusion = fusion or settings.retrieval.fusion
    query = prepare_query(store, topic, fusion)
    on_topic = topic_floor(store, query, settings=settings, fusion=fusion, papers=papers)
    floor = on_topic.floor
    results = {
        t: search_type(
            store,
            query,
            t,
            k=min(MAX_K, 2 * n),
            settings=settings,
            fusion=fusion,
            papers=papers,
            floor=floor,
        )
        for t, n in section.types.items()
    }
    if not any(r.items for r in results.values()):
        check_library(store)
    cap = section_paper_cap(sum(section.types.values()))
    used: dict[str, int] = {}
    evidence = SectionEvidence(section.key, query.text, topic_covered=on_topic.covered)
    for summary_type, wanted in section.types.items():
        # Below the relevance floor a card is off-topic more often than not: it stays a backup
        # (shown, switched off) that the user can switch on.
        strong = [i for i in results[summary_type].items if not i.weak]
        chosen = _diverse(strong, wanted, cap, used)
        for item in results[summary_type].items:
            item.included = item in chosen
            evidence.items.append(item)
        if not results[summary_type].has_strong:
            evidence.types_without_strong_cards.append(summary_type)
    return evidence


def _diverse(
    items: list[EvidenceItem], wanted: int, cap: int, used: dict[str, int]
) -> list[EvidenceItem]:
    """The first `wanted` items whose paper is under the cap; backfilled when too few."""
    chosen = [i for i in items if used.get(i.paper_id, 0) < cap][:wanted]
    chosen += [i for i in items if i not in chosen][: wanted - len(chosen)]
    for item in chosen:
        used[item.paper_id] = used.get(item.paper_id, 0) + 1
    return sorted(chosen, key=items.index)
