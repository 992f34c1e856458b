"""Training triplets and held-out items for the learnt divergence model.

A training *triplet* is (rendering, same, changed): `same` keeps the rendering's meaning, `changed` does not.
It gives two labelled pairs, (same, rendering) -> 0 and (changed, rendering) -> 1, and one ranking constraint:
the changed pair must score above the same pair. Triplets come from three recipes, drawn in fixed shares:
- `mqm` (real errors): one segment of wmt23_sxs_mqm_zhen; rendering and `same` are two outputs with no Major
  accuracy error by any rater, `changed` an output with one by at least 2 of 3 raters. Outputs marked by exactly
  one rater are used for neither side.
- `mqm_synth`: rendering and `same` are two clean MQM outputs, `changed` a synthetic shift of `same`.
- `wmt_synth`: two independent English translations of one German source (refs and systems), `same` possibly
  given a harmless edit, `changed` a synthetic shift of it; sometimes the rendering is `same` itself.
With probability `swap` a synthetic triplet's pairs are read the other way round (rendering first): an
omission seen from the other side is an addition, and both are meaning changes.

Held-out *items* are one translation with its renderings and a label, scored per rendering and aggregated
(mean and best = lowest divergence over renderings): MQM outputs against the other systems' outputs of the
segment, WMT outputs against other translations.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional, Sequence

from . import shifts
from .sources import Segment
from .wordnet import WordNet

SHARES = {"mqm": 0.30, "mqm_synth": 0.10, "wmt_synth": 0.60}


@dataclass(frozen=True)
class Triplet:
    rendering: str
    same: str
    changed: str
    recipe: str
    edit: str          # the shift's name, or "mqm"
    swap: bool = False

    def pairs(self) -> list[tuple[tuple[str, str], int]]:
        first = [((self.same, self.rendering), 0), ((self.changed, self.rendering), 1)]
        return [((b, a), y) for (a, b), y in first] if self.swap else first


@dataclass(frozen=True)
class Item:
    translation: str
    renderings: tuple[str, ...]
    label: int
    dataset: str
    group: str
    key: str


def clean_and_errors(segment: Segment) -> tuple[list[str], list[str]]:
    """(outputs with no rater's Major accuracy error, outputs with one by >= 2 raters), distinct texts."""
    clean, errors = [], []
    for system in sorted(segment.translations):
        text = segment.translations[system]
        count = segment.major_accuracy.get(system, 0)
        target = clean if count == 0 else errors if count >= 2 else None
        if target is not None and text not in target:
            target.append(text)
    errors = [t for t in errors if t not in clean]
    return clean, errors


def distinct(segment: Segment) -> list[str]:
    out = []
    for name in sorted(segment.translations):
        text = segment.translations[name]
        if text not in out:
            out.append(text)
    return out


class TripletMaker:
    def __init__(self, mqm: Sequence[Segment], wmt: Sequence[Segment], seed: int, wordnet: Optional[WordNet],
                 shares: dict[str, float] = SHARES, swap: float = 0.3, harmless: float = 0.5, self_rendering: float = 0.15,
                 extra_shifts: bool = False):
        self.rng = random.Random(seed)
        self.wordnet = wordnet
        self.mqm_real = [(c, e) for c, e in map(clean_and_errors, mqm) if c and e]
        self.mqm_clean = [c for c, _ in map(clean_and_errors, mqm) if len(c) >= 2]
        self.wmt = [texts for texts in map(distinct, wmt) if len(texts) >= 2]
        texts = [t for group in self.wmt for t in group[:2]] + [t for group in self.mqm_clean for t in group[:1]]
        self.pool = shifts.Pool.from_texts(texts)
        self.shares = {k: v for k, v in shares.items() if v > 0 and self._has(k)}
        if not self.shares:
            raise ValueError("no training material: every recipe lacks data")
        self.swap, self.harmless, self.self_rendering = swap, harmless, self_rendering
        self.extra_shifts = extra_shifts

    def _has(self, recipe: str) -> bool:
        return bool({"mqm": self.mqm_real, "mqm_synth": self.mqm_clean, "wmt_synth": self.wmt}[recipe])

    def _recipe(self) -> str:
        names = sorted(self.shares)
        return self.rng.choices(names, weights=[self.shares[n] for n in names])[0]

    def one(self) -> Triplet:
        while True:
            recipe = self._recipe()
            triplet = self._mqm() if recipe == "mqm" else self._synthetic(recipe)
            if triplet:
                return triplet

    def _mqm(self) -> Optional[Triplet]:
        clean, errors = self.rng.choice(self.mqm_real)
        rendering = self.rng.choice(clean)
        others = [c for c in clean if c != rendering]
        if others:
            same = self.rng.choice(others)
        else:
            edited = shifts.random_edit("harmless", rendering, self.rng, self.pool, self.wordnet)
            same = edited[1] if edited else rendering
        return Triplet(rendering, same, self.rng.choice(errors), "mqm", "mqm")

    def _synthetic(self, recipe: str) -> Optional[Triplet]:
        texts = self.rng.choice(self.mqm_clean if recipe == "mqm_synth" else self.wmt)
        rendering, base = self.rng.sample(texts, 2)
        if self.rng.random() < self.self_rendering:
            rendering = base
        shifted = shifts.random_edit("shift", base, self.rng, self.pool, self.wordnet, extra=self.extra_shifts)
        if not shifted:
            return None
        same = base
        if self.rng.random() < self.harmless or same == rendering:
            edited = shifts.random_edit("harmless", base, self.rng, self.pool, self.wordnet)
            if edited:
                same = edited[1]
        return Triplet(rendering, same, shifted[1], recipe, shifted[0], self.rng.random() < self.swap)

    def many(self, n: int) -> list[Triplet]:
        return [self.one() for _ in range(n)]


def mqm_items(segments: Sequence[Segment]) -> list[Item]:
    """Every MQM output with a clear label (0 raters or >= 2 raters with a Major accuracy error), the other
    systems' outputs of the segment as its renderings."""
    items = []
    for segment in segments:
        for system in sorted(segment.translations):
            count = segment.major_accuracy.get(system, 0)
            if count == 1:
                continue
            text = segment.translations[system]
            renderings = tuple(segment.translations[o] for o in sorted(segment.translations) if o != system)
            items.append(Item(text, renderings, int(count >= 2), segment.dataset, segment.group,
                              f"{segment.key}#{system}"))
    return items


def wmt_items(segments: Sequence[Segment], max_renderings: int = 4) -> list[Item]:
    """WMT outputs (label 0: real translations of the source) against up to `max_renderings` other ones."""
    items = []
    for segment in segments:
        names = sorted(segment.translations)
        for name in names:
            others = [segment.translations[o] for o in names if o != name][:max_renderings]
            if others:
                items.append(Item(segment.translations[name], tuple(others), 0, segment.dataset, segment.group,
                                  f"{segment.key}#{name}"))
    return items


def synthetic_items(segments: Sequence[Segment], seed: int, wordnet: Optional[WordNet], n: int,
                    extra_shifts: bool = False) -> list[Item]:
    """Held-out synthetic pairs from WMT segments: a shifted translation (1) or an untouched/harmlessly edited
    one (0) against another translation of the same source, half and half."""
    maker = TripletMaker([], segments, seed, wordnet, shares={"wmt_synth": 1.0}, swap=0.0, extra_shifts=extra_shifts)
    items = []
    for i, triplet in enumerate(maker.many(n // 2)):
        items.append(Item(triplet.same, (triplet.rendering,), 0, "synthetic", "", f"{i}:same"))
        items.append(Item(triplet.changed, (triplet.rendering,), 1, "synthetic", triplet.edit, f"{i}:{triplet.edit}"))
    return items
