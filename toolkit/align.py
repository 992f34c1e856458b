"""A first sentence aligner: 1-1, 1-0 and 0-1 beads by dynamic programming over MT-informed similarity.

Cost of a 1-1 bead (i, j): 1 - the character-trigram Dice similarity between translation sentence j and the
forward renderings of original sentence i (and between original sentence i and the back renderings of
translation sentence j), averaged over renderings. A 1-0 or 0-1 bead costs SKIP. The search is the classic
edit-distance recursion over the full grid, fine for news articles; many-to-many beads and long documents
are the job of the many-to-many aligner.
"""
from __future__ import annotations

from collections import Counter

from .errors import ToolkitError
from .records import Bead, Rendering

SKIP = 0.75  # a pair less similar than 1 - SKIP is cheaper to leave unaligned


def trigrams(text: str) -> Counter:
    text = " " + " ".join(text.lower().split()) + " "
    return Counter(text[i:i + 3] for i in range(len(text) - 2))


def dice(a: Counter, b: Counter) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def align(
    original: list[str],
    translation: list[str],
    renderings: list[list[str]] = (),
    reverse_renderings: list[list[str]] = (),
) -> list[Bead]:
    """Beads covering every sentence of both sides, in order.

    renderings: each line-aligned with `original` (MT into the translation's language);
    reverse_renderings: each line-aligned with `translation` (MT into the original's language).
    """
    for rendering in renderings:
        if len(rendering) != len(original):
            raise ToolkitError(f"a rendering has {len(rendering)} lines but the original has {len(original)}")
    for rendering in reverse_renderings:
        if len(rendering) != len(translation):
            raise ToolkitError(
                f"a reverse rendering has {len(rendering)} lines but the translation has {len(translation)}"
            )
    if not renderings and not reverse_renderings:
        raise ToolkitError("aligning needs at least one rendering (MT of one side into the other's language)")
    n, m = len(original), len(translation)
    fwd = [[trigrams(r[i]) for i in range(n)] for r in renderings]
    tgt = [trigrams(t) for t in translation]
    rev = [[trigrams(r[j]) for j in range(m)] for r in reverse_renderings]
    src = [trigrams(s) for s in original]

    def cost(i: int, j: int) -> float:
        sims = [dice(f[i], tgt[j]) for f in fwd] + [dice(src[i], r[j]) for r in rev]
        return 1.0 - sum(sims) / len(sims)

    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    step = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == inf:
                continue
            for di, dj in ((1, 1), (1, 0), (0, 1)):
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                value = here + (cost(i, j) if di and dj else SKIP)
                if value < best[a][b]:
                    best[a][b], step[a][b] = value, (di, dj)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj = step[i][j]
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]
