"""engine.diff and present.diff: what changed between two scenario files, as data, as sentences and as a matrix."""

from __future__ import annotations

import json
import math

import pytest

from engine.diff import FieldChange, ItemDiff, impact_matrix_diff, scenario_diff
from engine.schema import Scenario
from present.diff import diff_lines, diff_matrix_figure, matrix_labels

HOSTILE = "<script>alert(1)</script>"
JUDGED = {"judgement": {"en": "a test judgement", "de": "eine Testeinschätzung"}}


def _data(scenario: Scenario) -> dict:
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def _impact(data: dict, source: str, target: str) -> dict:
    return next(i for i in data["impacts"] if i["from"] == source and i["to"] == target)


@pytest.fixture(scope="module")
def variant(seed_scenario) -> Scenario:
    """The seed with a driver added and one removed, a weight changed, an impact added and one removed, a
    level's text and a preset's value changed."""
    data = _data(seed_scenario)
    data["drivers"].append(
        {
            "id": "new_sanctions",
            "label": {"en": "New sanctions", "de": "Neue Sanktionen"},
            "group": "challenges",
            "unit": {"en": "% of the toolbox", "de": "% des Instrumentariums"},
            "min": 0.0,
            "max": 100.0,
            "step": 5.0,
            "default": 20.0,
            "source": JUDGED,
        }
    )
    # asymmetric_tactics has one impact and no preset, event or check naming it: it goes with its impact.
    data["drivers"] = [d for d in data["drivers"] if d["id"] != "asymmetric_tactics"]
    data["impacts"] = [
        i
        for i in data["impacts"]
        if i["from"] != "asymmetric_tactics" and (i["from"], i["to"]) != ("combat_engagement", "economic_strain")
    ]
    _impact(data, "technology_transfer", "dprk_capability")["weight"] = 0.09
    data["impacts"].append(
        {"from": "new_sanctions", "to": "economic_strain", "weight": 0.05, "range": [0.0, 0.1], "source": JUDGED}
    )
    data["indicators"][0]["scale"][1]["text"] = {"en": "Monthly missile tests", "de": "Monatliche Raketentests"}
    data["presets"][1]["values"]["troops_deployed"] = 18000.0
    return Scenario.model_validate(data)


def test_the_identical_scenario_gives_an_empty_diff(seed_scenario):
    diff = scenario_diff(seed_scenario, seed_scenario)
    assert diff.empty
    assert diff.counts == {
        "meta": 0,
        "drivers": 0,
        "indicators": 0,
        "impacts": 0,
        "questions": 0,
        "presets": 0,
        "events": 0,
        "checks": 0,
    }
    assert diff_lines(diff, seed_scenario, seed_scenario, "en") == []
    assert diff_lines(diff, seed_scenario, seed_scenario, "de") == []
    frame = impact_matrix_diff(seed_scenario, seed_scenario)
    assert len(frame) == len(seed_scenario.impacts)
    assert set(frame["status"]) == {"same"}
    assert frame["old_weight"].tolist() == frame["new_weight"].tolist()


def test_a_copy_loaded_again_is_the_same_scenario(seed_scenario):
    again = Scenario.model_validate(_data(seed_scenario))
    assert scenario_diff(seed_scenario, again).empty


