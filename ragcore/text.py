"""Small text utilities shared by every stage: language, sentences, lengths."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\-]*|\d+(?:\.\d+)?%?")
_SPACE = re.compile(r"\s+")
# Sentence ends: Chinese full stops always; a Chinese semicolon unless an enumeration goes on
# after it ("两方面：(1) A；(2) B。" is one sentence: split, "(1) A" promises a second item it
# does not hold); Latin ones when followed by space/end (not 3.14, e.g.); a half-width full
# stop between Chinese characters ("…不言而喻.针对…", as CSL and many converted texts write it).
_ENUMERATION = r"\s*(?:[(（]\d{1,2}[)）]|\d{1,2}[)）、]|[①-⑳])"
_SENTENCE_END = re.compile(
    r"(?<=[。！？!?])\s*|(?<=；)(?!" + _ENUMERATION + r")\s*"
    r"|(?<=[.])(?=\s+[A-Z0-9\"'(\[]|\s*$)\s*"
    r"|(?<=[\u4e00-\u9fff）)”][.])\s*(?=[\u4e00-\u9fff（(“])"
)
TRUNCATION_MARKERS = ("...", "…", "……")
# A full stop after these is no sentence end: "et al. (2015)", "Fig. 3", "e.g. the".
ABBREVIATION_END = re.compile(
    r"(?:\bet al|\be\.g|\bi\.e|\bcf|\bvs|\bFigs?|\bEqs?|\bTab|\bNo|\bDr|\bProf|\bapprox"
    r"|\bSec|\bRef|\bVol|\bpp|\b[A-Z])\.$"
)


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def detect_lang(text: str) -> str:
    """'zh' when Chinese characters make up a real share of the text, else 'en'."""
    cjk = cjk_count(text)
    latin = len(_LATIN_WORD.findall(text))
    return "zh" if cjk and cjk >= latin * 0.5 else "en"


def count_words(text: str) -> int:
    """Paper length as researchers count it: Chinese characters plus English words."""
    return cjk_count(text) + len(_LATIN_WORD.findall(_CJK.sub(" ", text)))


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends in both languages; keeps the end punctuation. A full stop after
    an abbreviation is no end, so "Grundkiewicz et al. (2015) measure ..." stays whole."""
    merged: list[str] = []
    for part in _SENTENCE_END.split(text.strip()):
        part = part.strip() if part else ""
        if not part:
            continue
        if merged and ABBREVIATION_END.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def is_truncated(text: str) -> bool:
    """True when a text was cut off (ends with an ellipsis marker)."""
    return text.rstrip().endswith(TRUNCATION_MARKERS)


def ends_properly(text: str) -> bool:
    """True when a text ends at a sentence end (or a list item/heading), not mid-sentence."""
    stripped = text.rstrip()
    if not stripped:
        return False
    if is_truncated(stripped):
        return False
    last_line = stripped.splitlines()[-1].strip()
    if last_line.startswith(("#", "|", "-", "*", "$$")) or re.match(r"^\d+[.)、]", last_line):
        return True
    return stripped[-1] in "。！？.!?」』”\"')）]】*$`"


def cut_at_sentence(text: str, limit: int) -> str:
    """The longest prefix of whole sentences within `limit` characters (at least one sentence)."""
    if len(text) <= limit:
        return text
    out = ""
    for sentence in split_sentences(text):
        candidate = (
            f"{out} {sentence}".strip() if out and not _CJK.search(sentence[:1]) else out + sentence
        )
        if len(candidate) > limit and out:
            break
        out = candidate
    return out


# Where a citation or a name was removed from the source text, the sentence keeps a gap: a
# preposition with nothing after it ("proposed by  is used", "the authors of  propose",
# "methods of  and ..."). Words that cannot follow these prepositions directly:
_GAP = re.compile(
    r"\b(?:by|of|from|in|see)\s+"
    r"(?:is|are|was|were|has|have|had|and|or|by|of|in|to|when|proposes?|proposed|suggests?"
    r"|suggested|shows?|showed)(?![\w-])",
    re.I,
)
_GAP_IDIOM = re.compile(r"\bby and large\b|\bin and out\b|\bin or out\b", re.I)
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)|\[\s*[,;]?\s*\]|（\s*）")
_SPACE_COMMA = re.compile(r"[A-Za-z]\s+,")
# Formula debris from PDF text layers: operators, sub/superscript marks, strike-through.
_MATH = re.compile(r"[=∩∪→←↔≤≥≠∑∏∈∉⊂⊆⊃⊇∀∃∧∨¬_^~{}|\\ˆ˜]")
MATH_SYMBOLS_MAX = 3  # "F ≥ 0", "S ∩ R ∩ C" read as prose; four and more are a formula


