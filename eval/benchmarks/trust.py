"""Trust: how often correct translations are flagged, per mode, and in the same runs how much injected damage
is still caught (so that trust is not bought with silence). Issue 30.

Correct sentences: the human references (ref_A_en) of `wmt21_newstest_deen` and `wmt22_generaltest_deen`,
read as articles: grouped into documents and paragraphs exactly as eval/benchmarks/damage.py groups them
(its `documents()`: WMT21 block_id / WMT22 50-line blocks, headline-like lines as paragraphs of their own,
the lost opening quotation marks restored), split by a seeded hash of the document (damage.py's split, seed
13, half dev / half test). From each side a fixed seeded sample of whole documents is taken, up to
SENTENCES sentences, so that the benchmark runs in a few minutes on 2 cores (Apertium's round trips are
cached in the toolkit's rendering cache; the signals are measured anew every run, so a change of the signals
shows at once). The headline numbers are the **test** side's; the dev side is what fixes were tuned on.

Modes (each sentence judged as `toolkit compare` judges it; the damage checks read each document whole):
- `rt2`: round trips only, the two default Apertium engines (apertium:eng-spa, apertium:eng-cat): `make demo`;
- `rt1`: one round trip (apertium:eng-spa);
- `refB`: another translation as the rendering: reference B of the same line as the rendering of reference A
  (beads are the data's lines here, as `contrast` and `score` read line-aligned files).

Per mode: the share of correct sentences flagged, and flagged critical, and which kind of reason decided the
flags (the first reason's signal). Injected damage: for up to PER_KIND places per kind in the test sample
(a seeded draw; training/inject.py, the damage benchmark's injectors), the document is damaged at one
place, the damaged sentence gets the mode's renderings (its round trips; in `refB`, reference B of its line
stays the rendering) and is judged, its document checked whole; recall is the share of damaged sentences
flagged with a finding of the injected kind. Seed (`rt2` only, where Apertium is installed): the seed article
judged as `make demo` judges it, against tests/fixtures/seed_damage.json.
"""
from __future__ import annotations

import json
import random
import runpy
import shutil
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "eval" / "results"
ENGINES = ("apertium:eng-spa", "apertium:eng-cat")
SENTENCES = 400  # per side: whole documents drawn until this many sentences
PER_KIND = 25  # injected places per kind of damage (test side)
SEED_RNG = 30
TARGET_RT_FLAGGED = 0.03
TARGET_FLAGGED = 0.10
TARGET_RECALL = 0.90
MODES = ("rt2", "rt1", "refB")


def _damage_bench() -> dict:
    return runpy.run_path(str(Path(__file__).resolve().parent / "damage.py"), run_name="trust_damage")


def sample(docs: dict, rng_key: str, most: int = SENTENCES) -> dict:
    """Whole documents, in a seeded order, until `most` sentences."""
    keys = sorted(docs)
    random.Random(f"{SEED_RNG}:{rng_key}").shuffle(keys)
    out, total = {}, 0
    for key in keys:
        if total >= most:
            break
        out[key] = docs[key]
        total += len(docs[key])
    return dict(sorted(out.items()))


def _lines(data_dir: Path, keys: set) -> dict:
    """{document: [(ref A line, ref B line, paragraph)]} of these documents: the data's lines, for the refB
    mode, in paragraphs as damage.py's documents() makes them (a headline-like line is a paragraph of its own;
    reference A's lost opening quotation marks restored the same way)."""
    from training.sources import read_wmt

    bench = _damage_bench()
    out: dict = defaultdict(list)
    opened_in: dict = {}
    for name in ("wmt21_newstest_deen", "wmt22_generaltest_deen"):
        for segment in read_wmt(data_dir, name):
            key = f"{name}/{segment.group}"
            a, b = segment.translations.get("ref_A_en", ""), segment.translations.get("ref_B_en", "")
            if key not in keys or not a.strip() or not b.strip():
                continue
            last = out[key][-1] if out[key] else None
            paragraph = 0 if last is None else last[2] + (bench["_headline"](last[0]) or bench["_headline"](a))
            opened = last is not None and last[2] == paragraph and opened_in[key]
            a = bench["_restored"](a, segment.source, opened)
            opened_in[key] = bench["_still_open"](a, opened)
            out[key].append((a, b, paragraph))
    return dict(out)


