"""The learnt divergence model alone (toolkit/learnt), on data it was not trained on, beside chrF++.

- wmt23_sxs_mqm_zhen, the test documents of the model's own split (the recipe names the seed; whole documents
  are held out): each system's output is the translation, the other systems' outputs of the segment its
  renderings; label: a Major accuracy error by >= 2 of 3 raters (outputs marked by exactly one rater are left
  out). AUROC of the mean and of the best (lowest) divergence over renderings, chrF++ the same way
  (100 - chrF++), and the share of error-free outputs flagged at the shipped threshold (mean divergence).
- WMT22 de-en, the test blocks: system outputs with a crowd DA z-score in the top half of the test blocks,
  against up to 4 other translations; the share flagged at the shipped threshold.
- DEMETR-de, reference setting (DEMETR's edited reference as the only rendering), all shared items: the model
  never saw DEMETR, nor the WMT21 lines it uses. AUROC per severity of the perturbed `mt_en` against the
  unperturbed one (rows whose perturbation was applied), and the share of unperturbed `mt_en` flagged.
Scores are batched and sorted by length, so a rerun gives the same numbers.
"""
from __future__ import annotations

import csv
import gzip
from pathlib import Path

import numpy as np

from training.evaluation import auroc

MAX_WMT22 = 400  # outputs scored (a seeded sample), to keep `make eval` within minutes on 2 cores


