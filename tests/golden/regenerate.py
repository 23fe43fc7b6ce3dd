"""Rewrite the golden CLI outputs in tests/golden/ on purpose: `python tests/golden/regenerate.py`.

tests/test_golden.py compares `python -m engine simulate` with these files byte for byte and never
rewrites them. Run this script only when a change to the numbers or the CSV is intended (the model, the
sampling, the page's default seed or runs, the CSV's format), then review `git diff tests/golden/` and
say in the commit why the figures moved: every shared link of the seed scenario shows the new ones.

The digits depend on numpy's SIMD code for exp and log (a machine with AVX-512 and one without differ in
the last digit), so the script also records the platform it ran on in platform.json; on another platform
the test compares the numbers to within rounding instead of byte for byte, and says so.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent
REPO_ROOT = GOLDEN_DIR.parent.parent
SCENARIO = "scenarios/dprk-russia-2024.yaml"
PLATFORM_FILE = "platform.json"

# File name -> arguments of `python -m engine`. The ensembles leave --seed out: they pin the default seed.
GOLDEN = {
    "dprk-russia-2024.point.csv": ("simulate", SCENARIO, "--runs", "0"),
    "dprk-russia-2024.bands.csv": ("simulate", SCENARIO, "--runs", "1000"),
    "dprk-russia-2024.questions.csv": ("simulate", SCENARIO, "--runs", "1000", "--questions"),
}


# A fixed team for the pooled round's golden file: each member's settings are a preset of the seed scenario,
# one member also narrows an impact; their gut estimates are made up for the purpose.
TEAM_SEED = 2024
TEAM_RUNS = 1000
TEAM = (
    ("Anna", "baseline", {"aggressive_posture": 0.30, "china_role": 0.40}),
    ("Ben", "escalation", {"aggressive_posture": 0.65}),
    ("Chen", "de-escalation", {"aggressive_posture": 0.15, "china_role": 0.20}),
    ("Dana", "sanctions-squeeze", {}),
    ("Emil", "baseline", {"aggressive_posture": 0.45, "china_role": 0.35}),
)
POOL_FILE = "dprk-russia-2024.pool.csv"


def team_judgements(scenario):
    """The TEAM as engine.pooling judgements; Emil narrows the first impact to the upper half of its range."""
    from engine.pooling import Judgement

    first = scenario.impacts[0]
    low, high = first.range
    middle = (low + high) / 2
    judgements = []
    for name, preset, gut in TEAM:
        impacts = {0: (max(middle, min(first.weight, high)), max(middle, first.weight), high)} if name == "Emil" else {}
        judgements.append(Judgement(name, scenario.preset_values(preset), impacts, gut))
    return judgements


def pool_output() -> bytes:
    """The TEAM's pooled round as one CSV: pooled questions, each member's probability and gut, the split."""
    from engine.loader import load_scenario
    from engine.model import Model
    from engine.pooling import pooled_ensemble
    from engine.state import format_number

    scenario = load_scenario(REPO_ROOT / SCENARIO)
    pool = pooled_ensemble(Model.of(scenario), team_judgements(scenario), TEAM_RUNS, TEAM_SEED)
    parts = [
        pool.questions.assign(part="pooled"),
        pool.member_questions.assign(part="member"),
        pool.split.assign(part="split"),
    ]
    text = "".join(p.to_csv(index=False, float_format=format_number, lineterminator="\n") for p in parts)
    return text.encode("utf-8")


def cli_output(args: tuple[str, ...]) -> bytes:
    """What `python -m engine ARGS` writes to stdout, run from the repository root; raises if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "engine", *args], cwd=REPO_ROOT, capture_output=True, timeout=300, check=False
    )
    if result.returncode != 0 or result.stderr:
        raise RuntimeError(f"python -m engine {' '.join(args)} exited {result.returncode}: {result.stderr.decode()}")
    return result.stdout


def platform_signature() -> dict[str, object]:
    """What decides the last digits: the machine, numpy's version and the SIMD targets it dispatches to."""
    import numpy as np

    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:  # numpy moved its private module: the version alone must do
        simd = None
    else:
        simd = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    return {"machine": platform.machine(), "numpy": np.__version__, "simd": simd}


def main() -> int:
    for name, args in GOLDEN.items():
        data = cli_output(args)
        (GOLDEN_DIR / name).write_bytes(data)
        print(f"wrote tests/golden/{name} ({len(data):,} bytes): python -m engine {' '.join(args)}")
    data = pool_output()
    (GOLDEN_DIR / POOL_FILE).write_bytes(data)
    print(f"wrote tests/golden/{POOL_FILE} ({len(data):,} bytes): the TEAM's pooled round")
    signature = json.dumps(platform_signature(), indent=2, sort_keys=True) + "\n"
    (GOLDEN_DIR / PLATFORM_FILE).write_text(signature, encoding="utf-8")
    print(f"wrote tests/golden/{PLATFORM_FILE}; review the change with: git diff tests/golden/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
