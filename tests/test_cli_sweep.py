"""`python -m engine sweep`: a design's ensembles written as parquet or CSV, locally or on a Dask cluster."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

from engine.__main__ import main
from engine.loader import load_scenario
from engine.model import Model
from engine.state import DEFAULT_SEED
from engine.sweep import design_for, run_sweep

SEED_FILE = "scenarios/dprk-russia-2024.yaml"
TINY2_FILE = "tests/data/tiny2.yaml"
POINTS, RUNS = 48, 20


@pytest.fixture(autouse=True)
def _in_repo_root(repo_root, monkeypatch):
    import engine.workers

    monkeypatch.chdir(repo_root)
    # --workers 1 evaluates in this process, which then keeps one engine thread (engine.distributed._one_thread).
    monkeypatch.setattr(engine.workers, "MAX_WORKERS", engine.workers.MAX_WORKERS)


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as found:
        yield found


def run(capsys, *args) -> tuple[int, str, str]:
    """main() in-process; argparse usage errors raise SystemExit, whose code is the exit code."""
    try:
        code = main(["sweep", *args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def expected_table(path: str, question: str, points: int, runs: int, seed: int, kind: str = "lhs", drivers=None,
                   base=None) -> pd.DataFrame:  # fmt: skip
    """What the command should write: run_sweep's table of the same design, the question's columns only."""
    scenario = load_scenario(path)
    q = next(item for item in scenario.questions if item.id == question)
    design = design_for(scenario, drivers, points, kind, seed, scenario.defaults() | dict(base or {}))
    table = run_sweep(Model.of(scenario), design, runs=runs, seed=seed, check_budget=False)
    keep = ["point", *design.drivers, f"p:{q.id}", f"week{q.by_week}:{q.indicator}"]
    return table[[*keep, f"end:{q.indicator}", f"peak:{q.indicator}"]]


def test_parquet_with_the_questions_columns_and_attrs_equal_to_run_sweep(capsys, tmp_path, seed_scenario):
    out = tmp_path / "results.parquet"
    code, stdout, err = run(capsys, SEED_FILE, "--question", "aggressive_posture", "--points", str(POINTS),
                            "--runs", str(RUNS), "--workers", "1", "--out", str(out))  # fmt: skip
    assert (code, stdout) == (0, "")
    assert re.fullmatch(
        rf"{re.escape(str(out))}: 48 points x 20 runs of dprk-russia-2024 in \d+\.\d s \([\d,]+ runs/s\), "
        rf"sha256 {seed_scenario.digest}\n",
        err,
    ), err
    frame = pd.read_parquet(out)
    drivers = [d.id for d in seed_scenario.drivers]
    assert list(frame.columns) == [
        "point",
        *drivers,
        "p:aggressive_posture",
        "week26:dprk_assertiveness",
        "end:dprk_assertiveness",
        "peak:dprk_assertiveness",
    ]
    assert frame.attrs == {
        "scenario": "dprk-russia-2024",
        "sha256": seed_scenario.digest,
        "question": "aggressive_posture",
        "runs": RUNS,
        "seed": DEFAULT_SEED,
        "design": "lhs",
        "points": POINTS,
    }
    expected = expected_table(SEED_FILE, "aggressive_posture", POINTS, RUNS, DEFAULT_SEED)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame["p:aggressive_posture"].between(0, 1).all()


def test_csv_holds_the_same_numbers(capsys, tmp_path):
    out = tmp_path / "results.csv"
    args = (TINY2_FILE, "--question", "echo_faint", "--points", "30", "--runs", "15", "--seed", "4", "--workers", "1")
    code, _, _ = run(capsys, *args, "--out", str(out))
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "point,push,calm,p:echo_faint,week10:echo,end:echo,peak:echo"
    assert len(text.splitlines()) == 31
    expected = expected_table(TINY2_FILE, "echo_faint", 30, 15, 4)
    # The echo never fades (every probability 0, written "0"): CSV cannot tell that column is a float one.
    assert set(text.splitlines()[1].split(",")[3:4]) == {"0"}
    frame = pd.read_csv(out, dtype={c: float for c in expected.columns[1:]})
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    # The parquet of the same command holds the same table.
    code, _, _ = run(capsys, *args, "--out", str(tmp_path / "results.parquet"))
    assert code == 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "results.parquet"), frame, check_exact=True)


def test_drivers_preset_set_seed_and_sobol_shape_the_design(capsys, tmp_path):
    out = tmp_path / "some.parquet"
    code, _, err = run(capsys, SEED_FILE, "--question", "china_role", "--points", "32", "--runs", "10",
                       "--seed", "3", "--design", "sobol", "--drivers", "troops_deployed, china_sidelined",
                       "--preset", "escalation", "--set", "sanctions_pressure=70", "--workers", "1",
                       "--out", str(out))  # fmt: skip
    assert code == 0, err
    frame = pd.read_parquet(out)
    assert list(frame.columns[:3]) == ["point", "troops_deployed", "china_sidelined"]
    assert (frame.attrs["design"], frame.attrs["seed"], frame.attrs["points"]) == ("sobol", 3, 32)
    scenario = load_scenario(SEED_FILE)
    base = scenario.preset_values("escalation") | {"sanctions_pressure": 70.0}
    expected = expected_table(SEED_FILE, "china_role", 32, 10, 3, "sobol", ["troops_deployed", "china_sidelined"],
                              base)  # fmt: skip
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--question", "nope", "--out", "x.parquet"),
            f"{SEED_FILE}: --question: 'nope' is not a question of this scenario",
        ),
        (("--question", "china_role", "--out", "x.json"), f"{SEED_FILE}: --out must end in .parquet or .csv"),
        (
            ("--question", "china_role", "--runs", "10001", "--out", "x.csv"),
            f"{SEED_FILE}: --runs must be at most 10,000",
        ),
        (
            ("--question", "china_role", "--drivers", "troops_deployed,nope", "--out", "x.csv"),
            f"{SEED_FILE}: unknown driver(s): nope",
        ),
        (
            ("--question", "china_role", "--preset", "nope", "--out", "x.csv"),
            f"{SEED_FILE}: unknown preset 'nope' (known: baseline, escalation, de-escalation, sanctions-squeeze)",
        ),
    ],
)
def test_bad_options_exit_2_with_one_clear_line_and_write_nothing(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    from pathlib import Path

    here = str(Path(__file__).resolve().parent.parent / SEED_FILE)
    code, out, err = run(capsys, here, "--points", "4", *args)
    assert (code, out) == (2, "")
    assert err == message.replace(SEED_FILE, here) + "\n"
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_or_missing_scenario_file_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, "tests/data/bad/duplicate-id.yaml", "--question", "q", "--points", "4",
                         "--out", str(tmp_path / "x.parquet"))  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "tests/data/bad/duplicate-id.yaml:23: indicators[1].id: duplicate id 'level' (first at indicators[0])\n"
    )
    code, out, err = run(capsys, "tests/data/none.yaml", "--question", "q", "--points", "4",
                         "--out", str(tmp_path / "x.parquet"))  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("tests/data/none.yaml: cannot read: ")
    assert list(tmp_path.iterdir()) == []


def test_points_and_question_are_required_and_checked_by_the_parser(capsys):
    code, _, err = run(capsys, SEED_FILE, "--question", "china_role", "--points", "0", "--out", "x.csv")
    assert code == 2
    assert err.splitlines()[-1] == "python -m engine sweep: error: argument --points: '0' must be at least 1"
    code, _, err = run(capsys, SEED_FILE, "--points", "4", "--out", "x.csv")
    assert code == 2
    assert err.splitlines()[-1] == "python -m engine sweep: error: the following arguments are required: --question"
    code, _, err = run(capsys, SEED_FILE, "--question", "china_role", "--points", "4", "--design", "grid",
                       "--out", "x.csv")  # fmt: skip
    assert code == 2
    assert "argument --design: invalid choice: 'grid'" in err.splitlines()[-1]


def test_an_unwritable_out_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, TINY2_FILE, "--question", "level_busy", "--points", "4", "--runs", "5",
                         "--workers", "1", "--out", str(tmp_path / "missing" / "x.csv"))  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(f"{tmp_path / 'missing' / 'x.csv'}: cannot write: ")


def test_the_scheduler_option_gives_the_same_parquet(capsys, tmp_path, cluster):
    # 600 points: three of the cluster's 256-point tasks, gathered in whatever order they finish.
    args = (TINY2_FILE, "--question", "level_busy", "--points", "600", "--runs", "10")
    code, _, err = run(capsys, *args, "--workers", "1", "--out", str(tmp_path / "local.parquet"))
    assert code == 0, err
    code, _, err = run(capsys, *args, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "dask.parquet"))
    assert code == 0, err
    local, dask = pd.read_parquet(tmp_path / "local.parquet"), pd.read_parquet(tmp_path / "dask.parquet")
    pd.testing.assert_frame_equal(dask, local, check_exact=True)
    assert dask.attrs == local.attrs
    assert (dask.attrs["question"], len(dask)) == ("level_busy", 600)


def test_the_real_entry_point_writes_the_same_file(repo_root, capsys, tmp_path):
    out = tmp_path / "real.csv"
    result = subprocess.run(
        [sys.executable, "-m", "engine", "sweep", TINY2_FILE, "--question", "level_busy", "--points", "20",
         "--runs", "10", "--workers", "1", "--out", str(out)],
        cwd=repo_root, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "")
    assert "Traceback" not in result.stderr
    code, _, _ = run(capsys, TINY2_FILE, "--question", "level_busy", "--points", "20", "--runs", "10",
                     "--workers", "1", "--out", str(tmp_path / "in-process.csv"))  # fmt: skip
    assert code == 0
    assert out.read_bytes() == (tmp_path / "in-process.csv").read_bytes()
