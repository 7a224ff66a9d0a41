"""The studio starts, every page opens in a real browser and the language switch works."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import StudioServer
from tests.e2e.studio import go, no_traceback, open_app, screenshot


def test_pages_open_and_language_switches(studio: StudioServer, page: Any) -> None:
    open_app(page, studio.url)
    assert "项目" in page.locator("h1").first.inner_text()
    no_traceback(page)
    page.locator('[data-testid="stSidebar"] label').filter(has_text="English").click()
    page.wait_for_timeout(300)
    for title in ["Library", "Evidence", "Prompts", "Draft", "Compare", "Export", "Projects"]:
        go(page, title)
        assert title in page.locator("h1").first.inner_text()
        no_traceback(page)
    page.reload()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    assert "Projects" in page.locator("h1").first.inner_text()
    screenshot(page, "smoke-projects-en")
