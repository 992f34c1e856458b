"""Sentence alignment on Text+Berg (German-French, hand-aligned; Bleualign's evaluation set and MT renderings).

Scored with vecalign's strict and lax precision / recall / F1 (Thompson & Koehn 2019, after Sennrich & Volk
2011): precision over the predicted beads (1-0 and 0-1 included), recall over the gold beads that have both
sides; strict = the bead is exactly a gold bead, lax = it shares an original and a translation sentence with
one gold bead. Counts are summed over documents before dividing, as vecalign's score.py does.

Rows: the toolkit aligner with each MT system's renderings (forward = de->fr MT of the German side, reverse =
fr->de MT of the French side, both = the two together), with all systems at once, the same cost restricted to
1-1/1-0/0-1 beads, and Gale-Church on lengths alone. Settings were tuned on `dev` only; `test` is the shared
test documents (test0, 2, 3, 4, 6; test1 and 5 are held out elsewhere).
"""
from __future__ import annotations

import ast
import hashlib
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

from toolkit import __version__  # noqa: E402
from toolkit.alignment import Settings, align, signature  # noqa: E402

FOLDER = "textberg_gold_align_defr"
DEV = ["dev"]
TEST = ["test0", "test2", "test3", "test4", "test6"]
SYSTEMS = ["europarlfull", "europarllight", "google"]
ANCHORS = "Bleualign strict F1 0.807 (europarlfull MT) / 0.809 (Google MT); vecalign+LASER 0.902; " \
          "Bertalign+LaBSE 0.936 (published, all of test0-6)"


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def read_beads(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    beads = []
    for line in read_lines(path):
        if line.strip():
            left, right = line.split(":")
            beads.append((tuple(ast.literal_eval(left)), tuple(ast.literal_eval(right))))
    return beads


def _counts(gold, test) -> list[int]:
    """[strict hits, strict misses, lax hits, lax misses] of the test beads against the gold beads."""
    gold = {(x, y) for x, y in gold if x or y}
    test = {(x, y) for x, y in test if x or y}
    gold_targets = defaultdict(set)  # original sentence -> every translation sentence gold pairs it with
    for x, y in gold:
        for i in x:
            gold_targets[i].update(y)
    counts = [0, 0, 0, 0]
    for x, y in test:
        if (x, y) in gold:
            counts[0] += 1
            counts[2] += 1
            continue
        counts[1] += 1
        reachable = set().union(*(gold_targets[i] for i in x)) if x else set()
        counts[2 if reachable & set(y) else 3] += 1
    return counts


def score(pairs) -> dict:
    """vecalign's strict/lax precision, recall, F1 over (gold, test) bead lists, counts summed first."""
    p = [0, 0, 0, 0]
    r = [0, 0, 0, 0]
    for gold, test in pairs:
        p = [u + v for u, v in zip(p, _counts(gold, test))]
        both_sides = lambda beads: [(x, y) for x, y in beads if x and y]  # noqa: E731
        r = [u + v for u, v in zip(r, _counts(both_sides(test), both_sides(gold)))]
    ratio = lambda hit, miss: hit / (hit + miss) if hit + miss else 0.0  # noqa: E731
    f1 = lambda a, b: 2 * a * b / (a + b) if a + b else 0.0  # noqa: E731
    out = {"precision_strict": ratio(p[0], p[1]), "precision_lax": ratio(p[2], p[3]),
           "recall_strict": ratio(r[0], r[1]), "recall_lax": ratio(r[2], r[3])}
    out["f1_strict"] = f1(out["precision_strict"], out["recall_strict"])
    out["f1_lax"] = f1(out["precision_lax"], out["recall_lax"])
    return out


def configurations(folder: Path) -> list[tuple[str, dict]]:
    """(row name, how to align) for every system and direction present in the folder."""
    rows = []
    for system in SYSTEMS:
        forward = (folder / f"test0.de.mt-{system}.fr").exists()
        reverse = (folder / f"test0.fr.mt-{system}.de").exists()
        if forward and reverse:
            rows.append((f"{system}.both", {"forward": [system], "reverse": [system]}))
        if forward:
            rows.append((f"{system}.forward", {"forward": [system], "reverse": []}))
        if reverse:
            rows.append((f"{system}.reverse", {"forward": [], "reverse": [system]}))
    rows.append(("all_systems.both", {"forward": SYSTEMS, "reverse": SYSTEMS}))
    rows.append(("europarlfull.both.1-1_only", {"forward": ["europarlfull"], "reverse": ["europarlfull"],
                                                "max_side": 1}))
    rows.append(("google.both.1-1_only", {"forward": ["google"], "reverse": ["google"], "max_side": 1}))
    rows.append(("gale_church.length_only", {"forward": [], "reverse": []}))
    return rows


def align_document(folder: Path, doc: str, how: dict):
    original = read_lines(folder / f"{doc}.de")
    translation = read_lines(folder / f"{doc}.fr")
    forward = [read_lines(folder / f"{doc}.de.mt-{s}.fr") for s in how["forward"]]
    reverse = [read_lines(folder / f"{doc}.fr.mt-{s}.de") for s in how["reverse"]]
    beads = align(original, translation, forward, reverse, max_side=how.get("max_side", 4))
    return [(b.original_ids, b.translation_ids) for b in beads]


def data_version(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def evaluate(folder: Path, rows=None) -> dict[str, dict[str, dict]]:
    """{row: {"dev": scores, "test": scores}}."""
    results = {}
    for name, how in rows or configurations(folder):
        results[name] = {}
        for split, docs in (("dev", DEV), ("test", TEST)):
            pairs = [(read_beads(folder / f"{doc}.defr"), align_document(folder, doc, how)) for doc in docs]
            results[name][split] = score(pairs)
    return results


def table(results) -> str:
    head = ("| aligner / MT | test P strict | test R strict | test F1 strict | test P lax | test R lax | "
            "test F1 lax | dev F1 strict |")
    lines = [head, "|" + "---|" * 8]
    for name, by_split in results.items():
        t, d = by_split["test"], by_split["dev"]
        lines.append(f"| {name} | {t['precision_strict']:.3f} | {t['recall_strict']:.3f} | "
                     f"{t['f1_strict']:.3f} | {t['precision_lax']:.3f} | {t['recall_lax']:.3f} | "
                     f"{t['f1_lax']:.3f} | {d['f1_strict']:.3f} |")
    lines.append("")
    lines.append(f"Anchors: {ANCHORS}.")
    return "\n".join(lines)


def run(data_dir: Path) -> dict:
    folder = Path(data_dir) / FOLDER
    if not (folder / "test0.defr").exists():
        return {"skipped": f"no Text+Berg gold alignments at {folder}"}
    results = evaluate(folder)
    metrics = {f"{split}.{name}.{metric}": round(value, 4)
               for name, by_split in results.items() for split, scores in by_split.items()
               for metric, value in scores.items()}
    return {
        "metrics": metrics,
        "table": table(results),
        "signature": f"toolkit:{__version__} # align:{signature(True, settings=Settings())} "
                     f"# baseline:{signature(False)} # score:vecalign-strict-lax",
        "data": f"{folder.name} (shared part: dev, test0/2/3/4/6) sha256:{data_version(folder)}",
        "headline": ["test.europarlfull.both.f1_strict", "test.google.both.f1_strict",
                     "test.europarlfull.forward.f1_strict", "test.google.forward.f1_strict",
                     "test.gale_church.length_only.f1_strict"],
        "targets": {"test.europarlfull.both.f1_strict": [">=", 0.90], "test.google.both.f1_strict": [">=", 0.93]},
    }


if __name__ == "__main__":
    outcome = run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data")
    print(outcome.get("table") or outcome)
