"""The tables the page and the briefing pack both show, built once: drivers, indicators, impacts, readouts, checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from engine.checks import CheckResult
from engine.schema import Indicator, Question, Scenario, Source
from present.i18n import t, whole_number
from present.text import md_escape

# Below this probability, or above one minus it, a question's answer is a bound rather than a forecast.
SATURATED = 0.03


@dataclass(frozen=True)
class Table:
    """Column labels in the reader's language, rows of plain values, which columns hold numbers, and which
    hold long text (quotes, judgements, notes) that the page shows in full below its table, not in a cell."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    numeric: frozenset[int] = frozenset()
    long: frozenset[int] = frozenset()
    headings: frozenset[int] = frozenset()  # rows that name the group of rows under them (first cell only)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=list(self.columns))

    def short_frame(self) -> pd.DataFrame:
        """The frame without its long-text columns."""
        return self.frame().drop(columns=[self.columns[n] for n in sorted(self.long)])


# --- scales -------------------------------------------------------------------------------------------------


def scale_of(indicator: Indicator, lang: str) -> tuple[tuple[float, str], ...]:
    """The indicator's levels as plain (level, text) pairs in `lang`, what the charts take; () in schema 1."""
    return tuple((level.level, level.text.get(lang)) for level in indicator.scale)


def scale_text(indicator: Indicator, lang: str) -> str:
    """'20 Quiet · 50 Busy · 80 Crowded'; '' without a scale."""
    return " · ".join(f"{level.level:g} {level.text.get(lang)}" for level in indicator.scale)


def level_name(indicator: Indicator, value: float, lang: str) -> str | None:
    """The level `value` falls in, named as the page shows the value (one decimal); None without a scale."""
    if not indicator.scale:
        return None
    level = indicator.level_of(round(value, 1))
    if level is None:
        return t("below_level", lang, level=indicator.scale[0].text.get(lang))
    return level.text.get(lang)


def with_level(indicator: Indicator, value: float, lang: str) -> str:
    """'38.2 (Quiet)': the value to one decimal and the level it falls in; the number alone without a scale."""
    number = f"{value:.1f}"
    name = level_name(indicator, value, lang)
    return number if name is None else t("value_level", lang, value=number, level=name)


# --- sources ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    """A source as the reader sees it: a quote of the article (with its section and, when there is one, its
    translation into the reader's language) or the analyst's judgement in the reader's language."""

    judgement: bool
    kind: str
    words: str
    section: str
    translation: str

    def markdown(self, lang: str) -> str:
        """One line of Markdown (a list item's), every scenario text escaped."""
        if self.judgement:
            return f"*{self.kind}:* {_inline(self.words)}"
        line = f"*{self.kind}* ({_inline(self.section)}): {_inline(t('quoted', lang, text=self.words))}"
        if self.translation:
            line += f" — *{t('translation', lang)}:* {_inline(t('quoted', lang, text=self.translation))}"
        return line

    def plain(self, lang: str) -> str:
        """The same as plain text, for a table cell."""
        if self.judgement:
            return self.words
        text = f"{t('quoted', lang, text=self.words)} ({self.section})"
        if self.translation:
            text += f" — {t('translation', lang)}: {t('quoted', lang, text=self.translation)}"
        return text


def _inline(text: str) -> str:
    # A line break inside a judgement would end the list item it stands in: one line, escaped.
    return md_escape(" ".join(text.split()))


def cited(source: Source, lang: str) -> Cited:
    if source.judgement is not None:
        return Cited(True, t("kind_judgement", lang), source.judgement.get(lang), "", "")
    translation = getattr(source.translation, lang, None) if source.translation is not None else None
    return Cited(False, t("kind_quote", lang), source.quote or "", source.section or "", translation or "")


def _source_columns(sources: Sequence[Source], lang: str) -> tuple[tuple[str, ...], list[tuple[str, ...]], int]:
    """The source columns of a table (kind, words, [translation], section), their cells, and how many of the
    columns hold long text. The translation column is there only when some source has one in `lang`."""
    cites = [cited(s, lang) for s in sources]
    translated = any(c.translation for c in cites)
    columns = ("source_label", "source_words", *(("translation",) if translated else ()), "section")
    cells = [(c.kind, c.words, *((c.translation,) if translated else ()), c.section) for c in cites]
    return tuple(t(k, lang) for k in columns), cells, 2 if translated else 1


