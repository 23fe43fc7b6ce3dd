"""The "What if?" tab (ui/discovery.py), driven headless through streamlit.testing.v1.AppTest."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine.__main__ import main
from engine.discovery import best_box, paste, prim, simplify
from engine.loader import load_scenario
from engine.model import Model
from engine.robustness import preset_levers, robustness
from engine.sensitivity import what_if_grid
from engine.state import DEFAULT_SEED
from engine.store import DATA_DIR_ENV, DATABASE_URL_ENV
from engine.sweep import design_for, run_sweep
from present import discovery as present
from present.i18n import t
from present.text import md_escape
from ui.discovery import MAP_RUNS, MAP_STEPS, ROBUST_RUNS, ROBUST_STATES, SWEEPS_DIR_ENV, sweeps_folder

REPO = Path(__file__).resolve().parent.parent
DASHBOARD = REPO / "dashboard.py"
SEED_FILE = REPO / "scenarios" / "dprk-russia-2024.yaml"
SEED = load_scenario(SEED_FILE)
MODEL = Model.of(SEED)
TIMEOUT = 120
FIRST = SEED.questions[0]  # what the tab asks about until the reader picks another question


@pytest.fixture(autouse=True)
def _private_store(tmp_path, monkeypatch):
    # The page opens the shared scenario store; keep it out of the working tree and away from a real database.
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv(SWEEPS_DIR_ENV, raising=False)
    monkeypatch.delenv("SCENARIO_DASK_SCHEDULER", raising=False)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "store"))


def open_what_if(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT).run()
    if lang != "en":
        at.radio(key="lang").set_value(lang).run()
    at.session_state["main_tab"] = t("tab_whatif", lang)
    return at.run()


def tab(at: AppTest):
    (found,) = [tb for tb in at.tabs if tb.label in (t("tab_whatif", "en"), t("tab_whatif", "de"))]
    return found


def assert_clean(at: AppTest) -> None:
    assert [e.message for e in at.exception] == []
    assert [e.value for e in at.error] == []


def labelled(widgets, label: str):
    (found,) = [w for w in widgets if w.label == label]
    return found


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in tab(at).get("plotly_chart")]


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in tab(at).markdown]


def captions(at: AppTest) -> list[str]:
    return [c.value for c in tab(at).caption]


def stated_box(frame: pd.DataFrame, drivers: list[str], question: str, cutoff: float = 0.5):
    """The box the tab states for a sweep: PRIM's best box, pasted and simplified."""
    x, y = frame[drivers], (frame[f"p:{question}"] > cutoff).to_numpy()
    box = simplify(x, y, paste(x, y, best_box(prim(x, y))))
    return box, {d: (float(x[d].min()), float(x[d].max())) for d in drivers}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_map_renders_with_the_engines_grid_and_the_current_point(lang):
    at = open_what_if(lang)
    assert_clean(at)
    assert [h.value for h in tab(at).subheader] == [
        t(key, lang) for key in ("discovery_map_header", "discovery_discover_header", "discovery_robust_header")
    ]
    (spec,) = specs(at)  # no sweep yet: the map only
    heatmap, contour, marker = spec["data"]
    assert (heatmap["type"], contour["type"], marker["type"]) == ("heatmap", "contour", "scatter")
    x, y = SEED.drivers[0].id, SEED.drivers[1].id
    grid = what_if_grid(MODEL, SEED.defaults(), x, y, FIRST.id, MAP_STEPS, MAP_RUNS, DEFAULT_SEED)
    expected = grid.pivot(index="y", columns="x", values="probability").to_numpy() * 100
    assert heatmap["z"] == expected.round(2).tolist()
    assert all(0 <= v <= 100 for row in heatmap["z"] for v in row)
    assert (heatmap["zmin"], heatmap["zmax"]) == (0, 100)
    assert (marker["x"], marker["y"]) == ([SEED.driver(x).default], [SEED.driver(y).default])
    assert marker["name"] == t("discovery_current", lang)
    figure = present.what_if_figure(SEED, grid, x, y, SEED.defaults(), FIRST, lang)
    assert spec["layout"]["title"]["text"] == figure.layout.title.text


