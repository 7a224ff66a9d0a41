"""Prompt templates: shipped files load and check, overrides are versioned, bad ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ragcore.llm.prompts import PromptError, PromptLibrary, parse_template
from ragcore.settings import Settings

SECTION_VARS = {"topic", "brief", "context", "word_min", "word_max", "lang", "section_name"}
VALUES = {
    "topic": "基于深度学习的图像分类方法研究",
    "brief": "## 论文纲要",
    "context": "### Background 总结",
    "word_min": 800,
    "word_max": 1200,
    "lang": "zh",
    "section_name": "方法",
}


@pytest.fixture
def library(settings: Settings) -> PromptLibrary:
    return PromptLibrary.from_settings(settings)


def test_every_shipped_template_loads_with_checked_variables(library: PromptLibrary) -> None:
    ids = library.ids()
    for name in ("introduction", "related_work", "method", "experiments", "conclusion"):
        assert f"section/{name}" in ids
        template = library.get(f"section/{name}")
        assert set(template.variables) == SECTION_VARS
        assert template.source == "shipped" and len(template.content_hash) == 16
    assert set(library.get("brief").variables) == {"topic", "evidence", "lang"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_render_includes_brief_context_and_word_target(library: PromptLibrary, lang: str) -> None:
    rendered = library.render("section/method", **{**VALUES, "lang": lang})
    assert "## 论文纲要" in rendered.text and "### Background 总结" in rendered.text
    assert "800-1200" in rendered.text and "[n]" in rendered.text
    assert ("words" in rendered.text) == (lang == "en")
    assert rendered.template_id == "section/method" and rendered.prompt_hash


def test_render_names_a_variable_the_code_did_not_supply(library: PromptLibrary) -> None:
    values = dict(VALUES)
    del values["brief"]
    with pytest.raises(PromptError, match=r"section/method.*'brief'"):
        library.render("section/method", **values)


def test_loading_refuses_undeclared_and_unused_variables() -> None:
    undeclared = "---\nid: x/y\nvariables: [topic]\n---\n{{ topic }} {{ contxt }}\n"
    with pytest.raises(PromptError, match=r"'x/y' uses variable 'contxt'"):
        parse_template(undeclared, where="x/y.md")
    unused = "---\nid: x/y\nvariables: [topic, brief]\n---\n{{ topic }}\n"
    with pytest.raises(PromptError, match=r"declares variable 'brief'"):
        parse_template(unused, where="x/y.md")
    with pytest.raises(PromptError, match="front matter"):
        parse_template("no front matter", where="x/y.md")
    with pytest.raises(PromptError, match="syntax error"):
        parse_template("---\nid: x/y\nvariables: []\n---\n{% if %}\n", where="x/y.md")


def test_save_refuses_unknown_variable_and_keeps_shipped_file(library: PromptLibrary) -> None:
    shipped = library.shipped_dir / "section" / "method.md"
    before = shipped.read_text(encoding="utf-8")
    with pytest.raises(PromptError, match="unknown variable 'evidence_list'"):
        library.save("section/method", "写{{ topic }}，参考 {{ evidence_list }}")
    assert library.versions("section/method") == []
    assert shipped.read_text(encoding="utf-8") == before


def test_overrides_are_versioned_diffed_and_reset(
    library: PromptLibrary, settings: Settings
) -> None:
    default = library.get("section/conclusion")
    first = library.save("section/conclusion", default.body.replace("局限性", "不足之处"))
    second = library.save("section/conclusion", "只写结论：{{ topic }} {{ context }}")
    assert (first.version, second.version) == (1, 2)
    assert library.get("section/conclusion").content_hash == second.content_hash
    assert second.variables == ("topic", "context")  # a subset of what the code supplies
    assert [v.version for v in library.versions("section/conclusion")] == [1, 2]
    assert all(
        Path(v.path).is_relative_to(settings.overrides_dir)
        for v in library.versions("section/conclusion")
    )
    diff = library.diff("section/conclusion", 1)
    assert "-" in diff and "+" in diff and "不足之处" in diff
    rendered = library.render("section/conclusion", **VALUES)
    assert rendered.text.startswith("只写结论") and rendered.template_version == 2
    library.use_version("section/conclusion", 1)
    assert library.get("section/conclusion").version == 1
    library.reset("section/conclusion")
    assert library.get("section/conclusion").source == "shipped"
    assert library.diff("section/conclusion") == ""
    assert len(library.versions("section/conclusion")) == 2  # nothing lost by reset


def test_unknown_template_is_named(library: PromptLibrary) -> None:
    with pytest.raises(PromptError, match="no prompt template 'section/abstract'"):
        library.get("section/abstract")
