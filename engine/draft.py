"""Turn an analysis article into a schema-1 scenario YAML skeleton: deterministic, offline, rule-based.

`python -m engine draft ARTICLE.txt` calls `draft_scenario`. No language model is involved; the
rules below are all there is, so the same text always gives byte-identical YAML.

Reading the article
  * Text is cleaned first: line breaks unified, characters YAML cannot carry dropped, runs of
    spaces and tabs collapsed inside each line (the indent is kept to tell nested list lines).
    Input with NUL bytes or more than 5 % control/replacement characters counts as binary.
  * Language: the --lang value, else whichever of about thirty common German or English function
    words ("und", "nicht", "dass" ... / "the", "and", "that" ...) occur more often; English on a tie.
  * The first non-blank line is the headline, unless it is a section heading, a list item or
    longer than 300 characters (then it is report text).
  * A heading is a whole line (optionally `#`-prefixed or wrapped in `**`, optional trailing colon)
    that matches one of the heading patterns below, in German or English, e.g. "Wichtige Fragen und
    Antworten" / "Key questions", "Herausforderungen und Kontroversen" / "Challenges", "Vorteile und
    Nachteile" / "Pros and cons" / "Advantages and disadvantages", "Vorteile:" / "Pros:",
    "Nachteile:" / "Cons:", "Fazit" / "Conclusion". List lines are never headings.
  * Lines between the headline and the first heading are the report; every line belongs to the
    section of the heading above it. A combined pros-and-cons heading expects "pros" and "cons"
    sub-headings; items directly under it are skipped with a notice. The conclusion is only checked
    for presence; it gives the summary when the report has no paragraph of eight words or more.

Items (questions, challenges, pros, cons)
  * List markers: numbered ("1." or "1)") and dashed ("-", "–", "—", "•", "·", "*", "▪", "●").
  * If a section has numbered lines, each numbered line at the smallest indent starts an item and
    every other line (a dashed answer, plain text) continues it. Otherwise, in a questions section,
    each line ending in "?" starts a question; elsewhere each dashed line at the smallest indent
    starts an item; without any markers every line is an item. Lines before the first start are
    ignored as an introduction.
  * An item's title is its leading **bold** text, else the text before a colon or a spaced dash
    (at most 8 words), else its first sentence. The rest of the item is its description.
    Question and answer prefixes ("Q:", "F:", "A:", "Frage:", "Answer:" ...) are dropped.

Facts, searched sentence by sentence in the report only
  * Troop counts: a number ("12.000", "12,000", "12 000" with a no-break space, "800") followed
    by at most three words and a personnel noun (Truppen, Soldaten, Kräfte, troops, soldiers,
    personnel ...): a driver in group 'facts', unit soldiers, default = the count, max = the next
    1-2-5 step at or above 1.5 x the count, step = max / 40. One per distinct count; numbers of
    more than twelve digits are ignored.
  * Dates and weekdays (Sonntag, Wochenende, Sunday, weekend, "27. Oktober", "October 27",
    "2024-10-27", "27.10.2024"): a driver in group 'facts' (0-100, default 0) and an event that
    sets it in week 1. One per sentence.
  * "first ... since" / "erste(n) ... seit" / "erstmals seit": a 'facts' driver (0-100).
  * The quote of a fact is the clause (between commas, semicolons, colons or spaced dashes) that
    holds the match, without a leading conjunction; a clause under four words gives way to the
    whole sentence.

Output
  * Drivers: facts, pros, cons, challenges, then one per question (its answer's assumption, group
    'questions'). Indicators: one placeholder per driver group, named "<group>_outlook", and one per
    question, "<question id>_outlook". Every driver impacts its group's (or question's) indicator
    with weight 0.1, range [0.0, 0.2]; every indicator damps itself with -0.5, range [-0.7, -0.3].
  * Every element carries a quote: a verbatim excerpt of the cleaned article (at most 300 chars,
    cut at a word boundary) and the section it comes from: report, question N, challenges, pros,
    cons.
  * Article text goes into its own language; the other language gets "[TODO translate] <text>".
    Text the drafter writes itself (placeholder labels) comes in both languages.
  * Ids are slugs of the text: ä->ae, ö->oe, ü->ue, ß->ss, other accents dropped, stop words
    dropped, at most three words and 40 characters, "_2", "_3" ... on a clash.
  * At most 30 items per group, 30 questions and 30 facts are kept (a notice names what was dropped),
    so the YAML stays far below the loader's 256 KiB limit; input beyond 200,000 characters is ignored.
  * Nothing recognisable (empty, binary, prose without facts) still yields a valid skeleton with
    one placeholder driver and one indicator, plus a notice saying what was missing.
  * The YAML is emitted as text (so that TODO comments sit next to the values), every string as a
    JSON-style double-quoted scalar, and parsed once with engine.loader.parse_scenario before it
    is returned.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from engine.loader import ScenarioError, parse_scenario

LANGS = ("en", "de")
MAX_ARTICLE_BYTES = 2 * 1024 * 1024
MAX_ARTICLE_CHARS = 200_000
MAX_ITEMS_PER_GROUP = 30
MAX_FACTS = 30
QUOTE_LIMIT = 300
HEADLINE_LIMIT = 300
LABEL_LIMIT = 120
DESCRIPTION_LIMIT = 600
SLUG_WORDS = 3
SLUG_CHARS = 40
TODO_TRANSLATE = "[TODO translate] "
HORIZON_WEEKS = 52

# Placeholder numbers of the skeleton; every one is marked TODO in the YAML.
PLACEHOLDER_WEIGHT = (0.1, 0.0, 0.2)
DAMPING_WEIGHT = (-0.5, -0.7, -0.3)
PLACEHOLDER_INITIAL = 50
PLACEHOLDER_THRESHOLD = 60
PLACEHOLDER_DRIVER_DEFAULT = 50
EVENT_WEEK = 1
EVENT_SET = 50


@dataclass(frozen=True)
class DraftResult:
    yaml_text: str
    notices: list[str]
    lang: str = "en"


# --------------------------------------------------------------------------- reading and cleaning


def decode_article(raw: bytes) -> tuple[str, list[str]]:
    """Bytes of an article file to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    notices = []
    if len(raw) > MAX_ARTICLE_BYTES:
        notices.append(f"the file is {len(raw):,} bytes; only the first {MAX_ARTICLE_BYTES:,} were read")
        raw = raw[:MAX_ARTICLE_BYTES]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), notices
    try:
        return raw.decode("utf-8-sig"), notices
    except UnicodeDecodeError:
        pass
    notices.append("the file is not valid UTF-8; it was read as Windows-1252")
    return raw.decode("cp1252", errors="replace"), notices


