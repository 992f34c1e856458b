"""`make bench`: align 10,000 x 10,000 synthetic sentences and print the seconds and the peak memory.

The synthetic documents: an "original" of random pseudo-words; a "translation" that renames every word through a
fixed random lexicon, with sentences merged, split, inserted and dropped; a forward rendering that is a noisy
copy of what the translation says (some words mistranslated), and a reverse rendering made the same way.
Beside it, on a smaller size where the old aligner still finishes, the old full-grid 1-1 aligner (the first
toolkit aligner, reproduced below: trigram Dice in pure Python over the whole grid) and the new
one run side by side in this one process, so the ratio is measured, not assumed.

Writes eval/results/bench_align.json with seconds_10k and peak_rss_mib (peak resident memory of this process,
which includes Python and numpy themselves).
"""
from __future__ import annotations

import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from eval import bench_record  # noqa: E402
from toolkit import __version__  # noqa: E402
from toolkit.alignment import align, signature  # noqa: E402

SIZE = 10_000
SMALL = 400


def synthetic(n: int, seed: int = 1):
    """(original, translation, forward rendering, reverse rendering, true beads)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(5000)]
    lexicon = {w: "".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for w in vocabulary}
    back = {v: k for k, v in lexicon.items()}
    original = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(4, 30))) + " ." for _ in range(n)]

    def translate(sentence: str, table: dict, noise: float) -> str:
        return " ".join(table.get(w, w) if rng.random() > noise else rng.choice(vocabulary) for w in sentence.split())

    translation, beads, i = [], [], 0
    while i < n:
        roll = rng.random()
        if roll < 0.04 and i + 1 < n:  # 2-1 merge
            beads.append(((i, i + 1), (len(translation),)))
            translation.append(translate(original[i] + " " + original[i + 1], lexicon, 0.0))
            i += 2
        elif roll < 0.08:  # 1-2 split
            words = translate(original[i], lexicon, 0.0).split()
            cut = max(1, len(words) // 2)
            beads.append(((i,), (len(translation), len(translation) + 1)))
            translation += [" ".join(words[:cut]), " ".join(words[cut:])]
            i += 1
        elif roll < 0.09:  # insertion
            beads.append(((), (len(translation),)))
            translation.append(translate(" ".join(rng.choice(vocabulary) for _ in range(8)), lexicon, 0.0))
        elif roll < 0.10:  # omission
            beads.append(((i,), ()))
            i += 1
        else:
            beads.append(((i,), (len(translation),)))
            translation.append(translate(original[i], lexicon, 0.0))
            i += 1
    forward = [translate(s, lexicon, 0.3) for s in original]
    reverse = [translate(s, back, 0.3) for s in translation]
    return original, translation, forward, reverse, beads


def _trigrams(text: str) -> Counter:
    text = " " + " ".join(text.lower().split()) + " "
    return Counter(text[i:i + 3] for i in range(len(text) - 2))


def old_full_grid(original, translation, renderings, reverse_renderings):
    """The first toolkit aligner (1-1/1-0/0-1, trigram Dice, full grid in pure Python), for the comparison."""
    n, m = len(original), len(translation)
    fwd = [[_trigrams(r[i]) for i in range(n)] for r in renderings]
    tgt = [_trigrams(t) for t in translation]
    rev = [[_trigrams(r[j]) for j in range(m)] for r in reverse_renderings]
    src = [_trigrams(s) for s in original]

    def dice(a, b):
        total = sum(a.values()) + sum(b.values())
        return 2 * sum((a & b).values()) / total if total else 0.0

    def cost(i, j):
        sims = [dice(f[i], tgt[j]) for f in fwd] + [dice(src[i], r[j]) for r in rev]
        return 1.0 - sum(sims) / len(sims)

    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    step = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i][j] == inf:
                continue
            for di, dj in ((1, 1), (1, 0), (0, 1)):
                a, b = i + di, j + dj
                if a <= n and b <= m:
                    value = best[i][j] + (cost(i, j) if di and dj else 0.75)
                    if value < best[a][b]:
                        best[a][b], step[a][b] = value, (di, dj)
    return step


def exact(found, truth) -> float:
    truth = set(truth)
    return sum((b.original_ids, b.translation_ids) in truth for b in found) / max(len(truth), 1)


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def main() -> int:
    small = synthetic(SMALL, seed=2)
    started = time.perf_counter()
    old_full_grid(small[0], small[1], [small[2]], [small[3]])
    old_seconds = time.perf_counter() - started
    started = time.perf_counter()
    align(small[0], small[1], [small[2]], [small[3]])
    new_small_seconds = time.perf_counter() - started

    original, translation, forward, reverse, truth = synthetic(SIZE)
    started = time.perf_counter()
    beads = align(original, translation, [forward], [reverse])
    seconds = time.perf_counter() - started
    result = {
        "benchmark": "bench_align",
        "seconds_10k": round(seconds, 3),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "sentences": [len(original), len(translation)],
        "exact_bead_recall_10k": round(exact(beads, truth), 4),
        f"old_full_grid_seconds_{SMALL}": round(old_seconds, 3),
        f"new_seconds_{SMALL}": round(new_small_seconds, 3),
        f"speedup_{SMALL}": round(old_seconds / max(new_small_seconds, 1e-9), 1),
        "signature": f"toolkit:{__version__} # align:{signature(True)}",
        "targets": {"seconds_10k": ["<=", 10], "peak_rss_mib": ["<=", 2048]},
    }
    out = bench_record.write(result, HERE / "results" / "bench_align.json", sort_keys=True)
    print(f"align {len(original):,} x {len(translation):,} sentences: {seconds:.2f} s, peak RSS "
          f"{result['peak_rss_mib']:.0f} MiB, {result['exact_bead_recall_10k']:.1%} of the true beads found")
    print(f"{SMALL} x {len(small[1])}: old full-grid aligner {old_seconds:.2f} s, new {new_small_seconds:.2f} s "
          f"({result[f'speedup_{SMALL}']}x); wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
