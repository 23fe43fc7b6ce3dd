"""Team rounds in the running app (AppTest of dashboard.py): the Team tab opens a round, its link opens the
participant's two steps or, with the key, the facilitator's results, Delphi follow-up and ledger.

Every test has its own SQLite store (ui.data caches the store by URL, so a new folder is a new store) and its
own round seed: ui.data caches pools by submission ids, which restart at 1 in every new store.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from engine.ensemble import run_ensemble
from engine.ledger import latest
from engine.loader import load_scenario
from engine.model import Model
from engine.pooling import Judgement, compare_spreads, pooled_ensemble, spread
from engine.rounds import RoundStore
from engine.store import ScenarioStore, default_url
from present.rounds import delphi_table, group_table, pooled_sentences
from present.tables import percent_span, percent_text
from present.text import md_escape
from tests.apptest_helpers import open_app

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "scenarios" / "dprk-russia-2024.yaml"
YAML = SEED_FILE.read_text(encoding="utf-8")
SCENARIO = load_scenario(SEED_FILE)
MODEL = Model.of(SCENARIO)
DEFAULTS = {d.id: d.default for d in SCENARIO.drivers}
FOCUS = ["motives_capability", "aggressive_posture"]  # the scenario's order
TEXT = {q.id: q.text.en for q in SCENARIO.questions}
TEXT_DE = {q.id: q.text.de for q in SCENARIO.questions}
BASE = "https://rounds.example/"
MALLORY = "<b>Mallory</b>"
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20 UTC
# Tables by their column labels as st.table shows them (Markdown-escaped).
GROUP = ("Item", "Median", "Middle half", "Lowest – highest")
DELPHI = (
    "Item",
    "median, round 1",
    "median, round 2",
    "width of the middle half, round 1",
    "width of the middle half, round 2",
    "narrowed",
)
SUBMISSIONS = ("Member", "When \\(UTC\\)", "Status", "Gut estimates", "Comment")
BRIER = ("Source", "Forecasts", "Resolved", "Brier score")
LEDGER = ("Question", "Source", "probability \\(%\\)", "95\u00a0% interval", "When \\(UTC\\)", "Outcome")


@pytest.fixture
def rounds(tmp_path, monkeypatch) -> RoundStore:
    """A private SQLite store for this test, the one the app will open too; links start with BASE."""
    monkeypatch.delenv("SCENARIO_DATABASE_URL", raising=False)
    monkeypatch.delenv("SCENARIO_ROUND_SUBMISSIONS", raising=False)
    monkeypatch.setenv("SCENARIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SCENARIO_PUBLIC_URL", BASE)
    return RoundStore(ScenarioStore(default_url()))


def _open(rounds: RoundStore, seed: int, title: str = "Team check", **options):
    return rounds.open(YAML, "dprk-russia-2024.yaml", title, FOCUS, DEFAULTS, 200, seed, **options)


def _submit(rounds: RoundStore, round_id: str, member: str, troops: float, gut: dict, comment: str = ""):
    return rounds.submit(round_id, MODEL, Judgement(member, {"troops_deployed": troops}, {}, gut), comment)


def _click(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _values(elements) -> list:
    return [e.value for e in elements]


def _blobs(node) -> list[bytes]:
    """Every element's and block's serialised proto under `node`: all the page sends the browser."""
    found = []
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "SerializeToString"):
        found.append(proto.SerializeToString())
    for child in getattr(node, "children", {}).values():
        found.extend(_blobs(child))
    return found


def _page_bytes(at: AppTest) -> bytes:
    return b"\n".join(_blobs(at.main) + _blobs(at.sidebar))


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _table(at: AppTest, *columns: str):
    """The one table on the page with these column labels."""
    [table] = [t.value for t in at.table if tuple(t.value.columns) == columns]
    return table


def _rows(table) -> list[tuple]:
    return [tuple(row) for row in table.itertuples(index=False)]


def _escaped(table) -> list[tuple]:
    """A present.tables.Table's rows as static_table shows them: every cell Markdown-escaped text."""
    return [tuple(md_escape(str(cell)) for cell in row) for row in table.rows]


def _step_one(at: AppTest, round_id: str, alias: str, gut: dict[str, int]) -> AppTest:
    at.text_input[0].set_value(alias)
    for q, value in gut.items():
        at.number_input(key=f"round:{round_id}:gut:{q}").set_value(value)
    return _click(at, "Next: the drivers")


def _participate(at: AppTest, round_id: str, alias: str, gut: dict[str, int], troops: int, comment: str = ""):
    _step_one(at, round_id, alias, gut)
    at.slider(key=f"round:{round_id}:drv:troops_deployed").set_value(troops)
    at.text_area(key=f"round:{round_id}:comment").set_value(comment)
    return _click(at, "Submit my judgement")


