"""Latin letters and digits that a PDF's text layer turns into Chinese characters.

Some Chinese LaTeX PDFs (CJK fonts split into 256-glyph subfonts named after their Unicode
block, e.g. "gbsnu4e") carry no usable character map for the Latin text set in those fonts.
The reader then adds the glyph's one-byte code to the block's start, so "Seq2Edit" comes out as
"乓乥乱串久乤乩乴" (U+4E53 U+4E65 ...): real characters, so the replacement-character check never
fires, but a run of them is nonsense. The signs, together: a run of ideographs from one
256-character block whose low bytes are printable ASCII, most of them characters Chinese text
rarely uses (by jieba's dictionary), and not a code chart (consecutive code points). No library
checks this, hence the code here.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter

from ragcore.library.jieba_dictionary import word_frequencies

_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]{3,}")
_MIN_RUN = 3
_RARE = 2000  # summed jieba frequency of the words holding the character
_MIN_RUNS, _MIN_DISTINCT = 5, 3  # as for other broken glyph maps: more than one odd name


@functools.cache
def _char_frequency() -> Counter[str]:
    """How often each character occurs in jieba's dictionary words (weighted by frequency);
    the dictionary retrieval loads too, not a second parse of its text file."""
    counts: Counter[str] = Counter()
    for word, frequency in word_frequencies().items():
        for char in word:
            counts[char] += frequency
    return counts


def _printable_low(char: str) -> bool:
    return 0x21 <= ord(char) & 0xFF <= 0x7E


def _same_block_runs(text: str) -> list[str]:
    """Maximal runs of >= 3 ideographs from one 256-character block with ASCII low bytes."""
    runs: list[str] = []
    for match in _IDEOGRAPHS.finditer(text):
        chars = match.group(0)
        start = 0
        while start < len(chars):
            end = start + 1
            block = ord(chars[start]) >> 8
            while end < len(chars) and ord(chars[end]) >> 8 == block and _printable_low(chars[end]):
                end += 1
            if end - start >= _MIN_RUN and _printable_low(chars[start]):
                runs.append(chars[start:end])
            start = end
    return runs


def decoded(run: str) -> str:
    """What the run most likely said: the glyph codes read as ASCII."""
    return "".join(chr(ord(char) & 0xFF) for char in run)


def _looks_garbled(run: str, frequency: Counter[str]) -> bool:
    rare = sum(1 for char in run if frequency[char] < _RARE)
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(run)]
    chart = sum(1 for step in steps if step == 1) * 2 >= len(steps)  # "嬱嬲嬳嬴": a code chart
    return rare * 2 >= len(run) and not chart and re.search(r"[A-Za-z]", decoded(run)) is not None


def latin_as_cjk(text: str) -> list[str]:
    """Runs of Chinese characters that stand for Latin text, most frequent first; empty when
    there are too few to be more than an odd name."""
    candidates = _same_block_runs(text)
    if len(candidates) < _MIN_RUNS:  # clean Chinese text: no dictionary needed
        return []
    frequency = _char_frequency()
    counts = Counter(run for run in candidates if _looks_garbled(run, frequency))
    if sum(counts.values()) < _MIN_RUNS or len(counts) < _MIN_DISTINCT:
        return []
    return [run for run, _ in counts.most_common()]
