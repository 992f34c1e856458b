"""Named entities: names the renderings agree on that the translation lacks, and names the translation has
that nothing else has (a replaced name).

A name here is a capitalised word that does not open a sentence (or an all-caps acronym), or, with one or two
renderings, a capitalised word that the original spells the same (kept_words); no tagger is needed
for the two failure modes that matter, and German capitalises every noun, which is why the checks compare with
every word of the other side, in any case, and not only with its names.
Spellings differ across languages and engines (Lukaschenko / Lukashenko, Selenskyj / Zelensky), so names are
matched on a transliteration key (sch -> sh, j -> y, w -> v, z -> s, doubled letters single, ...) and then
by similarity (difflib ratio >= 0.8).

Signals: `entities_unsupported` (translation names found in no rendering nor in the original) and
`entities_missing` (names at least half of the renderings share that the translation lacks; with fewer than
three renderings, names all of them share and, when there is an original, that it has too); counts.
"""
from __future__ import annotations

import difflib
import functools
import re

from ..records import Reason
from .exonyms import GERMAN
from .text import ALL_STOPWORDS, Token, fold, tokens
from .base import BeadTexts, Family, Measured, Resources, Signal

_RULES = [("tsch", "ch"), ("sch", "sh"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("w", "v"), ("z", "s"),
          ("j", "y"), ("ie", "i"), ("ou", "u"), ("c", "k"), ("q", "k"), ("x", "ks")]
_OPENERS = set(".!?:;\"'\u201c\u201e\u00ab\u2013\u2014-")
_ACRONYM_END = re.compile(r"(?:\b[A-Z]\.){2,}$")  # "U.S." before a word does not end a sentence


@functools.lru_cache(maxsize=65536)
def translit_key(key: str) -> str:
    for old, new in _RULES:
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)
    return key.rstrip("hs") or key  # Lukashenko's / Lukaschenkos, final -h of some transliterations


def _is_name(text: str, token: Token) -> bool:
    word = token.text
    if len(word) < 2 or not word[0].isupper() or token.key in ALL_STOPWORDS:
        return False
    if word.isupper() and len(word) >= 2:
        return True
    before = text[:token.start].rstrip()
    if not before:
        return False
    if before[-1] in "\"'" and len(before) > 1 and before[-2] in ",.!?":  # after a closing quote: ..." Hu said
        return True
    return before[-1] not in _OPENERS or bool(_ACRONYM_END.search(before))


_GERMAN_KEYS = {translit_key(fold(english)): translit_key(fold(german)) for english, german in GERMAN.items()}
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")


def _dotted(text: str) -> list[Token]:
    """Dotted acronyms (U.S., U.K.) as one word, "us", which the tokenizer would cut into single letters."""
    return [Token(m.group(0), m.group(0).replace(".", "").lower(), m.start(), m.end()) for m in _DOTTED.finditer(text)]


def names(text: str) -> list[Token]:
    return [t for t in tokens(text) if _is_name(text, t)] + _dotted(text)


@functools.lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def present(name: str, vocabulary: frozenset[str]) -> bool:
    return name in vocabulary or any(_similar(name, word) for word in vocabulary if abs(len(word) - len(name)) <= 3)


def in_original(name: str, vocabulary: frozenset[str]) -> bool:
    """present(), or inside a compound of the original (Korea in Nordkorea), also by its German name when
    that is spelled differently (Greece / Griechenland, Asia in Südostasien)."""
    for form in (name, _GERMAN_KEYS.get(name)):
        if form and (present(form, vocabulary) or (len(form) >= 4 and any(form in word for word in vocabulary))):
            return True
    return False


@functools.lru_cache(maxsize=16384)
def vocabulary(text: str) -> frozenset[str]:
    return frozenset(translit_key(t.key) for t in (*tokens(text), *_dotted(text)))


def kept_words(text: str, original_vocab: frozenset[str]) -> list[Token]:
    """Capitalised words of a rendering that the original spells the same (after transliteration), wherever they
    stand: a name that opens the sentence (Madagascar / Madagaskar) or follows a dash. Lower-case words are left
    out: those the original shares are cognates (reaction / Reaktion), not names (DEMETR: 4 of 70 unshifted
    translations flagged with them). A longer word only, so "Die" or "Man" never are."""
    return [t for t in tokens(text) if t.text[0].isupper() and len(t.key) >= 4 and t.key not in ALL_STOPWORDS
            and translit_key(t.key) in original_vocab]


def entity_signals(translation: str, renderings: dict[str, str], original: str = ""
                   ) -> tuple[dict[str, float], list[Reason]]:
    if not renderings:
        return {}, []
    ours = names(translation)
    ours_vocab = vocabulary(translation)
    vocabularies = [vocabulary(r) for r in renderings.values()]
    everything = frozenset().union(*vocabularies, vocabulary(original) if original else frozenset())
    elsewhere = "neither in the original nor in any machine translation" if original else \
        "in none of the machine translations"
    reasons = [Reason("entities", f"the name {t.text} here is {elsewhere}", (t.start, t.end),
                      f"entities: {t.text} in no rendering" + (" nor the original" if original else ""))
               for t in ours if not present(translit_key(t.key), everything)]
    unsupported = len(reasons)
    counts: dict[str, tuple[int, str]] = {}
    original_vocab = vocabulary(original) if original else None
    few = len(renderings) < 3  # then the original must confirm a name, and may reveal one that opens a sentence;
    # with many renderings their agreement is the evidence, and opening words that match the original are
    # more often common words some systems share (DEMETR WMT21: unshifted flagged 5.7% -> 8.6% with them)
    for text in renderings.values():
        found = names(text) + (kept_words(text, original_vocab) if few and original_vocab else [])
        for key, shown in {translit_key(t.key): t.text for t in found}.items():
            counts[key] = (counts.get(key, (0, shown))[0] + 1, shown)
    # Two noisy round trips (Apertium's "Putinha") must both say a name before it counts as missing.
    needed = len(renderings) if len(renderings) < 3 else (len(renderings) + 1) // 2
    for key, (n, shown) in sorted(counts.items()):
        if n < needed or present(key, ours_vocab):
            continue
        if few and original_vocab is not None and not in_original(key, original_vocab):
            # with one or two renderings, a name only they have may be their addition (a title, a spelled-out
            # acronym); with more, their agreement is the evidence (Germany for Deutschland is no spelling match)
            continue
        reasons.append(Reason("entities", f"the machine translations name {shown}; this translation does not", None,
                              f"entities: {shown} in {n} of {len(renderings)} renderings, not in the translation"))
    return {"entities_unsupported": float(unsupported), "entities_missing": float(len(reasons) - unsupported)}, reasons


def measure(bead: BeadTexts, resources: Resources) -> Measured:
    values, reasons = entity_signals(bead.translation, bead.renderings, bead.original)
    return Measured(values, reasons)


FAMILY = Family("entities", (
    Signal("entities_unsupported", "names in the translation that no rendering (nor the original) has",
           "a name here is in none of the machine translations", check="entities", cap=3.0, evidence="entities"),
    Signal("entities_missing", "names most renderings have that the translation lacks",
           "a name the machine translations agree on is missing here", check="entities", cap=3.0, evidence="entities"),
    Signal("entities_replaced", "a name no rendering has and a name they agree on missing: a replaced name",
           "a name was changed: the machine translations agree on another one", check="entities", evidence="entities",
           parts=("entities_unsupported", "entities_missing")),
), measure, module="entities.py", when="a rendering")