# --- opening a round from the Team tab -----------------------------------------------------------------------


def test_the_team_tab_opens_a_round_on_the_page_settings_and_shows_both_links(rounds):
    at = open_app()
    at.slider(key="drv:dprk-russia-2024:troops_deployed").set_value(4500)
    at.number_input(key="seed").set_value(99)
    at.run()
    at.session_state["main_tab"] = "Team round"
    at.run()
    assert not at.exception
    assert _values(at.subheader)[:2] == [
        "Open a round on these settings",
        "Freeze these question cards into a round's ledger",
    ]
    [title] = [w for w in at.text_input if w.label == "Title of the round"]
    assert title.value == SCENARIO.title.en
    title.set_value("<i>Team</i> check")
    at.multiselect[0].set_value(["aggressive_posture", "motives_capability"])
    [most] = [w for w in at.number_input if w.label == "Most submissions"]
    most.set_value(5)
    _click(at, "Open the round")

    assert _values(at.success) == ["The round is open."]
    links = [c.value for c in at.code if c.value.startswith(BASE)]
    assert len(links) == 2
    participant, facilitator = links
    round_id = parse_qs(urlsplit(participant).query)["round"][0]
    key = parse_qs(urlsplit(facilitator).query)["key"][0]
    assert participant == f"{BASE}?round={round_id}"  # no key in the participant link
    assert facilitator == f"{BASE}?round={round_id}&key={key}"
    assert [m.value for m in at.markdown if m.value.startswith("**")][:2] == [
        "**Participant link: send this to your team**",
        "**Facilitator link: keep it to yourself**",
    ]
    assert rounds.is_facilitator(round_id, key)
    assert not rounds.is_facilitator(round_id, "x" * 32)
    found = rounds.get(round_id)
    assert found.title == "<i>Team</i> check"
    assert found.questions == ("motives_capability", "aggressive_posture")
    assert found.digest == MODEL.digest
    assert dict(found.values) == DEFAULTS | {"troops_deployed": 4500.0}
    assert (found.runs, found.seed, found.max_submissions) == (1000, 99, 5)
    assert (found.show_results, found.closed, found.closes_at) == (True, False, None)
    # The card form is filled in with the new round's facilitator link.
    [card_link] = [w for w in at.text_input if w.label == "Facilitator link of the round"]
    assert card_link.value == facilitator

    participant_page = open_app({"round": round_id})
    assert _values(participant_page.title) == [md_escape("<i>Team</i> check")]
    assert _values(participant_page.subheader) == ["1. Your own estimate first"]
    facilitator_page = open_app({"round": round_id, "key": key})
    assert "**Manage the round**" in _values(facilitator_page.markdown)


def test_the_team_tab_freezes_the_page_question_cards_into_the_round_ledger(rounds):
    opened = _open(rounds, seed=11)
    at = open_app()
    at.session_state["main_tab"] = "Team round"
    at.run()
    [card_link] = [w for w in at.text_input if w.label == "Facilitator link of the round"]
    card_link.set_value(f"{BASE}?round={opened.round.id}&key={opened.key}")
    [chosen] = [w for w in at.multiselect if w.form_id == "round:freeze_cards"]
    chosen.set_value(["motives_capability", "aggressive_posture"])
    _click(at, "Freeze")
    assert _values(at.error) == []
    both = md_escape(f"{TEXT['motives_capability']}; {TEXT['aggressive_posture']}")
    assert _values(at.success) == [f"Frozen into the ledger: {both}"]
    cards = run_ensemble(MODEL, DEFAULTS, runs=1000, seed=2024).questions.set_index("question")
    frozen = rounds.forecasts(opened.round.id)
    assert [(f.question, f.source, f.label, f.digest) for f in frozen] == [
        ("motives_capability", "model", "", MODEL.digest),
        ("aggressive_posture", "model", "", MODEL.digest),
    ]
    for f in frozen:
        assert (f.probability, f.low, f.high) == tuple(
            float(cards.loc[f.question, c]) for c in ("probability", "low", "high")
        )
        assert json.loads(f.settings) == {"values": DEFAULTS, "runs": 1000, "seed": 2024}
        assert f.question_text == TEXT[f.question]


def test_the_team_tab_refuses_a_card_link_without_a_key_and_a_wrong_key(rounds):
    opened = _open(rounds, seed=12)
    at = open_app()
    at.session_state["main_tab"] = "Team round"
    at.run()
    [card_link] = [w for w in at.text_input if w.label == "Facilitator link of the round"]
    card_link.set_value(f"{BASE}?round={opened.round.id}")
    _click(at, "Freeze")
    assert _values(at.error) == ["This is not a round's facilitator link: it needs both round= and key=."]
    [card_link] = [w for w in at.text_input if w.label == "Facilitator link of the round"]
    card_link.set_value(f"{BASE}?round={opened.round.id}&key={'A' * 32}")
    _click(at, "Freeze")
    assert _values(at.error) == ["This link is not a round's facilitator link, or its key is not the round's."]
    assert rounds.forecasts(opened.round.id) == []


