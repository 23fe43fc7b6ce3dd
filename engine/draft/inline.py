"""Sections the article opens inside its prose rather than under a heading.

Many articles never write a "Pros" heading; they write "Pros: ..." or "On the other hand, ..." at
the start of a sentence. The report's lines (and the conclusion's) are read sentence by sentence:

  * A sentence that opens with an inline label starts that section; the rest of its paragraph (its
    line) belongs to the section until another label. Every sentence in it is one item, its text
    once the label and any attribution are cut off; an attribution sentence is no item.
      pros:       "Pros:", "Advantages:", "Benefits:", "On the plus side,", "Vorteile:", "Vorteil:",
                  "Dafür spricht, dass"
      cons:       "Cons:", "Disadvantages:", "Drawbacks:", "On the other hand,", "On the downside,",
                  "Nachteile:", "Nachteil:", "Andererseits", "Auf der anderen Seite", "Dagegen spricht, dass"
      challenges: "Challenges:", "Controversies:", "The main (biggest, key, central) challenge is",
                  "Herausforderungen:", "Kontroversen:", "Die größte (zentrale, wichtigste) Herausforderung ist"
  * Questions: "Key (main, open, central) questions are whether A and whether B", "The key
    question is whether", "It remains unclear whether", "Offen ist, ob A und ob B", "Unklar bleibt,
    ob", "Die zentrale Frage ist, ob" give one question per "whether"/"ob" clause; "Key questions:"
    / "Offene Fragen:" give the questions that follow. A question is re-worded from its clause
    where a rule allows: English moves the clause's first auxiliary verb to the front ("whether
    Beijing will extend the drills" -> "Will Beijing extend the drills?"), German its final one
    ("ob Ostrien klagen wird" -> "Wird Ostrien klagen?"); otherwise it stays "Whether ...?" /
    "Ob ...?". Its quote is the clause as written. The labelled sentence alone is the section.
  * Any other report sentence ending in "?" is a question, as written.
  * Under a pros, cons or challenges heading, an unmarked line that opens with an inline label
    (a paragraph after the list: "Offen ist, ob ...") is read the same way rather than taken as the
    last item's continuation; what it leaves goes to the report. Questions sections keep their
    lines: an answer may well begin "It remains unclear whether".
  * The report keeps every sentence no section took, so its facts are not read twice.
"""

from __future__ import annotations

import re
from dataclasses import replace

from engine.draft.attribution import content_of
from engine.draft.text import Article, Item, Line, ends_with_question, normalise_space, sentences, word_set

_LABELS = {
    "pros": (
        r"(?:pros|advantages|benefits|upsides?|vorteile?|pro)\s*:\s*",
        r"on the plus side,\s*",
        r"dafür spricht,\s*(?:dass\s+)?",
    ),
    "cons": (
        r"(?:cons|disadvantages|drawbacks|downsides?|nachteile?|contra|kontra)\s*:\s*",
        r"on the (?:other hand|downside),\s*",
        r"(?:andererseits|auf der anderen seite),?\s*",
        r"dagegen spricht,\s*(?:dass\s+)?",
    ),
    "challenges": (
        r"(?:challenges|controversies|herausforderungen|kontroversen)\s*:\s*",
        r"(?:the\s+)?(?:main|biggest|greatest|key|central)\s+challenges?\s+(?:is|are|remains?)\s+",
        r"die\s+(?:größte|grösste|zentrale|wichtigste)\s+herausforderung\s+(?:ist|bleibt)\s+",
    ),
}
_QUESTION_LABELS = (
    r"(?:the\s+)?(?:key|main|open|central|big|crucial)\s+questions?\s+(?:is|are|remains?|now\s+(?:is|are))\s+"
    r"(?=whether\b)",
    r"it\s+(?:is|remains)\s+(?:unclear|uncertain|open|to\s+be\s+seen)\s+(?=whether\b)",
    r"(?:offen|unklar|fraglich|ungewiss|noch\s+offen)\s+(?:ist|bleibt|sind|bleiben)(?:\s+(?:auch|zudem|jedoch|aber"
    r"|noch))?,\s+(?=ob\b)",
    r"die\s+(?:zentrale|wichtigste|entscheidende|offene|große|grosse)\s+frage\s+(?:ist|lautet|bleibt),\s+(?=ob\b)",
)
_QUESTION_LIST = r"(?:key|open|main)\s+questions\s*:\s*|(?:offene|wichtige|zentrale)\s+fragen\s*:\s*"
LABELS = {kind: re.compile("|".join(patterns), re.IGNORECASE) for kind, patterns in _LABELS.items()}
QUESTION_LABEL = re.compile("|".join(_QUESTION_LABELS), re.IGNORECASE)
QUESTION_LIST = re.compile(_QUESTION_LIST, re.IGNORECASE)
# Where one "whether"/"ob" clause ends and the next begins: ", and whether", " or whether", "; ob", " und ob".
_NEXT_CLAUSE = re.compile(r"\s*[,;]?\s+(?:(?:and|or|und|oder)\s+)?(?=(?:whether|ob)\s)", re.IGNORECASE)
_CLAUSE_WORD = re.compile(r"^(?:whether|ob)\s+", re.IGNORECASE)

