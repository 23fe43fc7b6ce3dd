"""The form editor's model: tables and the cross-impact matrix read from a scenario's YAML tree, the reader's
cell edits turned back into edits of that text, and each loader problem placed at its row or cell."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from engine.loader import Problem
from engine.schema import DRIVER_GROUPS
from engine.state import plain_number
from engine.yaml_edit import Edit
from present.style import PALETTE, TEMPLATE, plot_text, shortened

Kind = Literal["text", "number", "whole", "choice"]
# What a new row's source is until the student writes one: a labelled placeholder the loader accepts, which
# the reality of the article does not back, so the text says so.
TODO_JUDGEMENT = {
    "en": "[TODO] Say why: quote the article, or give your reasoning.",
    "de": "[TODO] Begründen: den Artikel zitieren oder die eigene Überlegung nennen.",
}
LANGS = ("en", "de")
# Where a scenario written from scratch starts: the least the loader takes (one driver, one indicator with its
# scale, a link and a damping), every number a labelled placeholder judgement to replace.
NEW_SCENARIO = (Path(__file__).resolve().parent / "templates" / "new-scenario.yaml").read_text(encoding="utf-8")
# The scenario's own fields the form edits (path, kind).
META = (
    ("id", ("id",)),
    ("title.en", ("title", "en")),
    ("title.de", ("title", "de")),
    ("summary.en", ("summary", "en")),
    ("summary.de", ("summary", "de")),
    ("horizon_weeks", ("horizon_weeks",)),
    ("source.title", ("source", "title")),
    ("source.language", ("source", "language")),
)


def meta_values(tree: Mapping) -> dict[str, object]:
    return {key: _get(tree, path) for key, path in META}


def meta_edits(tree: Mapping, values: Mapping[str, object]) -> list[Edit]:
    """The edits for the scenario's own fields that differ from the text."""
    now = meta_values(tree)
    edits = []
    done: set[str] = set()
    for key, path in META:
        value = values.get(key, now.get(key))
        if value == now.get(key) or (_empty(value) and _empty(now.get(key))):
            continue
        if key == "horizon_weeks":
            edits.append(Edit(path, int(value)))
        elif path[-1] in LANGS:
            if path[0] in done:
                continue
            done.add(path[0])
            pair = {
                lang: str(values.get(f"{path[0]}.{lang}", now.get(f"{path[0]}.{lang}")) or "").strip() for lang in LANGS
            }
            edits.append(Edit((path[0],), pair))
        else:
            edits.append(Edit(path, str(value or "").strip()))
    return edits


@dataclass(frozen=True)
class Column:
    """One column of a table: the item's field it shows (`path` inside the item) and how it is edited."""

    key: str  # the frame's column, e.g. "label.en"
    path: tuple[str, ...]
    kind: Kind = "text"
    options: tuple[str, ...] = ()  # for a choice; an empty tuple: the caller fills them (ids of the scenario)
    low: float | None = None
    high: float | None = None
    required: bool = True

    @property
    def bilingual(self) -> bool:
        return len(self.path) == 2 and self.path[1] in LANGS


@dataclass(frozen=True)
class TableSpec:
    section: str  # the scenario's list, e.g. "drivers"
    columns: tuple[Column, ...]
    new_item: Callable[[Mapping[str, object]], dict] = field(default=lambda row: {})


def _text(key: str) -> tuple[Column, Column]:
    return Column(f"{key}.en", (key, "en")), Column(f"{key}.de", (key, "de"))


def _judged(item: dict) -> dict:
    return {**item, "source": {"judgement": dict(TODO_JUDGEMENT)}}


def _fill(row: Mapping[str, object], columns: Sequence[Column]) -> dict:
    """A new item from a new row's cells, nested along each column's path; empty cells are left out."""
    item: dict = {}
    for column in columns:
        value = row.get(column.key)
        if _empty(value):
            continue
        node = item
        for key in column.path[:-1]:
            node = node.setdefault(key, {})
        node[column.path[-1]] = _cell(value, column)
    return item


