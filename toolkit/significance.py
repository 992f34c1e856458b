"""Paired significance tests for any metric, in the spirit of sacrebleu's significance.py.

Both tests compare two configurations scored on the same items (the same labels), so the item-to-item
variation is shared and only the difference is tested:

- paired bootstrap resampling (Koehn 2004): resample items with replacement, recompute both metrics on the
  same sample; the spread of the differences gives a 95% confidence interval, and the p-value is how often a
  difference at least as large as the observed one appears around a true difference of zero (the bootstrap
  distribution shifted to mean zero).
- paired approximate randomisation (Riezler & Maxwell 2005): under the null hypothesis the two
  configurations are exchangeable per item, so swap their scores item by item at random and count how often
  the shuffled difference is at least as large as the observed one.

A metric is any function metric(labels, scores) -> float over numpy arrays (AUROC, F1 at a threshold, mean
chrF, ...). Scores from configurations on different scales (chrF in 0-100, a probability in 0-1) cannot be
swapped as they are; for rank-based metrics such as AUROC pass ranks=True to swap percentile ranks instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np

Metric = Callable[[np.ndarray, np.ndarray], float]


@dataclass(frozen=True)
class Comparison:
    test: str
    a: float  # the metric of configuration a on all items
    b: float
    delta: float  # b - a
    p_value: float
    a_ci: tuple[float, float] | None  # 95% confidence intervals (bootstrap only)
    b_ci: tuple[float, float] | None
    delta_ci: tuple[float, float] | None
    samples: int
    seed: int

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


def _arrays(labels, scores_a, scores_b):
    labels, a, b = (np.asarray(x) for x in (labels, scores_a, scores_b))
    if not (len(labels) == len(a) == len(b)):
        raise ValueError(f"labels and scores differ in length: {len(labels)}, {len(a)}, {len(b)}")
    if len(labels) < 2:
        raise ValueError("significance needs at least two items")
    return labels, a.astype(float), b.astype(float)


def _interval(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def paired_bootstrap(
    metric: Metric, labels: Sequence, scores_a: Sequence, scores_b: Sequence, samples: int = 1000, seed: int = 12345
) -> Comparison:
    y, a, b = _arrays(labels, scores_a, scores_b)
    rng = np.random.default_rng(seed)
    observed_a, observed_b = metric(y, a), metric(y, b)
    sample_a = np.empty(samples)
    sample_b = np.empty(samples)
    for k in range(samples):
        index = rng.integers(0, len(y), len(y))
        sample_a[k] = metric(y[index], a[index])
        sample_b[k] = metric(y[index], b[index])
    deltas = sample_b - sample_a
    observed = observed_b - observed_a
    # A resample can leave a metric undefined (AUROC of one class only): such samples are not counted.
    valid = deltas[np.isfinite(deltas)]
    if len(valid):
        # Centre the bootstrap distribution on zero: how often does chance alone give a gap this large?
        extreme = np.sum(np.abs(valid - valid.mean()) >= abs(observed))
        p_value = float((extreme + 1) / (len(valid) + 1))
    else:
        p_value = float("nan")
    return Comparison(
        "paired-bootstrap",
        float(observed_a),
        float(observed_b),
        float(observed),
        p_value,
        _interval(sample_a),
        _interval(sample_b),
        _interval(deltas),
        samples,
        seed,
    )


def _percentile_ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks scaled to [0, 1]. Ties share their mean rank, so swapping never invents an order that was not
    there; a NaN score ranks above every number (with the other NaNs), as it always has here."""
    from scipy.stats import rankdata

    ranks = rankdata(np.where(np.isnan(scores), np.inf, scores))  # "average" ranks, from 1
    return (ranks - 1) / max(len(scores) - 1, 1)


def approximate_randomisation(
    metric: Metric,
    labels: Sequence,
    scores_a: Sequence,
    scores_b: Sequence,
    trials: int = 10000,
    seed: int = 12345,
    ranks: bool = False,
) -> Comparison:
    y, a, b = _arrays(labels, scores_a, scores_b)
    if ranks:
        a, b = _percentile_ranks(a), _percentile_ranks(b)
    rng = np.random.default_rng(seed)
    observed_a, observed_b = metric(y, a), metric(y, b)
    observed = abs(observed_b - observed_a)
    extreme = 0
    for _ in range(trials):
        swap = rng.random(len(y)) < 0.5
        shuffled_a = np.where(swap, b, a)
        shuffled_b = np.where(swap, a, b)
        if abs(metric(y, shuffled_b) - metric(y, shuffled_a)) >= observed:
            extreme += 1
    return Comparison(
        "approximate-randomisation",
        float(observed_a),
        float(observed_b),
        float(observed_b - observed_a),
        float((extreme + 1) / (trials + 1)),
        None,
        None,
        None,
        trials,
        seed,
    )