def test_the_variant_changes_exactly_what_was_edited(seed_scenario, variant):
    diff = scenario_diff(seed_scenario, variant)
    assert not diff.empty
    assert diff.meta == ()
    assert diff.drivers.items == (ItemDiff("added", "new_sanctions"), ItemDiff("removed", "asymmetric_tactics"))
    assert diff.indicators.items == (
        ItemDiff(
            "changed",
            "peninsula_tension",
            (
                FieldChange(
                    "scale",
                    {
                        "en": "Regular missile tests, talks frozen",
                        "de": "Regelmäßige Raketentests, Gespräche eingefroren",
                    },
                    {"en": "Monthly missile tests", "de": "Monatliche Raketentests"},
                    entry=40.0,
                ),
            ),
        ),
    )
    assert diff.impacts.items == (
        ItemDiff("changed", ("technology_transfer", "dprk_capability"), (FieldChange("weight", 0.07, 0.09),)),
        ItemDiff("added", ("new_sanctions", "economic_strain")),
        ItemDiff("removed", ("asymmetric_tactics", "joint_combat_effectiveness")),
        ItemDiff("removed", ("combat_engagement", "economic_strain")),
    )
    assert diff.presets.items == (
        ItemDiff("changed", "escalation", (FieldChange("values", 20000.0, 18000.0, entry="troops_deployed"),)),
    )
    assert diff.questions.items == diff.events.items == diff.checks.items == ()
    assert [i.key for i in diff.impacts.added] == [("new_sanctions", "economic_strain")]
    assert [i.key for i in diff.impacts.removed] == [
        ("asymmetric_tactics", "joint_combat_effectiveness"),
        ("combat_engagement", "economic_strain"),
    ]
    assert [i.key for i in diff.impacts.changed] == [("technology_transfer", "dprk_capability")]
    assert diff.counts == {
        "meta": 0,
        "drivers": 2,
        "indicators": 1,
        "impacts": 4,
        "questions": 0,
        "presets": 1,
        "events": 0,
        "checks": 0,
    }


def test_the_changes_are_plain_json(seed_scenario, variant):
    diff = scenario_diff(seed_scenario, variant)
    fields = [(f.name, f.old, f.new, f.entry) for s in diff.sections for i in s.items for f in i.fields]
    assert json.loads(json.dumps(fields)) == [list(f) for f in fields]


def test_the_variant_in_english(seed_scenario, variant):
    diff = scenario_diff(seed_scenario, variant)
    assert diff_lines(diff, seed_scenario, variant, "en") == [
        "Added driver 'New sanctions' (0–100, default 20).",
        "Removed driver 'Logistics and asymmetric tactics'.",
        "Indicator 'Tension on the Korean peninsula': level 40 'Regular missile tests, talks frozen' → "
        "'Monthly missile tests'.",
        "Impact Russian technology for North Korea → North Korean military capability: weight 0.07 → 0.09.",
        "Added impact New sanctions → Economic strain on both states (weight 0.05, range 0–0.1).",
        "Removed impact Logistics and asymmetric tactics → Joint combat effectiveness in Ukraine (weight 0.01).",
        "Removed impact Intensity of combat engagement → Economic strain on both states (weight 0.015).",
        "Preset 'Escalation': North Korean troops deployed 20,000 → 18,000.",
    ]


def test_the_variant_in_german(seed_scenario, variant):
    diff = scenario_diff(seed_scenario, variant)
    assert diff_lines(diff, seed_scenario, variant, "de") == [
        "Treiber „Neue Sanktionen“ hinzugefügt (0–100, Standardwert 20).",
        "Treiber „Logistik und asymmetrische Taktiken“ entfernt.",
        "Indikator „Spannung auf der koreanischen Halbinsel“: Stufe 40 „Regelmäßige Raketentests, Gespräche "
        "eingefroren“ → „Monatliche Raketentests“.",
        "Wirkung Russische Technologie für Nordkorea → Militärische Fähigkeiten Nordkoreas: Gewicht 0,07 → 0,09.",
        "Wirkung Neue Sanktionen → Wirtschaftliche Belastung beider Staaten hinzugefügt (Gewicht 0,05; Spanne 0–0,1).",
        "Wirkung Logistik und asymmetrische Taktiken → Gemeinsame Kampfkraft in der Ukraine entfernt (Gewicht 0,01).",
        "Wirkung Intensität des Kampfeinsatzes → Wirtschaftliche Belastung beider Staaten entfernt (Gewicht 0,015).",
        "Voreinstellung „Eskalation“: Entsandte nordkoreanische Soldaten 20.000 → 18.000.",
    ]