def drivers_table(scenario: Scenario, values: Mapping[str, float], lang: str) -> Table:
    first = tuple(t(k, lang) for k in ("driver", "group", "unit", "default", "current"))
    source_columns, cells, long = _source_columns([d.source for d in scenario.drivers], lang)
    return Table(
        columns=first + source_columns,
        rows=tuple(
            (d.label.get(lang), t(f"group_{d.group}", lang), d.unit_in(lang), d.default, values[d.id], *cell)
            for d, cell in zip(scenario.drivers, cells, strict=True)
        ),
        numeric=frozenset({3, 4}),
        long=frozenset(range(len(first) + 1, len(first) + 1 + long)),
    )


def indicators_table(scenario: Scenario, lang: str) -> Table:
    """Start value, and in schema 2 its level, the scale and what the start value rests on."""
    scaled = any(i.scale for i in scenario.indicators)
    started = any(i.initial_source is not None for i in scenario.indicators)
    first = tuple(t(k, lang) for k in ("indicator", "initial", *(("initial_level", "scale") if scaled else ())))
    source_columns, cells, long = _source_columns([i.source for i in scenario.indicators], lang)
    last = tuple(t(k, lang) for k in ("initial_kind", "initial_words")) if started else ()
    rows = []
    for i, cell in zip(scenario.indicators, cells, strict=True):
        row: list[object] = [i.label.get(lang), i.initial]
        if scaled:
            row += [level_name(i, i.initial, lang) or "", scale_text(i, lang)]
        row += cell
        if started:
            start = cited(i.initial_source, lang) if i.initial_source is not None else None
            row += [start.kind, start.plain(lang)] if start else ["", ""]
        rows.append(tuple(row))
    columns = first + source_columns + last
    long_columns = set(range(len(first) + 1, len(first) + 1 + long))
    if scaled:
        long_columns.add(3)
    if started:
        long_columns.add(len(columns) - 1)
    return Table(columns=columns, rows=tuple(rows), numeric=frozenset({1}), long=frozenset(long_columns))


def impacts_table(scenario: Scenario, lang: str) -> Table:
    label = {d.id: d.label.get(lang) for d in scenario.drivers} | {i.id: i.label.get(lang) for i in scenario.indicators}
    first = tuple(t(k, lang) for k in ("from", "to", "weight", "range"))
    source_columns, cells, long = _source_columns([i.source for i in scenario.impacts], lang)
    return Table(
        columns=(*first, *source_columns, t("note", lang)),
        rows=tuple(
            (
                label[i.source_id],
                label[i.target],
                i.weight,
                f"{i.range[0]:g} … {i.range[1]:g}",
                *cell,
                i.note or "",
            )
            for i, cell in zip(scenario.impacts, cells, strict=True)
        ),
        numeric=frozenset({2}),
        long=frozenset({*range(len(first) + 1, len(first) + 1 + long), len(first) + len(source_columns)}),
    )


# --- question readouts --------------------------------------------------------------------------------------


def percent_digits(share: float) -> str:
    """A share as percent digits: whole, except within a point of 0 or 100 but not on it, where one decimal
    stays ("0–0%" would claim no run at all)."""
    percent = share * 100
    return f"{percent:.1f}" if 0 < percent < 1 or 99 < percent < 100 else f"{percent:.0f}"


def _digits(share: float, lang: str) -> str:
    text = percent_digits(share)
    return text.replace(".", ",") if lang == "de" else text


def percent_text(share: float, lang: str) -> str:
    """'28%' / '28 %'; within a point of 0 or 100 (but not on it) one decimal ('0.4%' / '0,4 %')."""
    return t("percent_value", lang, value=_digits(share, lang))


def percent_span(low: float, high: float, lang: str) -> str:
    """'25–31%' / '25–31 %': one unit for both bounds."""
    return f"{_digits(low, lang)}–{percent_text(high, lang)}"