class RoundTrips:
    """Apertium round trips of English sentences through the toolkit's rendering cache."""

    def __init__(self, specs=ENGINES):
        from toolkit import engines
        from toolkit.cache import RenderingCache

        self.engines = [engines.load(spec) for spec in specs]
        self.cache = RenderingCache()

    def __call__(self, sentences: list[str]) -> dict[str, list[str]]:
        from toolkit import render

        out = {}
        for engine in self.engines:
            pivot = engine.pivot_for("en")
            there = render.translate(engine, sentences, "en", pivot, self.cache)
            out[f"round-trip:{engine.signature}"] = render.translate(engine, there, pivot, "en", self.cache)
        return out


def _beads(texts: list[str], renderings: dict[str, list[str]], names: list[str]):
    from toolkit.signals import BeadTexts

    from toolkit.records import RenderingKind

    kinds = {n: RenderingKind.ROUND_TRIP if n.startswith("round-trip:") else RenderingKind.OTHER for n in names}
    return [BeadTexts(t, {n: renderings[n][k] for n in names}, lang="en", kinds=kinds) for k, t in enumerate(texts)]


def _judge_docs(docs: list[tuple[list[str], list[int], list]]):
    """[(sentences, paragraphs, beads)] -> per document its Judged beads (one signal pass over all of them,
    then the damage checks document by document, as pipeline.judge_documents does)."""
    from toolkit.judge import Layout, judge, with_damage

    verdicts = iter(judge([b for _, _, beads in docs for b in beads], checks=False))
    out = []
    for sentences, paragraphs, beads in docs:
        judged = [next(verdicts) for _ in beads]
        out.append(with_damage(judged, beads, Layout(sentences, paragraphs, [[k] for k in range(len(beads))])))
    return out


def _first_reason(j) -> str:
    return j.verdict.reasons[0].signal if j.verdict.reasons else "?"


def clean_run(docs: dict, rendered: dict, names: list[str]) -> dict:
    """Flags on correct sentences: docs {key: [Piece]}, rendered {sentence: {name: text}}."""
    made = []
    for key, pieces in docs.items():
        texts = [p.text for p in pieces]
        renderings = {n: [rendered[t][n] for t in texts] for n in names}
        made.append((texts, [p.paragraph for p in pieces], _beads(texts, renderings, names)))
    return _summary(docs, made, _judge_docs(made))


def _summary(docs, made, judged) -> dict:
    total = flagged = critical = 0
    by_reason, by_severity, examples = Counter(), Counter(), []
    for key, (texts, _, _), js in zip(docs, made, judged):
        for text, j in zip(texts, js):
            total += 1
            if j.verdict.flag:
                flagged += 1
                critical += j.verdict.severity == "critical"
                by_reason[_first_reason(j)] += 1
                by_severity[j.verdict.severity] += 1
                examples.append({"document": key, "translation": text, "severity": j.verdict.severity,
                                 "divergence": j.verdict.divergence,
                                 "reasons": [[r.signal, r.detail] for r in j.verdict.reasons[:3]]})
    return {"sentences": total, "flagged": flagged, "critical": critical, "by_reason": dict(by_reason),
            "by_severity": dict(by_severity), "examples": examples}


def injected_run(docs: dict, render_many, per_kind: int = PER_KIND) -> dict:
    """{kind: (caught with that kind, flagged at all, injected)}: each damaged document judged whole, the
    damaged sentence with its own renderings (render_many([(document key, sentence index, damaged text)]) ->
    [{name: text}])."""
    from toolkit import damage
    from training.inject import INJECTORS
    from toolkit.signals import BeadTexts

    bench = _damage_bench()
    parser = damage.ParseCache()
    parsed = {key: parser.parse(pieces) for key, pieces in docs.items()}
    people = bench["_people"](parsed)
    places = [(key, k) for key, pieces in parsed.items() for k in range(len(pieces))]
    cases = []  # (kind, key, sentences, at)
    for kind, injector in INJECTORS.items():
        rng = random.Random(f"{SEED_RNG}:{kind}")
        order = places[:]
        rng.shuffle(order)
        n = 0
        for key, k in order:
            if n >= per_kind:
                break
            extra = {"others": people} if kind == damage.base.ATTRIBUTION else {}
            made = injector(parsed[key], k, rng, **extra)
            if made is None:
                continue
            sentences, at = made
            cases.append((kind, key, sentences, at, k))
            n += 1
    made = []
    rendered = render_many([(key, k, sentences[at].text) for _, key, sentences, at, k in cases])
    for (kind, key, sentences, at, k), renderings in zip(cases, rendered):
        texts = [s.text for s in sentences]
        beads = [BeadTexts(t, {}, lang="en") for t in texts]
        beads[at] = BeadTexts(texts[at], renderings, lang="en")
        made.append((texts, [s.paragraph for s in sentences], beads, at))
    from toolkit.fuse import Verdict
    from toolkit.judge import Judged, Layout, judge, with_damage
    from toolkit.signals import Measured

    verdicts = judge([beads[at] for _, _, beads, at in made], checks=False)
    out: dict = defaultdict(lambda: [0, 0, 0])
    for (kind, *_), (texts, paragraphs, beads, at), v in zip(cases, made, verdicts):
        judged = [Judged(Measured(), Verdict(0.0, False, "none", [])) for _ in beads]
        judged[at] = v
        found = with_damage(judged, beads, Layout(texts, paragraphs, [[j] for j in range(len(beads))]))[at]
        out[kind][0] += any(f.kind == kind for f in found.damage)
        out[kind][1] += found.verdict.flag
        out[kind][2] += 1
    return {kind: tuple(v) for kind, v in out.items()}