def test_the_matrix_rows_of_the_variant(seed_scenario, variant):
    frame = impact_matrix_diff(seed_scenario, variant)
    assert list(frame.columns) == ["target", "source", "status", "old_weight", "new_weight"]
    # Every impact of either file once: the seed's, less two removed, plus one added, plus the two removed.
    assert len(frame) == len(seed_scenario.impacts) + 1
    moved = frame[frame["status"] != "same"]
    assert [
        (r.target, r.source, r.status, r.old_weight, None if math.isnan(r.new_weight) else r.new_weight)
        for r in moved.itertuples()
        if r.status != "added"
    ] == [
        ("dprk_capability", "technology_transfer", "changed", 0.07, 0.09),
        ("joint_combat_effectiveness", "asymmetric_tactics", "removed", 0.01, None),
        ("economic_strain", "combat_engagement", "removed", 0.015, None),
    ]
    added = moved[moved["status"] == "added"]
    assert added[["target", "source"]].astype(str).values.tolist() == [["economic_strain", "new_sanctions"]]
    assert math.isnan(added["old_weight"].item())
    assert added["new_weight"].tolist() == [0.05]
    # Targets in the new file's indicator order; sources drivers (the new file's, then the removed one),
    # then indicators.
    assert list(frame["target"].cat.categories) == [i.id for i in variant.indicators]
    drivers = [d.id for d in variant.drivers] + ["asymmetric_tactics"]
    assert list(frame["source"].cat.categories) == drivers + [i.id for i in variant.indicators]
    # Rows run by target, then by source, in those orders.
    ranks = [(frame["target"].cat.codes[n], frame["source"].cat.codes[n]) for n in range(len(frame))]
    assert ranks == sorted(ranks)
    strain = frame[frame["target"] == "economic_strain"]
    assert strain["source"].astype(str).tolist() == [
        "combat_engagement",
        "military_spending",
        "new_sanctions",
        "sanctions_isolation",
        "economic_strain",
    ]
    assert strain["status"].tolist() == ["removed", "same", "added", "same", "same"]


def test_a_removed_indicator_is_a_target_after_the_new_ones(make_scenario):
    old = make_scenario(
        drivers=(("d", 0.0, 100.0, 50.0),),
        indicators=(("y", 50.0), ("z", 40.0)),
        impacts=(("d", "y", 0.5), ("d", "z", 0.2), ("z", "y", 0.1)),
    )
    new = make_scenario(
        drivers=(("d", 0.0, 100.0, 50.0),), indicators=(("y", 50.0),), impacts=(("d", "y", 0.7), ("y", "y", -0.3))
    )
    frame = impact_matrix_diff(old, new)
    rows = [
        (str(r.target), str(r.source), r.status, r.old_weight, r.new_weight) for r in frame.fillna(-99).itertuples()
    ]
    assert rows == [
        ("y", "d", "changed", 0.5, 0.7),
        ("y", "y", "added", -99.0, -0.3),
        ("y", "z", "removed", 0.1, -99.0),
        ("z", "d", "removed", 0.2, -99.0),
    ]
    assert diff_lines(scenario_diff(old, new), old, new, "en") == [
        "Removed indicator 'z'.",
        "Impact d → y: weight 0.5 → 0.7; range 0.5–0.5 → 0.7–0.7.",
        "Added impact y → y (weight -0.3, range -0.3 to -0.3).",
        "Removed impact d → z (weight 0.2).",
        "Removed impact z → y (weight 0.1).",
    ]


