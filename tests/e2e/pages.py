"""Waiting on and checking a page of the running dashboard in the browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

EXCEPTION = '[data-testid="stException"]'
# True once the page's script has finished its run (or failed to compile): the page is settled.
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    return state === 'notRunning' || state === 'compilationError';
}"""


def wait_until_idle(page: Page, timeout_ms: float) -> None:
    page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=100)


def assert_no_exception(page: Page) -> None:
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        pytest.fail("the app shows an exception:\n" + "\n---\n".join(exceptions.all_inner_texts()))


# The app's content height: Streamlit scrolls inside stMain (and the sidebar), not the document.
CONTENT_HEIGHT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const side = document.querySelector('[data-testid="stSidebarContent"]');
    // A collapsed sidebar (the default on narrow screens) sits off-screen: ignore it.
    const sideShown = side && side.getBoundingClientRect().right > 0;
    return Math.max(main ? main.scrollHeight : 0, sideShown ? side.scrollHeight : 0);
}"""


def _settled_height(page: Page) -> int:
    """The content height once it stops changing (tables and charts may still be laying out); bounded."""
    last, same = -1, 0
    for _ in range(40):
        height = int(page.evaluate(CONTENT_HEIGHT_JS))
        same = same + 1 if height == last else 0
        if same >= 3:
            break
        last = height
        page.wait_for_timeout(100)
    return last


def full_screenshot(page: Page, path: Path, max_height: int) -> None:
    """Screenshot the whole app: grow the viewport to the content (at most `max_height`), shoot, restore."""
    size = page.viewport_size
    assert size is not None
    try:
        for _ in range(3):
            height = min(_settled_height(page), max_height)
            if height <= page.viewport_size["height"]:
                break
            page.set_viewport_size({"width": size["width"], "height": height})
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
