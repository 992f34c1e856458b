"""Judge: beads' texts -> signals -> fusion -> verdicts. The one stage that `compare`, `score` and the
evaluation use, so that a bead gets the same verdict whichever way it came in.

Beads are measured together, CHUNK at a time (each signal family prepares its model calls over a chunk at once:
one batched embedding, one batched run of the learnt model, parser processes over all its sentences). With a
`store` (toolkit/judged_cache.py) every chunk's measurements are kept as soon as they are made, so Ctrl-C loses
at most one chunk, an interrupted run resumes where it stopped, and beads measured before (or twice in one run)
are measured once. A bead that is a gap of the alignment (an original sentence with no translation, or the
reverse) is not measured: the gap is the finding.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from . import fuse, severity, signals
from .records import Reason
from .signals import BeadTexts, Measured, Resources

OMISSION = "omission"
ADDITION = "addition"
CHUNK = 256  # beads measured together: big enough for full model batches, small enough to lose little to Ctrl-C
Progress = Optional[Callable[[str, int, int], None]]  # (stage, done, total), as render.Progress


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


def measure_all(beads: Sequence[BeadTexts], resources: Optional[Resources] = None, store=None,
                progress: Progress = None, timer=None) -> list[Measured]:
    """The signals of every bead (none a gap), CHUNK beads at a time. store: a JudgedCache to read measured
    beads from and keep new ones in; timer: what each signal family runs in, as signals.measure takes it."""
    resources = resources or Resources()
    done: dict[str, Measured] = {}
    if store is not None:
        from .judged_cache import bead_key, context

        here = context(resources)
        keys = [bead_key(here, b) for b in beads]
        done = store.get_many(keys)
    else:
        keys = [str(k) for k in range(len(beads))]
    first = {}  # each distinct bead once: the same sentence against the same renderings is one measurement
    for k, key in enumerate(keys):
        if key not in done:
            first.setdefault(key, k)
    todo = list(first.items())
    waiting = sum(1 for key in keys if key not in done)  # beads still to measure, duplicates included
    if progress:
        progress("signals", len(beads) - waiting, len(beads))  # the first call's count (cache hits) is not in the rate
    for at in range(0, len(todo), CHUNK):
        chunk = todo[at:at + CHUNK]
        measured = signals.measure([beads[k] for _, k in chunk], resources, timer)
        made = [(key, m) for (key, _), m in zip(chunk, measured)]
        if store is not None:
            store.put_many(made)  # committed now: Ctrl-C after this keeps them
        done.update(made)
        if progress:
            waiting = sum(1 for key in keys if key not in done)
            progress("signals", len(beads) - waiting, len(beads))
    return [done[key] for key in keys]


def judge(beads: Sequence[BeadTexts], threshold: float = fuse.THRESHOLD, resources: Optional[Resources] = None,
          models: Optional[dict] = None, store=None, progress: Progress = None,
          timer=None) -> list[Judged]:
    """The signals and the verdict of every bead. models: a fusion model file's content (default: the shipped
    toolkit/data/fusion.json). store: a JudgedCache (toolkit/judged_cache.py) that keeps measured beads;
    progress: called as (stage, done, total) for the "signals" and "fusion" stages; timer: what each
    signal family runs in (make bench)."""
    measured = iter(measure_all([b for b in beads if b.gap is None], resources, store, progress, timer))
    judged = []
    if progress and beads:
        progress("fusion", 0, len(beads))
    for n, bead in enumerate(beads):
        if bead.gap is not None:
            judged.append(Judged(Measured(), _gap(bead)))
        else:
            m = next(measured)
            verdict = fuse.verdict(m.values, m.reasons, len(bead.renderings) + len(bead.back_renderings),
                                   bead.lang, threshold, models)
            judged.append(Judged(m, verdict))
        if progress and (n % 512 == 511 or n == len(beads) - 1):
            progress("fusion", n + 1, len(beads))
    return judged