@pytest.fixture(scope="module")
def reworded(seed_scenario) -> Scenario:
    """The seed with the scenario's title and horizon, a lever, a question, an event, a check and presets changed."""
    data = _data(seed_scenario)
    data["title"] = {"en": "Troops in Kursk", "de": "Truppen in Kursk"}
    data["horizon_weeks"] = 60
    data["uncertainty"] = "uniform"
    data["drivers"][0]["lever"] = True
    data["drivers"][0]["label"]["de"] = "Entsandte Soldaten"
    data["drivers"][1]["group"] = "pros"
    question = data["questions"][2]
    question["threshold"] = 80.0
    question["by_week"] = 30
    question["direction"] = "below"
    data["questions"] = [q for q in data["questions"] if q["id"] != "china_role"]
    data["events"][0]["over"] = 8
    data["events"][3]["label"] = {"en": "Sanctions bite", "de": "Sanktionen greifen"}
    check = data["checks"][0]
    check["week"] = 26
    check["below"] = 15.0
    check["set"] = {"troops_deployed": 0.0, "combat_engagement": 0.0}
    data["presets"][2]["values"].pop("china_sidelined")
    data["presets"].append(
        {"id": "quiet", "label": {"en": "Quiet", "de": "Ruhig"}, "values": {"combat_engagement": 0.0}}
    )
    return Scenario.model_validate(data)


def test_the_other_sections_in_english(seed_scenario, reworded):
    diff = scenario_diff(seed_scenario, reworded)
    assert diff.meta == (
        FieldChange(
            "title",
            {
                "en": "North Korean troops alongside Russia in Ukraine",
                "de": "Nordkoreanische Truppen an der Seite Russlands in der Ukraine",
            },
            {"en": "Troops in Kursk", "de": "Truppen in Kursk"},
        ),
        FieldChange("horizon_weeks", 52, 60),
        FieldChange("uncertainty", "triangular", "uniform"),
    )
    assert diff.events.items == (
        ItemDiff("changed", ("troops_deployed", 0, 0), (FieldChange("over", 6, 8),)),
        ItemDiff(
            "changed",
            ("sanctions_pressure", 12, 0),
            (
                FieldChange(
                    "label",
                    {"en": "The sanctions response tightens", "de": "Die Sanktionsantwort verschärft sich"},
                    {"en": "Sanctions bite", "de": "Sanktionen greifen"},
                ),
            ),
        ),
    )
    assert diff_lines(diff, seed_scenario, reworded, "en") == [
        "Title: 'North Korean troops alongside Russia in Ukraine' → 'Troops in Kursk'.",
        "Horizon: 52 → 60 weeks.",
        "Sampling of the weights: triangular → uniform.",
        "Driver 'North Korean troops deployed': label in German 'Entsandte nordkoreanische Soldaten' → "
        "'Entsandte Soldaten'; now a lever.",
        "Driver 'Intensity of combat engagement': group Reported facts → Pros.",
        # The question's wording still names the old threshold's level: the diff reports, it does not judge.
        "Question 'A more aggressive posture: does North Korea reach 'ICBM launches and incursions across the sea "
        "border' within half a year?': threshold 60 → 80; by week 26 → 30; direction: now at or below the threshold.",
        "Removed question 'China's role: does China's marginalisation reach 'Pyongyang turns to Moscow first; trade "
        "with China falls' within the year?'.",
        "Preset 'De-escalation': Beijing feels sidelined no longer set (was 20).",
        "Added preset 'Quiet' (1 driver value).",
        "Event 'The contingent grows to its full strength' (North Korean troops deployed, week 0): "
        "ramp length in weeks 6 → 8.",
        "Event 'Sanctions bite' (New international sanctions, week 12): label 'The sanctions response tightens' → "
        "'Sanctions bite'.",
        "Check 'Without North Korean troops there is no joint combat effectiveness to speak of': "
        "Intensity of combat engagement set to 0; every week → week 26; below 20 → 15.",
    ]


