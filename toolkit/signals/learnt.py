"""The learnt divergence model as a signal family (English translations): how likely, by the model trained here
on real translations (toolkit/learnt, `make train`), the translation and each rendering differ in meaning.

Every (translation, rendering) pair of the beads is scored in one batched call in `prepare`, which gives
measure their probabilities. Signals: `learnt_best` (the probability against the closest rendering: low when any rendering
says the same) and `learnt_median` (against the median rendering). Without the model (not trained, torch or
the base package missing) the signals are absent and the fusion uses a model fitted without them.
"""

from __future__ import annotations

import statistics
from typing import Optional

from ..resources import Unavailable
from .base import LEARNT, BeadTexts, Family, Measured, Resources, Signal

LANGUAGES = {"en"}  # the base model and the training data are English


Pairs = dict[tuple[str, str], float]  # (translation, rendering) -> the probability that the meaning differs


class Scores:
    """The loaded model, scoring (translation, rendering) pairs in batches."""

    def __init__(self, model):
        self.model = model
        self.name = str(model.signature)

    def of_pairs(self, pairs) -> Pairs:
        todo = sorted(set(pairs))
        return dict(zip(todo, (round(float(p), 4) for p in self.model.score(todo)))) if todo else {}


_SHARED: list[Scores] = []


def default() -> Scores:
    """The shipped model, loaded once per process; Unavailable says why not."""
    if not _SHARED:
        from .. import learnt
        from ..errors import ToolkitError

        ok, why = learnt.available()
        if not ok:
            raise Unavailable(why)
        try:
            _SHARED.append(Scores(learnt.load()))
        except ToolkitError as err:
            raise Unavailable(str(err)) from None
    return _SHARED[0]


def available() -> tuple[bool, str]:
    """Whether the model can be loaded, without loading it (no torch)."""
    if _SHARED:
        return True, _SHARED[0].name
    from .. import learnt

    return learnt.available()


def _scores(bead: BeadTexts, resources: Resources):
    return resources.get("learnt", default) if bead.lang in LANGUAGES and bead.renderings else None


def prepare(beads, resources: Resources) -> Optional[Pairs]:
    wanted = [b for b in beads if b.lang in LANGUAGES and b.renderings]
    scores = _scores(wanted[0], resources) if wanted else None
    return scores.of_pairs((b.translation, r) for b in wanted for r in b.renderings.values()) if scores else None


def measure(bead: BeadTexts, resources: Resources, prepared: Optional[Pairs] = None) -> Measured:
    scores = _scores(bead, resources)
    if scores is None:
        return Measured()
    pairs = [(bead.translation, r) for r in bead.renderings.values()]
    if prepared is None or any(p not in prepared for p in pairs):  # measured alone, not in a batch
        prepared = scores.of_pairs(pairs)
    found = [prepared[p] for p in pairs]
    return Measured({"learnt_best": min(found), "learnt_median": round(statistics.median(found), 4)})


_CHANGED = "a model trained on real translations reads a change of meaning against the machine translations"
FAMILY = Family(
    "learnt",
    (
        Signal(
            "learnt_best",
            "learnt model: probability that the meaning differs from the closest rendering",
            _CHANGED,
            needs=frozenset({LEARNT}),
        ),
        Signal(
            "learnt_median",
            "learnt model: probability that the meaning differs from the median rendering",
            _CHANGED,
            needs=frozenset({LEARNT}),
        ),
    ),
    measure,
    prepare,
    module="learnt.py",
    when="English, learnt model installed",
    all_cores=True,
)