DRIVERS = TableSpec(
    "drivers",
    (
        Column("id", ("id",)),
        *_text("label"),
        Column("group", ("group",), "choice", DRIVER_GROUPS),
        *_text("unit"),
        Column("min", ("min",), "number"),
        Column("max", ("max",), "number"),
        Column("step", ("step",), "number"),
        Column("default", ("default",), "number"),
    ),
)
INDICATORS = TableSpec(
    "indicators",
    (
        Column("id", ("id",)),
        *_text("label"),
        Column("group", ("group",), required=False),
        Column("initial", ("initial",), "number", low=0, high=100),
    ),
)
QUESTIONS = TableSpec(
    "questions",
    (
        Column("id", ("id",)),
        *_text("text"),
        Column("indicator", ("indicator",), "choice"),
        Column("threshold", ("threshold",), "number", low=0, high=100),
        Column("by_week", ("by_week",), "whole", low=0),
        Column("direction", ("direction",), "choice", ("above", "below"), required=False),
    ),
)
EVENTS = TableSpec(
    "events",
    (
        Column("week", ("week",), "whole", low=0),
        Column("target", ("target",), "choice"),
        Column("set", ("set",), "number", required=False),
        Column("add", ("add",), "number", required=False),
        Column("from", ("from",), "number", required=False),
        Column("over", ("over",), "whole", low=1, required=False),
        *_text("label"),
    ),
)
CHECKS = TableSpec(
    "checks",
    (
        Column("id", ("id",)),
        *_text("text"),
        Column("preset", ("preset",), "choice", required=False),
        Column("indicator", ("indicator",), "choice"),
        Column("week", ("week",), "text"),
        Column("below", ("below",), "number", low=0, high=100, required=False),
        Column("above", ("above",), "number", low=0, high=100, required=False),
        Column("below_reference", ("below_reference",), "number", low=0, high=100, required=False),
        Column("above_reference", ("above_reference",), "number", low=0, high=100, required=False),
    ),
)
TABLES = {spec.section: spec for spec in (DRIVERS, INDICATORS, QUESTIONS, EVENTS, CHECKS)}
# New rows of these tables need a source before the loader takes them: a labelled placeholder judgement.
SOURCED = ("drivers", "indicators")


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _cell(value: object, column: Column) -> object:
    """A cell's value as the YAML should hold it: numbers as numbers (whole ones as int), `week` of a check
    either a whole number or "all"."""
    if column.kind == "whole":
        return int(value)
    if column.kind == "number":
        return plain_number(value)
    if column.key == "week" and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value.strip() if isinstance(value, str) else value


def _get(item: object, path: Sequence[str]) -> object:
    node = item
    for key in path:
        if isinstance(node, str) and key in LANGS:
            return node  # a unit written once for both languages
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def table_frame(tree: Mapping, spec: TableSpec) -> pd.DataFrame:
    """One row per item of the section, one column per Column; what is missing is empty."""
    items = tree.get(spec.section) or []
    rows = []
    for item in items if isinstance(items, list) else []:
        row = {}
        for column in spec.columns:
            value = _get(item, column.path)
            row[column.key] = str(value) if column.key == "week" and value is not None else value
        rows.append(row)
    return pd.DataFrame(rows, columns=[c.key for c in spec.columns])