def test_the_other_sections_in_german(seed_scenario, reworded):
    diff = scenario_diff(seed_scenario, reworded)
    assert diff_lines(diff, seed_scenario, reworded, "de") == [
        "Titel: „Nordkoreanische Truppen an der Seite Russlands in der Ukraine“ → „Truppen in Kursk“.",
        "Horizont: 52 → 60 Wochen.",
        "Ziehung der Gewichte: Dreiecksverteilung → Gleichverteilung.",
        "Treiber „Entsandte Soldaten“: Bezeichnung „Entsandte nordkoreanische Soldaten“ → „Entsandte Soldaten“; "
        "jetzt ein Hebel.",
        "Treiber „Intensität des Kampfeinsatzes“: Gruppe Gemeldete Fakten → Vorteile.",
        "Frage „Aggressivere Haltung: Erreicht Nordkorea binnen eines halben Jahres die Stufe „Starts von "
        "Interkontinentalraketen und Vorstöße über die Seegrenze“?“: Schwelle 60 → 80; bis Woche 26 → 30; "
        "Richtung: jetzt auf oder unter der Schwelle.",
        "Frage „Chinas Rolle: Erreicht Chinas Randstellung binnen eines Jahres die Stufe „Pjöngjang wendet sich "
        "zuerst an Moskau; der Handel mit China sinkt“?“ entfernt.",
        "Voreinstellung „Deeskalation“: Beijing fühlt sich an den Rand gedrängt nicht mehr gesetzt (war 20).",
        "Voreinstellung „Ruhig“ hinzugefügt (1 Treiberwert).",
        "Ereignis „Das Kontingent wächst auf volle Stärke“ (Entsandte Soldaten, Woche 0): Rampendauer in Wochen 6 → 8.",
        "Ereignis „Sanktionen greifen“ (Neue internationale Sanktionen, Woche 12): Bezeichnung "
        "„Die Sanktionsantwort verschärft sich“ → „Sanktionen greifen“.",
        "Prüfung „Ohne nordkoreanische Truppen gibt es keine nennenswerte gemeinsame Kampfkraft“: "
        "Intensität des Kampfeinsatzes auf 0 gesetzt; jede Woche → Woche 26; unter 20 → 15.",
    ]


def test_events_on_one_target_and_week_are_told_apart_by_their_order(make_scenario):
    common = {
        "drivers": (("d", 0.0, 100.0, 50.0),),
        "indicators": (("y", 50.0),),
    }
    old = make_scenario(
        **common, events=({"week": 2, "target": "y", "set": 30.0}, {"week": 2, "target": "y", "add": 5.0})
    )
    new = make_scenario(
        **common, events=({"week": 2, "target": "y", "set": 30.0}, {"week": 2, "target": "y", "add": 8.0})
    )
    diff = scenario_diff(old, new)
    assert diff.events.items == (ItemDiff("changed", ("y", 2, 1), (FieldChange("add", 5.0, 8.0),)),)
    assert diff_lines(diff, old, new, "de") == ["Ereignis „event“ (y, Woche 2): addierter Betrag 5 → 8."]


def test_the_matrix_figure_colours_each_status_and_escapes_labels(seed_scenario, variant):
    data = _data(variant)
    data["indicators"][1]["label"]["en"] = HOSTILE
    hostile = Scenario.model_validate(data)
    frame = impact_matrix_diff(seed_scenario, hostile)
    names = {i.id: i.label.en for i in (*seed_scenario.drivers, *seed_scenario.indicators)}
    names |= {i.id: i.label.en for i in (*hostile.drivers, *hostile.indicators)}
    fig = diff_matrix_figure(frame, names, matrix_labels("en"))
    spec = fig.to_plotly_json()
    text = json.dumps(spec)
    assert HOSTILE not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in spec["layout"]["yaxis"]["ticktext"]
    heatmap = spec["data"][0]
    targets, sources = list(heatmap["y"]), list(heatmap["x"])
    assert targets == [i.id for i in hostile.indicators]
    assert sources == list(frame["source"].cat.categories)
    cell = heatmap["z"][targets.index("dprk_capability")][sources.index("technology_transfer")]
    assert heatmap["text"][targets.index("dprk_capability")][sources.index("technology_transfer")] == "0.09"
    assert heatmap["z"][targets.index("economic_strain")][sources.index("new_sanctions")] == 2
    assert heatmap["text"][targets.index("economic_strain")][sources.index("combat_engagement")] == "0.015"
    assert heatmap["z"][targets.index("economic_strain")][sources.index("combat_engagement")] == 3
    assert heatmap["z"][targets.index("economic_strain")][sources.index("troops_deployed")] is None
    assert cell == 1
    assert heatmap["hovertext"][targets.index("dprk_assertiveness")][sources.index("dprk_assertiveness")] == (
        "&lt;script&gt;alert(1)&lt;/script&gt; → &lt;script&gt;alert(1)&lt;/script&gt;<br>unchanged: weight -0.52"
    )
    assert heatmap["hovertext"][targets.index("dprk_capability")][sources.index("technology_transfer")] == (
        "Russian technology for North Korea → North Korean military capability<br>changed: weight 0.07 → 0.09"
    )
    # One legend entry per status, in its colour.
    legend = [(d["name"], d["marker"]["color"]) for d in spec["data"][1:]]
    assert legend == [("unchanged", "#E6E6E6"), ("changed", "#E69F00"), ("added", "#009E73"), ("removed", "#D55E00")]


