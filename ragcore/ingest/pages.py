"""Page anchors: which PDF page(s) a piece of a paper's text (a raw chunk, a card sentence)
comes from, found by locating the piece in the sections' text whatever its spacing."""

from __future__ import annotations

import re
from array import array

from ragcore.ingest.model import Section

_PROBE = 40  # characters from each end of a piece that was reflowed or cut


class PageLocator:
    def __init__(self, sections: list[Section]) -> None:
        chars: list[str] = []
        self._pages = array("H")
        for section in sections:
            starts = section.page_starts or ([(0, section.pages[0])] if section.pages else [(0, 0)])
            marks = iter(starts[1:])
            page = starts[0][1]
            following = next(marks, None)
            for index, char in enumerate(section.text):
                while following is not None and index >= following[0]:
                    page = following[1]
                    following = next(marks, None)
                if not char.isspace():
                    chars.append(char)
                    self._pages.append(page)
        self._text = "".join(chars)

    def pages_of(self, piece: str) -> list[int]:
        """Pages spanned by `piece` (empty when it is not found or the paper has no pages)."""
        key = re.sub(r"\s+", "", piece)
        if not key or not self._text:
            return []
        start = self._text.find(key)
        if start >= 0:
            return self._span(start, start + len(key) - 1)
        head = self._text.find(key[:_PROBE])
        if head < 0:
            return []
        tail = self._text.find(key[-_PROBE:], head)
        return self._span(head, tail + _PROBE - 1 if tail >= 0 else head + _PROBE - 1)

    def _span(self, first: int, last: int) -> list[int]:
        low = self._pages[first]
        high = self._pages[min(last, len(self._pages) - 1)]
        return [page for page in range(low, high + 1) if page > 0]