@dataclass(frozen=True)
class Readout:
    """One question's answer as both the page's cards and the pack show it."""

    question: Question
    probability: float  # 0-1
    change: int | None  # whole percentage points against the reference, None without one
    low: float  # the 95 % Wilson interval of `probability` (0-1)
    high: float

    def percent(self, lang: str) -> str:
        return percent_text(self.probability, lang)

    def versus(self, reference_name: str, lang: str) -> str:
        """'+3 pts vs. Reported baseline'; no change reads '±0', never '+0' or '-0'."""
        if self.change is None:
            return ""
        delta = f"{self.change:+d}" if self.change else "±0"
        return t("vs_baseline", lang, delta=delta, preset=reference_name)

    def interval(self, runs: int, lang: str) -> str:
        """'95% interval 25–31%, 1,000 runs': how far the share itself may be off from the runs drawn."""
        return t("question_interval", lang, span=percent_span(self.low, self.high, lang), runs=whole_number(runs, lang))

    @property
    def saturated(self) -> Literal["yes", "no"] | None:
        """'yes' or 'no' when the answer is all but certain (under 3 % or over 97 %, or an interval that
        reaches 0 or 1): then the number says more about the settings than about the world."""
        if self.low <= 0 or self.probability < SATURATED:
            return "no"
        if self.high >= 1 or self.probability > 1 - SATURATED:
            return "yes"
        return None

    def target(self, scenario: Scenario, lang: str) -> str:
        """The threshold as the reader should read it: 'level 50 “Busy”' on a scale, the number alone without."""
        q = self.question
        level = scenario.indicator(q.indicator).level_at(q.threshold)
        if level is None:
            return f"{q.threshold:g}"
        return t("level_named", lang, threshold=q.threshold, level=level.text.get(lang))

    def condition(self, scenario: Scenario, lang: str) -> str:
        """'Level reaches level 50 “Busy” by week 8', or for direction below 'falls to or below'."""
        q = self.question
        key = "question_level_below" if q.direction == "below" else "question_level"
        indicator = scenario.indicator(q.indicator).label.get(lang)
        return t(key, lang, indicator=indicator, level=self.target(scenario, lang), week=q.by_week)

    def explanation(self, scenario: Scenario, runs: int, lang: str) -> str:
        """What the percentage is a share of, with the question's direction and level."""
        q = self.question
        key = "question_value_below" if q.direction == "below" else "question_value"
        return t(
            key,
            lang,
            probability=self.percent(lang),
            runs=whole_number(runs, lang),
            indicator=scenario.indicator(q.indicator).label.get(lang),
            level=self.target(scenario, lang),
            week=q.by_week,
        )


def readouts(scenario: Scenario, questions: pd.DataFrame, reference: pd.DataFrame | None) -> list[Readout]:
    """Each question's probability, its interval and its change against `reference` (rounded to whole points
    first)."""
    now = questions.set_index("question")
    before = reference.set_index("question")["probability"] if reference is not None else None
    out = []
    for q in scenario.questions:
        row = now.loc[q.id]
        p = float(row["probability"])
        change = None if before is None else round((p - float(before[q.id])) * 100)
        out.append(Readout(q, p, change, float(row["low"]), float(row["high"])))
    return out


# --- reality checks -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckLine:
    """One reality check as the reader sees it: whether it holds, its text and what was expected and found."""

    holds: bool
    text: str
    detail: str
    source: Cited | None

    @property
    def mark(self) -> str:
        return "✓" if self.holds else "✗"

    def markdown(self, lang: str) -> str:
        """A list item: the mark, the check's text in bold, what was expected and found, and its source."""
        item = f"- {self.mark} **{_inline(self.text)}** — {_inline(self.detail)}"
        if self.source is not None:
            item += f"\n  - {self.source.markdown(lang)}"
        return item


def checks_markdown(lines: Sequence[CheckLine], lang: str) -> str:
    """The reality checks as one Markdown list."""
    return "\n".join(line.markdown(lang) for line in lines)


def _expected(scenario: Scenario, result: CheckResult, lang: str) -> str:
    c = result.check
    indicator = scenario.indicator(c.indicator).label.get(lang)
    if c.compares_runs and c.bound == 0:
        key = "check_not_above_reference" if c.condition == "below_reference" else "check_not_below_reference"
    else:
        key = f"check_{c.condition}"
    return t(key, lang, indicator=indicator, bound=c.bound)


