"""Consensus: how far the translation is from the renderings, compared with how far the renderings are from
each other.

One bad engine moves chrF_best little but a single-engine check a lot; and a sentence that every engine
renders differently (idioms, free word order) is not suspicious just because the translation differs too.
Both are handled by measuring the translation against the renderings' own spread: each rendering is scored
against the others (leave one out), and the translation's score is placed in that distribution.
Needs at least two renderings; with fewer the signals are absent.

Signals:
- `consensus_chrf_gap`: median chrF++ of the renderings against the others minus the translation's median
  chrF++ against the renderings (positive: the translation is further out than a typical rendering);
- `consensus_chrf_z`: that gap over the renderings' spread (robust: scaled median absolute deviation, at least 2);
- `consensus_unsupported_gap`, `consensus_missing_gap`: the same idea for the word-support shares of
  lexical.py (translation's share minus the renderings' median leave-one-out share);
- `consensus_bigram_gap`: the translation's count of word pairs in no rendering minus the renderings' median
  leave-one-out count.
"""

from __future__ import annotations

import functools
import statistics
from typing import Any

from . import sentence_scores
from .base import CONSENSUS, BeadTexts, Family, Measured, Resources, Signal
from .lexical import bigram_unsupported, support_rates

_chrf = sentence_scores.chrf  # kept per pair: beads that share renderings share most pairs, and overlap.py asks too


@functools.lru_cache(maxsize=4096)
def _rendering_spread(renderings: tuple[str, ...]) -> tuple[float, float, float, float, float]:
    medians, unsupported, missing, bigrams = [], [], [], []
    for k, text in enumerate(renderings):
        others = renderings[:k] + renderings[k + 1 :]
        medians.append(statistics.median(_chrf(text, o) for o in others))
        u, _, m, _ = support_rates(text, list(others))
        unsupported.append(u)
        missing.append(m)
        bigrams.append(bigram_unsupported(text, list(others)))
    centre = statistics.median(medians)
    spread = max(1.4826 * statistics.median(abs(m - centre) for m in medians), 2.0)
    return (centre, spread, statistics.median(unsupported), statistics.median(missing), statistics.median(bigrams))


def consensus_signals(
    translation: str, renderings: dict[str, str], chrf_median: float | None = None
) -> dict[str, float]:
    texts = tuple(renderings.values())
    if len(texts) < 2:
        return {}
    centre, spread, unsupported_typical, missing_typical, bigrams_typical = _rendering_spread(texts)
    if chrf_median is None:
        chrf_median = statistics.median(_chrf(translation, t) for t in texts)
    unsupported, _, missing, _ = support_rates(translation, list(texts))
    gap = centre - chrf_median
    return {
        "consensus_chrf_gap": round(gap, 4),
        "consensus_chrf_z": round(gap / spread, 4),
        "consensus_unsupported_gap": round(unsupported - unsupported_typical, 4),
        "consensus_missing_gap": round(missing - missing_typical, 4),
        "consensus_bigram_gap": round(bigram_unsupported(translation, list(texts)) - bigrams_typical, 4),
    }


def measure(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    texts = list(bead.renderings.values())
    if len(texts) < 2:
        return Measured()
    # the median of the rounded scores, as the overlap family reports chrf_median
    ours = statistics.median(round(_chrf(bead.translation, t), 4) for t in texts)
    return Measured(consensus_signals(bead.translation, bead.renderings, ours))


_OUTLIER = "this translation stands further from the machine translations than they stand from each other"
FAMILY = Family(
    "consensus",
    tuple(
        Signal(name, what, _OUTLIER, needs=frozenset({CONSENSUS}), cap=cap)
        for name, what, cap in (
            ("consensus_chrf_gap", "renderings' typical chrF++ to each other minus the translation's", None),
            ("consensus_chrf_z", "that gap over the renderings' spread", 10.0),
            ("consensus_unsupported_gap", "words in no rendering, beyond what a typical rendering has", None),
            ("consensus_missing_gap", "agreed words missing, beyond what a typical rendering misses", None),
            ("consensus_bigram_gap", "word pairs in no rendering, beyond a typical rendering", 8.0),
        )
    ),
    measure,
    module="consensus.py",
    when="two renderings or more",
)
