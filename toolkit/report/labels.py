"""Short plain names for the kinds of reason, for the report's filter: a reader picks "numbers and dates",
not `numbers_unsupported`. The labels live with the kinds (toolkit/severity.py); a registered signal takes its
family's label, and a name without one (a new family) shows as itself, so nothing is hidden from the filter.
"""

from __future__ import annotations

from ..severity import KINDS
from ..signals import REGISTRY


def _family(signal: str) -> str:
    for family in REGISTRY.families:
        if any(s.name == signal for s in family.signals):
            return family.name
    return signal


def label(signal: str) -> str:
    kind = KINDS.get(signal) or KINDS.get(_family(signal))
    return kind.label if kind else signal