_EN_AUXILIARIES = word_set("will would can could should shall may might must is are was were has have had does do did")
_DE_AUXILIARIES = word_set(
    "wird werden würde würden kann können könnte könnten muss müssen müsste soll sollen sollte sollten "
    "will wollen darf dürfen ist sind war waren hat haben hätte hätten"
)


def asked(clause: str) -> str:
    """A "whether"/"ob" clause as a question (rule in the module docstring)."""
    words = clause.split()
    conjunction, rest = words[0], words[1:]
    if conjunction.lower() == "ob":
        if len(rest) >= 2 and rest[-1].lower() in _DE_AUXILIARIES:
            return f"{rest[-1].capitalize()} {' '.join(rest[:-1])}?"
        return f"Ob {' '.join(rest)}?"
    for n, word in enumerate(rest[1:9], start=1):
        if word.lower() in _EN_AUXILIARIES:
            return f"{word.capitalize()} {' '.join(rest[:n])} {' '.join(rest[n + 1 :])}".rstrip() + "?"
    return f"Whether {' '.join(rest)}?"


def whether_questions(text: str) -> list[Item]:
    """One question per "whether"/"ob" clause of `text` (what follows a question label)."""
    items = []
    for clause in _NEXT_CLAUSE.split(text.strip()):
        clause = clause.strip().rstrip(".!?;,").strip()
        if _CLAUSE_WORD.match(clause) and len(clause.split()) >= 2:
            items.append(Item(clause, "", asked(normalise_space(clause))))
    return items


def labelled(sentence: str) -> tuple[str, str] | None:
    """(section, the rest of the sentence) when `sentence` opens with an inline label."""
    for kind, pattern in LABELS.items():
        match = pattern.match(sentence)
        if match:
            return kind, sentence[match.end() :]
    match = QUESTION_LABEL.match(sentence) or QUESTION_LIST.match(sentence)
    if match:
        return "questions", sentence[match.end() :]
    return None


def sentence_item(text: str) -> Item | None:
    """An item made of one sentence: its content without attribution; None for an attribution sentence."""
    content = content_of(text.strip())
    if not content.strip():
        return None
    return Item(content.rstrip(".!?").strip(), "")


class _Reader:
    """The items found in the prose, and the sentences it left to the report."""

    def __init__(self) -> None:
        self.items: dict[str, list[Item]] = {}

    def add(self, kind: str, item: Item | None) -> None:
        if item is not None:  # None: an attribution sentence, which is never an item
            self.items.setdefault(kind, []).append(item)

    def read(self, text: str) -> list[str]:
        """The sentences of one paragraph that no section took."""
        left = []
        section = None
        for sentence in sentences(text):
            found = labelled(sentence)
            if found:
                section, rest = found
                if section == "questions":
                    questions = whether_questions(rest)
                    for item in questions:
                        self.add("questions", item)
                    if not questions and ends_with_question(rest):
                        self.add("questions", Item(rest.strip(), ""))
                    section = None  # the questions are the labelled sentence (and any that end in "?")
                elif rest.strip():
                    self.add(section, sentence_item(rest))
            elif ends_with_question(sentence):
                self.add("questions", Item(sentence, ""))
            elif section:
                self.add(section, sentence_item(sentence))
            else:
                left.append(sentence)
        return left


def separate_inline(article: Article) -> Article:
    """The article with its inline sections taken out of the report into `article.inline`."""
    reader = _Reader()
    report = []
    for line in article.report:
        left = reader.read(line.text)
        if len(left) == len(sentences(line.text)):
            report.append(line)  # untouched: the line keeps its exact text
        elif left:
            text = " ".join(left)
            report.append(Line(line.indent, line.marker, text, text))
    sections = dict(article.sections)
    for kind in ("pros", "cons", "challenges", "proscons"):
        kept = []
        for line in sections.get(kind, []):
            first = sentences(line.text)[:1]
            if line.marker or not first or labelled(first[0]) is None:
                kept.append(line)
                continue
            left = " ".join(reader.read(line.text))
            if left:
                report.append(Line(line.indent, "", left, left))
        if kind in sections:
            sections[kind] = kept
    for line in article.sections.get("conclusion", []):
        reader.read(line.text)  # the conclusion keeps its lines; only its labelled sentences are taken
    return replace(article, report=report, sections=sections, inline=reader.items)
