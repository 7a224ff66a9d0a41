"""Every page in each interface language shows no string of the other language.

The walk creates a project in the interface's language, drafts it with the offline model,
regenerates one section (so Compare has two versions) and opens every page. It collects what
the interface itself says: titles, headings, labels, options, captions, alerts, metrics and
Markdown. What the user's library and drafts say is content, not interface, and is removed
first: the topic, paper labels, card and draft texts, code blocks, tables and text areas.
In the Chinese interface an English word is allowed only when it is a name (model, file format,
template id, variable) listed below."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Code, Dataframe, Node, TextArea

from ragcore.drafting.versions import VersionStore
from ragcore.library.store import CardStore
from ragcore.settings import OFFLINE_MODEL, load_settings
from tests.pages.conftest import (
    APP,
    RUN_TIMEOUT,
    create_project,
    generate_all,
    goto,
    values,
    wait_for_job,
    wait_for_library,
)

PAGES = ["home", "library", "evidence", "prompts", "draft", "compare", "export", "models"]
TOPICS = {"zh": "基于深度学习的图像分类方法研究", "en": "Deep learning for image classification"}
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
# Names that stay as they are in a Chinese interface.
NAMES = {
    "markdown", "html", "bibtex", "pdf", "latex", "jats", "xml", "yaml", "json", "jsonl", "txt",
    "jinja", "litellm", "ollama", "vllm", "openai", "api", "url", "english", "offline",
    "extractive", "ragcore", "brief", "arxiv", "yang", "fan", "home", "llm", "csl", "docx", "chroma", "sqlite", "key",
}  # fmt: skip
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
# Code spans, paths, ids, hashes, environment variables and file names are names too.
NOT_WORDS = re.compile(
    r"`[^`]*`|\S*[/_.=@$]\S*|\b[0-9a-f]{8,}\b|\b[A-Z][A-Z0-9_]{2,}\b|https?://\S+"
)


# Containers whose whole content is the user's text: the paper on Export, the two versions on
# Compare; and the language switch, labelled in both languages on purpose (so anyone finds it).
CONTENT_BLOCKS = ("export_preview", "compare_text_")
# The outline's rename form names a section in both languages: the user edits both names.
# Citation styles and export formats are names (APA 7th (author-year), Nature, Word (DOCX)).
BOTH_LANGUAGES = {"ui_lang_switch", "outline_rename_section", "export_style", "export_format"}


def walk(node: Any) -> Iterator[Node]:
    block_id = str(getattr(getattr(node, "proto", None), "id", "") or "")
    if any(name in block_id for name in CONTENT_BLOCKS):
        return
    if getattr(node, "key", None) in BOTH_LANGUAGES:
        return
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def interface_strings(at: AppTest) -> list[str]:
    found: list[str] = []
    for node in walk(at._tree):
        if isinstance(node, Code | Dataframe):
            continue
        label = getattr(node, "label", None)
        if isinstance(label, str):
            found.append(label)
        options = getattr(node, "options", None)
        if isinstance(options, list) and not isinstance(node, TextArea):
            found += [str(o) for o in options]
        if node.type in ("markdown", "caption", "title", "header", "subheader", "alert",
                         "info", "warning", "success", "error", "metric"):  # fmt: skip
            found.append(str(getattr(node, "value", "")))
    return [s for s in found if s.strip()]


def content(project_id: str) -> list[str]:
    """The library's and the drafts' own words, longest first (removed before checking)."""
    settings = load_settings()
    store = CardStore.open(settings)
    versions = VersionStore.from_settings(settings)
    cards = store.get_cards()
    texts = [c.text for c in cards] + [p.title for p in store.list_papers()]
    texts += [name for c in cards for name in [*c.tags, *c.source_sections]]
    for section in versions.sections(project_id):
        texts += [v.text for v in versions.history(project_id, section)]
    from studio.papers_view import _infos

    texts += [info.label for info in _infos(store).values()]
    texts += findings(settings, project_id)
    texts.append("郜帅")  # the author field's example of a Chinese name: a name
    texts.append(TOPICS["zh"])
    texts.append(TOPICS["en"])
    return sorted({t.strip() for t in texts if t.strip()}, key=len, reverse=True)


def findings(settings: Any, project_id: str) -> list[str]:
    """What the Quality panel quotes of the paper: the offending sentences and reference
    entries (as the panel shows them, escaped and clipped) and the values a finding quotes."""
    from ragcore.drafting.projects import ProjectStore
    from ragcore.quality.scorecard import score_project
    from studio.quality_view import _plain

    card = score_project(settings, ProjectStore.from_settings(settings).get(project_id))
    found = [x for f in card.figures for x in f.findings]
    assert found, "the walk needs the Quality panel with findings present"
    texts = [piece for x in found for piece in (x.text, _plain(x.text), _plain(x.text)[:-1])]
    texts += [q for x in found for q in re.findall(r"'[^']*'|\"[^\"]*\"", x.detail)]
    return texts


def without_content(text: str, known: list[str]) -> str:
    """The string without the content it quotes, cut short with '…' or whole."""
    flat = [" ".join(piece.split()) for piece in known]
    parts = " ".join(text.split()).split(" · ")
    kept = [
        part
        for part in parts
        if not (part.endswith("…") and any(part[:-1].strip() in piece for piece in flat))
    ]
    text = " · ".join(kept)
    for piece in flat:
        if piece in text:
            text = text.replace(piece, " ")
    return text


def other_language(text: str, lang: str) -> str:
    """The part of a string in the other language ('' when none)."""
    if lang == "en":
        return "".join(CJK.findall(text))
    words = ENGLISH_WORD.findall(NOT_WORDS.sub(" ", text))
    return " ".join(w for w in words if w.lower() not in NAMES and w != OFFLINE_MODEL)


@pytest.mark.usefixtures("every_card_relevant")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language(lang: str) -> None:
    app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    app.query_params["lang"] = lang
    app.run()
    wait_for_library(app)
    project_id = create_project(app, TOPICS[lang], lang=lang)
    generate_all(app, project_id)
    app.button(key="draft_regenerate_method").click().run()
    wait_for_job(app, project_id)
    known = content(project_id)
    mixed: dict[str, list[str]] = {}
    for page in PAGES:
        goto(app, page)
        for text in interface_strings(app):
            if stray := other_language(without_content(text, known), lang):
                mixed.setdefault(page, []).append(f"{text[:80]!r} -> {stray[:40]!r}")
    assert not mixed, "\n".join(
        f"{page}: {line}" for page, lines in mixed.items() for line in lines
    )
    assert values(app.title)  # the walk saw the pages
