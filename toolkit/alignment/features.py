"""Hashed character n-gram vectors, built with numpy so that 10,000 sentences take milliseconds, not seconds.

Counts are additive: the vector of sentences i..k is the sum of their vectors (up to the few n-grams that
straddle a sentence boundary), which is what lets the aligner score a merge on what its sentences say together
from pairwise dot products alone.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

DIM = 1 << 20  # hash buckets: collisions stay rare for the ~10^5 distinct n-grams of a long document
FOLDED_DIM = 4096  # dense width of the block vectors of the coarse pass
MAX_FEATURE_CHARS = 5_000  # a huge "sentence" is scored on its opening; its full length still counts for GC
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio) for multiplicative hashing


def normalise(text: str) -> str:
    return " " + " ".join(text.lower().split())[:MAX_FEATURE_CHARS] + " "


def ngram_counts(texts: list[str], orders: tuple[int, ...] = (3,), dim: int = DIM, words: float = 0.0) -> sp.csr_matrix:
    """Row i: counts of the hashed character n-grams of texts[i] (lower-cased, spaces squeezed and padded),
    and with words > 0 its whole words, each counted with that weight."""
    padded = [normalise(t) for t in texts]
    if not padded:
        return sp.csr_matrix((0, dim), dtype=np.float64)
    # one code point array for all texts, NUL between them; row[p] says which text position p belongs to
    joined = "\x00".join(padded)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.array([len(p) for p in padded])
    row = np.repeat(np.arange(len(padded)), lengths + 1)[: len(codes)]
    row[np.cumsum(lengths + 1)[:-1] - 1] = -1  # the separators belong to no text
    rows, cols = [], []
    shift = np.uint64(64 - int(np.log2(dim)))
    for n in orders:
        if len(codes) < n:
            continue
        h = np.full(len(codes) - n + 1, np.uint64(n))
        for k in range(n):  # polynomial hash of codes[p:p+n], wrapping mod 2^64 on purpose
            h = h * np.uint64(1_000_003) + codes[k : len(codes) - n + 1 + k]
        start, end = row[: len(h)], row[n - 1 :]
        ok = (start == end) & (start >= 0)
        rows.append(start[ok])
        cols.append(((h[ok] * _MULT) >> shift).astype(np.int64))
    values = [np.ones(len(r)) for r in rows]
    if words:
        split = [p.split() for p in padded]
        hashes = np.fromiter((zlib.crc32(w.encode("utf-8")) for ws in split for w in ws), dtype=np.uint64)
        if len(hashes):
            rows.append(np.repeat(np.arange(len(split)), [len(ws) for ws in split]))
            cols.append(((hashes * _MULT + _MULT) >> shift).astype(np.int64))  # + _MULT: apart from n-grams
            values.append(np.full(len(hashes), float(words)))
    if not rows:
        return sp.csr_matrix((len(texts), dim), dtype=np.float64)
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(values)
    matrix = sp.csr_matrix((v, (r, c)), shape=(len(texts), dim))
    matrix.sum_duplicates()
    return matrix


def idf_weights(*matrices: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency over all rows given (texts of one language, here and now).

    Computed on the documents being aligned, so function-word n-grams (" de", "les") that every sentence
    shares stop making unrelated sentences look alike.
    """
    dim = matrices[0].shape[1]
    df = np.zeros(dim)
    total = 0
    for m in matrices:
        df += np.bincount(m.indices, minlength=dim)
        total += m.shape[0]
    return np.log((1.0 + total) / (1.0 + df)) + 1.0


def weighted(matrix: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    out = matrix.copy()
    out.data = out.data * idf[out.indices]
    return out


def block_sum(matrix, factor: int):
    """Rows summed in consecutive blocks of `factor` (the last block may be shorter); sparse or dense."""
    n = matrix.shape[0]
    if not sp.issparse(matrix):
        return np.add.reduceat(matrix, np.arange(0, n, factor), axis=0) if n else matrix
    blocks = -(-n // factor)
    summer = sp.csr_matrix((np.ones(n), (np.arange(n) // factor, np.arange(n))), shape=(blocks, n))
    return (summer @ matrix).tocsr()


@lru_cache(maxsize=4)
def _folder(dim: int, folded: int) -> sp.csr_matrix:
    bucket = np.arange(dim, dtype=np.uint64) * _MULT
    sign = np.where((bucket >> np.uint64(63)) == 1, -1.0, 1.0)
    return sp.csr_matrix((sign, (np.arange(dim), (bucket >> np.uint64(20)) % np.uint64(folded))), shape=(dim, folded))


def fold(matrix, folded: int = FOLDED_DIM) -> np.ndarray:
    """A dense (rows x folded) float32 matrix whose dot products estimate those of the rows given.

    Signed feature hashing: each bucket lands on one of `folded` columns with a random sign, so collisions
    cancel out on average instead of inflating every similarity.
    """
    if not sp.issparse(matrix) or matrix.shape[1] <= folded:
        return np.asarray(matrix.toarray() if sp.issparse(matrix) else matrix, dtype=np.float32)
    return np.asarray((matrix @ _folder(matrix.shape[1], folded)).toarray(), dtype=np.float32)
