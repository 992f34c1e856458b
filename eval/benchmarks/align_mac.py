"""Sentence alignment on MAC-Test (Bertalign's literary test set: Chinese chapters, their published English
translations, and an English MT of each Chinese chapter), scored with vecalign's strict and lax F1 overall and by
bead type (training.alignment_scoring).

Rows: the toolkit aligner with the English MT as rendering and the sentence embedding (all-MiniLM-L6-v2, or
$TOOLKIT_EMBEDDING_MODEL) as a meaning source beside the n-grams; the n-gram-only aligner (what `toolkit align`
did before); and Gale-Church on lengths alone. Split by document: the first chapter of each novel (005, 021) is
`dev`, where the meaning settings were tuned; the other six (006-008, 022-024) are `test`.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

from toolkit import __version__  # noqa: E402
from toolkit.alignment import MEANING_SETTINGS, SentenceEncoder, Settings, align, signature  # noqa: E402
from training.alignment_scoring import flat_metrics, read_beads, score, type_table  # noqa: E402
from toolkit.resources import Unavailable  # noqa: E402

FOLDER = "mac_align_zhen"
DEV = ["005", "021"]
TEST = ["006", "007", "008", "022", "023", "024"]
ANCHORS = ("the n-gram aligner before this benchmark: strict F1 0.577 (lax 0.873) on all eight chapters; "
           "Gale-Church 0.290")


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def configurations(encoder) -> list[tuple[str, dict]]:
    rows = []
    if encoder is not None:
        rows.append((f"mt+meaning ({encoder.name})", {"mt": True, "encoder": encoder, "settings": MEANING_SETTINGS}))
    rows.append(("mt n-grams only", {"mt": True, "encoder": None, "settings": Settings()}))
    rows.append(("gale-church (lengths)", {"mt": False}))
    return rows


def align_document(folder: Path, doc: str, how: dict):
    original = read_lines(folder / f"{doc}.zh")
    translation = read_lines(folder / f"{doc}.en")
    renderings = [read_lines(folder / f"{doc}.trans")] if how["mt"] else []
    beads = align(original, translation, renderings, settings=how.get("settings"), encoder=how.get("encoder"))
    return [(b.original_ids, b.translation_ids) for b in beads]


def evaluate(folder: Path, rows) -> dict[str, dict[str, dict]]:
    """{row: {"dev": scores, "test": scores}}."""
    results = {}
    for name, how in rows:
        results[name] = {}
        for split, docs in (("dev", DEV), ("test", TEST)):
            pairs = [(read_beads(folder / f"{doc}.align"), align_document(folder, doc, how)) for doc in docs]
            results[name][split] = score(pairs)
    return results


def table(results, split_note: str, anchors: str) -> str:
    """Overall strict / lax F1 per aligner, then F1 by gold bead type (test documents)."""
    lines = ["| aligner | test P strict | test R strict | test F1 strict | test F1 lax | dev F1 strict |",
             "|" + "---|" * 6]
    for name, by_split in results.items():
        t, d = by_split["test"], by_split["dev"]
        lines.append(f"| {name} | {t['precision_strict']:.3f} | {t['recall_strict']:.3f} | {t['f1_strict']:.3f} | "
                     f"{t['f1_lax']:.3f} | {d['f1_strict']:.3f} |")
    lines += ["", "Test F1 strict / lax by gold bead type:", "", type_table(results, "test"),
              "", f"{split_note} Anchors: {anchors}."]
    return "\n".join(lines)


def data_version(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def run(data_dir: Path) -> dict:
    folder = Path(data_dir) / FOLDER
    if not (folder / "005.align").exists():
        return {"skipped": f"no MAC-Test alignments at {folder}"}
    try:
        encoder, why = SentenceEncoder(), ""
    except Unavailable as error:
        encoder, why = None, f" The meaning source is unavailable here ({error}): its row is absent."
    results = evaluate(folder, configurations(encoder))
    note = (f"Split by document: dev = {', '.join(DEV)} (tuning), test = {', '.join(TEST)}.{why}")
    meaning = encoder.name if encoder else None
    return {
        "metrics": flat_metrics(results, key=lambda name: name.split(" (")[0].replace(" ", "_")),
        "table": table(results, note, ANCHORS),
        "signature": f"toolkit:{__version__} # align:{signature(True, settings=MEANING_SETTINGS, meaning=meaning)} "
                     f"# ngram-only:{signature(True, settings=Settings())} # baseline:{signature(False)} "
                     f"# score:vecalign-strict-lax",
        "data": f"{folder.name} (shared part: chapters 005-008, 021-024; dev 005, 021) sha256:{data_version(folder)}",
        "headline": ["test.mt+meaning.f1_strict", "test.mt_n-grams_only.f1_strict",
                     "test.gale-church.f1_strict"],
        "targets": {"test.mt+meaning.f1_strict": [">=", 0.85]},
    }


if __name__ == "__main__":
    outcome = run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data")
    print(outcome.get("table") or outcome)
