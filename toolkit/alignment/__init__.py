"""Many-to-many sentence alignment guided by MT renderings (cost in cost.py, search in search.py).

The algorithm
-------------
Each side is cut into beads: a original sentences <-> b translation sentences, with 1 <= a, b <= max_side and
a + b <= max_bead, or a single sentence left unaligned (1-0, 0-1). The alignment is the sequence of beads of
least total price, found by dynamic programming:

    price(a-b bead) = bead - similarity + coverage * max(0, floor - weakest) + length * GaleChurch(chars)
    price(1-0 or 0-1) = skip + length * min(GaleChurch(chars, 0), skip_cap)
    similarity = weighted mean over renderings of
                 cos(v(MT of the a original sentences), v(the b translation sentences))  [forward renderings]
                 cos(v(the a original sentences), v(MT of the b translation sentences))  [reverse renderings]
                 cos(v(the a original sentences), v(the b translation sentences))        [weight `direct`]
    weakest = the same mean of the least cosine of any one sentence of the bead with the whole other side

where v() is an idf-weighted vector of hashed character 3- and 4-grams and words of the concatenated
sentences, so a merge is scored on what its sentences say together; `weakest` stops a junk line or an added
sentence from riding along inside a merge. Vectors add up, so every bead's cosine comes from pairwise dot
products and windowed norms, computed once with sparse matrix products. The knobs are cost.Settings, tuned on
the Text+Berg dev document.

The search is exact on grids up to search.FULL_CELLS cells. Larger documents are aligned coarse-to-fine: both
sides are summarised into blocks of sentences, the blocks are aligned with the same cost and search, and the
sentence-level search runs only in a band around the block path (vecalign's approximation), so time and
memory grow with n * band width rather than n * m.

With no rendering at all the price is Gale & Church's length model alone (-log prior of the shape plus the
length cost); it needs no MT and is the baseline the MT-guided cost is measured against.
"""

from __future__ import annotations

from typing import Sequence

from ..errors import ToolkitError
from ..records import Bead
from ..signature import Signature
from .cost import LengthCost, MTCost, Settings
from .meaning import Encoder, SentenceEncoder
from .search import FULL_CELLS, coarse_to_fine

MAX_SIDE = 4
MAX_BEAD = 5
# With a meaning source the beads may be one sentence larger: a literary translation splits a sentence into five
# (1-5) or pairs two with four (2-4) often enough (25 of MAC-Test's 1025 test beads are beyond 4 a side, 5 in
# all), and a merged window's embedding says so where n-grams could not. Chosen on MAC-Test's dev chapters
# (strict F1 0.844 -> 0.867; 6 a side, 7 in all: 0.864); the n-gram aligner keeps 4 / 5, and with it the
# 10k x 10k speed of `make bench`.
MEANING_MAX_SIDE = 5
MEANING_MAX_BEAD = 6
# The defaults with a meaning source, chosen on MAC-Test's dev chapters 005 and 021 (eval/benchmarks/align_mac.py):
# meaning outweighs the n-grams 12 to 1 (MT and a literary translation share few n-grams); leaving a sentence
# out costs 0.7, since with meaning a sentence that belongs to a merge says so; the length cost is nearly off
# (a free literary translation breaks Gale-Church's length model).
MEANING_SETTINGS = Settings(meaning=12.0, bead=-0.2, skip=0.7, length=0.02)
# French translations (the packaged MiniLM with the shipped French adapter, toolkit/learnt/sentence.py): chosen on
# the second half of Text+Berg's dev document (the half the encoder never trained on; never its test documents)
# among meaning weights 0.5-8 over the n-gram settings, and MEANING_SETTINGS at weights 4 and 12. Text+Berg's MT
# shares many n-grams with the translation, so meaning only helps as a light touch: weight 0.5, 5 a side / 6 in
# all, mean strict F1 of the two MTs 0.879 against the n-gram aligner's 0.877; every heavier weight was worse.
FRENCH_MEANING_SETTINGS = Settings(meaning=0.5)
BY_LANGUAGE = {"fr": FRENCH_MEANING_SETTINGS}


def meaning_settings(lang: str | None) -> Settings:
    """The cost's defaults with a meaning source for a translation in `lang`."""
    return BY_LANGUAGE.get(lang or "", MEANING_SETTINGS)


__all__ = [
    "align",
    "signature",
    "shapes",
    "bead_limits",
    "Settings",
    "MEANING_SETTINGS",
    "FRENCH_MEANING_SETTINGS",
    "meaning_settings",
    "SentenceEncoder",
    "MAX_SIDE",
    "MAX_BEAD",
    "MEANING_MAX_SIDE",
    "MEANING_MAX_BEAD",
]