def read_article(path: str | Path) -> tuple[str, list[str]]:
    """Read an article file; raises OSError when it cannot be read."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_ARTICLE_BYTES + 1)
    return decode_article(raw)


# Characters PyYAML refuses to read, plus the ones YAML treats as line breaks inside a scalar.
_NOT_YAML = re.compile("[^\x09\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")
_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    return bool(sample) and len(_CONTROL.findall(sample)) > 0.05 * len(sample)


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _YAML_BREAKS.sub("\n", text)
    return _NOT_YAML.sub("", text).replace("\t", " ")


def normalise_space(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


# --------------------------------------------------------------------------- language


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GERMAN_WORDS = word_set(
    "der die das und ist nicht mit von zu den dem des sich auf für eine ein einer einen dass wird werden "
    "auch als nach bei über oder sind wie könnte könnten zwischen"
)
_ENGLISH_WORDS = word_set(
    "the and is of to that with for are be this on as it by not will from could would has have which or between"
)


def detect_language(text: str) -> tuple[str, int, int]:
    """'de' or 'en' by counting common words; English wins a tie. Returns the counts too."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    german = sum(w in _GERMAN_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    return ("de" if german > english else "en"), german, english


# --------------------------------------------------------------------------- lines and sections


@dataclass(frozen=True)
class Line:
    indent: int
    marker: str  # "number", "dash" or ""
    text: str  # content after the marker, spaces collapsed
    raw: str  # the whole line, spaces collapsed


_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(\S.*)$")
_DASHED = re.compile(r"^[-–—•·*▪●]\s+(\S.*)$")


def parse_line(raw_line: str) -> Line | None:
    stripped = raw_line.lstrip(" ")
    raw = normalise_space(stripped)
    if not raw:
        return None
    indent = len(raw_line) - len(stripped)
    for marker, pattern in (("number", _NUMBERED), ("dash", _DASHED)):
        match = pattern.match(raw)
        if match:
            return Line(indent, marker, match.group(1), raw)
    return Line(indent, "", raw, raw)


