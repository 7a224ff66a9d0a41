"""The app shell: every page opens; the interface language switches and is remembered."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from ragcore.settings import load_settings
from tests.pages.conftest import APP, RUN_TIMEOUT, assert_clean, create_project, goto, values

PAGES = {
    "home": ("项目", "Projects"),
    "library": ("文献库", "Library"),
    "evidence": ("证据", "Evidence"),
    "prompts": ("提示词", "Prompts"),
    "draft": ("草稿", "Draft"),
    "compare": ("对比", "Compare"),
    "export": ("导出", "Export"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_without_a_project(app: AppTest, page: str) -> None:
    goto(app, page)
    assert any(PAGES[page][0] in title for title in values(app.title))


def test_every_page_opens_with_a_project(app: AppTest) -> None:
    create_project(app, "基于深度学习的图像分类方法研究")
    for page, (zh, _en) in PAGES.items():
        goto(app, page)
        assert any(zh in title for title in values(app.title)), page
        assert not app.error, (page, values(app.error))


def test_language_switch_changes_titles_and_is_remembered(app: AppTest) -> None:
    app.radio(key="ui_lang_switch").set_value("en").run()
    goto(app, "home")
    assert any("Projects" in title for title in values(app.title))
    prefs = json.loads((load_settings().home / "studio_prefs.json").read_text(encoding="utf-8"))
    assert prefs["ui_lang"] == "en"
    # A new browser session (no session state, no URL parameter) starts in English.
    fresh = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT).run()
    assert_clean(fresh)
    assert any("Projects" in title for title in values(fresh.title))


def test_language_from_the_url_wins(app: AppTest) -> None:
    fresh = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    fresh.query_params["lang"] = "en"
    fresh.run()
    assert any("Projects" in title for title in values(fresh.title))
