"""jieba's default dictionary, loaded once per process from `parsed_cache`'s pickle of it.

Retrieval tokenizes Chinese with it; ingest reads its word frequencies to tell real Chinese
from Latin text a PDF turned into ideographs (`latin_glyphs`). One load serves both.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jieba

from ragcore.library.parsed_cache import load_parsed

jieba.setLogLevel(logging.WARNING)


def load_dictionary() -> None:
    """Load jieba's default dictionary once per process, from `parsed_cache`'s pickle of it:
    jieba's own marshal cache takes 1.1-1.3 s of a cold start on 2 cores, the pickle 0.35 s.
    The same dict either way. A dictionary set through jieba's API loads jieba's way."""
    tokenizer = jieba.dt
    if tokenizer.initialized:
        return
    with tokenizer.lock:  # jieba's own: a search in another thread waits for this load
        if tokenizer.initialized or tokenizer.dictionary != jieba.DEFAULT_DICT:
            tokenizer.check_initialized()
            return
        source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
        tokenizer.FREQ, tokenizer.total = load_parsed(
            "jieba-dictionary", [source], jieba.__version__, _jieba_parsed, tuple
        )
        tokenizer.initialized = True


def _jieba_parsed() -> tuple[dict[str, int], int]:
    """What jieba loads for its default dictionary (from its marshal cache, or the text file)."""
    jieba.dt.initialize()
    return jieba.dt.FREQ, jieba.dt.total


def word_frequencies() -> dict[str, int]:
    """jieba's dictionary words with their frequencies (prefixes of words at 0)."""
    load_dictionary()
    frequencies: dict[str, int] = jieba.dt.FREQ
    return frequencies
