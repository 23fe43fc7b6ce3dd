"""Two benches' --json files side by side: every figure before and after, the ratio after/before, and its target.

Run: python bench/compare.py BEFORE.json AFTER.json
Figures are matched by name; one found in only one file is listed with '-' on the other side. The 1-minute load
average each figure was taken at is shown with it: a ratio between figures taken at different loads says little.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from common import meets, target_label


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    size = abs(value)
    if value == int(value) and size < 1e15:  # counts: errors, sessions
        return f"{int(value):,}"
    if size >= 1000:
        return f"{value:,.0f}"
    return f"{value:.2f}" if size >= 1 or size == 0 else f"{value:.3g}"


def _load(figure: dict | None) -> str:
    return f"{figure['load'][0]:.2f}" if figure and figure.get("load") else "-"


def _count(figure: dict | None) -> str:
    return "-" if figure is None or figure.get("n") is None else str(figure["n"])


def _header(label: str, document: dict) -> str:
    load = "/".join(f"{x:.2f}" for x in document.get("load_at_start", []))
    state = "complete" if document.get("complete", True) else "ENDED EARLY"
    return f"{label}: {document['bench']}, started {document.get('started', '?')}, load {load} at start, {state}"


def _target(before: dict | None, after: dict | None) -> str:
    target = (after or {}).get("target") or (before or {}).get("target")
    if target is None:
        return ""
    verdicts = [
        f"{side} {'met' if meets(target, figure['value']) else 'MISSED'}"
        for side, figure in (("before", before), ("after", after))
        if figure is not None and figure["value"] is not None
    ]
    return f"{target_label(target)}: {', '.join(verdicts)}"


def compare(before: dict, after: dict) -> list[str]:
    lines = [_header("before", before), _header("after ", after)]
    if before["bench"] != after["bench"]:
        lines.append("  (different benches: only the figures of the same name are side by side)")
    old, new = before.get("settings", {}), after.get("settings", {})
    changed = [
        f"{key} {old.get(key, '-')} -> {new.get(key, '-')}" for key in sorted(old | new) if old.get(key) != new.get(key)
    ]
    lines.append("settings that differ: " + ("; ".join(changed) if changed else "none"))
    by_name = {figure["name"]: figure for figure in before["figures"]}
    after_names = {figure["name"] for figure in after["figures"]}
    rows = [(by_name.get(f["name"]), f) for f in after["figures"]]
    rows += [(figure, None) for figure in before["figures"] if figure["name"] not in after_names]
    width = max([len("figure")] + [len((a or b)["name"]) for b, a in rows])
    lines.append("")
    lines.append(
        f"{'figure':<{width}}  {'before':>10}  {'after':>10}  {'unit':<10}  {'after/before':>12}  "
        f"{'n b/a':>9}  {'load b/a':>11}  target"
    )
    for b, a in rows:
        figure = a or b
        ratio = "-"
        if a and b and a["value"] is not None and b["value"]:
            ratio = f"{a['value'] / b['value']:.2f}x"
        n = f"{_count(b)}/{_count(a)}"
        lines.append(
            f"{figure['name']:<{width}}  {_number(b and b['value']):>10}  {_number(a and a['value']):>10}  "
            f"{figure['unit']:<10}  {ratio:>12}  {n:>9}  {_load(b) + '/' + _load(a):>11}  {_target(b, a)}".rstrip()
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    documents = []
    for path in (args.before, args.after):
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as err:
            sys.exit(f"{path}: {err}")
    print("\n".join(compare(*documents)))


if __name__ == "__main__":
    main()