def table_edits(tree: Mapping, spec: TableSpec, change: Mapping) -> list[Edit]:
    """The edits that make the text say what the reader changed in the table: `change` is st.data_editor's
    record ({"edited_rows": {row: {column: value}}, "added_rows": [...], "deleted_rows": [...]})."""
    items = tree.get(spec.section) or []
    columns = {c.key: c for c in spec.columns}
    edits: list[Edit] = []
    for row_key, cells in (change.get("edited_rows") or {}).items():
        row = int(row_key)
        if not 0 <= row < len(items):
            continue
        done: set[str] = set()
        for key, value in cells.items():
            column = columns.get(key)
            if column is None:
                continue
            path = (spec.section, row, *column.path)
            if column.bilingual:
                # Both languages at once: the field may be one text for both (a unit), which becomes a pair.
                name = column.path[0]
                if name in done:
                    continue
                done.add(name)
                pair = {lang: _get(items[row], (name, lang)) for lang in LANGS}
                pair.update({c.path[1]: cells[c.key] for c in spec.columns if c.path[0] == name and c.key in cells})
                edits.append(Edit((spec.section, row, name), {k: ("" if _empty(v) else v) for k, v in pair.items()}))
            elif _empty(value):
                edits.append(Edit(path, op="delete"))
            else:
                edits.append(Edit(path, _cell(value, column)))
    for row in change.get("added_rows") or []:
        item = _fill(row, spec.columns)
        if spec.section in SOURCED:
            item = _judged(item)
        edits.append(Edit((spec.section,), item, op="append"))
    for row in change.get("deleted_rows") or []:
        edits.append(Edit((spec.section, int(row)), op="delete"))
    return edits


# --- scale levels and presets -------------------------------------------------------------------------------


def levels_frame(tree: Mapping) -> pd.DataFrame:
    """Every indicator's scale levels, one row each: indicator, level, text in both languages."""
    rows = []
    for item in tree.get("indicators") or []:
        for level in item.get("scale") or []:
            text = level.get("text") or {}
            rows.append(
                {
                    "indicator": item.get("id"),
                    "level": level.get("level"),
                    "text.en": text.get("en"),
                    "text.de": text.get("de"),
                }
            )
    return pd.DataFrame(rows, columns=["indicator", "level", "text.en", "text.de"])


def _level_position(tree: Mapping, row: int) -> tuple[int, int] | None:
    n = 0
    for i, item in enumerate(tree.get("indicators") or []):
        for k, _ in enumerate(item.get("scale") or []):
            if n == row:
                return i, k
            n += 1
    return None


def levels_edits(tree: Mapping, change: Mapping) -> list[Edit]:
    """Edits of the levels table: a changed level or text, a new level (appended to its indicator's scale,
    which the loader requires ascending), a removed one."""
    indicators = tree.get("indicators") or []
    ids = [item.get("id") for item in indicators]
    edits: list[Edit] = []
    for row_key, cells in (change.get("edited_rows") or {}).items():
        where = _level_position(tree, int(row_key))
        if where is None:
            continue
        i, k = where
        level = indicators[i]["scale"][k]
        for key, value in cells.items():
            if key == "level" and not _empty(value):
                edits.append(Edit(("indicators", i, "scale", k, "level"), plain_number(value)))
            elif key in ("text.en", "text.de"):
                text = dict(level.get("text") or {})
                text[key[-2:]] = "" if _empty(value) else value
                edits.append(Edit(("indicators", i, "scale", k, "text"), text))
    for row in change.get("added_rows") or []:
        if row.get("indicator") not in ids:
            continue
        level = {"level": plain_number(row.get("level", 0) or 0)}
        level["text"] = {lang: row.get(f"text.{lang}") or "" for lang in LANGS}
        edits.append(Edit(("indicators", ids.index(row["indicator"]), "scale"), level, op="append"))
    for row in change.get("deleted_rows") or []:
        where = _level_position(tree, int(row))
        if where is not None:
            edits.append(Edit(("indicators", where[0], "scale", where[1]), op="delete"))
    return edits


def presets_frame(tree: Mapping) -> pd.DataFrame:
    """Preset x driver: each preset's value of each driver, empty where it keeps the default."""
    drivers = [d.get("id") for d in tree.get("drivers") or []]
    rows = []
    for preset in tree.get("presets") or []:
        values = preset.get("values") or {}
        label = preset.get("label") or {}
        rows.append(
            {"id": preset.get("id"), "label.en": label.get("en"), "label.de": label.get("de")}
            | {d: values.get(d) for d in drivers}
        )
    return pd.DataFrame(rows, columns=["id", "label.en", "label.de", *drivers])


