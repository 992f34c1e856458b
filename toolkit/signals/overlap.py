"""Surface overlap with each rendering: sacrebleu's sentence-level chrF++, BLEU and TER."""
from __future__ import annotations

import functools
import statistics


@functools.lru_cache(maxsize=None)
def metrics():
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"chrf": CHRF(word_order=2), "bleu": BLEU(effective_order=True), "ter": TER()}


def signatures() -> dict[str, str]:
    for metric in metrics().values():  # sacrebleu knows its signature only once it has scored something
        metric.sentence_score("a", ["a"])
    return {name: str(metric.get_signature()) for name, metric in metrics().items()}


def overlap_signals(pairs: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Per comparison `chrf:<name>` etc., plus the best and the median over comparisons for each metric.

    pairs: name -> (text, rendering): the translation against a rendering in its language, or the original
    against a back rendering.
    """
    values: dict[str, float] = {}
    if not pairs:
        return values
    for metric_name, metric in metrics().items():
        scores = []
        for name, (text, rendering) in pairs.items():
            score = round(metric.sentence_score(text, [rendering]).score, 4)
            values[f"{metric_name}:{name}"] = score
            scores.append(score)
        best = min(scores) if metric_name == "ter" else max(scores)  # TER is an error rate: lower is closer
        values[f"{metric_name}_best"] = best
        values[f"{metric_name}_median"] = round(statistics.median(scores), 4)
    return values
