"""Meaning as a cost source: sentence embeddings of merged sentences, for when the MT renderings and the
translation share a language that an embedding model reads (English with all-MiniLM-L6-v2 today).

Each side is embedded window by window, as vecalign and Bertalign do: the rendering of a original sentences
i..i+a-1 is the concatenation of their rendering lines (each line is the MT of one original sentence), embedded
as one text; the translation's b sentences j..j+b-1 likewise. A bead's raw score is the cosine of the two
windows' unit vectors. Raw cosines depend on the bead's shape: longer texts share more topic words, so a 1-3
window pair of unrelated sentences is closer than a 1-1 pair of unrelated sentences. Each shape's cosine is
therefore rescaled against what it is between unrelated windows of that shape in this document, the mean
cosine of all window pairs (the product of the two mean vectors, exact and free):

    meaning(a-b bead) = (cos - base[a, b]) / (1 - base[a, b])

0 is chance for every shape and 1 a perfect match, so a merge is neither favoured for being longer nor
punished for it; the cost model mixes it with the n-gram and length costs.

Embedding vectors do not add up like n-gram counts, so the coarse pass of a long document (search.py) sums
single-sentence vectors per block instead, which is enough to find the band.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Protocol, Sequence

import numpy as np

from .features import block_sum
from .ngram_pair import NgramPair
from .search import Band, Shape

TILE_ROWS = 256
BATCH = 64  # sentences a batch: sentence-transformers sorts them by length, so padding stays small


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) unit vectors."""


class SentenceEncoder:
    """An Encoder over toolkit.signals.embedding.Embedder, batched (the signals embed one text at a time so
    their values never depend on a batch's padding; the aligner only ranks beads of one document, and every
    run encodes the same texts in the same batches, so its results repeat exactly)."""

    def __init__(self, path: Optional[str] = None, batch_size: int = BATCH):
        from ..signals.embedding import Embedder  # raises Unavailable, saying why, when there is no model

        self.embedder = Embedder(path, batch_size=batch_size)
        self.name = self.embedder.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.embedder.add(texts)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self.embedder.vector(t) for t in texts]).astype(np.float32)


MODES = ("auto", "on", "off")
PACKAGED_LANGUAGES = {"en"}  # the languages the packaged model (all-MiniLM-L6-v2) reads
# languages read by the packaged model with a shipped adapter folded in (toolkit/learnt/sentence.py)
ADAPTED_LANGUAGES = {"fr"}
# adapted languages whose encoder is used only when asked for (--meaning on), each with why: it did not beat the
# n-gram aligner on the dev data it was measured on
OPT_IN = {
    "fr": "the French encoder did not beat the n-gram aligner on Text+Berg's dev half (strict F1 0.879 "
    "with it, 0.877 without: better with Google's MT, worse with Europarl's); --meaning on uses it"
}


def _packaged(lang: Optional[str]) -> Encoder:
    """The shipped encoder for `lang`; Unavailable says why when it cannot be had."""
    if lang in ADAPTED_LANGUAGES:
        from ..learnt.sentence import AdaptedEncoder

        return AdaptedEncoder()
    return SentenceEncoder()


def encoder_for(lang: Optional[str], model: Optional[str] = None, mode: str = "auto") -> tuple[Optional[Encoder], str]:
    """(the encoder for the translation's language or None, why none when None).

    mode "off": none. "auto": the model given (the user vouches that it reads `lang`), else for English the
    packaged all-MiniLM-L6-v2 or $TOOLKIT_EMBEDDING_MODEL; none, saying why, when it cannot be had. "on": the
    same, but a missing model is a ToolkitError, and for a language of OPT_IN (French) the packaged base with the
    shipped adapter is used, which "auto" leaves out.
    """
    from ..errors import ToolkitError
    from ..resources import Unavailable

    if mode not in MODES:
        raise ToolkitError(f"unknown meaning mode {mode!r}: one of {', '.join(MODES)}")
    if mode == "off":
        return None, "turned off"
    if model is None and lang not in PACKAGED_LANGUAGES | ADAPTED_LANGUAGES:
        why = (
            f"no embedding model for {lang!r}: give one with --embedding-model DIR (a sentence-transformers folder)"
            if lang
            else "the translation's language is not given (--lang)"
        )
        if mode == "on":
            raise ToolkitError(why)
        return None, why
    if model is not None and not Path(model).is_dir():
        raise ToolkitError(f"embedding model {model}: no such folder")
    if model is None and lang in OPT_IN and mode == "auto":
        return None, OPT_IN[lang]
    try:
        return (SentenceEncoder(model) if model is not None else _packaged(lang)), ""
    except Unavailable as why:
        if mode == "on":
            raise ToolkitError(str(why)) from None
        return None, str(why)