def seed_run() -> dict | None:
    return _damage_bench()["seed_compare"]()


def run_side(docs: dict, lines: dict, roundtrips, inject: bool) -> dict:
    sentences = sorted({p.text for pieces in docs.values() for p in pieces})
    rendered_lists = roundtrips(sentences)
    names = list(rendered_lists)
    rendered = {t: {n: rendered_lists[n][k] for n in names} for k, t in enumerate(sentences)}
    out = {}
    for mode, use in (("rt2", names), ("rt1", names[:1])):
        out[mode] = {"clean": clean_run(docs, rendered, use)}
        if inject:
            def render_many(cases, use=use):
                got = roundtrips([text for _, _, text in cases])
                return [{n: got[n][i] for n in use} for i in range(len(cases))]

            out[mode]["injected"] = injected_run(docs, render_many)
    # refB: the data's lines, reference B as the rendering of reference A
    ref_docs = {key: [_Line(a, b, p) for a, b, p in pairs] for key, pairs in lines.items()}
    made = []
    for key, items in ref_docs.items():
        texts = [x.text for x in items]
        made.append((texts, [x.paragraph for x in items], _beads(texts, {"system:refB": [x.b for x in items]},
                                                            ["system:refB"])))
    out["refB"] = {"clean": _summary(ref_docs, made, _judge_docs(made))}
    if inject:
        # the injected sentence keeps reference B of the line it came from (the damage is in reference A only);
        # a sentence of a longer line, the undamaged sentence itself (a faithful other translation)
        piece_line = _piece_lines(docs, lines)

        def render_b(cases):
            return [{"system:refB": piece_line.get((key, k), docs[key][k].text)} for key, k, _ in cases]

        out["refB"]["injected"] = injected_run(docs, render_b)
    return out


class _Line:
    def __init__(self, text, b, paragraph):
        self.text, self.b, self.paragraph = text, b, paragraph


def _piece_lines(docs: dict, lines: dict) -> dict:
    """(document, sentence index) -> reference B of the line the sentence comes from, where the line is one
    sentence (a sentence of a longer line has no sentence of B to match)."""
    out = {}
    for key, pieces in docs.items():
        by_a = {a: b for a, b, _ in lines.get(key, [])}
        for k, p in enumerate(pieces):
            if p.text in by_a:
                out[(key, k)] = by_a[p.text]
    return out


