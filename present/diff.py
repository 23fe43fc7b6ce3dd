"""A scenario diff for readers: one sentence per change in English or German, and the impact matrix as a figure.

The sentences are filled in from engine.diff's changes by fixed templates, never written freely, so two
files always give the same words; numbers are written the reader's way (0.5 / 0,5; 12,000 / 12.000). They
are plain text: a caller that renders Markdown escapes them (present.text.md_escape), the figure escapes
its own texts (present.style.plot_text).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from engine.diff import FieldChange, ItemDiff, Json, ScenarioDiff
from engine.schema import Scenario
from present.i18n import t
from present.style import PALETTE, TEMPLATE, TITLE_CHARS, TITLE_LINE_PX, hung_title, plot_text, shortened, wrapped_text
from present.tables import number

# What each section's items are called: lower case inside an English sentence, a noun in German.
KINDS = {
    "drivers": {"en": "driver", "de": "Treiber"},
    "indicators": {"en": "indicator", "de": "Indikator"},
    "impacts": {"en": "impact", "de": "Wirkung"},
    "questions": {"en": "question", "de": "Frage"},
    "presets": {"en": "preset", "de": "Voreinstellung"},
    "events": {"en": "event", "de": "Ereignis"},
    "checks": {"en": "check", "de": "Prüfung"},
}

# Field names as a reader knows them. Where a field means different things in two sections (an event's
# `set` is a value, a check's `set` a list of driver values) the section's own entry comes first.
FIELDS = {
    "label": {"en": "label", "de": "Bezeichnung"},
    "text": {"en": "wording", "de": "Wortlaut"},
    "description": {"en": "description", "de": "Beschreibung"},
    "group": {"en": "group", "de": "Gruppe"},
    "unit": {"en": "unit", "de": "Einheit"},
    "min": {"en": "minimum", "de": "Minimum"},
    "max": {"en": "maximum", "de": "Maximum"},
    "step": {"en": "step", "de": "Schrittweite"},
    "default": {"en": "default", "de": "Standardwert"},
    "source": {"en": "source", "de": "Quelle"},
    "initial": {"en": "start value", "de": "Startwert"},
    "initial_source": {"en": "source of the start value", "de": "Quelle des Startwerts"},
    "weight": {"en": "weight", "de": "Gewicht"},
    "range": {"en": "range", "de": "Spanne"},
    "note": {"en": "note", "de": "Notiz"},
    "indicator": {"en": "indicator", "de": "Indikator"},
    "threshold": {"en": "threshold", "de": "Schwelle"},
    "by_week": {"en": "by week", "de": "bis Woche"},
    "events.set": {"en": "value set", "de": "gesetzter Wert"},
    "add": {"en": "amount added", "de": "addierter Betrag"},
    "from": {"en": "ramp start", "de": "Rampenstart"},
    "over": {"en": "ramp length in weeks", "de": "Rampendauer in Wochen"},
    "preset": {"en": "preset", "de": "Voreinstellung"},
    "reference": {"en": "reference preset", "de": "Referenz-Voreinstellung"},
    "below": {"en": "below", "de": "unter"},
    "above": {"en": "above", "de": "über"},
    "below_reference": {"en": "points below the reference", "de": "Punkte unter der Referenz"},
    "above_reference": {"en": "points above the reference", "de": "Punkte über der Referenz"},
}
# Long or structured fields: a sentence says that they changed, not what they say.
ONLY_CHANGED = {"description", "source", "initial_source"}
# Texts in both languages ({en, de}), shown in the reader's language.
BILINGUAL = {"label", "text", "unit"}
# Fields holding the id of a driver or indicator, or of a preset.
NAMES_ITEM = {"indicator"}
NAMES_PRESET = {"preset", "reference"}


def _t(key: str, lang: str, **values) -> str:
    return t(f"diff_{key}", lang, **values)


def _quoted(text: str, lang: str) -> str:
    return _t("quoted", lang, text=text)


def _span(low: float, high: float, lang: str) -> str:
    key = "span_words" if low < 0 or high < 0 else "span_dash"
    return _t(key, lang, low=number(low, lang), high=number(high, lang))


def _label(scenarios: tuple[Scenario, ...], item_id: str, lang: str) -> str:
    """A driver's or indicator's label in the first scenario that has it; its id in none."""
    for s in scenarios:
        for item in (*s.drivers, *s.indicators):
            if item.id == item_id:
                return item.label.get(lang)
    return item_id


def _preset_label(scenarios: tuple[Scenario, ...], preset_id: str, lang: str) -> str:
    for s in scenarios:
        for p in s.presets:
            if p.id == preset_id:
                return p.label.get(lang)
    return preset_id


def _text_of(value: Json, lang: str) -> str:
    # A schema-1 unit is one string in any language; everything else bilingual is {en, de}.
    if isinstance(value, dict):
        return value.get("de" if lang == "de" else "en") or ""
    return str(value)


class _Phrases:
    """The phrases of one diff in one language: item names and field changes, each looked up in the right file."""

    def __init__(self, old: Scenario, new: Scenario, lang: str) -> None:
        self.lang = lang
        # New labels for what still exists, old ones for what is gone.
        self.newer = (new, old)
        self.older = (old, new)

    def t(self, key: str, **values) -> str:
        return _t(key, self.lang, **values)

    def q(self, text: str) -> str:
        return _quoted(text, self.lang)

    def field_word(self, section: str, name: str) -> str:
        words = FIELDS.get(f"{section}.{name}") or FIELDS.get(name) or {"en": name}
        return words.get(self.lang) or words["en"]

    # --- values ----------------------------------------------------------------------------------------

    def value(self, section: str, name: str, value: Json, scenarios: tuple[Scenario, ...]) -> str:
        lang = self.lang
        if name in BILINGUAL or name == "note":
            return self.q(_text_of(value, lang))
        if name in NAMES_ITEM:
            return _label(scenarios, str(value), lang)
        if name in NAMES_PRESET:
            return self.q(_preset_label(scenarios, str(value), lang))
        if name == "group" and section == "drivers":
            return t(f"group_{value}", lang)
        if name == "range":
            low, high = value
            return _span(low, high, lang)
        if name == "week" and section == "checks":
            return self.t("every_week") if value == "all" else self.t("at_week", week=value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return number(value, lang)

    # --- field changes ---------------------------------------------------------------------------------

    def field(self, section: str, change: FieldChange) -> str:
        name, old, new = change.name, change.old, change.new
        if change.entry is not None:
            return self.entry(change)
        if name == "lever":
            return self.t("lever_on" if new else "lever_off")
        if name == "direction":
            return self.t("direction_below" if new == "below" else "direction_above")
        if name == "unit" and isinstance(old, dict) != isinstance(new, dict):
            # A schema-1 unit given in both languages: the form changed, the reader's text may not have.
            return self.t("unit_both" if isinstance(new, dict) else "unit_one", unit=self.value(section, name, new, ()))
        word = self.field_word(section, name)
        if name in ONLY_CHANGED:
            key = "field_added" if old is None else "field_removed" if new is None else "field_changed"
            return self.t(key, name=word)
        if old is None:
            return self.t("field_now", name=word, new=self.value(section, name, new, self.newer))
        if new is None:
            return self.t("field_dropped", name=word, old=self.value(section, name, old, self.older))
        if name == "week" and section == "checks":
            return self.t(
                "arrow", old=self.value(section, name, old, self.older), new=self.value(section, name, new, self.newer)
            )
        if name in BILINGUAL and isinstance(old, dict) and isinstance(new, dict):
            word, old, new = self.bilingual(word, old, new)
        return self.t(
            "field_change",
            name=word,
            old=self.value(section, name, old, self.older),
            new=self.value(section, name, new, self.newer),
        )

    def bilingual(self, word: str, old: dict, new: dict) -> tuple[str, Json, Json]:
        """The reader's language where it changed; else the other one, said so (only the other changed)."""
        mine = "de" if self.lang == "de" else "en"
        if old.get(mine) != new.get(mine):
            return word, old, new
        other = "en" if mine == "de" else "de"
        return self.t("in_other", name=word), {mine: old.get(other)}, {mine: new.get(other)}

    def entry(self, change: FieldChange) -> str:
        """One entry of a scale (by level) or of a preset's or check's driver values (by driver)."""
        if change.name == "scale":
            level = number(float(change.entry), self.lang)
            if change.old is None:
                return self.t("level_added", level=level, text=self.q(_text_of(change.new, self.lang)))
            if change.new is None:
                return self.t("level_removed", level=level)
            word, old, new = self.bilingual(self.t("level", level=level), change.old, change.new)
            return self.t(
                "field_change", name=word, old=self.q(_text_of(old, self.lang)), new=self.q(_text_of(new, self.lang))
            )
        driver = _label(self.newer, str(change.entry), self.lang)
        if change.old is None:
            return self.t("value_set", driver=driver, new=number(change.new, self.lang))
        if change.new is None:
            return self.t("value_unset", driver=driver, old=number(change.old, self.lang))
        return self.t("field_change", name=driver, old=number(change.old, self.lang), new=number(change.new, self.lang))

    # --- items -----------------------------------------------------------------------------------------

    def item(self, section: str, key, scenario: Scenario):
        if section == "events":
            target, week, n = key
            return [e for e in scenario.events if e.target == target and e.week == week][n]
        if section == "impacts":
            return next(i for i in scenario.impacts if (i.source_id, i.target) == tuple(key))
        return next(i for i in getattr(scenario, section) if i.id == key)

    def name(self, section: str, item, scenarios: tuple[Scenario, ...]) -> str:
        lang = self.lang
        if section == "impacts":
            source, target = _label(scenarios, item.source_id, lang), _label(scenarios, item.target, lang)
            return self.t("impact_name", source=source, target=target)
        if section == "events":
            target = _label(scenarios, item.target, lang)
            return self.t("event_name", label=self.q(item.label.get(lang)), target=target, week=item.week)
        if section in ("questions", "checks"):
            return self.q(item.text.get(lang))
        return self.q(item.label.get(lang))

    def kind(self, section: str, capital: bool = False) -> str:
        word = KINDS[section][self.lang if self.lang in KINDS[section] else "en"]
        return word[:1].upper() + word[1:] if capital else word

    def added(self, section: str, item) -> str:
        lang, name = self.lang, self.name(section, item, self.newer)
        if section == "drivers":
            return self.t(
                "added_driver", name=name, span=_span(item.min, item.max, lang), default=number(item.default, lang)
            )
        if section == "indicators":
            return self.t("added_indicator", name=name, initial=number(item.initial, lang))
        if section == "impacts":
            span = _span(*item.range, lang)
            return self.t("added_impact", name=name, weight=number(item.weight, lang), span=span)
        if section == "questions":
            return self.t(
                f"added_question_{item.direction}",
                name=name,
                indicator=_label(self.newer, item.indicator, lang),
                threshold=number(item.threshold, lang),
                week=item.by_week,
            )
        if section == "presets":
            count = len(item.values)
            values = self.t("preset_many", count=count)
            if count <= 1:
                values = self.t("preset_one" if count else "preset_defaults")
            return self.t("added_preset", name=name, values=values)
        return self.t("added", kind=self.kind(section, capital=lang == "de"), name=name)

    def removed(self, section: str, item) -> str:
        name = self.name(section, item, self.older)
        if section == "impacts":
            return self.t("removed_impact", name=name, weight=number(item.weight, self.lang))
        return self.t("removed", kind=self.kind(section, capital=self.lang == "de"), name=name)

    def changed(self, section: str, item, diff: ItemDiff) -> str:
        changes = "; ".join(self.field(section, change) for change in diff.fields)
        return self.t(
            "changed", kind=self.kind(section, capital=True), name=self.name(section, item, self.newer), changes=changes
        )

    def meta(self, change: FieldChange) -> str:
        name, old, new = change.name, change.old, change.new
        if name == "title":
            old, new = self.q(_text_of(old, self.lang)), self.q(_text_of(new, self.lang))
        elif name == "uncertainty":
            old, new = self.t(f"uncertainty_{old}"), self.t(f"uncertainty_{new}")
        elif isinstance(old, int | float) and isinstance(new, int | float):
            old, new = number(old, self.lang), number(new, self.lang)
        return self.t(f"meta_{name}", old=old, new=new)


