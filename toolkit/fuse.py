"""Fusion: signals -> divergence in [0, 1], a flag over the threshold, a severity and the reasons.

The divergence is a logistic regression over the signals, fitted by `make calibrate` (training/calibrate.py) on
labelled shared data and shipped as toolkit/data/fusion.json with the signature of the data it was fitted on.
The JSON holds several models, one per set of signals that can be present (embeddings need an English
translation and a model; consensus needs two renderings or more), each fitted only on data where that set was
measured; verdict() takes the model whose signals are all there, preferring the translation's language and
then the larger set (consensus models only from MIN_CONSENSUS_RENDERINGS renderings on). Signals that need an
original, English or an optional resource and declare a neutral value in the registry (signals/) read as that
value, "no evidence", when absent; their caps come from the registry too.

Each model's operating point (the probability where, on its fitting data, unshifted translations are flagged
at most 5% of the time while F1 is best) is folded into its intercept, so for every model the divergence
crosses THRESHOLD = 0.5 at its operating point: one threshold means the same for all of them.
Severity (toolkit/severity.py): a flagged bead gets the severity of the kind of each check that counted (a
changed number or negation is critical whatever the divergence: the cut points alone made one major in one
run and critical in the next), or more where the logistic divergence, before the checks, passes the cut points
that were chosen on the fitting data to agree best with the labelled severities.
Direct checks (the registry's signals with a `check`: a negation, number, name or question mark the renderings
disagree on, an antonym, untranslated words, German words of the original that the renderings translate
(source_copied), scrambled word order, a future the original does not have; not tense in general, whose
auxiliaries differ between good renderings too) are rare and nearly always right when they fire, but a linear
model over all shifts gives each only a small weight, because most shifts are not of its kind: on DEMETR a
negated sentence scored 0.06-0.10 while the checks said "negation" outright. So a check that fires is also
evidence on its own: its `precision` on the fitting data (shifted share among beads where it fired, classes
weighed equally), combined noisy-OR with the logistic divergence, the strongest check of each kind counting
once (a negation seen twice is one piece of evidence).
Reasons: the checks that fired first, then the signals that raised the logit most (coefficient x standardised
value). Each reads in plain words: the family's own sentences where it gave some (its `evidence`: "the number
18 in the original is missing here"), else the registry's `reads`; the signal's value and weight go into the
reason's `technical` field. Surface signals (chrF, BLEU, TER, embeddings, consensus, length) point at the words
no rendering has.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from . import severity as severities
from .records import Reason, Severity
from .signals import REGISTRY
from .signals.base import CONSENSUS
from .signature import Signature

THRESHOLD = 0.5
# The consensus models were fitted with 13-18 renderings a bead; with a handful (two Apertium round trips) the
# consensus signals are too noisy to carry those weights, and the models fitted with one rendering, which lean
# on the direct checks (numbers, names, negation), are the closer fit.
MIN_CONSENSUS_RENDERINGS = 5
MODEL_FILE = Path(__file__).resolve().parent / "data" / "fusion.json"


@dataclass(frozen=True)
class Verdict:
    divergence: float
    flag: bool
    severity: Severity
    reasons: list[Reason]


def feature_value(signals: dict[str, float], name: str) -> Optional[float]:
    """The value the fusion weighs: the measured one, capped; the neutral one when absent (None when a signal
    without one is absent); for a conjunction of two signals, 1 when both are above 0."""
    signal = REGISTRY[name]
    if signal.parts:
        parts = [feature_value(signals, part) for part in signal.parts]
        present = [p for p in parts if p is not None]
        return None if len(present) < len(parts) else float(min(present) > 0)
    value = signals.get(name, signal.neutral)
    if value is None:
        return None
    return min(float(value), signal.cap if signal.cap is not None else math.inf)


@functools.lru_cache(maxsize=4)
def load(path: str | None = None) -> dict:
    where = Path(path) if path else MODEL_FILE
    try:
        with open(where, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        from .errors import ToolkitError

        raise ToolkitError(
            f"no fusion model at {where}: run `make calibrate` (it needs the shared evaluation data, see the README)"
        ) from None


def choose(models: list[dict], signals: dict[str, float], lang: Optional[str], renderings: int) -> Optional[dict]:
    """The model for these signals: all its features measured, fitted on this language if one was, the
    largest; consensus models only from MIN_CONSENSUS_RENDERINGS renderings on."""
    usable = [m for m in models if all(feature_value(signals, f) is not None for f in m["features"])]
    if renderings < MIN_CONSENSUS_RENDERINGS:
        usable = [m for m in usable if not any(CONSENSUS in REGISTRY[f].needs for f in m["features"])]
    usable = [m for m in usable if lang in m["langs"] or "*" in m["langs"]]
    if not usable:
        return None
    return max(usable, key=lambda m: (lang in m["langs"], len(m["features"])))


def logit_parts(model: dict, signals: dict[str, float]) -> tuple[float, dict[str, float]]:
    """The model's logit at its operating point (0 at the threshold) and each signal's share of it."""
    contributions = {}
    for name, mean, scale, coef in zip(model["features"], model["mean"], model["scale"], model["coef"]):
        contributions[name] = coef * (feature_value(signals, name) - mean) / scale
    return model["intercept"] - model["operating_logit"] + sum(contributions.values()), contributions


def fired_checks(model: dict, signals: dict[str, float]) -> dict[str, tuple[str, float]]:
    """{family: (check, precision)} of the strongest check of each family that fired on these signals."""
    out: dict[str, tuple[str, float]] = {}
    for name, precision in model.get("checks", {}).items():
        value = feature_value(signals, name)
        family = REGISTRY[name].check or name
        if value and value > 0 and precision > out.get(family, ("", 0.0))[1]:
            out[family] = (name, precision)
    return out


def with_checks(divergence: float, precisions) -> float:
    """Noisy-OR: the divergence and each fired check are independent chances that the meaning shifted."""
    keep = 1.0 - divergence
    for precision in precisions:
        keep *= 1.0 - precision
    return 1.0 - keep


def fused_of(model: dict, signals: dict[str, float]) -> float:
    """The logistic divergence alone, before the checks count on their own."""
    logit, _ = logit_parts(model, signals)
    return 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))


def divergence_of(model: dict, signals: dict[str, float]) -> float:
    return with_checks(fused_of(model, signals), [p for _, p in fired_checks(model, signals).values()])


def severity_of(divergence: float, threshold: float, model: dict, kinds=(), fused: Optional[float] = None) -> Severity:
    """none under the threshold; else the highest of the fired checks' kinds (severity.KINDS) and the cut
    points on the logistic divergence `fused` (the divergence itself when not given)."""
    if divergence < threshold:
        return severities.NONE
    fused = divergence if fused is None else fused
    by_cuts = (
        severities.CRITICAL
        if fused >= model["cut_critical"]
        else severities.MAJOR
        if fused >= model["cut_major"]
        else severities.MINOR
    )
    return severities.highest([by_cuts, severities.of_kinds(kinds)])


def _technical(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _explain(model: dict, signals: dict[str, float], reasons: list[Reason], top: int = 3) -> list[Reason]:
    """The fired checks first, then the signals that raised the logit most, then the families' other reasons.
    A signal reads as its family's own sentences (its evidence, with their spans) or, where the family gave
    none, as the registry's plain words; what the fusion made of it (value, precision, logit) is technical."""
    _, contributions = logit_parts(model, signals)
    checks = sorted(fired_checks(model, signals).values(), key=lambda cp: -cp[1])
    drivers = [
        name
        for name, c in sorted(contributions.items(), key=lambda kv: -kv[1])
        if c > 0.25 and name not in {check for check, _ in checks}
    ][:top]
    lines = [
        (
            name,
            f"{name} = {feature_value(signals, name):g} fired (a direct check: on labelled data such a "
            f"finding was a real change {p:.0%} of the time)",
        )
        for name, p in checks
    ]
    lines += [
        (name, f"{name} = {feature_value(signals, name):.3g} raised the divergence ({contributions[name]:+.2f} logit)")
        for name in drivers
    ]
    explained: list[Reason] = []
    placed: dict[int, int] = {}  # family reason -> where it stands in explained
    for name, technical in lines:
        evidence = [k for k, r in enumerate(reasons) if r.signal == REGISTRY[name].evidence]
        if not evidence:
            explained.append(Reason(name, REGISTRY[name].reads, None, technical))
        for k in evidence:
            if k in placed:  # said already for a stronger signal (entities_replaced, then entities_missing)
                at = placed[k]
                explained[at] = replace(explained[at], technical=_technical(explained[at].technical, technical))
            else:
                placed[k] = len(explained)
                explained.append(replace(reasons[k], technical=_technical(technical, reasons[k].technical)))
    explained += [r for k, r in enumerate(reasons) if k not in placed]
    return explained


