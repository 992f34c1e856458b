"""Sentence alignment on Text+Berg (German-French, hand-aligned; Bleualign's evaluation set and MT renderings).

Scored with vecalign's strict and lax precision / recall / F1 (Thompson & Koehn 2019, after Sennrich & Volk
2011): precision over the predicted beads (1-0 and 0-1 included), recall over the gold beads that have both
sides; strict = the bead is exactly a gold bead, lax = it shares an original and a translation sentence with
one gold bead. Counts are summed over documents before dividing, as vecalign's score.py does.

Rows: the toolkit aligner with each MT system's renderings (forward = de->fr MT of the German side, reverse =
fr->de MT of the French side, both = the two together), with all systems at once, the same cost restricted to
1-1/1-0/0-1 beads, and Gale-Church on lengths alone. Settings were tuned on `dev` only; `test` is the shared
test documents (test0, 2, 3, 4, 6; test1 and 5 are held out elsewhere).

`+meaning` rows add the French sentence encoder (toolkit/learnt/sentence.py, the packaged all-MiniLM-L6-v2 with
the shipped French adapter) as a meaning source on the forward renderings. That encoder was trained on the
first half of the dev document and chosen on its second half, so for every row `dev2` is the second half alone
(cut at the middle gold bead, training.french_encoder.split_gold): the dev score that no row has
trained on, and where the meaning settings were chosen.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

from toolkit import __version__  # noqa: E402
from toolkit.alignment import FRENCH_MEANING_SETTINGS, Settings, align, signature  # noqa: E402
from training.alignment_scoring import flat_metrics, read_beads, score, type_table  # noqa: E402
from training.french_encoder import split_gold  # noqa: E402
from toolkit.resources import Unavailable  # noqa: E402

FOLDER = "textberg_gold_align_defr"
DEV = ["dev"]
TEST = ["test0", "test2", "test3", "test4", "test6"]
SYSTEMS = ["europarlfull", "europarllight", "google"]
ANCHORS = "Bleualign strict F1 0.807 (europarlfull MT) / 0.809 (Google MT); vecalign+LASER 0.902; " \
          "Bertalign+LaBSE 0.936 (published, all of test0-6)"


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def configurations(folder: Path, encoder=None) -> list[tuple[str, dict]]:
    """(row name, how to align) for every system and direction present in the folder."""
    rows = []
    for system in ("europarlfull", "google") if encoder is not None else ():
        rows.append((f"{system}.both+meaning ({encoder.name.split('~')[0]})",
                     {"forward": [system], "reverse": [system], "encoder": encoder,
                      "settings": FRENCH_MEANING_SETTINGS}))
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


SECOND_HALF = "@half2"  # a document name with this suffix: its second half (see the module docstring)


def _part(folder: Path, doc: str) -> tuple[str, dict[str, int]]:
    """(the file stem, the first German and French line read) for a document or its second half."""
    if not doc.endswith(SECOND_HALF):
        return doc, {"de": 0, "fr": 0}
    stem = doc[:-len(SECOND_HALF)]
    return stem, split_gold(read_beads(folder / f"{stem}.defr"))[1]


def gold_beads(folder: Path, doc: str):
    stem, cut = _part(folder, doc)
    gold = read_beads(folder / f"{stem}.defr")
    if doc == stem:
        return gold
    middle = split_gold(gold)[0]
    return [(tuple(k - cut["de"] for k in o), tuple(k - cut["fr"] for k in t)) for o, t in gold[middle:]]


def align_document(folder: Path, doc: str, how: dict):
    stem, cut = _part(folder, doc)
    de, fr = cut["de"], cut["fr"]
    original = read_lines(folder / f"{stem}.de")[de:]
    translation = read_lines(folder / f"{stem}.fr")[fr:]
    forward = [read_lines(folder / f"{stem}.de.mt-{s}.fr")[de:] for s in how["forward"]]
    reverse = [read_lines(folder / f"{stem}.fr.mt-{s}.de")[fr:] for s in how["reverse"]]
    beads = align(original, translation, forward, reverse, max_side=how.get("max_side"),
                  settings=how.get("settings"), encoder=how.get("encoder"))
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
        for split, docs in (("dev", DEV), ("dev2", [d + SECOND_HALF for d in DEV]), ("test", TEST)):
            pairs = [(gold_beads(folder, doc), align_document(folder, doc, how)) for doc in docs]
            results[name][split] = score(pairs)
    return results


def table(results) -> str:
    head = ("| aligner / MT | test P strict | test R strict | test F1 strict | test P lax | test R lax | "
            "test F1 lax | dev F1 strict | dev2 F1 strict |")
    lines = [head, "|" + "---|" * 9]
    for name, by_split in results.items():
        t, d, d2 = by_split["test"], by_split["dev"], by_split["dev2"]
        lines.append(f"| {name} | {t['precision_strict']:.3f} | {t['recall_strict']:.3f} | "
                     f"{t['f1_strict']:.3f} | {t['precision_lax']:.3f} | {t['recall_lax']:.3f} | "
                     f"{t['f1_lax']:.3f} | {d['f1_strict']:.3f} | {d2['f1_strict']:.3f} |")
    lines += ["", "Test F1 strict / lax by gold bead type:", "", type_table(results, "test"), ""]
    lines.append(f"Split by document: dev = {', '.join(DEV)} (tuning), test = {', '.join(TEST)}; dev2 = the second half "
                 f"of dev, the part the French encoder of the +meaning rows never trained on. Anchors: {ANCHORS}.")
    return "\n".join(lines)


def run(data_dir: Path) -> dict:
    folder = Path(data_dir) / FOLDER
    if not (folder / "test0.defr").exists():
        return {"skipped": f"no Text+Berg gold alignments at {folder}"}
    try:
        from toolkit.learnt.sentence import AdaptedEncoder

        encoder, why = AdaptedEncoder(), ""
    except Unavailable as error:
        encoder, why = None, f" The French encoder is unavailable here ({error}): its rows are absent."
    results = evaluate(folder, configurations(folder, encoder))
    meaning = (f" # align+meaning:{signature(True, settings=FRENCH_MEANING_SETTINGS, meaning=encoder.name)}"
               if encoder else "")
    return {
        "metrics": flat_metrics(results, key=lambda name: name.split(" (")[0]),
        "table": table(results) + why,
        "signature": f"toolkit:{__version__} # align:{signature(True, settings=Settings())}{meaning} "
                     f"# baseline:{signature(False)} # score:vecalign-strict-lax",
        "data": f"{folder.name} (shared part: dev, test0/2/3/4/6) sha256:{data_version(folder)}",
        "headline": ["test.europarlfull.both.f1_strict", "test.google.both.f1_strict",
                     "test.europarlfull.both+meaning.f1_strict", "test.google.both+meaning.f1_strict",
                     "test.europarlfull.forward.f1_strict", "test.google.forward.f1_strict",
                     "test.gale_church.length_only.f1_strict"],
        "targets": {"test.europarlfull.both.f1_strict": [">=", 0.90], "test.google.both.f1_strict": [">=", 0.93]},
    }


if __name__ == "__main__":
    outcome = run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data")
    print(outcome.get("table") or outcome)
