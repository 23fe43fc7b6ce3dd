"""Sharing in a real browser: links reproduce the figures in a fresh browser, tampered links are repaired,
uploaded scenarios are stored and linkable, and the briefing pack and CSV downloads are complete and work offline.

Every page runs in its own browser context (own cookies and storage), so "open the link elsewhere" really
means a second reader. Requests that leave the loopback interface are aborted.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from engine.loader import ScenarioError, parse_scenario
from engine.store import LINK_PREFIX, SHORT
from present.i18n import t

from . import pages
from .pages import assert_no_exception

pytestmark = pytest.mark.e2e

SEED_ID = "dprk-russia-2024"
VIEWPORT = {"width": 1400, "height": 900}
RENDER_TIMEOUT_MS = 45_000
ACTION_TIMEOUT_MS = 20_000
MAX_SHOT_HEIGHT = 6_000

SIDEBAR = '[data-testid="stSidebar"]'
ACTIVE_PANEL = '[role="tabpanel"]:not([hidden])'
PROJECTION_PLOTS = f"{ACTIVE_PANEL} .js-plotly-plot"
WARNING = '[data-testid="stAlertContentWarning"]'
ERROR = '[data-testid="stAlertContentError"]'
SUCCESS = '[data-testid="stAlertContentSuccess"]'
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")

# True once `minimum` charts matching the selector hold data, or as soon as the app shows an exception.
CHARTS_DRAWN_JS = """([selector, minimum]) => {
    if (document.querySelector('[data-testid="stException"]')) return true;
    const plots = [...document.querySelectorAll(selector)];
    return plots.length >= minimum && plots.every(p => Array.isArray(p.data) && p.data.length > 0);
}"""
# Every plotted trace of every chart matching the selector, as plain JSON (x and y may be typed arrays).
PLOTTED_JS = """(selector) => [...document.querySelectorAll(selector)].map(p => (p.data || []).map(tr => ({
    name: tr.name, x: Array.from(tr.x || []), y: Array.from(tr.y || [])
})))"""
TITLES_START_JS = """([selector, prefix, minimum]) => {
    const plots = [...document.querySelectorAll(selector)];
    return plots.length >= minimum && plots.every(p => p.layout && p.layout.title &&
        String(p.layout.title.text || '').replace(/<[^>]*>/g, '').startsWith(prefix));
}"""


# --- helpers -------------------------------------------------------------------------------------------------


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def wait_until_idle(page: Page) -> None:
    pages.wait_until_idle(page, RENDER_TIMEOUT_MS)


def wait_for_charts(page: Page, minimum: int, selector: str = PROJECTION_PLOTS) -> None:
    try:
        page.wait_for_function(CHARTS_DRAWN_JS, arg=[selector, minimum], timeout=RENDER_TIMEOUT_MS, polling=100)
    except PlaywrightTimeoutError:
        found = page.locator(selector).count()
        pytest.fail(f"only {found} of {minimum} charts ({selector}) were drawn within {RENDER_TIMEOUT_MS / 1000:.0f} s")
    if selector == PROJECTION_PLOTS:
        wait_until_idle(page)
    assert_no_exception(page)


def plotted(page: Page, selector: str = PROJECTION_PLOTS) -> list[list[dict]]:
    return page.evaluate(PLOTTED_JS, selector)


def slider(page: Page, label: str) -> Locator:
    # Prefix match: the accessible name adds the unit, and today also the Markdown escapes of md_escape
    # (aria-label "North Korean troops deployed \(soldiers\)"), so match the label at the start only.
    return page.locator(SIDEBAR).get_by_role("slider", name=re.compile("^" + re.escape(label)))


def share_box(page: Page, lang: str) -> Locator:
    """Open the 'Share and export' expander and return it."""
    box = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary", has_text=t("share_title", lang))
    )
    expect(box).to_have_count(1)
    if box.locator("details").get_attribute("open") is None:
        box.locator("summary").click()
    expect(box.locator('[data-testid="stCode"]')).to_be_visible()
    return box


def shared_link(page: Page, lang: str) -> str:
    return share_box(page, lang).locator('[data-testid="stCode"] code').inner_text().strip()


@dataclass
class Browsing:
    context: BrowserContext
    blocked: list[str] = field(default_factory=list)


def _loopback_only(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob") or (parts.hostname or "") in LOOPBACK


@pytest.fixture
def fresh_context(chromium_browser) -> Iterator[Callable[..., Browsing]]:
    """A factory of fresh browser contexts whose requests are limited by `allow` (others are aborted, recorded)."""
    made: list[BrowserContext] = []

    def make(allow: Callable[[str], bool] = _loopback_only, locale: str = "en-US") -> Browsing:
        context = chromium_browser.new_context(viewport=VIEWPORT, locale=locale, accept_downloads=True)
        context.set_default_timeout(30_000)
        made.append(context)
        browsing = Browsing(context)

        def gate(route: Route) -> None:
            if allow(route.request.url):
                route.continue_()
            else:
                browsing.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", gate)
        return browsing

    yield make
    for context in made:
        context.close()


@pytest.fixture
def open_app(fresh_context, streamlit_server) -> Callable[..., Page]:
    """Open the dashboard (optionally a link into it) in a new browser context."""

    def open_page(url: str | None = None, locale: str = "en-US") -> Page:
        page = fresh_context(locale=locale).context.new_page()
        page.goto(url or streamlit_server, wait_until="domcontentloaded")
        return page

    return open_page


@pytest.fixture(scope="module")
def chart_count(seed_scenario) -> int:
    """One projection chart per indicator group."""
    return len({indicator.group for indicator in seed_scenario.indicators})


# --- 1. a link reproduces the page in a fresh browser -----------------------------------------------------------


def test_link_round_trip_in_a_new_browser_context(open_app, seed_scenario, chart_count):
    troops = seed_scenario.driver("troops_deployed")
    combat = seed_scenario.driver("combat_engagement")
    steps = 3
    combat_value = combat.default + steps * combat.step
    assert combat_value <= combat.max

    a = open_app()
    wait_for_charts(a, chart_count)
    troops_slider = slider(a, troops.label.get("en"))
    troops_slider.focus()
    a.keyboard.press("End")
    expect(troops_slider).to_have_value(f"{troops.max:g}")
    combat_slider = slider(a, combat.label.get("en"))
    combat_slider.focus()
    for _ in range(steps):
        a.keyboard.press("ArrowRight")
    expect(combat_slider).to_have_value(f"{combat_value:g}")
    a.wait_for_url(
        lambda url: (
            query(url).get("d.combat_engagement") == [f"{combat_value:g}"]
            and query(url).get("d.troops_deployed") == [f"{troops.max:g}"]
        ),
        timeout=ACTION_TIMEOUT_MS,
    )

    a.locator(SIDEBAR).locator('[data-testid="stRadioOption"]', has_text="Deutsch").click()
    expect(a.locator(SIDEBAR).get_by_role("radio", name="Deutsch")).to_be_checked()
    a.wait_for_url(lambda url: query(url).get("lang") == ["de"], timeout=ACTION_TIMEOUT_MS)
    wait_until_idle(a)
    expect(a.get_by_role("heading", level=1)).to_have_text(seed_scenario.title.get("de"))
    german_chart_title = t("chart_group_title", "de", group="").strip()
    a.wait_for_function(
        TITLES_START_JS, arg=[PROJECTION_PLOTS, german_chart_title, chart_count], timeout=ACTION_TIMEOUT_MS
    )
    wait_for_charts(a, chart_count)

    expected = {
        "scenario": [SEED_ID],
        "preset": ["baseline"],
        "lang": ["de"],
        "d.troops_deployed": [f"{troops.max:g}"],
        "d.combat_engagement": [f"{combat_value:g}"],
    }
    assert query(a.url) == expected, f"the address bar does not carry the state: {a.url}"
    link = shared_link(a, "de")
    assert query(link) == query(a.url), f"the shared link {link!r} differs from the address bar {a.url!r}"
    assert urlsplit(link).netloc == urlsplit(a.url).netloc
    figures_a = plotted(a)
    assert len(figures_a) == chart_count
    assert all(len(trace["y"]) > 0 for chart in figures_a for trace in chart)

    b = open_app(link)  # a second reader: new context, no cookies, no session state
    wait_for_charts(b, chart_count)
    b.wait_for_function(
        TITLES_START_JS, arg=[PROJECTION_PLOTS, german_chart_title, chart_count], timeout=ACTION_TIMEOUT_MS
    )
    expect(b.get_by_role("heading", level=1)).to_have_text(seed_scenario.title.get("de"))
    expect(b.locator(SIDEBAR).get_by_role("radio", name="Deutsch")).to_be_checked()
    expect(slider(b, troops.label.get("de"))).to_have_value(f"{troops.max:g}")
    expect(slider(b, combat.label.get("de"))).to_have_value(f"{combat_value:g}")
    expect(b.locator(WARNING)).to_have_count(0)
    assert query(b.url) == expected, f"the opened link was rewritten to {b.url}"
    figures_b = plotted(b)
    names = [[trace["name"] for trace in chart] for chart in figures_a]
    assert [[trace["name"] for trace in chart] for chart in figures_b] == names
    ys = [[trace["y"] for trace in chart] for chart in figures_a]
    assert [[trace["y"] for trace in chart] for chart in figures_b] == ys, "the link shows different numbers"
    assert figures_b == figures_a
    assert_no_exception(a)
    assert_no_exception(b)


# --- 2. a tampered link is repaired, explained once, and rewritten ----------------------------------------------


def test_tampered_link_is_repaired_and_explained(open_app, streamlit_server, seed_scenario, chart_count):
    troops = seed_scenario.driver("troops_deployed")
    page = open_app(f"{streamlit_server}/?scenario={SEED_ID}&d.troops_deployed=999999&d.bogus=1&runs=abc")
    wait_for_charts(page, chart_count)

    warnings = page.locator(WARNING)
    expect(warnings).to_have_count(1)
    expect(warnings).to_contain_text(t("link_notice", "en"))
    items = warnings.locator("li").all_inner_texts()
    assert len(items) == 3, f"expected three repairs, the warning lists {items}"
    assert any("troops_deployed" in i and "999999" in i and f"set to {troops.max:g}" in i for i in items), items
    assert any("d.bogus" in i and "ignored" in i for i in items), items
    assert any("'runs'" in i and "whole number" in i for i in items), items

    canonical = {"scenario": [SEED_ID], "lang": ["en"], "d.troops_deployed": [f"{troops.max:g}"]}
    page.wait_for_url(lambda url: query(url) == canonical, timeout=ACTION_TIMEOUT_MS)
    expect(slider(page, troops.label.get("en"))).to_have_value(f"{troops.max:g}")
    assert query(shared_link(page, "en")) == canonical
    assert_no_exception(page)

    # The repaired link is clean: opened elsewhere it needs no repair and reads back unchanged.
    clean = open_app(page.url)
    wait_for_charts(clean, chart_count)
    expect(clean.locator(WARNING)).to_have_count(0)
    assert query(clean.url) == canonical
    assert plotted(clean) == plotted(page)


# --- 3. uploads: a good file is stored and linkable, bad files are explained line by line ------------------------


def _copy_of_seed(seed_path: Path, new_id: str, title_en: str, title_de: str, seed) -> str:
    text = seed_path.read_text(encoding="utf-8")
    replacements = [
        (f"id: {SEED_ID}\n", f"id: {new_id}\n"),
        (f'  en: "{seed.title.en}"\n', f'  en: "{title_en}"\n'),
        (f'  de: "{seed.title.de}"\n', f'  de: "{title_de}"\n'),
    ]
    for old, new in replacements:
        assert text.count(old) >= 1, f"the seed scenario no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text


def _line_of(text: str, needle: str) -> int:
    before, found, _ = text.partition(needle)
    assert found, f"{needle!r} not in the file"
    return before.count("\n") + 1


def _upload(page: Page, path: Path) -> None:
    panel = page.locator(ACTIVE_PANEL)
    uploader = panel.locator('[data-testid="stFileUploader"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=t("upload", "en"))
    )
    expect(uploader).to_have_count(1)
    uploader.locator('input[type="file"]').set_input_files(str(path))


def _shown_problems(page: Page, filename: str) -> list[str]:
    """Wait for the error box about `filename` and return its lines."""
    panel = page.locator(ACTIVE_PANEL)
    expect(panel.locator(ERROR)).to_contain_text(t("invalid", "en"), timeout=ACTION_TIMEOUT_MS)
    code = panel.locator('[data-testid="stCode"] code').last
    expect(code).to_contain_text(f"{filename}:", timeout=ACTION_TIMEOUT_MS)
    wait_until_idle(page)
    return [line for line in code.inner_text().splitlines() if line.strip()]


def _engine_problems(text: str, filename: str) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, filename)
    return [str(p) for p in err.value.problems]


def test_upload_good_then_bad_scenarios(open_app, tmp_path, seed_path, seed_scenario, chart_count, artifacts_dir):
    title_en, title_de = "E2E shared copy of the troops scenario", "E2E geteilte Kopie des Truppenszenarios"
    good_text = _copy_of_seed(seed_path, "e2e-shared-copy", title_en, title_de, seed_scenario)
    good = tmp_path / "e2e-shared-copy.yaml"
    good.write_text(good_text, encoding="utf-8")
    ref = LINK_PREFIX + parse_scenario(good_text, good.name).digest[:SHORT]
    assert re.fullmatch(r"sha-[0-9a-f]{16}", ref)

    page = open_app()
    wait_for_charts(page, chart_count)
    page.get_by_role("tab", name=t("tab_custom", "en"), exact=True).click()
    _upload(page, good)
    page.wait_for_url(lambda url: query(url).get("scenario") == [ref], timeout=ACTION_TIMEOUT_MS)
    wait_until_idle(page)
    expect(page.locator(ACTIVE_PANEL).locator(SUCCESS).filter(has_text=ref)).to_have_count(1)
    picker = page.locator(SIDEBAR).get_by_role("combobox", name=t("scenario", "en"))
    expect(picker).to_have_value(f"{title_en} ({t('saved_suffix', 'en')} {ref})")
    expect(page.get_by_role("heading", level=1)).to_have_text(title_en)
    assert_no_exception(page)
    saved_link = page.url

    # The store and the link: another reader opening the link gets the uploaded scenario.
    other = open_app(saved_link)
    wait_for_charts(other, chart_count)
    expect(other.get_by_role("heading", level=1)).to_have_text(title_en)
    expect(other.locator(SIDEBAR).get_by_role("combobox", name=t("scenario", "en"))).to_have_value(
        f"{title_en} ({t('saved_suffix', 'en')} {ref})"
    )
    assert query(other.url).get("scenario") == [ref]
    expect(other.locator(WARNING)).to_have_count(0)

    # A bad file: an unknown top-level key and min >= max for the first driver.
    bad_text = good_text.replace("horizon_weeks: 52\n", "horizon_weeks: 52\ncolour: blue\n", 1)
    bad_text = bad_text.replace("    min: 0\n    max: 20000\n", "    min: 20000\n    max: 20000\n", 1)
    bad = tmp_path / "bad-scenario.yaml"
    bad.write_text(bad_text, encoding="utf-8")
    _upload(page, bad)
    shown = _shown_problems(page, bad.name)
    pages.full_screenshot(page, artifacts_dir / "upload-error.png", MAX_SHOT_HEIGHT)
    assert shown, "the error box lists no problems"
    for line in shown:
        assert PROBLEM_LINE.match(line), f"not 'FILE:LINE: field: message': {line!r}"
    unknown = f"{bad.name}:{_line_of(bad_text, 'colour: blue')}: colour: unknown key"
    assert unknown in shown, f"expected {unknown!r} in {shown}"
    # The cross-field check is reported in the same pass as the unknown key.
    bad_min_line = _line_of(bad_text, "    min: 20000\n")
    assert any(line.startswith(f"{bad.name}:{bad_min_line}: drivers[0].min: ") for line in shown), shown
    assert shown == _engine_problems(bad_text, bad.name), "the page and the engine disagree about the file"

    # Without the unknown key, the same min >= max problem is all that is left.
    minmax_text = bad_text.replace("colour: blue\n", "", 1)
    minmax = tmp_path / "bad-min-max.yaml"
    minmax.write_text(minmax_text, encoding="utf-8")
    _upload(page, minmax)
    shown = _shown_problems(page, minmax.name)
    for line in shown:
        assert PROBLEM_LINE.match(line), f"not 'FILE:LINE: field: message': {line!r}"
    min_line = _line_of(minmax_text, "    min: 20000\n")
    assert any(line.startswith(f"{minmax.name}:{min_line}: drivers[0].min: ") for line in shown), shown
    assert shown == _engine_problems(minmax_text, minmax.name)

    # Nothing was saved or opened, and the app carries on.
    assert query(page.url).get("scenario") == [ref]
    expect(page.get_by_role("heading", level=1)).to_have_text(title_en)
    assert_no_exception(page)
    page.get_by_role("tab", name=t("tab_projection", "en"), exact=True).click()
    wait_for_charts(page, chart_count)
    assert len(plotted(page)) == chart_count


# --- 4. downloads: the briefing pack is complete and works offline; the CSV is tidy ------------------------------


class _PackParser(HTMLParser):
    """What the checks need from the briefing pack: scripts, table cells, headings and external references."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.cells: list[str] = []
        self.h1: list[str] = []
        self.links: list[str] = []
        self.external: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append({"src": attrs.get("src"), "text": ""})
            self._in_script = True
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if tag != "a" and value and not value.startswith(("data:", "#")):
                self.external.append(f"<{tag} {name}={value}>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("td", "h1"):
            self._open.append((tag, []))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if self._open and self._open[-1][0] == tag:
            _, parts = self._open.pop()
            (self.cells if tag == "td" else self.h1).append("".join(parts))

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1]["text"] += data
        if self._open:
            self._open[-1][1].append(data)