def test_the_map_follows_its_pickers():
    at = open_what_if()
    at.selectbox(key="discovery:x").set_value("sanctions_pressure").run()
    at.selectbox(key="discovery:y").set_value("defence_review").run()
    at.selectbox(key="discovery:q").set_value("aggressive_posture").run()
    assert_clean(at)
    (spec,) = specs(at)
    grid = what_if_grid(
        MODEL, SEED.defaults(), "sanctions_pressure", "defence_review", "aggressive_posture", MAP_STEPS, MAP_RUNS,
        DEFAULT_SEED,
    )  # fmt: skip
    assert (
        spec["data"][0]["z"]
        == (grid.pivot(index="y", columns="x", values="probability").to_numpy() * 100).round(2).tolist()
    )
    assert spec["data"][0]["x"] == sorted(grid["x"].unique().tolist())
    assert (spec["data"][2]["x"], spec["data"][2]["y"]) == ([40.0], [50.0])  # both levers' defaults


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_sweep_runs_from_the_button_and_states_its_box(lang):
    at = open_what_if(lang)
    labelled(tab(at).selectbox, t("discovery_points_field", lang)).set_value(128)
    labelled(tab(at).button, t("discovery_run", lang)).click().run()
    assert_clean(at)

    design = design_for(SEED, None, 128, "lhs", DEFAULT_SEED, SEED.defaults())
    frame = run_sweep(MODEL, design, runs=100, seed=DEFAULT_SEED)
    cases = int((frame[f"p:{FIRST.id}"] > 0.5).sum())
    assert 0 < cases < 128
    assert t(
        "discovery_swept_caption",
        lang,
        points="128",
        runs=100,
        seed=DEFAULT_SEED,
        design=t("discovery_design_lhs", lang),
        cases=str(cases),
    ) in captions(at)
    assert t("discovery_coverage_line", lang) + " " + t("discovery_density_line", lang) in captions(at)
    box, full = stated_box(frame, list(design.drivers), FIRST.id)
    sentence = present.box_sentence(SEED, FIRST, 0.5, box, full, lang)
    assert f"**{md_escape(sentence)}**" in markdown(at)
    assert len(specs(at)) == 2  # the map and the peeling trajectory
    # A rerun without a click keeps the sweep (cached) and its box.
    at.run()
    assert_clean(at)
    assert f"**{md_escape(sentence)}**" in markdown(at)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_compare_the_settings_shows_the_robustness_table(lang):
    at = open_what_if(lang)
    labelled(tab(at).button, t("discovery_robust_run", lang)).click().run()
    assert_clean(at)
    result = robustness(
        MODEL, preset_levers(SEED), {FIRST.id: 0.5}, ROBUST_STATES, ROBUST_RUNS, DEFAULT_SEED, SEED.defaults()
    )
    expected = present.robustness_table(SEED, result, FIRST.id, lang)
    (table,) = tab(at).table
    assert list(table.value.columns) == [md_escape(c) for c in expected.columns]
    assert table.value.to_numpy().tolist() == [[md_escape(str(c)) for c in row] for row in expected.rows]
    assert len(expected.rows) == 2  # the baseline's levers (shared by three presets) and the squeeze's
    assert md_escape(present.robustness_sentence(SEED, result, FIRST, lang)) in markdown(at)


def _cli_sweep(out: Path, question: str = FIRST.id) -> None:
    args = ["sweep", str(SEED_FILE), "--question", question, "--points", "96", "--runs", "30", "--workers", "1"]
    assert main([*args, "--out", str(out)]) == 0


