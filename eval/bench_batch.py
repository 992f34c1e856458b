"""`make bench`: `toolkit batch` with one and with two local workers of one thread each, against single-process
`toolkit score` on 2 threads (and on 1, beside one worker: what Ray itself costs), on the same pairs, in one
run; wall time and peak memory of each.

The pairs are real: WMT21 newstest de-en (../shared/data/wmt21_newstest_deen, the shared part, lines in file
order), one system's output as the translation, five other systems' outputs as its renderings, the German
source with it, as the issue measured `score`. Each command runs as its own process tree, one after the other;
its peak memory is the largest sum of memory over the tree (the Ray driver, raylet, GCS and workers for
batch; proportional set sizes, so pages the processes share count once), sampled every 0.2 s. Times are end to end, start-up included: Ray's start is part of what a user
waits for. Writes eval/results/bench_batch.json; skips, saying why, where the data or Ray is missing.

The larger run (opt-in, long here): BENCH_BATCH_LARGE=100000 judges that many sentences as documents of ten
sentences with `file:` renderings (a .tsv of round trips looked up by sentence), kills the job once a third
of its shards are written, restarts it, and reports the peak memory of each part and the shards resumed.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from eval import bench_record  # noqa: E402
from toolkit import __version__  # noqa: E402

DATA = "wmt21_newstest_deen/newstest2021.de-en.systems.tsv.gz"
TRANSLATION = "wmt21_Online-W"
RENDERINGS = ["wmt21_Facebook-AI", "wmt21_Online-B", "wmt21_VolcTrans-AT", "wmt21_UEdin", "wmt21_HuaweiTSC"]
TARGETS = {"two_workers_over_one": [">=", 1.7], "two_workers_over_score_2_threads": [">=", 1.0],
           "large_peak_memory_gib": ["<=", 2.0]}


def read_rows(data_dir: Path) -> list[dict]:
    with gzip.open(data_dir / DATA, "rt", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def pairs(rows: list[dict], n: int) -> list[dict]:
    out = []
    for k in range(n):
        row = rows[k % len(rows)]
        out.append({"id": f"{row['line_id']}:{k // len(rows)}", "translation": row[TRANSLATION],
                    "renderings": {name.removeprefix("wmt21_"): row[name] for name in RENDERINGS},
                    "lang": "en", "source": row["source_de"], "source_lang": "de"})
    return out


def _memory(process) -> int:
    """A process's proportional set size where Linux gives it (shared pages, such as the libraries every Ray
    worker maps and Ray's shared-memory object store, counted once over the tree), else its resident size."""
    try:
        return process.memory_full_info().pss
    except AttributeError:
        return process.memory_info().rss


def measured(command: list[str], env: dict, kill_when=None) -> dict:
    """Run a command; wall seconds and the peak of its process tree's resident memory. kill_when(): a
    condition checked at every sample; when true the tree is killed (SIGKILL), as an operator would."""
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    root, peak, killed = psutil.Process(process.pid), 0, False
    while process.poll() is None:
        total = 0
        try:
            for member in [root, *root.children(recursive=True)]:
                try:
                    total += _memory(member)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total)
        if kill_when is not None and not killed and kill_when():
            os.killpg(process.pid, signal.SIGKILL)
            killed = True
        time.sleep(0.2)
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0 and not killed:
        raise RuntimeError(f"{' '.join(command[:4])} failed ({process.returncode}): {err.strip()[-1000:]}")
    return {"seconds": round(seconds, 1), "peak_gib": round(peak / 2**30, 3), "killed": killed}


def _toolkit(*args: str) -> list[str]:
    return [sys.executable, "-m", "toolkit", *args]


