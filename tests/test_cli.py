"""`python -m engine simulate` and `validate`: the stable command-line contract."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from engine.__main__ import main
from engine.checks import run_checks
from engine.ensemble import run_ensemble, wilson_interval
from engine.loader import load_scenario
from engine.model import Model
from engine.simulation import point_run
from engine.state import DEFAULT_RUNS, DEFAULT_SEED

TINY = "tests/data/tiny.yaml"  # horizon 10, indicators level and echo, driver push 0..100, presets low/high
SEED = "scenarios/dprk-russia-2024.yaml"
POINT = ["week", "indicator", "value"]
BANDS = ["week", "indicator", "mean", "p10", "p50", "p90"]
QUESTIONS = ["question", "indicator", "threshold", "by_week", "probability", "low", "high"]


@pytest.fixture(autouse=True)
def _in_repo_root(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)


def run(capsys, *args) -> tuple[int, str, str]:
    """main() in-process; argparse usage errors raise SystemExit, which is the exit code too."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def read_back(text: str, columns: list[str]) -> tuple[list[str], np.ndarray]:
    """The CSV's header and its `columns`, each cell read with float() (not pandas' own float parser)."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    return header, np.array([[float(row[header.index(c)]) for c in columns] for row in body])


def assert_same_bits(actual: np.ndarray, expected: np.ndarray) -> None:
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    mismatch = actual.view(np.int64) != expected.view(np.int64)
    assert not mismatch.any(), f"{int(mismatch.sum())} values differ, first at {np.argwhere(mismatch)[0].tolist()}"


def test_point_run_columns_and_rows(capsys):
    code, out, err = run(capsys, "simulate", TINY, "--runs", "0")
    assert (code, err) == (0, "")
    frame = table(out)
    assert list(frame.columns) == POINT
    assert len(frame) == (10 + 1) * 2
    assert frame["week"].tolist() == [w for w in range(11) for _ in range(2)]
    assert frame["indicator"].tolist() == ["level", "echo"] * 11
    assert out.splitlines()[:3] == ["week,indicator,value", "0,level,40", "0,echo,20"]
    expected = point_run(Model.of(load_scenario(TINY)))["value"]
    assert frame["value"].tolist() == expected.tolist()


@pytest.mark.parametrize("path", [TINY, SEED])
def test_point_run_csv_reads_back_bit_identical(capsys, path):
    """The CSV is full precision: float() of each cell is exactly the engine's value, not a rounded one."""
    code, out, err = run(capsys, "simulate", path, "--runs", "0")
    assert (code, err) == (0, "")
    header, values = read_back(out, ["week", "value"])
    assert header == POINT
    expected = point_run(Model.of(load_scenario(path)))
    assert_same_bits(values, expected[["week", "value"]].to_numpy(dtype=float))


@pytest.mark.parametrize(("path", "runs", "seed"), [(TINY, "300", "7"), (SEED, "200", "11")])
def test_ensemble_csv_reads_back_bit_identical(capsys, path, runs, seed):
    code, out, err = run(capsys, "simulate", path, "--runs", runs, "--seed", seed)
    assert (code, err) == (0, "")
    header, values = read_back(out, BANDS[:1] + BANDS[2:])
    assert header == BANDS
    bands = run_ensemble(Model.of(load_scenario(path)), runs=int(runs), seed=int(seed)).bands
    assert [row[1] for row in csv.reader(io.StringIO(out))][1:] == bands["indicator"].tolist()
    assert_same_bits(values, bands[BANDS[:1] + BANDS[2:]].to_numpy(dtype=float))


def test_numbers_are_never_rounded_to_six_digits(capsys, seed_scenario):
    # The old "%.6g" cut every value to six digits; the shortest exact text keeps every digit.
    code, out, _ = run(capsys, "simulate", "scenarios/dprk-russia-2024.yaml", "--runs", "0", "--weeks", "1")
    assert code == 0
    first = point_run(Model.of(seed_scenario), weeks=1)
    week_1 = float(first[(first["week"] == 1) & (first["indicator"] == "peninsula_tension")]["value"].iloc[0])
    assert f"{week_1:.6g}" != repr(week_1)
    assert out.splitlines()[1 + len(seed_scenario.indicators)] == f"1,peninsula_tension,{week_1!r}"


def test_seed_scenario_point_run(capsys, seed_scenario):
    code, out, _ = run(capsys, "simulate", "scenarios/dprk-russia-2024.yaml", "--runs", "0")
    frame = table(out)
    assert code == 0
    assert len(frame) == (seed_scenario.horizon_weeks + 1) * len(seed_scenario.indicators) == 530


