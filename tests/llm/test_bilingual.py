"""Bilingual templates split into their English and Chinese branches and join back unchanged."""

from __future__ import annotations

import pytest

from ragcore.llm.bilingual import split_languages
from ragcore.llm.prompts import SHIPPED_DIR, PromptLibrary


@pytest.mark.parametrize("template_id", PromptLibrary(SHIPPED_DIR / "none").ids())
def test_every_shipped_template_splits_and_joins_back(template_id: str) -> None:
    body = PromptLibrary(SHIPPED_DIR / "none").default(template_id).body
    parts = split_languages(body)
    assert parts is not None
    assert parts.with_part("en", parts.en) == body
    assert "{% if" not in parts.en + parts.zh
    edited = parts.with_part("zh", parts.zh + "新增一句。\n")
    again = split_languages(edited)
    assert again is not None and again.en == parts.en and again.zh.endswith("新增一句。\n")


def test_a_nested_else_is_not_taken_for_the_language_switch() -> None:
    body = '{% if lang == "en" -%}A{% if x %}1{%- else -%}2{% endif %}{%- else -%}B{%- endif %}\n'
    parts = split_languages(body)
    assert (
        parts is not None and parts.en == "A{% if x %}1{%- else -%}2{% endif %}" and parts.zh == "B"
    )


def test_another_shape_is_not_split() -> None:
    assert split_languages("Write about {{ topic }}.\n") is None