def test_the_team_tab_refuses_a_round_without_a_title_or_without_questions(rounds):
    at = open_app()
    at.session_state["main_tab"] = "Team round"
    at.run()
    [title] = [w for w in at.text_input if w.label == "Title of the round"]
    title.set_value("   ")
    _click(at, "Open the round")
    assert _values(at.error) == ["Give the round a title."]
    [title] = [w for w in at.text_input if w.label == "Title of the round"]
    title.set_value("A title")
    at.multiselect[0].set_value([])
    _click(at, "Open the round")
    assert _values(at.error) == ["Choose at least one question."]
    assert _values(at.success) == []
    assert not [c.value for c in at.code if "round=" in c.value]


# --- the participant ----------------------------------------------------------------------------------------


def test_step_one_refuses_an_empty_alias_and_missing_gut_answers_then_proceeds(rounds):
    opened = _open(rounds, seed=21)
    rid = opened.round.id
    at = open_app({"round": rid})
    assert [w.label for w in at.number_input] == [
        f"{TEXT['motives_capability'].replace(':', chr(92) + ':')} — Your probability (%)",
        f"{TEXT['aggressive_posture'].replace(':', chr(92) + ':')} — Your probability (%)",
    ]
    _click(at, "Next: the drivers")
    assert _values(at.error) == ["Give a name or an alias."]
    at.text_input[0].set_value("   ")
    _click(at, "Next: the drivers")
    assert _values(at.error) == ["Give a name or an alias."]
    at.text_input[0].set_value("Bob")
    _click(at, "Next: the drivers")
    both = "; ".join(md_escape(TEXT[q]) for q in FOCUS)
    assert _values(at.error) == [f"Your probability (%): {both}"]
    at.number_input(key=f"round:{rid}:gut:motives_capability").set_value(30)
    _click(at, "Next: the drivers")
    assert _values(at.error) == [f"Your probability (%): {md_escape(TEXT['aggressive_posture'])}"]
    assert _values(at.subheader) == ["1. Your own estimate first"]
    assert len(at.slider) == 0  # no driver, no model figure before the gut estimate

    at.number_input(key=f"round:{rid}:gut:aggressive_posture").set_value(0)
    _click(at, "Next: the drivers")
    assert _values(at.error) == []
    listed = "\n".join(f"- {md_escape(TEXT[q])} **{p}**" for q, p in zip(FOCUS, ("30%", "0%"), strict=True))
    assert _values(at.success) == [f"**Bob** · your estimates:\n\n{listed}"]
    assert _values(at.subheader) == ["2. The drivers as you judge them"]
    assert len(at.slider) == len(SCENARIO.drivers)
    assert at.slider(key=f"round:{rid}:drv:troops_deployed").value == 12000
    assert rounds.submissions(rid) == []  # nothing is stored before step 2


def test_step_two_records_the_judgement_and_shows_thanks_and_own_figures(rounds):
    opened = _open(rounds, seed=22, show_results=False)
    rid = opened.round.id
    at = open_app({"round": rid})
    _participate(at, rid, "  Bob  ", {"motives_capability": 30, "aggressive_posture": 45}, 3000, "=1+1 <i>x</i>")

    [thanks] = _values(at.success)
    assert thanks.startswith("Thank you: your judgement is recorded (") and thanks.endswith(" UTC).")
    [stored] = rounds.submissions(rid)
    assert (stored.member, stored.comment, dict(stored.impacts)) == ("Bob", "=1+1 <i>x</i>", {})
    assert dict(stored.values) == DEFAULTS | {"troops_deployed": 3000.0}
    assert dict(stored.gut) == {"motives_capability": 0.3, "aggressive_posture": 0.45}
    assert thanks == f"Thank you: your judgement is recorded ({stored.created_at.replace('T', ' ')[:16]} UTC)."

    own = pooled_ensemble(MODEL, [stored.judgement], 200, 22).questions.set_index("question")
    lines = [
        f"- {md_escape(TEXT[q])} **{percent_text(own.loc[q, 'probability'], 'en')}** "
        f"({percent_span(own.loc[q, 'low'], own.loc[q, 'high'], 'en')})"
        for q in FOCUS
    ]
    assert "Your settings give:\n\n" + "\n".join(lines) in _values(at.markdown)
    assert _values(at.info) == ["The facilitator shows the results when the round is done."]
    assert _values(at.header) == []
    assert _charts(at) == []
    # Starting again goes back to step 1; the stored answer stays.
    _click(at, "Start again")
    assert _values(at.subheader) == ["1. Your own estimate first"]
    assert len(rounds.submissions(rid)) == 1


