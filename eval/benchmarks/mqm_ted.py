"""MQM-TED en-de: does the divergence find the translations with a Major Accuracy error?

Each system's output (13 MT systems and the human reference, rated like a system) is the translation; the
other systems' outputs of the same segment are its renderings; the English source is the original. Label: the
expert rater marked at least one Major error in an Accuracy category. AUROC of the fusion, of chrF++ alone
and of BLEU alone, plus precision / recall / F1 of the flag and how often error-free outputs are flagged.

Held out: on the data the shipped fusion was fitted on, cross-fitted by source segment (no segment on both
sides); on other data, the shipped model as is (training.calibrate.held_out).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from toolkit import fuse
from training import benchdata, calibrate
from training.evaluation import auroc, flag_rate, precision_recall_f1

VARIANT = "de-consensus"


def _fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def run(data_dir: Path) -> dict:
    data_dir = Path(data_dir)
    if not (data_dir / benchdata.MQM_FILE).exists():
        return {"skipped": f"{data_dir / benchdata.MQM_FILE} is absent"}
    data, described = calibrate.load_dataset(data_dir, ("mqm", None))
    divergence, baseline_flags, how = calibrate.held_out(data, VARIANT, described)
    y = data.y
    scores = {"fusion": divergence, **{n: np.array([calibrate.baseline_score(s, n) for s in data.signals])
                                       for n in calibrate.BASELINES}}
    flags = {"fusion": divergence >= fuse.THRESHOLD, **baseline_flags}
    severity = np.array([e.severity for e in data.examples])
    clean = severity == "none"
    systems = np.array([e.kind for e in data.examples])
    metrics, lines = {}, ["| score | AUROC | P | R | F1 | error-free flagged |", "|---|---|---|---|---|---|"]
    for name, label in (("fusion", "fusion"), ("chrf_best", "chrF++ alone"), ("bleu_best", "BLEU alone")):
        a = auroc(y, scores[name])
        p, r, f1 = precision_recall_f1(y, flags[name])
        clean_rate = flag_rate(flags[name][clean])
        suffix = "" if name == "fusion" else f"_{name.split('_')[0]}"
        metrics.update({f"auroc{suffix}": round(a, 4), f"f1{suffix}": round(f1, 4),
                        f"clean_flagged{suffix}": round(clean_rate, 4)})
        lines.append(f"| {label} | {_fmt(a)} | {_fmt(p)} | {_fmt(r)} | {_fmt(f1)} | {_fmt(clean_rate)} |")
    per_system = ["", "| system | n | positives | AUROC fusion | AUROC chrF++ |", "|---|---|---|---|---|"]
    for system in sorted(set(systems)):
        chosen = systems == system
        per_system.append(f"| {system} | {int(chosen.sum())} | {int(y[chosen].sum())} | "
                          f"{_fmt(auroc(y[chosen], divergence[chosen]))} | "
                          f"{_fmt(auroc(y[chosen], scores['chrf_best'][chosen]))} |")
    note = ""
    try:
        from toolkit.significance import paired_bootstrap

        result = paired_bootstrap(auroc, y, scores["chrf_best"], divergence, samples=300, seed=7)
        low, high = result.delta_ci
        note = (f"- fusion - chrF++ AUROC = {result.delta:+.3f} (95% CI {low:+.3f} .. {high:+.3f}, "
                f"p = {result.p_value:.3f}, paired bootstrap, 300 samples)")
    except ImportError:
        pass
    from toolkit.signals import signatures

    table = "\n".join([f"{len(y)} outputs of {len(set(e.item for e in data.examples))} segments, {int(y.sum())} "
                       f"with a Major Accuracy error. Scores: {how}.", "", *lines, "", note, *per_system])
    return {
        "metrics": metrics,
        "table": table,
        "signature": f"{fuse.signature()} # chrf:{signatures()['chrf']} # label:major-accuracy",
        "data": benchdata.describe(data_dir, benchdata.MQM_FILE),
        "headline": ["auroc", "auroc_chrf", "auroc_bleu", "clean_flagged"],
        "targets": {"auroc": [">=", 0.75]},
    }