def check_lines(scenario: Scenario, results: Sequence[CheckResult], lang: str) -> list[CheckLine]:
    """The checks in file order, each with the number behind its verdict (and the level it falls in)."""
    out = []
    for result in results:
        c = result.check
        indicator = scenario.indicator(c.indicator)
        observed = with_level(indicator, result.observed, lang)
        if result.reference is not None:
            name = (
                t("check_reference_preset", lang, preset=scenario.preset(c.reference).label.get(lang))
                if c.reference
                else t("check_reference_run", lang)
            )
            reference = with_level(indicator, result.reference, lang)
            observed = t("check_against", lang, observed=observed, reference=reference, name=name)
        if c.week != "all":
            found = t("check_found", lang, observed=observed, week=result.week)
        else:
            found = t("check_closest" if result.holds else "check_worst", lang, observed=observed, week=result.week)
        when = t("check_every_week", lang) if c.week == "all" else t("check_at_week", lang, week=c.week)
        detail = t("check_detail", lang, expected=_expected(scenario, result, lang), when=when, found=found)
        source = cited(c.source, lang) if c.source is not None else None
        out.append(CheckLine(result.holds, c.text.get(lang), detail, source))
    return out


# --- comparisons --------------------------------------------------------------------------------------------


def number(value: float, lang: str) -> str:
    """A slider value: thousands grouped, a decimal only where there is one (12,000 / 12.000; 2.5 / 2,5)."""
    if float(value).is_integer():
        return whole_number(int(value), lang)
    text = f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".") if lang == "de" else text


def decimal(value: float, lang: str, signed: bool = False) -> str:
    """One decimal the reader's way ('63.1' / '63,1'); `signed` for a difference ('+3.2', '−1.0', '±0.0')."""
    text = f"{abs(value):.1f}" if signed else f"{value:.1f}"
    if signed:
        text = ("±" if text == "0.0" else "+" if value > 0 else "−") + text
    return text.replace(".", ",") if lang == "de" else text


def _distinct(labels: Sequence[str]) -> tuple[str, ...]:
    """Column labels made distinct ('Driver', 'Driver (2)'): a preset may share a label with a column."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return tuple(out)


def differences_table(scenario: Scenario, differences: pd.DataFrame, presets: Mapping[str, str], lang: str) -> Table:
    """Drivers that differ (engine.report.driver_differences): the driver, its current value, each preset's.
    `presets` maps the frame's reference columns to the presets' names."""
    columns = _distinct((t("driver", lang), t("current", lang), *presets.values()))
    rows = tuple(
        (scenario.driver(row["driver"]).label.get(lang), *(number(row[c], lang) for c in ("current", *presets)))
        for _, row in differences.iterrows()
    )
    return Table(columns=columns, rows=rows, numeric=frozenset(range(1, len(columns))))


def end_comparison_table(scenario: Scenario, deltas: pd.DataFrame, presets: Mapping[str, str], lang: str) -> Table:
    """The end of the horizon in long form, narrow enough for a phone: per indicator a heading row, then a
    row for the current settings and one per preset with its median, its difference (preset minus current)
    and the level the median reaches. `deltas` is engine.report.end_deltas's frame; `presets` maps its
    columns to the presets' names."""
    scaled = any(i.scale for i in scenario.indicators)
    columns = [t("compare_setting", lang), t("compare_median", lang), t("compare_delta", lang)]
    if scaled:
        columns.append(t("compare_level", lang))
    rows: list[tuple[object, ...]] = []
    headings = set()
    for _, row in deltas.iterrows():
        indicator = scenario.indicator(row["indicator"])
        headings.add(len(rows))
        rows.append((indicator.label.get(lang), *[""] * (len(columns) - 1)))
        now = float(row["current"])
        lines = [(t("current", lang), now, None)]
        lines += [(name, float(row[key]), float(row[f"delta {key}"])) for key, name in presets.items()]
        for setting, value, delta in lines:
            cells = [setting, decimal(value, lang), "" if delta is None else decimal(delta, lang, signed=True)]
            if scaled:
                cells.append(level_name(indicator, round(value, 1), lang) or "")
            rows.append(tuple(cells))
    return Table(columns=tuple(columns), rows=tuple(rows), numeric=frozenset({1, 2}), headings=frozenset(headings))