def test_with_results_shown_a_participant_sees_the_pool_and_no_member_name(rounds):
    opened = _open(rounds, seed=23, show_results=True)
    rid = opened.round.id
    _submit(rounds, rid, MALLORY, 3000, {"motives_capability": 0.3}, "<img src=x onerror=alert(1)>")
    _submit(rounds, rid, "Alice", 15000, {"motives_capability": 0.6, "aggressive_posture": 0.2}, "Alice's note")
    at = open_app({"round": rid})
    _participate(at, rid, "Bob", {"motives_capability": 50, "aggressive_posture": 50}, 9000)

    assert _values(at.header) == ["Results"]
    assert "3 members submitted (3 submissions, 0 of them replaced by a later one)." in _values(at.markdown)
    assert len(_charts(at)) == 5  # pooled, split, spread, disagreement, band
    assert _values(at.info) == []
    page = _page_bytes(at)
    for name in ("Mallory", "Alice", "Bob", "onerror"):
        assert name.encode() not in page, name
    assert "Comments" not in _values(at.subheader)
    assert not at.get("download_button")
    pooled = _charts(at)[0]["data"]
    assert pooled[0]["text"] == ["member"] * 6  # 3 members x 2 questions, each shown as "member"


def test_the_facilitator_sees_the_count_every_name_escaped_and_the_comments(rounds):
    opened = _open(rounds, seed=24)
    rid = opened.round.id
    _submit(rounds, rid, "alice", 12000, {"motives_capability": 0.5}, "first try")
    _submit(rounds, rid, MALLORY, 3000, {"motives_capability": 0.3}, "=cmd() <i>x</i> [link](http://evil)")
    _submit(rounds, rid, "ALICE", 15000, {"motives_capability": 0.6, "aggressive_posture": 0.2}, "")
    at = open_app({"round": rid, "key": opened.key})

    assert _values(at.error) == []
    assert "2 members submitted (3 submissions, 1 of them replaced by a later one)." in _values(at.markdown)
    assert "Comments" in _values(at.subheader)
    # Only the current submissions' comments; "ALICE" replaced "alice" and has none.
    comments = [m for m in _values(at.markdown) if m.startswith("**") and ":**" in m]
    assert comments == ["**\\<b\\>Mallory\\</b\\>:** \\=cmd\\(\\) \\<i\\>x\\</i\\> \\[link\\]\\(http\\://evil\\)"]
    table = _table(at, *SUBMISSIONS)
    assert _rows(table)[1][0] == "\\<b\\>Mallory\\</b\\>"
    assert [row[2] for row in _rows(table)] == ["replaced", "counts", "counts"]
    for value in _values(at.markdown) + _values(at.caption) + [str(_rows(t.value)) for t in at.table]:
        assert MALLORY not in value
    # In the charts the name is Plotly-escaped, and no text of any trace holds a raw "<".
    pooled = _charts(at)[0]["data"]
    # Members in case-folded order ("<" sorts before "a"), per question.
    assert pooled[0]["text"] == ["&lt;b&gt;Mallory&lt;/b&gt;", "ALICE", "&lt;b&gt;Mallory&lt;/b&gt;", "ALICE"]
    for chart in _charts(at):
        for trace in chart["data"]:
            for text in [trace.get("name") or "", *(trace.get("text") or [])]:
                assert "<" not in str(text), text
    assert [b.label for b in at.get("download_button")] == ["Round results (CSV)"]


def test_a_wrong_key_shows_the_error_and_the_participant_page(rounds):
    opened = _open(rounds, seed=25)
    other = _open(rounds, seed=25, title="Another round")
    near = opened.key[:-1] + ("B" if opened.key.endswith("A") else "A")  # one character off
    for key in ("A" * 32, "not-a-key", other.key, near):
        at = open_app({"round": opened.round.id, "key": key})
        assert _values(at.error) == [
            "This facilitator key is not this round's: you see the participant page. Check the facilitator link."
        ]
        assert _values(at.subheader) == ["1. Your own estimate first"]
        assert "**Manage the round**" not in _values(at.markdown)
        assert _values(at.header) == []


