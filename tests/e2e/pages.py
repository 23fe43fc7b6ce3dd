"""Waiting on and checking a page of the running dashboard in the browser tests."""

from __future__ import annotations

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
