"""Numbers that differ between the translation and what the renderings (and the original) say.

A number is compared as a value, whatever way it is written:
- German and English separators (1.000 / 1,000; 3,5 / 3.5): a group of exactly three digits after a separator is
  a thousands group, anything else is a decimal part;
- number words (two / zwei, twenty / zwanzig) and ordinals (3rd / third / dritte), scaled by a following
  million / Millionen / billion / Milliarden (1.5 million = 1,5 Millionen = 1,500,000);
- percentages (5% / 5 percent / 5 Prozent) keep the value 5, units are not converted (a changed unit usually
  comes with a changed value), dates compare by their parts: a month name in either language is `month:N`.

"one" / "ein" are left out of the number words: as pronoun and article they are far more often not numbers.

Signals: `numbers_unsupported` (translation quantities found in no witness), `numbers_missing` (quantities
that every rendering or the original has and the translation lacks), `numbers_mismatch` (1.0 if either).
"""

from __future__ import annotations

import re
from typing import Any

from ..records import Reason
from .base import BeadTexts, Family, Measured, Resources, Signal

_DIGITS = r"\d+(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)\b"

_WORDS_EN = [
    "zero",
    None,
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS_EN = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
}
_WORDS_DE = [
    "null",
    None,
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
]
_TENS_DE = {
    "zwanzig": 20,
    "dreißig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
    "hundert": 100,
    "tausend": 1000,
    "dutzend": 12,
}
_ORDINALS_EN = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
_ORDINALS_DE = [
    "erst",
    "zweit",
    "dritt",
    "viert",
    "fünft",
    "sechst",
    "siebt",
    "acht",
    "neunt",
    "zehnt",
    "elft",
    "zwölft",
]
_MONTHS = [
    ("january", "januar", "jan"),
    ("february", "februar", "feb"),
    ("march", "märz", "mar"),
    ("april", "april", "apr"),
    ("may", "mai", None),
    ("june", "juni", "jun"),
    ("july", "juli", "jul"),
    ("august", "august", "aug"),
    ("september", "september", "sep"),
    ("october", "oktober", "oct"),
    ("november", "november", "nov"),
    ("december", "dezember", "dec"),
]
_SCALES = {
    "million": 1e6,
    "millionen": 1e6,
    "mio": 1e6,
    "billion": 1e9,
    "billionen": 1e12,
    "milliarde": 1e9,
    "milliarden": 1e9,
    "mrd": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "millions": 1e6,
    "billions": 1e9,
    "trillions": 1e12,
}
# Any run of digits, also glued into a word: Apertium writes "19-year-old" back as "niñode19años".
_ANY_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
# The same with a number word of its pivot language: "the ninety-year-old actor" comes back as "the
# personadenoventaaños actor" (Spanish) or "canadencdenorantaanys" (Catalan); "fifty-year-old" as
# "televisióndecincuentaaños". Read only in that glued "de <number> años/anys" shape.
_PIVOT_WORDS: dict[str, float] = {}
_PIVOT_UNITS = [
    "",
    "",
    "dos",
    "tres",
    "cuatro|quatre",
    "cinco|cinc",
    "seis|sis",
    "siete|set",
    "ocho|vuit",
    "nueve|nou",
    "diez|deu",
    "once|onze",
    "doce|dotze",
    "trece|tretze",
    "catorce|catorze",
    "quince|quinze",
    "dieciséis|setze",
    "diecisiete|disset",
    "dieciocho|divuit",
    "diecinueve|dinou",
]
_PIVOT_TENS = {
    "veinte|vint": 20,
    "treinta|trenta": 30,
    "cuarenta|quaranta": 40,
    "cincuenta|cinquanta": 50,
    "sesenta|seixanta": 60,
    "setenta|setanta": 70,
    "ochenta|vuitanta": 80,
    "noventa|noranta": 90,
    "cien|cent": 100,
}
for _k, _names in enumerate(_PIVOT_UNITS):
    _PIVOT_WORDS.update({w: float(_k) for w in _names.split("|") if w})
for _names, _v in _PIVOT_TENS.items():
    _PIVOT_WORDS.update({w: float(_v) for w in _names.split("|")})