@pytest.mark.parametrize(
    "round_id",
    ["", "nope", "A" * 22, "<script>alert(1)</script>", "../../etc/passwd", "x" * 5000, "Ä" * 22],
    ids=["empty", "short", "unknown", "markup", "path", "long", "non-ascii"],
)
def test_a_link_naming_no_round_says_so_and_nothing_breaks(rounds, round_id):
    at = open_app({"round": round_id, "key": "A" * 32})
    assert _values(at.error) == ["This round link names no round. Check that the whole link was copied."]
    assert [(b.label, b.proto.url) for b in at.get("link_button")] == [("Open the dashboard", BASE)]
    assert _values(at.title) == []
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("how", ["closed", "past closing time"])
def test_a_closed_round_takes_no_submissions(rounds, how):
    if how == "closed":
        opened = _open(rounds, seed=26)
        rounds.act(opened.round.id, opened.key, "close")
    else:
        opened = _open(rounds, seed=26, closes_at="2020-01-02T03:04:00+00:00")
    at = open_app({"round": opened.round.id})
    assert _values(at.warning) == ["This round is closed: it takes no more submissions."]
    assert not at.get("form")
    assert len(at.number_input) == 0
    if how != "closed":
        assert _values(at.caption) == [
            "Round “Team check” on North Korean troops alongside Russia in Ukraine. Opened "
            f"{opened.round.created_at.replace('T', ' ')[:16]}. It closes 2020-01-02 03:04 (UTC)."
        ]


def test_a_full_round_says_so(rounds):
    opened = _open(rounds, seed=27, max_submissions=1)
    _submit(rounds, opened.round.id, "Alice", 12000, {"motives_capability": 0.5})
    at = open_app({"round": opened.round.id})
    assert _values(at.warning) == ["This round is full: it takes no more than 1."]
    assert not at.get("form")


def test_a_round_that_fills_up_or_closes_during_step_two_says_so_and_stores_nothing(rounds):
    full = _open(rounds, seed=28, max_submissions=1)
    at = open_app({"round": full.round.id})
    _step_one(at, full.round.id, "Bob", {"motives_capability": 40, "aggressive_posture": 40})
    _submit(rounds, full.round.id, "Alice", 12000, {})
    _click(at, "Submit my judgement")
    assert _values(at.warning) == ["This round is full: it takes no more than 1."]
    assert [s.member for s in rounds.submissions(full.round.id)] == ["Alice"]

    closing = _open(rounds, seed=28, title="Closing")
    at = open_app({"round": closing.round.id})
    _step_one(at, closing.round.id, "Bob", {"motives_capability": 40, "aggressive_posture": 40})
    rounds.act(closing.round.id, closing.key, "close")
    _click(at, "Submit my judgement")
    assert _values(at.warning) == ["This round is closed: it takes no more submissions."]
    assert rounds.submissions(closing.round.id) == []


# --- the facilitator -----------------------------------------------------------------------------------------


def test_the_facilitator_closes_and_reopens_the_round_and_shows_or_hides_the_results(rounds):
    opened = _open(rounds, seed=29)
    rid = opened.round.id
    at = open_app({"round": rid, "key": opened.key})
    assert "Open: takes submissions. Participants do not see the results." in _values(at.markdown)
    assert _values(at.info) == ["Nobody has submitted yet."]
    assert _values(at.caption)[-1] == "Nothing frozen yet."
    _click(at, "Close the round")
    assert "Closed. Participants do not see the results." in _values(at.markdown)
    assert rounds.get(rid).closed
    _click(at, "Show participants the results")
    assert "Closed. Participants see the results after submitting." in _values(at.markdown)
    assert rounds.get(rid).show_results
    _click(at, "Reopen the round")
    assert "Open: takes submissions. Participants see the results after submitting." in _values(at.markdown)
    assert [b.label for b in at.button][:2] == ["Close the round", "Hide the results from participants"]
    assert not rounds.get(rid).closed


def _delphi_family(rounds: RoundStore, seed: int):
    first = _open(rounds, seed=seed)
    for member, troops, gut in (("Ann", 3000, 0.2), ("Ben", 15000, 0.8), ("Cay", 9000, 0.5)):
        _submit(rounds, first.round.id, member, troops, {"motives_capability": gut, "aggressive_posture": gut})
    second = rounds.follow_up(first.round.id, first.key, "Second look")
    for member, troops, gut in (("Ann", 8000, 0.45), ("Ben", 10000, 0.55), ("Cay", 9000, 0.5)):
        _submit(rounds, second.id, member, troops, {"motives_capability": gut, "aggressive_posture": gut})
    return first, second


def _kept(frame):
    return frame[(frame["kind"] == "driver") | frame["id"].isin(FOCUS)]


