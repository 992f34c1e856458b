"""Signals: measured differences between a bead's translation and its renderings."""
from __future__ import annotations

from ..records import Reason
from .numbers import numbers_signal
from .overlap import overlap_signals, signatures


def compute(
    translation: str,
    renderings: dict[str, str],
    original: str = "",
    back_renderings: dict[str, str] | None = None,
) -> tuple[dict[str, float], list[Reason]]:
    """All signals of one bead: {name: value} and the reasons that point at spans of the translation.

    renderings are in the translation's language; back_renderings (translation -> original's language) are
    compared with the original.
    """
    pairs = {name: (translation, text) for name, text in renderings.items()}
    pairs.update({name: (original, text) for name, text in (back_renderings or {}).items()})
    values = overlap_signals(pairs)
    # Numbers are language-neutral, so the original itself is the best witness when there is one.
    witnesses = dict(renderings)
    if original:
        witnesses["original"] = original
    number_values, reasons = numbers_signal(translation, witnesses)
    values.update(number_values)
    return values, reasons


__all__ = ["compute", "signatures"]
