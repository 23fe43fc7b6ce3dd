"""Attributions: who said it and when, which the drafter keeps out of its drivers.

A news sentence often wraps what happened in who reported it: "Officials in Taipei said on Monday
that up to 3,000 troops ...", "Wie ein Sprecher am Montag sagte, sollen ...", "..., the ministry
said.". The day in such a clause dates the statement, not an event, so it must not become a driver.
`content_span` finds the part of a sentence that is left once the attribution is cut off:

  * leading, English: "[On Monday,] WHO [has] said|says|told ...|stated|added [on Monday] [that]",
    "WHO announced|reported|warned|argued|noted ... [on Monday] that|,|:" and "According to WHO,";
    German: "Wie WHO [am Montag] sagte|erklärte|mitteilte ...," and "WHO sagte|erklärte|teilte ...
    mit|kündigte ... an [am Montag], [dass]" (the comma is required: without it the verb is the
    sentence's own).
  * trailing: ", WHO said [on Monday]." / ", said WHO." / ", according to WHO." and ", so WHO." /
    ", sagte|erklärte|teilte ... mit WHO [am Montag]." / ", wie WHO sagte|einräumte|hieß.".
  * WHO is at most 80 characters without a comma, colon, semicolon or sentence end.

A sentence with nothing left is an attribution sentence ("Officials in Taipei said as much on
Monday.", "Das bestätigte am Mittwoch ein Sprecher."): it is never a driver. The rules are
deliberately narrow: a verb of saying outside these shapes ("X warnte vor Schäden") is content.
"""

from __future__ import annotations

import re

_WHO = r"[^,;:.!?]{1,80}?"
_EN_VERBS = (
    r"(?:said|says|say|told\s+\w+|stated|states|announced|announces|reported|reports|added|confirmed|confirms"
    r"|claimed|claims|warned|warns|warn|noted|notes|note|argued|argues|argue|insisted|insists|wrote|writes"
    r"|explained|admitted|admits)"
)
# What may follow the verb in an attribution: "so", "as much", the day, "in a statement", "to reporters".
_EN_TAIL = (
    r"(?:\s+(?:so|as\s+much|this|that\s+much))?"
    r"(?:\s+(?:(?:early\s+|late\s+)?on\s+\w+|last\s+\w+|this\s+\w+|in\s+a\s+statement|to\s+reporters"
    r"|in\s+an\s+interview))*"
)
# Verbs whose bare object is what was said ("Officials said on Monday the talks failed"); the others
# ("warned of higher costs", "reported 3,000 troops") are attributions only before "that", a comma or a colon.
_EN_SAY = r"(?:said|says|say|told\s+\w+|stated|states|added|confirmed|confirms)"
_EN_LEADING = re.compile(
    r"^(?:(?:according\s+to\s+[^,;:.!?]{1,80},\s*)"
    r"|(?:(?:on\s+\w+,\s+)?" + _WHO + r"\s+(?:has\s+|have\s+|had\s+)?"
    r"(?:" + _EN_VERBS + r"\b" + _EN_TAIL + r"(?:\s*[,:]|\s+that\b)|" + _EN_SAY + r"\b" + _EN_TAIL + r")\s*))",
    re.IGNORECASE,
)
_EN_TRAILING = re.compile(
    r",\s*(?:" + _WHO + r"\s+(?:has\s+|have\s+)?" + _EN_VERBS + r"\b" + _EN_TAIL
    + r"|(?:said|told|added|wrote)\s+" + _WHO + r"|according\s+to\s+" + _WHO + r")\s*[.!?]?$",
    re.IGNORECASE,
)  # fmt: skip

# German verbs of saying: at the end of a "wie" clause, and in second position of a main clause
# (separable ones with their particle: "teilte ... mit", "kündigte ... an", "räumte ... ein").
_DE_FINAL = (
    r"(?:sagte|sagten|erklärte|erklärten|mitteilte|mitteilten|berichtete|berichteten|bestätigte|bestätigten"
    r"|betonte|betonten|ankündigte|ankündigten|schrieb|schrieben|meldete|meldeten|einräumte|einräumten"
    r"|hieß|sagt|erklärt|mitteilt|berichtet)"
)
_DE_SECOND = (
    r"(?:sagte|sagten|sagt|erklärte|erklärten|erklärt|berichtete|berichteten|berichtet|bestätigte|bestätigten"
    r"|betonte|betonten|schrieb|schrieben|meldete|meldeten|warnte|warnten"
    r"|(?:teilte|teilten|teilt)\b[^,;:.!?]{0,60}?\bmit|(?:kündigte|kündigten|kündigt)\b[^,;:.!?]{0,60}?\ban"
    r"|(?:räumte|räumten)\b[^,;:.!?]{0,60}?\bein)"
)
_DE_LEADING = re.compile(
    r"^(?:wie\s+[^,;:.!?]{1,100}?\s+" + _DE_FINAL + r"\s*,\s*"
    r"|" + _WHO + r"\s+" + _DE_SECOND + r"\b[^,;:.!?]{0,60}?,\s*(?:dass\s+)?)",
    re.IGNORECASE,
)
_DE_TRAILING = re.compile(
    r",\s*(?:so\s+(?!dass\b)" + _WHO + r"|" + _DE_SECOND + r"\b" + r"[^,;:!?]{0,80}?"
    r"|wie\s+[^,;:.!?]{1,100}?\s+" + _DE_FINAL + r")\s*[.!?]?$",
    re.IGNORECASE,
)
# A sentence that only says who said the one before it: "Das bestätigte am Mittwoch ein Sprecher." Past
# tense only: "Das erklärt die hohen Preise" is content.
_DE_PAST = (
    r"(?:sagte|sagten|erklärte|erklärten|berichtete|berichteten|bestätigte|bestätigten|betonte|betonten"
    r"|schrieb|schrieben|meldete|meldeten|(?:teilte|teilten)\b[^,;:.!?]{0,60}?\bmit"
    r"|(?:räumte|räumten)\b[^,;:.!?]{0,60}?\bein)"
)
_DE_ONLY = re.compile(r"^(?:das|dies|so)\s+" + _DE_PAST + r"\b[^,;:!?]{0,100}[.!?]?$", re.IGNORECASE)
_EN_ONLY = re.compile(
    r"^" + _WHO + r"\s+(?:has\s+|have\s+)?" + _EN_VERBS + r"\b" + _EN_TAIL + r"\s*[.!?]?$", re.IGNORECASE
)


def content_span(sentence: str) -> tuple[int, int]:
    """(start, end) of what `sentence` says once its attribution is cut off; start == end for none."""
    if _EN_ONLY.match(sentence) or _DE_ONLY.match(sentence):
        return 0, 0
    start, end = 0, len(sentence)
    for leading in (_EN_LEADING, _DE_LEADING):
        match = leading.match(sentence)
        if match and match.end() > start:
            start = match.end()
    for trailing in (_EN_TRAILING, _DE_TRAILING):
        match = trailing.search(sentence, start)
        if match and match.start() < end:
            end = match.start()
    while end > start and not sentence[end - 1].isalnum() and sentence[end - 1] not in ")\"'”»%":
        end -= 1  # the full stop and spaces are not content
    return (start, end) if end > start else (0, 0)


def content_of(sentence: str) -> str:
    """The content of `sentence` without its attribution: a substring, '' for an attribution sentence."""
    start, end = content_span(sentence)
    return sentence[start:end]


def is_attribution(sentence: str) -> bool:
    return content_span(sentence) == (0, 0) and bool(sentence.strip())