def diff_lines(diff: ScenarioDiff, old: Scenario, new: Scenario, lang: str) -> list[str]:
    """The diff as sentences: the scenario's own fields, then section by section in the diff's order.

    Items are named by their labels: the new file's for what was added or changed, the old file's for what
    was removed; values that name another item (a question's indicator) use the file they come from.
    """
    phrases = _Phrases(old, new, lang)
    lines = [phrases.meta(change) for change in diff.meta]
    for section in diff.sections:
        for entry in section.items:
            if entry.status == "removed":
                lines.append(phrases.removed(section.name, phrases.item(section.name, entry.key, old)))
                continue
            item = phrases.item(section.name, entry.key, new)
            if entry.status == "added":
                lines.append(phrases.added(section.name, item))
            else:
                lines.append(phrases.changed(section.name, item, entry))
    return lines


# --- the impact matrix ---------------------------------------------------------------------------------------

STATUSES = ("same", "changed", "added", "removed")
# Okabe-Ito green, vermillion and orange: apart for the common kinds of colour blindness; black text reads on
# each of them and on the light grey.
STATUS_COLOURS = {"same": "#E6E6E6", "changed": PALETTE[1], "added": PALETTE[2], "removed": PALETTE[3]}
CELL_PX = 34
NAME_CHARS = 26
COLUMN_CHARS = 32


