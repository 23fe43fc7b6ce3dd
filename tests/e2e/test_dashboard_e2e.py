"""The real dashboard in a real browser: charts render, a slider redraws them, narrow screens and German work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from present.i18n import t

from . import pages

pytestmark = pytest.mark.e2e

CHART = '[data-testid="stPlotlyChart"]'
PLOT = ".js-plotly-plot"
EXCEPTION = '[data-testid="stException"]'
ACTIVE_PANEL = '[role="tabpanel"]:not([hidden])'
GERMAN_TITLE = "Nordkoreanische Truppen an der Seite Russlands in der Ukraine"
RENDER_TIMEOUT_MS = 45_000
REDRAW_TIMEOUT_MS = 20_000
MAX_SHOT_HEIGHT = 9_000
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# Tabs are lazy (only the open tab's content runs), so the Projections tab holds one chart per indicator group
# (security, alliances, pressure: 3 for the seed scenario) and the comparison chart appears only on its own tab.
MIN_PROJECTION_CHARTS = 3

# Plotly data of chart `index`, trace `trace`, as plain JSON (y may be a list or a typed array).
TRACE_JS = """([index, trace]) => {
    const plot = document.querySelectorAll('.js-plotly-plot')[index];
    if (!plot || !plot.data || !plot.data[trace]) return null;
    const t = plot.data[trace];
    return {name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])};
}"""

# True once the charts are drawn, or as soon as the app shows an exception (then fail fast, not at the timeout).
CHARTS_DRAWN_JS = """(minimum) => {
    if (document.querySelector('[data-testid="stException"]')) return true;
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length >= minimum && plots.every(p => Array.isArray(p.data) && p.data.length > 0);
}"""

# Remember the first chart's median in the page, then poll in the page until it differs (same serialiser).
FIRST_MEDIAN_JS = """() => {
    const plot = document.querySelectorAll('.js-plotly-plot')[0];
    return plot && plot.data && plot.data[1] ? JSON.stringify(Array.from(plot.data[1].y)) : null;
}"""
REMEMBER_JS = f"() => {{ window.__e2eBefore = ({FIRST_MEDIAN_JS})(); return window.__e2eBefore; }}"
CHANGED_JS = f"() => {{ const now = ({FIRST_MEDIAN_JS})(); return now !== null && now !== window.__e2eBefore; }}"


def wait_for_charts(page: Page, minimum: int = MIN_PROJECTION_CHARTS) -> None:
    try:
        page.wait_for_function(CHARTS_DRAWN_JS, arg=minimum, timeout=RENDER_TIMEOUT_MS, polling=100)
    except PlaywrightTimeoutError:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "failure-no-charts.png"
        page.screenshot(path=str(shot))
        found = page.locator(PLOT).count()
        errors = page.locator(EXCEPTION).all_inner_texts()
        text = page.locator('[data-testid="stMain"]').inner_text()[:2000]
        pytest.fail(
            f"only {found} of at least {minimum} Plotly charts rendered within {RENDER_TIMEOUT_MS / 1000:.0f} s "
            f"(screenshot: {shot}).\nexceptions on the page: {errors or 'none'}\n"
            f"page text:\n{text}"
        )
    wait_until_idle(page)
    assert_no_exception(page)


def wait_until_idle(page: Page) -> None:
    """Wait until the script run has finished (Streamlit marks the app element with its script state)."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            return state === 'notRunning' || state === 'compilationError';
        }""",
        timeout=RENDER_TIMEOUT_MS,
        polling=100,
    )


def assert_no_exception(page: Page) -> None:
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        pytest.fail("the app shows an exception:\n" + "\n---\n".join(exceptions.all_inner_texts()))


@pytest.fixture(scope="module")
def projection_chart_count(seed_scenario) -> int:
    groups = {indicator.group for indicator in seed_scenario.indicators}
    return max(len(groups), MIN_PROJECTION_CHARTS)


def test_slider_redraws_first_chart(new_page, artifacts_dir, seed_scenario, projection_chart_count):
    page = new_page(1400, 900)
    wait_for_charts(page, projection_chart_count)
    assert page.locator(f"{ACTIVE_PANEL} {CHART}").count() >= projection_chart_count
    assert_no_exception(page)

    tension = seed_scenario.indicator("peninsula_tension").label.get("en")
    assert page.evaluate(REMEMBER_JS) is not None, "the first chart has no median trace"
    before = page.evaluate(TRACE_JS, [0, 1])
    assert before is not None, "the first chart has no second trace"
    assert before["name"] == tension, f"first chart's median trace is {before['name']!r}, expected {tension!r}"
    assert len(before["y"]) == seed_scenario.horizon_weeks + 1

    troops = seed_scenario.driver("troops_deployed")
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
    expect(slider).to_have_attribute("aria-label", re.compile("^" + re.escape(troops.label.get("en"))))
    expect(slider).to_have_value(str(int(troops.default)))
    slider.focus()
    page.keyboard.press("End")
    expect(slider).to_have_value(str(int(troops.max)))

    page.wait_for_function(CHANGED_JS, timeout=REDRAW_TIMEOUT_MS, polling=50)
    wait_until_idle(page)
    after = page.evaluate(TRACE_JS, [0, 1])
    assert after["name"] == tension
    assert after["y"] != before["y"]
    assert after["y"][-1] > before["y"][-1], (
        f"more troops should raise peninsula tension at the horizon: {before['y'][-1]} -> {after['y'][-1]}"
    )
    assert_no_exception(page)
    page.screenshot(path=str(artifacts_dir / "desktop.png"))
    pages.full_screenshot(page, artifacts_dir / "desktop-full.png", MAX_SHOT_HEIGHT)


def test_narrow_viewport_and_tabs(new_page, artifacts_dir):
    narrow = new_page(400, 900)
    wait_for_charts(narrow)
    assert_no_exception(narrow)
    expect(narrow.locator(f"{ACTIVE_PANEL} {CHART}").first).to_be_visible()
    narrow.screenshot(path=str(artifacts_dir / "narrow.png"))
    pages.full_screenshot(narrow, artifacts_dir / "narrow-full.png", MAX_SHOT_HEIGHT)

    page = new_page(1400, 900)
    wait_for_charts(page)
    for tab, shot in (("Compare", "compare.png"), ("Assumptions", "assumptions.png")):
        page.get_by_role("tab", name=tab, exact=True).click()
        expect(page.get_by_role("tab", name=tab, exact=True)).to_have_attribute("aria-selected", "true")
        panel = page.locator(ACTIVE_PANEL)
        if tab == "Compare":
            chart = panel.locator(CHART).first
            expect(chart).to_be_visible()
            expect(chart.locator(".main-svg").first).to_be_visible()
            traces = chart.locator(PLOT).evaluate("el => (el.data || []).length")
            assert traces > 0, "the comparison chart has no traces"
            expect(panel.locator('[data-testid="stTable"]').first).to_be_visible()
        else:
            expect(panel.locator('[data-testid="stDataFrame"]').first).to_be_visible()
        wait_until_idle(page)
        assert_no_exception(page)
        pages.full_screenshot(page, artifacts_dir / shot, MAX_SHOT_HEIGHT)


def test_german_locale(new_page):
    page = new_page(1400, 900, locale="de-DE")
    wait_for_charts(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(GERMAN_TITLE)
    expect(page.get_by_role("tab", name="Projektionen")).to_be_visible()
    assert_no_exception(page)


def test_widgets_keep_working_after_a_language_switch(new_page, seed_scenario):
    """A selectbox reports its choice by label; after a switch the browser must not send the old label back
    (it once did: the next rerun of any kind crashed with KeyError 'Reported baseline')."""
    page = new_page(1400, 900)
    wait_for_charts(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stRadioOption"]', has_text="Deutsch").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(GERMAN_TITLE)
    wait_until_idle(page)

    escalation = seed_scenario.preset("escalation")
    slider = sidebar.get_by_role("slider").first
    preset_box = sidebar.get_by_role("combobox", name=t("preset", "de"), exact=True)
    expect(preset_box).to_have_value(seed_scenario.preset("baseline").label.get("de"))
    preset_box.click()
    page.get_by_role("option", name=escalation.label.get("de"), exact=True).click()
    expect(slider).to_have_value(f"{escalation.values['troops_deployed']:g}", timeout=REDRAW_TIMEOUT_MS)
    wait_until_idle(page)
    assert_no_exception(page)

    page.evaluate(REMEMBER_JS)
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(CHANGED_JS, timeout=REDRAW_TIMEOUT_MS, polling=50)
    wait_until_idle(page)
    assert_no_exception(page)
