"""`make bench`: pairs per second of the learnt divergence model (toolkit/learnt) on 2 threads.

The pairs are the seed article's sentences (corpora/belarus-army) against an edited copy of each (a word
dropped, a number changed), so the lengths are those of real news sentences; they are scored once to warm up,
then `--repeats` times, batched and sorted by length as the toolkit scores them. Also the same pairs one at a
time, which is what batching saves. Writes eval/results/bench_learnt.json; skips, saying why, where the model
or its base is not installed.
"""
from __future__ import annotations

import argparse
import datetime
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from eval import bench_record  # noqa: E402
from toolkit import __version__, learnt  # noqa: E402

SEED = HERE.parent / "corpora" / "belarus-army" / "translation.en.txt"
THREADS = 2
TARGETS = {"pairs_per_second": [">=", 50]}


def pairs(n: int) -> list[tuple[str, str]]:
    text = SEED.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    sentences = [s for line in lines for s in re.split(r"(?<=[.!?])\s+", line) if len(s.split()) >= 5]
    out = []
    for i in range(n):
        sentence = sentences[i % len(sentences)]
        words = sentence.split()
        cut = i % len(words)
        edited = " ".join(words[:cut] + words[cut + 1:]) if i % 2 else re.sub(r"\d", "7", sentence)
        out.append((sentence, edited))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default=str(HERE / "results" / "bench_learnt.json"))
    args = parser.parse_args(argv)
    ok, detail = learnt.available()
    if not ok:
        print(f"bench_learnt: skipped: {detail}", file=sys.stderr)
        return 0
    import torch

    torch.set_num_threads(THREADS)
    started = time.perf_counter()
    model = learnt.DivergenceModel(threads=THREADS)
    load_seconds = time.perf_counter() - started
    work = pairs(args.pairs)
    model.score(work[:64])  # warm-up
    timings = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        model.score(work)
        timings.append(time.perf_counter() - t)
    one = work[:64]
    t = time.perf_counter()
    for pair in one:
        model.score([pair])
    one_rate = len(one) / (time.perf_counter() - t)
    rate = len(work) / min(timings)
    record = {
        "benchmark": "bench_learnt",
        "date": datetime.date.today().isoformat(),
        "pairs_per_second": round(rate, 1),
        "pairs_per_second_one_at_a_time": round(one_rate, 1),
        "load_seconds": round(load_seconds, 2),
        "headline": ["pairs_per_second", "pairs_per_second_one_at_a_time", "load_seconds"],
        "targets": TARGETS,
        "settings": {"pairs": len(work), "threads": THREADS, "batch_size": model.batch_size,
                     "max_length": model.max_length, "repeats": args.repeats},
        "machine": bench_record.machine_at_end(),
        "signature": f"bench_learnt|{model.signature}|toolkit:{__version__}|threads:{THREADS}",
    }
    out = bench_record.write(record, args.out)
    print(f"learnt model: {record['pairs_per_second']} pairs/s batched, {record['pairs_per_second_one_at_a_time']} "
          f"one at a time, on {THREADS} threads ({len(work)} pairs; load {record['load_seconds']} s)  ->  {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
