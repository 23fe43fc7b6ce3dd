"""Team rounds in a real browser: a facilitator opens a round from the dashboard's Team tab, three participants in
their own browsers submit (one with a hostile alias and a formula for a comment), the facilitator page pools them,
a wrong key gets the participant page, a resubmission under the same alias replaces the earlier one, and a closed
round takes no more submissions.

The server is this module's own (not the session's), so that the test can read its database with RoundStore and
check every figure the pages show against the engine. Every visitor is a separate browser context: own cookies,
own session, as a team member on their own laptop or phone would be.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from engine.model import Model
from engine.pooling import pooled_ensemble
from engine.rounds import Round, RoundStore, Submission
from engine.store import ScenarioStore
from present import rounds as present_rounds
from present.i18n import t
from present.style import plot_text
from present.tables import percent_span, percent_text

from . import pages
from .pages import assert_no_exception
from .server import RunningServer, ServerDidNotStart, running_server

pytestmark = pytest.mark.e2e

WIDE, PHONE = 1400, 400
HEIGHT = 900
WAIT_MS = 60_000  # a page's run, a pooled ensemble of a few members included; the server may be slow on CI
LOG_TAIL_CHARS = 6000
MAX_SHOT_HEIGHT = 16_000  # the facilitator's page is long: all of it, results and ledger

SUCCESS = '[data-testid="stAlertContentSuccess"]'
WARNING = '[data-testid="stAlertContentWarning"]'
ERROR = '[data-testid="stAlertContentError"]'
PLOTS = '[data-testid="stMain"] .js-plotly-plot'
RESULT_CHARTS = 5  # pooled, split, drivers' spread, disagreement, band

# True once `minimum` charts hold data, or as soon as the app shows an exception.
CHARTS_DRAWN_JS = """([selector, minimum]) => {
    if (document.querySelector('[data-testid="stException"]')) return true;
    const plots = [...document.querySelectorAll(selector)];
    return plots.length >= minimum && plots.every(p => Array.isArray(p.data) && p.data.length > 0);
}"""
# Every chart's traces (name, x, text) as plain JSON.
CHARTS_JS = """(selector) => [...document.querySelectorAll(selector)].map(p => ({
    traces: (p.data || []).map(tr => ({
        name: tr.name === undefined ? null : String(tr.name),
        x: Array.from(tr.x || []),
        text: Array.isArray(tr.text) ? tr.text.map(String) : (tr.text === undefined ? [] : [String(tr.text)]),
    })),
}))"""

TITLE = "E2E round *one* <i>x</i> & co"
HOSTILE_ALIAS = "<img src=x onerror=alert(1)>**bold**"
FORMULA = '=HYPERLINK("http://example.invalid/","click me")'


@dataclass(frozen=True)
class Member:
    """One participant: alias, gut probability (%) per question in the scenario's order, slider moves, comment."""

    alias: str
    gut: tuple[int, ...]
    moves: tuple[tuple[str, str, int], ...]  # (driver id, key, presses)
    comment: str = ""


ALICE = Member("Alice", (10, 25, 40, 55, 70), (("combat_engagement", "ArrowRight", 2),), "Combat looks hotter.")
HOSTILE = Member(
    HOSTILE_ALIAS, (80, 65, 50, 35, 20), (("troops_deployed", "End", 1), ("sanctions_pressure", "Home", 1)), FORMULA
)
CAROL = Member("Carol", (5, 15, 95, 45, 30), (("china_sidelined", "ArrowLeft", 3),), "Watch Beijing's trade figures.")
# Alice again, the alias in capitals: her earlier submission is replaced.
ALICE_AGAIN = Member("ALICE", (12, 30, 42, 60, 75), (("combat_engagement", "ArrowRight", 4),))
GERMAN = Member("Dora", (50, 50, 50, 50, 50), (("global_volatility", "ArrowRight", 1),))


# --- the server and the visitors ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rounds_server(request) -> Iterator[RunningServer]:
    """This module's own dashboard server; its log is printed when a test of the module failed."""
    failed = request.session.testsfailed
    try:
        with running_server(prefix="e2e-rounds-") as server:
            yield server
            if request.session.testsfailed > failed:
                print("--- rounds server output ---\n" + server.log_tail(LOG_TAIL_CHARS))
    except ServerDidNotStart as err:
        pytest.fail(str(err), pytrace=False)


