"""The bottom line in words: one sentence per question, and one for what the current settings change.

The sentences are filled in from the numbers by fixed templates (present.i18n), never written freely, so
the same link gives the same words; numbers are written the reader's way (28%, 12,000 / 28 %, 12.000).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from engine.report import QuestionSummary
from engine.schema import Scenario
from present.i18n import t
from present.tables import number, percent_span, percent_text

# How many changed drivers the change sentence names before it says "and N more".
NAMED_CHANGES = 3


def listing(items: Sequence[str], lang: str) -> str:
    """'A', 'A and B', 'A, B and C' (German: 'und')."""
    if len(items) <= 1:
        return "".join(items)
    return t("and_list", lang, first=", ".join(items[:-1]), last=items[-1])


def question_sentence(scenario: Scenario, summary: QuestionSummary, lang: str) -> str:
    q = summary.question
    indicator = scenario.indicator(q.indicator)
    level = indicator.level_at(q.threshold)
    target = t("level_named", lang, threshold=q.threshold, level=level.text.get(lang)) if level else f"{q.threshold:g}"
    key = "bottom_question_below" if q.direction == "below" else "bottom_question"
    sentence = t(
        key,
        lang,
        indicator=indicator.label.get(lang),
        target=target,
        week=q.by_week,
        probability=percent_text(summary.probability, lang),
        interval=percent_span(summary.low, summary.high, lang),
    )
    if summary.lowest is not None and summary.highest is not None:
        sentence += t("bottom_presets", lang, span=percent_span(summary.lowest[1], summary.highest[1], lang))
    if summary.drivers:
        names = [scenario.driver(d).label.get(lang) for d in summary.drivers]
        sentence += t("bottom_drivers", lang, drivers=listing(names, lang))
    return sentence + "."


def change_sentence(
    scenario: Scenario,
    values: Mapping[str, float],
    reference_values: Mapping[str, float],
    reference_name: str,
    questions: pd.DataFrame,
    reference_questions: pd.DataFrame,
    lang: str,
) -> str | None:
    """What the current settings change against the reference preset, and how far each answer moves
    (whole points, as the cards count them); None when the settings are the reference's."""
    changed = [d for d in scenario.drivers if values[d.id] != reference_values[d.id]]
    if not changed:
        return None
    named = [
        t(
            "bottom_change",
            lang,
            driver=d.label.get(lang),
            before=number(reference_values[d.id], lang),
            after=number(values[d.id], lang),
            unit=d.unit_in(lang),
        )
        for d in changed[:NAMED_CHANGES]
    ]
    if len(changed) > NAMED_CHANGES:
        named.append(t("bottom_more", lang, count=len(changed) - NAMED_CHANGES))
    now = questions.set_index("question")["probability"]
    before = reference_questions.set_index("question")["probability"]
    moves = []
    for q in scenario.questions:
        delta = round((float(now[q.id]) - float(before[q.id])) * 100)
        shown = f"{delta:+d}" if delta else "±0"
        moves.append(t("bottom_move", lang, indicator=scenario.indicator(q.indicator).label.get(lang), delta=shown))
    reference = t("quoted", lang, text=reference_name)
    return t("bottom_changed", lang, reference=reference, changes=listing(named, lang), moves="; ".join(moves))


def bottom_line(
    scenario: Scenario,
    summaries: Sequence[QuestionSummary],
    lang: str,
    change: str | None = None,
) -> list[str]:
    """The bottom line as sentences: one per question, then (off the reference) what the settings changed."""
    return [question_sentence(scenario, s, lang) for s in summaries] + ([change] if change else [])
