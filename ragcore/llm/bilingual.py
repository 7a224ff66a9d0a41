"""The two languages of a bilingual prompt template, apart.

The shipped templates hold both languages in one body:

    {% if lang == "en" -%}
    English instructions…
    {%- else -%}
    中文指令……
    {%- endif %}

A user writing in one language edits only that branch; saving puts it back into the whole body,
so the other language's instructions stay as they were. A body of another shape (no such
branch, or the user's own structure) is not split: it is edited as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2
from jinja2.sandbox import SandboxedEnvironment

OPEN = '{% if lang == "en" -%}'
ELSE = "{%- else -%}"
CLOSE = "{%- endif %}"
_SHAPE = re.compile(
    r"\A(?P<head>\s*)" + re.escape(OPEN) + r"(?P<inner>.*)" + re.escape(CLOSE) + r"(?P<tail>\s*)\Z",
    re.S,
)
_PARSER = SandboxedEnvironment()


@dataclass(frozen=True)
class BilingualBody:
    head: str
    en: str
    zh: str
    tail: str

    def part(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def with_part(self, lang: str, text: str) -> str:
        """The whole body with one language's branch replaced."""
        en, zh = (text, self.zh) if lang == "en" else (self.en, text)
        return f"{self.head}{OPEN}{en}{ELSE}{zh}{CLOSE}{self.tail}"


def _parses(text: str) -> bool:
    try:
        _PARSER.parse(text)
    except jinja2.TemplateSyntaxError:
        return False
    return True


def split_languages(body: str) -> BilingualBody | None:
    """The body's English and Chinese branches, or None when it is not of that shape (each
    branch must be a template of its own, so an `{% else %}` nested in a branch is not
    mistaken for the language switch)."""
    match = _SHAPE.match(body)
    if match is None:
        return None
    inner = match["inner"]
    for switch in (m.start() for m in re.finditer(re.escape(ELSE), inner)):
        en, zh = inner[:switch], inner[switch + len(ELSE) :]
        if _parses(en) and _parses(zh):
            return BilingualBody(match["head"], en, zh, match["tail"])
    return None