@dataclass(frozen=True)
class MatrixLabels:
    title: str
    sources: str
    targets: str
    weight: str
    added: str
    removed: str
    changed: str
    same: str

    def status(self, status: str) -> str:
        return getattr(self, status)


def matrix_labels(lang: str) -> MatrixLabels:
    """The matrix's texts in `lang`."""
    return MatrixLabels(
        title=_t("matrix_title", lang),
        sources=_t("matrix_sources", lang),
        targets=_t("matrix_targets", lang),
        weight=_t("matrix_weight", lang),
        **{status: _t(f"status_{status}", lang) for status in STATUSES},
    )


def _weight(value: float, lang: str) -> str:
    return "" if value is None or math.isnan(value) else number(value, lang)


def _ordered(column: pd.Series) -> list[str]:
    # engine.diff's frame carries its order as categories; any other frame keeps its order of appearance.
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories if (column == c).any()]
    return list(dict.fromkeys(str(v) for v in column))


def diff_matrix_figure(
    frame: pd.DataFrame, names: Mapping[str, str], labels: MatrixLabels, lang: str = "en"
) -> go.Figure:
    """Targets as rows, sources as columns; a cell per impact in either file, coloured by its status.

    `frame` is engine.diff.impact_matrix_diff's; `names` maps ids to labels (an id without one shows as
    itself). A cell shows the new weight, a removed impact's the old one; the legend names the statuses.
    """
    targets, sources = _ordered(frame["target"]), _ordered(frame["source"])
    row, col = {t_: n for n, t_ in enumerate(targets)}, {s: n for n, s in enumerate(sources)}
    z: list[list[float | None]] = [[None] * len(sources) for _ in targets]
    text = [[""] * len(sources) for _ in targets]
    hover = [[""] * len(sources) for _ in targets]
    code = {status: n for n, status in enumerate(STATUSES)}
    for r in frame.itertuples(index=False):
        i, j = row[str(r.target)], col[str(r.source)]
        old, new = _weight(r.old_weight, lang), _weight(r.new_weight, lang)
        z[i][j] = code[r.status]
        text[i][j] = old if r.status == "removed" else new
        weights = _t("arrow", lang, old=old, new=new) if r.status == "changed" else old or new
        hover[i][j] = (
            f"{plot_text(names.get(str(r.source), str(r.source)))} → "
            f"{plot_text(names.get(str(r.target), str(r.target)))}<br>"
            f"{plot_text(labels.status(r.status))}: {plot_text(labels.weight)} {weights}"
        )
    # One colour per status code: each code owns an equal band of the scale.
    bands = len(STATUSES)
    scale = []
    for n, status in enumerate(STATUSES):
        scale += [[n / bands, STATUS_COLOURS[status]], [(n + 1) / bands, STATUS_COLOURS[status]]]
    traces: list = [
        go.Heatmap(
            z=z,
            x=sources,
            y=targets,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 10, "color": "#1a1a1a"},
            hovertext=hover,
            hoverinfo="text",
            hoverongaps=False,
            colorscale=scale,
            zmin=-0.5,
            zmax=bands - 0.5,
            showscale=False,
            xgap=2,
            ygap=2,
        )
    ]
    # A heatmap has no legend of its own: one empty marker trace per status stands in for it.
    for status in STATUSES:
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": STATUS_COLOURS[status]},
                name=plot_text(labels.status(status)),
                hoverinfo="skip",
            )
        )
    fig = go.Figure(data=traces)
    title = wrapped_text(labels.title, TITLE_CHARS)
    more = TITLE_LINE_PX * title.count("<br>")
    fig.update_xaxes(
        type="category",
        tickmode="array",
        tickvals=sources,
        # One line each, cut short: wrapped and slanted, the names of neighbouring columns ran into each
        # other. The hover text names a cell's source in full.
        ticktext=[plot_text(shortened(names.get(s, s), COLUMN_CHARS)) for s in sources],
        tickangle=-60,
        title={"text": plot_text(labels.sources)},
        showgrid=False,
        automargin=True,
    )
    fig.update_yaxes(
        type="category",
        tickmode="array",
        tickvals=targets,
        ticktext=[wrapped_text(names.get(s, s), NAME_CHARS) for s in targets],
        # The new file's first indicator at the top, as a table reads.
        autorange="reversed",
        title={"text": plot_text(labels.targets)},
        showgrid=False,
        automargin=True,
    )
    fig.update_layout(
        title=hung_title(title),
        height=260 + more + CELL_PX * max(len(targets), 1),
        margin={"l": 20, "r": 20, "t": 60 + more, "b": 20},
        legend={"orientation": "h", "yref": "container", "y": 1, "yanchor": "top", "x": 1, "xanchor": "right"},
        plot_bgcolor="white",
        template=TEMPLATE,
    )
    return fig
