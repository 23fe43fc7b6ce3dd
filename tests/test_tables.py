"""present/tables.py: one builder for the tables and readouts the page and the briefing pack both show."""

from __future__ import annotations

import pandas as pd

from engine.model import Model
from present.briefing import briefing_html
from present.tables import drivers_table, impacts_table, indicators_table, readouts


def _questions(scenario, probabilities):
    return pd.DataFrame({"question": [q.id for q in scenario.questions], "probability": probabilities})


def test_a_change_reads_plus_minus_zero_never_plus_or_minus_zero(seed_scenario):
    n = len(seed_scenario.questions)
    now = _questions(seed_scenario, [0.5] * n)
    before = _questions(seed_scenario, [0.496, 0.504, 0.47] + [0.5] * (n - 3))
    answers = readouts(seed_scenario, now, before)
    assert [a.change for a in answers[:3]] == [0, 0, 3]
    assert [a.versus("Baseline", "en") for a in answers[:3]] == [
        "±0 pts vs. Baseline",
        "±0 pts vs. Baseline",
        "+3 pts vs. Baseline",
    ]
    assert answers[2].versus("Ausgangslage", "de") == "+3 Pkt. ggü. Ausgangslage"
    assert [a.versus("x", "en") for a in readouts(seed_scenario, now, None)] == [""] * n


def test_the_pack_shows_the_same_tables_as_the_page(seed_scenario):
    values = seed_scenario.defaults()
    tables = [drivers_table(seed_scenario, values, "de"), indicators_table(seed_scenario, "de")]
    tables.append(impacts_table(seed_scenario, "de"))
    questions = _questions(seed_scenario, [0.25] * len(seed_scenario.questions))
    page = briefing_html(Model.of(seed_scenario), values, questions, questions, "Ausgangslage", [], 100, 1, "de")
    for table in tables:
        assert len(table.frame()) == len(table.rows)
        header = "".join(f"<th>{c}</th>" for c in table.columns)
        assert header in page
    assert page.count("±0 Pkt. ggü. Ausgangslage") == len(seed_scenario.questions)
