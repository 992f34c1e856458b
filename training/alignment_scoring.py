"""Alignment quality against gold beads: vecalign's strict and lax precision / recall / F1, overall and by bead
type (Thompson & Koehn 2019, after Sennrich & Volk 2011).

Precision is over the predicted beads (1-0 and 0-1 included), recall over the gold beads that have both sides;
strict = the bead is exactly a gold bead, lax = it shares an original and a translation sentence with one gold
bead. Counts are summed over documents before dividing, as vecalign's score.py does. By type, precision is over
the predicted beads of that type and recall over the gold beads of that type.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

Ids = tuple[int, ...]
Beads = Sequence[tuple[Ids, Ids]]
TYPES = ("1-1", "1-2", "1-3", "1-4+", "n-1", "n-m", "gap")


def bead_type(original: Ids, translation: Ids) -> str:
    a, b = len(original), len(translation)
    if not a or not b:
        return "gap"
    if a == 1:
        return "1-1" if b == 1 else "1-2" if b == 2 else "1-3" if b == 3 else "1-4+"
    return "n-1" if b == 1 else "n-m"


def read_beads(path: Path) -> list[tuple[Ids, Ids]]:
    """Beads in vecalign's format, one a line: `[0, 1]:[2]`."""
    beads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            left, right = line.split(":")
            beads.append((tuple(ast.literal_eval(left)), tuple(ast.literal_eval(right))))
    return beads


def _hits(gold: Beads, test: Beads) -> list[tuple[str, bool, bool]]:
    """(type, strict hit, lax hit) for every test bead against the gold beads."""
    gold_set = {(x, y) for x, y in gold if x or y}
    gold_targets = defaultdict(set)  # original sentence -> every translation sentence gold pairs it with
    for x, y in gold_set:
        for i in x:
            gold_targets[i].update(y)
    out = []
    for x, y in {(x, y) for x, y in test if x or y}:
        strict = (x, y) in gold_set
        reachable = set().union(*(gold_targets[i] for i in x)) if x else set()
        out.append((bead_type(x, y), strict, strict or bool(reachable & set(y))))
    return out


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(pairs: Iterable[tuple[Beads, Beads]]) -> dict:
    """{"precision_strict", "recall_strict", "f1_strict", the same _lax, "by_type": {type: {..., "gold",
    "predicted"}}} over (gold, test) bead lists."""
    precision, recall = [], []
    for gold, test in pairs:
        precision += _hits(gold, test)
        both_sides = lambda beads: [(x, y) for x, y in beads if x and y]  # noqa: E731
        # recall: each gold bead with both sides, judged against the predicted beads with both sides
        recall += _hits(both_sides(test), both_sides(gold))
    out = _summary(precision, recall)
    out["by_type"] = {}
    for kind in TYPES:
        p = [h for h in precision if h[0] == kind]
        r = [h for h in recall if h[0] == kind]
        if p or r:
            out["by_type"][kind] = {**_summary(p, r), "gold": len(r), "predicted": len(p)}
    return out


def _summary(precision, recall) -> dict:
    out = {"precision_strict": _ratio(sum(h[1] for h in precision), len(precision)),
           "precision_lax": _ratio(sum(h[2] for h in precision), len(precision)),
           "recall_strict": _ratio(sum(h[1] for h in recall), len(recall)),
           "recall_lax": _ratio(sum(h[2] for h in recall), len(recall))}
    out["f1_strict"] = _f1(out["precision_strict"], out["recall_strict"])
    out["f1_lax"] = _f1(out["precision_lax"], out["recall_lax"])
    return out


def type_table(results: dict[str, dict], split: str = "test") -> str:
    """Markdown: F1 strict / lax by gold bead type for each row of {row: {split: score(...)}}; a gap has no
    recall, so its cell is the precision of the 1-0 / 0-1 beads predicted."""
    kinds = [k for k in TYPES if any(k in r[split]["by_type"] for r in results.values())]
    gold = {k: max(r[split]["by_type"].get(k, {}).get("gold", 0) for r in results.values()) for k in kinds}
    lines = ["| aligner | " + " | ".join(f"{k} (n={gold[k]})" if k != "gap" else "gap: P" for k in kinds) + " |",
             "|" + "---|" * (len(kinds) + 1)]
    for name, by_split in results.items():
        cells = []
        for kind in kinds:
            s = by_split[split]["by_type"].get(kind)
            if s is None:
                cells.append("-")
            elif kind == "gap":
                cells.append(f"{s['precision_strict']:.3f} of {s['predicted']}")
            else:
                cells.append(f"{s['f1_strict']:.3f} / {s['f1_lax']:.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def flat_metrics(results: dict[str, dict], key=lambda name: name) -> dict[str, float]:
    """{split.row.metric: value} and {split.row.type.f1_strict / f1_lax: value}, rounded to 4 places."""
    out = {}
    for name, by_split in results.items():
        for split, scores in by_split.items():
            for metric, value in scores.items():
                if metric != "by_type":
                    out[f"{split}.{key(name)}.{metric}"] = round(value, 4)
                    continue
                for kind, s in value.items():
                    for m in ("f1_strict", "f1_lax") if kind != "gap" else ("precision_strict",):
                        out[f"{split}.{key(name)}.{kind}.{m}"] = round(s[m], 4)
    return out
