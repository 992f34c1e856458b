"""The search: a banded dynamic programme over bead shapes, made near-linear by coarse-to-fine banding.

Cell (i, j) of the grid holds the cheapest way to align the first i original sentences with the first j
translation sentences. A bead of shape (a, b) steps from (i - a, j - b) to (i, j) at a price set by the cost
model. Only a band of each row is searched: on a small grid the band is the whole row; on a large one the
documents are first summarised into blocks of `factor` sentences (the cost model sums their vectors), the blocks
are aligned by the same search (recursively), and the fine search is confined to the columns the coarse path
allows, widened by a margin on each side, as vecalign does. Work and memory are then O(n * band width).

Rows are filled one at a time with numpy: every move that consumes an original sentence reads the previous
rows through a precomputed index table, and the insertions (0-1) within a row, which depend on the cell to
their left, are resolved in one pass with a cumulative minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

INF = np.inf
FULL_CELLS = 400_000  # grids up to this many cells are searched in full (the longest test documents: ~260k)
INSERTION = -1  # back-pointer code of a 0-1 step

Shape = tuple[int, int]


@dataclass(frozen=True)
class Band:
    """Row i of the grid is searched at columns lo[i] .. lo[i] + width (lo is non-decreasing, lo[0] == 0)."""

    lo: np.ndarray
    width: int

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        return cls(np.zeros(n + 1, dtype=np.int64), m)

    def columns(self) -> np.ndarray:
        return self.lo[:, None] + np.arange(self.width + 1)[None, :]


class CostModel(Protocol):
    n: int
    m: int
    skip_original: np.ndarray  # (n,): price of leaving original sentence i unaligned (a 1-0 bead)
    skip_translation: np.ndarray  # (m,): price of a 0-1 bead

    def costs(self, band: Band, shapes: Sequence[Shape]) -> np.ndarray:
        """(n + 1, len(shapes), width + 1): price of the bead of each shape that ends at each cell of the band."""

    def coarsen(self, factor: int) -> "CostModel":
        """The same model over blocks of `factor` consecutive sentences on each side."""


def best_path(
    band: Band,
    m: int,
    costs: np.ndarray,
    shapes: Sequence[Shape],
    skip_original: np.ndarray,
    skip_translation: np.ndarray,
) -> list[Shape]:
    """The cheapest sequence of bead shapes from (0, 0) to (n, m) inside the band."""
    n = len(band.lo) - 1
    width, lo = band.width, band.lo
    cols = band.columns()
    inside = cols <= m
    moves = list(shapes) + [(1, 0)]
    row_len = width + 1
    sentinel = (n + 1) * row_len  # an always-infinite cell that out-of-band reads point to
    index_type = np.int32 if sentinel < 2**31 - 1 else np.int64
    index = np.full((n + 1, len(moves), row_len), sentinel, dtype=index_type)
    for s, (a, b) in enumerate(moves):
        if a > n:
            continue
        rows = np.arange(a, n + 1)
        prev_k = cols[a:] - b - lo[rows - a][:, None]
        ok = inside[a:] & (prev_k >= 0) & (prev_k <= width)
        index[a:, s, :] = np.where(ok, (rows - a)[:, None] * row_len + prev_k, sentinel)
    costs = np.nan_to_num(costs, nan=INF, posinf=INF)
    best = np.full(sentinel + 1, INF)
    back = np.zeros((n + 1, row_len), dtype=np.int8)
    arrive = np.concatenate([[INF], np.asarray(skip_translation, dtype=float)])  # 0-1 step arriving at j
    columns = np.arange(row_len)
    for i in range(n + 1):
        valid = int(inside[i].sum())
        if i == 0:
            own = np.full(row_len, INF)
            own[0] = 0.0 if lo[0] == 0 else INF
            came = np.zeros(row_len, dtype=np.int64)
        else:
            cand = best[index[i]]
            cand[:-1] += costs[i]
            cand[-1] += skip_original[i - 1]
            came = cand.argmin(axis=0)
            own = cand[came, columns]
        own, came = own[:valid], came[:valid]
        step = arrive[np.minimum(cols[i, :valid], m)]
        step[0] = 0.0  # the first cell of the row has no left neighbour in the band
        paid = np.cumsum(step)
        shifted = own - paid
        low = np.minimum.accumulate(shifted)
        from_left = low < shifted
        best[i * row_len : i * row_len + valid] = np.where(from_left, paid + low, own)
        back[i, :valid] = np.where(from_left, INSERTION, came)
    k = m - lo[n]
    if not 0 <= k <= width or not np.isfinite(best[n * row_len + k]):
        raise RuntimeError("the search band does not reach the end of both documents")  # a bug, not bad input
    path: list[Shape] = []
    i, j = n, m
    while i or j:
        code = back[i, j - lo[i]]
        a, b = (0, 1) if code == INSERTION else moves[code]
        path.append((a, b))
        i, j = i - a, j - b
    return path[::-1]


def band_around(coarse: Sequence[Shape], factor: int, n: int, m: int, margin: int) -> Band:
    """The fine band that contains every cell the coarse path passes through, widened by `margin` columns."""
    low = np.full(n + 1, m, dtype=np.int64)
    high = np.zeros(n + 1, dtype=np.int64)
    ci = cj = 0
    for a, b in coarse:
        r0, r1 = min(ci * factor, n), min((ci + a) * factor, n)
        c0, c1 = min(cj * factor, m), min((cj + b) * factor, m)
        low[r0 : r1 + 1] = np.minimum(low[r0 : r1 + 1], c0)
        high[r0 : r1 + 1] = np.maximum(high[r0 : r1 + 1], c1)
        ci, cj = ci + a, cj + b
    low = np.clip(low - margin, 0, m)
    high = np.clip(high + margin, 0, m)
    low = np.minimum.accumulate(low[::-1])[::-1]  # non-decreasing, never narrower than asked
    high = np.maximum.accumulate(high)
    low[0] = 0
    return Band(low, int((high - low).max()))


def coarse_to_fine(
    model: CostModel, shapes: Sequence[Shape], full_cells: int = FULL_CELLS, margin: int | None = None
) -> list[Shape]:
    """Bead shapes of the cheapest alignment: in full on small grids, coarse-to-fine on large ones."""
    n, m = model.n, model.m
    cells = (n + 1) * (m + 1)
    if cells <= full_cells or min(n, m) < 4:
        band = Band.full(n, m)
    else:
        factor = max(2, math.ceil(math.sqrt(cells / full_cells)))
        coarse = coarse_to_fine(model.coarsen(factor), shapes, full_cells, margin)
        band = band_around(coarse, factor, n, m, margin if margin is not None else max(8, factor // 2))
    return best_path(band, m, model.costs(band, shapes), shapes, model.skip_original, model.skip_translation)