_GLUED_AGE = re.compile(
    r"de(" + "|".join(sorted(_PIVOT_WORDS, key=len, reverse=True)) + r")(?:años|anys)", re.IGNORECASE
)

_WORD_VALUES: dict[str, float] = {}
for _table in (_WORDS_EN, _WORDS_DE):
    _WORD_VALUES.update({w: float(k) for k, w in enumerate(_table) if w})
_WORD_VALUES.update({w: float(v) for w, v in {**_TENS_EN, **_TENS_DE}.items()})
_ORDINAL_VALUES = {w: float(k + 1) for table in (_ORDINALS_EN,) for k, w in enumerate(table)}
_MONTH_VALUES = {name: k + 1 for k, names in enumerate(_MONTHS) for name in names if name}

_ORDINAL_DE = re.compile(r"(" + "|".join(_ORDINALS_DE) + r")(?:e|er|en|em|es)$")
_TOKEN = re.compile(
    r"(?<![\w.,])(?P<num>" + _DIGITS + r")(?P<ord>" + _ORDINAL_SUFFIX + r")?(?![\w])"
    r"|(?<![\w])(?P<word>[^\W\d_]+)",
    re.UNICODE | re.IGNORECASE,
)
_SCALE_AFTER = re.compile(r"\s+(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _digit_value(token: str) -> float:
    digits = token.replace("\u00a0", " ").replace("\u202f", " ")
    groups = re.split(r"[., ]", digits)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))  # thousands separators
    if len(groups) == 2:
        return float(f"{groups[0]}.{groups[1]}")  # a decimal comma or point
    return float("".join(groups))


def _canonical(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.6g}"


