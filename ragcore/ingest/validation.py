"""Checks every summary passes before it may become a card. Each failure is a plain reason."""

from __future__ import annotations

import re

from ragcore.text import count_words, detect_lang, ends_properly, normalize_space

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|<[A-Z_ ]{3,}>|\[(?:TODO|填写|your text)\]", re.I)
_MIN_WORDS = {"zh": 40, "en": 25}
_LANG_NAMES = {"zh": "Chinese", "en": "English"}


def _instruction_lines(prompt: str, source_text: str) -> list[str]:
    """Lines of the prompt that come from the template, not from the paper."""
    source = normalize_space(source_text)
    lines = [normalize_space(line) for line in prompt.splitlines()]
    return [line for line in lines if len(line) >= 15 and line not in source]


def is_echo(text: str, prompt: str, source_text: str) -> bool:
    """True when the answer repeats the prompt's own instructions instead of summarising."""
    instructions = _instruction_lines(prompt, source_text)
    if not instructions:
        return False
    flat = normalize_space(text)
    repeated = sum(1 for line in instructions if line in flat)
    return repeated >= max(2, len(instructions) // 4)


def validation_problem(
    text: str,
    *,
    lang: str,
    prompt: str = "",
    source_text: str = "",
    finish_reason: str | None = None,
) -> str | None:
    """None when the summary is usable, else the reason it is not."""
    stripped = text.strip()
    if not stripped:
        return "the summary is empty"
    if prompt and is_echo(stripped, prompt, source_text):
        return "the summary repeats the prompt instead of summarising the paper"
    if _PLACEHOLDER.search(stripped):
        return "the summary still contains template placeholders"
    written = detect_lang(stripped)
    if written != lang:
        return f"the summary is in {_LANG_NAMES[written]}, expected {_LANG_NAMES.get(lang, lang)}"
    words = count_words(stripped)
    if words < _MIN_WORDS.get(lang, 25):
        return f"the summary is too short ({words} words)"
    if finish_reason == "length" or not ends_properly(stripped):
        return "the summary is cut off mid-sentence"
    return None
