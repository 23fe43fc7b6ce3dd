"""A 400 px phone screen, in both languages: the sliders' hint shows, no tab label is cut off, the charts' titles
stay apart and inside the chart, axis titles clear of legends, the uploader states the loader's limit, and
nothing is fetched from another host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from present.i18n import TAB_KEYS, t

from .test_requests_e2e import ACTIVE_PANEL, wait_for_panel, wait_until_idle

pytestmark = pytest.mark.e2e

PHONE = (400, 900)
DESKTOP = (1400, 900)
HINT = ".st-key-phone_sidebar_hint"
# The tabs with charts: present/charts.py draws the first two's, present/charts_sensitivity.py the Why tab's.
CHART_TABS = ("tab_projection", "tab_compare", "tab_why")

# Each tab's box, and whether its list or its label scrolls (overflow hidden behind the tab bar's arrow); to say
# why when they do, whether the bar wraps and how many st.html elements (the page's style sheet) there are.
TABS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] [role="tab"]')].map(tab => {
    const box = tab.getBoundingClientRect(), list = tab.closest('[role="tablist"]');
    const label = tab.querySelector('p') || tab;
    return {text: tab.innerText.trim(), left: box.left, right: box.right, wrap: getComputedStyle(list).flexWrap,
            styles: document.querySelectorAll('[data-testid="stHtml"]').length,
            listScrolls: list.scrollWidth > list.clientWidth, labelScrolls: label.scrollWidth > label.clientWidth};
})"""
# Per chart: its box, its title and each subplot title (the annotations make_subplots places on the paper),
# the axis titles, the tick labels and the legend, as {name, left, right, top, bottom}.
CHART_PARTS_JS = """(panel) => [...document.querySelectorAll(panel + ' .js-plotly-plot')].map(plot => {
    const box = el => { const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const named = (el, name) => Object.assign(box(el), {name: name || el.textContent});
    const annotations = (plot.layout.annotations || []).map((a, i) => [a, i])
        .filter(([a]) => a.xref === 'paper' && a.yref === 'paper')
        .map(([a, i]) => plot.querySelector(`.infolayer g.annotation[data-index="${i}"]`)).filter(Boolean);
    const titles = [...plot.querySelectorAll('.gtitle'), ...annotations]
        .filter(el => el.textContent.trim()).map(el => named(el));
    const axes = [...plot.querySelectorAll('.xtitle, .ytitle')]
        .filter(el => el.textContent.trim()).map(el => named(el));
    const ticks = [...plot.querySelectorAll('.xtick text, .ytick text')]
        .filter(el => el.textContent.trim()).map(el => named(el, 'tick ' + el.textContent));
    const legend = plot.querySelector('.legend');
    return {chart: box(plot), titles, axes, ticks, legend: legend ? named(legend, 'legend') : null};
})"""


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _pairs(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["name"], b["name"]) for n, a in enumerate(boxes) for b in boxes[n + 1 :] if _overlap(a, b)]


