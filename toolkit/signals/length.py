"""Length ratio (omission / addition) and untranslated text.

Length is measured in characters against the median rendering, as a log ratio split in two one-sided signals,
because a linear model over one signed ratio could only punish one direction:
`length_shortfall` = max(0, -log ratio) (something dropped), `length_excess` = max(0, log ratio) (something added).
`length_words` = log(1 + words of the translation) is a prior, not a difference: a long sentence has more room
for a shift (on MQM-TED, length alone ranks Major Accuracy errors better than chrF++ does: AUROC 0.61 vs 0.59).

Untranslated text: words of the translation that are in the original verbatim (folded) but in no rendering, or
that are function words of the other language (German in English, English in German) and of no rendering.
Names pass both tests only when the renderings lack them too, so a kept name is not counted.
Signal: `untranslated` = share of the translation's words that look untranslated.
"""

from __future__ import annotations

import math
import statistics
from typing import Any

from ..records import Reason
from .base import BeadTexts, Family, Measured, Resources, Signal
from .entities import present, translit_key, vocabulary
from .lexical import spans
from .text import STOPWORDS, keys, tokens


def length_signals(translation: str, renderings: dict[str, str]) -> dict[str, float]:
    if not renderings:
        return {}
    median = statistics.median(len(r) for r in renderings.values())
    ratio = math.log((len(translation) + 1) / (median + 1))
    return {
        "length_shortfall": round(max(0.0, -ratio), 4),
        "length_excess": round(max(0.0, ratio), 4),
        "length_words": round(math.log1p(len(tokens(translation))), 4),
    }


def untranslated_signals(
    translation: str, renderings: dict[str, str], original: str = "", lang: str | None = None
) -> tuple[dict[str, float], list[Reason]]:
    if not renderings:
        return {}, []
    ours = tokens(translation)
    seen = set().union(*(keys(r) for r in renderings.values()))
    source = keys(original) if original else set()
    ours_stop = STOPWORDS.get(lang or "", set())
    foreign = set().union(*(words for code, words in STOPWORDS.items() if code != lang)) - ours_stop
    if lang is None:
        foreign = set()  # without a language, a function word cannot be told foreign
    known = frozenset().union(*(vocabulary(r) for r in renderings.values()))
    left = [
        t
        for t in ours
        if t.key not in seen
        and len(t.key) > 2
        and (t.key in source or t.key in foreign)
        and not present(translit_key(t.key), known)
    ]  # a name spelled the original's way
    reasons = [
        Reason(
            "untranslated",
            f'"{translation[a:b]}" seems left untranslated: it is in another language, '
            "and no machine translation has it",
            (a, b),
            "untranslated: in the original or another language's function words, in no rendering",
        )
        for a, b in spans(left)
    ]
    return {"untranslated": round(len(left) / max(len(ours), 1), 4)}, reasons


def measure_length(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    return Measured(length_signals(bead.translation, bead.renderings))


def measure_untranslated(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    values, reasons = untranslated_signals(bead.translation, bead.renderings, bead.original, bead.lang)
    return Measured(values, reasons)


LENGTH = Family(
    "length",
    (
        Signal(
            "length_shortfall",
            "how much shorter than the median rendering (log ratio)",
            "this translation is much shorter than the machine translations: something may be missing",
        ),
        Signal(
            "length_excess",
            "how much longer than the median rendering (log ratio)",
            "this translation is much longer than the machine translations: something may have been added",
        ),
        Signal(
            "length_words",
            "log(1 + words): a long sentence has more room for a shift",
            "a long sentence, with more room for a change",
        ),
    ),
    measure_length,
    module="length.py",
    when="a rendering",
)

UNTRANSLATED = Family(
    "untranslated",
    (
        Signal(
            "untranslated",
            "share of words left in the original's (or another) language",
            "words were left untranslated",
            check="untranslated",
            evidence="untranslated",
        ),
    ),
    measure_untranslated,
    module="length.py",
    when="a rendering",
)
