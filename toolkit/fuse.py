"""Fusion: signals -> divergence in [0, 1], a flag over the threshold, a severity and the reasons.

This first fusion is a stated rule, not a fitted model: the divergence is how far the translation stays from
even its closest rendering (1 - best chrF++ / 100), and a number that no rendering shares raises it to at
least the major band, because a changed number is a changed fact whatever the surface overlap says.
"""
from __future__ import annotations

from dataclasses import dataclass

from .records import Reason

THRESHOLD = 0.55
BANDS = (("critical", 0.85), ("major", 0.7), ("minor", 0.0))  # divergence at or above -> severity


@dataclass(frozen=True)
class Verdict:
    divergence: float
    flag: bool
    severity: str
    reasons: list[Reason]


def severity_of(divergence: float, threshold: float) -> str:
    if divergence < threshold:
        return "none"
    return next(name for name, low in BANDS if divergence >= low)


def judge(signals: dict[str, float], reasons: list[Reason], threshold: float = THRESHOLD) -> Verdict:
    if "chrf_best" not in signals:
        return Verdict(0.0, False, "none", reasons)
    divergence = 1.0 - signals["chrf_best"] / 100.0
    if signals.get("numbers_mismatch"):
        divergence = max(divergence, BANDS[1][1])
    divergence = round(min(max(divergence, 0.0), 1.0), 4)
    severity = severity_of(divergence, threshold)
    flag = severity != "none"
    all_reasons = list(reasons)
    if flag and divergence == round(1.0 - signals["chrf_best"] / 100.0, 4):
        all_reasons.insert(0, Reason("chrf", f"closest rendering has chrF++ {signals['chrf_best']:.1f}", None))
    return Verdict(divergence, flag, severity, all_reasons if flag else reasons)


def signature(threshold: float = THRESHOLD) -> str:
    return f"fuse:chrf-rule|thr:{threshold}"