@pytest.mark.parametrize("runs", ["1", "25"])
def test_ensemble_columns(capsys, runs):
    code, out, err = run(capsys, "simulate", TINY, "--runs", runs, "--seed", "3")
    assert (code, err) == (0, "")
    frame = table(out)
    assert list(frame.columns) == BANDS
    assert len(frame) == 11 * 2
    assert frame[BANDS[2:]].notna().all().all()


def test_defaults_are_the_pages(capsys):
    """Without --runs and --seed the CLI runs the page's default ensemble, so it reproduces a fresh page."""
    assert (DEFAULT_RUNS, DEFAULT_SEED) == (1000, 2024)
    code, out, _ = run(capsys, "simulate", TINY)
    code2, out2, _ = run(capsys, "simulate", TINY, "--runs", str(DEFAULT_RUNS), "--seed", str(DEFAULT_SEED))
    code3, out3, _ = run(capsys, "simulate", TINY, "--runs", str(DEFAULT_RUNS), "--seed", "0")
    assert code == code2 == code3 == 0
    assert list(table(out).columns) == BANDS
    assert out == out2
    assert out != out3


def test_questions_columns_and_values(capsys):
    code, out, err = run(capsys, "simulate", TINY, "--runs", "400", "--seed", "4", "--questions")
    assert (code, err) == (0, "")
    header, values = read_back(out, ["threshold", "by_week", "probability", "low", "high"])
    assert header == QUESTIONS
    assert out.splitlines()[1].startswith("level_high,level,30,5,")
    questions = run_ensemble(Model.of(load_scenario(TINY)), runs=400, seed=4).questions
    assert_same_bits(values[:, :3], questions[["threshold", "by_week", "probability"]].to_numpy(dtype=float))
    successes = [round(p * 400) for p in questions["probability"]]
    for (_, _, probability, low, high), k in zip(values, successes, strict=True):
        assert (low, high) == wilson_interval(k, 400)
        assert 0 <= low <= probability <= high <= 1


def test_questions_default_to_the_pages_ensemble(capsys):
    code, out, _ = run(capsys, "simulate", TINY, "--questions")
    _, out2, _ = run(capsys, "simulate", TINY, "--questions", "--runs", str(DEFAULT_RUNS), "--seed", str(DEFAULT_SEED))
    assert code == 0
    assert out == out2


def test_weeks_overrides_the_horizon(capsys):
    code, out, _ = run(capsys, "simulate", TINY, "--runs", "0", "--weeks", "3")
    frame = table(out)
    assert code == 0
    assert frame["week"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    code, out, _ = run(capsys, "simulate", TINY, "--runs", "5", "--weeks", "30")
    assert code == 0
    assert table(out)["week"].max() == 30


def test_preset_and_set(capsys):
    outputs = {}
    for name, args in {
        "default": [],
        "low": ["--preset", "low"],
        "high": ["--preset", "high"],
        "high+set": ["--preset", "high", "--set", "push=30"],
        "set": ["--set", "push=30"],
        "set-twice": ["--set", "push=80", "--set", "push=30"],
        "push=10": ["--set", "push=10"],
    }.items():
        code, out, err = run(capsys, "simulate", TINY, "--runs", "0", *args)
        assert (code, err) == (0, "")
        outputs[name] = out
    assert outputs["low"] == outputs["push=10"]  # preset low is push: 10
    assert outputs["high+set"] == outputs["set"] == outputs["set-twice"]  # --set wins over the preset
    assert len({outputs[k] for k in ("default", "low", "high", "set")}) == 4
    end = {k: table(v).query("week == 10 and indicator == 'level'")["value"].item() for k, v in outputs.items()}
    assert end["low"] < end["set"] < end["default"] < end["high"]


def test_out_writes_the_file(capsys, tmp_path):
    target = tmp_path / "projection.csv"
    code, out, err = run(capsys, "simulate", TINY, "--runs", "50", "--seed", "1", "--out", str(target))
    assert (code, out, err) == (0, "", "")
    _, stdout_csv, _ = run(capsys, "simulate", TINY, "--runs", "50", "--seed", "1")
    assert target.read_text(encoding="utf-8") == stdout_csv
    assert list(table(stdout_csv).columns) == BANDS


def test_out_to_an_unwritable_place(capsys, tmp_path):
    target = tmp_path / "missing-folder" / "x.csv"
    code, out, err = run(capsys, "simulate", TINY, "--runs", "0", "--out", str(target))
    assert (code, out) == (2, "")
    assert err == f"{target}: cannot write: No such file or directory\n"


def test_same_seed_same_output_different_seed_different(capsys):
    first = run(capsys, "simulate", TINY, "--runs", "200", "--seed", "9")
    again = run(capsys, "simulate", TINY, "--runs", "200", "--seed", "9")
    other = run(capsys, "simulate", TINY, "--runs", "200", "--seed", "10")
    assert first == again
    assert first[1] != other[1]
    a, b = table(first[1]), table(other[1])
    assert (a.loc[a["week"] > 0, "p50"] != b.loc[b["week"] > 0, "p50"]).any()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--preset", "nope"], f"{TINY}: unknown preset 'nope' (known: low, high)"),
        (["--set", "pull=3"], f"{TINY}: unknown driver 'pull'"),
        (["--set", "level=3"], f"{TINY}: unknown driver 'level'"),
        (["--set", "push=101"], f"{TINY}: push=101 is outside [0, 100]"),
        (["--set", "push=-0.5"], f"{TINY}: push=-0.5 is outside [0, 100]"),
        (["--runs", "20001"], f"{TINY}: --runs must be at most 20,000"),
        (["--weeks", "0"], f"{TINY}: --weeks must be between 1 and 520"),
        (["--weeks", "521"], f"{TINY}: --weeks must be between 1 and 520"),
        (["--questions"], f"{TINY}: --questions needs an ensemble: --runs must be at least 1"),
    ],
)
def test_bad_settings_exit_2_with_one_line(capsys, args, message):
    code, out, err = run(capsys, "simulate", TINY, "--runs", "0", *args)
    assert (code, out) == (2, "")
    assert err == message + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "push=abc"], "argument --set: 'abc' in 'push=abc' is not a number"),
        (["--set", "push=nan"], "argument --set: 'nan' in 'push=nan' is not a finite number"),
        (["--set", "push=inf"], "argument --set: 'inf' in 'push=inf' is not a finite number"),
        (["--set", "push"], "argument --set: expected ID=VALUE, got 'push'"),
        (["--set", "=5"], "argument --set: expected ID=VALUE, got '=5'"),
        (["--runs", "-1"], "argument --runs: '-1' must not be negative"),
        (["--runs", "many"], "argument --runs: 'many' is not a whole number"),
        (["--seed", "1.5"], "argument --seed: '1.5' is not a whole number"),
    ],
)
def test_malformed_arguments_exit_2(capsys, args, message):
    code, out, err = run(capsys, "simulate", TINY, *args)
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    # argparse prints its usage first; the message itself is the one last line.
    assert err.splitlines()[-1] == f"python -m engine simulate: error: {message}"
    assert sum("error:" in line for line in err.splitlines()) == 1


