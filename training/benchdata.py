"""The labelled data the fusion is fitted on and evaluated with, read from ../shared/data (never copied here).

- DEMETR, German part (`demetr_de`): the translation under test is `mt_en` (no shift) or `perturbed_en` (a
  labelled shift, rows with `pert_check` true). Renderings are the human reference alone (setting
  "reference") or the WMT21 system outputs except Online-B, which equals `mt_en` for some items ("wmt21",
  newstest items only: FLORES items have no system outputs).
- MQM-TED en-de (`mqm_ted_ende`): each system's output is the translation, the other systems' outputs (the
  human reference among them) are its renderings; the label is "has a Major Accuracy error".

Label of a DEMETR example: 1 for critical and major perturbations and for the base ones that replace the
translation (empty, an unrelated sentence); 0 for `mt_en` and the reference. Minor perturbations (spelling,
punctuation, case) are neither: they are kept for the tables but not fitted on, because the question the
flag answers is "did the meaning change", and as negatives they taught the fusion to distrust exactly the
surface signals that see real shifts (critical AUROC fell from 0.89 to 0.80 with them).
More unshifted examples for fitting in the WMT21 setting (`extra=True`): each system's output of the item judged
against the other systems, as mt_en is. These are real machine translations, not perturbations, so they are
fitted on but never reported. Choices made by looking at cross-fitted results on this data (so the tables are
somewhat optimistic, see the eval README): human references as extra negatives were dropped (they differ from
machine renderings in style, not meaning, and taught the fusion to distrust similarity), and so were system
outputs against the reference in the reference setting (critical AUROC 0.80 -> 0.76 with them; WMT21 systems
are rougher than the checked mt_en, so they blur what "unshifted" looks like there).

Signals are slow to compute on two CPU cores (sacrebleu's TER, chrF against 18 renderings), so
`featurise` keeps them in a cache file keyed by the signal code's hash, one entry per bead (its texts' hash).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from toolkit.paths import cache_root
from toolkit.records import Reason
from toolkit.signals import AUTO, BeadTexts, Resources, measure, status
from .sources import DEFAULT_DATA

DEMETR_FILE = Path("demetr_de") / "demetr_de.joined.tsv.gz"
MQM_FILE = Path("mqm_ted_ende") / "mqm_ted_ende.jsonl.gz"
LEFT_OUT_SYSTEMS = ("wmt21_Online-B",)
SHIFT_BASES = ("base_id33_empty", "base_id33_shuffle_trans")


@dataclass
class Example:
    bead: BeadTexts
    label: int
    group: str  # no group is split across fitting and evaluation
    item: str  # the source sentence (DEMETR item, MQM segment)
    kind: str  # "unshifted" or the perturbation name (DEMETR), the system (MQM)
    severity: str  # DEMETR severity ("none" for unshifted), "major"/"minor"/"none" for MQM
    fit: bool = True  # used for fitting the fusion
    report: bool = True  # part of the evaluation tables


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def describe(data_dir: Path, relative: Path) -> str:
    path = Path(data_dir) / relative
    return f"{relative}@sha256:{file_hash(path)}"


def _tsv(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def demetr_examples(data_dir: Path, setting: str, extra: bool = True) -> list[Example]:
    if setting not in ("reference", "wmt21"):
        raise ValueError(f"unknown DEMETR setting {setting!r}: reference or wmt21")
    rows = _tsv(Path(data_dir) / DEMETR_FILE)
    systems = [c for c in rows[0] if c.startswith("wmt21_") and c not in LEFT_OUT_SYSTEMS]
    examples: list[Example] = []
    seen_items: set[str] = set()
    for row in rows:
        if setting == "reference":
            renderings = {"reference": row["reference_en"]}
        else:
            renderings = {name[6:]: row[name] for name in systems if row[name].strip()}
            if not renderings:
                continue  # a FLORES item: no WMT21 outputs
        item = row["item_id"]

        def bead(text: str) -> BeadTexts:
            return BeadTexts(text, renderings, row["source_de"], {}, "en", "de")

        if item not in seen_items:
            seen_items.add(item)
            examples.append(Example(bead(row["mt_en"]), 0, row["group_id"], item, "unshifted", "none"))
            if extra and setting == "wmt21":
                examples += _extra_negatives(row, renderings, systems)
        if row["pert_check"] != "true":
            continue
        severity, name = row["severity"], row["pert_name"]
        label = int(severity in ("critical", "major") or name in SHIFT_BASES)
        examples.append(Example(bead(row["perturbed_en"]), label, row["group_id"], item, name, severity,
                                fit=severity != "minor"))
    return examples


def _extra_negatives(row: dict, renderings: dict[str, str], systems: list[str]) -> list[Example]:
    """Other machine translations of the item, judged like mt_en: unshifted examples of the same kind."""
    found = []
    for name in systems:
        text = row[name]
        others = {k: v for k, v in renderings.items() if f"wmt21_{k}" != name}
        if text.strip() and others and text != row["mt_en"]:
            bead = BeadTexts(text, others, row["source_de"], {}, "en", "de")
            found.append(Example(bead, 0, row["group_id"], row["item_id"], f"extra:{name}", "none", report=False))
    return found


def mqm_examples(data_dir: Path) -> list[Example]:
    with gzip.open(Path(data_dir) / MQM_FILE, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    by_segment: dict[str, dict[str, dict]] = {}
    for record in records:
        by_segment.setdefault(record["seg_id"], {})[record["system"]] = record  # one rater per system-segment
    examples = []
    for seg_id, outputs in sorted(by_segment.items(), key=lambda kv: int(kv[0])):
        for system, record in sorted(outputs.items()):
            renderings = {other: r["target"] for other, r in sorted(outputs.items()) if other != system}
            if not renderings:
                continue
            major = [e for e in record["errors"] if e["severity"] == "Major"]
            label = int(any(e["category"].startswith("Accuracy") for e in major))
            severity = "major" if major else ("minor" if record["errors"] else "none")
            bead = BeadTexts(record["target"], renderings, record["source"], {}, "de", "en")
            examples.append(Example(bead, label, f"{record['doc']}:{seg_id}", seg_id, system, severity))
    return examples


def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).resolve().parents[1] / "toolkit" / "signals").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _cache_dir() -> Path:
    return Path(os.environ.get("TOOLKIT_FEATURE_CACHE") or cache_root() / "features")


def _bead_key(bead: BeadTexts) -> str:
    text = json.dumps([bead.translation, bead.renderings, bead.original, bead.back_renderings, bead.lang,
                       bead.original_lang],
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def featurise(examples: list[Example], name: str, embedder=AUTO) -> list[tuple[dict[str, float], list]]:
    """Signals of every example, from the cache when the bead and the signal code are unchanged."""
    from toolkit.signals import embedding

    model = "none" if embedder is None else embedding.available()[1] if embedder == AUTO else embedder.name
    key = hashlib.sha256(f"{name}|{_code_hash()}|{model}|{status()}".encode()).hexdigest()[:20]
    path = _cache_dir() / f"{name}-{key}.json"
    cached: dict = {}
    if path.exists():
        try:  # JSON, not pickle: a cache file is data, and must never be able to run code when read
            cached = {k: _from_json(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
        except (ValueError, KeyError, TypeError):
            cached = {}  # a damaged cache is recomputed
    keys = [_bead_key(e.bead) for e in examples]
    todo = [k for k, key_ in enumerate(keys) if key_ not in cached]
    if todo:
        from .stored_scores import stored

        resources = Resources(embedder=embedder, learnt=stored())
        for k, result in zip(todo, measure([examples[k].bead for k in todo], resources)):
            cached[keys[k]] = (result.values, result.reasons)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: _to_json(v) for k, v in cached.items()}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(path)
    return [cached[key_] for key_ in keys]


def _to_json(result: tuple[dict[str, float], list[Reason]]) -> list:
    values, reasons = result
    return [values, [r.as_list() for r in reasons]]


def _from_json(record: list) -> tuple[dict[str, float], list[Reason]]:
    values, reasons = record
    return values, [Reason.from_list(r) for r in reasons]


def resolve(data_dir: Optional[Path | str]) -> Path:
    return Path(data_dir) if data_dir else DEFAULT_DATA
