"""`make bench`: throughput of the hf: and ct2: engines against plain transformers and plain CTranslate2.

A random-weight model of OPUS-MT de-en size (d_model 512, 6+6 layers, 8 heads, FFN 2048, vocabulary 58101, tied
embeddings) translates 200 German sentences of about 25 tokens, with a fixed output length (random weights
would otherwise stop at random), greedy and beam 4, on 2 threads. All contenders run side by side in one
process, so the ratios compare like with like on whatever else the machine is doing; each timed run is
repeated and the best taken (the usual guard against a busy machine). Writes eval/results/bench_mt.json.

    python eval/bench_mt.py [--sentences 200] [--one-by-one 200] [--modes greedy,beam4] [--repeats 2]
                            [--ct2-repeats 5]

(or BENCH_MT_SENTENCES / BENCH_MT_ONE_BY_ONE / BENCH_MT_REPEATS) to measure fewer sentences on a slow machine.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the toolkit from this checkout; tests/tiny_mt builds the model

import toolkit.engines.ct2  # noqa: E402,F401  (OMP_WAIT_POLICY before CTranslate2 starts; as in the toolkit)
from eval import bench_record  # noqa: E402

MODES = {"greedy": 1, "beam4": 4}
TARGETS = {"ct2_engine_over_raw_ct2": [">=", 0.95], "ct2_engine_over_hf_batched": [">=", 2.4],
           "cached_rerun_speedup": [">=", 100]}
BATCH = 32
THREADS = 2


def build_model(folder: Path) -> Path:
    from tiny_mt import build_marian, train_spm

    return build_marian(folder / "opus-mt-de-en", train_spm(), "de", "en", d_model=512, layers=6, heads=8,
                        ffn=2048, vocab_size=58101, max_positions=512, seed=0)


def make_sentences(tokenizer, count: int, tokens: int = 25) -> list[str]:
    """`count` distinct sentences of about `tokens` tokens each, cut from the seed article and German lines."""
    from tiny_mt import corpus_lines

    words = " ".join(corpus_lines()).split()
    sentences = []
    for k in range(count):
        start, sentence = (k * 7) % len(words), []
        while len(tokenizer(" ".join(sentence))["input_ids"]) < tokens:
            sentence.append(words[(start + len(sentence)) % len(words)])
        sentences.append(" ".join(sentence))
    return sentences


def best_of(repeats: int, run) -> tuple[float, object]:
    """Best wall time of `repeats` runs (and the last output): noise on a shared machine only ever adds time."""
    times, out = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - started)
    return min(times), out


def hf_raw(model, tokenizer, sentences, beam, length, batch):
    import torch

    outputs = []
    with torch.inference_mode():
        for start in range(0, len(sentences), batch):
            inputs = tokenizer(sentences[start:start + batch], return_tensors="pt", padding=True)
            generated = model.generate(**inputs, num_beams=beam, do_sample=False, min_new_tokens=length,
                                       max_new_tokens=length)
            outputs += tokenizer.batch_decode(generated, skip_special_tokens=True)
    return outputs


def ct2_raw(translator, tokenizer, sentences, beam, length):
    source = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(sentences)["input_ids"]]
    results = translator.translate_batch(source, beam_size=beam, max_batch_size=BATCH, min_decoding_length=length,
                                         max_decoding_length=length)
    return [tokenizer.decode(tokenizer.convert_tokens_to_ids(r.hypotheses[0]), skip_special_tokens=True)
            for r in results]


def measure(folder: Path, sentences: list[str], one_by_one: int, beam: int, length: int, repeats: int,
            ct2_repeats: int, workdir: Path) -> dict:
    import ctranslate2
    import torch
    from transformers import AutoModelForSeq2SeqLM

    from toolkit import render
    from toolkit.cache import RenderingCache
    from toolkit.engines.ct2 import CT2Engine, convert
    from toolkit.engines.hf import HFEngine

    settings = dict(beam=beam, length=length, max_batch=BATCH, threads=THREADS, device="cpu")
    hf_engine, ct2_engine = HFEngine(str(folder), **settings), CT2Engine(str(folder), **settings)
    tokenizer = hf_engine.models[0].tokenizer
    model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()
    translator = ctranslate2.Translator(str(convert(ct2_engine.models[0], ct2_engine.compute_type)), device="cpu",
                                       compute_type=ct2_engine.compute_type, inter_threads=1,
                                       intra_threads=THREADS)
    torch.set_num_threads(THREADS)
    caches = iter(range(1_000))

    def through_toolkit(engine, cache=None):
        if cache is None:  # (not `cache or`: an empty cache is falsy, it has a __len__)
            cache = RenderingCache(workdir / f"cache-{next(caches)}.sqlite")  # fresh: nothing cached yet
        return render.translate(engine, sentences, "de", "en", cache)

    n, seconds = len(sentences), {}
    # Warm-up: first calls load weights, allocate and (ct2) read the converted model.
    hf_raw(model, tokenizer, sentences[:2], beam, length, BATCH)
    ct2_raw(translator, tokenizer, sentences[:2], beam, length)
    hf_engine.translate(sentences[:2], "de", "en")
    ct2_engine.translate(sentences[:2], "de", "en")
    # The two CTranslate2 contenders alternate, so a burst of load elsewhere hits both alike; on a shared machine
    # one identical run was seen to take 4.6 s and then 12.3 s, so the 5% target needs several rounds.
    raw_times, engine_times = [], []
    for round_number in range(ct2_repeats):
        pair = [(raw_times, lambda: ct2_raw(translator, tokenizer, sentences, beam, length)),
                (engine_times, lambda: through_toolkit(ct2_engine))]
        for times, run in pair[::-1] if round_number % 2 else pair:  # who goes first alternates too
            times.append(best_of(1, run)[0])
    seconds["ct2_raw"], seconds["ct2_engine"] = min(raw_times), min(engine_times)
    spread = {"ct2_raw_all_seconds": raw_times, "ct2_engine_all_seconds": engine_times}
    cache = RenderingCache(workdir / "rerun.sqlite")
    through_toolkit(ct2_engine, cache)
    seconds["cached_rerun"], _ = best_of(repeats, lambda: through_toolkit(ct2_engine, cache))
    seconds["hf_batched"], _ = best_of(repeats, lambda: hf_raw(model, tokenizer, sentences, beam, length, BATCH))
    seconds["hf_engine"], _ = best_of(repeats, lambda: through_toolkit(hf_engine))
    few = sentences[:one_by_one]
    seconds["hf_one_by_one"], _ = best_of(1, lambda: hf_raw(model, tokenizer, few, beam, length, 1))
    counts = {key: (len(few) if key == "hf_one_by_one" else n) for key in seconds}
    rates = {key: counts[key] / max(seconds[key], 1e-9) for key in seconds}
    return {"sentences_per_second": rates, "seconds": seconds, "sentences": counts, "rounds": spread}


def _rounded(value):
    return [round(v, 4) for v in value] if isinstance(value, list) else round(value, 4)


def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "load_average_at_start": bench_record.load_average(),
            "python": platform.python_version(), "system": platform.system()}


LABELS = [("hf_one_by_one", "transformers, one sentence at a time"), ("hf_batched", f"transformers, batch {BATCH}"),
          ("hf_engine", "toolkit hf: engine"), ("ct2_raw", "CTranslate2 int8, raw"),
          ("ct2_engine", "toolkit ct2: engine (int8)"), ("cached_rerun", "toolkit ct2: engine, cached re-run")]


def table(results: dict) -> str:
    modes = list(results)
    lines = ["| contender | " + " | ".join(f"{m} sent/s | {m} x hf batched" for m in modes) + " |",
             "|---|" + "---|---|" * len(modes)]
    for key, label in LABELS:
        cells = []
        for mode in modes:
            rates = results[mode]["sentences_per_second"]
            cells += [f"{rates[key]:.1f}", f"{rates[key] / rates['hf_batched']:.2f}"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=int(os.environ.get("BENCH_MT_SENTENCES", 200)))
    parser.add_argument("--one-by-one", type=int, default=int(os.environ.get("BENCH_MT_ONE_BY_ONE", 200)),
                        help="sentences for the one-at-a-time transformers run (the slowest by far)")
    parser.add_argument("--modes", default="greedy,beam4")
    parser.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_MT_REPEATS", 2)))
    parser.add_argument("--ct2-repeats", type=int, default=int(os.environ.get("BENCH_MT_CT2_REPEATS", 5)),
                        help="alternating rounds of raw CTranslate2 and the ct2: engine (best of each is kept)")
    parser.add_argument("--length", type=int, default=25, help="fixed output length in tokens")
    parser.add_argument("--out", default=str(HERE / "results" / "bench_mt.json"))
    args = parser.parse_args(argv)

    import ctranslate2
    import transformers
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    started, at_start = time.perf_counter(), machine()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-mt-") as tmp:
        workdir = Path(tmp)
        os.environ["TOOLKIT_MODELS"] = str(workdir / "converted")
        print("building a random-weight model of OPUS-MT de-en size ...", file=sys.stderr, flush=True)
        folder = build_model(workdir)
        from transformers import AutoTokenizer

        sentences = make_sentences(AutoTokenizer.from_pretrained(folder), args.sentences)
        for mode in args.modes.split(","):
            print(f"measuring {mode} on {len(sentences)} sentences ...", file=sys.stderr, flush=True)
            results[mode] = measure(folder, sentences, min(args.one_by_one, len(sentences)), MODES[mode],
                                    args.length, args.repeats, args.ct2_repeats, workdir)
            print(table({mode: results[mode]}), file=sys.stderr, flush=True)
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    main_mode = "greedy" if "greedy" in results else next(iter(results))
    rates = results[main_mode]["sentences_per_second"]
    record = {
        "benchmark": "bench_mt",
        "date": datetime.date.today().isoformat(),
        "ct2_engine_over_raw_ct2": round(rates["ct2_engine"] / rates["ct2_raw"], 3),
        "ct2_engine_over_hf_batched": round(rates["ct2_engine"] / rates["hf_batched"], 3),
        "cached_rerun_speedup": round(rates["cached_rerun"] / rates["ct2_engine"], 1),
        "peak_rss_mib": round(peak_rss_mib, 1),
        "headline": ["ct2_engine_over_raw_ct2", "ct2_engine_over_hf_batched", "cached_rerun_speedup", "peak_rss_mib"],
        "targets": TARGETS,
        "ratios_from": main_mode,
        "ratios_by_mode": {mode: {
            "ct2_engine_over_raw_ct2": round(r["sentences_per_second"]["ct2_engine"]
                                             / r["sentences_per_second"]["ct2_raw"], 3),
            "ct2_engine_over_hf_batched": round(r["sentences_per_second"]["ct2_engine"]
                                                / r["sentences_per_second"]["hf_batched"], 3),
            "hf_engine_over_hf_batched": round(r["sentences_per_second"]["hf_engine"]
                                               / r["sentences_per_second"]["hf_batched"], 3),
            "cached_rerun_speedup": round(r["sentences_per_second"]["cached_rerun"]
                                          / r["sentences_per_second"]["ct2_engine"], 1),
        } for mode, r in results.items()},
        "results": {mode: {part: {k: _rounded(v) for k, v in values.items()} for part, values in r.items()}
                    for mode, r in results.items()},
        "settings": {"model": "random-weight Marian, d_model 512, 6+6 layers, 8 heads, FFN 2048, vocab 58101, tied",
                     "sentences": len(sentences), "source_tokens": 25, "output_tokens": args.length,
                     "batch": BATCH, "threads": THREADS, "repeats": args.repeats,
                     "ct2_repeats": args.ct2_repeats, "ct2_compute_type": "int8",
                     "hf_dtype": "float32"},
        "versions": {"ctranslate2": ctranslate2.__version__, "transformers": transformers.__version__,
                     "torch": __import__("torch").__version__},
        "machine": {**at_start, "load_average_at_end": bench_record.load_average()},
        "wall_seconds": round(time.perf_counter() - started, 1),
        "table": table(results),
        "signature": f"bench_mt|sentences:{len(sentences)}|len:{args.length}|batch:{BATCH}|threads:{THREADS}",
    }
    out = bench_record.write(record, args.out)
    print(table(results))
    for key in ("ct2_engine_over_raw_ct2", "ct2_engine_over_hf_batched", "cached_rerun_speedup"):
        op, bound = TARGETS[key]
        verdict = "met" if record[key] >= bound else "MISSED"
        print(f"{key}: {record[key]} (target {op} {bound}: {verdict})")
    print(f"peak_rss_mib: {record['peak_rss_mib']}  ->  {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
