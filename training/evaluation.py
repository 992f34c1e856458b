"""Metrics for flags and scores against gold labels: AUROC, precision / recall / F1, flag rates.

Plain numpy, so they can be handed to toolkit.significance as metric(labels, scores) functions.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def auroc(labels: Sequence, scores: Sequence) -> float:
    """Area under the ROC curve: the chance that a random positive outscores a random negative (ties 1/2).

    Mann-Whitney U with average ranks; nan when either class is absent.
    """
    from scipy.stats import rankdata

    y = np.asarray(labels).astype(bool)
    s = np.asarray(scores, dtype=float)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(s)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def precision_recall_f1(labels: Sequence, flags: Sequence) -> tuple[float, float, float]:
    y = np.asarray(labels).astype(bool)
    f = np.asarray(flags).astype(bool)
    tp = int(np.sum(y & f))
    precision = tp / f.sum() if f.sum() else 0.0
    recall = tp / y.sum() if y.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def flag_rate(flags: Sequence) -> float:
    f = np.asarray(flags).astype(bool)
    return float(f.mean()) if len(f) else float("nan")


def pairwise_accuracy(better: Sequence, worse: Sequence) -> float:
    """DEMETR's accuracy: the share of pairs where the perturbed translation gets the strictly higher
    divergence than its unperturbed translation (a tie is a miss, as in DEMETR)."""
    b, w = np.asarray(better, dtype=float), np.asarray(worse, dtype=float)
    return float(np.mean(w > b)) if len(b) else float("nan")