def presets_edits(tree: Mapping, change: Mapping) -> list[Edit]:
    presets = tree.get("presets") or []
    drivers = {d.get("id") for d in tree.get("drivers") or []}
    edits: list[Edit] = []
    for row_key, cells in (change.get("edited_rows") or {}).items():
        row = int(row_key)
        if not 0 <= row < len(presets):
            continue
        for key, value in cells.items():
            if key == "id":
                edits.append(Edit(("presets", row, "id"), value))
            elif key in ("label.en", "label.de"):
                label = dict(presets[row].get("label") or {})
                label[key[-2:]] = "" if _empty(value) else value
                edits.append(Edit(("presets", row, "label"), label))
            elif key in drivers:
                path = ("presets", row, "values", key)
                edits.append(Edit(path, op="delete") if _empty(value) else Edit(path, plain_number(value)))
    for row in change.get("added_rows") or []:
        item = {"id": row.get("id") or "", "label": {lang: row.get(f"label.{lang}") or "" for lang in LANGS}}
        item["values"] = {d: plain_number(v) for d, v in row.items() if d in drivers and not _empty(v)}
        edits.append(Edit(("presets",), item, op="append"))
    for row in change.get("deleted_rows") or []:
        edits.append(Edit(("presets", int(row)), op="delete"))
    return edits


# --- the cross-impact matrix --------------------------------------------------------------------------------


def matrix_axes(tree: Mapping) -> tuple[list[str], list[str]]:
    """(targets, sources): the indicators as rows; the drivers, then the indicators, as columns."""
    indicators = [i.get("id") for i in tree.get("indicators") or [] if isinstance(i, Mapping)]
    drivers = [d.get("id") for d in tree.get("drivers") or [] if isinstance(d, Mapping)]
    return indicators, drivers + indicators


def matrix_frame(tree: Mapping) -> pd.DataFrame:
    """Target x source: each impact's weight in its cell, empty (NaN) where there is no link."""
    targets, sources = matrix_axes(tree)
    frame = pd.DataFrame(math.nan, index=targets, columns=sources, dtype=float)
    for impact in tree.get("impacts") or []:
        source, target, weight = impact.get("from"), impact.get("to"), impact.get("weight")
        if source in frame.columns and target in frame.index and isinstance(weight, int | float):
            frame.loc[target, source] = float(weight)
    return frame


def impact_index(tree: Mapping, source: str, target: str) -> int | None:
    for n, impact in enumerate(tree.get("impacts") or []):
        if impact.get("from") == source and impact.get("to") == target:
            return n
    return None


def new_impact(source: str, target: str, weight: float) -> dict:
    """A link typed into an empty cell: its range half the weight either side, its source a labelled
    placeholder judgement the student is asked to replace."""
    spread = abs(weight) / 2 or 0.1
    low, high = round(weight - spread, 4), round(weight + spread, 4)
    return {
        "from": source,
        "to": target,
        "weight": weight,
        "range": [low, high],
        "source": {"judgement": dict(TODO_JUDGEMENT)},
    }


def matrix_edits(tree: Mapping, change: Mapping) -> list[Edit]:
    """Edits from the matrix editor: a number in an empty cell adds the link, a changed number sets its weight
    (widening its range to hold it), an emptied cell removes the link."""
    targets, sources = matrix_axes(tree)
    impacts = tree.get("impacts") or []
    edits: list[Edit] = []
    for row_key, cells in (change.get("edited_rows") or {}).items():
        row = int(row_key)
        if not 0 <= row < len(targets):
            continue
        target = targets[row]
        for source, value in cells.items():
            if source not in sources:
                continue
            n = impact_index(tree, source, target)
            if _empty(value):
                if n is not None:
                    edits.append(Edit(("impacts", n), op="delete"))
                continue
            weight = plain_number(value)
            if n is None:
                edits.append(Edit(("impacts",), new_impact(source, target, weight), op="append"))
                continue
            edits.append(Edit(("impacts", n, "weight"), weight))
            low, high = [*(impacts[n].get("range") or []), weight, weight][:2]
            if isinstance(low, int | float) and isinstance(high, int | float) and not low <= weight <= high:
                edits.append(Edit(("impacts", n, "range"), [min(low, weight), max(high, weight)]))
    return edits


