"""Command line: `python -m engine` validate, check, simulate, sweep, draft and the store commands."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from engine.budget import BudgetExceeded
from engine.checks import run_checks
from engine.distributed import run_sweep_parallel
from engine.ensemble import MAX_RUNS, run_ensemble
from engine.loader import ScenarioError, load_document, load_scenario, parse_scenario
from engine.model import Model
from engine.simulation import point_run, resolve_drivers
from engine.state import DEFAULT_RUNS, DEFAULT_SEED, format_number
from engine.sweep import DESIGNS, design_for

EXIT_OK = 0
EXIT_UNAVAILABLE = 1
EXIT_FAILED = 1  # check: a reality check does not hold
EXIT_INVALID = 2
EXIT_NOT_FOUND = 1  # store-hide: no publication has that id
EXIT_STORE_FAILED = 2  # store-hide: the store cannot be opened or written


class _Parser(argparse.ArgumentParser):
    # argparse exits with 2 on usage errors already; this keeps its message on one line, no traceback.
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"{self.prog}: error: {message}\n")


def _setting(text: str) -> tuple[str, float]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected ID=VALUE, got '{text}'")
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' in '{text}' is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"'{value}' in '{text}' is not a finite number")
    return key, number


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must not be negative")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m engine", description="Validate and simulate KSIM scenario files.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="check scenario files; exit 2 if any is invalid")
    validate.add_argument("files", nargs="+", metavar="FILE")

    check = commands.add_parser("check", help="run the reality checks of scenario files; exit 1 if any fails")
    check.add_argument("files", nargs="+", metavar="FILE")

    simulate = commands.add_parser("simulate", help="project the indicators as tidy CSV")
    simulate.add_argument("file", metavar="FILE")
    simulate.add_argument("--preset", metavar="ID")
    simulate.add_argument("--set", dest="settings", action="append", type=_setting, default=[], metavar="ID=VALUE")
    # The page's defaults, so that the command without options reproduces the figures a fresh page shows.
    simulate.add_argument("--runs", type=_non_negative, default=DEFAULT_RUNS, metavar="N", help="0 for the point run")
    simulate.add_argument("--seed", type=_non_negative, default=DEFAULT_SEED, metavar="S")
    simulate.add_argument("--weeks", type=_non_negative, default=None, metavar="W")
    simulate.add_argument(
        "--questions",
        action="store_true",
        help="write the question readouts (probability and its 95%% Wilson interval) instead of the bands",
    )
    simulate.add_argument("--out", metavar="PATH", help="CSV file to write (default: stdout)")

    draft = commands.add_parser("draft", help="draft a scenario YAML skeleton from an analysis article")
    draft.add_argument("file", metavar="ARTICLE")
    draft.add_argument("--lang", choices=("de", "en"), help="the article's language (default: detected)")
    draft.add_argument("--out", metavar="FILE", help="YAML file to write (default: stdout)")

    sweep = commands.add_parser(
        "sweep", help="run an ensemble at every point of a space-filling design of the drivers; write a table"
    )
    sweep.add_argument("file", metavar="FILE")
    sweep.add_argument("--question", required=True, metavar="ID", help="the question whose answers the table keeps")
    sweep.add_argument("--points", type=_positive, required=True, metavar="N", help="design points (at most 1,000,000)")
    sweep.add_argument("--runs", type=_positive, default=200, metavar="R", help="runs per point (default 200)")
    sweep.add_argument("--seed", type=_non_negative, default=DEFAULT_SEED, metavar="S")
    sweep.add_argument("--design", choices=DESIGNS, default="lhs", help="Latin hypercube (default) or Sobol' points")
    sweep.add_argument("--drivers", metavar="ID,ID", help="the drivers to vary (default: all)")
    sweep.add_argument("--preset", metavar="ID", help="where the other drivers stand (default: their defaults)")
    sweep.add_argument("--set", dest="settings", action="append", type=_setting, default=[], metavar="ID=VALUE")
    sweep.add_argument(
        "--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://host:8786 (default: this machine's cores)"
    )
    sweep.add_argument("--workers", type=_positive, metavar="N", help="local worker processes (default: one per core)")
    sweep.add_argument("--out", required=True, metavar="PATH", help="results file: .parquet, or .csv")

    stats = commands.add_parser("store-stats", help="how many saved scenarios the store holds, and their size")
    stats.add_argument("--url", metavar="URL", help="database URL (default: as the dashboard configures it)")

    listing = commands.add_parser(
        "store-publications",
        help="the gallery's publications, newest first, hidden ones too: id, ref, created_at, hidden|shown, title",
    )
    listing.add_argument("--url", metavar="URL", help="database URL (default: as the dashboard configures it)")
    listing.add_argument("--limit", type=_non_negative, default=200, metavar="N", help="at most N (default 200)")

    hide = commands.add_parser("store-hide", help="hide a publication from the gallery; exit 1 if there is none")
    hide.add_argument("id", type=_non_negative, metavar="ID", help="the publication's id (store-publications)")
    hide.add_argument("--reason", default="", metavar="TEXT", help="why, for the record (one line)")
    hide.add_argument("--url", metavar="URL", help="database URL (default: as the dashboard configures it)")
    return parser


def _validate(files: Sequence[str]) -> int:
    status = EXIT_OK
    for name in files:
        try:
            load_scenario(name)
        except ScenarioError as err:
            for problem in err.problems:
                print(problem, file=sys.stderr)
            status = EXIT_INVALID
        else:
            print(f"ok {name}")
    return status


def _check(files: Sequence[str]) -> int:
    # 2 (a file does not load) outranks 1 (a check fails): the worse of all files decides.
    status = EXIT_OK
    for name in files:
        try:
            document = load_document(name)
            results = run_checks(Model.of(document.scenario))
        except ScenarioError as err:
            for problem in err.problems:
                print(problem, file=sys.stderr)
            status = EXIT_INVALID
            continue
        except BudgetExceeded as err:
            print(f"{name}: {err}", file=sys.stderr)
            status = EXIT_INVALID
            continue
        failed = [r for r in results if not r.holds]
        for r in failed:
            line = document.line_of(("checks", r.index))
            print(f"{name}:{line}: checks[{r.index}]: {r.check.id}: expected {r.expected()}, got {r.got()}")
        if failed:
            status = max(status, EXIT_FAILED)
        else:
            print(f"ok {name}: {len(results)} checks")
    return status


def _simulate(args: argparse.Namespace) -> int:
    try:
        scenario = load_scenario(args.file)
    except ScenarioError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.runs > MAX_RUNS:
            raise ValueError(f"--runs must be at most {MAX_RUNS:,}")
        if args.weeks is not None and not 1 <= args.weeks <= 520:
            raise ValueError("--weeks must be between 1 and 520")
        if args.questions and args.runs == 0:
            raise ValueError("--questions needs an ensemble: --runs must be at least 1")
        values = resolve_drivers(scenario, args.preset, dict(args.settings))
    except ValueError as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return EXIT_INVALID

    model = Model.of(scenario)
    try:
        if args.runs == 0:
            table = point_run(model, values, args.weeks)
        else:
            projection = run_ensemble(model, values, runs=args.runs, seed=args.seed, weeks=args.weeks)
            table = projection.questions if args.questions else projection.bands
    except BudgetExceeded as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return EXIT_INVALID
    # Full precision: every number is the shortest text that reads back as exactly the same float.
    csv = table.to_csv(index=False, float_format=format_number, lineterminator="\n")
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8", newline="") as handle:
                handle.write(csv)
        except OSError as err:
            print(f"{args.out}: cannot write: {err.strerror or err}", file=sys.stderr)
            return EXIT_INVALID
    else:
        sys.stdout.write(csv)
    return EXIT_OK


def _sweep(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        scenario = parse_scenario(text, args.file)
    except ScenarioError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    except (OSError, UnicodeError) as err:
        print(f"{args.file}: cannot read: {err}", file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.question not in {q.id for q in scenario.questions}:
            raise ValueError(f"--question: {args.question!r} is not a question of this scenario")
        if not args.out.endswith((".parquet", ".csv")):
            raise ValueError("--out must end in .parquet or .csv")
        if args.runs > 10_000:
            raise ValueError("--runs must be at most 10,000")
        base = resolve_drivers(scenario, args.preset, dict(args.settings))
        drivers = [d.strip() for d in args.drivers.split(",")] if args.drivers else None
        design = design_for(scenario, drivers, args.points, args.design, args.seed, base)
    except ValueError as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return EXIT_INVALID
    started = time.perf_counter()
    try:
        table = run_sweep_parallel(text, design, args.runs, args.seed, args.scheduler, args.workers)
    except OSError as err:  # the scheduler cannot be reached
        print(f"{args.scheduler}: {err}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    seconds = time.perf_counter() - started
    question = next(q for q in scenario.questions if q.id == args.question)
    keep = ["point", *design.drivers, f"p:{question.id}", f"week{question.by_week}:{question.indicator}"]
    keep += [f"end:{question.indicator}", f"peak:{question.indicator}"]
    table = table[keep].copy()
    # Parquet keeps these with the table: the dashboard refuses results of another scenario or question.
    table.attrs = {
        "scenario": scenario.id,
        "sha256": scenario.digest,
        "question": question.id,
        "runs": args.runs,
        "seed": args.seed,
        "design": args.design,
        "points": args.points,
    }
    try:
        if args.out.endswith(".parquet"):
            table.to_parquet(args.out, index=False)
        else:
            table.to_csv(args.out, index=False, float_format=format_number, lineterminator="\n")
    except (OSError, ImportError) as err:
        print(f"{args.out}: cannot write: {err}", file=sys.stderr)
        return EXIT_INVALID
    rate = args.points * args.runs / seconds if seconds > 0 else float("inf")
    print(
        f"{args.out}: {args.points:,} points x {args.runs:,} runs of {scenario.id} in {seconds:.1f} s "
        f"({rate:,.0f} runs/s), sha256 {scenario.digest}",
        file=sys.stderr,
    )
    return EXIT_OK


def _draft(args: argparse.Namespace) -> int:
    # Exit 0 whenever a draft was written, even a minimal one; 2 only for unreadable input or output.
    from engine.draft import draft_scenario, read_article

    try:
        text, notices = read_article(args.file)
    except OSError as err:
        print(f"{args.file}: cannot read: {err.strerror or err}", file=sys.stderr)
        return EXIT_INVALID
    result = draft_scenario(text, args.lang, source_name=args.file)
    for notice in notices + result.notices:
        print(f"{args.file}: {notice}", file=sys.stderr)
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(result.yaml_text)
        except OSError as err:
            print(f"{args.out}: cannot write: {err.strerror or err}", file=sys.stderr)
            return EXIT_INVALID
        print(f"draft written to {args.out}; search it for TODO", file=sys.stderr)
    else:
        sys.stdout.write(result.yaml_text)
    return EXIT_OK


def _store_stats(args: argparse.Namespace) -> int:
    # Imported here: the other commands need no database driver. An operator's tool: it prints the cause.
    from engine.store import ScenarioStore, StoreError

    try:
        store = ScenarioStore(args.url)
        stats, limits = store.stats(), store.limits
    except StoreError as err:
        print(f"{err}: {err.__cause__}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    store.dispose()
    print(f"scenarios: {stats.rows}")
    print(f"yaml_bytes: {stats.yaml_bytes}")
    print(f"max_bytes: {limits.max_bytes}")
    return EXIT_OK


def _store_publications(args: argparse.Namespace) -> int:
    """Print the publications, one tab-separated line each; titles are one line without tabs (cleaned)."""
    from engine.store import ScenarioStore, StoreError

    try:
        store = ScenarioStore(args.url)
        try:
            found = store.publications(include_hidden=True, limit=args.limit)
        finally:
            store.dispose()
    except StoreError as err:
        print(f"{err}: {err.__cause__}", file=sys.stderr)
        return EXIT_UNAVAILABLE  # as store-stats
    for p in found:
        print(f"{p.id}\t{p.ref}\t{p.created_at}\t{'hidden' if p.hidden else 'shown'}\t{p.title}")
    return EXIT_OK


def _store_hide(args: argparse.Namespace) -> int:
    """Hide one publication: 0 when it is hidden (now or before), 1 for an unknown id, 2 when the store fails."""
    from engine.store import ScenarioStore, StoreError

    try:
        store = ScenarioStore(args.url)
        try:
            hidden = store.hide(args.id, args.reason)
        finally:
            store.dispose()
    except StoreError as err:
        print(f"{err}: {err.__cause__}", file=sys.stderr)
        return EXIT_STORE_FAILED
    if not hidden:
        print(f"no publication {args.id}", file=sys.stderr)
        return EXIT_NOT_FOUND
    print(f"hidden: publication {args.id}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args.files)
    if args.command == "check":
        return _check(args.files)
    if args.command == "draft":
        return _draft(args)
    if args.command == "sweep":
        return _sweep(args)
    if args.command == "store-stats":
        return _store_stats(args)
    if args.command == "store-publications":
        return _store_publications(args)
    if args.command == "store-hide":
        return _store_hide(args)
    return _simulate(args)


if __name__ == "__main__":
    sys.exit(main())
