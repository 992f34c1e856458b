"""Negation and polarity: a negation the renderings do not have (or lack), and antonyms.

Negators are counted per text (English and German lists below); the translation's count is compared with
what the renderings agree on (their most common count) and, across languages, with the original's count,
which is noisier (kein -> "no" / "not any", nichts -> "nothing") and is a separate signal for the fusion to
weigh. Antonyms are a fixed list of common English and German pairs: a translation word that no rendering has
while its antonym is in a rendering.

Signals: `negation_mismatch` (|translation count - renderings' most common count|), `negation_source_mismatch`
(|translation count - original count|, only with an original), `antonyms` (count of antonym swaps).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..records import Reason
from .base import BeadTexts, Family, Measured, Resources, Signal
from .text import fold, keys, tokens

NEGATORS = {
    fold(w)
    for w in """not no never none nobody nothing nowhere neither nor without cannot can't won't
    don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't mustn't
    n't nicht kein keine keiner keinen keinem keines nie niemals nichts niemand nirgends nirgendwo ohne weder
    unmöglich""".split()
}

_PAIRS = """increase decrease|increased decreased|increases decreases|rise fall|rose fell|more less|more fewer|
    most least|higher lower|high low|largest smallest|large small|big small|bigger smaller|long short|
    longer shorter|good bad|better worse|best worst|positive negative|win lose|won lost|success failure|
    successful unsuccessful|strong weak|stronger weaker|rich poor|old new|old young|older younger|early late|
    earlier later|before after|first last|open closed|open close|start end|begin end|began ended|allow forbid|
    allowed banned|accept reject|accepted rejected|agree disagree|support oppose|supported opposed|
    legal illegal|possible impossible|likely unlikely|always never|everyone nobody|everything nothing|
    all none|many few|much little|easy difficult|easy hard|safe dangerous|true false|right wrong|correct
    incorrect|same different|similar different|together apart|inside outside|above below|up down|north south|
    east west|left right|friend enemy|love hate|loved hated|peace war|alive dead|rise drop|gain loss|
    gained lost|buy sell|bought sold|import export|maximum minimum|majority minority|internal external|
    domestic foreign|public private|full empty|heavy light|hot cold|warm cold|fast slow|quickly slowly|
    increase reduce|raise lower|arrive leave|arrived left|present absent|include exclude|included excluded|
    mehr weniger|hoch niedrig|höher niedriger|groß klein|größer kleiner|gut schlecht|besser schlechter|
    steigen sinken|stieg sank|gestiegen gesunken|alt neu|alt jung|früh spät|vor nach|erste letzte|
    offen geschlossen|beginnen enden|erlaubt verboten|immer nie|alle keine|viele wenige|leicht schwer|
    sicher gefährlich|richtig falsch|gleich anders|krieg frieden|lebendig tot|kaufen verkaufen|
    gewinnen verlieren|gewann verlor|stark schwach|reich arm|mehrheit minderheit|innen außen|oben unten"""
ANTONYMS: dict[str, set[str]] = {}
for _pair in _PAIRS.replace("\n", " ").split("|"):
    _a, _b = (fold(w) for w in _pair.split())
    ANTONYMS.setdefault(_a, set()).add(_b)
    ANTONYMS.setdefault(_b, set()).add(_a)


# What a negation comes back as when an engine loses it on the way: both Apertium pairs turn "no" into "any"
# ("No carnival parades have been canceled" -> "Any parades of carnival have been annulled"), "nothing" into
# "at all" or "anything". A round trip that has one of these where the translation negates lost the negation
# itself: evidence about the engine, not about the translation.
POLARITY = {fold(w) for w in "any anything anyone anybody anywhere ever either all".split()}


def _polarity(text: str) -> int:
    return sum(1 for t in tokens(text) if t.key in POLARITY)


def round_trip_count(translation: str, rendering: str, ours: int) -> int:
    """A round trip's negators, read as what its engine did: each polarity word ("any", "at all", "ever") it has
    beyond the translation's counts as a negation it lost (up to the negations it lacks), and each polarity word
    of the translation it lacks as one it made a negation ("the highest score ever" -> "never", "not ...
    either" -> "neither"), up to the negations it has over the translation's."""
    count = len(negators(rendering))
    if count < ours:
        return count + min(ours - count, max(0, _polarity(rendering) - _polarity(translation)))
    if count > ours:
        return count - min(count - ours, max(0, _polarity(translation) - _polarity(rendering)))
    return count


def agreed_count(values: list[int], ours: int) -> int:
    """The count most renderings have; when several are equally common, the one nearest to ours: two noisy
    round trips that disagree (Apertium turns "coming to nothing" into "coming to at all") are no evidence."""
    counts = Counter(values)
    top = max(counts.values())
    return min((c for c, n in counts.items() if n == top), key=lambda c: (abs(c - ours), c))


def negators(text: str) -> list[tuple[int, int]]:
    found = []
    for t in tokens(text):
        if t.key in NEGATORS or t.key.endswith("n't"):
            found.append((t.start, t.end))
    return found


def negation_signals(
    translation: str, renderings: dict[str, str], original: str = "", round_trips: frozenset[str] = frozenset()
) -> tuple[dict[str, float], list[Reason]]:
    """round_trips: the names of the renderings that are round trips of the translation: their lost negations
    are read through round_trip_count, and round trips alone are evidence only where two or more agree (with
    one round trip and nothing else, negation and antonyms are not compared); an antonym must then be in every
    round trip."""
    if not renderings:
        return {}, []
    only_round_trips = not original and set(renderings) <= set(round_trips)
    if only_round_trips and len(round_trips) < 2:
        return {"negation_mismatch": 0.0, "antonyms": 0.0}, []
    ours = negators(translation)
    agreed = agreed_count(
        [
            round_trip_count(translation, r, len(ours)) if name in round_trips else len(negators(r))
            for name, r in renderings.items()
        ],
        len(ours),
    )
    values = {"negation_mismatch": float(abs(len(ours) - agreed))}
    reasons = []
    counted = f"negation: {len(ours)} negator(s) in the translation, {agreed} in most renderings"
    if len(ours) > agreed:
        reasons += [
            Reason(
                "negation",
                f'this translation says "{translation[a:b]}" where the machine translations '
                + ("do not negate" if not agreed else "negate less"),
                (a, b),
                counted,
            )
            for a, b in ours
        ]
    elif len(ours) < agreed:
        said = _most_said(renderings.values())
        reasons.append(
            Reason(
                "negation",
                f'the machine translations say "{said}"; this translation '
                + ("does not" if not ours else "negates less"),
                None,
                counted,
            )
        )
    if original:
        values["negation_source_mismatch"] = float(abs(len(ours) - len(negators(original))))
    rendering_keys = set().union(*(keys(r) for r in renderings.values()))
    # round trips alone: the opposite must be in every one of them (one engine's "young" for "old" is its own)
    opposite_keys = set.intersection(*(keys(r) for r in renderings.values())) if only_round_trips else rendering_keys
    swaps = 0
    for t in tokens(translation):
        opposite = ANTONYMS.get(t.key)
        if opposite and t.key not in rendering_keys and opposite & opposite_keys:
            swaps += 1
            said = sorted(opposite & opposite_keys)[0]
            reasons.append(
                Reason(
                    "antonyms",
                    f'this translation says "{t.text}" where the machine translations say the opposite, "{said}"',
                    (t.start, t.end),
                    f"antonyms: {t.key} in no rendering, its antonym {said} in one",
                )
            )
    values["antonyms"] = float(swaps)
    return values, reasons


def _most_said(texts) -> str:
    """The negator the renderings use most, as they write it, to quote to a reader."""
    said = Counter(text[a:b].lower() for text in texts for a, b in negators(text))
    return said.most_common(1)[0][0] if said else "not"


def measure(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    values, reasons = negation_signals(bead.translation, bead.renderings, bead.original, frozenset(bead.round_trips()))
    return Measured(values, reasons)


_NEGATION = "a negation was added or dropped: the machine translations negate differently"
FAMILY = Family(
    "negation",
    (
        Signal(
            "negation_mismatch",
            "negations in the translation minus what most renderings have, absolute",
            _NEGATION,
            check="negation",
            cap=2.0,
            evidence="negation",
        ),
        Signal(
            "negation_source_mismatch",
            "negations in the translation against the original's, absolute",
            "this translation negates where the original does not, or the reverse",
            neutral=0.0,
            cap=2.0,
            evidence="negation",
        ),
        Signal(
            "antonyms",
            "words whose opposite the renderings use",
            "a word was turned into its opposite",
            check="antonyms",
            cap=2.0,
            evidence="antonyms",
        ),
        Signal(
            "negation_confirmed",
            "the renderings and the original both negate differently",
            "a negation was added or dropped: the original and the machine translations agree",
            check="negation",
            evidence="negation",
            parts=("negation_mismatch", "negation_source_mismatch"),
        ),
    ),
    measure,
    module="negation.py",
    when="a rendering",
)
