"""Word-level differences between two section texts, as escaped HTML for side-by-side display,
and the labels of prompt versions."""

from __future__ import annotations

import difflib
import html
import re
from functools import cache

from ragcore.drafting.versions import SectionVersion
from ragcore.llm.prompts import PromptLibrary
from studio.common import t

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


def prompt_versions(library: PromptLibrary, template_id: str) -> dict[int, str]:
    """Every version of a template to generate with: the shipped default and each saved one."""
    default = library.default(template_id)
    choices = {0: t("0 · 默认", "0 · default") + f" · {default.content_hash[:8]}"}
    for saved in library.versions(template_id):
        choices[saved.version] = f"{saved.version} · {saved.saved_at} · {saved.content_hash[:8]}"
    return choices


def prompt_label(version: SectionVersion) -> str:
    """Which prompt wrote a version: template id, version (0 = default) and content hash."""
    if not version.template_id:
        return "—"
    number = "" if version.template_version is None else f" v{version.template_version}"
    return f"{version.template_id}{number} · {version.template_hash[:8]}"