FlawKind = Literal[
    "gap",
    "empty_brackets",
    "comma_gap",
    "formula",
    "braces",
    "opening_parenthesis",
    "operator",
    "garbled_glyphs",
]


class Flaw(NamedTuple):
    """What is wrong with a sentence's text, as a kind and the piece that shows it; worded by
    the scorecard (`ragcore.quality.wording`, code `fragment.<kind>`)."""

    kind: FlawKind
    piece: str = ""


# An English sentence cannot end on these words: the text was cut after them, or a citation
# that was part of the sentence ("derived method in [12].") was removed.
_DANGLING = re.compile(
    r"\b(?:to|the|of|and|a|an|in|for|with|by|on|from|as|at|or|that|which|such|than|into|via)"
    r"\s*[.!?]?$"
)


# What is left of an author-year citation cut by extraction or a careless source.
_STUB = re.compile(
    r"(?<![A-Za-z])(?!et\b)[a-z]{1,2} al\.,?\s*(?:19|20)\d{2}"  # "t al., 2020"
    r"|\bet al\s*$|\bet al\.,\s*$"  # a sentence ending on "et al"
    r"|(?<![A-Za-z])[A-Z][a-z]+ et al(?![.\w])"  # "Deng et al" without its period and year
)


def citation_stub(sentence: str) -> str | None:
    """The cut author-year citation in a sentence ("t al., 2020", "Deng et al" without its
    period), or None."""
    match = _STUB.search(sentence)
    return match.group(0).strip() if match else None


def unopened_parenthesis(sentence: str) -> bool:
    """True when a closing parenthesis or bracket comes before any opening one: a cut-off
    piece ("... slow to load and search.]", the end of a bracketed figure caption)."""
    for opening, closing in ("(（", ")）"), ("[【", "]】"):
        opened = 0
        for ch in sentence:
            opened += ch in opening
            if ch in closing:
                if opened == 0:
                    return True
                opened -= 1
    return False


# The first item of an enumeration after a colon or comma, and the second item.
_FIRST_ITEM = re.compile(r"(?:^|(?<=[:：;；,，、]))\s*(?:[(（]1[)）]|①)")
_SECOND_ITEM = re.compile(r"[(（]2[)）]|②")


def lone_first_item(sentence: str) -> bool:
    """True for "流程为：（1）……。" with no "（2）" in it: the opening of a list whose other
    items are sentences of their own; quoted alone it reads as a list cut after one item."""
    return bool(_FIRST_ITEM.search(sentence)) and not _SECOND_ITEM.search(sentence)


# A Chinese sentence ending on a pointer whose object was cut ("……我们参考了文献。", its
# author-year citation removed; "详见。"). A verb must point: "很常见。", "意见。" and "已有大量
# 相关文献。" end a sentence.
_DANGLING_ZH = re.compile(
    r"(?:(?:参考|参照|引用|借鉴)了?|见|参见|详见)文献\s*[。！？.!?]?$|(?:参见|详见)\s*[。！？.!?]?$"
)


def ends_dangling(sentence: str) -> bool:
    """True when a sentence ends on a word no sentence ends with ("... method in.", "……参考了
    文献。")."""
    stripped = sentence.rstrip()
    if cjk_count(stripped):
        return bool(_DANGLING_ZH.search(stripped))
    return bool(_DANGLING.search(stripped.rstrip(".!?")))


def text_gap(sentence: str) -> Flaw | None:
    """Where an English sentence has a hole where text was removed (None when it has none):
    `gap` (a citation or name removed), `empty_brackets`, `comma_gap` (text before a comma)."""
    text = sentence.strip()
    if detect_lang(text) != "en":
        return None
    if (gap := _GAP.search(_GAP_IDIOM.sub("", text))) is not None:
        return Flaw("gap", gap.group(0))
    if (empty := _EMPTY_BRACKETS.search(text)) is not None:
        return Flaw("empty_brackets", empty.group(0))
    if (comma := _SPACE_COMMA.search(text)) is not None:
        return Flaw("comma_gap", comma.group(0))
    return None


def formula_debris(sentence: str) -> Flaw | None:
    """Whether a sentence is a formula flattened by a PDF text layer, or carries one (None if
    not): many operator/subscript symbols (`formula`), braces (`braces`) or parentheses
    (`opening_parenthesis`) that do not pair up, an operator where a sentence starts."""
    text = sentence.strip()
    symbols = _MATH.findall(text)
    if len(symbols) > MATH_SYMBOLS_MAX:
        return Flaw("formula", "".join(symbols[:8]))
    if text.count("{") != text.count("}"):
        return Flaw("braces")
    if text.count("(") + text.count("（") > text.count(")") + text.count("）"):
        return Flaw("opening_parenthesis")
    if text[:1] in "=+×÷∑∏" or re.search(r"[.!?]\s+[=+×÷]\s", text):
        return Flaw("operator")
    return None


