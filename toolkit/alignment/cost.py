"""What a bead costs: MT similarity of the merged sentences, a Gale-Church length prior, a price per shape.

Two models share one interface (see search.CostModel): `LengthCost` is Gale & Church (1993) alone, for when
there is no MT and as the evaluation baseline; `MTCost` adds how close the translation sentences are to the MT
renderings of the original sentences (and the original sentences to the reverse renderings of the translation
sentences), averaged over every rendering given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from scipy.special import log_ndtr

from . import features
from .meaning import Encoder, MeaningPair
from .ngram_pair import NgramPair
from .search import Band, Shape


@dataclass(frozen=True)
class Settings:
    """Every knob of the MT cost. The defaults were chosen on the Text+Berg dev document (never its test
    documents), among the settings that leave a sentence the translation dropped unaligned (tests/test_align.py)."""

    orders: tuple[int, ...] = (3, 4)  # character n-gram lengths
    words: float = 1.0  # weight of whole words beside the character n-grams
    direct: float = 0.3  # weight of original-vs-translation n-grams (names, numbers, cognates) beside the MT
    bead: float = -0.05  # constant price of any bead with both sides (negative: aligning is rewarded a little)
    skip: float = 0.0  # price of a 1-0 or 0-1 bead, before its Gale-Church length cost
    coverage: float = 4.0  # weight of the shortfall of a merge's least-explained sentence below `floor`
    floor: float = 0.05
    length: float = 0.05  # weight of the Gale-Church length cost (of beads and of skips)
    skip_cap: float = 2.0  # most Gale-Church cost a skip pays, so a long sentence the translation dropped
    # is still cheaper to leave out than to smuggle into a neighbouring bead
    variance: float = 6.8  # Gale-Church variance of the length difference per character
    meaning: float = 1.0  # weight of each forward rendering's embedding similarity (meaning.py), when an
    # encoder is given, beside weight 1 for its n-gram similarity

    def signature(self) -> dict[str, str]:
        """The cost's settings as signature fields."""
        return {
            "char": ",".join(str(o) for o in self.orders),
            "words-idf": f"{self.words:g}",
            "direct": f"{self.direct:g}",
            "bead-cost": f"{self.bead:g}",
            "skip": f"{self.skip:g}",
            "cover": f"{self.coverage:g}@{self.floor:g}",
            "len": f"{self.length:g}",
            "var": f"{self.variance:g}",
            "skipcap": f"{self.skip_cap:g}",
        }


# Gale & Church's bead priors (1-1 .89, 1-0/0-1 .0099, 2-1/1-2 .089, 2-2 .011), extended with small ones for
# the larger shapes they did not model.
GC_PRIORS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2, (2, 2): 0.011}
GC_OTHER = 0.001


def gale_church(l1: np.ndarray, l2: np.ndarray, ratio: float, variance: float) -> np.ndarray:
    """-log P(|delta| this large) for character lengths l1 (original side) and l2 (translation side)."""
    mean = (l1 + l2 / ratio) / 2.0
    delta = (l2 - ratio * l1) / np.sqrt(variance * np.maximum(mean, 1.0))
    return -(np.log(2.0) + log_ndtr(-np.abs(delta)))


def _window_sums(values: np.ndarray, a: int) -> np.ndarray:
    """(len + 1,): sum of the `a` values before each position (0 where fewer than `a` exist)."""
    prefix = np.concatenate([[0.0], np.cumsum(values, dtype=float)])
    out = np.zeros(len(values) + 1)
    out[a:] = prefix[a:] - prefix[:-a] if a else 0.0
    return out


class _Lengths:
    """Character lengths of both sides and the gathers every model needs."""

    def __init__(self, original_lengths, translation_lengths):
        self.lo = np.asarray(original_lengths, dtype=float)
        self.lt = np.asarray(translation_lengths, dtype=float)
        self.n, self.m = len(self.lo), len(self.lt)
        self.ratio = max(self.lt.sum(), 1.0) / max(self.lo.sum(), 1.0)

    def coarse_lengths(self, factor: int) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.add.reduceat(self.lo, np.arange(0, self.n, factor)) if self.n else self.lo,
            np.add.reduceat(self.lt, np.arange(0, self.m, factor)) if self.m else self.lt,
        )

    def length_costs(self, band: Band, shapes: Sequence[Shape], variance: float) -> np.ndarray:
        cols = np.minimum(band.columns(), self.m)
        out = np.empty((self.n + 1, len(shapes), band.width + 1))
        for s, (a, b) in enumerate(shapes):
            l1 = _window_sums(self.lo, a)[:, None]
            l2 = _window_sums(self.lt, b)[cols]
            out[:, s, :] = gale_church(l1, l2, self.ratio, variance)
        return out


