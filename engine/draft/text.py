"""Reading an article: bytes to clean text, its language, headline, sections, list items, sentences and excerpts.

Reading the article
  * Text is cleaned first: line breaks unified, characters YAML cannot carry dropped, runs of
    spaces and tabs collapsed inside each line (the indent is kept to tell nested list lines).
    Input with NUL bytes or more than 5 % control/replacement characters counts as binary.
  * Language: the --lang value, else whichever of about thirty common German or English function
    words ("und", "nicht", "dass" ... / "the", "and", "that" ...) occur more often; English on a tie.
  * The first non-blank line is the headline, unless it is a section heading, a list item or
    longer than 300 characters (then it is report text).
  * A heading is a whole line (optionally `#`-prefixed or wrapped in `**`, optional trailing colon)
    that matches one of the heading patterns below (a `#` heading may go on with its subject: "## Pros
    of the deal", "## Vorteile einer schnellen Wahl"), in German or English, e.g. "Wichtige Fragen und
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
  * An item that is nothing but an attribution sentence ("A spokesman said as much on Friday.",
    see engine.draft.attribution) is dropped.
  * Sections opened inside the prose ("Pros: ...", "Offen ist, ob ...") are read by engine.draft.inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from engine.draft.attribution import is_attribution

LANGS = ("en", "de")
MAX_ARTICLE_BYTES = 2 * 1024 * 1024
HEADLINE_LIMIT = 300
QUOTE_LIMIT = 300
LABEL_LIMIT = 120


# --------------------------------------------------------------------------- decoding and cleaning


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


def choose_language(text: str, lang: str | None, notices: list[str]) -> str:
    """The --lang value when it is one we write, else the detected language (said in a notice)."""
    if lang in LANGS:
        return lang
    detected, german, english = detect_language(text)
    if text.strip() and german + english == 0:
        notices.append(f"language assumed: {detected} (no common German or English words; use --lang)")
    elif text.strip():
        notices.append(f"language detected: {detected} ({german} common German vs {english} common English words)")
    return detected


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
# What a markdown heading may add after its section's name: "of the plan", "for Delmar", "einer Wahl", "zur Lage".
_HEADING_SUBJECT = r"\s+(?:of|for|on|about|der|des|einer|eines|für|zur|zum|zu|bei|im|in)\s+\S.*"


def heading_kind(line: Line) -> str | None:
    """The section a heading line opens, or None. List lines are never headings."""
    if line.marker:
        return None
    text = line.raw
    markdown = text.startswith("#")
    if markdown:
        text = re.sub(r"^#+\s*(?:\d{1,2}[.)]\s*)?", "", text)
    text = text.strip("*_ ").rstrip(":").strip("*_ ").lower()
    if len(text) > 60:
        return None
    for kind, pattern in _HEADINGS.items():
        if pattern.fullmatch(text):
            return kind
    if markdown:  # "## Vorteile einer schnellen Wahl": marked as a heading, so its subject may follow
        for kind, pattern in _HEADINGS.items():
            if kind != "conclusion" and re.fullmatch(pattern.pattern + _HEADING_SUBJECT, text):
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
    # Items the prose opens with an inline label ("Pros: ...", "Offen ist, ob ..."): engine.draft.inline.
    inline: dict[str, list[Item]] = field(default_factory=dict)


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


# --------------------------------------------------------------------------- list items


@dataclass(frozen=True)
class Item:
    title: str  # verbatim piece of the head line
    body: str  # the rest of the item, joined with spaces
    asked: str = ""  # a question re-worded from its clause (engine.draft.inline); else the title is the question


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
    # An item that only says who said something ("- A spokesman said as much on Friday.") is no item.
    return [
        Item(title, " ".join(body))
        for title, body in items
        if title.strip("*_ :") and (body or not is_attribution(title))
    ]