def test_a_command_line_sweep_in_the_sweeps_folder_is_listed_and_opened(tmp_path, monkeypatch):
    import engine.workers

    monkeypatch.setattr(engine.workers, "MAX_WORKERS", engine.workers.MAX_WORKERS)  # --workers 1 runs here
    folder = tmp_path / "sweeps"
    folder.mkdir()
    _cli_sweep(folder / "big-run.parquet")
    monkeypatch.setenv(SWEEPS_DIR_ENV, str(folder))

    at = open_what_if()
    assert_clean(at)
    assert t("discovery_open_results", "en") in [e.label for e in tab(at).expander]
    picker = at.selectbox(key="discovery:file")
    assert picker.options == [t("discovery_this_sweep", "en"), "big-run.parquet"]
    picker.set_value(folder / "big-run.parquet").run()
    assert_clean(at)

    frame = pd.read_parquet(folder / "big-run.parquet")
    box, full = stated_box(frame, [d.id for d in SEED.drivers], FIRST.id)
    assert box.restricted != ()
    assert f"**{md_escape(present.box_sentence(SEED, FIRST, 0.5, box, full, 'en'))}**" in markdown(at)
    assert t("discovery_coverage_line", "en") + " " + t("discovery_density_line", "en") in captions(at)


def test_a_file_of_another_question_or_a_tampered_digest_is_refused_without_a_crash(tmp_path, monkeypatch):
    import engine.workers

    monkeypatch.setattr(engine.workers, "MAX_WORKERS", engine.workers.MAX_WORKERS)
    folder = tmp_path / "sweeps"
    folder.mkdir()
    _cli_sweep(folder / "other-question.parquet", "aggressive_posture")
    _cli_sweep(folder / "tampered.parquet")
    tampered = pd.read_parquet(folder / "tampered.parquet")
    tampered.attrs["sha256"] = "0" * 64
    tampered.to_parquet(folder / "tampered.parquet", index=False)
    monkeypatch.setenv(SWEEPS_DIR_ENV, str(folder))

    at = open_what_if()
    assert at.selectbox(key="discovery:file").options == [
        t("discovery_this_sweep", "en"),
        "other-question.parquet",
        "tampered.parquet",
    ]
    at.selectbox(key="discovery:file").set_value(folder / "other-question.parquet").run()
    assert [e.message for e in at.exception] == []
    wrong = t(
        "discovery_wrong_file",
        "en",
        file=md_escape("other-question.parquet"),
        scenario=md_escape(SEED.id),
        digest=md_escape(SEED.digest[:16]),
        question=md_escape("aggressive_posture"),
    )
    assert [e.value for e in at.error] == [wrong]
    assert len(specs(at)) == 1  # the map, no trajectory

    at.selectbox(key="discovery:file").set_value(folder / "tampered.parquet").run()
    assert [e.message for e in at.exception] == []
    wrong = t(
        "discovery_wrong_file",
        "en",
        file=md_escape("tampered.parquet"),
        scenario=md_escape(SEED.id),
        digest="0" * 16,
        question=md_escape(FIRST.id),
    )
    assert [e.value for e in at.error] == [wrong]
    # Back to this page's sweep: nothing refused any more.
    at.selectbox(key="discovery:file").set_value(None).run()
    assert_clean(at)


def test_the_sweeps_folder_defaults_to_the_data_dir(tmp_path, monkeypatch):
    assert sweeps_folder() == tmp_path / "store" / "sweeps"
    monkeypatch.setenv(SWEEPS_DIR_ENV, f"  {tmp_path / 'elsewhere'}  ")
    assert sweeps_folder() == tmp_path / "elsewhere"


def test_without_a_sweeps_folder_there_is_nothing_to_open():
    at = open_what_if()
    assert_clean(at)
    assert [s for s in tab(at).selectbox if s.key == "discovery:file"] == []
    assert t("discovery_open_results", "en") not in [e.label for e in tab(at).expander]
