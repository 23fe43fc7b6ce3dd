"""The rules that turn the article's sentences and items into schema elements: drivers, indicators, impacts.

Facts, searched sentence by sentence in the report only, and only in what a sentence says, not in
its attribution ("Officials in Taipei said on Monday that ...": engine.draft.attribution)
  * Troop counts: a number ("12.000", "12,000", "12 000" with a no-break space, "800") followed
    by at most three words and a personnel noun (Truppen, Soldaten, Kräfte, troops, soldiers,
    personnel ...): a driver in group 'facts', unit soldiers / Soldaten, default = the count,
    max = the next 1-2-5 step at or above 1.5 x the count, step = max / 40. One per distinct count;
    numbers of more than twelve digits are ignored.
  * Other figures with a stated unit (percent, km, money, tonnes, ships: engine.draft.units): a
    'facts' driver in that unit, default = the figure, labelled with the clause that states it.
    One per distinct figure and unit.
  * Dates and weekdays (Sonntag, Wochenende, Sunday, weekend, "27. Oktober", "October 27",
    "2024-10-27", "27.10.2024"): a driver in group 'facts' (0-100, default 0) and an event that
    sets it in week 1. One per sentence.
  * "first ... since" / "erste(n) ... seit" / "erstmals seit": a 'facts' driver (0-100).
  * The quote of a fact is the clause (between commas, semicolons, colons or spaced dashes) that
    holds the match, without a leading conjunction; a clause under four words gives way to the
    whole sentence.

Elements
  * Every pro, con and challenge is a driver of its group; every question gives a question, the
    driver named after it (group 'questions': "Will Beijing extend the drills?" -> a driver "Will
    Beijing extend the drills", id beijing_extend_drills, with the answer as its description) and
    an indicator. The question asks whether its indicator reaches the top placeholder level (75)
    by the horizon.
  * Units: a driver whose text states a figure with its unit (an item's title and description, a
    question and its answer, in that order; the first figure counts) takes that unit, the figure as
    its default and a range around it (engine.draft.units). Every other driver keeps the placeholder
    unit "TODO unit" / "TODO Einheit" and a placeholder range 0-100, step 5, default 50.
  * Indicators: one placeholder per driver group, named "<group>_outlook", and one per question,
    "<question slug>_outlook", each starting at 50 with a placeholder scale of three levels (25, 50,
    75) whose texts, like the judgement for the starting level, begin with "TODO". Every driver
    impacts its group's (or question's) indicator with weight 0.1, range [0.0, 0.2]; every indicator
    damps itself with -0.5, range [-0.7, -0.3], resting on a TODO judgement (the article never
    states a self-impact).
  * Every element but the self-impacts carries a quote: a verbatim excerpt of the cleaned article
    (at most 300 chars, cut at a word boundary) and the section it comes from: report, question N,
    challenges, pros, cons.
  * Article text goes into its own language; the other language gets "[TODO translate] <text>".
    Text the drafter writes itself (placeholder labels) comes in both languages.
  * Ids are slugs of the text: ä->ae, ö->oe, ü->ue, ß->ss, other accents dropped, stop words
    dropped, at most three words and 40 characters, "_2", "_3" ... on a clash. A question's driver
    takes the slug, the question itself the slug with "_q".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from engine.draft.attribution import content_span
from engine.draft.text import (
    QUOTE_LIMIT,
    Article,
    Item,
    Line,
    clause_around,
    clip,
    label_text,
    sentences,
    window,
    word_set,
)
from engine.draft.units import PLACEHOLDER_UNIT, Quantity, first_quantity, nice_ceiling, slider_range, stated_quantities
from engine.schema import Citation, Driver, Impact, Indicator, Level, Question, Text

DESCRIPTION_LIMIT = 600
SLUG_WORDS = 3
SLUG_CHARS = 40
TODO_TRANSLATE = "[TODO translate] "

# Placeholder numbers of the skeleton; the YAML marks every one of them TODO.
PLACEHOLDER_WEIGHT = (0.1, 0.0, 0.2)
DAMPING_WEIGHT = (-0.5, -0.7, -0.3)
PLACEHOLDER_INITIAL = 50
PLACEHOLDER_DRIVER_DEFAULT = 50
PLACEHOLDER_LEVELS = (25, 50, 75)
# Schema 2 wants a threshold that is one of the indicator's levels; the top one, so that a question
# does not start answered by the initial level.
PLACEHOLDER_THRESHOLD = PLACEHOLDER_LEVELS[-1]
HORIZON_WEEKS = 52

# The TODO comment on each driver's default: what the drafter could not know about it.
DEFAULT_NOTE = "TODO set min, max, step and default"
STATED_NOTE = "the figure in the article; TODO check min, max and step"
FACT_NOTES = {
    "troops": STATED_NOTE,
    "quantity": STATED_NOTE,
    "time": "TODO set the level before the event (the event below sets it in week 1)",
    "first": "TODO how strongly this break with precedent weighs (0-100)",
}
PLACEHOLDER_NOTE = "TODO replace this placeholder with a real driver"


# --------------------------------------------------------------------------- ids


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_SLUG_STOP_WORDS = word_set(
    "der die das den dem des ein eine einer eines einem einen und oder zu zur zum im in am an auf mit von vom "
    "fuer bei aus nach ueber unter sich es sie er wir ist sind wird werden waere hat haben dass so als wie was "
    "wer kann koennte koennten dies diese dieser dieses seit ob "
    "the a an of and or to in on at for with by from is are be was were this that these those what how why who "
    "which will would could can may might should does do it its since has have had whether"
)


def slug_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION).lower())
    text = text.encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", text)
    return [w for w in words if w not in _SLUG_STOP_WORDS and not w.isdigit()]


def slugify(text: str, sep: str = "_") -> str:
    """Up to three significant words of `text`, at most 40 characters; '' when nothing is left."""
    slug = ""
    for word in slug_words(text)[:SLUG_WORDS]:
        candidate = f"{slug}{sep}{word}" if slug else word
        if len(candidate) > SLUG_CHARS:
            break
        slug = candidate
    if not slug and slug_words(text):
        slug = slug_words(text)[0][:SLUG_CHARS]
    return slug


class IdRegistry:
    """Hands out unique slugs for drivers, indicators, questions and presets (one namespace)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, text: str, fallback: str, suffix: str = "") -> str:
        base = slugify(text) or fallback
        if not base[0].isalpha():
            base = f"{fallback}_{base}"
        candidate, n = f"{base}{suffix}", 2
        while candidate in self.used:
            candidate, n = f"{base}_{n}{suffix}", n + 1
        self.used.add(candidate)
        return candidate


