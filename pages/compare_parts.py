"""Word-level differences between two section texts, as escaped HTML for side-by-side display."""

from __future__ import annotations

import difflib
import html
import re
from functools import cache

_TOKEN = re.compile(r"[A-Za-z0-9_.%\-]+|\s+|.", re.S)
_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _jieba() -> object:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    """Words for diffing: jieba words for Chinese, word tokens (spaces kept) otherwise."""
    if _CJK.search(text):
        return list(_jieba().cut(text))  # type: ignore[attr-defined]
    return _TOKEN.findall(text)


def side_by_side(left: str, right: str) -> tuple[str, str, float]:
    """(left HTML, right HTML, similarity): removed words marked on the left, added on the right.
    All text is escaped, so nothing in a draft can inject markup."""
    a, b = words(left), words(right)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out_left: list[str] = []
    out_right: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = html.escape("".join(a[i1:i2])), html.escape("".join(b[j1:j2]))
        if op == "equal":
            out_left.append(old)
            out_right.append(new)
            continue
        if old:
            out_left.append(
                f'<span style="background:#ffd7d5;text-decoration:line-through">{old}</span>'
            )
        if new:
            out_right.append(f'<span style="background:#ccffd8">{new}</span>')
    return _as_html(out_left), _as_html(out_right), matcher.ratio()


def _as_html(parts: list[str]) -> str:
    return "".join(parts).replace("\n", "<br>")