def _share(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def _table(results: dict, seed: dict | None) -> str:
    rows = ["| side | mode | sentences | flagged | flagged share | critical | critical share | decided by |",
            "|---|---|---|---|---|---|---|---|"]
    for side in ("test", "dev"):
        for mode in MODES:
            c = results[side][mode]["clean"]
            reasons = ", ".join(f"{k} {v}" for k, v in sorted(c["by_reason"].items(), key=lambda kv: -kv[1]))
            rows.append(f"| {side} | {mode} | {c['sentences']} | {c['flagged']} | {_share(c['flagged'], c['sentences']):.3f} "
                        f"| {c['critical']} | {_share(c['critical'], c['sentences']):.3f} | {reasons or '–'} |")
    rows += ["", "Injected damage (test side): caught with the injected kind / flagged at all / injected", "",
             "| kind | " + " | ".join(MODES) + " |", "|---|" + "---|" * len(MODES)]
    kinds = sorted({k for mode in MODES for k in results["test"][mode].get("injected", {})})
    for kind in kinds:
        cells = []
        for mode in MODES:
            caught, flagged, n = results["test"][mode]["injected"][kind]
            cells.append(f"{caught}/{flagged}/{n} ({_share(caught, n):.2f})")
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    if seed is not None:
        rows += ["", f"Seed (`make demo`, rt2): {seed['listed_flagged']} of the hand-listed damaged sentences flagged, "
                     f"{seed['other_flagged']} others flagged (eval/results/trust_seed.json)."]
    return "\n".join(rows)


RATES = ROOT / "toolkit" / "data" / "trust.json"
WHAT = {"rt2": "two Apertium round trips", "rt1": "one Apertium round trip",
        "refB": "another human translation as the rendering"}


def write_rates(metrics: dict) -> None:
    """The test side's rates per mode (from run()'s metrics), for the report's top box (toolkit/report/html.py:
    flag_meaning): rt2, rt1, and "others" (other translations as renderings, no original)."""
    modes = {}
    for mode, name in (("rt2", "rt2"), ("rt1", "rt1"), ("refB", "others")):
        modes[name] = {"sentences": metrics[f"{mode}_sentences"], "flagged": metrics[f"{mode}_flagged"],
                       "critical": metrics[f"{mode}_critical"], "what": WHAT[mode]}
    RATES.write_text(json.dumps({"about": "written by eval/benchmarks/trust.py (make eval): correct human "
                                          "references of WMT21/22 German-English news, test documents",
                                 "modes": modes}, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def run(data_dir: Path) -> dict:
    if shutil.which("apertium") is None:
        return {"skipped": "Apertium is not installed (make apertium)"}
    from toolkit import english
    from training.sources import DataMissing
    from toolkit.resources import Unavailable

    try:
        english.load()
    except Unavailable as why:
        return {"skipped": str(why)}
    try:
        sides = _damage_bench()["documents"](Path(data_dir))
    except DataMissing as why:
        return {"skipped": str(why)}
    roundtrips = RoundTrips()
    results = {}
    for side in ("dev", "test"):
        docs = sample(sides[side], side)
        lines = _lines(Path(data_dir), set(docs))
        results[side] = run_side(docs, lines, roundtrips, inject=side == "test")
    seed = seed_run()
    examples = {side: {mode: results[side][mode]["clean"].pop("examples") for mode in MODES} for side in results}
    (RESULTS / "trust_flags.json").write_text(json.dumps(examples, indent=1, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    if seed is not None:
        (RESULTS / "trust_seed.json").write_text(json.dumps(seed, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    metrics = {}
    for side in ("test", "dev"):
        for mode in MODES:
            c = results[side][mode]["clean"]
            suffix = "" if side == "test" else "_dev"
            metrics[f"{mode}_flagged{suffix}"] = _share(c["flagged"], c["sentences"])
            metrics[f"{mode}_critical{suffix}"] = _share(c["critical"], c["sentences"])
            metrics[f"{mode}_sentences{suffix}"] = c["sentences"]
    for mode in MODES:
        injected = results["test"][mode]["injected"]
        for kind, (caught, _, n) in injected.items():
            metrics[f"{mode}_recall_{kind}"] = _share(caught, n)
        metrics[f"{mode}_recall_min"] = min(_share(c, n) for c, _, n in injected.values())
    write_rates(metrics)
    if seed is not None:
        metrics["seed_listed_flagged"] = seed["listed_flagged"]
        metrics["seed_other_flagged"] = seed["other_flagged"]
    targets = {"rt2_flagged": ["<=", TARGET_RT_FLAGGED], "rt2_critical": ["<=", 0.0],
               "rt1_flagged": ["<=", TARGET_RT_FLAGGED], "refB_flagged": ["<=", TARGET_FLAGGED],
               "seed_other_flagged": ["<=", 2], "seed_listed_flagged": [">=", 5]}
    targets.update({f"{mode}_recall_min": [">=", TARGET_RECALL] for mode in MODES})
    from toolkit import damage, fuse

    return {"metrics": metrics, "table": _table(results, seed), "targets": targets,
            "headline": ["rt2_flagged", "rt2_critical", "rt1_flagged", "rt1_critical", "refB_flagged",
                         "refB_critical", "rt2_recall_min", "seed_listed_flagged", "seed_other_flagged"],
            "signature": f"trust:sample{SENTENCES}|per_kind:{PER_KIND}|seed{SEED_RNG}|engines:{'+'.join(ENGINES)}"
                         f"|{fuse.signature()}|damage:{damage.signature()}|split:doc-hash13",
            "data": "ref_A_en (and ref_B_en) of wmt21_newstest_deen, wmt22_generaltest_deen; corpora/belarus-army"}


if __name__ == "__main__":
    import sys

    print(json.dumps(run(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")), indent=2))