def bead_limits(max_side: int | None, max_bead: int | None, meaning: bool) -> tuple[int, int]:
    """The largest bead (sentences a side, in all): what was asked, else the default with or without meaning."""
    return (
        max_side if max_side is not None else MEANING_MAX_SIDE if meaning else MAX_SIDE,
        max_bead if max_bead is not None else MEANING_MAX_BEAD if meaning else MAX_BEAD,
    )


def shapes(max_side: int = MAX_SIDE, max_bead: int = MAX_BEAD) -> list[tuple[int, int]]:
    """Bead shapes with something on both sides, smallest first."""
    found = [(a, b) for a in range(1, max_side + 1) for b in range(1, max_side + 1) if a + b <= max_bead]
    return sorted(found, key=lambda s: (s[0] + s[1], s))


def signature(
    with_mt: bool = True,
    max_side: int | None = None,
    max_bead: int | None = None,
    settings: Settings | None = None,
    meaning: str | None = None,
) -> Signature:
    """What produced an alignment, for run summaries and evaluation results.

    meaning: the embedding model's name when a meaning source was used (the method then reads mt-ngram+meaning
    and the field `meaning` names the model and its weight). max_side, max_bead: None for align's defaults."""
    max_side, max_bead = bead_limits(max_side, max_bead, bool(meaning and with_mt))
    if not with_mt:
        return Signature.of(method="gale-church", side=max_side, bead=max_bead)
    settings = settings or (MEANING_SETTINGS if meaning else Settings())
    if meaning is None:
        return Signature.of(method="mt-ngram", side=max_side, bead=max_bead, **settings.signature())
    return Signature.of(
        method="mt-ngram+meaning",
        side=max_side,
        bead=max_bead,
        meaning=f"{meaning}@{settings.meaning:g}",
        **settings.signature(),
    )


def _check(original, translation, renderings, reverse_renderings) -> None:
    for number, rendering in enumerate(renderings, 1):
        if len(rendering) != len(original):
            raise ToolkitError(
                f"rendering {number} has {len(rendering)} lines but the original has "
                f"{len(original)}: a rendering must be line-aligned with the original"
            )
    for number, rendering in enumerate(reverse_renderings, 1):
        if len(rendering) != len(translation):
            raise ToolkitError(
                f"reverse rendering {number} has {len(rendering)} lines but the translation has "
                f"{len(translation)}: a reverse rendering must be line-aligned with the translation"
            )


def align(
    original: Sequence[str],
    translation: Sequence[str],
    renderings: Sequence[Sequence[str]] = (),
    reverse_renderings: Sequence[Sequence[str]] = (),
    *,
    max_side: int | None = None,
    max_bead: int | None = None,
    settings: Settings | None = None,
    full_cells: int = FULL_CELLS,
    encoder: Encoder | None = None,
) -> list[Bead]:
    """Beads covering every sentence of both sides, in order (see the module docstring for the algorithm).

    renderings: each line-aligned with `original` (MT into the translation's language);
    reverse_renderings: each line-aligned with `translation` (MT into the original's language).
    With neither, the alignment is Gale-Church on sentence lengths alone.
    max_side, max_bead: the largest bead allowed (sentences on one side, on both sides together);
    max_side=1 gives 1-1, 1-0 and 0-1 beads only. None: 4 and 5, or 5 and 6 with a meaning source.
    full_cells: grids larger than this are searched coarse-to-fine.
    encoder: a sentence embedder for the translation's language (meaning.SentenceEncoder); with it and forward
    renderings, each bead is also priced by the embedding similarity of its merged sentences (meaning.py).
    """
    original, translation = list(original), list(translation)
    renderings = [list(r) for r in renderings]
    reverse_renderings = [list(r) for r in reverse_renderings]
    _check(original, translation, renderings, reverse_renderings)
    max_side, max_bead = bead_limits(max_side, max_bead, encoder is not None and bool(renderings))
    if max_side < 1 or max_bead < 2:
        raise ToolkitError(f"max_side must be at least 1 and max_bead at least 2 (got {max_side}, {max_bead})")
    n, m = len(original), len(translation)
    if n == 0 or m == 0:  # nothing to pair: every sentence is an omission or an addition
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    allowed = shapes(max_side, max_bead)
    if renderings or reverse_renderings:
        lags = max(max(a, b) for a, b in allowed)
        model: MTCost | LengthCost = MTCost.from_texts(
            original,
            translation,
            renderings,
            reverse_renderings,
            settings or (MEANING_SETTINGS if encoder else Settings()),
            lags,
            encoder if renderings else None,
            allowed,
        )
    else:
        model = LengthCost([len(s) for s in original], [len(t) for t in translation])
    beads, i, j = [], 0, 0
    for a, b in coarse_to_fine(model, allowed, full_cells):
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b))))
        i, j = i + a, j + b
    return beads
