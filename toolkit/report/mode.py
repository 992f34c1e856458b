"""What a flag means in a run's mode (two round trips, one, other translations, an original), with the share of
correct translations that mode flags as the trust benchmark measured it: the report's top box."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Mapping

# What a flag means in each mode, and the mode's false-flag rate as eval/benchmarks/trust.py measured it on
# correct human translations (it writes toolkit/data/trust.json; a mode it has not measured says so).
TRUST_FILE = Path(__file__).resolve().parent.parent / "data" / "trust.json"
FLAG_MEANS = {
    "rt2": "Here a flag means that the text itself looks damaged (found by reading the translation: text lost, "
    "quotation marks, a fragment, German words left in), or that both round trips disagree with the "
    "sentence in a way their engines' habits do not explain. Without the original nothing can confirm "
    "that the meaning changed, so round trips alone never make a flag critical.",
    "rt1": "Here a flag means that the text itself looks damaged (found by reading the translation), or that "
    "the round trip disagrees with the sentence in its wording. One round trip confirms nothing on its "
    "own: numbers, negations, names and questions are not compared, and no flag from it is critical.",
    "others": "Here a flag means that the translation says something other than the other translations (or "
    "machine translations) it was compared with, or that the text itself looks damaged. Without the "
    "original a single rendering confirms nothing: no flag from one rendering alone is critical.",
    "original": "Here a flag means that the translation says something other than what the original and its "
    "machine translations say, or that the text itself looks damaged. A critical flag is a changed "
    "number or date, a negation added or dropped, or a word turned into its opposite.",
}


@functools.lru_cache(maxsize=1)
def measured_rates() -> dict:
    """The trust benchmark's measured rates per mode ({} where it has not been run)."""
    try:
        return json.loads(TRUST_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def run_mode(summary: Mapping) -> str:
    """original (an original was given), rt2 (two round trips or more), rt1 (one round trip alone) or others
    (other translations or precomputed renderings, no original)."""
    if summary.get("original"):
        return "original"
    kinds = [r.get("kind") for r in summary.get("renderings") or []]
    if kinds and all(k == "round-trip" for k in kinds):
        return "rt2" if len(kinds) >= 2 else "rt1"
    return "others"


def flag_meaning(summary: Mapping) -> str:
    """What a flag means in this run's mode, and how often that mode flags correct translations."""
    mode = run_mode(summary)
    measured = (measured_rates().get("modes") or {}).get(mode)
    if measured:
        rate = (
            f" Measured on {measured['sentences']} sentences of correct human translations of German news "
            f"({measured['what']}): {measured['flagged']:.1%} flagged, {measured['critical']:.1%} critical; "
            "so expect about that share of flags even where the translation is right."
        )
    else:
        rate = " How often this mode flags correct translations has not been measured yet."
    return FLAG_MEANS[mode] + rate
