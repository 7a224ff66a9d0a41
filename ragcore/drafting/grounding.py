"""Grounding check: numbers, percentages, dataset and method names a draft states that appear in
none of the section's evidence are flagged, sentence by sentence.

The seeds' drafts invent "94.2%", "3.7x", "214%": each such claim is listed with its sentence.
Names are the tokens papers use for datasets and methods (ImageNet-1K, ResNet-50, FixMatch,
BERT); plain words, citation markers, list numbering and small counts ("三个挑战", "(2)") are not
claims. The brief's own terms (the method name it coins) count as supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ragcore.text import split_sentences

_CITATION = re.compile(r"\[[^\[\]\n]{1,40}\](?!\()")
_ENUMERATOR = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\d+(?:\.\d+)*[.)、]?\s+|[(（]\d+[)）]\s*|\d+[.)、]\s*)"
)
_INLINE_ENUM = re.compile(r"[(（]\d{1,2}[)）]|第\s*\d+\s*[节章部步条点项]")
# ASCII boundaries on purpose: a Chinese character is `\w` in Python but ends a Latin name.
# A name: a Latin token with an inner capital or a digit, or an acronym (FixMatch, CIFAR-10, BERT).
_NAME = re.compile(
    r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z0-9]*(?:[-_./][A-Za-z0-9]+)*(?![A-Za-z0-9_-])"
)
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*[-–~～到至]\s*(\d+(?:\.\d+)?))?"
    r"\s*(%|％|×|倍|x(?![A-Za-z])|pp\b|个百分点)?"
)
# Generic acronyms of the field: naming them claims nothing about a dataset or method.
GENERIC_TERMS = frozenset(
    [
        "ai",
        "ml",
        "dl",
        "nlp",
        "cv",
        "cnn",
        "cnns",
        "rnn",
        "rnns",
        "lstm",
        "gpu",
        "gpus",
        "cpu",
        "cpus",
        "tpu",
        "api",
        "apis",
        "sota",
        "llm",
        "llms",
        "rag",
        "iot",
        "dnn",
        "dnns",
        "gnn",
        "gnns",
        "mlp",
        "url",
        "http",
        "json",
        "pdf",
        "ii",
        "iii",
        "iv",
        "vi",
        "vii",
        "viii",
        "ix",
        "xi",
    ]
)
ClaimKind = Literal["number", "name"]


@dataclass(frozen=True)
class GroundingFlag:
    sentence: str
    claim: str
    kind: ClaimKind


@dataclass
class GroundingReport:
    flags: list[GroundingFlag] = field(default_factory=list)
    claims_checked: int = 0

    def by_sentence(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for flag in self.flags:
            out.setdefault(flag.sentence, []).append(flag.claim)
        return out


def is_name(token: str) -> bool:
    if token.lower() in GENERIC_TERMS or len(token) < 2:
        return False
    has_digit = any(c.isdigit() for c in token)
    inner_capital = any(c.isupper() for c in token[1:])
    return (has_digit and any(c.isalpha() for c in token)) or inner_capital


def _norm_number(raw: str) -> str:
    value = raw.replace(",", "")
    return value.rstrip("0").rstrip(".") if "." in value else value


def _numbers(text: str) -> set[str]:
    found = set()
    for match in _NUMBER.finditer(text):
        found.add(_norm_number(match.group(1)))
        if match.group(2):
            found.add(_norm_number(match.group(2)))
    return found


@dataclass
class _Support:
    numbers: set[str]
    squashed: str  # evidence lower-cased without spaces or punctuation, for names

    @classmethod
    def of(cls, texts: Iterable[str]) -> _Support:
        joined = "\n".join(texts)
        return cls(_numbers(joined), _squash(joined))

    def has_name(self, name: str) -> bool:
        return _squash(name) in self.squashed


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_./·]", "", text.lower())


def _claims(sentence: str) -> list[tuple[str, ClaimKind, list[str]]]:
    """(claim text, kind, numbers to look up) for one sentence."""
    text = _INLINE_ENUM.sub(" ", _ENUMERATOR.sub("", _CITATION.sub(" ", sentence)))
    claims: list[tuple[str, ClaimKind, list[str]]] = []
    name_spans: list[tuple[int, int]] = []
    for match in _NAME.finditer(text):
        if is_name(match.group(0)):
            claims.append((match.group(0), "name", []))
            name_spans.append(match.span())
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in name_spans):
            continue  # the digits of "ResNet-50" belong to the name
        unit = match.group(3)
        numbers = [_norm_number(g) for g in (match.group(1), match.group(2)) if g]
        small_count = not unit and not match.group(2) and "." not in match.group(1)
        if small_count and int(match.group(1).replace(",", "")) < 10:
            continue  # "3 contributions", "2 个阶段": counts, not findings
        claims.append((match.group(0).strip(), "number", numbers))
    return claims


def check_grounding(
    draft: str, evidence_texts: Iterable[str], allowed_terms: Iterable[str] = ()
) -> GroundingReport:
    """Flag each claim of `draft` that no evidence text (nor an allowed term) supports."""
    support = _Support.of([*evidence_texts, *allowed_terms])
    report = GroundingReport()
    for line in draft.splitlines():
        for sentence in split_sentences(line):
            for claim, kind, numbers in _claims(sentence):
                report.claims_checked += 1
                supported = (
                    all(n in support.numbers for n in numbers)
                    if kind == "number"
                    else support.has_name(claim)
                )
                if not supported:
                    report.flags.append(GroundingFlag(sentence.strip(), claim, kind))
    return report