_QUALIFIER = r"(?:(?:key|main|important|major|central|open|wichtige|wichtigste|zentrale|offene|die wichtigsten)\s+)?"
_AND = r"\s+(?:and|und|&)\s+"
HEADING_PATTERNS = {
    "questions": _QUALIFIER + r"(?:questions?(?:" + _AND + r"answers?)?|fragen(?:" + _AND + r"antworten)?"
    r"|faqs?|q\s*&\s*a|frequently asked questions|häufige fragen)",
    "challenges": _QUALIFIER + r"(?:challenges?(?:" + _AND + r"controvers(?:y|ies))?|controvers(?:y|ies)"
    r"|herausforderungen(?:" + _AND + r"kontroversen)?|kontroversen)",
    "proscons": r"(?:pros" + _AND + r"cons|advantages" + _AND + r"disadvantages|benefits" + _AND + r"drawbacks"
    r"|vor-?" + _AND + r"nachteile|vorteile" + _AND + r"nachteile|pro" + _AND + r"(?:contra|kontra))",
    "pros": _QUALIFIER + r"(?:pros|advantages|benefits|vorteile)",
    "cons": _QUALIFIER + r"(?:cons|disadvantages|drawbacks|nachteile)",
    "conclusion": r"(?:conclusions?|in conclusion|summary"
    r"|fazit|schlussfolgerung(?:en)?|zusammenfassung|schlussbemerkung)",
}
_HEADINGS = {kind: re.compile(pattern) for kind, pattern in HEADING_PATTERNS.items()}


def heading_kind(line: Line) -> str | None:
    """The section a heading line opens, or None. List lines are never headings."""
    if line.marker:
        return None
    text = line.raw
    if text.startswith("#"):
        text = re.sub(r"^#+\s*(?:\d{1,2}[.)]\s*)?", "", text)
    text = text.strip("*_ ").rstrip(":").strip("*_ ").lower()
    if len(text) > 60:
        return None
    for kind, pattern in _HEADINGS.items():
        if pattern.fullmatch(text):
            return kind
    return None


def trim_markup(text: str) -> str:
    """Leading '#' and a balanced **bold**/_italic_ wrapper removed: the result is still a substring."""
    text = text.lstrip("#").strip()
    wrapped = re.fullmatch(r"(\*\*|__|\*|_)(.+?)\1", text)
    return wrapped.group(2).strip() if wrapped else text


@dataclass
class Article:
    headline: str = ""
    report: list[Line] = field(default_factory=list)
    sections: dict[str, list[Line]] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)  # kind -> the heading text as written


def split_article(text: str) -> Article:
    article = Article()
    lines = [line for line in (parse_line(raw) for raw in text.split("\n")) if line is not None]
    if lines and not lines[0].marker and heading_kind(lines[0]) is None and len(lines[0].raw) <= HEADLINE_LIMIT:
        article.headline = trim_markup(lines[0].raw)
        lines = lines[1:]
    current: list[Line] = article.report
    for line in lines:
        kind = heading_kind(line)
        if kind is None:
            current.append(line)
            continue
        article.headings.setdefault(kind, trim_markup(line.raw))
        current = article.sections.setdefault(kind, [])
    return article


# --------------------------------------------------------------------------- sentences and excerpts


_ABBREVIATIONS = word_set(
    "z. b. z.b. d.h. h. dr. nr. st. mr. mrs. ms. u.s. u.s.a. u.k. e.g. i.e. vs. bzw. ca. etc. usw. prof. "
    "gen. u.a. inc. ltd. no. jan. feb. aug. sept. okt. oct. nov. dez. dec."
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”“»«)\]]*(?=\s|$)")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")