def test_a_follow_up_round_compares_its_spread_with_the_first_for_the_facilitator(rounds):
    first, second = _delphi_family(rounds, seed=31)
    # The first round's key is the follow-up's too.
    at = open_app({"round": second.id, "key": first.key})
    assert _values(at.error) == []
    assert "Round 1 against round 2: did the spread narrow?" in _values(at.subheader)
    assert "The spread between members (interquartile range) narrowed on 3 of 16 items." in _values(at.markdown)
    compared = compare_spreads(
        _kept(spread(SCENARIO, [s.judgement for s in rounds.current(first.round.id)])),
        _kept(spread(SCENARIO, [s.judgement for s in rounds.current(second.id)])),
    )
    table = _table(at, *GROUP)
    delphi = _table(at, *DELPHI)
    assert _rows(delphi) == _escaped(delphi_table(SCENARIO, compared, 1, 2, "en"))
    assert _rows(delphi)[0] == (
        "North Korean troops deployed \\(soldiers\\)",
        "9,000",
        "9,000",
        "6,000",
        "1,000",
        "yes",
    )
    # The facilitator sees the previous round's box too, and the rounds of the series with their links.
    assert "**Round 1: what the group said**" in _values(at.markdown)
    assert _rows(table)[0] == ("North Korean troops deployed \\(soldiers\\)", "9,000", "6,000–12,000", "3,000–15,000")
    assert f"1. [Team check]({BASE}?round={first.round.id}&key={first.key})" in _values(at.markdown)
    assert f"2. [Second look]({BASE}?round={second.id}&key={first.key})" in _values(at.markdown)


def test_participants_of_a_follow_up_see_the_previous_round_anonymised(rounds):
    first, second = _delphi_family(rounds, seed=32)
    at = open_app({"round": second.id})
    assert "**Round 1: what the group said**" in _values(at.markdown)
    assert (
        "The group's medians and ranges from the round before, without names. You may revise your judgement "
        "in their light, or keep it."
    ) in _values(at.caption)
    shown = _kept(spread(SCENARIO, [s.judgement for s in rounds.current(first.round.id)]))
    table = _table(at, *GROUP)
    assert list(table.columns) == ["Item", "Median", "Middle half", "Lowest – highest"]
    assert _rows(table) == _escaped(group_table(SCENARIO, shown, "en"))
    assert len(_rows(table)) == len(SCENARIO.drivers) + 2
    assert _rows(table)[-1] == (f"gut\\: {md_escape(TEXT['aggressive_posture'])}", "50%", "35–65%", "20–80%")
    assert _values(at.subheader) == ["1. Your own estimate first"]
    for name in (b"Ann", b"Ben", b"Cay"):
        assert name not in _page_bytes(at)


def test_the_follow_up_form_of_a_follow_up_opens_a_third_round_of_the_same_series(rounds):
    first, second = _delphi_family(rounds, seed=33)
    at = open_app({"round": second.id, "key": first.key})
    [title] = [w for w in at.text_input if w.form_id == f"round:{second.id}:follow_form"]
    assert title.value == "Team check (round 3)"
    _click(at, "Open a follow-up round (Delphi)")
    assert _values(at.success) == ["The round is open."]
    family = rounds.family(first.round.id)
    assert [r.title for r in family] == ["Team check", "Second look", "Team check (round 3)"]
    third = family[2]
    assert third.parent_id == first.round.id
    assert f"{BASE}?round={third.id}&key={first.key}" in [c.value for c in at.code]
    _submit(rounds, third.id, "Ann", 9000, {"motives_capability": 0.5})
    page = open_app({"round": third.id, "key": first.key})
    assert "Round 2 against round 3: did the spread narrow?" in _values(page.subheader)
    assert "**Round 2: what the group said**" in _values(page.markdown)


def test_the_previous_round_box_shows_the_round_before_when_rounds_share_a_second(rounds):
    # Two follow-ups opened within one second (a double click on the form's button): the second round's
    # participants must still see the first round's figures, as the Delphi comparison uses.
    clocked = RoundStore(ScenarioStore(default_url(), clock=lambda: T0))
    first = clocked.open(YAML, "dprk-russia-2024.yaml", "Same second", FOCUS, DEFAULTS, 200, 34)
    for member, troops in (("Ann", 3000), ("Ben", 15000)):
        _submit(clocked, first.round.id, member, troops, {"motives_capability": 0.4})
    clocked.follow_up(first.round.id, first.key, "Follow-up A")
    clocked.follow_up(first.round.id, first.key, "Follow-up B")
    family = clocked.family(first.round.id)
    assert [r.created_at for r in family] == ["2023-11-14T22:13:20+00:00"] * 3
    at = open_app({"round": family[1].id})
    assert "**Round 1: what the group said**" in _values(at.markdown)
    shown = _kept(spread(SCENARIO, [s.judgement for s in clocked.current(first.round.id)]))
    assert _rows(_table(at, *GROUP)) == _escaped(group_table(SCENARIO, shown, "en"))


# --- the ledger ----------------------------------------------------------------------------------------------