@dataclass(frozen=True)
class MatrixLabels:
    title: str
    source_axis: str
    target_axis: str


def matrix_figure(
    frame: pd.DataFrame,
    names: Mapping[str, str],
    labels: MatrixLabels,
    flagged: frozenset[tuple[str, str]] = frozenset(),
) -> go.Figure:
    """The matrix as a picture: blue for a raising link, orange for a lowering one, the stronger the darker,
    each cell's weight written in it; `flagged` (target, source) cells, where the loader found a problem,
    are outlined in red."""
    targets, sources = list(frame.index), list(frame.columns)
    z = frame.to_numpy(dtype=float)
    # The strongest link sets the colour's end: weights are small (0.01-0.5), against 1 they would all be pale.
    strongest = pd.Series(abs(z.ravel())).max(skipna=True)
    top = float(strongest) if strongest and not math.isnan(strongest) else 1.0
    text = [["" if math.isnan(v) else f"{v:g}" for v in row] for row in z]
    heat = go.Heatmap(
        z=z,
        # One short line per column at a steep angle: two dozen wrapped names ran into each other.
        x=[plot_text(shortened(names.get(s, s), 26)) for s in sources],
        y=[plot_text(names.get(t, t)) for t in targets],
        text=text,
        texttemplate="%{text}",
        zmin=-top,
        zmax=top,
        colorscale=[[0.0, PALETTE[1]], [0.5, "#ffffff"], [1.0, PALETTE[0]]],
        showscale=False,
        hoverongaps=False,
        xgap=1,
        ygap=1,
        hovertemplate="%{y} ← %{x}: %{z}<extra></extra>",
    )
    shapes = []
    for target, source in sorted(flagged):
        if target in targets and source in sources:
            r, c = targets.index(target), sources.index(source)
            shapes.append(
                {
                    "type": "rect",
                    "x0": c - 0.5,
                    "x1": c + 0.5,
                    "y0": r - 0.5,
                    "y1": r + 0.5,
                    "line": {"color": "#b00020", "width": 3},
                }
            )
    fig = go.Figure(heat)
    fig.update_layout(
        title={"text": plot_text(labels.title), "x": 0, "xanchor": "left"},
        template=TEMPLATE,
        height=max(360, 34 * len(targets) + 220),
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
        shapes=shapes,
        xaxis={"side": "top", "tickangle": -60, "title": {"text": plot_text(labels.source_axis)}, "type": "category"},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "title": {"text": plot_text(labels.target_axis)},
            "type": "category",
        },
    )
    return fig


# --- problems at their place --------------------------------------------------------------------------------

_FIELD = re.compile(r"^(?P<section>[a-z_]+)\[(?P<index>\d+)\](?:\.(?P<rest>.*))?$")


@dataclass(frozen=True)
class Placed:
    """Where a problem belongs in the form: its section, the item's row, and for an impact its matrix cell."""

    section: str
    row: int | None
    cell: tuple[str, str] | None
    problem: Problem


def place(problems: Sequence[Problem], tree: Mapping) -> list[Placed]:
    """Each problem with its section and row (and an impact's (target, source) cell), from its field."""
    placed = []
    impacts = tree.get("impacts") or []
    for problem in problems:
        match = _FIELD.match(problem.field)
        if not match:
            placed.append(Placed("document", None, None, problem))
            continue
        section, row = match["section"], int(match["index"])
        cell = None
        if section == "impacts" and row < len(impacts) and isinstance(impacts[row], Mapping):
            cell = (str(impacts[row].get("to")), str(impacts[row].get("from")))
        if section == "indicators" and (match["rest"] or "").startswith("scale"):
            section = "levels"
        placed.append(Placed(section, row, cell, problem))
    return placed