def _env(threads: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    env.pop("RAY_ADDRESS", None)  # batch starts its own local Ray, whatever the shell points at
    return env


def scaling(rows: list[dict], n: int, work: Path, batch_rows: int) -> dict:
    source = work / "pairs.jsonl"
    source.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs(rows, n)), encoding="utf-8")
    # no judged-bead cache anywhere: the first run's judgements would make every later run a lookup
    score = _toolkit("score", str(source), "--out", str(work / "scored.jsonl"), "--no-cache")
    runs = {"score_2_threads": measured(score, _env(2)),
            # beside one batch worker of one thread, this is what Ray itself costs
            "score_1_thread": measured(score, _env(1))}
    for workers in (1, 2):
        runs[f"batch_{workers}_worker{'s' if workers > 1 else ''}"] = measured(
            _toolkit("batch", str(source), "--out", str(work / f"batch{workers}"), "--workers", str(workers),
                     "--threads", "1", "--shard-rows", str(batch_rows * 2), "--batch-rows", str(batch_rows), "--no-cache", "-q"),
            _env(1))
    for name, one in runs.items():
        one["pairs_per_second"] = round(n / one["seconds"], 2)
    return runs


def archive(rows: list[dict], sentences: int, per_document: int = 10) -> tuple[dict[str, str], list[dict]]:
    """An archive of `sentences` distinct sentences in documents of `per_document`, and the round trips of
    each sentence (a `file:` .tsv's table). Only lines the segmenter keeps as one sentence are used: the
    .tsv is looked up by the sentences batch cuts, so a line it splits would have no rendering."""
    from toolkit.segment import segment_text

    table, documents, used = {}, [], 0
    for start in range(0, sentences, per_document):
        lines = []
        for k in range(start, min(start + per_document, sentences)):
            while True:
                row, used = rows[used % len(rows)], used + 1
                text = f"[{k}] {row[TRANSLATION].strip()}"  # every sentence its own, as an archive's are
                if len(segment_text(text, "en").segments) == 1:
                    break
            table[text] = f"[{k}] {row[RENDERINGS[0]].strip()}"
            lines.append(text)
        documents.append({"id": start // per_document, "translation": "\n".join(lines), "lang": "en"})
    return table, documents


def large(rows: list[dict], sentences: int, work: Path) -> dict:
    """Documents of ten sentences with file: renderings; killed once a third of the shards are written, then
    restarted with the same arguments."""
    table, documents = archive(rows, sentences)
    tsv = work / "round-trips.tsv"
    tsv.write_text("".join(f"{s}\t{r}\n" for s, r in table.items()), encoding="utf-8")
    source = work / "documents.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    shard_rows = -(-len(documents) // 30)  # about 30 shards, whatever the size: a kill at a third keeps 10
    total = -(-len(documents) // shard_rows)
    out = work / "large"
    command = _toolkit("batch", str(source), "--out", str(out), "--engine", f"file:{tsv}", "--workers", "2",
                       "--threads", "1", "--shard-rows", str(shard_rows), "--no-cache", "-q")

    def a_third_written() -> bool:
        return len(list((out / "shards").glob("*.parquet"))) >= total // 3 if (out / "shards").exists() else False

    first = measured(command, _env(1), kill_when=a_third_written)
    kept = len(list((out / "shards").glob("*.parquet")))
    second = measured(command, _env(1))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    if summary["errors"]:
        raise RuntimeError(f"the large run failed on {summary['errors']} documents, e.g. "
                           f"{summary['first_errors'][0]['error']}")
    return {"sentences": sentences, "documents": len(documents), "shards": total, "killed_run": first,
            "shards_kept_after_kill": kept, "resumed_run": second, "resumed_shards": summary["shards"]["resumed"],
            "judged_now": summary["shards"]["judged_now"], "beads": summary["beads"],
            "peak_gib": max(first["peak_gib"], second["peak_gib"])}


def table(runs: dict, n: int, load, big) -> str:
    rows = [f"{n} WMT21 de-en pairs (shared part, lines in file order; no fitting, so no split), 5 renderings "
            f"each; {os.cpu_count()} CPUs, load average {load[0]:.1f} when the run began. End to end, start-up "
            "included; memory summed over the process tree (PSS).", "",
            "| command | seconds | pairs/s | peak GiB |", "|---|---|---|---|"]
    rows += [f"| {name} | {one['seconds']} | {one['pairs_per_second']} | {one['peak_gib']} |"
             for name, one in runs.items()]
    if big:
        rows += ["", f"Large: {big['sentences']} sentences in {big['documents']} documents, `file:` renderings, "
                     f"{big['shards']} shards; killed after {big['shards_kept_after_kill']} shards "
                     f"({big['killed_run']['seconds']} s), restarted: {big['resumed_shards']} kept, "
                     f"{big['judged_now']} judged ({big['resumed_run']['seconds']} s); peak {big['peak_gib']} GiB."]
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=bench_record.default_data())
    parser.add_argument("--pairs", type=int, default=400)
    parser.add_argument("--batch-rows", type=int, default=25, help="pairs a worker judges together")
    parser.add_argument("--out", default=str(HERE / "results" / "bench_batch.json"))
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / DATA).exists():
        print(f"bench_batch: skipped: {data / DATA} is missing (pass --data)", file=sys.stderr)
        return 0
    try:
        import psutil  # noqa: F401
        import ray  # noqa: F401
    except ImportError as err:
        print(f"bench_batch: skipped: {err.name} is not installed (pip install -e '.[batch]')", file=sys.stderr)
        return 0
    rows = [r for r in read_rows(data) if all(r[name].strip() for name in [TRANSLATION, *RENDERINGS])]
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        runs = scaling(rows, args.pairs, Path(folder), args.batch_rows)
        large_n = int(os.environ.get("BENCH_BATCH_LARGE", "0") or 0)
        big = large(rows, large_n, Path(folder)) if large_n else None
    ratios = {"two_workers_over_one": round(runs["batch_1_worker"]["seconds"] / runs["batch_2_workers"]["seconds"], 2),
              "two_workers_over_score_2_threads":
                  round(runs["score_2_threads"]["seconds"] / runs["batch_2_workers"]["seconds"], 2),
              "one_worker_over_score_1_thread":
                  round(runs["score_1_thread"]["seconds"] / runs["batch_1_worker"]["seconds"], 2)}
    record = {
        "benchmark": "bench_batch", "date": datetime.date.today().isoformat(),
        "data": f"{DATA}: the shared part, the first {args.pairs} usable lines in file order (cycled when more "
                f"are asked); translation {TRANSLATION}, renderings {', '.join(RENDERINGS)}, German source",
        "pairs": args.pairs, "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load],
        "load_average_after": bench_record.load_average(),
        **ratios, "runs": runs, "large": big if big else "not run (BENCH_BATCH_LARGE=100000 runs it)",
        "headline": ["two_workers_over_one", "two_workers_over_score_2_threads", "one_worker_over_score_1_thread"],
        "targets": TARGETS, "toolkit_version": __version__,
    }
    record["table"] = table(runs, args.pairs, load, big)
    if big:
        record["large_peak_memory_gib"] = big["peak_gib"]
        record["headline"].append("large_peak_memory_gib")
    bench_record.write(record, args.out)
    print(f"bench_batch ({args.pairs} pairs, 5 renderings, {os.cpu_count()} CPUs, load {load[0]:.1f} before):")
    for name, one in runs.items():
        print(f"  {name:16} {one['seconds']:7.1f} s  {one['pairs_per_second']:6.2f} pairs/s  "
              f"peak {one['peak_gib']:.2f} GiB")
    print(f"  2 workers / 1 worker: {ratios['two_workers_over_one']:.2f}x (target >= 1.7); "
          f"2 workers / score on 2 threads: {ratios['two_workers_over_score_2_threads']:.2f}x (target >= 1.0); "
          f"1 worker / score on 1 thread: {ratios['one_worker_over_score_1_thread']:.2f}x")
    if big:
        print(f"  large: {big['sentences']} sentences, peak {big['peak_gib']:.2f} GiB (target <= 2), killed after "
              f"{big['shards_kept_after_kill']} of {big['shards']} shards, resumed {big['resumed_shards']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
