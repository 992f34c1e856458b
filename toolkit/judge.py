"""Judge: beads' texts -> signals -> fusion -> verdicts. The one stage that `compare`, `score` and the
evaluation use, so that a bead gets the same verdict whichever way it came in.

Beads are measured together (each signal family prepares its model calls over all of them at once). A bead
that is a gap of the alignment (an original sentence with no translation, or the reverse) is not measured:
the gap is the finding.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from . import fuse, severity, signals
from .records import Reason
from .signals import BeadTexts, Measured, Resources

OMISSION = "omission"
ADDITION = "addition"


@dataclass
class Judged:
    measured: Measured
    verdict: fuse.Verdict


def _gap(bead: BeadTexts) -> fuse.Verdict:
    if bead.gap == OMISSION:
        reason = Reason(OMISSION, "this sentence of the original is left out of the translation", None,
                        "omission: the aligner paired this original sentence with no translated sentence")
    elif bead.gap == ADDITION:
        reason = Reason(ADDITION, "this sentence of the translation has no counterpart in the original",
                        (0, len(bead.translation)),
                        "addition: the aligner paired this translated sentence with no original sentence")
    else:
        raise ValueError(f"unknown gap {bead.gap!r}: {OMISSION} or {ADDITION}")
    return fuse.Verdict(1.0, True, severity.of_kinds([bead.gap]), [reason])


def judge(beads: Sequence[BeadTexts], threshold: float = fuse.THRESHOLD, resources: Optional[Resources] = None,
          models: Optional[dict] = None) -> list[Judged]:
    """The signals and the verdict of every bead. models: a fusion model file's content (default: the shipped
    toolkit/data/fusion.json)."""
    measured = iter(signals.measure([b for b in beads if b.gap is None], resources))
    judged = []
    for bead in beads:
        if bead.gap is not None:
            judged.append(Judged(Measured(), _gap(bead)))
            continue
        m = next(measured)
        verdict = fuse.verdict(m.values, m.reasons, len(bead.renderings) + len(bead.back_renderings), bead.lang,
                               threshold, models)
        judged.append(Judged(m, verdict))
    return judged