def store_url(server: RunningServer) -> str:
    """The server's SQLite file: running_server gives it SCENARIO_DATA_DIR=<its folder>/data."""
    return f"sqlite:///{server.log.parent / 'data' / 'scenarios.sqlite3'}"


@pytest.fixture(scope="module")
def round_store(rounds_server) -> Iterator[RoundStore]:
    scenarios = ScenarioStore(store_url(rounds_server))
    try:
        yield RoundStore(scenarios)
    finally:
        scenarios.dispose()


@dataclass
class Visitors:
    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, url: str, width: int = WIDE, locale: str = "en-US") -> Page:
        """A page in a fresh browser context; any dialog (alert, confirm) it opens is recorded and dismissed."""
        context = self.browser.new_context(
            viewport={"width": width, "height": HEIGHT}, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", self._dialog)
        page.goto(url, wait_until="domcontentloaded")
        return page

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def visitors(chromium_browser) -> Iterator[Visitors]:
    made = Visitors(chromium_browser)
    yield made
    for context in made.contexts:
        context.close()


# --- helpers -----------------------------------------------------------------------------------------------------


def idle(page: Page) -> None:
    pages.wait_until_idle(page, WAIT_MS)
    assert_no_exception(page)


def prefix_of(key: str, lang: str, **fields: str) -> str:
    """The text of a message up to its first placeholder."""
    return t(key, lang, **{name: "\0" for name in fields}).split("\0")[0]


def when_shown(stamp: str) -> str:
    return stamp.replace("T", " ")[:16]


def slider(page: Page, label: str) -> Locator:
    return page.get_by_role("slider", name=re.compile("^" + re.escape(label)))


def expected_value(scenario, start: float, driver_id: str, key: str, presses: int) -> float:
    d = scenario.driver(driver_id)
    if key == "Home":
        return d.min
    if key == "End":
        return d.max
    sign = 1 if key == "ArrowRight" else -1
    return min(d.max, max(d.min, start + sign * presses * d.step))


def shown_number(value: float) -> str:
    return f"{value:g}"


def open_round_from_dashboard(page: Page, title: str) -> tuple[str, str]:
    """Team tab, a title, every question kept, 'Open the round': the participant and facilitator links."""
    idle(page)
    page.get_by_role("tab", name=t("tab_team", "en"), exact=True).click()
    title_box = page.get_by_role("textbox", name=t("round_field_title", "en"))
    expect(title_box).to_be_visible(timeout=WAIT_MS)
    idle(page)
    title_box.fill(title)
    page.get_by_role("button", name=t("round_open_button", "en"), exact=True).click()
    expect(page.locator(SUCCESS).filter(has_text=t("round_opened", "en"))).to_have_count(1, timeout=WAIT_MS)
    codes = page.locator('[data-testid="stCode"] code')
    expect(codes).to_have_count(2, timeout=WAIT_MS)
    idle(page)
    participant, facilitator = (text.strip() for text in codes.all_inner_texts())
    return participant, facilitator


def gut_step(page: Page, scenario, questions: tuple[str, ...], member: Member, lang: str = "en") -> None:
    """Step 1: the alias and a gut probability for every question, then 'Next: the drivers'."""
    expect(page.get_by_role("heading", name=t("round_step_gut", lang))).to_be_visible(timeout=WAIT_MS)
    idle(page)
    page.get_by_role("textbox", name=t("round_alias", lang)).fill(member.alias)
    texts = {q.id: q.text.get(lang) for q in scenario.questions}
    assert len(member.gut) == len(questions)
    for q, value in zip(questions, member.gut, strict=True):
        box = page.locator('[data-testid="stNumberInput"]').filter(has_text=f"{texts[q]} — {t('round_gut', lang)}")
        expect(box).to_have_count(1)
        box.locator("input").fill(str(value))
    page.get_by_role("button", name=t("round_next", lang), exact=True).click()
    expect(page.get_by_role("heading", name=t("round_step_drivers", lang))).to_be_visible(timeout=WAIT_MS)
    idle(page)
    # The estimates, as given, above the drivers; the alias as typed.
    given = page.locator(SUCCESS)
    expect(given.locator("p").first).to_have_text(f"{member.alias} · {t('round_gut_given', lang)}")
    expect(given.locator("strong").first).to_have_text(member.alias)
    listed = [f"{texts[q]} {percent_text(v / 100, lang)}" for q, v in zip(questions, member.gut, strict=True)]
    expect(given.locator("li")).to_have_text(listed)


def drivers_step(page: Page, scenario, start: dict[str, float], member: Member, lang: str = "en") -> dict:
    """Step 2: move the member's sliders by keyboard, write the comment; the values the sliders then hold."""
    values = dict(start)
    for driver_id, key, presses in member.moves:
        d = scenario.driver(driver_id)
        handle = slider(page, d.label.get(lang))
        expect(handle).to_have_count(1)
        expect(handle).to_have_value(shown_number(values[driver_id]))
        handle.focus()
        for _ in range(presses):
            page.keyboard.press(key)
        values[driver_id] = expected_value(scenario, values[driver_id], driver_id, key, presses)
        expect(handle).to_have_value(shown_number(values[driver_id]))
    assert values != start, "the member moved no slider"
    if member.comment:
        page.get_by_role("textbox", name=t("round_comment", lang)).fill(member.comment)
    return values


def submit(page: Page, lang: str = "en") -> None:
    page.get_by_role("button", name=t("round_submit", lang), exact=True).click()


def expect_thanks(page: Page, lang: str = "en") -> Locator:
    thanks = page.locator(SUCCESS).filter(has_text=prefix_of("round_submitted", lang, when=""))
    expect(thanks).to_have_count(1, timeout=WAIT_MS)
    return thanks


def charts(page: Page, minimum: int) -> list[dict]:
    page.wait_for_function(CHARTS_DRAWN_JS, arg=[PLOTS, minimum], timeout=WAIT_MS, polling=100)
    idle(page)
    return page.evaluate(CHARTS_JS, PLOTS)


def chart_with(found: list[dict], names: list[str]) -> dict:
    """The one chart whose traces bear these names."""
    matching = [c for c in found if [tr["name"] for tr in c["traces"]] == names]
    assert len(matching) == 1, f"charts with traces {names}: {[[tr['name'] for tr in c['traces']] for c in found]}"
    return matching[0]


def list_items(page: Page) -> list[str]:
    return [text.strip() for text in page.locator('[data-testid="stMain"] li').all_inner_texts()]


def assert_key_hidden(page: Page, key: str) -> None:
    """A participant's page: neither the key nor the facilitator link, in the address, the HTML or the charts."""
    assert key not in page.url
    html = page.content()
    assert key not in html, "the participant page holds the facilitator key"
    assert "key=" not in html
    assert t("round_facilitator_link", "en") not in page.locator("body").inner_text()
    assert key not in str(page.evaluate(CHARTS_JS, PLOTS))


def shots(page: Page, folder: Path, name: str) -> list[str]:
    """Full-page screenshots at 1400 and 400 px wide (then back to the page's own width)."""
    size = page.viewport_size
    assert size is not None
    written = []
    for width in (WIDE, PHONE):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.wait_for_timeout(500)  # let the layout and the charts follow the new width; nothing is timed
        path = folder / f"rounds-{name}-{width}.png"
        pages.full_screenshot(page, path, MAX_SHOT_HEIGHT)
        written.append(path.name)
    page.set_viewport_size(size)
    return written


def expected_pool(store: RoundStore, found: Round, model: Model):
    current = store.current(found.id)
    return current, pooled_ensemble(model, [s.judgement for s in current], found.runs, found.seed)


def own_figures(found: Round, model: Model, submission: Submission, lang: str = "en") -> str:
    """What 'Your settings give:' lists for one member's submission, as the page renders it."""
    pool = pooled_ensemble(model, [submission.judgement], found.runs, found.seed)
    texts = {q.id: q.text.get(lang) for q in model.scenario.questions}
    lines = [
        f"{texts[row.question]} {percent_text(row.probability, lang)} ({percent_span(row.low, row.high, lang)})"
        for row in pool.questions.itertuples()
        if row.question in found.questions
    ]
    return "\n".join(lines)


def check_facilitator_results(
    page: Page, store: RoundStore, found: Round, model: Model, members: int, rows: int, replaced: int
) -> list[Submission]:
    """The count line, the pooled chart (every point the engine's) and the pooled sentences."""
    count = t("round_count", "en", members=members, rows=rows, superseded=replaced)
    expect(page.get_by_text(count, exact=True)).to_have_count(1, timeout=WAIT_MS)
    found_charts = charts(page, RESULT_CHARTS)
    current, pool = expected_pool(store, found, model)
    assert [s.member for s in current] == list(pool.members)
    questions = list(found.questions)
    member_rows = pool.member_questions[pool.member_questions["question"].isin(questions)]
    names = ("round_member_model", "round_member_gut", "round_gut_median", "round_pooled")
    pooled = chart_with(found_charts, [plot_text(t(key, "en")) for key in names])
    model_points, gut_points, _, pooled_points = pooled["traces"]
    assert model_points["x"] == (member_rows["probability"] * 100).round(2).tolist()
    assert model_points["text"] == [plot_text(m) for m in member_rows["member"]]  # the facilitator sees names
    guts = member_rows.dropna(subset=["gut"])
    assert gut_points["x"] == (guts["gut"] * 100).round(2).tolist()
    assert len(gut_points["x"]) == members * len(questions)
    expected_p = pool.questions.set_index("question").loc[questions, "probability"].to_numpy() * 100
    assert pooled_points["x"] == expected_p.round(2).tolist()
    shown = list_items(page)
    for sentence in present_rounds.pooled_sentences(model.scenario, pool, questions, "en"):
        assert sentence in shown, f"the pooled sentence {sentence!r} is not on the page"
    for sentence in present_rounds.split_sentences(model.scenario, pool, questions, "en"):
        assert sentence in shown, f"the split sentence {sentence!r} is not on the page"
    return current


# --- the test ------------------------------------------------------------------------------------------------------


def test_a_team_round_from_the_dashboard_to_closing(
    visitors: Visitors, rounds_server, round_store, seed_scenario, artifacts_dir
):
    base = rounds_server.url
    screenshots: list[str] = []

    # 1. The facilitator opens a round from the dashboard's Team tab.
    dashboard = visitors.open(base)
    participant_link, facilitator_link = open_round_from_dashboard(dashboard, TITLE)
    screenshots += shots(dashboard, artifacts_dir, "team-tab")
    expect(dashboard.get_by_text(t("round_facilitator_warning", "en"))).to_be_visible()
    link_query = parse_qs(urlsplit(participant_link).query)
    assert set(link_query) == {"round"} and len(link_query["round"]) == 1
    round_id = link_query["round"][0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", round_id)
    assert urlsplit(participant_link).netloc == urlsplit(base).netloc
    facilitator_query = parse_qs(urlsplit(facilitator_link).query)
    assert facilitator_query["round"] == [round_id] and set(facilitator_query) == {"round", "key"}
    key = facilitator_query["key"][0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key)
    assert round_store.is_facilitator(round_id, key)

    found = round_store.get(round_id)
    assert found is not None
    assert found.title == TITLE and not found.closed and found.show_results and found.submitted == 0
    questions = found.questions
    assert questions == tuple(q.id for q in seed_scenario.questions)  # every question kept, in order
    assert found.digest == seed_scenario.digest  # the scenario's own file: the dashboard's hash
    model = Model.of(seed_scenario)
    start = {d.id: found.values[d.id] for d in seed_scenario.drivers}

    # 2. Three participants, each in their own browser; Carol on a phone.
    alice = visitors.open(participant_link)
    expect(alice.get_by_role("heading", level=1)).to_have_text(TITLE, timeout=WAIT_MS)
    idle(alice)
    about = t("round_about", "en", title=TITLE, scenario=seed_scenario.title.en, opened=when_shown(found.created_at))
    expect(alice.get_by_text(about, exact=True)).to_have_count(1)
    assert_key_hidden(alice, key)
    screenshots += shots(alice, artifacts_dir, "participant-step1")
    gut_step(alice, seed_scenario, questions, ALICE)
    assert_key_hidden(alice, key)
    alice_values = drivers_step(alice, seed_scenario, start, ALICE)
    screenshots += shots(alice, artifacts_dir, "participant-step2")
    submit(alice)
    thanks = expect_thanks(alice)
    idle(alice)

    hostile = visitors.open(participant_link)
    gut_step(hostile, seed_scenario, questions, HOSTILE)
    hostile_values = drivers_step(hostile, seed_scenario, start, HOSTILE)
    submit(hostile)
    expect_thanks(hostile)
    idle(hostile)

    carol = visitors.open(participant_link, width=PHONE)
    gut_step(carol, seed_scenario, questions, CAROL)
    carol_values = drivers_step(carol, seed_scenario, start, CAROL)
    submit(carol)
    expect_thanks(carol)
    idle(carol)

    # What the store holds is what the three entered.
    stored = round_store.submissions(round_id)
    assert [s.member for s in stored] == [ALICE.alias, HOSTILE.alias, CAROL.alias]
    entered = ((ALICE, alice_values), (HOSTILE, hostile_values), (CAROL, carol_values))
    for s, (member, values) in zip(stored, entered, strict=True):
        assert dict(s.values) == values
        assert dict(s.gut) == {q: v / 100 for q, v in zip(questions, member.gut, strict=True)}
        assert s.comment == member.comment and dict(s.impacts) == {} and not s.superseded
    first_alice = stored[0]
    expect(thanks).to_have_text(t("round_submitted", "en", when=when_shown(first_alice.created_at)))
    # Her own settings' figures, as the engine computes them for her alone.
    own = alice.locator('[data-testid="stMarkdownContainer"]').filter(has_text=t("round_your_model", "en"))
    expect(own.locator("li")).to_have_text(own_figures(found, model, first_alice).split("\n"))

    # Carol, who submitted last, sees the pooled results without anyone's name or the key.
    carol_charts = charts(carol, RESULT_CHARTS)
    expect(carol.get_by_text(t("round_count", "en", members=3, rows=3, superseded=0), exact=True)).to_have_count(1)
    carol_text = carol.locator("body").inner_text() + str(carol_charts)
    for other in (ALICE.alias, plot_text(HOSTILE.alias), HOSTILE.alias, ALICE.comment, FORMULA):
        assert other not in carol_text, f"a participant sees {other!r}"
    expect(carol.get_by_text(t("round_comments", "en"), exact=True)).to_have_count(0)
    for page in (alice, hostile, carol):
        assert_key_hidden(page, key)

    # 3. The facilitator page, in its own browser.
    facilitator = visitors.open(facilitator_link)
    expect(facilitator.get_by_text(t("round_manage", "en"), exact=True)).to_have_count(1, timeout=WAIT_MS)
    check_facilitator_results(facilitator, round_store, found, model, members=3, rows=3, replaced=0)
    expect(facilitator.get_by_text(t("round_state_open", "en") + " " + t("round_state_results", "en"))).to_have_count(1)
    # The hostile alias and the formula show as typed: no image, no bold, no dialog.
    said = f"{HOSTILE.alias}: {FORMULA}"
    comment_line = facilitator.locator('[data-testid="stMarkdownContainer"] p').filter(has_text=said)
    expect(comment_line).to_have_text(said)
    expect(comment_line.locator("strong")).to_have_text(f"{HOSTILE.alias}:")
    expect(facilitator.get_by_text(f"{CAROL.alias}: {CAROL.comment}", exact=True)).to_have_count(1)
    for page in (facilitator, alice, hostile, carol):
        assert page.locator('img[src="x"]').count() == 0
        assert page.locator("strong", has_text=re.compile(r"^bold$")).count() == 0
    facilitator.get_by_text(t("round_submissions", "en"), exact=True).click()
    table = facilitator.locator('[data-testid="stExpander"]').filter(has_text=t("round_submissions", "en"))
    expect(table.locator("td", has_text=HOSTILE.alias).first).to_have_text(HOSTILE.alias)
    expect(table.locator("td").filter(has_text=FORMULA)).to_have_text(FORMULA)
    # The CSV: a spreadsheet reads the comment as text, not as a formula.
    with facilitator.expect_download(timeout=WAIT_MS) as info:
        facilitator.get_by_role("button", name=t("round_download", "en"), exact=True).click()
    assert info.value.suggested_filename == f"round-{round_id}.csv"
    sheet = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    hostile_rows = [row for row in sheet if row["member"] == HOSTILE.alias and row["kind"] in ("driver", "gut")]
    assert len(hostile_rows) == len(seed_scenario.drivers) + len(questions)
    assert {row["comment"] for row in hostile_rows} == {"'" + FORMULA}
    screenshots += shots(facilitator, artifacts_dir, "facilitator-results")

    # 4. A wrong key gets the participant page, with the reason, and never the facilitator's.
    wrong_key = "A" * 32 if key != "A" * 32 else "B" * 32
    wrong = visitors.open(f"{base}/?round={round_id}&key={wrong_key}")
    expect(wrong.locator(ERROR)).to_have_text(t("round_wrong_key", "en"), timeout=WAIT_MS)
    expect(wrong.get_by_role("textbox", name=t("round_alias", "en"))).to_be_visible()
    idle(wrong)
    expect(wrong.get_by_text(t("round_manage", "en"), exact=True)).to_have_count(0)
    assert_key_hidden(wrong, key)

    # 5. Alice submits again, her alias in capitals: three members, four submissions, one replaced.
    alice.get_by_role("button", name=t("round_change_gut", "en"), exact=True).click()
    gut_step(alice, seed_scenario, questions, ALICE_AGAIN)
    again_values = drivers_step(alice, seed_scenario, start, ALICE_AGAIN)
    submit(alice)
    expect_thanks(alice)
    idle(alice)
    assert_key_hidden(alice, key)
    stored = round_store.submissions(round_id)
    assert [(s.member, s.superseded) for s in stored] == [
        (ALICE.alias, True),
        (HOSTILE.alias, False),
        (CAROL.alias, False),
        (ALICE_AGAIN.alias, False),
    ]
    assert dict(stored[-1].values) == again_values
    facilitator.reload(wait_until="domcontentloaded")
    current = check_facilitator_results(facilitator, round_store, found, model, members=3, rows=4, replaced=1)
    assert [s.member for s in current] == [HOSTILE.alias, ALICE_AGAIN.alias, CAROL.alias]  # case-folded order

    # 6. German, opened before the round closes; the facilitator closes it; her submission is refused.
    dora = visitors.open(participant_link, locale="de-DE")
    expect(dora.get_by_role("heading", level=1)).to_have_text(TITLE, timeout=WAIT_MS)
    gut_step(dora, seed_scenario, questions, GERMAN, lang="de")
    drivers_step(dora, seed_scenario, start, GERMAN, lang="de")
    facilitator.get_by_role("button", name=t("round_close", "en"), exact=True).click()
    expect(facilitator.get_by_role("button", name=t("round_reopen", "en"), exact=True)).to_be_visible(timeout=WAIT_MS)
    state = t("round_state_closed", "en") + " " + t("round_state_results", "en")
    expect(facilitator.get_by_text(state, exact=True)).to_have_count(1)
    idle(facilitator)
    closed = round_store.get(round_id)
    assert closed is not None and closed.closed
    submit(dora, "de")
    expect(dora.locator(WARNING)).to_have_text(t("round_is_closed", "de"), timeout=WAIT_MS)
    idle(dora)
    expect(dora.locator(SUCCESS).filter(has_text=prefix_of("round_submitted", "de", when=""))).to_have_count(0)
    assert len(round_store.submissions(round_id)) == 4

    # A fresh participant page says the round is closed and offers no form.
    late = visitors.open(participant_link)
    expect(late.locator(WARNING)).to_have_text(t("round_is_closed", "en"), timeout=WAIT_MS)
    idle(late)
    expect(late.get_by_role("textbox", name=t("round_alias", "en"))).to_have_count(0)
    expect(late.get_by_role("button", name=t("round_next", "en"), exact=True)).to_have_count(0)
    assert_key_hidden(late, key)

    assert visitors.dialogs == [], f"a page opened a dialog: {visitors.dialogs}"
    for page in (dashboard, alice, hostile, carol, facilitator, wrong, dora, late):
        assert_no_exception(page)
    print("screenshots:", ", ".join(screenshots))