# --------------------------------------------------------------------------- texts


def from_article(text: str, lang: str) -> Text:
    """Article text in its own language; a marked copy for the translator in the other."""
    other = "en" if lang == "de" else "de"
    return Text(**{lang: text, other: TODO_TRANSLATE + text})


def both(en: str, de: str) -> Text:
    return Text(en=en, de=de)


SOLDIERS = both("soldiers", "Soldaten")

# What the article cannot tell, as schema 2 wants it: placeholders that validate and begin with "TODO".
PLACEHOLDER_SCALE = tuple(
    Level(
        level=level,
        text=both("TODO: what one would observe at this level", "TODO: was man auf dieser Stufe beobachten würde"),
    )
    for level in PLACEHOLDER_LEVELS
)
INITIAL_JUDGEMENT = Citation(
    judgement=both(
        f"TODO why the indicator starts at this level: the article states none, {PLACEHOLDER_INITIAL} is a"
        " placeholder.",
        f"TODO warum der Indikator auf dieser Höhe beginnt: der Artikel nennt keine, {PLACEHOLDER_INITIAL} ist ein"
        " Platzhalter.",
    )
)
DAMPING_JUDGEMENT = Citation(
    judgement=both(
        "TODO why the indicator settles back this fast: the article never states it, the size is a guess.",
        "TODO warum der Indikator so schnell zurückgeht: der Artikel sagt es nie, die Stärke ist geschätzt.",
    )
)


