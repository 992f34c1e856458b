"""German->English hallucinations and omissions against correct output: does the flag rank them above it?

No labelled de->en hallucinations are in ../shared/data, so the damage is injected, in the four shapes the
literature on MT hallucination names (Guerreiro et al. 2023; HalOmi, Dale et al. 2023), into real translations
that the crowd rated correct (WMT22 de-en, DA in the top half; the `test` side of the learnt model's split, by
contiguous 50-line block; never fitted or calibrated on):
- detached: the whole output is another segment's correct translation from the same block (fluent, on topic,
  unrelated to the source): a fully detached hallucination;
- added: another segment's translation appended: a partial hallucination;
- omission: the translation cut at the clause boundary nearest its middle (at least a third of the words gone);
- oscillation: the first 60% of the words, then their last three words repeated four times.
Each correct output lends itself to one kind, in turn. Judged against the other systems and both references
(all renderings) and against reference A alone (one rendering), as real_translations.py judges the same outputs.
The same corrupted outputs with the learnt model alone and chrF++ alone, side by side.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from toolkit import fuse
from training.evaluation import auroc, flag_rate
from training import benchdata, realdata
from toolkit.signals import REGISTRY, status
from toolkit.signals.base import LEARNT

KINDS = ("detached", "added", "omission", "oscillation")
_BOUNDARY = re.compile(r",\s|;\s|\s(?:and|but|which|who|while|because|although|when)\s")


def _omitted(text: str) -> str | None:
    words = text.split()
    if len(words) < 6:
        return None
    cuts = [m.start() for m in _BOUNDARY.finditer(text)]
    cut = min(cuts, key=lambda c: abs(c - len(text) / 2)) if cuts else None
    kept = text[:cut].rstrip(" ,;") if cut else " ".join(words[: len(words) // 2])
    if len(kept.split()) > len(words) * 2 / 3:
        kept = " ".join(words[: len(words) // 2])
    return kept.rstrip(" ,;") + "."


def _oscillating(text: str) -> str | None:
    words = text.rstrip(".!?").split()
    if len(words) < 6:
        return None
    head = words[: max(3, int(len(words) * 0.6))]
    return " ".join(head + head[-3:] * 4)


def injected(clean: list[benchdata.Example]) -> list[benchdata.Example]:
    """One damaged copy of each clean example, kinds dealt in turn; the donor of detached and added text is
    the next example of the same block with another source sentence (deterministic, no randomness)."""
    out = []
    for k, example in enumerate(clean):
        kind = KINDS[k % len(KINDS)]
        donor = next((d for d in clean[k + 1:] + clean[:k] if d.group == example.group and d.item != example.item),
                     None)
        text = example.bead.translation
        if kind == "detached":
            damaged = donor.bead.translation if donor else None
        elif kind == "added":
            damaged = f"{text} {donor.bead.translation}" if donor else None
        elif kind == "omission":
            damaged = _omitted(text)
        else:
            damaged = _oscillating(text)
        if damaged and damaged != text:
            out.append(replace(example, bead=replace(example.bead, translation=damaged), label=1, kind=kind,
                               severity="critical"))
    return out


def _uses_learnt(model: dict) -> bool:
    return any(LEARNT in REGISTRY[f].needs for f in model["features"])


def _scores(examples, signals, models) -> dict[str, np.ndarray]:
    plain = [m for m in models if not _uses_learnt(m)]
    out = {}
    for name, ms in (("fusion", models), ("fusion_plain", plain)):
        out[name] = np.array([fuse.divergence_of(m, s) if (m := fuse.choose(ms, s, "en", len(e.bead.renderings)))
                              else 0.0 for e, s in zip(examples, signals)])
    if all(s.get("learnt_median") is not None for s in signals):
        out["learnt"] = np.array([s["learnt_median"] for s in signals])
    out["chrf"] = np.array([1.0 - s.get("chrf_best", 0.0) / 100.0 for s in signals])
    return out


NAMES = {"fusion": "fusion (shipped)", "fusion_plain": "fusion without the learnt model",
         "learnt": "learnt model alone (median over renderings)", "chrf": "chrF++ alone"}


def _section(title: str, key: str, examples, signals, models, metrics: dict) -> list[str]:
    y = np.array([e.label for e in examples])
    kinds = np.array([e.kind for e in examples])
    scores = _scores(examples, signals, models)
    lines = [f"### {title}", "",
             f"{int((y == 0).sum())} correct outputs, {int(y.sum())} damaged copies; split by contiguous block "
             "(test side); AUROC of each kind against all correct outputs", "",
             "| score | all | " + " | ".join(KINDS) + " | damaged flagged | correct flagged |",
             "|---|---|" + "---|" * len(KINDS) + "---|---|"]
    for name, score in scores.items():
        cells = [auroc(y, score)]
        for kind in KINDS:
            chosen = (y == 0) | (kinds == kind)
            cells.append(auroc(y[chosen], score[chosen]))
        metrics[f"{key}.{name}.auroc"] = round(cells[0], 4)
        metrics.update({f"{key}.{name}.{kind}.auroc": round(v, 4) for kind, v in zip(KINDS, cells[1:])})
        flags = ["", ""]
        if name.startswith("fusion"):
            flagged = score >= fuse.THRESHOLD
            flags = [f"{flag_rate(flagged[y == 1]):.3f}", f"{flag_rate(flagged[y == 0]):.3f}"]
            metrics[f"{key}.{name}.recall"] = round(flag_rate(flagged[y == 1]), 4)
        lines.append(f"| {NAMES[name]} | " + " | ".join(f"{v:.3f}" for v in cells) + f" | {flags[0]} | {flags[1]} |")
    return lines + [""]


def run(data_dir: Path) -> dict:
    try:
        clean = realdata.wmt22_good(Path(data_dir), "test")
    except realdata.DataMissing as missing:
        return {"skipped": str(missing)}
    models = [m for m in fuse.load()["models"] if {"en", "*"} & set(m["langs"])]
    metrics: dict = {}
    lines = []
    for key, title, chosen in (("all", "WMT22 de-en, all other translations as renderings", clean),
                               ("one", "WMT22 de-en, reference A as the rendering", realdata.one_rendering(clean))):
        examples = chosen + injected(chosen)
        signals = [values for values, _ in benchdata.featurise(examples, f"hallucinations-{key}-test")]
        lines += _section(title, key, examples, signals, models, metrics)
    targets = {f"{key}.fusion.auroc": [">=", 0.90] for key in ("all", "one")}
    return {
        "metrics": metrics,
        "table": "\n".join(lines),
        "signature": f"{fuse.signature()} # {status()} # injected:{','.join(KINDS)} # split:block,test",
        "data": f"wmt22_generaltest_deen (crowd DA top half, 1 line in {realdata.SAMPLE_EVERY}), damage injected",
        "headline": list(targets),
        "targets": targets,
    }