# Separators of printed keyword lists: `;` `,` and their full-width forms, the middle dot,
# the Chinese enumeration comma and bullets.
_KEYWORD_SEPARATORS = re.compile(r"\s*[;,，；、·•∙]\s*")


def split_keywords(text: str) -> list[str]:
    """`深度学习；图像识别` / `GEC, LLMs; Energy` / `a · b` -> the keywords, in order, once each.
    A Chinese list separated only by spaces (`关键词：深度学习 图像 识别`) splits on the spaces;
    an English one without separators stays one phrase (its words belong together)."""
    text = normalize_space(text).strip(" .。")
    if not text:
        return []
    parts = _KEYWORD_SEPARATORS.split(text)
    if (
        len(parts) == 1
        and cjk_count(text)
        and re.search(r"[\u3400-\u9fff]\s+[\u3400-\u9fff]", text)
    ):
        parts = text.split(" ")
    return unique_keywords(parts)


def unique_keywords(parts: list[str]) -> list[str]:
    """Stripped, non-empty, each once (case-blind), in order."""
    seen: set[str] = set()
    keywords = []
    for part in parts:
        word = normalize_space(part).strip(" .。")
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            keywords.append(word)
    return keywords


# Near-duplicate sentences: the abstract and the introduction of one paper say the same thing
# in slightly other words ("align source sentences (learner sentences containing errors) to
# their target sentences" / "align learner sentences containing errors to their correct
# sentences"); a draft that uses both reads as a repeat. Compared as sets of content terms
# (English words of 3+ letters and numbers, Chinese character pairs), by Jaccard overlap or
# the shorter one held in the longer;
# sentences with other numbers state other facts ("A reaches 91.2" / "B reaches 88.1") and
# are never near-repeats.
NEAR_DUPLICATE = 0.8  # share of terms two sentences have in common to say the same thing
NEAR_CONTAINED = 0.9  # or: share of the shorter one's terms the longer one holds
_MIN_TERMS = 6  # fewer terms are too few to tell a repeat from a shared phrase
_TERM = re.compile(r"[a-z][a-z\-']{2,}|\d+(?:\.\d+)?")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "are",
        "was",
        "were",
        "that",
        "this",
        "with",
        "from",
        "which",
        "their",
        "these",
        "those",
        "have",
        "has",
        "had",
        "been",
        "not",
        "but",
        "its",
        "into",
        "than",
        "then",
        "also",
        "can",
        "our",
        "they",
        "them",
        "such",
        "each",
        "both",
        "all",
        "any",
    ]
)


def content_terms(sentence: str) -> frozenset[str]:
    """The words a sentence is about: English words (3+ letters, stop words aside) and
    numbers, plus each pair of adjacent Chinese characters."""
    lowered = sentence.casefold()
    terms = {t for t in _TERM.findall(lowered) if t not in _STOP}
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", lowered):
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(terms)


class NearDuplicates:
    """Sentences seen so far, each under a key. `earlier_or_add` gives the key of one that
    says nearly the same as a new sentence, or keeps the new one under its own key.
    Candidates are found through shared terms, so a paper's few thousand sentences are
    compared in well under a second."""

    def __init__(self) -> None:
        self._terms: list[frozenset[str]] = []
        self._keys: list[str] = []
        self._postings: dict[str, list[int]] = {}

    def earlier_or_add(self, sentence: str, key: str) -> str | None:
        """The key of an earlier sentence that says nearly the same, or None (the sentence
        is then kept under `key`)."""
        terms = content_terms(sentence)
        if len(terms) < _MIN_TERMS:
            return None
        earlier = self._earlier(terms)
        if earlier is None:
            for term in terms:
                self._postings.setdefault(term, []).append(len(self._terms))
            self._terms.append(terms)
            self._keys.append(key)
        return earlier

    def _earlier(self, terms: frozenset[str]) -> str | None:
        shared: dict[int, int] = {}
        for term in terms:
            for index in self._postings.get(term, ()):
                shared[index] = shared.get(index, 0) + 1
        numbers = _numbers(terms)
        for index, common in shared.items():
            union = len(terms) + len(self._terms[index]) - common
            within = common / min(len(terms), len(self._terms[index]))
            said = common / union >= NEAR_DUPLICATE or within >= NEAR_CONTAINED
            if said and _numbers(self._terms[index]) == numbers:
                return self._keys[index]
        return None


def _numbers(terms: frozenset[str]) -> frozenset[str]:
    return frozenset(t for t in terms if t[0].isdigit())
