"""Quantities the article states with their unit, and the slider range drawn from them.

A driver gets a unit only where the text states one next to a figure; everywhere else the unit is
`PLACEHOLDER_UNIT` ("TODO unit" / "TODO Einheit") for the analyst to define. The figures read:

  * soldiers: a number, at most three words, a personnel noun ("3.500 Soldaten", "up to 3,000
    troops", "800 personnel"): unit soldiers / Soldaten.
  * percent: "15 percent", "15 per cent", "15 %", "30 Prozent", "15-percent": unit %.
  * kilometres: "40 Kilometern", "310 kilometres", "25 km", "300-kilometre": unit km.
  * money: "$2.4 billion", "€3 million", "85 million US dollars", "1,8 Milliarden Euro": the
    scale word and currency are the unit ("billion US dollars" / "Milliarden US-Dollar").
  * tonnes: "1.2 million tonnes", "500 Tonnen": unit (million) tonnes / (Millionen) Tonnen.
  * ships: a number, at most two words, a ship noun ("40 foreign trawlers", "4 Kriegsschiffe"):
    unit ships / Schiffe.

Numbers are digits: "12.000", "12,000" and "12 000" (no-break space) are thousands, "1.2" and "2,5"
(one or two digits after the mark) are decimals; number words ("three", "ein Drittel") state no unit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from engine.schema import Text

PLACEHOLDER_UNIT = Text(en="TODO unit", de="TODO Einheit")

# Twelve digits at most: longer digit runs are not amounts (and would be slow to convert).
_INTEGER = r"\d{1,3}(?:[.,\u00a0\u202f]\d{3}){1,3}|\d{1,9}"


def _amount(tag: str = "") -> str:
    # Named per alternative (Python's re refuses a group name twice in one pattern).
    return r"(?<![\d.,])(?P<whole" + tag + r">" + _INTEGER + r")(?:[.,](?P<frac" + tag + r">\d{1,2}))?(?![\d]|[.,]\d)"


def _scale(tag: str = "") -> str:
    return r"(?P<scale" + tag + r">million|billion|bn|millionen|milliarden|mio\.|mrd\.|m)"


PERSONNEL = (
    r"truppen|soldaten|soldatinnen|soldat|kämpfer|streitkräfte|kräfte|militärangehörige|mann"
    r"|troops|soldiers|personnel|fighters|servicemen|service members|forces|men"
)
SHIPS = (
    r"ships|vessels|warships|trawlers|boats|tankers|frigates|destroyers"
    r"|schiffe|kriegsschiffe|fangschiffe|boote|patrouillenboote|tanker|trawler|fregatten|zerstörer"
)
_SCALES = {
    "million": ("million", "Millionen"),
    "millionen": ("million", "Millionen"),
    "mio.": ("million", "Millionen"),
    "m": ("million", "Millionen"),
    "billion": ("billion", "Milliarden"),
    "bn": ("billion", "Milliarden"),
    "milliarden": ("billion", "Milliarden"),
    "mrd.": ("billion", "Milliarden"),
}
_CURRENCIES = {"$": "usd", "us$": "usd", "€": "eur"}
_CURRENCY_NAMES = (("us-dollar", "usd"), ("us dollars", "usd"), ("dollars", "usd"), ("dollar", "usd"),
                   ("euros", "eur"), ("euro", "eur"))  # fmt: skip
_CURRENCY_UNITS = {"usd": ("US dollars", "US-Dollar"), "eur": ("euros", "Euro")}

PATTERNS = {
    "soldiers": re.compile(_amount() + r"\s+(?:[\w-]+\s+){0,3}?(?:" + PERSONNEL + r")\b", re.IGNORECASE),
    "percent": re.compile(_amount() + r"(?:\s?%|[\s-](?:percent|per\s+cent|prozent)\b)", re.IGNORECASE),
    "km": re.compile(_amount() + r"[\s-](?:km|kilometres?|kilometers?|kilometern?)\b", re.IGNORECASE),
    "money": re.compile(
        r"(?P<symbol>US\$|\$|€)\s?" + _amount("1") + r"(?:\s+" + _scale("1") + r"\b)?"
        r"|" + _amount("2") + r"\s+(?:" + _scale("2") + r"\s+)?(?P<name>US dollars|US-Dollar|dollars?|euros?)\b",
        re.IGNORECASE,
    ),
    "tonnes": re.compile(_amount() + r"\s+(?:" + _scale() + r"\s+)?(?:tonnes|tons|tonnen)\b", re.IGNORECASE),
    "ships": re.compile(_amount() + r"\s+(?:[\w-]+\s+){0,2}?(?:" + SHIPS + r")\b", re.IGNORECASE),
}
FIXED_UNITS = {
    "soldiers": Text(en="soldiers", de="Soldaten"),
    "percent": Text(en="%", de="%"),
    "km": Text(en="km", de="km"),
    "ships": Text(en="ships", de="Schiffe"),
}


@dataclass(frozen=True)
class Quantity:
    kind: str  # a key of PATTERNS
    value: float
    unit: Text
    start: int
    end: int


def amount(whole: str, frac: str | None) -> float:
    value = int(re.sub(r"[.,\u00a0\u202f]", "", whole))
    return value + int(frac) / 10 ** len(frac) if frac else value


def _groups(match: re.Match, prefix: str) -> list[str]:
    """The values of the groups named `prefix`..., of whichever alternative matched."""
    return [value for name, value in match.groupdict().items() if name.startswith(prefix) and value]


def unit_of(kind: str, match: re.Match) -> Text:
    if kind in FIXED_UNITS:
        return FIXED_UNITS[kind]
    scale = (_groups(match, "scale") or [""])[0].lower()
    en_scale, de_scale = _SCALES.get(scale, ("", ""))
    if kind == "tonnes":
        return Text(en=f"{en_scale} tonnes".strip(), de=f"{de_scale} Tonnen".strip())
    symbol, name = (match.group("symbol") or "").lower(), (match.group("name") or "").lower()
    currency = _CURRENCIES.get(symbol) or next(code for text, code in _CURRENCY_NAMES if name.startswith(text))
    en, de = _CURRENCY_UNITS[currency]
    return Text(en=f"{en_scale} {en}".strip(), de=f"{de_scale} {de}".strip())


def stated_quantities(text: str) -> list[Quantity]:
    """Every figure with a stated unit in `text`, in order; a figure read by two patterns counts once."""
    found: list[Quantity] = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            value = amount(_groups(match, "whole")[0], (_groups(match, "frac") or [None])[0])
            if value <= 0:
                continue
            if any(q.start < match.end() and match.start() < q.end for q in found):
                continue
            found.append(Quantity(kind, value, unit_of(kind, match), match.start(), match.end()))
    return sorted(found, key=lambda q: q.start)


def first_quantity(*texts: str) -> Quantity | None:
    """The first figure with a stated unit in the first of `texts` that states one."""
    for text in texts:
        quantities = stated_quantities(text)
        if quantities:
            return quantities[0]
    return None


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value`."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def slider_range(quantity: Quantity) -> tuple[float, float, float]:
    """(min, max, step) around a stated figure: 0-100 for a percentage up to 100, else 0 to the next
    1-2-5 step at or above 1.5 x the figure, in forty steps."""
    if quantity.kind == "percent" and quantity.value <= 100:
        return 0, 100, 1
    top = nice_ceiling(quantity.value * 1.5)
    return 0, top, top / 40