def test_simulate_on_a_bad_file(capsys):
    code, out, err = run(capsys, "simulate", "tests/data/bad/unknown-impact-to.yaml", "--runs", "0")
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == "tests/data/bad/unknown-impact-to.yaml:24: impacts[0].to: unknown indicator 'nowhere'"


def test_validate_in_process(capsys):
    code, out, err = run(capsys, "validate", TINY)
    assert (code, out, err) == (0, f"ok {TINY}\n", "")


def test_no_command_is_a_usage_error(capsys):
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == "python -m engine: error: the following arguments are required: command"


def _engine(*args, repo_root):
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], cwd=repo_root, capture_output=True, text=True, timeout=120
    )


def test_real_entry_point_simulate(repo_root, capsys):
    result = _engine("simulate", TINY, "--runs", "40", "--seed", "5", "--preset", "high", repo_root=repo_root)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == run(capsys, "simulate", TINY, "--runs", "40", "--seed", "5", "--preset", "high")[1]


def test_real_entry_point_errors_without_traceback(repo_root):
    result = _engine("simulate", TINY, "--runs", "0", "--set", "push=1e9", repo_root=repo_root)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"{TINY}: push=1e+09 is outside [0, 100]\n"
    result = _engine("simulate", TINY, "--set", "push=x", repo_root=repo_root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        result.stderr.splitlines()[-1]
        == "python -m engine simulate: error: argument --set: 'x' in 'push=x' is not a number"
    )


# --- check ---------------------------------------------------------------------------------------------------

TINY2 = "tests/data/tiny2.yaml"  # three reality checks, all holding
FAILING = "tests/data/tiny2-failing-check.yaml"  # checks[1] (line 81) fails


def test_check_exits_0_when_every_check_holds(capsys):
    assert run(capsys, "check", TINY2) == (0, f"ok {TINY2}: 3 checks\n", "")


def test_check_names_file_line_and_check_of_a_failure_and_exits_1(capsys):
    code, out, err = run(capsys, "check", FAILING, TINY2)
    (failure,) = [r for r in run_checks(Model.of(load_scenario(FAILING))) if not r.holds]
    assert code == 1 and err == ""
    assert out == (
        f"{FAILING}:81: checks[1]: calm_never_quiets_it: expected level above 50 at week 10, "
        f"got {failure.observed:.2f} at week 10\nok {TINY2}: 3 checks\n"
    )