def windows(lines: Sequence[str], size: int) -> list[str]:
    """The text of every run of `size` consecutive lines, joined by a space, by starting line."""
    return [" ".join(s for s in lines[i : i + size] if s.strip()) for i in range(len(lines) - size + 1)]


def _banded(x: np.ndarray, y: np.ndarray, band: Band, a: int, b: int) -> np.ndarray:
    """(n + 1, width + 1): x[i - a] . y[c - b] at every cell (i, c) of the band (garbage where either index
    is out of range: the search never reads a bead that would start before the first sentence)."""
    cols = band.columns()
    out = np.zeros(cols.shape, dtype=np.float32)
    if len(x) == 0 or len(y) == 0:
        return out
    for r0 in range(0, cols.shape[0], TILE_ROWS):
        r1 = min(r0 + TILE_ROWS, cols.shape[0])
        rows = np.clip(np.arange(r0, r1) - a, 0, len(x) - 1)
        c = cols[r0:r1] - b
        c0, c1 = max(0, int(c.min())), min(len(y), int(c.max()) + 1)
        if c1 <= c0:
            continue
        tile = x[rows] @ y[c0:c1].T
        out[r0:r1] = np.take_along_axis(tile, np.clip(c - c0, 0, c1 - c0 - 1), axis=1)
    return out


class MeaningPair:
    """Embedding similarity of one forward rendering's windows against the translation's windows.

    x[a]: unit vectors of the rendering windows of a original sentences, by first sentence; y[b]: the same for
    the translation. Same face as ngram_pair.NgramPair: `cosines(band, shapes)`, `coarsen(factor)`, `weight`.
    """

    covers = True

    def __init__(self, x: dict[int, np.ndarray], y: dict[int, np.ndarray], weight: float = 1.0):
        self.x, self.y, self.weight = x, y, weight
        self.base = {
            (a, b): float(x[a].mean(axis=0) @ y[b].mean(axis=0)) for a in x for b in y if len(x[a]) and len(y[b])
        }

    @classmethod
    def from_texts(
        cls,
        rendering: Sequence[str],
        translation: Sequence[str],
        encoder: Encoder,
        shapes: Sequence[Shape],
        weight: float = 1.0,
    ) -> "MeaningPair":
        x_sizes = sorted({a for a, _ in shapes})
        y_sizes = sorted({b for _, b in shapes})
        texts = {
            (side, size): windows(lines, size)
            for side, lines, sizes in (("x", rendering, x_sizes), ("y", translation, y_sizes))
            for size in sizes
        }
        everything = sorted({t for group in texts.values() for t in group})
        vectors = dict(zip(everything, encoder.encode(everything))) if everything else {}

        def stack(group: list[str]) -> np.ndarray:
            return np.stack([vectors[t] for t in group]) if group else np.zeros((0, 1), dtype=np.float32)

        x = {size: stack(texts["x", size]) for size in x_sizes}
        y = {size: stack(texts["y", size]) for size in y_sizes}
        return cls(x, y, weight)

    def cosines(self, band: Band, shapes: Sequence[Shape]) -> tuple[np.ndarray, np.ndarray]:
        """Two (n + 1, len(shapes), width + 1) arrays for the bead of each shape ending at each cell: its
        rescaled cosine, and the least rescaled cosine of one of its sentences with the whole other side (a
        sentence of a merge that the other side does not say is a stowaway, whatever the merge says as a whole).
        """
        cosine = np.empty((len(band.lo), len(shapes), band.width + 1), dtype=np.float32)
        weakest = np.empty_like(cosine)
        for s, (a, b) in enumerate(shapes):
            cosine[:, s, :] = self._scaled(band, a, b, a, b)
            if a == 1 and b == 1:
                weakest[:, s, :] = cosine[:, s, :]
                continue
            worst = np.full(cosine.shape[::2], np.inf, dtype=np.float32)
            for t in range(1, a + 1) if a > 1 else ():  # original sentence i - t against the whole window
                np.minimum(worst, self._scaled(band, 1, b, t, b), out=worst)
            for u in range(1, b + 1) if b > 1 else ():  # translation sentence j - u against the whole window
                np.minimum(worst, self._scaled(band, a, 1, a, u), out=worst)
            weakest[:, s, :] = worst
        return cosine, weakest

    def _scaled(self, band: Band, a: int, b: int, back_x: int, back_y: int) -> np.ndarray:
        """x[a][i - back_x] . y[b][j - back_y] at every cell (i, j), rescaled by the (a, b) chance level."""
        base = self.base.get((a, b), 0.0)
        return (_banded(self.x[a], self.y[b], band, back_x, back_y) - base) / max(1.0 - base, 1e-3)

    def coarsen(self, factor: int):
        lags = max(max(self.x), max(self.y))
        return NgramPair(block_sum(self.x[1], factor), block_sum(self.y[1], factor), lags, self.weight)