def _download(page: Page, button: str, folder: Path) -> Path:
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
        page.get_by_role("button", name=button).click()
    download = info.value
    assert download.failure() is None, download.failure()
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def test_briefing_pack_and_data_downloads(open_app, fresh_context, tmp_path, seed_scenario, chart_count):
    import unicodedata

    from pptx import Presentation
    from pypdf import PdfReader

    page = open_app()
    wait_for_charts(page, chart_count)
    on_page = plotted(page)
    link = shared_link(page, "en")
    box = share_box(page, "en")
    # The byline goes into every format, as text.
    box.get_by_role("textbox", name=t("pack_author_input", "en")).fill("A. Author <b>x</b>")
    box.get_by_role("textbox", name=t("pack_marking_input", "en")).fill("Internal")
    box.get_by_role("textbox", name=t("pack_marking_input", "en")).press("Enter")
    wait_until_idle(page)

    pack = _download(page, t("download_html", "en"), tmp_path)
    assert pack.name == f"{SEED_ID}-seed2024-briefing.html"
    assert pack.stat().st_size < 1_000_000
    html_text = pack.read_text(encoding="utf-8")
    parser = _PackParser()
    parser.feed(html_text)
    parser.close()

    # Static vector charts (Debian's chromium is there): no script at all, every chart an inline SVG image.
    assert parser.scripts == [], "the pack holds scripts"
    assert parser.external == [], f"the pack references outside resources: {parser.external}"
    assert html_text.count('src="data:image/svg+xml;base64,') == chart_count + 1  # and the tornado
    assert parser.h1 == [seed_scenario.title.get("en")]
    # The link the pack carries keeps the byline too (engine.state): the same link the share box shows now.
    byline = "&author=A.+Author+%3Cb%3Ex%3C%2Fb%3E&marking=Internal"
    assert parser.links == [link + byline], f"the pack does not carry the share link {link + byline!r}"
    assert shared_link(page, "en") == link + byline
    assert "A. Author &lt;b&gt;x&lt;/b&gt;" in html_text and "Internal" in html_text
    for item in (*seed_scenario.drivers, *seed_scenario.indicators):
        assert item.source.quote in parser.cells, f"the source quote of '{item.id}' is missing from the pack"

    # Offline: a fresh browser with every request except the file itself refused shows every chart.
    offline = fresh_context(allow=lambda url: url.startswith("file:"))
    reader = offline.context.new_page()
    reader.goto(pack.as_uri(), wait_until="load")
    images = reader.locator("figure img")
    expect(images).to_have_count(chart_count + 1)
    assert reader.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert offline.blocked == [], f"the pack tried to fetch {offline.blocked}"

    pdf = _download(page, t("download_pdf", "en"), tmp_path)
    assert pdf.name == f"{SEED_ID}-seed2024-briefing.pdf"
    document = PdfReader(pdf)
    assert len(document.pages) >= 8
    pdf_text = unicodedata.normalize("NFKC", " ".join(" ".join(p.extract_text().split()) for p in document.pages))
    assert seed_scenario.title.get("en") in pdf_text and "A. Author <b>x</b>" in pdf_text
    assert seed_scenario.digest in pdf_text

    slides = _download(page, t("download_pptx", "en"), tmp_path)
    assert slides.name == f"{SEED_ID}-seed2024-briefing.pptx"
    deck = Presentation(str(slides))
    assert len(deck.slides) == 2 + chart_count + 1
    first = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert seed_scenario.title.get("en") in first and "A. Author <b>x</b>" in first and "Internal" in first

    bundle = _download(page, t("download_data", "en"), tmp_path)
    assert bundle.name == f"{SEED_ID}-seed2024-data.zip"
    with zipfile.ZipFile(bundle) as archive:
        assert archive.namelist() == ["projections.csv", "questions.csv", "settings.csv"]
        text = archive.read("projections.csv").decode("utf-8-sig")
        settings = list(csv.DictReader(io.StringIO(archive.read("settings.csv").decode("utf-8-sig"))))
    assert text.splitlines()[0] == "week,indicator,indicator_name,mean,p10,p50,p90,p50_level"
    assert {r["setting"]: r["value"] for r in settings}["seed"] == "2024"
    rows = list(csv.DictReader(io.StringIO(text)))
    weeks = seed_scenario.horizon_weeks
    indicators = [i.id for i in seed_scenario.indicators]
    assert len(rows) == (weeks + 1) * len(indicators)
    assert {int(r["week"]) for r in rows} == set(range(weeks + 1))
    assert {r["indicator"] for r in rows} == set(indicators)
    # Each chart's median line is the indicator's p50 (rounded to 2 decimals on the chart): same figures.
    medians = {tr["name"]: tr["y"] for chart in on_page for tr in chart}
    for indicator in seed_scenario.indicators:
        label = indicator.label.get("en").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        own = sorted((r for r in rows if r["indicator"] == indicator.id), key=lambda r: int(r["week"]))
        assert label in medians, f"no median line for '{indicator.id}' on the page"
        assert medians[label] == pytest.approx([float(r["p50"]) for r in own], abs=0.0051), indicator.id
    assert_no_exception(page)
