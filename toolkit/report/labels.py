"""Short plain names for the kinds of reason, for the report's filter: a reader picks "numbers and dates",
not `numbers_unsupported`.

A reason's `signal` is the family that found it (its evidence name: "numbers", "entities", ...) or, where the
family gave no sentence of its own, a registered signal; a registered signal takes its family's label. A name
without a label (a new family) shows as itself, so nothing is ever hidden from the filter.
"""
from __future__ import annotations

from ..signals import REGISTRY

LABELS = {
    "numbers": "numbers and dates",
    "entities": "names",
    "negation": "negations",
    "antonyms": "opposites",
    "mood": "questions and tense",
    "untranslated": "untranslated words",
    "source": "words of the original",
    "grammar": "broken grammar",
    "lexical_unsupported": "words no machine translation has",
    "omission": "sentence left out",
    "addition": "sentence added",
    # checks that read the translation itself (toolkit/damage)
    "attribution": "one quotation, two speakers",
    "lost_text": "text lost",
    "left_untranslated": "German left in",
    "fragment": "sentence fragments",
    "quotes": "quotation marks",
    "editorial_note": "editors' notes",
    "repeated": "repeated sentences",
    # families whose signals read in the registry's words
    "overlap": "wording far from the machine translations",
    "lexical": "wording far from the machine translations",
    "consensus": "wording far from the machine translations",
    "length": "length",
    "embedding": "meaning far from the machine translations",
    "learnt": "meaning far from the machine translations",
    "coverage": "words of the original",
}


def _family(signal: str) -> str:
    for family in REGISTRY.families:
        if any(s.name == signal for s in family.signals):
            return family.name
    return signal


def label(signal: str) -> str:
    return LABELS.get(signal) or LABELS.get(_family(signal)) or signal