def verdict(
    signals: dict[str, float],
    reasons: list[Reason],
    renderings: int,
    lang: Optional[str] = None,
    threshold: float = THRESHOLD,
    models: Optional[dict] = None,
    unconfirmed: bool = False,
) -> Verdict:
    """The verdict on one bead measured against this many renderings; lang (the translation's language) picks
    a model fitted on that language. unconfirmed: no original, and only round trips of the translation or a
    single rendering (signals.BeadTexts.unconfirmed): nothing confirms a change, the severity is at most
    severity.UNCONFIRMED."""
    model = choose((models or load())["models"], signals, lang, renderings)
    if model is None:
        return Verdict(0.0, False, Severity.NONE, reasons)
    divergence = round(divergence_of(model, signals), 4)
    kinds = fired_checks(model, signals)  # keyed by the kind of change each check detects
    severity = severities.capped(
        severity_of(divergence, threshold, model, kinds, fused_of(model, signals)), unconfirmed
    )
    flag = severity != "none"
    return Verdict(divergence, flag, severity, _explain(model, signals, reasons) if flag else reasons)


def signature(threshold: float = THRESHOLD) -> Signature:
    try:
        fitted = load()["signature"]
    except Exception:  # noqa: BLE001 - a signature must never be the thing that fails
        fitted = "fusion.json missing"
    return Signature.of(fuse="logreg", fitted=fitted, thr=threshold)
