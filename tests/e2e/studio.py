"""Helpers that drive the studio in a real browser: wait for a rerun to finish, open a page,
fill Streamlit widgets, take screenshots."""

from __future__ import annotations

import contextlib
import re
import time
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ARTIFACTS

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_idle(page: Any, timeout_ms: int = 120_000) -> None:
    """Wait until the script run (and the reruns it triggers) has finished."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    time.sleep(0.3)  # a widget change may start the next run a moment later
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def open_app(page: Any, url: str, path: str = "", **query: str) -> None:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    page.goto(f"{url}/{path}" + (f"?{params}" if params else ""))
    wait_idle(page)
    wait_library_loaded(page)


def wait_library_loaded(page: Any, timeout_s: float = 120) -> None:
    """The home page reruns once when the store has opened in the background; a message shown
    before that rerun would vanish, so tests start interacting after it."""
    deadline = time.monotonic() + timeout_s
    loading = page.get_by_text(re.compile("正在加载文献库|Loading the library"))
    while loading.count() > 0:
        assert time.monotonic() < deadline, "the library did not load"
        page.wait_for_timeout(200)
    wait_idle(page)


def go(page: Any, title: str) -> None:
    """Open a page from the sidebar navigation by its (current-language) title."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
    wait_idle(page)


def keyed(page: Any, key: str) -> Any:
    """The element container Streamlit tags with a widget's key (class st-key-<key>)."""
    return page.locator(f".st-key-{re.sub(r'[^A-Za-z0-9_-]', '-', key)}")


def click_button(page: Any, key: str) -> None:
    keyed(page, key).locator("button").first.click()
    wait_idle(page)


def fill(page: Any, key: str, text: str) -> None:
    box = keyed(page, key).locator("textarea, input").first
    box.fill(text)
    box.press("Tab")  # commit the value: Streamlit sends it on blur
    wait_idle(page)


def errors(page: Any) -> list[str]:
    return [
        str(text) for text in page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    ]


def no_traceback(page: Any) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.content()[:2000]


def screenshot(page: Any, name: str) -> None:
    """Full-page screenshot once the network is idle (a data grid draws a moment late)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # A page with a live preview frame may never go idle: shoot anyway after a while.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=15_000)
    wait_idle(page)
    time.sleep(0.5)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# -- the data editor (a canvas grid): geometry of Streamlit's default rows -------------------------
ROW_H = 35
# The evidence grid's column widths (studio.evidence_view.column_config); the grid stretches
# them in proportion when the page is wider than their sum.
GRID_WIDTHS = {
    "include": 60,
    "pin": 50,
    "relevance": 80,
    "key": 55,
    "paper": 160,
    "lang": 50,
    "text": 300,
}


def _column_centre(box: dict[str, float], column: str) -> float:
    """x of a column's centre inside the grid (its row-marker gutter excluded)."""
    scale = max(1.0, box["width"] / sum(GRID_WIDTHS.values()))
    names = list(GRID_WIDTHS)
    left = sum(GRID_WIDTHS[name] for name in names[: names.index(column)])
    return (left + GRID_WIDTHS[column] / 2) * scale


def _grid_box(page: Any, key: str) -> dict[str, float]:
    box = keyed(page, key).locator("canvas").first.bounding_box()
    assert box is not None, f"no data editor {key}"
    return dict(box)


def toggle_include(page: Any, key: str, row: int) -> None:
    box = _grid_box(page, key)
    page.mouse.click(
        box["x"] + _column_centre(box, "include"), box["y"] + ROW_H * (row + 1) + ROW_H / 2
    )
    wait_idle(page)


def edit_text_cell(page: Any, key: str, row: int, text: str) -> None:
    box = _grid_box(page, key)
    _focus_grid(
        page,
        key,
        box["x"] + _column_centre(box, "relevance"),
        box["y"] + ROW_H * (row + 1) + ROW_H / 2,
    )
    for _ in range(4):  # relevance -> key -> paper -> lang -> text
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_idle(page)


# The keys pressed after a click go wherever the focus is. A click that lands while the grid is
# still being drawn leaves the focus where it was, on the tab just clicked: the arrow keys then
# open another tab, and the table under test disappears (seen once in CI, once in 13 local runs).
def _focus_grid(page: Any, key: str, x: float, y: float) -> None:
    grid = keyed(page, key).element_handle()
    for _ in range(3):
        page.mouse.click(x, y)
        try:
            page.wait_for_function(
                "grid => grid.contains(document.activeElement)", arg=grid, timeout=5_000
            )
            return
        except PlaywrightTimeout:
            wait_idle(page)
    raise AssertionError(f"the data editor {key} does not take the keyboard focus")


def grid_cell(page: Any, key: str, column: int, row: int) -> str:
    return str(keyed(page, key).locator(f"#glide-cell-{column}-{row}").inner_text())


def choose(page: Any, key: str, option: str) -> None:
    """Pick an option of a selectbox."""
    keyed(page, key).click()
    page.get_by_role("option", name=option).first.click()
    wait_idle(page)


def wait_until(page: Any, condition: Any, timeout_s: float = 180, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(300)