def test_freezing_and_resolving_through_the_forms_fill_the_ledger_and_the_brier_table(rounds):
    opened = _open(rounds, seed=41)
    rid = opened.round.id
    _submit(rounds, rid, "Alice", 15000, {"motives_capability": 0.6})
    _submit(rounds, rid, MALLORY, 3000, {"motives_capability": 0.3})
    at = open_app({"round": rid, "key": opened.key})
    [figure] = [w for w in at.selectbox if w.label == "Figure to freeze"]
    assert figure.options[:4] == [
        f"model at the round's settings: {TEXT['motives_capability']} ({figure.options[0].rsplit('(', 1)[1]}",
        f"pooled model: {TEXT['motives_capability']} ({figure.options[1].rsplit('(', 1)[1]}",
        f"gut estimate of {MALLORY}: {TEXT['motives_capability']} (30%)",
        f"gut estimate of Alice: {TEXT['motives_capability']} (60%)",
    ]
    figure.set_value("pooled:motives_capability")
    _click(at, "Freeze")
    pool = pooled_ensemble(MODEL, [s.judgement for s in rounds.current(rid)], 200, 41).questions.set_index("question")
    p = pool.loc["motives_capability"]
    name = f"pooled model: {TEXT['motives_capability']} ({percent_text(p['probability'], 'en')})"
    assert _values(at.success) == [f"Frozen: {md_escape(name)}."]
    [frozen] = rounds.forecasts(rid)
    assert (frozen.question, frozen.source, frozen.label) == ("motives_capability", "pooled", "")
    assert (frozen.probability, frozen.low, frozen.high) == (p["probability"], p["low"], p["high"])
    assert json.loads(frozen.settings) == {"values": DEFAULTS, "runs": 200, "seed": 41}
    assert frozen.question_text == TEXT["motives_capability"]
    assert _values(at.caption)[-1] == "The reliability chart needs at least 10 resolved forecasts (0 so far)."

    [figure] = [w for w in at.selectbox if w.label == "Figure to freeze"]
    figure.set_value("gut:<b>Mallory</b>:motives_capability")
    _click(at, "Freeze")
    assert [(f.source, f.label, f.probability) for f in rounds.forecasts(rid)][1] == ("gut", MALLORY, 0.3)

    [question] = [w for w in at.selectbox if w.label == "Question" and w.form_id.endswith("resolve_form")]
    question.set_value("motives_capability")
    at.radio[0].set_value(False)
    at.date_input[0].set_value(date(2025, 3, 4))
    [note] = [w for w in at.text_input if w.label == "Note (what you observed)"]
    note.set_value("=no launch <b>seen</b>")
    _click(at, "Record the outcome")
    assert _values(at.success) == [f"Recorded: {md_escape(TEXT['motives_capability'])} did not happen (2025-03-04)."]
    [resolution] = rounds.resolutions(rid)
    assert (resolution.question, resolution.happened, resolution.resolved_on, resolution.note) == (
        "motives_capability",
        False,
        "2025-03-04",
        "=no launch <b>seen</b>",
    )
    brier = _table(at, *BRIER)
    assert list(brier.columns) == ["Source", "Forecasts", "Resolved", "Brier score"]
    pooled_brier = f"{p['probability'] ** 2:.3f}".replace(".", "\\.")
    assert _rows(brier) == [
        ("pooled model", "1", "1", pooled_brier),
        ("gut estimate of \\<b\\>Mallory\\</b\\>", "1", "1", "0\\.090"),
    ]
    assert _values(at.caption)[-1] == "The reliability chart needs at least 10 resolved forecasts (2 so far)."
    # The ledger's entries, newest first, each with its question's outcome.
    entries = _table(at, *LEDGER)
    gut, pooled = rounds.forecasts(rid)[::-1]
    outcome = md_escape("did not happen (2025-03-04)")
    assert _rows(entries) == [
        (
            md_escape(TEXT["motives_capability"]),
            "gut estimate of \\<b\\>Mallory\\</b\\>",
            "30%",
            "–",
            md_escape(gut.frozen_at.replace("T", " ")[:16]),
            outcome,
        ),
        (
            md_escape(TEXT["motives_capability"]),
            "pooled model",
            percent_text(p["probability"], "en"),
            percent_span(p["low"], p["high"], "en"),
            md_escape(pooled.frozen_at.replace("T", " ")[:16]),
            outcome,
        ),
    ]
    assert [b.label for b in at.get("download_button")] == ["Round results (CSV)", "Ledger (CSV)"]
    assert latest(rounds.resolutions(rid))["motives_capability"].happened is False


