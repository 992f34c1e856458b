"""Word support: which words of the translation no rendering has, and which words the renderings agree on
that the translation lacks.

A meaning shift is usually a few words (an antonym, a new name, a dropped noun), and surface scores such as
chrF dilute it over the whole sentence; counting unsupported and missing words keeps it visible and gives the
span to point at. Words are compared in their folded form (lower case, no diacritics), content words only
except for `lexical_unsupported_all`, which also sees function words (tense and aspect live there:
will / had / has been).

Signals (fractions in [0, 1]):
- `lexical_unsupported`: share of the translation's content words that are in no rendering;
- `lexical_unsupported_all`: the same over all words;
- `lexical_missing`: share of the content words at least half of the renderings have that the translation lacks;
- `lexical_unsupported_count`: the number of content words in no rendering (a share dilutes one changed word in
  a long sentence);
- `bigram_unsupported`: the number of word pairs (all words) in no rendering: tense, aspect and word-order
  changes ("had been", "was applying") make new pairs out of words that each exist somewhere;
- `word_order_scrambled`: the share of word pairs in no rendering minus the share of words in none, when that
  reaches SCRAMBLED (else 0): the words are there but not in any order a rendering uses. A paraphrase changes
  words and pairs together; on DEMETR unshifted translations stay below 0.47, shuffled ones are above 0.6.
  Sentences under ORDER_MIN_WORDS words are not judged: an Apertium round trip reorders a 4-word headline.
"""

from __future__ import annotations

import functools
from typing import Any

from ..records import Reason
from .base import BeadTexts, Family, Measured, Resources, Signal
from .entities import translit_key
from .text import Token, content, tokens


# Each text's word keys, content keys and word pairs, kept: consensus.py compares every rendering with every
# other (leave one out), so a text is read as a rendering many times over.
@functools.lru_cache(maxsize=65536)
def _keys(text: str) -> frozenset[str]:
    return frozenset(translit_key(t.key) for t in tokens(text))


@functools.lru_cache(maxsize=65536)
def _content_keys(text: str) -> frozenset[str]:
    return frozenset(translit_key(t.key) for t in content(tokens(text)))


def support_rates(translation: str, renderings: list[str]) -> tuple[float, float, float, list[Token]]:
    """(unsupported content share, unsupported word share, missing share, the unsupported content tokens)."""
    ours = tokens(translation)
    seen = set().union(*(_keys(r) for r in renderings))
    ours_content = content(ours)
    unsupported = [t for t in ours_content if translit_key(t.key) not in seen]
    unsupported_all = [t for t in ours if translit_key(t.key) not in seen]
    counts: dict[str, int] = {}
    for rendering in renderings:
        for key in _content_keys(rendering):
            counts[key] = counts.get(key, 0) + 1
    agreed = {key for key, n in counts.items() if n * 2 >= len(renderings)}
    our_keys = _keys(translation)
    missing = agreed - our_keys
    return (
        len(unsupported) / max(len(ours_content), 1),
        len(unsupported_all) / max(len(ours), 1),
        len(missing) / max(len(agreed), 1),
        unsupported,
    )


@functools.lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    toks = [translit_key(t.key) for t in tokens(text)]
    return frozenset(zip(toks, toks[1:]))


def bigram_unsupported(translation: str, renderings: list[str]) -> int:
    seen = set().union(*(_bigrams(r) for r in renderings))
    return len(_bigrams(translation) - seen)


SCRAMBLED = 0.5
ORDER_MIN_WORDS = 8  # in a headline a single reordered possessive ("the bluff of Putin") is half of its pairs


def word_order_scrambled(translation: str, renderings: list[str], unsupported_all: float) -> float:
    words = len(tokens(translation))
    if words < ORDER_MIN_WORDS:
        return 0.0
    pairs = words - 1
    shift = bigram_unsupported(translation, renderings) / pairs - unsupported_all
    return round(shift, 4) if shift >= SCRAMBLED else 0.0


def spans(toks: list[Token], gap: int = 2) -> list[tuple[int, int]]:
    """Merge tokens that sit next to each other (a few characters apart) into one span."""
    merged: list[list[int]] = []
    for t in sorted(toks, key=lambda t: t.start):
        if merged and t.start - merged[-1][1] <= gap:
            merged[-1][1] = t.end
        else:
            merged.append([t.start, t.end])
    return [(a, b) for a, b in merged]


def lexical_signals(translation: str, renderings: dict[str, str]) -> tuple[dict[str, float], list[Reason]]:
    if not renderings:
        return {}, []
    unsupported, unsupported_all, missing, where = support_rates(translation, list(renderings.values()))
    reasons = [
        Reason(
            "lexical_unsupported",
            f'"{translation[a:b]}" is in none of the machine translations',
            (a, b),
            "lexical_unsupported: content words in no rendering",
        )
        for a, b in spans(where)
    ]
    return {
        "lexical_unsupported": round(unsupported, 4),
        "lexical_unsupported_all": round(unsupported_all, 4),
        "lexical_missing": round(missing, 4),
        "lexical_unsupported_count": float(len(where)),
        "bigram_unsupported": float(bigram_unsupported(translation, list(renderings.values()))),
        "word_order_scrambled": word_order_scrambled(translation, list(renderings.values()), unsupported_all),
    }, reasons


def measure(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    values, reasons = lexical_signals(bead.translation, bead.renderings)
    return Measured(values, reasons)


_UNSUPPORTED = "words here are in none of the machine translations"
FAMILY = Family(
    "lexical",
    (
        Signal("lexical_unsupported", "share of the translation's content words in no rendering", _UNSUPPORTED),
        Signal("lexical_unsupported_all", "share of all the translation's words in no rendering", _UNSUPPORTED),
        Signal(
            "lexical_missing",
            "share of the content words most renderings share that the translation lacks",
            "words the machine translations agree on are missing here",
        ),
        Signal("lexical_unsupported_count", "content words in no rendering", _UNSUPPORTED, cap=5.0),
        Signal(
            "bigram_unsupported",
            "word pairs in no rendering",
            "the words are combined in ways no machine translation uses",
            cap=8.0,
        ),
        Signal(
            "word_order_scrambled",
            "pairs in no rendering beyond the words in none (8 words or more)",
            "the words are there, but in an order no machine translation uses",
            check="order",
        ),
    ),
    measure,
    module="lexical.py",
    when="a rendering",
)
