"""Surface overlap with each rendering: sacrebleu's sentence-level chrF++, BLEU and TER."""

from __future__ import annotations

import statistics
from typing import Any, Callable

from . import sentence_scores
from .base import BeadTexts, Family, Measured, Resources, Signal
from .sentence_scores import metrics, signatures  # noqa: F401 - the family's metrics and their signatures

SCORES: dict[str, Callable[[str, str], float]] = {
    "chrf": sentence_scores.chrf,
    "bleu": sentence_scores.bleu,
    "ter": sentence_scores.ter,
}


def overlap_signals(pairs: dict[str, tuple[str, str]]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The best and the median over comparisons for each metric, and each comparison's score by metric.

    pairs: name -> (text, rendering): the translation against a rendering in its language, or the original
    against a back rendering.
    """
    values: dict[str, float] = {}
    per_rendering: dict[str, dict[str, float]] = {}
    if not pairs:
        return values, per_rendering
    for metric_name in metrics():
        score = SCORES[metric_name]  # = metric.sentence_score(text, [rendering]).score, each text's n-grams once
        scores = per_rendering[metric_name] = {
            name: round(score(text, rendering), 4) for name, (text, rendering) in pairs.items()
        }
        best = min(scores.values()) if metric_name == "ter" else max(scores.values())  # TER: lower is closer
        values[f"{metric_name}_best"] = best
        values[f"{metric_name}_median"] = round(statistics.median(scores.values()), 4)
    return values, per_rendering


def measure(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    pairs = {name: (bead.translation, text) for name, text in bead.renderings.items()}
    pairs.update({name: (bead.original, text) for name, text in bead.back_renderings.items()})
    values, per_rendering = overlap_signals(pairs)
    return Measured(values, [], per_rendering)


def _pair(metric: str, what: str, direction: int, cap=None) -> tuple[Signal, Signal]:
    reads = (
        "this translation shares few words with the machine translations"
        if direction < 0
        else "this translation needs many edits to match the machine translations"
    )
    return (
        Signal(f"{metric}_best", f"{what} against the closest rendering", reads, direction, cap=cap),
        Signal(f"{metric}_median", f"{what} against the median rendering", reads, direction, cap=cap),
    )


FAMILY = Family(
    "overlap",
    (*_pair("chrf", "chrF++", -1), *_pair("bleu", "sentence BLEU", -1), *_pair("ter", "TER", 1, 150.0)),
    measure,
    module="overlap.py",
    when="always (also each rendering's chrF++, BLEU and TER)",
)
