"""The damage checks (toolkit/damage/) on clean English news with damage injected, and on the seed article.

Clean news: the human references (ref_A_en) of `wmt21_newstest_deen` and `wmt22_generaltest_deen`, grouped into
documents as the fitting code does (WMT21 `block_id`, WMT22 contiguous 50-line blocks; no real document ids
exist), each line cut into sentences by the toolkit's segmenter. The files have no paragraph breaks either:
a paragraph here runs until a headline-like line (no final . ! ? : or closing quotation mark, as the data's
README describes headlines), which is its own paragraph. The documents are split in two
by a seeded hash of their group (training.sources.assign_splits): `dev` for any tuning of the checks,
`test` for this table; each line's German source rides along for the untranslated-words injection.
One repair of the data: WMT22's segmentation split some quotations of several sentences and lost their opening
mark in both languages (`That was just a bad game that we need to forget," said team captain Emily Bölk.`,
German `Das war ... löschen müssen", sagte Kapitänin Emily Bölk.`, and no earlier line opens it); such a line
gets its opening mark back at its start (_restored: 9 lines of 2,684, all WMT22). The damage is the data's, not
the translation's, and a clean side that carries it would count the quotes check's correct finding as a
false alarm.

What the injection leaves out, because the text it would make is not damaged English that a careful reader
could see (training/inject.py says the same): a lost_text cut right after "and"/"but"/"or" before a
sentence that opens with its subject, whose first word is a name or "I" ("... cucumbers, cabbage and Mamming
is a rural community ...", "Thank you for reading and I hope that ..." is a whole coordinated sentence); and a
fragment made of a clause of "so" ("So you can connect it directly to your tripod." is whole English). Both
rules came from reading the dev side's misses; the draw otherwise stays as it was (the same seed, the next
place where a kind does not lend itself).

Per kind of damage: for up to PER_KIND sentences of the test documents (seeded draw among those the injector
can damage), the document is damaged at that one place (training/inject.py) and checked whole; recall is
the share where a finding of that kind lands on the damaged sentence. Clean: the share of the test documents'
sentences with any finding before injection (every such finding is a false alarm on a professional reference,
or damage the reference really has: either way, the cost a user pays).

lost_text's learnt model of sentences run together (toolkit/damage/boundary.py) is trained on other English
(training/train_boundary.py) and its threshold was chosen on the dev documents here, never the test ones.

Seed: the checks over corpora/belarus-army/translation.en.txt, segmented as `toolkit compare` does, against the
hand-made list of its damage (tests/fixtures/seed_damage.json): which damaged sentences are caught with the
right kind, and which others are flagged. The flags per sentence go to eval/results/damage_seed.json. Where
Apertium is installed, the seed is also judged as `make demo` judges it (Apertium round trips, the fusion and
the checks together; beads are the sentences) and each flagged bead's reasons' kinds go to
eval/results/damage_seed_run.json.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from toolkit import damage, english
from toolkit.damage.base import Sentence
from training.inject import INJECTORS, Piece
from toolkit.damage.quotes import DOUBLE, _role
from training.sources import DataMissing, assign_splits, read_wmt
from toolkit.resources import Unavailable
from toolkit.segment import segment_text, split_sentences

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpora" / "belarus-army" / "translation.en.txt"
SEED_DAMAGE = ROOT / "tests" / "fixtures" / "seed_damage.json"
RESULTS = ROOT / "eval" / "results"
DATASETS = ("wmt21_newstest_deen", "wmt22_generaltest_deen")
PER_KIND = 300
SEED_RNG = 2024
TARGET_RECALL = 0.90
TARGET_CLEAN = 0.03


def _headline(text: str) -> bool:
    return not text.rstrip().endswith((".", "!", "?", ":", "\"", "\u201d", "'", "\u2019", ")"))


def _first_mark_closes(text: str) -> bool:
    marks = [i for i, ch in enumerate(text) if ch in DOUBLE]
    return bool(marks) and _role(text, marks[0]) == "close"


def _still_open(text: str, opened: bool) -> bool:
    """Whether a quotation is open after this text, given whether one was open before it."""
    for i, ch in enumerate(text):
        if ch in DOUBLE:
            role = _role(text, i)
            opened = (not opened) if role == "toggle" else role == "open"
    return opened


def _restored(reference: str, source: str, opened: bool) -> str:
    """The reference line with the opening quotation mark the data lost put back. Where a line's first mark
    closes a quotation that no earlier line of its paragraph opened, and the German line's first mark does the
    same (`okay", sagte Burghardt`), the source's segmentation split a quotation of several sentences and its
    opening mark went missing in both languages: damage of the data, not of the translation. The mark goes at
    the start of the line: where the quotation really began is not known, and this line is surely part of it."""
    if not opened and _first_mark_closes(reference) and _first_mark_closes(source):
        return "\u201c" + reference
    return reference


def documents(data_dir: Path) -> dict[str, dict[str, list[Piece]]]:
    """{side: {document: its sentences}} for dev and test, unparsed."""
    docs: dict[str, list[Piece]] = defaultdict(list)
    opened_in: dict[str, bool] = {}  # whether a quotation is open at the end of each document so far
    for name in DATASETS:
        for segment in read_wmt(data_dir, name):
            reference = segment.translations.get("ref_A_en", "")
            if not reference:
                continue
            key = f"{name}/{segment.group}"
            last = docs[key][-1] if docs[key] else None
            paragraph = 0 if last is None else last.paragraph + (_headline(last.text) or _headline(reference))
            opened = last is not None and last.paragraph == paragraph and opened_in[key]
            reference = _restored(reference, segment.source, opened)
            opened_in[key] = _still_open(reference, opened)
            spans = split_sentences(reference, "en")
            for start, end in spans:  # the German original belongs to a one-sentence line only
                docs[key].append(Piece(reference[start:end], paragraph, None,
                                       segment.source if len(spans) == 1 else ""))
    sides = assign_splits(docs, seed=13, test=0.5, dev=0.5)
    out: dict[str, dict[str, list[Piece]]] = {"dev": {}, "test": {}}
    for key, pieces in docs.items():
        out[sides[key]][key] = pieces
    return out


def _people(docs: dict[str, list[Piece]]) -> list[str]:
    return sorted({e.text for pieces in docs.values() for p in pieces for e in p.doc.ents
                   if e.label_ == "PERSON" and len(e.text.split()) >= 2})


def evaluate(docs: dict[str, list[Piece]], parser: damage.ParseCache, per_kind: int = PER_KIND, seed: int = SEED_RNG) -> dict:
    """{"clean": (flagged, sentences, {kind: flagged}), kind: (caught, injected)} over these documents."""
    docs = {key: parser.parse(pieces) for key, pieces in sorted(docs.items())}
    clean_total, clean_flagged, clean_kinds = 0, 0, defaultdict(int)
    for pieces in docs.values():
        found = damage.check([Sentence(p.text, p.paragraph, p.doc) for p in pieces])
        clean_total += len(pieces)
        clean_flagged += sum(bool(f) for f in found.by_sentence)
        for f in {(f.sentence, f.kind) for f in found.all()}:
            clean_kinds[f[1]] += 1
    people = _people(docs)
    results = {"clean": (clean_flagged, clean_total, dict(clean_kinds))}
    places = [(key, k) for key, pieces in docs.items() for k in range(len(pieces))]
    for kind, injector in INJECTORS.items():
        rng = random.Random(f"{seed}:{kind}")
        order = places[:]
        rng.shuffle(order)
        caught = injected = 0
        for key, k in order:
            if injected >= per_kind:
                break
            extra = {"others": people} if kind == damage.base.ATTRIBUTION else {}
            made = injector(docs[key], k, rng, **extra)
            if made is None:
                continue
            sentences, at = made
            found = damage.check(parser.parse(sentences))
            injected += 1
            caught += any(f.kind == kind for f in found.by_sentence[at])
        results[kind] = (caught, injected)
    return results


def seed_run() -> dict:
    """The checks over the seed article, per sentence, against the hand-made list of its damage."""
    document = segment_text(SEED.read_text(encoding="utf-8"), "en")
    found = damage.check_texts(document.sentences, [s.paragraph for s in document.segments])
    listed = json.loads(SEED_DAMAGE.read_text(encoding="utf-8"))["damage"]
    truth = {item["sentence"]: item for item in listed}
    rows, caught, others = [], 0, []
    for k, sentence in enumerate(document.sentences):
        kinds = sorted({f.kind for f in found.by_sentence[k]})
        expected = truth.get(sentence)
        hit = bool(expected) and bool(set(kinds) & set(expected["kinds"]))
        caught += hit
        if kinds and not expected:
            others.append(k)
        if kinds or expected:
            rows.append({"sentence": k, "text": sentence, "flagged_by": kinds,
                         "reasons": [f.reason for f in found.by_sentence[k]],
                         "listed_as": expected["kinds"] if expected else [], "caught": hit})
    missing = [item["sentence"] for item in listed if item["sentence"] not in document.sentences]
    if missing:
        raise ValueError(f"{SEED_DAMAGE.name} lists sentences the segmenter does not give: {missing}")
    return {"sentences": len(document.sentences), "listed": len(listed), "caught": caught,
            "other_flagged": len(others), "rows": rows}


def seed_compare() -> dict | None:
    """The seed judged as `make demo` does: per flagged bead, its severity and the kinds of its reasons; None
    without Apertium."""
    import shutil

    from toolkit.pipeline import compare_files

    if shutil.which("apertium") is None:
        return None
    run = compare_files(SEED, "en", ["apertium:eng-spa", "apertium:eng-cat"])
    listed = {item["sentence"] for item in json.loads(SEED_DAMAGE.read_text(encoding="utf-8"))["damage"]}
    flagged = [{"bead": j.bead, "severity": j.severity, "translation": j.translation, "listed": j.translation in listed,
                "reasons": list(dict.fromkeys(r.signal for r in j.reasons))} for j in run.flagged]
    return {"beads": len(run.judgements), "flagged": len(flagged),
            "listed_flagged": sum(f["listed"] for f in flagged),
            "other_flagged": sum(not f["listed"] for f in flagged), "flags": flagged}


def _table(results: dict, seed: dict) -> str:
    flagged, total, kinds = results["clean"]
    lines = ["Split by document (WMT21 block_id / WMT22 50-line blocks; seeded hash): **test** documents only "
             "(the dev documents were the only ones looked at while writing the checks).", "",
             "| kind | injected | caught | recall |", "|---|---|---|---|"]
    for kind in INJECTORS:
        caught, injected = results[kind]
        lines.append(f"| {kind} | {injected} | {caught} | {caught / injected:.3f} |" if injected else
                     f"| {kind} | 0 | 0 | – |")
    lines += ["", f"Clean reference sentences flagged: {flagged} of {total} ({flagged / total:.3%}); by kind: "
              + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"), "",
              f"Seed (corpora/belarus-army, {seed['sentences']} sentences): {seed['caught']} of {seed['listed']} "
              f"hand-listed damaged sentences caught with a listed kind; {seed['other_flagged']} other sentences "
              "flagged (eval/results/damage_seed.json lists them)."]
    return "\n".join(lines)


def run(data_dir: Path) -> dict:
    try:
        nlp = english.load()
    except Unavailable as why:
        return {"skipped": str(why)}
    try:
        sides = documents(Path(data_dir))
    except DataMissing as why:
        return {"skipped": str(why)}
    parser = damage.ParseCache(nlp)
    results = evaluate(sides["test"], parser)
    seed = seed_run()
    (RESULTS / "damage_seed.json").write_text(json.dumps(seed, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    demo = seed_compare()
    if demo is not None:
        (RESULTS / "damage_seed_run.json").write_text(json.dumps(demo, indent=2, ensure_ascii=False) + "\n",
                                                      encoding="utf-8")
    flagged, total, _ = results["clean"]
    metrics = {f"recall_{kind}": round(results[kind][0] / results[kind][1], 4) for kind in INJECTORS
               if results[kind][1]}
    metrics.update({f"injected_{kind}": results[kind][1] for kind in INJECTORS})
    metrics["clean_flagged"] = round(flagged / total, 4)
    metrics["seed_caught"] = seed["caught"]
    metrics["seed_listed"] = seed["listed"]
    metrics["seed_other_flagged"] = seed["other_flagged"]
    if demo is not None:
        metrics["seed_run_listed_flagged"] = demo["listed_flagged"]
        metrics["seed_run_other_flagged"] = demo["other_flagged"]
    targets = {f"recall_{kind}": [">=", TARGET_RECALL] for kind in INJECTORS}
    targets.update({"clean_flagged": ["<=", TARGET_CLEAN], "seed_other_flagged": ["<=", 2],
                    "seed_run_other_flagged": ["<=", 2]})
    return {"metrics": metrics, "table": _table(results, seed), "targets": targets,
            "headline": [*(f"recall_{k}" for k in INJECTORS), "clean_flagged", "seed_caught", "seed_other_flagged",
                         "seed_run_listed_flagged", "seed_run_other_flagged"],
            "signature": f"damage:{damage.signature()}|inject:seed{SEED_RNG}|per_kind:{PER_KIND}|split:doc-hash13",
            "data": "ref_A_en of " + ", ".join(DATASETS) + " (test documents); corpora/belarus-army"}


if __name__ == "__main__":
    import sys

    print(json.dumps(run(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")), indent=2))
