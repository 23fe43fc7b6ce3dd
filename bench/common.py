"""What every bench shares: its settings and the targets (settings.toml), timing, and the --json figures file."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as `python3 bench/x.py`, the benches still import engine/ from the root

SETTINGS = tomllib.loads((BENCH_DIR / "settings.toml").read_text(encoding="utf-8"))
TARGETS: dict[str, dict] = SETTINGS["targets"]
QUIET_LOAD: float = SETTINGS["machine"]["quiet_load"]
SCENARIO_FILE = ROOT / "scenarios" / "dprk-russia-2024.yaml"
JSON_FORMAT = 1

_MEETS = {
    "<": lambda value, target: value < target,
    "<=": lambda value, target: value <= target,
    ">": lambda value, target: value > target,
    ">=": lambda value, target: value >= target,
    "abs<=": lambda value, target: abs(value) <= target,
}


def loads() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def load_avg() -> str:
    return "load " + "/".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def print_header(libraries: str) -> None:
    """The machine, the libraries that matter to the figures, and the load they are taken at."""
    print(f"machine: {machine()}, {libraries}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} (figures are only comparable on an idle machine)")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call over `repeat` calls, after one warm-up call (first-call costs are not a slider move's)."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def describe(samples: list[float]) -> str:
    return f"median {statistics.median(samples):9.2f} ms  min {min(samples):9.2f} ms  (n={len(samples)})"


def percentile(samples: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def target_label(target: dict) -> str:
    """'< 50 ms', '>= 130,000 runs/s', 'within ±10%'."""
    unit = target["unit"]
    amount = f"{target['value']:,g}" + (unit if unit in ("x", "%") else f" {unit}")
    return f"within ±{amount}" if target["op"] == "abs<=" else f"{target['op']} {amount}"


def meets(target: dict, value: float) -> bool:
    return _MEETS[target["op"]](value, target["value"])


def verdict(key: str, value: float) -> str:
    """'target < 50 ms: met' for `value` against settings.toml's target `key`."""
    target = TARGETS[key]
    return f"target {target_label(target)}: {'met' if meets(target, value) else 'MISSED'}"


def seed_model():
    """The seed scenario's model handle (engine.model.Model: the scenario and its compiled arrays)."""
    from engine.loader import load_scenario
    from engine.model import Model

    return Model.of(load_scenario(SCENARIO_FILE))


class Bench:
    """One run of a bench: its options, and the figures it measured, written to the --json file when the run ends
    (also when it ends early). Every key of settings.toml's table of the same name is an option (--reference-runs
    for reference_runs), with that value as its default and the table's `help` entry as its help; --json is added.

        bench = Bench("bench_engine", __doc__)
        bench.option("--skip-x", action="store_true")  # options that are not settings
        bench.run(measure)  # measure(bench, args) prints its lines and records bench.figure(...) as it goes
    """

    def __init__(self, name: str, doc: str | None):
        self.name = name
        self.parser = argparse.ArgumentParser(
            prog=f"bench/{name}.py", description=(doc or name).strip().splitlines()[0]
        )
        table = SETTINGS.get(name, {})
        self.defaults = {key: value for key, value in table.items() if not isinstance(value, dict)}
        self.help: dict[str, str] = table.get("help", {})
        self.parser.set_defaults(**self.defaults)
        self.figures: list[dict] = []
        self._options: set[str] = set()
        self.args: argparse.Namespace | None = None
        self.option("--json", type=Path, metavar="PATH", help="also write the measured figures to this JSON file")

    def option(self, *flags: str, **kwargs) -> None:
        """An option of this bench; one whose dest is a setting takes its default and help from settings.toml."""
        action = self.parser.add_argument(*flags, **kwargs)
        if action.dest in self.defaults:
            action.help = (action.help or self.help[action.dest]) + " (default %(default)s)"
        self._options.add(action.dest)

    def _setting_options(self) -> None:
        missing = sorted(set(self.defaults) - set(self.help))
        if missing:
            raise SystemExit(f"bench/settings.toml [{self.name}.help]: no help for {', '.join(missing)}")
        for key, value in self.defaults.items():
            if key in self._options:
                continue
            flag = "--" + key.replace("_", "-")
            if isinstance(value, bool):  # type=bool would read "False" as true
                self.option(flag, action=argparse.BooleanOptionalAction)
            elif isinstance(value, list):
                self.option(flag, type=type(value[0]), nargs="+")
            else:
                self.option(flag, type=type(value))

    def run(self, measure: Callable[[Bench, argparse.Namespace], None], argv: list[str] | None = None) -> None:
        self._setting_options()
        self.args = self.parser.parse_args(argv)
        self.started, self.load_at_start = datetime.now(UTC), loads()
        complete = False
        try:
            measure(self, self.args)
            complete = True
        finally:
            self.write(complete)

    def figure(self, name: str, value: float, unit: str, n: int | None = None, target: str | None = None) -> str:
        """Record one figure just measured, with the load average now (the 1-minute figure spans the measurement);
        returns the verdict against settings.toml's target `target`, or ''."""
        if any(f["name"] == name for f in self.figures):
            raise ValueError(f"figure {name!r} recorded twice")  # compare.py matches figures by name
        value = float(value)
        entry = {"name": name, "value": None if math.isnan(value) else value, "unit": unit, "n": n, "load": loads()}
        if target is not None:
            spec = TARGETS[target]
            entry["target"] = {"key": target, "op": spec["op"], "value": spec["value"], "unit": spec["unit"]}
        self.figures.append(entry)
        return verdict(target, value) if target is not None else ""

    def timing(self, name: str, samples: list[float], target: str | None = None) -> str:
        """Record the median of `samples` (ms) as one figure; returns the target's verdict, or ''."""
        return self.figure(name, statistics.median(samples), "ms", n=len(samples), target=target)

    def write(self, complete: bool = True) -> None:
        if self.args is None or self.args.json is None:
            return
        settings = {key: str(value) if isinstance(value, Path) else value for key, value in vars(self.args).items()}
        settings.pop("json")
        document = {
            "format": JSON_FORMAT,
            "bench": self.name,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "complete": complete,
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "load_at_start": self.load_at_start,
            "load_at_end": loads(),
            "settings": settings,
        }
        # One key, and one figure, a line: two files then also read side by side in a plain diff.
        head = "".join(f" {json.dumps(key)}: {json.dumps(value)},\n" for key, value in document.items())
        figures = ",\n".join("  " + json.dumps(figure) for figure in self.figures)
        text = f'{{\n{head} "figures": [\n{figures}\n ]\n}}\n'
        path = self.args.json
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"{len(self.figures)} figures written to {path}" + ("" if complete else " (the run ended early)"))
