"""The draft's placeholders as a to-do list: one `TodoItem` per line of the YAML that carries "TODO".

engine.draft.write puts exactly one marker on the line of each placeholder (a value that begins with
"TODO" or "[TODO translate]", or a TODO comment beside a number, id or unit). This module reads the
finished YAML text back, so the list always matches what the student sees, whichever text was written:

  * The header comment (the lines before the first key) explains the markers and is no placeholder.
  * Every later line holding "TODO" gives one item. Its field is the YAML path that starts on that
    line: the deepest one when the paths there nest in a chain (`- week: 1` is events[0].week), the
    one they branch from when several start there (a flow `unit: {en: ..., de: ...}` is
    drivers[2].unit, a flow scale level is indicators[0].scale[1]). A comment line belongs to the
    key above it (the presets' note is `presets`).
  * The text says what to do, in English (`text`) and German (`text_de`), naming the element by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from engine.draft.rules import FACT_NOTES, PLACEHOLDER_NOTE, STATED_NOTE, TODO_TRANSLATE
from engine.draft.units import PLACEHOLDER_UNIT
from engine.loader import Document, ScenarioError, parse_document
from engine.schema import Loc, Scenario, field_name

MARKER = "TODO"
_LANGUAGES = {"en": ("English", "Englische"), "de": ("German", "Deutsche")}


@dataclass(frozen=True)
class TodoItem:
    """One placeholder of a draft: where it is and what the student must do about it."""

    line: int  # 1-based line of the draft's yaml_text that carries the marker
    field: str  # the YAML path of the placeholder, as the loader names fields: "drivers[2].unit"
    text: str  # what to do, in English
    text_de: str  # what to do, in German


def header_length(lines: list[str]) -> int:
    """How many lines the header comment takes (before the first line that is not a comment)."""
    for n, line in enumerate(lines):
        if not line.startswith("#"):
            return n
    return len(lines)


def field_at(line: int, starts: dict[int, list[Loc]], document: Document) -> Loc:
    """The path a marker on `line` belongs to (rule in the module docstring)."""
    here = sorted(starts.get(line, []), key=len)
    if not here:
        above = [n for n in starts if n < line]
        if not above:
            return ()
        return min(starts[max(above)], key=len)
    chain = all(deeper[: len(shallower)] == shallower for shallower, deeper in pairwise(here))
    if chain and len({len(loc) for loc in here}) == len(here):
        return here[-1]
    return here[0]


def _element(scenario: Scenario, loc: Loc) -> tuple[str, str]:
    """How an element is named in both languages: "driver 'troops'" / "Treiber 'troops'"."""
    kind, n = loc[0], loc[1] if len(loc) > 1 else None
    if not isinstance(n, int):
        return {"title": ("the title", "den Titel"), "summary": ("the summary", "die Zusammenfassung")}.get(
            kind, (field_name(loc), field_name(loc))
        )
    if kind == "drivers":
        return f"driver '{scenario.drivers[n].id}'", f"Treiber '{scenario.drivers[n].id}'"
    if kind == "indicators":
        return f"indicator '{scenario.indicators[n].id}'", f"Indikator '{scenario.indicators[n].id}'"
    if kind == "questions":
        return f"question '{scenario.questions[n].id}'", f"Frage '{scenario.questions[n].id}'"
    if kind == "events":
        return (
            f"event {n + 1} (on '{scenario.events[n].target}')",
            f"Ereignis {n + 1} (auf '{scenario.events[n].target}')",
        )
    if kind == "impacts":
        imp = scenario.impacts[n]
        return f"impact '{imp.source_id}' -> '{imp.target}'", f"Wirkung '{imp.source_id}' -> '{imp.target}'"
    return field_name(loc), field_name(loc)


_PARTS = {
    "label": ("the label of", "die Bezeichnung von"),
    "description": ("the description of", "die Beschreibung von"),
    "text": ("the text of", "den Text von"),
}


def _translation(scenario: Scenario, loc: Loc) -> tuple[str, str]:
    lang_en, lang_de = _LANGUAGES[str(loc[-1])]
    what_en, what_de = _element(scenario, loc)
    if len(loc) > 2 and loc[2] in _PARTS:
        part_en, part_de = _PARTS[str(loc[2])]
        what_en, what_de = f"{part_en} {what_en}", f"{part_de} {what_de}"
    return (
        f"Translate {what_en} into {lang_en}: replace the marked copy of the original.",
        f"{what_de[:1].upper()}{what_de[1:]} ins {lang_de} übersetzen: die markierte Kopie des Originals ersetzen.",
    )


def _default(scenario: Scenario, n: int, comment: str) -> tuple[str, str]:
    driver = scenario.drivers[n]
    name = driver.id
    if STATED_NOTE in comment:
        figure = f"{driver.default:g} {driver.unit_in('en')}"
        return (
            f"Check min, max and step of driver '{name}' around the figure the article states ({figure}).",
            f"Min, Max und Schritt von Treiber '{name}' um die Zahl im Artikel ({figure}) prüfen.",
        )
    if FACT_NOTES["time"] in comment:
        return (
            f"Set the level of driver '{name}' before its event; the event sets it in week 1.",
            f"Den Wert von Treiber '{name}' vor seinem Ereignis setzen; das Ereignis setzt ihn in Woche 1.",
        )
    if FACT_NOTES["first"] in comment:
        return (
            f"Set how strongly the break with precedent of driver '{name}' weighs (0-100).",
            f"Festlegen, wie stark der Bruch mit dem Präzedenzfall (Treiber '{name}') wiegt (0-100).",
        )
    if PLACEHOLDER_NOTE in comment:
        return (
            f"Replace the placeholder driver '{name}' with a real driver.",
            f"Den Platzhalter-Treiber '{name}' durch einen echten Treiber ersetzen.",
        )
    # DEFAULT_NOTE: a range the drafter made up.
    return (
        f"Set min, max, step and default of driver '{name}': 0-100, step 5, default 50 are placeholders.",
        f"Min, Max, Schritt und Standardwert von Treiber '{name}' setzen: 0-100, Schritt 5, Standard 50 sind"
        " Platzhalter.",
    )


def describe(scenario: Scenario, loc: Loc, line: str) -> tuple[str, str]:
    """What to do about the placeholder at `loc`, whose marker is on `line` (English, German)."""
    comment = line.split("  # ", 1)[1] if "  # " in line else ""
    shape = tuple("*" if isinstance(part, int) else part for part in loc)
    n = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
    in_language = shape[-1:] in (("en",), ("de",))
    lang_en, lang_de = _LANGUAGES[str(loc[-1])] if in_language else ("", "")
    if TODO_TRANSLATE.strip() in line and in_language and comment == "":
        return _translation(scenario, loc)
    fixed = {
        ("id",): (
            "Choose a short id for the scenario, unique in scenarios/.",
            "Eine kurze, in scenarios/ eindeutige Id für das Szenario wählen.",
        ),
        ("title",): (
            "Give the scenario a title in both languages.",
            "Dem Szenario einen Titel in beiden Sprachen geben.",
        ),
        ("summary",): (
            "Write a summary of the scenario in both languages (the draft holds the article's first paragraph).",
            "Eine Zusammenfassung des Szenarios in beiden Sprachen schreiben (der Entwurf enthält den ersten Absatz"
            " des Artikels).",
        ),
        ("source", "cited_outlets"): (
            "Check the cited outlets: the drafter lists the known outlets it found named in the article.",
            "Die zitierten Medien prüfen: der Entwurf nennt die bekannten Medien, die der Artikel erwähnt.",
        ),
        ("horizon_weeks",): (
            "Set the horizon: how many weeks the scenario looks ahead.",
            "Den Horizont setzen: wie viele Wochen das Szenario vorausschaut.",
        ),
        ("questions",): (
            "Add the questions the scenario should answer: none was found in the article.",
            "Die Fragen ergänzen, die das Szenario beantworten soll: der Artikel enthielt keine erkennbaren.",
        ),
        ("presets",): (
            "Add presets such as escalation and de-escalation.",
            "Voreinstellungen wie Eskalation und Deeskalation ergänzen.",
        ),
    }
    if shape in fixed:
        return fixed[shape]
    if in_language and shape[:-1] == ("summary",):
        return f"Write the summary in {lang_en}.", f"Die Zusammenfassung auf {lang_de[:-1]} schreiben."
    if shape == ("drivers", "*", "unit"):
        driver = scenario.drivers[n]
        if driver.unit == PLACEHOLDER_UNIT:
            return (
                f"Define the unit of driver '{driver.id}': the article states none (e.g. '% of ...').",
                f"Die Einheit von Treiber '{driver.id}' festlegen: der Artikel nennt keine (z. B. '% von ...').",
            )
        unit = f"{driver.unit_in('en')} / {driver.unit_in('de')}"
        return (
            f"Check the unit of driver '{driver.id}' ({unit}): read from the figure the article states.",
            f"Die Einheit von Treiber '{driver.id}' ({unit}) prüfen: aus der Zahl im Artikel gelesen.",
        )
    if shape == ("drivers", "*", "default"):
        return _default(scenario, n, comment)
    indicator = scenario.indicators[n].id if shape[:1] == ("indicators",) else ""
    if shape == ("indicators", "*", "label"):
        return (
            f"Name what indicator '{indicator}' measures, in both languages.",
            f"Benennen, was Indikator '{indicator}' misst, in beiden Sprachen.",
        )
    if shape == ("indicators", "*", "initial"):
        return (
            f"Set the level indicator '{indicator}' starts at (0-100).",
            f"Den Startwert von Indikator '{indicator}' setzen (0-100).",
        )
    if in_language and shape[:-1] == ("indicators", "*", "initial_source", "judgement"):
        return (
            f"Write in {lang_en} why indicator '{indicator}' starts at that level (or cite a quote that states it).",
            f"Auf {lang_de[:-1]} begründen, warum Indikator '{indicator}' auf dieser Höhe beginnt (oder ein Zitat"
            " angeben, das sie nennt).",
        )
    if shape == ("indicators", "*", "scale", "*"):
        level = scenario.indicators[n].scale[loc[3]].level
        return (
            f"Describe what one would observe at level {level:g} of indicator '{indicator}', in both languages.",
            f"Beschreiben, was man auf Stufe {level:g} von Indikator '{indicator}' beobachten würde, in beiden"
            " Sprachen.",
        )
    if shape == ("impacts", "*", "weight"):
        imp = scenario.impacts[n]
        if imp.is_self:
            return (
                f"Set the weight and range of the damping of indicator '{imp.target}'.",
                f"Gewicht und Spanne der Dämpfung von Indikator '{imp.target}' setzen.",
            )
        return (
            f"Set the weight and range of the impact of '{imp.source_id}' on '{imp.target}'.",
            f"Gewicht und Spanne der Wirkung von '{imp.source_id}' auf '{imp.target}' setzen.",
        )
    if in_language and shape[:-1] == ("impacts", "*", "source", "judgement"):
        target = scenario.impacts[n].target
        return (
            f"Write in {lang_en} why indicator '{target}' settles back at this rate.",
            f"Auf {lang_de[:-1]} begründen, warum Indikator '{target}' so schnell zurückgeht.",
        )
    if shape == ("questions", "*", "threshold"):
        question = scenario.questions[n]
        return (
            f"Set the level of indicator '{question.indicator}' that answers question '{question.id}' with yes"
            " (one of its scale's levels).",
            f"Die Stufe von Indikator '{question.indicator}' setzen, die Frage '{question.id}' mit Ja beantwortet"
            " (eine Stufe seiner Skala).",
        )
    if shape == ("questions", "*", "by_week"):
        question = scenario.questions[n].id
        return (
            f"Set the week by which question '{question}' is to be answered.",
            f"Die Woche setzen, bis zu der Frage '{question}' beantwortet sein soll.",
        )
    if shape == ("events", "*", "week"):
        return (
            f"Set the week event {n + 1} (on '{scenario.events[n].target}') happens in.",
            f"Die Woche von Ereignis {n + 1} (auf '{scenario.events[n].target}') setzen.",
        )
    if shape == ("events", "*", "set"):
        return (
            f"Set the level event {n + 1} sets driver '{scenario.events[n].target}' to (or use add:).",
            f"Den Wert setzen, auf den Ereignis {n + 1} Treiber '{scenario.events[n].target}' setzt (oder add:"
            " verwenden).",
        )
    name = field_name(loc)
    return f"Replace the placeholder in {name}.", f"Den Platzhalter in {name} ersetzen."


def todo_list(yaml_text: str) -> tuple[TodoItem, ...]:
    """One item per line of `yaml_text` after its header that carries "TODO"; () if the text does not load."""
    try:
        document = parse_document(yaml_text, "draft")
    except ScenarioError:
        return ()
    starts: dict[int, list[Loc]] = {}
    for loc, line in document.lines.items():
        if loc:
            starts.setdefault(line, []).append(loc)
    lines = yaml_text.splitlines()
    items = []
    for n in range(header_length(lines), len(lines)):
        if MARKER not in lines[n]:
            continue
        loc = field_at(n + 1, starts, document)
        text, text_de = describe(document.scenario, loc, lines[n])
        items.append(TodoItem(n + 1, field_name(loc), text, text_de))
    return tuple(items)
