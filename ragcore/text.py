"""Small text utilities shared by every stage: language, sentences, lengths."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\-]*|\d+(?:\.\d+)?%?")
_SPACE = re.compile(r"\s+")
# Sentence ends: Chinese full stops always; Latin ones when followed by space/end (not 3.14, e.g.).
_SENTENCE_END = re.compile(r"(?<=[。！？；!?])\s*|(?<=[.])(?=\s+[A-Z0-9\"'(\[]|\s*$)\s*")
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


def text_gap(sentence: str) -> str:
    """Why an English sentence has a hole where text was removed ("" when it has none)."""
    text = sentence.strip()
    if detect_lang(text) != "en":
        return ""
    if (gap := _GAP.search(_GAP_IDIOM.sub("", text))) is not None:
        return f"a gap where a citation or name was removed ({gap.group(0)!r})"
    if (empty := _EMPTY_BRACKETS.search(text)) is not None:
        return f"empty brackets where a citation was removed ({empty.group(0)!r})"
    if (comma := _SPACE_COMMA.search(text)) is not None:
        return f"a gap before a comma where text was removed ({comma.group(0)!r})"
    return ""


def formula_debris(sentence: str) -> str:
    """Why a sentence is a formula flattened by a PDF text layer, or carries one ("" if not):
    many operator/subscript symbols, or braces and parentheses that do not pair up."""
    text = sentence.strip()
    symbols = _MATH.findall(text)
    if len(symbols) > MATH_SYMBOLS_MAX:
        return f"formula debris ({''.join(symbols[:8])!r})"
    if text.count("{") != text.count("}"):
        return "braces that do not pair up: a cut formula"
    if text.count("(") + text.count("（") > text.count(")") + text.count("）"):
        return "an opening parenthesis without its closing: a cut-off piece of text"
    if text[:1] in "=+×÷∑∏" or re.search(r"[.!?]\s+[=+×÷]\s", text):
        return "an operator where a sentence starts: a piece of a formula"
    return ""


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