def test_the_reliability_chart_appears_only_from_ten_resolved_forecasts(rounds):
    opened = _open(rounds, seed=42)
    rid, key = opened.round.id, opened.key
    for n in range(9):
        rounds.freeze(rid, key, "motives_capability", n / 10, n / 10, n / 10, "model")
    rounds.freeze(rid, key, "aggressive_posture", 0.95, 0.9, 1.0, "pooled")
    rounds.resolve(rid, key, "motives_capability", True, "2025-01-01")
    at = open_app({"round": rid, "key": key})
    assert _values(at.caption)[-1] == "The reliability chart needs at least 10 resolved forecasts (9 so far)."
    assert [c for c in _charts(at) if c["data"][0].get("name") == "perfectly reliable"] == []

    rounds.resolve(rid, key, "aggressive_posture", False, "2025-01-02")
    at.run()
    assert not at.exception
    [chart] = [c for c in _charts(at) if c["data"][0].get("name") == "perfectly reliable"]
    diagonal, dots = chart["data"]
    assert (diagonal["x"], diagonal["y"]) == ([0, 100], [0, 100])
    # Bins of 20 points: 0-0.1, 0.2-0.3, 0.4-0.5, 0.6-0.7, 0.8 with 0.95; all motives forecasts happened.
    assert dots["text"] == ["2", "2", "2", "2", "2"]
    assert dots["x"] == [5.0, 25.0, 45.0, 65.0, 87.5]
    assert dots["y"] == [100.0, 100.0, 100.0, 100.0, 50.0]
    assert "The reliability chart needs" not in " ".join(_values(at.caption))
    brier = _table(at, *BRIER)
    assert _rows(brier) == [
        ("model at the round's settings", "9", "9", "0\\.427"),
        ("pooled model", "1", "1", "0\\.902"),
    ]


# --- languages, and a store that cannot be reached -----------------------------------------------------------


def test_the_round_pages_in_german_by_link_and_by_the_language_control(rounds):
    opened = _open(rounds, seed=51)
    rid = opened.round.id
    _submit(rounds, rid, "Alice", 15000, {"motives_capability": 0.6, "aggressive_posture": 0.2})
    _submit(rounds, rid, "Bob", 3000, {"motives_capability": 0.3})

    at = open_app({"round": rid, "key": opened.key, "lang": "de"})
    assert _values(at.header) == ["Ergebnisse", "Prognoseregister"]
    assert "**Runde verwalten**" in _values(at.markdown)
    assert "2 Mitglieder haben abgegeben (2 Abgaben, davon 0 durch eine spätere ersetzt)." in _values(at.markdown)
    pool = pooled_ensemble(MODEL, [s.judgement for s in rounds.current(rid)], 200, 51)
    sentences = pooled_sentences(SCENARIO, pool, FOCUS, "de")
    assert "\n".join(f"- {md_escape(s)}" for s in sentences) in _values(at.markdown)
    assert "\u00a0%" in sentences[0] and TEXT_DE["motives_capability"] in sentences[0]
    assert [b.label for b in at.button][:2] == ["Runde schließen", "Teilnehmenden die Ergebnisse zeigen"]
    assert _charts(at)[0]["data"][3]["name"] == "gepooltes Modell"

    participant = open_app({"round": rid})
    assert _values(participant.subheader) == ["1. Your own estimate first"]
    participant.segmented_control(key="round:lang").set_value("de").run()
    assert not participant.exception
    assert _values(participant.subheader) == ["1. Zuerst Ihre eigene Einschätzung"]
    assert [w.label for w in participant.text_input] == ["Ihr Name oder ein Kürzel"]
    assert [b.label for b in participant.button] == ["Weiter: die Treiber"]
    _click(participant, "Weiter: die Treiber")
    assert _values(participant.error) == ["Bitte einen Namen oder ein Kürzel angeben."]

    gone = open_app({"round": "A" * 22, "lang": "de"})
    assert _values(gone.error) == [
        "Dieser Rundenlink nennt keine Runde. Bitte prüfen, ob der ganze Link kopiert wurde."
    ]

    team = open_app({"lang": "de"})
    team.session_state["main_tab"] = "Team-Runde"
    team.run()
    assert not team.exception
    assert _values(team.subheader)[:2] == [
        "Eine Runde zu diesen Einstellungen eröffnen",
        "Diese Fragekarten ins Register einer Runde einfrieren",
    ]


def test_choosing_the_shown_language_again_keeps_it(rounds):
    # A segmented control lets its selected option be clicked off; the page's language must not flip.
    opened = _open(rounds, seed=52)
    at = open_app({"round": opened.round.id, "lang": "de"})
    assert _values(at.subheader) == ["1. Zuerst Ihre eigene Einschätzung"]
    at.segmented_control(key="round:lang").set_value(None).run()
    assert not at.exception
    assert _values(at.subheader) == ["1. Zuerst Ihre eigene Einschätzung"]


def test_a_store_that_cannot_be_reached_is_said_on_the_round_page_and_the_team_tab(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SCENARIO_DATABASE_URL", f"sqlite:///{blocker / 'sub' / 'scenarios.sqlite3'}")
    at = open_app({"round": "A" * 22})
    assert _values(at.error) == ["Rounds need the scenario store, which cannot be reached right now."]
    team = open_app()
    team.session_state["main_tab"] = "Team round"
    team.run()
    assert not team.exception
    assert "Rounds need the scenario store, which cannot be reached right now." in _values(team.error)