def test_the_matrix_figure_in_german_writes_decimal_commas(seed_scenario, variant):
    frame = impact_matrix_diff(seed_scenario, variant)
    names = {i.id: i.label.de for i in (*variant.drivers, *variant.indicators)}
    fig = diff_matrix_figure(frame, names, matrix_labels("de"), lang="de")
    heatmap = fig.to_plotly_json()["data"][0]
    row, col = list(heatmap["y"]).index("dprk_capability"), list(heatmap["x"]).index("technology_transfer")
    assert heatmap["text"][row][col] == "0,09"
    assert heatmap["hovertext"][row][col] == (
        "Russische Technologie für Nordkorea → Militärische Fähigkeiten Nordkoreas<br>geändert: Gewicht 0,07 → 0,09"
    )
    assert [d["name"] for d in fig.to_plotly_json()["data"][1:]] == ["unverändert", "geändert", "neu", "entfernt"]


def test_an_empty_matrix_draws_an_empty_figure(make_scenario):
    scenario = make_scenario()
    frame = impact_matrix_diff(scenario, scenario)
    assert len(frame) == 0
    assert list(frame.columns) == ["target", "source", "status", "old_weight", "new_weight"]
    fig = diff_matrix_figure(frame, {}, matrix_labels("en"))
    assert fig.to_plotly_json()["data"][0]["z"] == []


def test_a_schema_upgrade_reads_as_what_schema_2_added(make_scenario):
    question = {"id": "q", "indicator": "y", "threshold": 60, "by_week": 5}
    old = make_scenario(questions=(question,), schema=1)
    new = make_scenario(questions=(question,), schema=2)
    diff = scenario_diff(old, new)
    assert diff.drivers.items == (ItemDiff("changed", "d", (FieldChange("unit", "u", {"en": "u", "de": "u"}),)),)
    assert diff_lines(diff, old, new, "en") == [
        "Schema version: 1 → 2.",
        "Driver 'd': unit now in both languages ('u').",
        "Indicator 'y': source of the start value added; level 25 added ('level 25'); level 50 added ('level 50'); "
        "level 60 added ('level 60'); level 75 added ('level 75').",
    ]
    assert diff_lines(diff, old, new, "de") == [
        "Schemaversion: 1 → 2.",
        "Treiber „d“: Einheit jetzt in beiden Sprachen („u“).",
        "Indikator „y“: Quelle des Startwerts ergänzt; Stufe 25 ergänzt („level 25“); Stufe 50 ergänzt "
        "(„level 50“); Stufe 60 ergänzt („level 60“); Stufe 75 ergänzt („level 75“).",
    ]
    assert diff_lines(scenario_diff(new, old), new, old, "en")[1:] == [
        "Driver 'd': unit now in one language ('u').",
        "Indicator 'y': source of the start value removed; level 25 removed; level 50 removed; level 60 removed; "
        "level 75 removed.",
    ]