def test_check_exits_2_when_a_file_does_not_load_and_still_checks_the_others(capsys):
    code, out, err = run(capsys, "check", "tests/data/bad/schema2-ramp-past-horizon.yaml", FAILING)
    assert code == 2
    assert err == (
        "tests/data/bad/schema2-ramp-past-horizon.yaml:66: events[0].over: "
        "the ramp ends at week 11, after the horizon (10)\n"
    )
    assert out.startswith(f"{FAILING}:81: checks[1]: calm_never_quiets_it: ")


def test_a_schema_1_file_has_no_checks_to_fail(capsys):
    assert run(capsys, "check", TINY) == (0, f"ok {TINY}: 0 checks\n", "")


def test_check_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "engine", "check", FAILING], capture_output=True, text=True, timeout=120, check=False
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.startswith(f"{FAILING}:81: checks[1]: calm_never_quiets_it: expected level above 50")


# --- store-publications and store-hide: the operator's view of the gallery -------------------------------------


def _store_with_publications(tmp_path):
    """A SQLite store holding one scenario published twice (a second apart); returns its URL and the entries."""
    from engine.store import Limits, ScenarioStore

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    clock = iter([1_700_000_000.0, 1_700_000_000.0, 1_700_000_001.0])
    store = ScenarioStore(url, Limits(), lambda: next(clock))
    with open(TINY, encoding="utf-8") as handle:
        saved, _ = store.save(handle.read())
    first = store.publish(saved.ref, "Tiny,\tfirst\ntake", author="Ann")
    second = store.publish(saved.ref, "Tiny again")
    store.dispose()
    return url, first, second


def _unreachable_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    return f"postgresql+psycopg://u@127.0.0.1:{port}/db"


def test_store_publications_prints_one_tab_separated_line_each_newest_first(capsys, tmp_path):
    url, first, second = _store_with_publications(tmp_path)
    assert first.title == "Tiny, first take"  # cleaned when published: no tab or newline can break a line
    code, out, err = run(capsys, "store-publications", "--url", url)
    assert (code, err) == (0, "")
    assert out == (
        f"{second.id}\t{second.ref}\t2023-11-14T22:13:21+00:00\tshown\tTiny again\n"
        f"{first.id}\t{first.ref}\t2023-11-14T22:13:20+00:00\tshown\tTiny, first take\n"
    )
    assert run(capsys, "store-publications", "--url", url, "--limit", "1")[1] == out.splitlines(keepends=True)[0]


def test_store_hide_hides_once_and_the_listing_says_so(capsys, tmp_path):
    from engine.store import ScenarioStore

    url, first, second = _store_with_publications(tmp_path)
    assert run(capsys, "store-hide", str(first.id), "--reason", "off\ttopic", "--url", url) == (
        0,
        f"hidden: publication {first.id}\n",
        "",
    )
    assert run(capsys, "store-hide", str(first.id), "--url", url) == (0, f"hidden: publication {first.id}\n", "")
    code, out, _ = run(capsys, "store-publications", "--url", url)
    assert code == 0
    assert [line.split("\t")[3] for line in out.splitlines()] == ["shown", "hidden"]
    store = ScenarioStore(url)
    assert store.gallery() == ([second], 1)
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT publication_id, reason FROM publication_hidings").all() == [
            (first.id, "off topic")
        ]
    store.dispose()


def test_store_hide_exits_1_for_an_unknown_id(capsys, tmp_path):
    url, _, second = _store_with_publications(tmp_path)
    unknown = second.id + 1
    assert run(capsys, "store-hide", str(unknown), "--url", url) == (1, "", f"no publication {unknown}\n")
    assert run(capsys, "store-hide", "0", "--url", url) == (1, "", "no publication 0\n")
    assert run(capsys, "store-hide", str(2**70), "--url", url) == (1, "", f"no publication {2**70}\n")


def test_store_hide_exits_2_when_the_store_cannot_be_opened(capsys):
    code, out, err = run(capsys, "store-hide", "1", "--url", _unreachable_url())
    assert (code, out) == (2, "")
    assert err.startswith("the scenario store could not open: (psycopg.OperationalError) connection failed:")


def test_store_publications_exits_1_when_the_store_cannot_be_opened(capsys):
    code, out, err = run(capsys, "store-publications", "--url", _unreachable_url())
    assert (code, out) == (1, "")
    assert err.startswith("the scenario store could not open: (psycopg.OperationalError) connection failed:")


@pytest.mark.parametrize("bad", ["x", "-1", "1.5"])
def test_store_hide_needs_a_whole_number(capsys, bad):
    code, out, err = run(capsys, "store-hide", bad)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1].startswith("python -m engine store-hide: error: argument ID: ")


def test_store_hide_runs_as_a_module(repo_root, tmp_path):
    url, first, _ = _store_with_publications(tmp_path)
    result = _engine("store-hide", str(first.id), "--url", url, repo_root=repo_root)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"hidden: publication {first.id}\n", "")