def sentences(text: str) -> list[str]:
    """Sentences as substrings of `text`; ordinals ("12. März") and abbreviations do not end one."""
    out = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        last = text[max(start, text.rfind(" ", start, match.start()) + 1) : match.end()].lower()
        if match.group().startswith(".") and (re.fullmatch(r"\d{1,2}\.", last) or last in _ABBREVIATIONS):
            continue
        following = _NEXT_CHARACTER.match(text, match.end())
        if following and following.group(1).islower():
            continue
        piece = text[start : match.end()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def clip(text: str, limit: int) -> str:
    """A prefix of `text` of at most `limit` characters, cut at a word boundary."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:–-")


def label_text(text: str, limit: int = LABEL_LIMIT) -> str:
    """A short display label: clipped, trailing colon or full stop dropped, first letter capitalised."""
    text = text.strip().rstrip(":.").strip()
    short = clip(text, limit)
    if short != text:
        short += " …"
    return short[:1].upper() + short[1:]


def window(text: str, start: int, end: int, limit: int = QUOTE_LIMIT) -> str:
    """An excerpt of at most `limit` characters around text[start:end], cut at word boundaries."""
    if len(text) <= limit:
        return text.strip()
    left = max(0, min(start, end - limit // 2) - limit // 3)
    piece = text[left : left + limit]
    if left > 0 and " " in piece:
        piece = piece[piece.find(" ") + 1 :]
    return clip(piece, limit)


_CLAUSE_SEPARATOR = re.compile(r"[,;:]\s+|\s+[–—-]\s+")
_CONJUNCTION = re.compile(
    r"(?:dass|daß|that|which|while|während|weil|because|wobei|so|und|and|aber|but|sondern|wenn|if|als|when)\s+",
    re.IGNORECASE,
)


def clause_around(sentence: str, start: int, end: int) -> str:
    """The clause of `sentence` holding [start, end), or the sentence when the clause is too short."""
    clause_start, clause_end = 0, len(sentence)
    for sep in _CLAUSE_SEPARATOR.finditer(sentence):
        if sep.end() <= start:
            clause_start = sep.end()
        elif sep.start() >= end:
            clause_end = sep.start()
            break
    conjunction = _CONJUNCTION.match(sentence, clause_start)
    if conjunction and conjunction.end() <= start:
        clause_start = conjunction.end()
    clause = sentence[clause_start:clause_end].strip().rstrip(".!?").strip()
    if len(clause.split()) < 4:
        return window(sentence, start, end)
    return window(clause, start - clause_start, end - clause_start)


# --------------------------------------------------------------------------- ids


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_SLUG_STOP_WORDS = word_set(
    "der die das den dem des ein eine einer eines einem einen und oder zu zur zum im in am an auf mit von vom "
    "fuer bei aus nach ueber unter sich es sie er wir ist sind wird werden waere hat haben dass so als wie was "
    "wer kann koennte koennten dies diese dieser dieses seit "
    "the a an of and or to in on at for with by from is are be was were this that these those what how why who "
    "which will would could can may might should does do it its since has have had"
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


# --------------------------------------------------------------------------- scenario elements


@dataclass(frozen=True)
class Citation:
    quote: str
    section: str


@dataclass
class DriverDraft:
    id: str
    group: str
    label: dict[str, str]
    source: Citation
    unit: str = "%"
    min: float = 0
    max: float = 100
    step: float = 5
    default: float = PLACEHOLDER_DRIVER_DEFAULT
    default_note: str = "TODO set min, max, step and default"
    description: dict[str, str] | None = None
    indicator: str = ""  # the placeholder indicator this driver impacts


@dataclass
class IndicatorDraft:
    id: str
    group: str
    label: dict[str, str]
    source: Citation


@dataclass
class QuestionDraft:
    id: str
    text: dict[str, str]
    indicator: str
    source: Citation


@dataclass
class EventDraft:
    target: str
    label: dict[str, str]
    source: Citation


@dataclass
class Draft:
    lang: str
    title: dict[str, str]
    summary: dict[str, str]
    source_title: str
    outlets: list[str]
    drivers: list[DriverDraft] = field(default_factory=list)
    indicators: list[IndicatorDraft] = field(default_factory=list)
    questions: list[QuestionDraft] = field(default_factory=list)
    events: list[EventDraft] = field(default_factory=list)
    scenario_id: str = "draft"


def from_article(text: str, lang: str) -> dict[str, str]:
    """Article text in its own language; a marked copy for the translator in the other."""
    other = "en" if lang == "de" else "de"
    return {lang: text, other: TODO_TRANSLATE + text}


def both(en: str, de: str) -> dict[str, str]:
    return {"en": en, "de": de}


# --------------------------------------------------------------------------- list items


@dataclass(frozen=True)
class Item:
    title: str  # verbatim piece of the head line
    body: str  # the rest of the item, joined with spaces


_QUESTION_PREFIX = re.compile(r"^(?:(?:q|f)\s*:|(?:frage|question)\s*\d*\s*[:.])\s*", re.IGNORECASE)
_ANSWER_PREFIX = re.compile(r"^(?:a\s*:|(?:antwort|answer)\s*\d*\s*[:.])\s*", re.IGNORECASE)


def ends_with_question(text: str) -> bool:
    return text.rstrip("*_ ").endswith("?")


def item_starts(lines: list[Line], questions: bool) -> list[bool]:
    """For each line of a section: does it start a new item? (rule in the module docstring)"""
    numbered = [line.indent for line in lines if line.marker == "number"]
    dashed = [line.indent for line in lines if line.marker == "dash"]
    if numbered:
        outer = min(numbered)
        return [line.marker == "number" and line.indent == outer for line in lines]
    if questions:
        return [ends_with_question(line.text) for line in lines]
    if dashed:
        outer = min(dashed)
        return [line.marker == "dash" and line.indent == outer for line in lines]
    return [True] * len(lines)


def split_head(text: str) -> tuple[str, str]:
    """(title, rest) of an item's first line; see the module docstring for the rule."""
    bold = re.match(r"^\*\*(.+?)\*\*\s*[:–—-]?\s*(.*)$", text)
    if bold:
        return bold.group(1).strip(), bold.group(2).strip()
    for pattern in (r"^([^:]{1,80}?):\s+(\S.*)$", r"^(.{1,80}?)\s+[–—-]\s+(\S.*)$"):
        match = re.match(pattern, text)
        if match and len(match.group(1).split()) <= 8:
            return match.group(1).strip(), match.group(2).strip()
    parts = sentences(text)
    if not parts:
        return text, ""
    return parts[0], text[text.find(parts[0]) + len(parts[0]) :].strip()


def list_items(lines: list[Line], questions: bool = False) -> list[Item]:
    items: list[tuple[str, list[str]]] = []
    for line, starts in zip(lines, item_starts(lines, questions), strict=True):
        if starts:
            head = _QUESTION_PREFIX.sub("", line.text) if questions else line.text
            title, rest = split_head(head)
            items.append((title, [rest] if rest else []))
        elif items:
            body = _ANSWER_PREFIX.sub("", line.text) if questions else line.text
            items[-1][1].append(body)
    return [Item(title, " ".join(body)) for title, body in items if title.strip("*_ :")]


def item_quote(item: Item) -> str:
    """The first sentence of the description, else the title: verbatim, at most 300 characters."""
    first = sentences(item.body)
    return clip(first[0] if first else item.title.strip("*_ "), QUOTE_LIMIT)


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
    kind: str  # "troops", "time" or "first"
    sentence: str
    start: int
    end: int
    phrase: str  # what the label and id are made of
    count: int = 0

    @property
    def quote(self) -> str:
        if self.kind == "first":
            return window(self.sentence[self.start : self.end].strip(), 0, 0)
        return clause_around(self.sentence, self.start, self.end)


def troop_count(number: str) -> int:
    return int(re.sub(r"[.,\u00a0\u202f]", "", number))


def facts_in(sentence: str) -> list[Fact]:
    found = []
    for troops in TROOP_COUNT.finditer(sentence):
        count = troop_count(troops.group(1))
        if count > 0:
            found.append(Fact("troops", sentence, troops.start(), troops.end(), troops.group(2), count))
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
    counts: set[int] = set()
    for line in report:
        for sentence in sentences(line.raw):
            for fact in facts_in(sentence):
                if fact.kind == "troops":
                    if fact.count in counts:
                        continue
                    counts.add(fact.count)
                facts.append(fact)
    return facts


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value`."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def fact_driver(fact: Fact, ids: IdRegistry, lang: str) -> DriverDraft:
    quote = Citation(fact.quote, "report")
    if fact.kind == "troops":
        top = nice_ceiling(fact.count * 1.5)
        return DriverDraft(
            id=ids.take(fact.phrase, "troops"),
            group="facts",
            label=from_article(label_text(fact.phrase), lang),
            source=quote,
            unit="soldiers",
            max=top,
            step=top / 40,
            default=fact.count,
            default_note="the figure in the article; TODO check min, max and step",
            description=both(
                f"Reported in the article: {fact.count:,}", f"Im Artikel genannt: {fact.count:,}".replace(",", ".")
            ),
        )
    if fact.kind == "time":
        return DriverDraft(
            id=ids.take(quote.quote, "event"),
            group="facts",
            label=from_article(label_text(quote.quote), lang),
            source=quote,
            default=0,
            default_note="TODO set the level before the event (the event below sets it in week 1)",
        )
    return DriverDraft(
        id=ids.take(fact.phrase, "precedent"),
        group="facts",
        label=from_article(label_text(fact.phrase), lang),
        source=quote,
        default_note="TODO how strongly this break with precedent weighs (0-100)",
    )


# --------------------------------------------------------------------------- building the draft


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
MINIMAL_NOTICE = "nothing to draft from: wrote a minimal skeleton (one placeholder driver, one indicator)"
NO_SUMMARY = both("TODO write a summary of the scenario.", "TODO Zusammenfassung des Szenarios schreiben.")


def item_driver(item: Item, group: str, ids: IdRegistry, lang: str) -> DriverDraft:
    description = clip(item.body, DESCRIPTION_LIMIT)
    return DriverDraft(
        id=ids.take(item.title, group.rstrip("s")),
        group=group,
        label=from_article(label_text(item.title.strip("*_ ")), lang),
        source=Citation(item_quote(item), GROUP_SECTIONS[group]),
        description=from_article(description, lang) if description else None,
    )


def question_elements(
    n: int, item: Item, ids: IdRegistry, lang: str
) -> tuple[QuestionDraft, DriverDraft, IndicatorDraft]:
    """One article question: the question, the driver for its answer's assumption, its indicator."""
    section = f"question {n}"
    question_text = clip(item.title.strip("*_ "), QUOTE_LIMIT)
    answer = sentences(item.body)
    assumption = answer[0] if answer else question_text
    question_id = ids.take(question_text, "question")
    indicator = IndicatorDraft(
        id=ids.take(question_id, "question", suffix="_outlook"),
        group="questions",
        label=both(f"Indicator for question {n} (placeholder)", f"Indikator für Frage {n} (Platzhalter)"),
        source=Citation(question_text, section),
    )
    driver = DriverDraft(
        id=ids.take(assumption, "assumption"),
        group="questions",
        label=from_article(label_text(assumption), lang),
        source=Citation(clip(assumption, QUOTE_LIMIT), section),
        description=from_article(clip(item.body, DESCRIPTION_LIMIT), lang) if len(answer) > 1 else None,
        indicator=indicator.id,
    )
    question = QuestionDraft(
        question_id, from_article(question_text, lang), indicator.id, Citation(question_text, section)
    )
    return question, driver, indicator


def group_indicator(group: str, first: DriverDraft, ids: IdRegistry) -> IndicatorDraft:
    en, de = GROUP_INDICATOR_LABELS[group]
    return IndicatorDraft(ids.take(group, group, suffix="_outlook"), group, both(en, de), first.source)


def placeholder_driver(article: Article, ids: IdRegistry) -> DriverDraft:
    quote = clip(article.headline, QUOTE_LIMIT) or "(no usable text)"
    return DriverDraft(
        id=ids.take("placeholder", "placeholder"),
        group="facts",
        label=both("Placeholder driver (replace it)", "Platzhalter-Treiber (ersetzen)"),
        source=Citation(quote, "headline" if article.headline else "none"),
        default_note="TODO replace this placeholder with a real driver",
    )


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


def add_group(draft: Draft, drivers: list[DriverDraft], ids: IdRegistry, notices: list[str], name: str) -> None:
    if len(drivers) > MAX_ITEMS_PER_GROUP:
        notices.append(f"kept the first {MAX_ITEMS_PER_GROUP} of {len(drivers)} {name}")
        drivers = drivers[:MAX_ITEMS_PER_GROUP]
    if not drivers:
        return
    indicator = group_indicator(drivers[0].group, drivers[0], ids)
    for driver in drivers:
        driver.indicator = indicator.id
    draft.drivers += drivers
    draft.indicators.append(indicator)


def add_facts(draft: Draft, article: Article, ids: IdRegistry, notices: list[str]) -> None:
    facts = report_facts(article.report)
    if len(facts) > MAX_FACTS:
        notices.append(f"kept the first {MAX_FACTS} of {len(facts)} facts")
        facts = facts[:MAX_FACTS]
    drivers = [fact_driver(fact, ids, draft.lang) for fact in facts]
    for fact, driver in zip(facts, drivers, strict=True):
        if fact.kind == "time":
            draft.events.append(EventDraft(driver.id, from_article(driver.source.quote, draft.lang), driver.source))
    if not facts:
        notices.append("no facts found in the report (troop counts, dates or weekdays, 'first ... since')")
    add_group(draft, drivers, ids, notices, "facts")


def add_questions(draft: Draft, article: Article, ids: IdRegistry, notices: list[str]) -> None:
    items = list_items(article.sections.get("questions", []), questions=True)
    if "questions" not in article.sections:
        notices.append("no questions section found (e.g. 'Wichtige Fragen und Antworten', 'Key questions')")
    elif not items:
        notices.append("the questions section holds no recognisable questions")
    if len(items) > MAX_ITEMS_PER_GROUP:
        notices.append(f"kept the first {MAX_ITEMS_PER_GROUP} of {len(items)} questions")
        items = items[:MAX_ITEMS_PER_GROUP]
    for n, item in enumerate(items, start=1):
        question, driver, indicator = question_elements(n, item, ids, draft.lang)
        draft.questions.append(question)
        draft.drivers.append(driver)
        draft.indicators.append(indicator)


def add_list_group(draft: Draft, article: Article, group: str, ids: IdRegistry, notices: list[str]) -> None:
    items = list_items(article.sections.get(group, []))
    if not items:
        notices.append(f"no {group} found")
    add_group(draft, [item_driver(item, group, ids, draft.lang) for item in items], ids, notices, group)


def build_draft(article: Article, lang: str, notices: list[str]) -> Draft:
    ids = IdRegistry()
    headline = article.headline or "Draft scenario"
    draft = Draft(
        lang=lang,
        title=from_article(label_text(headline.rstrip("."), 300), lang)
        if article.headline
        else both(headline, "Szenario-Entwurf"),
        summary=from_article(summary_text(article), lang) if summary_text(article) else NO_SUMMARY,
        source_title=clip(headline, 300),
        outlets=cited_outlets(
            "\n".join(line.raw for lines in [article.report, *article.sections.values()] for line in lines)
        ),
        scenario_id=slugify(headline, sep="-") or "draft",
    )
    if not article.sections:
        notices.append("no known section headings found (questions, challenges, pros/cons, conclusion)")
    # Without any heading, one notice says it all: the per-section "not found" notices are dropped.
    section_notices = notices if article.sections else []
    if article.sections.get("proscons"):
        skipped = len(list_items(article.sections["proscons"]))
        if skipped:
            section_notices.append(
                f"skipped {skipped} items under '{article.headings['proscons']}' without a pros or cons sub-heading"
            )
    if "conclusion" not in article.sections:
        section_notices.append("no conclusion found")
    add_facts(draft, article, ids, notices)
    for group in ("pros", "cons", "challenges"):
        add_list_group(draft, article, group, ids, section_notices)
    add_questions(draft, article, ids, section_notices)
    if not draft.drivers:
        notices.append(MINIMAL_NOTICE)
        add_group(draft, [placeholder_driver(article, ids)], ids, notices, "placeholders")
    return draft


# --------------------------------------------------------------------------- YAML text


def q(text: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is a subset of YAML's double-quoted style)."""
    return json.dumps(text, ensure_ascii=False)


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def text_map(text: dict[str, str]) -> str:
    return "{" + ", ".join(f"{lang}: {q(text[lang])}" for lang in LANGS) + "}"


def citation_map(source: Citation) -> str:
    return f"{{quote: {q(source.quote)}, section: {q(source.section)}}}"


def comment(text: str) -> str:
    return " ".join(text.split())


def emit_header(draft: Draft, source_name: str) -> list[str]:
    outlets = "[" + ", ".join(q(name) for name in draft.outlets) + "]"
    return [
        f"# DRAFT scenario generated by `python -m engine draft` from {comment(source_name)} (language: {draft.lang}).",
        "# A rule-based skeleton, not an analysis: every weight, range, threshold, default and translation",
        "# below is a placeholder. Work through the TODO comments, then run `python -m engine validate FILE`.",
        "schema: 1",
        f"id: {q(draft.scenario_id)}  # TODO a short id, unique in scenarios/",
        f"title: {text_map(draft.title)}  # TODO translate",
        f"summary: {text_map(draft.summary)}  # TODO write a summary in both languages",
        "source:",
        f"  title: {q(draft.source_title)}",
        f"  language: {draft.lang}",
        f"  cited_outlets: {outlets}  # TODO check: known outlets named in the article",
        f"horizon_weeks: {HORIZON_WEEKS}  # TODO set the horizon",
        "uncertainty: triangular",
    ]


GROUP_COMMENTS = {
    "facts": "facts found in the report: candidate drivers; keep, merge or drop them",
    "pros": "pros",
    "cons": "cons",
    "challenges": "challenges and controversies",
    "questions": "the article's questions: the assumption behind each answer",
}


def emit_driver(d: DriverDraft) -> list[str]:
    lines = [
        f"  - id: {d.id}",
        f"    label: {text_map(d.label)}",
        f"    group: {d.group}",
        f"    unit: {q(d.unit)}",
        f"    min: {num(d.min)}",
        f"    max: {num(d.max)}",
        f"    step: {num(d.step)}",
        f"    default: {num(d.default)}  # {d.default_note}",
    ]
    if d.description:
        lines.append(f"    description: {text_map(d.description)}")
    lines.append(f"    source: {citation_map(d.source)}")
    return lines


def emit_drivers(draft: Draft) -> list[str]:
    lines = ["", "drivers:"]
    group = ""
    for d in draft.drivers:
        if d.group != group:
            group = d.group
            lines.append(f"  # --- {GROUP_COMMENTS[group]} ---")
        lines += emit_driver(d)
    return lines


def emit_indicators(draft: Draft) -> list[str]:
    lines = [
        "",
        "indicators:",
        "  # TODO name what each placeholder indicator measures and set its initial level (0-100)",
    ]
    for i in draft.indicators:
        lines += [
            f"  - id: {i.id}",
            f"    label: {text_map(i.label)}",
            f"    group: {i.group}",
            f"    initial: {PLACEHOLDER_INITIAL}  # TODO",
            f"    source: {citation_map(i.source)}",
        ]
    return lines


def impact_line(source_id: str, target: str, weights: tuple[float, float, float], source: Citation, note: str) -> str:
    weight, low, high = weights
    return (
        f"  - {{from: {source_id}, to: {target}, weight: {num(weight)}, range: [{num(low)}, {num(high)}], "
        f"note: {q(note)}, source: {citation_map(source)}}}"
    )


def emit_impacts(draft: Draft) -> list[str]:
    lines = [
        "",
        "impacts:",
        "  # TODO set every weight and range: these placeholders only make the draft simulate.",
        "  # Each driver pushes its nearest placeholder indicator (0.1, range [0.0, 0.2]);",
        "  # each indicator damps itself (-0.5, range [-0.7, -0.3]).",
    ]
    for d in draft.drivers:
        lines.append(impact_line(d.id, d.indicator, PLACEHOLDER_WEIGHT, d.source, "placeholder"))
    for i in draft.indicators:
        lines.append(impact_line(i.id, i.id, DAMPING_WEIGHT, i.source, "damping placeholder"))
    return lines


def emit_questions(draft: Draft) -> list[str]:
    if not draft.questions:
        return ["", "questions: []  # TODO the article's questions were not found"]
    lines = ["", "questions:"]
    for question in draft.questions:
        lines += [
            f"  - id: {question.id}",
            f"    text: {text_map(question.text)}",
            f"    indicator: {question.indicator}",
            f"    threshold: {PLACEHOLDER_THRESHOLD}  # TODO the level that answers the question with yes",
            f"    by_week: {HORIZON_WEEKS}  # TODO",
            f"    source: {citation_map(question.source)}",
        ]
    return lines


def emit_events(draft: Draft) -> list[str]:
    if not draft.events:
        return ["", "events: []"]
    lines = ["", "events:"]
    for event in draft.events:
        lines += [
            f"  - week: {EVENT_WEEK}  # TODO the week this happens",
            f"    target: {event.target}",
            f"    set: {EVENT_SET}  # TODO the level it sets (or use add:)",
            f"    label: {text_map(event.label)}",
            f"    source: {citation_map(event.source)}",
        ]
    return lines


def emit_presets() -> list[str]:
    label = both("Baseline (the drafted defaults)", "Ausgangslage (die Standardwerte des Entwurfs)")
    return [
        "",
        "presets:",
        "  # TODO add presets such as escalation or de-escalation",
        f"  - {{id: baseline, label: {text_map(label)}, values: {{}}}}",
    ]


def emit_yaml(draft: Draft, source_name: str) -> str:
    lines = emit_header(draft, source_name)
    for part in (emit_drivers, emit_indicators, emit_impacts, emit_questions, emit_events):
        lines += part(draft)
    lines += emit_presets()
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- entry point


def choose_language(text: str, lang: str | None, notices: list[str]) -> str:
    if lang in LANGS:
        return lang
    detected, german, english = detect_language(text)
    if text.strip() and german + english == 0:
        notices.append(f"language assumed: {detected} (no common German or English words; use --lang)")
    elif text.strip():
        notices.append(f"language detected: {detected} ({german} common German vs {english} common English words)")
    return detected


def draft_scenario(text: str, lang: str | None = None, source_name: str = "article") -> DraftResult:
    """Draft a schema-1 scenario from an article's text; never raises on odd input.

    The result always parses with engine.loader.parse_scenario; `notices` says what was not found.
    """
    notices: list[str] = []
    if looks_binary(text):
        notices.append("the input does not look like text (binary data?); nothing was read from it")
        text = ""
    if len(text) > MAX_ARTICLE_CHARS:
        notices.append(f"only the first {MAX_ARTICLE_CHARS:,} characters were read")
        text = text[:MAX_ARTICLE_CHARS]
    text = clean_text(text)
    chosen = choose_language(text, lang, notices)
    if text.strip():
        draft = build_draft(split_article(text), chosen, notices)
    else:
        if not notices:
            notices.append("the article is empty")
        draft = build_draft(Article(), chosen, [])
        notices.append(MINIMAL_NOTICE)
    yaml_text = emit_yaml(draft, source_name)
    try:
        parse_scenario(yaml_text, source_name)
    except ScenarioError as err:  # a bug in the rules above; fall back rather than write a broken file
        notices.append(f"internal: the full draft did not validate ({err.problems[0]}); wrote a minimal skeleton")
        minimal = build_draft(Article(), chosen, [])
        yaml_text = emit_yaml(minimal, source_name)
        parse_scenario(yaml_text, source_name)
    return DraftResult(yaml_text, notices, chosen)
