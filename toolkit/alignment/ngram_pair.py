"""One n-gram source of similarity for the aligner: sentence vectors of one side against the other's, with the
cosine of every bead shape in a band and the least-explained sentence of each merge."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp

from . import features
from .search import Band, Shape

TILE_ROWS = 256  # rows per sparse product when filling the banded dot-product table


def _rows_dot(x, y) -> np.ndarray:
    """Row-wise dot products of two matrices of the same shape (sparse or dense)."""
    if sp.issparse(x):
        return np.asarray(x.multiply(y).sum(axis=1)).ravel()
    return np.einsum("ij,ij->i", x, y)


def _lag_dots(x, lags: int) -> list[np.ndarray]:
    """lag_dots[d][r] = x[r] . x[r + d], for d < lags."""
    n = x.shape[0]
    out: list[np.ndarray] = []
    for d in range(lags):
        if d >= n:
            out.append(np.zeros(0))
        elif d == 0 and sp.issparse(x):
            out.append(np.bincount(np.repeat(np.arange(n), np.diff(x.indptr)), x.data**2, minlength=n))
        else:
            out.append(_rows_dot(x[: n - d], x[d:]))
    return out


def _window_norms(lag: list[np.ndarray], size: int, a: int) -> np.ndarray:
    """(size + 1,): squared norm of the sum of the `a` vectors before each position (1 where undefined)."""
    out = np.ones(size + 1)
    if a > size:
        return out
    total = np.zeros(size + 1 - a)
    ends = np.arange(a, size + 1)
    for t in range(1, a + 1):
        total += lag[0][ends - t]
        for t2 in range(t + 1, a + 1):
            total += 2.0 * lag[t2 - t][ends - t2]
    out[a:] = np.maximum(total, 1e-12)
    return out


def _product(x, y) -> np.ndarray:
    out = x @ y.T
    return (out.toarray() if sp.issparse(out) else out).astype(np.float32)


class NgramPair:
    """One source of similarity: x (rows line-aligned with the original) against y (with the translation).

    x and y are sparse n-gram matrices, or dense folded ones for the coarse levels of a long document.
    """

    covers = True  # cosines() also gives the least-explained sentence of each bead

    def __init__(self, x, y, lags: int, weight: float = 1.0):
        self.x, self.y, self.weight = x, y, weight
        self.x_lag, self.y_lag = _lag_dots(x, lags), _lag_dots(y, lags)

    def cosines(self, band: Band, shapes: Sequence[Shape]) -> tuple[np.ndarray, np.ndarray]:
        """Two (n + 1, len(shapes), width + 1) arrays for the bead of each shape ending at each cell: the cosine
        of its summed vectors, and the least cosine of one of its sentences with the whole other side.

        Values at cells where the bead cannot end (it would start before the first sentence) are finite
        garbage: the search never reads them.
        """
        n, m = self.x.shape[0], self.y.shape[0]
        width = band.width
        sa = max(a for a, _ in shapes)
        sb = max(b for _, b in shapes)
        cols = band.columns()
        safe_cols = np.minimum(cols, m)
        rows = np.arange(n + 1)
        dot_lo, table = self._dot_table(band, sa, sb)

        def part(t: int, u: int) -> np.ndarray:
            """x[i - t] . y[j - u] at every cell (i, j) of the band (0 where y[j - u] does not exist)."""
            r = np.clip(rows - t, 0, max(n - 1, 0))
            k = np.clip(cols - u - dot_lo[r][:, None], 0, table.shape[1] - 1)
            return np.take_along_axis(table[r], k, axis=1)

        # along[t, b]: x[i - t] against the b translation sentences before j; down[u, a]: the a original
        # sentences before i against y[j - u]; dots[a, b]: the whole bead. Each is a running sum of parts.
        along: dict[tuple[int, int], np.ndarray] = {}
        down: dict[tuple[int, int], np.ndarray] = {}
        dots: dict[tuple[int, int], np.ndarray] = {}
        for t in range(1, sa + 1):
            for u in range(1, max((b for a, b in shapes if a >= t), default=0) + 1):
                p = part(t, u)
                along[t, u] = p if u == 1 else along[t, u - 1] + p
                down[u, t] = p if t == 1 else down[u, t - 1] + p
        for a, b in sorted(set(shapes)):
            dots[a, b] = (
                dots[a - 1, b] + along[a, b]
                if (a - 1, b) in dots
                else np.sum([along[t, b] for t in range(1, a + 1)], axis=0)
            )
        inv_x = {
            a: (1.0 / np.sqrt(_window_norms(self.x_lag, n, a)))[:, None].astype(np.float32) for a in range(1, sa + 1)
        }
        inv_y = {
            b: (1.0 / np.sqrt(_window_norms(self.y_lag, m, b)))[safe_cols].astype(np.float32) for b in range(1, sb + 1)
        }
        x_one = np.concatenate([inv_x[1][:, 0], [1.0]]).astype(np.float32)  # x_one[i + 1] = 1 / |x[i]|
        y_one = np.concatenate([1.0 / np.sqrt(_window_norms(self.y_lag, m, 1)), [1.0]]).astype(np.float32)
        cosine = np.empty((n + 1, len(shapes), width + 1), dtype=np.float32)
        weakest = np.empty_like(cosine)
        for s, (a, b) in enumerate(shapes):
            cosine[:, s, :] = dots[a, b] * inv_x[a] * inv_y[b]
            if a == 1 and b == 1:
                weakest[:, s, :] = cosine[:, s, :]
                continue
            # each sentence of a merge must be said by the other side too, or it is a stowaway (junk, an
            # inserted line) that the merged cosine barely notices
            worst = np.full((n + 1, width + 1), np.inf, dtype=np.float32)
            for t in range(1, a + 1) if a > 1 else ():
                member = along[t, b] * x_one[np.clip(rows - t + 1, 0, n + 1)][:, None]
                np.minimum(worst, member * inv_y[b], out=worst)
            for u in range(1, b + 1) if b > 1 else ():
                member = down[u, a] * y_one[np.clip(safe_cols - u + 1, 0, m + 1)]
                np.minimum(worst, member * inv_x[a], out=worst)
            weakest[:, s, :] = worst
        return cosine, weakest

    def coarsen(self, factor: int) -> "NgramPair":
        # a block of sentences has thousands of n-grams; folded into a few thousand signed dense dimensions its
        # similarities stay accurate enough to find the path and the products become plain BLAS
        return NgramPair(
            features.fold(features.block_sum(self.x, factor)),
            features.fold(features.block_sum(self.y, factor)),
            len(self.x_lag),
            self.weight,
        )

    def _dot_table(self, band: Band, sa: int, sb: int) -> tuple[np.ndarray, np.ndarray]:
        """Row r: x[r] . y[c] for c from dot_lo[r] on, covering every column that a bead through row r can
        touch (with a column to spare on each side)."""
        n, m = self.x.shape[0], self.y.shape[0]
        lo, width = band.lo, band.width
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 1), dtype=np.float32)
        reach = lo[np.minimum(np.arange(n) + sa + 1, n)]
        dot_lo = lo[:n] - sb - 1
        table_width = int((reach - lo[:n]).max()) + width + sb + 2
        table = np.zeros((n, table_width), dtype=np.float32)
        offsets = np.arange(table_width)
        for r0 in range(0, n, TILE_ROWS):
            r1 = min(r0 + TILE_ROWS, n)
            c0 = max(0, int(dot_lo[r0]))
            c1 = min(m, int(dot_lo[r1 - 1]) + table_width)
            if c1 <= c0:
                continue
            tile = _product(self.x[r0:r1], self.y[c0:c1])
            c = dot_lo[r0:r1, None] + offsets[None, :]
            ok = (c >= c0) & (c < c1)
            picked = np.take_along_axis(tile, np.clip(c - c0, 0, c1 - c0 - 1), axis=1)
            table[r0:r1] = np.where(ok, picked, 0.0)
        return dot_lo, table
