"""Fusion: signals -> divergence in [0, 1], a flag over the threshold, a severity and the reasons.

The divergence is a logistic regression over the signals, fitted by `make calibrate` (toolkit/calibrate.py) on
labelled shared data and shipped as toolkit/data/fusion.json with the signature of the data it was fitted on.
The JSON holds several models, one per set of signals that can be present (embeddings need an English
translation and a model; consensus needs two renderings or more), each fitted only on data where that set was
measured; judge() takes the model whose signals are all there, preferring the translation's language and then
the larger set (consensus models only from MIN_CONSENSUS_RENDERINGS renderings on). Signals that need an
original, English or an optional resource (NEUTRAL: `negation_source_mismatch`, `question_source_mismatch`,
`tense_mismatch`; `source_dropped`, `source_unanchored` and `source_copied` without the dictionary,
`grammar_unlinked` without the parser) read as 0, "no evidence", when absent.

Each model's operating point (the probability where, on its fitting data, unshifted translations are flagged
at most 5% of the time while F1 is best) is folded into its intercept, so for every model the divergence
crosses THRESHOLD = 0.5 at its operating point: one threshold means the same for all of them. Severity cut
points on that divergence were chosen on the fitting data to agree best with the labelled severities.
Direct checks (CHECKS: a negation, number, name or question mark the renderings disagree on, an antonym,
untranslated words, German words of the original that the renderings translate (source_copied), scrambled word
order, a future the original does not have; not tense in general, whose auxiliaries differ between good renderings
too) are rare and nearly always right when they fire, but a linear model over all shifts gives each only a small
weight, because most shifts are not of its kind: on DEMETR a negated sentence scored 0.06-0.10 while the checks
said "negation" outright. So a check that fires is also evidence on its own: its `precision` on the fitting data
(shifted share among beads where it fired, classes weighed equally), combined noisy-OR with the logistic
divergence, the strongest check of each family counting once (a negation seen twice is one piece of evidence).
Reasons: the checks that fired first, then the signals that raised the logit most (coefficient x standardised
value), each with the spans its family found; surface signals (chrF, BLEU, TER, embeddings, consensus, length)
point at the words no rendering has.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .records import Reason

THRESHOLD = 0.5
# The consensus models were fitted with 13-18 renderings a bead; with a handful (two Apertium round trips) the
# consensus signals are too noisy to carry those weights, and the models fitted with one rendering, which lean
# on the direct checks (numbers, names, negation), are the closer fit.
MIN_CONSENSUS_RENDERINGS = 5
MODEL_FILE = Path(__file__).resolve().parent / "data" / "fusion.json"
# absent without an original (or, for tense, in a language other than English): no evidence either way
NEUTRAL = {"negation_source_mismatch": 0.0, "question_source_mismatch": 0.0, "tense_mismatch": 0.0,
           # absent without the dictionary or the parser installed, or in other languages
           "source_dropped": 0.0, "source_unanchored": 0.0, "source_copied": 0.0, "grammar_unlinked": 0.0,
           "future_unsupported": 0.0}
CAPS = {  # a few counted mismatches say all there is to say; more would only stretch the linear scale
    "numbers_unsupported": 3.0, "numbers_missing": 3.0, "entities_unsupported": 3.0, "entities_missing": 3.0,
    "negation_mismatch": 2.0, "negation_source_mismatch": 2.0, "antonyms": 2.0, "ter_best": 150.0,
    "ter_median": 150.0, "consensus_chrf_z": 10.0, "lexical_unsupported_count": 5.0, "bigram_unsupported": 8.0,
    "consensus_bigram_gap": 8.0, "question_mismatch": 2.0, "question_source_mismatch": 2.0, "tense_mismatch": 4.0,
    "grammar_unlinked": 3.0, "source_copied": 3.0,
}
_SPAN_FAMILY = {"numbers": "numbers", "entities": "entities", "negation": "negation", "antonyms": "antonyms",
                "untranslated": "untranslated", "question": "mood", "tense": "mood", "future": "mood",
                "source": "source", "grammar": "grammar"}  # by the signal name's first part


@dataclass(frozen=True)
class Verdict:
    divergence: float
    flag: bool
    severity: str
    reasons: list[Reason]


# Conjunctions of two checks that each see one side of the same change: a number of the translation that no
# witness has AND a number the witnesses share that the translation lacks is a replaced number, not a
# rewording. They are features like the others (their weights are fitted), computed here from the signals.
DERIVED = {
    "numbers_replaced": ("numbers_unsupported", "numbers_missing"),
    "entities_replaced": ("entities_unsupported", "entities_missing"),
    "negation_confirmed": ("negation_mismatch", "negation_source_mismatch"),
    "question_confirmed": ("question_mismatch", "question_source_mismatch"),
}


def feature_value(signals: dict[str, float], name: str) -> Optional[float]:
    if name in DERIVED:
        parts = [feature_value(signals, part) for part in DERIVED[name]]
        return None if None in parts else float(min(parts) > 0)
    value = signals.get(name, NEUTRAL.get(name))
    if value is None:
        return None
    return min(float(value), CAPS.get(name, math.inf))


@functools.lru_cache(maxsize=4)
def load(path: str | None = None) -> dict:
    where = Path(path) if path else MODEL_FILE
    try:
        with open(where, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        from .errors import ToolkitError

        raise ToolkitError(f"no fusion model at {where}: run `make calibrate` (needs ../shared/data)") from None


def renderings_of(signals: dict[str, float]) -> int:
    return sum(name.startswith("chrf:") for name in signals)


def choose(models: list[dict], signals: dict[str, float], lang: Optional[str]) -> Optional[dict]:
    usable = [m for m in models if all(feature_value(signals, f) is not None for f in m["features"])]
    if renderings_of(signals) < MIN_CONSENSUS_RENDERINGS:
        usable = [m for m in usable if not any(f.startswith("consensus_") for f in m["features"])]
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


# check -> family; within a family only the strongest fired check counts
CHECKS = {"negation_confirmed": "negation", "negation_mismatch": "negation", "numbers_replaced": "numbers",
          "numbers_unsupported": "numbers", "entities_replaced": "entities", "entities_missing": "entities",
          "entities_unsupported": "entities", "antonyms": "antonyms", "untranslated": "untranslated",
          "source_copied": "untranslated",
          "question_confirmed": "mood", "question_mismatch": "mood", "word_order_scrambled": "order",
          "future_unsupported": "tense"}


def fired_checks(model: dict, signals: dict[str, float]) -> dict[str, tuple[str, float]]:
    """{family: (check, precision)} of the strongest check of each family that fired on these signals."""
    out: dict[str, tuple[str, float]] = {}
    for name, precision in model.get("checks", {}).items():
        value = feature_value(signals, name)
        family = CHECKS[name]
        if value and value > 0 and precision > out.get(family, ("", 0.0))[1]:
            out[family] = (name, precision)
    return out


def with_checks(divergence: float, precisions) -> float:
    """Noisy-OR: the divergence and each fired check are independent chances that the meaning shifted."""
    keep = 1.0 - divergence
    for precision in precisions:
        keep *= 1.0 - precision
    return 1.0 - keep


def divergence_of(model: dict, signals: dict[str, float]) -> float:
    logit, _ = logit_parts(model, signals)
    fused = 1.0 / (1.0 + math.exp(-max(min(logit, 50.0), -50.0)))
    return with_checks(fused, [p for _, p in fired_checks(model, signals).values()])


def severity_of(divergence: float, threshold: float, model: dict) -> str:
    if divergence < threshold:
        return "none"
    if divergence >= model["cut_critical"]:
        return "critical"
    return "major" if divergence >= model["cut_major"] else "minor"


def _explain(model: dict, signals: dict[str, float], reasons: list[Reason], top: int = 3) -> list[Reason]:
    _, contributions = logit_parts(model, signals)
    checks = sorted(fired_checks(model, signals).values(), key=lambda cp: -cp[1])
    drivers = [(name, c) for name, c in sorted(contributions.items(), key=lambda kv: -kv[1]) if c > 0.25
               and name not in {check for check, _ in checks}][:top]
    explained: list[Reason] = []
    used: set[int] = set()
    lines = [(name, f"{name} fired (on the fitting data {p:.0%} of such beads were real shifts)")
             for name, p in checks]
    lines += [(name, f"{name} = {feature_value(signals, name):g} raised the divergence (+{c:.2f} logit)")
              for name, c in drivers]
    for name, why in lines:
        family = _SPAN_FAMILY.get(name.split("_")[0], "lexical_unsupported")
        evidence = [k for k, r in enumerate(reasons) if r.signal == family]
        spans = [reasons[k].translation_span for k in evidence if reasons[k].translation_span]
        explained.append(Reason(name, why, spans[0] if spans else None))
        for k in (k for k in evidence if k not in used):
            used.add(k)
            explained.append(reasons[k])
    explained += [r for k, r in enumerate(reasons) if k not in used]
    return explained


def judge(signals: dict[str, float], reasons: list[Reason], threshold: float = THRESHOLD,
          lang: Optional[str] = None, models: Optional[dict] = None) -> Verdict:
    """The verdict on one bead; lang (the translation's language) picks a model fitted on that language."""
    model = choose((models or load())["models"], signals, lang)
    if model is None:
        return Verdict(0.0, False, "none", reasons)
    divergence = round(divergence_of(model, signals), 4)
    severity = severity_of(divergence, threshold, model)
    flag = severity != "none"
    return Verdict(divergence, flag, severity, _explain(model, signals, reasons) if flag else reasons)


def signature(threshold: float = THRESHOLD) -> str:
    try:
        fitted = load()["signature"]
    except Exception:  # noqa: BLE001 - a signature must never be the thing that fails
        fitted = "fusion.json missing"
    return f"fuse:logreg|{fitted}|thr:{threshold}"
