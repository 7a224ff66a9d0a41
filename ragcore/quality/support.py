"""Citation support: is each cited sentence supported by the evidence it cites?

Offline check, per cited sentence against the texts of the evidence it cites in its section:
  * meaning: the best cosine similarity (the library's embedder) between the sentence and an
    evidence sentence or whole evidence text;
  * words: the share of the sentence's content terms (the retrieval's tokenizer: jieba for
    Chinese, stemmed English without stop words) found in the cited evidence;
  * numbers: every number the sentence states must occur in the cited evidence (the grounding
    check's number rule): an altered number is unsupported whatever the overlap.
score = (meaning + words) / 2; supported when score >= THRESHOLD and no number is missing.
The threshold and its measured precision/recall are in docs/quality.md (labelled set in
benchmarks/data/support_pairs.jsonl). An optional judge (the configured model) replaces the
offline verdict for each sentence when given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ragcore.drafting.grounding import check_grounding
from ragcore.library.embeddings import Embedder
from ragcore.quality.model import Figure, Finding, not_judged
from ragcore.quality.source import PaperUnderCheck
from ragcore.quality.text import cited_numbers, sentences, strip_markers
from ragcore.quality.wording import Code, Phrase
from ragcore.retrieval.lexical import tokenize
from ragcore.text import split_sentences

KEY, NAME, IDEAL = "citation_support", "Cited sentences supported (share)", ">= 0.90"
THRESHOLD = 0.5
MIN_RATE = 0.90
# (sentence, cited evidence texts) -> True supported / False not / None no verdict
Judge = Callable[[str, Sequence[str]], bool | None]


@dataclass
class SupportVerdict:
    supported: bool
    score: float
    meaning: float
    words: float
    missing_numbers: list[str] = field(default_factory=list)

    def reason(self) -> Phrase:
        if self.missing_numbers:
            return Phrase(Code.NUMBERS_MISSING, {"numbers": tuple(self.missing_numbers)})
        return Phrase(
            Code.LOW_SUPPORT,
            {
                "score": self.score,
                "threshold": THRESHOLD,
                "meaning": self.meaning,
                "words": self.words,
            },
        )


class SupportChecker:
    def __init__(self, embedder: Embedder | None, threshold: float = THRESHOLD) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self._vectors: dict[str, np.ndarray] = {}

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        assert self.embedder is not None
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embedder.embed(missing), strict=True):
                self._vectors[text] = vector
        return np.stack([self._vectors[t] for t in texts])

    def meaning(self, sentence: str, evidence: Sequence[str]) -> float:
        if self.embedder is None:
            return 0.0
        pieces = [p for text in evidence for p in [text, *split_sentences(text)] if p.strip()]
        if not pieces:
            return 0.0
        scores = self._embed(pieces) @ self._embed([sentence])[0]
        return float(min(1.0, max(0.0, scores.max())))

    @staticmethod
    def words(sentence: str, evidence: Sequence[str]) -> float:
        terms = set(tokenize(sentence))
        if not terms:
            return 1.0
        found = set(tokenize("\n".join(evidence)))
        return len(terms & found) / len(terms)

    def verdict(self, sentence: str, evidence: Sequence[str]) -> SupportVerdict:
        text = strip_markers(sentence)
        meaning = self.meaning(text, evidence)
        words = self.words(text, evidence)
        weight = 0.5 if self.embedder is not None else 0.0
        score = weight * meaning + (1 - weight) * words
        flags = check_grounding(text, evidence).flags
        missing = [f.claim for f in flags if f.kind == "number"]
        return SupportVerdict(
            score >= self.threshold and not missing, score, meaning, words, missing
        )


def citation_support(
    paper: PaperUnderCheck, checker: SupportChecker, judge: Judge | None = None
) -> Figure:
    if not paper.has_evidence:
        return not_judged(KEY, NAME, "rate", IDEAL, Phrase(Code.SUPPORT_FILE))
    figure = Figure(KEY, NAME, "rate", IDEAL)
    cited = supported = 0
    for section in paper.written():
        for sentence in sentences(section.body):
            numbers = [n for n in cited_numbers(sentence) if 1 <= n <= len(paper.references)]
            if not numbers:
                continue
            cited += 1
            papers = [paper.references[n - 1].paper_id for n in numbers]
            evidence = [e.text for pid in papers for e in section.evidence_of(pid)]
            if not evidence:
                figure.findings.append(Finding(section.heading, sentence, Code.NO_CITED_EVIDENCE))
                continue
            verdict = checker.verdict(sentence, evidence)
            opinion = judge(strip_markers(sentence), evidence) if judge else None
            ok = verdict.supported if opinion is None else opinion
            if ok:
                supported += 1
            else:
                why = verdict.reason() if opinion is None else Phrase(Code.JUDGE_SAYS_NO)
                figure.findings.append(Finding.of(section.heading, sentence, why))
    if cited:
        figure.value, figure.checked = supported / cited, cited
        figure.passed = figure.value >= MIN_RATE
    else:
        figure.why_not = Phrase(Code.NOTHING_CITED)
    return figure
