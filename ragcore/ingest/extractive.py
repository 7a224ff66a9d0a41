"""The offline summarizer: for each summary type, the paper's own most informative sentences,
scored by the type's cue phrases (Chinese and English) and their position in the section.
It never writes a word that is not in the paper."""

from __future__ import annotations

import re

from ragcore.ingest.routing import Route, Routing, SourcePart
from ragcore.text import cjk_count, lone_first_item, split_sentences

# A sentence glued to a figure or table caption ("… defined.][Figure: Normalized …") is no
# sentence of the running text.
_NOISE = re.compile(r"^\[|\\[a-z]+|\$|REF\b|<cit\.>|\[(?:Figure|Table):")
_ENDS = tuple(".!?。！？")
_MAX_CHARS = {"zh": 600, "en": 1100}


def _usable(sentence: str, lang: str) -> bool:
    size = cjk_count(sentence) if lang == "zh" else len(sentence.split())
    low, high = (12, 160) if lang == "zh" else (8, 70)
    if not low <= size <= high or _NOISE.search(sentence) or not sentence.endswith(_ENDS):
        return False
    if _MID_START.match(sentence):
        return False  # starts mid-sentence: a paragraph cut by the file, not by its author
    if lone_first_item(sentence):
        return False  # "流程为：（1）……": a list whose other items are sentences of their own
    letters = sum(c.isalpha() for c in sentence)
    return letters >= len(sentence) * 0.6  # formulas and tables are mostly symbols


def _position_score(index: int, count: int, position: str) -> float:
    if count <= 1 or position == "any":
        return 0.0
    relative = index / (count - 1)
    return 1.0 - relative if position == "start" else relative


_MID_START = re.compile(r"^[a-z(),;:\]]")


def sentences_of(text: str) -> list[str]:
    """Sentences of a text, paragraph by paragraph; a piece that starts mid-clause (lower case,
    a bracket) is the rest of the sentence before it."""
    out: list[str] = []
    for paragraph in text.split("\n\n"):
        pieces = split_sentences(" ".join(paragraph.split()))
        merged: list[str] = []
        for piece in pieces:
            if merged and _MID_START.match(piece):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        out.extend(merged)
    return out


def _sentences(parts: list[SourcePart]) -> list[tuple[str, bool]]:
    """Sentences of the source parts in order, each with whether its part is topical."""
    return [(sentence, part.topical) for part in parts for sentence in sentences_of(part.text)]


def summarize_extractive(parts: list[SourcePart], route: Route, routing: Routing, lang: str) -> str:
    """Up to `route.sentences` sentences of the source, in document order. A sentence is a
    candidate when it names one of the type's cues, when the route prefers a position (the
    opening of a method section is its overview), or when its section is about the type."""
    sentences = _sentences(parts)
    matchers = [routing.matcher(name) for name in route.cues]
    scored: list[tuple[float, int]] = []
    for index, (sentence, topical) in enumerate(sentences):
        if not _usable(sentence, lang):
            continue
        cue_hits = sum(len(m.findall(sentence)) for m in matchers)
        score = min(cue_hits, 3) + 0.8 * _position_score(index, len(sentences), route.position)
        if cue_hits or topical or route.position != "any":
            scored.append((score, index))
    chosen: list[int] = []
    budget = _MAX_CHARS.get(lang, 1100)
    for _, index in sorted(scored, key=lambda item: (-item[0], item[1])):
        if len(chosen) >= route.sentences:
            break
        size = sum(len(sentences[i][0]) for i in chosen) + len(sentences[index][0])
        if size > budget and chosen:
            continue
        chosen.append(index)
    joiner = "" if lang == "zh" else " "
    return joiner.join(sentences[i][0] for i in sorted(chosen))