def quantities(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(canonical value, span) of every number, number word, ordinal and month name in text."""
    return [(value, span) for value, span, _ in _quantities(text)]


def _quantities(text: str) -> list[tuple[str, tuple[int, int], str]]:
    """quantities() with each one's value before its scale word (63 of "63 billion"; the value itself where
    there is no scale)."""
    found = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if match.group("num"):
            number = match.group("num").rstrip(" ")
            end = start + len(number) + len(match.group("ord") or "")
            value = _digit_value(number)
        else:
            word = match.group("word").lower()
            if word in _MONTH_VALUES and (word != "may" or match.group("word")[0].isupper()):
                month = f"month:{_MONTH_VALUES[word]}"
                found.append((month, (start, end), month))
                continue
            known = _WORD_VALUES.get(word) or _ORDINAL_VALUES.get(word)
            if known is not None:
                value = known
            else:
                ordinal = _ORDINAL_DE.match(word)
                if not ordinal:
                    continue
                value = float(_ORDINALS_DE.index(ordinal.group(1)) + 1)
        base = _canonical(value)
        scale = _SCALE_AFTER.match(text, end)
        if scale:
            value *= _SCALES[scale.group(1).lower()]
            end = scale.end()
        found.append((_canonical(value), (start, end), base))
    return found


def _loose(text: str) -> set[str]:
    """Every value a round trip may carry a number as, whatever its engine did to it: each quantity, its value
    before a scale word (engines get scales wrong: "63 billion" comes back "63 billions" and, through Spanish
    "billón", "63 trillion"), and every run of digits, also one glued into a word ("niñode19años")."""
    found = _quantities(text)
    values = {value for value, _, _ in found} | {base for _, _, base in found}
    for match in _ANY_DIGITS.finditer(text):
        try:
            values.add(_canonical(_digit_value(match.group())))
        except ValueError:
            continue
    values |= {_canonical(_PIVOT_WORDS[m.group(1).lower()]) for m in _GLUED_AGE.finditer(text)}
    return values


def numbers_signal(
    translation: str, renderings: dict[str, str], original: str = "", round_trips: frozenset[str] = frozenset()
) -> tuple[dict[str, float], list[Reason]]:
    """Count the translation's quantities no witness has, and the quantities the witnesses agree on it lacks.

    round_trips: the names of the renderings that are round trips of the translation. What a round trip lacks
    or adds is first of all what its engine did, so a round trip is compared loosely (_loose: the number as
    its engine may have mangled it), and round trips alone are evidence only where two or more agree: with
    one round trip and nothing else, the numbers are not compared at all."""
    witnesses = list(renderings.values()) + ([original] if original else [])
    if not witnesses:
        return {}, []
    if not original and len(round_trips) < 2 and set(renderings) <= set(round_trips):
        return {"numbers_unsupported": 0.0, "numbers_missing": 0.0, "numbers_mismatch": 0.0}, []
    found = _quantities(translation)
    ours = [(value, span) for value, span, _ in found]
    our_loose = _loose(translation)
    strict = {name: _quantities(r) for name, r in renderings.items()}
    loose = {name: _loose(r) for name, r in renderings.items() if name in round_trips}
    source = {value for value, _ in quantities(original)} if original else set()

    def supported(value: str, base: str) -> bool:
        return value in source or any(
            value in loose[n] or base in loose[n] if n in loose else value in {v for v, _, _ in strict[n]}
            for n in renderings
        )

    def lacked(name: str) -> set[str]:
        """The values this rendering has that the translation lacks (loosely, for a round trip)."""
        if name in loose:
            return {v for v, _, b in strict[name] if v not in our_loose and b not in our_loose}
        return {v for v, _, _ in strict[name]} - {v for v, _ in ours}

    agreed = set.intersection(*(lacked(n) for n in renderings)) if renderings else set()
    our_values = {value for value, _ in ours}
    elsewhere = (
        "neither in the original nor in any machine translation" if original else "in none of the machine translations"
    )
    reasons = [
        Reason(
            "numbers",
            f"{_what(value)} {translation[a:b]} here is {elsewhere}",
            (a, b),
            f"numbers: value {value} in no rendering" + (" nor the original" if original else ""),
        )
        for value, (a, b), base in found
        if not supported(value, base)
    ]
    missing = sorted(agreed | (source - our_values))
    reasons += [
        Reason(
            "numbers",
            f"{_what(v)} {_show(v)} in the original is missing here"
            if v in source
            else f"the machine translations all have {_what(v)} {_show(v)}; this translation does not",
            None,
            f"numbers: value {v} in {'the original' if v in source else 'every rendering'}, not in the translation",
        )
        for v in missing
    ]
    return {
        "numbers_unsupported": float(len(reasons) - len(missing)),
        "numbers_missing": float(len(missing)),
        "numbers_mismatch": 1.0 if reasons else 0.0,
    }, reasons


_MONTH_NAMES = ("January February March April May June July August September October November December").split()


def _what(value: str) -> str:
    return "the month" if value.startswith("month:") else "the number"


def _show(value: str) -> str:
    """A canonical value as a reader writes it: a month by its name, 48000 as 48,000 (a year stays 2023)."""
    if value.startswith("month:"):
        month = int(float(value.split(":", 1)[1]))
        return _MONTH_NAMES[month - 1] if 1 <= month <= 12 else value
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{int(number):,}" if number == int(number) and abs(number) >= 10000 else value


def measure(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    values, reasons = numbers_signal(bead.translation, bead.renderings, bead.original, frozenset(bead.round_trips()))
    return Measured(values, reasons)


FAMILY = Family(
    "numbers",
    (
        Signal(
            "numbers_unsupported",
            "numbers, dates and amounts of the translation that no rendering has",
            "a number here is in none of the machine translations",
            check="numbers",
            cap=3.0,
            evidence="numbers",
        ),
        Signal(
            "numbers_missing",
            "numbers the renderings agree on (or the original has) that the translation lacks",
            "a number the machine translations agree on is missing here",
            cap=3.0,
            evidence="numbers",
        ),
        Signal(
            "numbers_mismatch",
            "1 when either of the above",
            "a number differs from the machine translations",
            evidence="numbers",
            feature=False,
        ),
        Signal(
            "numbers_replaced",
            "a number no rendering has and a number they agree on missing: a replaced number",
            "a number was changed: the machine translations agree on another one",
            check="numbers",
            evidence="numbers",
            parts=("numbers_unsupported", "numbers_missing"),
        ),
    ),
    measure,
    module="numbers.py",
    when="a rendering or an original",
)
