"""The optional support judge: the configured model answers yes/no per cited sentence.

Off by default (it costs one model call per cited sentence); `ragcore eval paper --judge MODEL`
turns it on. An answer that is neither yes nor no, or a failed call, leaves the offline verdict
in place for that sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ragcore.errors import RagcoreError
from ragcore.llm.prompts import PromptLibrary
from ragcore.text import detect_lang

if TYPE_CHECKING:
    from ragcore.llm.gateway import Gateway

TEMPLATE = "quality/support_judge"
_YES = re.compile(r"^\W*(yes|是|支持)", re.I)
_NO = re.compile(r"^\W*(no|否|不支持|不)", re.I)


class ModelJudge:
    def __init__(self, gateway: Gateway, prompts: PromptLibrary, model: str) -> None:
        self.gateway, self.prompts, self.model = gateway, prompts, model
        self.calls = self.failures = 0

    def __call__(self, sentence: str, evidence: Sequence[str]) -> bool | None:
        rendered = self.prompts.render(
            TEMPLATE,
            sentence=sentence,
            evidence="\n\n".join(evidence),
            lang="en" if detect_lang(sentence) == "en" else "zh",
        )
        self.calls += 1
        try:
            answer = self.gateway.complete(
                [{"role": "user", "content": rendered.text}], self.model, max_tokens=5
            ).text
        except RagcoreError:
            self.failures += 1
            return None
        if _NO.match(answer) and not _YES.match(answer):
            return False
        if _YES.match(answer):
            return True
        self.failures += 1
        return None
