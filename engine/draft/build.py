"""Assembling the drafted elements into one validated `engine.schema.Scenario`.

* First the inline sections are taken out of the prose (engine.draft.inline); their items follow
  the items under the section's heading, if there is one.
* Drivers: facts, pros, cons, challenges, then one per question (named after it, group
  'questions'); the indicators follow the same order, the impacts too, then one damping impact per
  indicator.
* A driver label that another driver already has (two items titled alike, a date and a figure in one
  clause) gets " (2)", " (3)" ... in both languages, as the schema wants labels unique.
* At most 30 items per group, 30 questions and 30 facts are kept (a notice names what was dropped),
  so the YAML stays far below the loader's 256 KiB limit.
* Nothing recognisable (empty, binary, prose without facts) still yields a valid skeleton with
  one placeholder driver and one indicator, plus a notice saying what was missing.
* Every element is a pydantic model of engine.schema, so a rule that produced something the schema
  refuses fails here, before any YAML is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from engine.draft.inline import separate_inline
from engine.draft.rules import (
    DEFAULT_NOTE,
    FACT_NOTES,
    HORIZON_WEEKS,
    PLACEHOLDER_NOTE,
    STATED_NOTE,
    IdRegistry,
    both,
    cited_outlets,
    fact_driver,
    from_article,
    group_indicator,
    item_driver,
    placeholder_driver,
    placeholder_impact,
    question_elements,
    report_facts,
    slugify,
    summary_text,
)
from engine.draft.text import Article, clip, label_text, list_items
from engine.draft.units import PLACEHOLDER_UNIT
from engine.schema import (
    Driver,
    Event,
    Impact,
    Indicator,
    Loc,
    Preset,
    Question,
    Scenario,
    SourceInfo,
    Text,
    check_scenario,
    field_name,
)

MAX_ITEMS_PER_GROUP = 30
MAX_FACTS = 30
EVENT_WEEK = 1
EVENT_SET = 50

MINIMAL_NOTICE = "nothing to draft from: wrote a minimal skeleton (one placeholder driver, one indicator)"
NO_SUMMARY = both("TODO write a summary of the scenario.", "TODO Zusammenfassung des Szenarios schreiben.")
BASELINE = Preset(
    id="baseline", label=both("Baseline (the drafted defaults)", "Ausgangslage (die Standardwerte des Entwurfs)")
)


@dataclass(frozen=True)
class Draft:
    """The drafted scenario and, for each driver id, the TODO comment its default gets in the YAML."""

    scenario: Scenario
    default_notes: dict[str, str]


@dataclass
class Elements:
    """The schema elements drafted so far, in the order the YAML lists them."""

    lang: str
    ids: IdRegistry = field(default_factory=IdRegistry)
    drivers: list[Driver] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    impacts: list[Impact] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    default_notes: dict[str, str] = field(default_factory=dict)

    def add(self, indicator: Indicator, drivers: list[tuple[Driver, str]]) -> None:
        """The indicator, and each driver (with its default's note) pushing it."""
        for driver, note in drivers:
            self.drivers.append(driver)
            self.impacts.append(placeholder_impact(driver, indicator))
            self.default_notes[driver.id] = note
        self.indicators.append(indicator)


def capped(items: list, limit: int, name: str, notices: list[str]) -> list:
    if len(items) > limit:
        notices.append(f"kept the first {limit} of {len(items)} {name}")
        return items[:limit]
    return items


def add_group(elements: Elements, drivers: list[tuple[Driver, str]], notices: list[str], name: str) -> None:
    drivers = capped(drivers, MAX_ITEMS_PER_GROUP, name, notices)
    if drivers:
        first = drivers[0][0]
        elements.add(group_indicator(first.group, first, elements.ids), drivers)


def add_facts(elements: Elements, article: Article, notices: list[str]) -> None:
    facts = capped(report_facts(article.report), MAX_FACTS, "facts", notices)
    drivers = [fact_driver(fact, elements.ids, elements.lang) for fact in facts]
    for fact, driver in zip(facts, drivers, strict=True):
        if fact.kind == "time":
            label = from_article(driver.source.quote, elements.lang)
            event = Event(week=EVENT_WEEK, target=driver.id, set=EVENT_SET, label=label, source=driver.source)
            elements.events.append(event)
    if not facts:
        notices.append("no facts found in the report (troop counts, dates or weekdays, 'first ... since')")
    add_group(elements, [(d, FACT_NOTES[f.kind]) for f, d in zip(facts, drivers, strict=True)], notices, "facts")


def default_note(driver: Driver) -> str:
    """The TODO beside a default: a stated figure is to be checked, a placeholder range to be set."""
    return DEFAULT_NOTE if driver.unit == PLACEHOLDER_UNIT else STATED_NOTE


def add_questions(elements: Elements, article: Article, notices: list[str]) -> None:
    headed = list_items(article.sections.get("questions", []), questions=True)
    items = headed + article.inline.get("questions", [])
    if "questions" not in article.sections and not items:
        notices.append("no questions section found (e.g. 'Wichtige Fragen und Antworten', 'Key questions')")
    elif "questions" in article.sections and not headed:
        notices.append("the questions section holds no recognisable questions")
    for n, item in enumerate(capped(items, MAX_ITEMS_PER_GROUP, "questions", notices), start=1):
        question, driver, indicator = question_elements(n, item, elements.ids, elements.lang)
        elements.questions.append(question)
        elements.add(indicator, [(driver, default_note(driver))])


def add_list_group(elements: Elements, article: Article, group: str, notices: list[str]) -> None:
    items = list_items(article.sections.get(group, [])) + article.inline.get(group, [])
    if not items:
        notices.append(f"no {group} found")
    # Every item takes its id before the cap, so that the kept ones are named as they always were.
    drivers = [item_driver(item, group, elements.ids, elements.lang) for item in items]
    add_group(elements, [(driver, default_note(driver)) for driver in drivers], notices, group)


def section_notices(article: Article, notices: list[str]) -> list[str]:
    """Where the per-section notices go: without any heading or inline label one notice says it all."""
    if not article.sections and not article.inline:
        notices.append("no known section headings found (questions, challenges, pros/cons, conclusion)")
        return []
    if article.inline:
        found = ", ".join(f"{len(items)} {kind}" for kind, items in article.inline.items())
        notices.append(f"read from inline labels and questions in the text: {found}")
    if article.sections.get("proscons"):
        skipped = len(list_items(article.sections["proscons"]))
        if skipped:
            notices.append(
                f"skipped {skipped} items under '{article.headings['proscons']}' without a pros or cons sub-heading"
            )
    if "conclusion" not in article.sections:
        notices.append("no conclusion found")
    return notices


def unique_labels(drivers: list[Driver]) -> tuple[Driver, ...]:
    """The drivers, each label already taken in a language (ignoring case, as the schema does) numbered."""
    seen: dict[str, set[str]] = {"en": set(), "de": set()}
    out = []
    for driver in drivers:
        label, n = driver.label, 2
        while label.en.casefold() in seen["en"] or label.de.casefold() in seen["de"]:
            label, n = Text(en=f"{driver.label.en} ({n})", de=f"{driver.label.de} ({n})"), n + 1
        seen["en"].add(label.en.casefold())
        seen["de"].add(label.de.casefold())
        out.append(driver if label == driver.label else driver.model_copy(update={"label": label}))
    return tuple(out)


class DraftRefused(ValueError):
    """The schema refused what a rule made (a bug in the rules); says the first problem, as the loader would."""

    def __init__(self, loc: Loc, message: str):
        super().__init__(f"{field_name(loc)}: {message}")


def build_draft(article: Article, lang: str, notices: list[str]) -> Draft:
    """The validated scenario of an article; raises DraftRefused when the schema refuses it."""
    try:
        draft = assemble(article, lang, notices)
    except ValidationError as err:
        first = err.errors()[0]
        raise DraftRefused(first["loc"], first["msg"]) from err
    # Checked apart, like the loader does, so that the notice names one problem rather than all of them.
    problems = check_scenario(draft.scenario)
    if problems:
        raise DraftRefused(*problems[0])
    return draft


def assemble(article: Article, lang: str, notices: list[str]) -> Draft:
    """Every element in the order the module docstring gives; the cross-references are left to build_draft."""
    elements = Elements(lang)
    article = separate_inline(article)
    per_section = section_notices(article, notices)
    add_facts(elements, article, notices)
    for group in ("pros", "cons", "challenges"):
        add_list_group(elements, article, group, per_section)
    add_questions(elements, article, per_section)
    if not elements.drivers:
        notices.append(MINIMAL_NOTICE)
        add_group(elements, [(placeholder_driver(article, elements.ids), PLACEHOLDER_NOTE)], notices, "placeholders")
    headline = article.headline or "Draft scenario"
    if article.headline:
        title = from_article(label_text(headline.rstrip("."), 300), lang)
    else:
        title = both(headline, "Szenario-Entwurf")
    summary = summary_text(article)
    body = "\n".join(line.raw for lines in [article.report, *article.sections.values()] for line in lines)
    fields = {
        "schema": 2,
        "id": slugify(headline, sep="-") or "draft",
        "title": title,
        "summary": from_article(summary, lang) if summary else NO_SUMMARY,
        "source": SourceInfo(title=clip(headline, 300), language=lang, cited_outlets=tuple(cited_outlets(body))),
        "horizon_weeks": HORIZON_WEEKS,
        "uncertainty": "triangular",
        "drivers": unique_labels(elements.drivers),
        "indicators": tuple(elements.indicators),
        "impacts": (*elements.impacts, *(placeholder_impact(i, i) for i in elements.indicators)),
        "questions": tuple(elements.questions),
        "events": tuple(elements.events),
        "presets": (BASELINE,),
    }
    scenario = Scenario.model_validate(fields, context={"defer_checks": True})
    return Draft(scenario, elements.default_notes)