def _open(new_page, streamlit_server: str, lang: str, size: tuple[int, int], touch: bool = False) -> Page:
    page = new_page(*size, touch=touch)
    page.goto(f"{streamlit_server}/?lang={lang}", wait_until="domcontentloaded")
    wait_for_panel(page)
    return page


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_phone_sees_the_hint_every_tab_label_and_charts_whose_titles_stay_apart(new_page, streamlit_server, lang):
    page = _open(new_page, streamlit_server, lang, PHONE)
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    expect(page.locator(HINT)).to_have_text(t("phone_sidebar_hint", lang))
    expect(page.locator(HINT)).to_be_in_viewport()
    # The style sheet arrives with the hint's container, sometimes a moment after its text: measure the tabs
    # once it is there (a sheet that never comes still fails here).
    expect(page.locator('[data-testid="stHtml"]')).to_have_count(1, timeout=30_000)
    wait_until_idle(page)

    tabs = page.evaluate(TABS_JS)
    assert [tab["text"] for tab in tabs] == [t(key, lang) for key in TAB_KEYS]
    outside = [tab for tab in tabs if tab["left"] < 0 or tab["right"] > PHONE[0] or tab["listScrolls"]]
    assert outside == [], [(tab["text"], tab["wrap"], tab["styles"], tab["left"], tab["right"]) for tab in outside]
    assert [tab["text"] for tab in tabs if tab["labelScrolls"]] == []

    for key in TAB_KEYS:
        tab = page.get_by_role("tab", name=t(key, lang), exact=True)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        wait_for_panel(page)
        if key not in CHART_TABS:
            continue
        charts = page.evaluate(CHART_PARTS_JS, ACTIVE_PANEL)
        assert charts, f"{key}: no chart"
        for chart in charts:
            box = chart["chart"]
            cut = [
                title["name"]
                for title in chart["titles"]
                if title["left"] < box["left"] - 1 or title["right"] > box["right"] + 1
            ]
            assert cut == [], f"{key}: titles cut off at the chart's edge"
            assert _pairs(chart["titles"]) == [], f"{key}: titles overlap"
            ticks = chart["ticks"]
            on_ticks = [(a["name"], b["name"]) for a in chart["titles"] for b in ticks if _overlap(a, b)]
            assert on_ticks == [], f"{key}: titles over tick labels"
            if chart["legend"]:
                assert [axis["name"] for axis in chart["axes"] if _overlap(axis, chart["legend"])] == [], key

    server = urlsplit(streamlit_server).netloc
    assert sorted(set(hosts) - {server}) == []


def test_the_hint_is_for_narrow_screens_only(new_page, streamlit_server):
    # From 768 px on, Streamlit shows the sidebar open: the sliders need no pointing at.
    page = _open(new_page, streamlit_server, "en", DESKTOP)
    expect(page.locator(HINT)).to_be_hidden()
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').first).to_be_in_viewport()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_uploader_states_only_the_loader_limit(new_page, streamlit_server, lang):
    page = _open(new_page, streamlit_server, lang, PHONE)
    page.get_by_role("tab", name=t("tab_custom", lang), exact=True).click()
    wait_for_panel(page)
    uploader = page.locator('.st-key-custom_upload [data-testid="stFileUploader"]')
    expect(uploader.locator('[data-testid="stWidgetLabel"]')).to_have_text(t("upload_limited", lang, size="256 KiB"))
    # Streamlit's own "1MB per file", the browser's cap in whole MB, is not shown beside it.
    expect(uploader.locator('[data-testid="stFileUploaderDropzoneInstructions"]')).to_be_hidden()
    assert "MB" not in uploader.inner_text()
    wait_until_idle(page)


# Every table in the open panel that is wider than its box (it would scroll sideways), by its first header.
WIDE_TABLES_JS = """(panel) => [...document.querySelectorAll(panel + ' [data-testid="stTable"]')]
    .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth)
    .map(el => (el.querySelector('th') || el).innerText.trim())"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_compare_tables_fit_a_phone_without_scrolling_sideways(new_page, streamlit_server, lang):
    page = _open(new_page, streamlit_server, lang, PHONE)
    page.get_by_role("tab", name=t("tab_compare", lang), exact=True).click()
    wait_for_panel(page)
    tables = page.locator(f'{ACTIVE_PANEL} [data-testid="stTable"]')
    expect(tables).to_have_count(2)
    assert page.evaluate(WIDE_TABLES_JS, ACTIVE_PANEL) == []


def test_the_share_links_copy_button_shows_on_a_touch_screen(new_page, streamlit_server):
    page = _open(new_page, streamlit_server, "en", PHONE, touch=True)
    assert page.evaluate("() => matchMedia('(hover: none)').matches")
    page.get_by_text(t("share_title", "en"), exact=True).click()
    copy = page.locator('[data-testid="stCode"] [data-testid="stElementToolbarButton"] button')
    expect(copy).to_be_visible()  # no hover: Streamlit alone would keep it hidden here
    expect(copy).to_be_in_viewport()


def test_the_copy_button_still_waits_for_the_pointer_on_a_desktop(new_page, streamlit_server):
    page = _open(new_page, streamlit_server, "en", DESKTOP)
    page.get_by_text(t("share_title", "en"), exact=True).click()
    copy = page.locator('[data-testid="stCode"] [data-testid="stElementToolbarButton"] button')
    expect(copy).to_be_hidden()
    page.locator('[data-testid="stCode"]').hover()
    expect(copy).to_be_visible()