def _fmt(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def _chrf():
    from sacrebleu.metrics import CHRF

    return CHRF(word_order=2)


def _aggregate(values: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    mean = np.array([values[owner == i].mean() for i in range(n)])
    best = np.array([values[owner == i].min() for i in range(n)])
    return mean, best


def _flatten(items):
    pairs, owner = [], []
    for n, item in enumerate(items):
        for rendering in item.renderings:
            pairs.append((item.translation, rendering))
            owner.append(n)
    return pairs, np.asarray(owner)


def _both(model, chrf, items):
    """(model mean, model best, chrF++ mean, chrF++ best) divergences per item."""
    pairs, owner = _flatten(items)
    learnt = model.score(pairs)
    chrf_div = np.array([100.0 - chrf.sentence_score(t, [r]).score for t, r in pairs])
    return (*_aggregate(learnt, owner, len(items)), *_aggregate(chrf_div, owner, len(items)))


def _demetr(data_dir: Path, model, chrf, metrics: dict) -> list[str]:
    path = data_dir / "demetr_de" / "demetr_de.joined.tsv.gz"
    if not path.exists():
        return [f"DEMETR skipped: {path} is absent", ""]
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    unshifted = {}
    examples = []  # (item, severity, translation, reference)
    for row in rows:
        unshifted.setdefault(row["item_id"], (row["mt_en"], row["reference_en"]))
        if row["pert_check"] == "true" and row["severity"] in ("critical", "major", "minor"):
            examples.append((row["item_id"], row["severity"], row["perturbed_en"], row["reference_en"]))
    base = [(item, "unshifted", mt, ref) for item, (mt, ref) in sorted(unshifted.items())]
    everything = base + examples
    pairs = [(t, r) for _, _, t, r in everything]
    learnt = model.score(pairs)
    chrf_div = np.array([100.0 - chrf.sentence_score(t, [r]).score for t, r in pairs])
    severity = np.array([s for _, s, _, _ in everything])
    clean = severity == "unshifted"
    lines = [f"### DEMETR-de, reference setting ({len(unshifted)} items, never trained on)", "",
             "| perturbed vs unperturbed | n | AUROC model | AUROC chrF++ |", "|---|---|---|---|"]
    for name in ("critical", "major", "minor"):
        chosen = (severity == name) | clean
        y = severity[chosen] == name
        a, c = auroc(y, learnt[chosen]), auroc(y, chrf_div[chosen])
        metrics[f"demetr_reference.{name}.auroc"] = round(a, 4)
        metrics[f"demetr_reference.{name}.auroc_chrf"] = round(c, 4)
        lines.append(f"| {name} | {int((severity == name).sum())} | {_fmt(a)} | {_fmt(c)} |")
    flagged = float((learnt[clean] >= model.threshold).mean())
    metrics["demetr_reference.unshifted_flagged"] = round(flagged, 4)
    lines += ["", f"Unperturbed `mt_en` flagged at the shipped threshold: {_fmt(flagged)}.", ""]
    return lines


def _wmt22(data_dir: Path, model, split, recipe, metrics: dict) -> list[str]:
    import random

    from training import pairs as P

    scores_path = data_dir / "wmt22_generaltest_deen" / "ad-seg-scores-de-en.csv"
    test = [s for s in split["test"] if s.dataset == "wmt22_generaltest_deen"]
    if not test or not scores_path.exists():
        return ["WMT22 skipped: no test blocks or no DA scores", ""]
    z = {}
    for line in scores_path.read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 4:
            z[(fields[0].rsplit(".", 1)[0], fields[1])] = float(fields[3])
    items = [i for i in P.wmt_items(test) if i.key.split("#")[1].startswith("wmt22_")]
    scored = [(i, z.get((i.key.split("#")[1][len("wmt22_"):], i.key.split("#")[0]))) for i in items]
    scored = [(i, s) for i, s in scored if s is not None]
    if not scored:
        return ["WMT22 skipped: no DA score matches a test output", ""]
    median = float(np.median([s for _, s in scored]))
    good = [i for i, s in scored if s >= median]
    good = sorted(random.Random(recipe.get("split", {}).get("seed", 13)).sample(good, min(MAX_WMT22, len(good))),
                  key=lambda i: i.key)
    pairs, owner = _flatten(good)
    mean, _ = _aggregate(model.score(pairs), owner, len(good))
    flagged = float((mean >= model.threshold).mean())
    metrics["wmt22_top_half_flagged"] = round(flagged, 4)
    return [f"### WMT22 de-en, test blocks: outputs in the top half of crowd DA ({len(good)} of {len(scored)}, "
            f"up to 4 other translations as renderings)", "",
            f"Flagged at the shipped threshold: {_fmt(flagged)}.", ""]


def run(data_dir: Path) -> dict:
    from toolkit import learnt
    from training import pairs as P
    from training import sources

    data_dir = Path(data_dir)
    ok, detail = learnt.available()
    if not ok:
        return {"skipped": detail}
    try:
        mqm = sources.read_mqm(data_dir)
        wmt = sources.read_all_wmt(data_dir)
    except sources.DataMissing as error:
        return {"skipped": str(error)}
    recipe = learnt.read_recipe()
    seed = recipe.get("split", {}).get("seed", 13)
    mqm_test = sources.split_segments(mqm, seed)["test"]
    named = set(recipe.get("split", {}).get("mqm_test_docs", []))
    if named and named != {s.group for s in mqm_test}:
        return {"skipped": "the recipe's MQM test documents differ from this data's split (other data?)"}
    model = learnt.load(threads=2)
    chrf = _chrf()
    metrics: dict = {}

    items = P.mqm_items(mqm_test)
    y = np.array([i.label for i in items])
    mean, best, chrf_mean, chrf_best = _both(model, chrf, items)
    rows = [("learnt model, mean over renderings", mean), ("learnt model, best rendering", best),
            ("chrF++, mean over renderings", chrf_mean), ("chrF++, best rendering", chrf_best)]
    for key, values in zip(("auroc_mean", "auroc_best", "auroc_mean_chrf", "auroc_best_chrf"), (mean, best, chrf_mean, chrf_best)):
        metrics[f"mqm.{key}"] = round(auroc(y, values), 4)
    clean_flagged = float((mean[y == 0] >= model.threshold).mean())
    errors_flagged = float((mean[y == 1] >= model.threshold).mean())
    metrics["mqm.clean_flagged"] = round(clean_flagged, 4)
    metrics["mqm.errors_flagged"] = round(errors_flagged, 4)
    lines = [f"### wmt23_sxs_mqm_zhen, {len({s.group for s in mqm_test})} held-out documents "
             f"({len(items)} outputs, {int(y.sum())} with a Major accuracy error)", "",
             "| score | AUROC |", "|---|---|"]
    lines += [f"| {label} | {_fmt(auroc(y, values))} |" for label, values in rows]
    lines += ["", f"At the shipped threshold ({model.threshold:.3f}, mean over renderings): error-free outputs "
              f"flagged {_fmt(clean_flagged)}, outputs with an error flagged {_fmt(errors_flagged)}.", ""]
    lines += _wmt22(data_dir, model, sources.split_segments(wmt, seed), recipe, metrics)
    lines += _demetr(data_dir, model, chrf, metrics)
    targets = {"mqm.auroc_mean": [">=", 0.80], "mqm.clean_flagged": ["<=", 0.10],
               "wmt22_top_half_flagged": ["<=", 0.10], "demetr_reference.critical.auroc": [">=", 0.90],
               "demetr_reference.major.auroc": [">=", 0.85]}
    return {
        "metrics": metrics,
        "table": "\n".join(lines),
        "signature": f"{model.signature} # threshold:{model.threshold:.4f} # chrf:{chrf.get_signature()}",
        "data": f"{data_dir}: {sources.MQM} (test documents of the recipe's split), wmt22_generaltest_deen "
                f"(test blocks), demetr_de (all shared items)",
        "headline": [m for m in targets if m in metrics],
        "targets": {m: t for m, t in targets.items() if m in metrics},
    }