# --------------------------------------------------------------------------- facts in the report


# At most twelve digits: longer digit runs are not counts (and would be slow to convert).
_NUMBER = r"(?<![\d.,])(\d{1,3}(?:[.,\u00a0\u202f]\d{3}){1,3}|\d{1,9})(?![\d]|[.,]\d)"
_PERSONNEL = (
    r"truppen|soldaten|soldatinnen|soldat|kämpfer|streitkräfte|kräfte|militärangehörige|mann"
    r"|troops|soldiers|personnel|fighters|servicemen|service members|forces|men"
)
TROOP_COUNT = re.compile(_NUMBER + r"\s+((?:[\w-]+\s+){0,3}?(?:" + _PERSONNEL + r"))\b", re.IGNORECASE)
_MONTHS_DE = r"januar|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember"
_MONTHS_EN = r"January|February|March|April|May|June|July|August|September|October|November|December"
TIME_PATTERNS = (
    re.compile(
        r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|wochenende"
        r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)\w*",
        re.IGNORECASE,
    ),
    re.compile(r"\b\d{1,2}\.\s?(?:" + _MONTHS_DE + r")\b(?:\s+\d{4})?", re.IGNORECASE),
    re.compile(r"\b(?:" + _MONTHS_EN + r")\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?"),
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + _MONTHS_EN + r")\b(?:\s+\d{4})?"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b|\b\d{1,2}/\d{1,2}/\d{4}\b"),
)
FIRST_SINCE = re.compile(
    r"\b(?:erstmals|zum\s+ersten\s+mal|erste[nmrs]?|for\s+the\s+first\s+time|first)\b"
    r"[^.!?]{0,160}?\b(?:seit|since)\b[^,;:.!?]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fact:
    kind: str  # "troops", "quantity", "time" or "first"
    sentence: str
    start: int
    end: int
    phrase: str  # what the label and id are made of
    count: int = 0
    quantity: Quantity | None = None  # the figure of a "quantity" fact
    said: tuple[int, int] | None = None  # what the sentence says, without its attribution (content_span)

    @property
    def quote(self) -> str:
        if self.kind == "first":
            return window(self.sentence[self.start : self.end].strip(), 0, 0)
        # The clause within what the sentence says: "Officials said on Monday that" is no part of a fact.
        low, high = self.said or (0, len(self.sentence))
        return clause_around(self.sentence[low:high], self.start - low, self.end - low)


def troop_count(number: str) -> int:
    return int(re.sub(r"[.,\u00a0\u202f]", "", number))


def facts_in(sentence: str) -> list[Fact]:
    found = []
    for troops in TROOP_COUNT.finditer(sentence):
        count = troop_count(troops.group(1))
        if count > 0:
            found.append(Fact("troops", sentence, troops.start(), troops.end(), troops.group(2), count))
    for figure in stated_quantities(sentence):
        if figure.kind != "soldiers":  # counted above, as they always were
            found.append(Fact("quantity", sentence, figure.start, figure.end, "", quantity=figure))
    times = [m for m in (p.search(sentence) for p in TIME_PATTERNS) if m]
    if times:
        first = min(times, key=lambda m: m.start())
        found.append(Fact("time", sentence, first.start(), first.end(), ""))
    since = FIRST_SINCE.search(sentence)
    if since:
        found.append(Fact("first", sentence, since.start(), since.end(), since.group()))
    return sorted(found, key=lambda f: f.start)


def report_facts(report: list[Line]) -> list[Fact]:
    facts: list[Fact] = []
    seen: set[tuple] = set()
    for line in report:
        # The line's text, not its raw form: a report written as a list keeps its "- " out of the labels.
        for sentence in sentences(line.text):
            start, end = content_span(sentence)
            for fact in facts_in(sentence):
                if fact.start < start or fact.end > end:
                    continue  # in the attribution: the day a statement was made is not an event
                fact = replace(fact, said=(start, end))
                if fact.kind in ("troops", "quantity"):
                    key = (fact.count,) if fact.quantity is None else (fact.quantity.value, fact.quantity.unit.en)
                    if key in seen:
                        continue
                    seen.add(key)
                facts.append(fact)
    return facts


# --------------------------------------------------------------------------- drivers, indicators, impacts


GROUP_SECTIONS = {"facts": "report", "pros": "pros", "cons": "cons", "challenges": "challenges"}
GROUP_INDICATOR_LABELS = {
    "facts": ("Outlook shaped by the reported facts (placeholder)", "Ausblick aus den gemeldeten Fakten (Platzhalter)"),
    "pros": ("Outlook shaped by the pros (placeholder)", "Ausblick aus den Vorteilen (Platzhalter)"),
    "cons": ("Outlook shaped by the cons (placeholder)", "Ausblick aus den Nachteilen (Platzhalter)"),
    "challenges": (
        "Outlook shaped by the challenges (placeholder)",
        "Ausblick aus den Herausforderungen (Platzhalter)",
    ),
}


def placeholder_range_driver(
    driver_id: str,
    group: str,
    label: Text,
    source: Citation,
    default: float = PLACEHOLDER_DRIVER_DEFAULT,
    description: Text | None = None,
    quantity: Quantity | None = None,
) -> Driver:
    """A driver in the unit its text states, around the figure; else a placeholder unit on 0-100, step 5."""
    unit, low, high, step = PLACEHOLDER_UNIT, 0, 100, 5
    if quantity is not None:
        unit, (low, high, step), default = quantity.unit, slider_range(quantity), quantity.value
    return Driver(
        id=driver_id,
        label=label,
        group=group,
        unit=unit,
        min=low,
        max=high,
        step=step,
        default=default,
        description=description,
        source=source,
    )


def fact_driver(fact: Fact, ids: IdRegistry, lang: str) -> Driver:
    quote = Citation(quote=fact.quote, section="report")
    if fact.kind == "troops":
        top = nice_ceiling(fact.count * 1.5)
        return Driver(
            id=ids.take(fact.phrase, "troops"),
            label=from_article(label_text(fact.phrase), lang),
            group="facts",
            unit=SOLDIERS,
            min=0,
            max=top,
            step=top / 40,
            default=fact.count,
            description=both(
                f"Reported in the article: {fact.count:,}", f"Im Artikel genannt: {fact.count:,}".replace(",", ".")
            ),
            source=quote,
        )
    if fact.kind == "quantity":
        return placeholder_range_driver(
            ids.take(quote.quote, "figure"),
            "facts",
            from_article(label_text(quote.quote), lang),
            quote,
            quantity=fact.quantity,
        )
    if fact.kind == "time":
        return placeholder_range_driver(
            ids.take(quote.quote, "event"), "facts", from_article(label_text(quote.quote), lang), quote, default=0
        )
    return placeholder_range_driver(
        ids.take(fact.phrase, "precedent"), "facts", from_article(label_text(fact.phrase), lang), quote
    )


def item_quote(item: Item) -> str:
    """The first sentence of the description, else the title: verbatim, at most 300 characters."""
    first = sentences(item.body)
    return clip(first[0] if first else item.title.strip("*_ "), QUOTE_LIMIT)


def item_driver(item: Item, group: str, ids: IdRegistry, lang: str) -> Driver:
    description = clip(item.body, DESCRIPTION_LIMIT)
    return placeholder_range_driver(
        ids.take(item.title, group.rstrip("s")),
        group,
        from_article(label_text(item.title.strip("*_ ")), lang),
        Citation(quote=item_quote(item), section=GROUP_SECTIONS[group]),
        description=from_article(description, lang) if description else None,
        quantity=first_quantity(item.title, item.body),
    )


def question_elements(n: int, item: Item, ids: IdRegistry, lang: str) -> tuple[Question, Driver, Indicator]:
    """One article question: the question, the driver named after it, its indicator.

    The driver is what the question asks about ("Will China mediate?" -> China's mediation), not the
    article's answer: the answer is one view of it, kept as the driver's description.
    """
    section = f"question {n}"
    quote = clip(item.title.strip("*_ "), QUOTE_LIMIT)
    question_text = clip(item.asked, QUOTE_LIMIT) if item.asked else quote
    driver_id = ids.take(question_text, "question")
    question_id = ids.take(question_text, "question", suffix="_q")
    asked = Citation(quote=quote, section=section)
    indicator = placeholder_indicator(
        ids.take(question_text, "question", suffix="_outlook"),
        "questions",
        both(f"Indicator for question {n} (placeholder)", f"Indikator für Frage {n} (Platzhalter)"),
        asked,
    )
    description = clip(item.body, DESCRIPTION_LIMIT)
    driver = placeholder_range_driver(
        driver_id,
        "questions",
        from_article(label_text(question_text.rstrip("?")), lang),
        asked,
        description=from_article(description, lang) if description else None,
        quantity=first_quantity(quote, item.body),
    )
    question = Question(
        id=question_id,
        text=from_article(question_text, lang),
        indicator=indicator.id,
        threshold=PLACEHOLDER_THRESHOLD,
        by_week=HORIZON_WEEKS,
        source=asked,
    )
    return question, driver, indicator


def placeholder_indicator(indicator_id: str, group: str, label: Text, source: Citation) -> Indicator:
    return Indicator(
        id=indicator_id,
        label=label,
        group=group,
        initial=PLACEHOLDER_INITIAL,
        initial_source=INITIAL_JUDGEMENT,
        scale=PLACEHOLDER_SCALE,
        source=source,
    )


def group_indicator(group: str, first: Driver, ids: IdRegistry) -> Indicator:
    en, de = GROUP_INDICATOR_LABELS[group]
    return placeholder_indicator(ids.take(group, group, suffix="_outlook"), group, both(en, de), first.source)


def placeholder_driver(article: Article, ids: IdRegistry) -> Driver:
    quote = clip(article.headline, QUOTE_LIMIT) or "(no usable text)"
    return placeholder_range_driver(
        ids.take("placeholder", "placeholder"),
        "facts",
        both("Placeholder driver (replace it)", "Platzhalter-Treiber (ersetzen)"),
        Citation(quote=quote, section="headline" if article.headline else "none"),
    )


def placeholder_impact(source: Driver | Indicator, target: Indicator) -> Impact:
    """A driver pushing the indicator of its group or question, or an indicator damping itself.

    Both are guesses that only make the draft simulate; the damping lets the pushes settle rather than saturate.
    A push cites what the driver quotes; the damping rests on a TODO judgement, as schema 2 wants of a
    self-impact, since the article never speaks of one.
    """
    damps = source.id == target.id
    weight, low, high = DAMPING_WEIGHT if damps else PLACEHOLDER_WEIGHT
    note = "damping placeholder" if damps else "placeholder"
    cited = DAMPING_JUDGEMENT if damps else source.source
    return Impact(source_id=source.id, target=target.id, weight=weight, range=(low, high), note=note, source=cited)


# --------------------------------------------------------------------------- scenario texts


KNOWN_OUTLETS = (
    "Reuters", "BBC News", "BBC", "Associated Press", "AP", "AFP", "dpa", "CNN", "Bloomberg", "Al Jazeera",
    "The New York Times", "New York Times", "The Washington Post", "Washington Post", "The Guardian",
    "Financial Times", "Yonhap", "NHK", "Der Spiegel", "Tagesschau", "FAZ", "Süddeutsche Zeitung",
    "Le Monde", "Kyodo", "TASS", "Xinhua",
)  # fmt: skip
# Longest names first, so that "BBC News" is found as one outlet rather than as "BBC".
_OUTLETS = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(name) for name in sorted(KNOWN_OUTLETS, key=len, reverse=True)) + r")(?!\w)"
)


def cited_outlets(text: str) -> list[str]:
    """Known news outlets named in the text (case-sensitive), in order of first mention."""
    return list(dict.fromkeys(match.group() for match in _OUTLETS.finditer(text)))


def summary_text(article: Article) -> str:
    for line in [*article.report, *article.sections.get("conclusion", [])]:
        if len(line.raw.split()) >= 8:
            return clip(line.raw, DESCRIPTION_LIMIT)
    return article.headline
