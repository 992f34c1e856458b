"""Real translations the fusion never saw: does the flag find real meaning errors, and leave correct output alone?

Data (training/realdata.py), always the `test` side of the learnt model's split (MQM: by document;
WMT22: by contiguous 50-line block), never the `dev` side the flag was calibrated on:
- MQM zh-en (WMT23, expert side-by-side MQM): each system's English output against the other nine systems'
  outputs (all renderings) or against one of them (one rendering). Label: a Major Accuracy error marked by at
  least 2 of 3 raters; error-free: no rater marked one.
- WMT22 de-en: outputs in the crowd's top half of DA, against the other systems and references (or ref A).

Side by side in one run: the shipped fusion (with the learnt model where it is installed), the fusion without
the learnt model, that fusion before its flag was calibrated on real data (the flag as DEMETR alone set it),
the learnt model alone (`learnt_median`) and chrF++ alone (1 - chrF++/100 against the closest rendering).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from toolkit import fuse
from training.evaluation import auroc, flag_rate
from training import benchdata, realdata
from toolkit.signals import REGISTRY, status
from toolkit.signals.base import LEARNT


def _fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def _uses_learnt(model: dict) -> bool:
    return any(LEARNT in REGISTRY[f].needs for f in model["features"])


def _scorers(models: list[dict]) -> dict:
    """name -> (metric key, model list, undo the real calibration): the fusions compared."""
    plain = [m for m in models if not _uses_learnt(m)]
    return {"fusion (shipped)": ("fusion", models, False),
            "fusion without the learnt model": ("fusion_plain", plain, False),
            "fusion without learnt model, flag set on DEMETR only": ("fusion_demetr_flag", plain, True)}


def _divergence(models, undo: bool, signals: dict, renderings: int) -> float:
    model = fuse.choose(models, signals, "en", renderings)
    if model is None:
        return 0.0
    if undo:
        model = {**model, "operating_logit": model["operating_logit"]
                 - model.get("real_calibration", {}).get("shift", 0.0)}
    return fuse.divergence_of(model, signals)


def _section(title: str, examples, signals, models, metrics: dict, key: str) -> list[str]:
    y = np.array([e.label for e in examples])
    counts = [len(e.bead.renderings) for e in examples]
    has_errors = bool(y.sum())
    lines = [f"### {title}", "",
             f"{len(y)} translations, {int(y.sum())} with a Major Accuracy error; split by document (test side)",
             "", "| score | AUROC | errors flagged | error-free flagged |", "|---|---|---|---|"]
    for name, (short, ms, undo) in _scorers(models).items():
        divergence = np.array([_divergence(ms, undo, s, n) for s, n in zip(signals, counts)])
        flagged = divergence >= fuse.THRESHOLD
        a = auroc(y, divergence) if has_errors else float("nan")
        recall = flag_rate(flagged[y == 1]) if has_errors else float("nan")
        clean = flag_rate(flagged[y == 0])
        metrics.update({f"{key}.{short}.clean_flagged": round(clean, 4)})
        if has_errors:
            metrics.update({f"{key}.{short}.auroc": round(a, 4), f"{key}.{short}.recall": round(recall, 4)})
        lines.append(f"| {name} | {_fmt(a)} | {_fmt(recall)} | {_fmt(clean)} |")
    if has_errors:
        learnt = [s.get("learnt_median") for s in signals]
        if all(v is not None for v in learnt):
            metrics[f"{key}.learnt.auroc"] = round(auroc(y, learnt), 4)
            lines.append(f"| learnt model alone (median over renderings) | {_fmt(metrics[f'{key}.learnt.auroc'])} "
                         "| | |")
        chrf = [1.0 - s.get("chrf_best", 0.0) / 100.0 for s in signals]
        metrics[f"{key}.chrf.auroc"] = round(auroc(y, chrf), 4)
        lines.append(f"| chrF++ alone | {_fmt(metrics[f'{key}.chrf.auroc'])} | | |")
    return lines + [""]


def run(data_dir: Path) -> dict:
    data_dir = Path(data_dir)
    try:
        tests = {"mqm": realdata.mqm_zhen(data_dir, "test"), "wmt22": realdata.wmt22_good(data_dir, "test")}
    except realdata.DataMissing as missing:
        return {"skipped": str(missing)}
    models = [m for m in fuse.load()["models"] if {"en", "*"} & set(m["langs"])]
    metrics: dict = {}
    lines = []
    for key, title, examples in (
        ("mqm_all", "MQM zh-en, all other systems as renderings", tests["mqm"]),
        ("mqm_one", "MQM zh-en, one other system as the rendering", realdata.one_rendering(tests["mqm"])),
        ("wmt22_all", "WMT22 de-en, correct by the crowd, all others as renderings", tests["wmt22"]),
        ("wmt22_one", "WMT22 de-en, correct by the crowd, reference A as the rendering",
         realdata.one_rendering(tests["wmt22"])),
    ):
        signals = [values for values, _ in benchdata.featurise(examples, f"real-{key}-test")]
        lines += _section(title, examples, signals, models, metrics, key)
    targets = {"mqm_all.fusion.auroc": [">=", 0.80]}
    targets.update({f"{key}.fusion.clean_flagged": ["<=", 0.10] for key in ("mqm_all", "mqm_one", "wmt22_all",
                                                                             "wmt22_one")})
    return {
        "metrics": metrics,
        "table": "\n".join(lines),
        "signature": f"{fuse.signature()} # {status()} # label:major-accuracy>=2of3 # split:document,test",
        "data": f"wmt23_sxs_mqm_zhen, wmt22_generaltest_deen (1 line in {realdata.SAMPLE_EVERY})",
        "headline": [m for m in targets if m in metrics],
        "targets": {m: t for m, t in targets.items() if m in metrics},
    }
