"""`make bench`: how fast the judge stage is (toolkit/judge.py), against what its models cost on their own.

Beads are real WMT21 de-en news pairs (../shared/data/wmt21_newstest_deen, the shared part; no fitting here, so
no split is needed beyond that): line k's translation is one system's output, its 5 renderings the next 5
systems' outputs of the line, its original the German source, so every signal runs (the German dictionary
checks, Link Grammar, the embeddings, the learnt model). Each line is used once, so no text is shared between
beads and no model call is saved by a cache: the hard case.

Printed side by side, measured in one run after the models are loaded and warmed up on other lines:
- judging: beads/s of `judge()` (signals of every family + fusion), each stage's share of its time;
- the embedding stage (the embedding family) against sentence-transformers' own batched `encode` of the same
  texts (batch 32, its default, sorted by length as it does);
- the judging against the learnt model's own batched inference (`DivergenceModel.score`) of the same pairs;
- a rerun of the same beads with the judged-bead cache (toolkit/judged_cache.py): what an unchanged rerun costs;
- peak memory (max RSS) and the load average, since the machine may be shared.
Writes eval/results/bench_judge.json; skips, saying why, where the data or the models are missing.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import gzip
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from eval import bench_record  # noqa: E402
from toolkit import __version__  # noqa: E402

DATA_FILE = Path("wmt21_newstest_deen") / "newstest2021.de-en.systems.tsv.gz"
RENDERINGS = 5
THREADS = 2
TARGETS = {"beads_per_second": [">=", 20], "judging_over_learnt_model": ["<=", 1.5],
           "embedding_stage_over_library_encode": ["<=", 1.3]}


def wmt21_beads(data_dir: Path, count: int, skip: int = 0, renderings: int = RENDERINGS):
    """count beads from the lines after the first `skip` (see the module's docstring)."""
    from toolkit.languages import Language
    from toolkit.signals import BeadTexts

    with gzip.open(data_dir / DATA_FILE, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    systems = sorted(c for c in rows[0] if c.startswith("wmt21_"))
    beads = []
    for k, row in enumerate(rows[skip:skip + count], skip):
        order = systems[k % len(systems):] + systems[:k % len(systems)]
        outputs = [s for s in order if (row[s] or "").strip()]
        if len(outputs) <= renderings:
            continue
        beads.append(BeadTexts(row[outputs[0]], {s: row[s] for s in outputs[1:1 + renderings]}, row["source_de"],
                               {}, Language.parse("en"), Language.parse("de")))
    return beads


class Clock:
    """Wall-clock and CPU seconds of what runs inside it, added up over every use. CPU: this process's threads
    and (children=True) its finished child processes, the Link Grammar parsers: a family's own clock leaves
    them out, since they finish on their thread while another family runs."""

    def __init__(self, children: bool = True):
        self.wall = self.cpu = 0.0
        self.children = children

    def _cpu(self) -> float:
        if not self.children:
            return time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    def __enter__(self) -> "Clock":
        self._started = (time.perf_counter(), self._cpu())
        return self

    def __exit__(self, *exc) -> None:
        self.wall += time.perf_counter() - self._started[0]
        self.cpu += self._cpu() - self._started[1]

    def as_dict(self) -> dict:
        return {"wall": round(self.wall, 3), "cpu": round(self.cpu, 3)}


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 2) if seconds > 0 else float("inf")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=bench_record.default_data())
    parser.add_argument("--beads", type=int, default=300)
    parser.add_argument("--out", default=str(HERE / "results" / "bench_judge.json"))
    args = parser.parse_args(argv)
    data_dir = Path(args.data)
    if not (data_dir / DATA_FILE).exists():
        print(f"bench_judge: skipped: no {DATA_FILE} under {data_dir} (EVAL_DATA=... or --data)", file=sys.stderr)
        return 0
    from toolkit import learnt, signals
    from toolkit.judge import judge
    from toolkit.judged_cache import JudgedCache
    from toolkit.quiet import quiet_libraries
    from toolkit.signals import Resources, embedding

    missing = {name: why for name, (ok, why) in (("embedding", embedding.available()),
                                                  ("learnt", learnt.available())) if not ok}
    if missing:
        print(f"bench_judge: skipped: {'; '.join(f'{k}: {v}' for k, v in missing.items())}", file=sys.stderr)
        return 0
    import torch

    torch.set_num_threads(THREADS)
    beads = wmt21_beads(data_dir, args.beads, skip=40)
    warm = wmt21_beads(data_dir, 24)  # other lines: the models' first calls are slow, and not what is measured
    resources = Resources()
    with quiet_libraries():
        with Clock() as load:
            judge(warm, resources=resources)

        families: dict[str, Clock] = {}

        def timer(name: str) -> Clock:
            return families.setdefault(name, Clock(children=False))

        with Clock() as judging:
            judged = judge(beads, resources=resources, timer=timer)

        # the same texts and pairs through the libraries' own batched calls
        texts = list(dict.fromkeys(t for b in beads for t in [b.translation, *b.renderings.values()]))
        from sentence_transformers import SentenceTransformer

        st_model = SentenceTransformer(str(resources.get("embedder", embedding.default).folder), device="cpu")
        with Clock() as library_encode:
            st_model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False,
                            convert_to_numpy=True)
        pairs = [(b.translation, r) for b in beads for r in b.renderings.values()]
        model = resources.get("learnt", signals.learnt.default).model
        with Clock() as learnt_alone:
            model.score(pairs)

        # an unchanged rerun: every bead from the judged-bead cache (a fresh process's load is not counted)
        with tempfile.TemporaryDirectory() as folder:
            store = JudgedCache(Path(folder) / "cache.sqlite")
            judge(beads, store=store)
            with Clock() as rerun:
                again = judge(beads, store=store)
            store.close()
    same = all(a.verdict.divergence == b.verdict.divergence for a, b in zip(judged, again))

    fusion = judging.wall - sum(c.wall for c in families.values())
    shares = {name: round(c.wall / judging.wall, 3) for name, c in sorted(families.items(), key=lambda kv: -kv[1].wall)}
    shares["fusion"] = round(fusion / judging.wall, 3)
    record = {
        "benchmark": "bench_judge",
        "date": datetime.date.today().isoformat(),
        "beads_per_second": _rate(len(beads), judging.wall),
        "judging_over_learnt_model": round(judging.wall / learnt_alone.wall, 2),
        "embedding_stage_over_library_encode": round(families["embedding"].wall / library_encode.wall, 2),
        # CPU seconds (this process, its threads and the parser processes): steadier than the clock on a
        # shared machine, where the wall-clock ratios move with what else runs
        "beads_per_cpu_second": _rate(len(beads), judging.cpu),
        "judging_over_learnt_model_cpu": round(judging.cpu / learnt_alone.cpu, 2),
        "embedding_stage_over_library_encode_cpu": round(families["embedding"].cpu / library_encode.cpu, 2),
        "cached_rerun_beads_per_second": _rate(len(beads), rerun.wall),
        "learnt_model_pairs_per_second": _rate(len(pairs), learnt_alone.wall),
        "library_encode_texts_per_second": _rate(len(texts), library_encode.wall),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stage_shares": shares,
        "seconds": {"judging": judging.as_dict(), "learnt_model_alone": learnt_alone.as_dict(),
                    "library_encode": library_encode.as_dict(), "cached_rerun": rerun.as_dict(),
                    "load_and_warm_up": load.as_dict(), **{f"family_{k}": c.as_dict() for k, c in families.items()}},
        "rerun_gives_the_same_verdicts": same,
        "headline": ["beads_per_second", "judging_over_learnt_model", "embedding_stage_over_library_encode",
                     "beads_per_cpu_second", "judging_over_learnt_model_cpu",
                     "embedding_stage_over_library_encode_cpu", "cached_rerun_beads_per_second", "peak_rss_mib"],
        "targets": TARGETS,
        "settings": {"beads": len(beads), "renderings": RENDERINGS, "distinct_texts": len(texts),
                     "pairs": len(pairs), "threads": THREADS,
                     "data": f"{DATA_FILE} (shared part), lines 40-{40 + args.beads - 1}; warm-up on lines 0-23"},
        "machine": bench_record.machine_at_end(),
        "signature": f"bench_judge|{signals.status()}|toolkit:{__version__}|threads:{THREADS}",
    }
    out = bench_record.write(record, args.out)
    print(f"judge: {record['beads_per_second']} beads/s with {RENDERINGS} renderings on {THREADS} threads "
          f"({len(beads)} beads, {judging.wall:.1f} s, {judging.cpu:.1f} CPU s); shares of the time {shares}")
    print(f"  judging / learnt model alone on the same {len(pairs)} pairs: {record['judging_over_learnt_model']}x "
          f"wall, {record['judging_over_learnt_model_cpu']}x CPU ({learnt_alone.wall:.1f} s, "
          f"{record['learnt_model_pairs_per_second']} pairs/s)")
    print(f"  embedding stage / sentence-transformers encode of the same {len(texts)} texts: "
          f"{record['embedding_stage_over_library_encode']}x wall, {record['embedding_stage_over_library_encode_cpu']}x "
          f"CPU ({library_encode.wall:.1f} s)")
    print(f"  unchanged rerun from the judged-bead cache: {record['cached_rerun_beads_per_second']} beads/s; "
          f"peak {record['peak_rss_mib']} MiB; load average {record['machine']['load_average_at_end']}  ->  {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
