"""Latin letters and digits that a PDF's text layer turns into Chinese characters.

Some Chinese LaTeX PDFs (CJK fonts split into 256-glyph subfonts named after their Unicode
block, e.g. "gbsnu4e") carry no usable character map for the Latin text set in those fonts.
The reader then adds the glyph's one-byte code to the block's start, so "Seq2Edit" comes out as
"乓乥乱串久乤乩乴" (U+4E53 U+4E65 ...): real characters, so the replacement-character check never
fires, but a run of them is nonsense. The signs, together: a run of ideographs from one
256-character block whose low bytes are printable ASCII, most of them characters Chinese text
rarely uses (by jieba's dictionary), and not a code chart (consecutive code points). No library
checks this, hence the code here. The ingest reads such a PDF's runs back as Latin text
(`latin_as_cjk`, `read_back`) and says so; the offline composer never quotes a sentence with a
run left (`garbled_glyphs`), and the scorecard counts one as extraction debris: the text is
nonsense to a reader either way.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter

from ragcore.library.jieba_dictionary import word_frequencies
from ragcore.text import Flaw

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


# One sentence has no other runs to confirm it, so a run must be longer than the document
# check's: real three-character words from one block exist ("酚酸酯", once in CSL's 7,537
# sentences), four-character ones were not found in any real Chinese text here.
_MIN_SENTENCE_RUN = 4


def garbled_glyphs(sentence: str) -> Flaw | None:
    """A run of Latin-as-ideographs in one sentence (None when it has none). One run suffices
    here, where the document check wants several: a sentence is dropped, not a paper flagged.
    The dictionary is read only for a sentence with a candidate run (rare in real text: four
    characters in a row from one 256-character block)."""
    runs = [run for run in _same_block_runs(sentence) if len(run) >= _MIN_SENTENCE_RUN]
    if not runs:
        return None
    frequency = _char_frequency()
    for run in runs:
        if _looks_garbled(run, frequency):
            return Flaw("garbled_glyphs", f"{run} ({decoded(run)})")
    return None


def read_back(text: str, runs: list[str]) -> str:
    """`text` with the Latin a garbled layer turned into ideographs read back (`decoded`), given
    the document's garbled runs (`latin_as_cjk`). Their 256-character blocks are the broken
    subfonts; in them, any run of characters with printable low bytes holding a character
    Chinese text rarely uses is read back, single ones included ("共有夵个赛道" → 5 tracks,
    "前失夰" → top 10). A run of common characters only ("大", "失败"'s 失) is Chinese and stays.
    Spaces were never in the layer, so read-back English runs its words together."""
    blocks = sorted({ord(run[0]) >> 8 for run in runs})
    if not blocks:
        return text
    ranges = "".join(f"{chr((b << 8) | 0x21)}-{chr((b << 8) | 0x7E)}" for b in blocks)
    frequency = _char_frequency()

    def back(match: re.Match[str]) -> str:
        run = match.group(0)
        return decoded(run) if any(frequency[char] < _RARE for char in run) else run

    return re.sub(f"[{ranges}]+", back, text)