class LengthCost(_Lengths):
    """Gale & Church: the length cost plus -log of the prior of the bead's shape."""

    def __init__(self, original_lengths, translation_lengths, variance: float = 6.8):
        super().__init__(original_lengths, translation_lengths)
        self.variance = variance
        prior_skip = -np.log(GC_PRIORS[(1, 0)])
        self.skip_original = prior_skip + gale_church(self.lo, 0.0 * self.lo, self.ratio, variance)
        self.skip_translation = prior_skip + gale_church(0.0 * self.lt, self.lt, self.ratio, variance)

    def costs(self, band: Band, shapes: Sequence[Shape]) -> np.ndarray:
        prior = np.array([-np.log(GC_PRIORS.get(s, GC_OTHER)) for s in shapes])
        return self.length_costs(band, shapes, self.variance) + prior[None, :, None]

    def coarsen(self, factor: int) -> "LengthCost":
        return LengthCost(*self.coarse_lengths(factor), variance=self.variance)


class MTCost(_Lengths):
    """Price of an a-b bead = bead - similarity + coverage * max(0, floor - weakest) + length * GC(a, b).

    similarity: the weighted mean, over the renderings, of the cosine between idf-weighted n-gram vectors of
    concatenated sentences: the translation sentences j-b..j-1 against each forward rendering of the original
    sentences i-a..i-1, the original sentences against each reverse rendering of the translation sentences,
    and (weight `direct`) the original sentences against the translation sentences themselves.
    weakest: the same mean of the least cosine of one sentence of the bead with the whole other side.
    A 1-0 or 0-1 bead costs skip + length * min(GC(sentence, nothing), skip_cap).
    """

    def __init__(self, pairs: list[NgramPair | MeaningPair], original_lengths, translation_lengths, settings: Settings):
        super().__init__(original_lengths, translation_lengths)
        self.pairs, self.settings = pairs, settings
        # Gale-Church prices leaving a sentence out by its length too (up to a cap): a stray "- _-" line is
        # cheap to drop, which keeps junk lines from riding along inside merges
        st = settings
        self.skip_original = st.skip + st.length * np.minimum(
            gale_church(self.lo, 0.0 * self.lo, self.ratio, st.variance), st.skip_cap
        )
        self.skip_translation = st.skip + st.length * np.minimum(
            gale_church(0.0 * self.lt, self.lt, self.ratio, st.variance), st.skip_cap
        )

    @classmethod
    def from_texts(
        cls,
        original: list[str],
        translation: list[str],
        renderings: Sequence[Sequence[str]],
        reverse_renderings: Sequence[Sequence[str]],
        settings: Settings,
        lags: int,
        encoder: Optional["Encoder"] = None,
        shapes: Sequence[Shape] = (),
    ) -> "MTCost":
        """encoder: embeds the forward renderings and the translation (they share its language), adding a
        meaning source per forward rendering (meaning.py) over the bead shapes given."""

        def counts(texts):
            return features.ngram_counts(list(texts), settings.orders, words=settings.words)

        pairs: list[NgramPair | MeaningPair] = []
        s, t = counts(original), counts(translation)
        if renderings:
            fwd = [counts(r) for r in renderings]
            idf = features.idf_weights(t, *fwd)
            pairs += [NgramPair(features.weighted(f, idf), features.weighted(t, idf), lags) for f in fwd]
        if reverse_renderings:
            rev = [counts(r) for r in reverse_renderings]
            idf = features.idf_weights(s, *rev)
            pairs += [NgramPair(features.weighted(s, idf), features.weighted(r, idf), lags) for r in rev]
        if encoder is not None:
            pairs += [MeaningPair.from_texts(r, translation, encoder, shapes, settings.meaning) for r in renderings]
        if settings.direct:
            idf = features.idf_weights(s, t)
            pairs.append(NgramPair(features.weighted(s, idf), features.weighted(t, idf), lags, settings.direct))
        return cls(pairs, [len(x) for x in original], [len(y) for y in translation], settings)

    def costs(self, band: Band, shapes: Sequence[Shape]) -> np.ndarray:
        st = self.settings
        total = sum(p.weight for p in self.pairs)
        # only the n-gram sources say how well each sentence of a merge is explained (meaning.py's do not)
        covering = sum(p.weight for p in self.pairs if p.covers)
        similarity: np.ndarray | float = 0.0
        weakest: np.ndarray | float = 0.0
        for p in self.pairs:
            cos, least = p.cosines(band, shapes)
            similarity = similarity + (p.weight / total) * cos
            if p.covers:
                weakest = weakest + (p.weight / covering) * least
        out = np.asarray(st.bead - similarity)
        if st.coverage and covering:
            out += st.coverage * np.maximum(0.0, st.floor - weakest)
        if st.length:
            out += st.length * self.length_costs(band, shapes, st.variance)
        return out

    def coarsen(self, factor: int) -> "MTCost":
        return MTCost([p.coarsen(factor) for p in self.pairs], *self.coarse_lengths(factor), self.settings)
