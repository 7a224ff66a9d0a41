"""Research-trend analysis that is true: key terms by document frequency over retrieved papers.

For a summary type, a term's count is the number of distinct retrieved papers whose cards of
that type contain it ("term — in N of M papers"), so it can never exceed 100%. Chinese terms come
from jieba's precise mode, English ones are noun-phrase-like n-grams (no stop word at either end,
no number-only words); single characters, punctuation and generic research words never count.
A longer phrase hides its parts when it covers the same papers ("neural network" over "neural").
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import jieba

from ragcore.library.jieba_dictionary import load_dictionary
from ragcore.retrieval.evidence import EvidenceItem
from ragcore.retrieval.lexical import _chinese_stopwords, _english_stopwords, fold_english

MIN_PAPERS = 2  # a term in one paper is that paper's word, not a trend
MIN_TOTAL = 3  # with fewer papers every shared word would look like a "trend"
MAX_NGRAM = 3
_GENERIC_ZH = {
    "研究",
    "方法",
    "提出",
    "本文",
    "论文",
    "问题",
    "进行",
    "通过",
    "使用",
    "采用",
    "实现",
    "基于",
    "具有",
    "可以",
    "能够",
    "以及",
    "我们",
    "作者",
    "结果",
    "表明",
    "显示",
    "分析",
    "总结",
    "主要",
    "工作",
    "部分",
    "方面",
    "提供",
    "需要",
    "相关",
    "存在",
    "包括",
    "其中",
    "不同",
    "实验",
    "现有",
    "一种",
    "利用",
    "如何",
    "对于",
    "这些",
    "此外",
    "同时",
    "以下",
    "之间",
    "达到",
    "获得",
    "用于",
}
_GENERIC_EN = {
    "paper",
    "conclusion",
    "limitation",
    "future",
    "finding",
    "contribution",
    "approach",
    "method",
    "result",
    "propose",
    "proposed",
    "work",
    "study",
    "show",
    "use",
    "used",
    "using",
    "new",
    "based",
    "different",
    "present",
    "presented",
    "author",
}
_CJK_WORD = re.compile(r"^[\u3400-\u9fff]{2,}$")
_LATIN_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9\-]+$")
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"'“”‘’、，。；：！？（）【】《》\n]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*|\S+")


@dataclass(frozen=True)
class TermTrend:
    term: str
    papers: int  # papers whose cards contain the term
    total: int  # distinct papers retrieved for the type

    @property
    def share(self) -> float:
        return self.papers / self.total if self.total else 0.0


def _chinese_terms(text: str) -> set[str]:
    """Words of two or more characters, plus pairs of adjacent words (深度+学习 → 深度学习)."""
    load_dictionary()
    stop = _chinese_stopwords()
    terms: set[str] = set()
    previous = ""
    for word in jieba.cut(text):
        word = word.strip()
        if _CJK_WORD.match(word) and word not in stop and word not in _GENERIC_ZH:
            terms.add(word)
            if previous:
                terms.add(previous + word)
            previous = word
            continue
        previous = ""
        if _LATIN_TERM.match(word) and len(word) > 2:
            terms |= _english_terms(word)
    return terms


def _english_terms(text: str) -> set[str]:
    """n-grams of up to three content words inside one clause (no stop word anywhere)."""
    stop = _english_stopwords() | _GENERIC_EN
    terms: set[str] = set()
    for clause in _CLAUSE.split(text):
        run: list[str] = []
        for raw in [*_WORD.findall(clause), ""]:
            word = raw.lower()
            if _LATIN_TERM.match(raw) and word not in stop and len(word) > 2:
                run.append(fold_english(word))
                continue
            for n in range(1, MAX_NGRAM + 1):
                terms.update(" ".join(run[i : i + n]) for i in range(len(run) - n + 1))
            run = []
    return terms


# The Evidence page rebuilds a section's context, trends included, on every rerun (an edit, a
# toggle): segmenting the same card texts again was ~7% of its run time.
@functools.lru_cache(maxsize=8192)
def card_terms(text: str) -> frozenset[str]:
    """Candidate trend terms of one text (Chinese and English parts both)."""
    if re.search(r"[\u3400-\u9fff]", text):
        return frozenset(_chinese_terms(text))
    return frozenset(_english_terms(text))


def _contains(longer: str, term: str) -> bool:
    if " " in longer or " " in term:
        return len(longer) > len(term) and f" {term} " in f" {longer} "
    return len(longer) > len(term) and term in longer  # Chinese: 深度学习 contains 学习


def _drop_covered(counts: Counter[str]) -> dict[str, int]:
    """Hide a term when a longer term containing it is found in as many papers."""
    kept: dict[str, int] = {}
    for term, count in counts.items():
        longer = (
            other
            for other, n in counts.items()
            if n >= count and other != term and _contains(other, term)
        )
        if next(longer, None) is None:
            kept[term] = count
    return kept


def type_trends(items: Sequence[EvidenceItem], top: int = 5) -> list[TermTrend]:
    """The most widespread terms across the papers of `items` (all of one summary type)."""
    by_paper: dict[str, set[str]] = {}
    for item in items:
        by_paper.setdefault(item.paper_id, set()).update(card_terms(item.text))
    total = len(by_paper)
    if total < MIN_TOTAL:
        return []
    counts = Counter(term for terms in by_paper.values() for term in terms)
    frequent = Counter({t: n for t, n in counts.items() if n >= MIN_PAPERS})
    kept = _drop_covered(frequent)
    ranked = sorted(kept.items(), key=lambda pair: (-pair[1], -len(pair[0]), pair[0]))
    return [TermTrend(term, n, total) for term, n in ranked[:top]]


def trend_lines(trends: Sequence[TermTrend], lang: str) -> list[str]:
    """Bullet texts: `深度学习 — 见于 3/5 篇论文 (60%)` or `deep learning — in 3 of 5 papers (60%)`."""
    if lang == "en":
        return [f"{t.term} — in {t.papers} of {t.total} papers ({t.share:.0%})" for t in trends]
    return [f"{t.term} — 见于 {t.papers}/{t.total} 篇论文 ({t.share:.0%})" for t in trends]
