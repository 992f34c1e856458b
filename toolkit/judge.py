"""Judge: beads' texts -> signals -> fusion -> verdicts. The one stage that `compare`, `score` and the
evaluation use, so that a bead gets the same verdict whichever way it came in.

Beads are measured together, CHUNK at a time (each signal family prepares its model calls over a chunk at once:
one batched embedding, one batched run of the learnt model, parser processes over all its sentences). With a
`store` (toolkit/judged_cache.py) every chunk's measurements are kept as soon as they are made, so Ctrl-C loses
at most one chunk, an interrupted run resumes where it stopped, and beads measured before (or twice in one run)
are measured once. A bead that is a gap of the alignment (an original sentence with no translation, or the
reverse) is not measured: the gap is the finding.

Then the damage checks (toolkit/damage/) read the translation itself, each sentence in its paragraph and
document (`Layout`; without one, each bead is a document of its own). A bead with a finding is flagged whatever
its divergence, the findings come first among its reasons, and its severity is the higher of the findings'
(fixed by their kind) and the fusion's; the divergence stays the fusion's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from . import damage, fuse, severity, signals
from .damage.base import Finding
from .records import BeadRendering, Judgement, Reason, RenderingKind
from .signals import BeadTexts, Measured, Resources

OMISSION = "omission"
ADDITION = "addition"
CHUNK = 256  # beads measured together: big enough for full model batches, small enough to lose little to Ctrl-C
Progress = Optional[Callable[[str, int, int], None]]  # (stage, done, total), as render.Progress


@dataclass
class Judged:
    measured: Measured
    verdict: fuse.Verdict
    damage: list[Finding] = field(default_factory=list)  # the damage checks' findings in this bead


@dataclass(frozen=True)
class Layout:
    """Where the beads' translations stand: the document's sentences, each one's paragraph number, and each
    bead's sentence indices (a bead's translation is its sentences joined by one space)."""

    sentences: Sequence[str]
    paragraphs: Sequence[int]
    bead_sentences: Sequence[Sequence[int]]


def _damage(beads: Sequence[BeadTexts], layout: Optional[Layout]) -> list[list[tuple[Finding, int]]]:
    """Per bead, its findings with their offset in the bead's translation."""
    per_bead: list[list[tuple[Finding, int]]] = [[] for _ in beads]
    lang = next((b.lang for b in beads if b.lang), None)
    if layout is None:  # each bead alone: one document of one paragraph each, parsed in one batch
        texts = [b.translation for b in beads]
        sentences, _ = damage.parsed(texts, [0] * len(texts)) if lang in damage.LANGUAGES else ([], None)
        for k, bead in enumerate(beads):
            if bead.translation.strip() and sentences:
                per_bead[k] = [(f, 0) for f in damage.check([sentences[k]], bead.lang).all()]
        return per_bead
    found = damage.check_texts(layout.sentences, layout.paragraphs, lang)
    for k, ids in enumerate(layout.bead_sentences):
        offset = 0
        for j in ids:
            per_bead[k] += [(f, offset) for f in found.by_sentence[j]]
            offset += len(layout.sentences[j]) + 1
    return per_bead


def _with_damage(verdict: fuse.Verdict, findings: list[tuple[Finding, int]]) -> fuse.Verdict:
    if not findings:
        return verdict
    reasons = [
        Reason(
            f.kind,
            f.reason,
            (f.span[0] + offset, f.span[1] + offset),
            f"{f.kind}: found by reading the translation itself (toolkit/damage), severity fixed by kind",
        )
        for f, offset in findings
    ]
    worst = severity.highest([verdict.severity] + [f.severity for f, _ in findings])
    return fuse.Verdict(verdict.divergence, True, worst, reasons + list(verdict.reasons))


def _gap(bead: BeadTexts) -> fuse.Verdict:
    if bead.gap == OMISSION:
        reason = Reason(
            OMISSION,
            "this sentence of the original is left out of the translation",
            None,
            "omission: the aligner paired this original sentence with no translated sentence",
        )
    elif bead.gap == ADDITION:
        reason = Reason(
            ADDITION,
            "this sentence of the translation has no counterpart in the original",
            (0, len(bead.translation)),
            "addition: the aligner paired this translated sentence with no original sentence",
        )
    else:
        raise ValueError(f"unknown gap {bead.gap!r}: {OMISSION} or {ADDITION}")
    return fuse.Verdict(1.0, True, severity.of_kinds([bead.gap]), [reason])


def measure_all(
    beads: Sequence[BeadTexts], resources: Optional[Resources] = None, store=None, progress: Progress = None, timer=None
) -> list[Measured]:
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
    first: dict[
        str, int
    ] = {}  # each distinct bead once: the same sentence against the same renderings is one measurement
    for k, key in enumerate(keys):
        if key not in done:
            first.setdefault(key, k)
    todo = list(first.items())
    waiting = sum(1 for key in keys if key not in done)  # beads still to measure, duplicates included
    if progress:
        progress("signals", len(beads) - waiting, len(beads))  # the first call's count (cache hits) is not in the rate
    for at in range(0, len(todo), CHUNK):
        chunk = todo[at : at + CHUNK]
        measured = signals.measure([beads[k] for _, k in chunk], resources, timer)
        made = [(key, m) for (key, _), m in zip(chunk, measured)]
        if store is not None:
            store.put_many(made)  # committed now: Ctrl-C after this keeps them
        done.update(made)
        if progress:
            waiting = sum(1 for key in keys if key not in done)
            progress("signals", len(beads) - waiting, len(beads))
    return [done[key] for key in keys]


def judge(
    beads: Sequence[BeadTexts],
    threshold: float = fuse.THRESHOLD,
    resources: Optional[Resources] = None,
    models: Optional[dict] = None,
    store=None,
    progress: Progress = None,
    timer=None,
    layout: Optional[Layout] = None,
    checks: bool = True,
) -> list[Judged]:
    """The signals and the verdict of every bead. models: a fusion model file's content (default: the shipped
    toolkit/data/fusion.json). store: a JudgedCache (toolkit/judged_cache.py) that keeps measured beads;
    progress: called as (stage, done, total) for the "signals" and "fusion" stages; timer: what each
    signal family runs in (make bench). layout: where the beads stand in their document, for the damage checks
    (default: each bead alone); checks=False leaves the damage checks out (the fusion alone)."""
    measured = iter(measure_all([b for b in beads if b.gap is None], resources, store, progress, timer))
    judged = []
    if progress and beads:
        progress("fusion", 0, len(beads))
    for n, bead in enumerate(beads):
        if bead.gap is not None:
            judged.append(Judged(Measured(), _gap(bead)))
        else:
            m = next(measured)
            renderings = len(bead.renderings) + len(bead.back_renderings)
            judged.append(
                Judged(m, fuse.verdict(m.values, m.reasons, renderings, bead.lang, threshold, models, bead.unconfirmed))
            )
        if progress and (n % 512 == 511 or n == len(beads) - 1):
            progress("fusion", n + 1, len(beads))
    return with_damage(judged, beads, layout) if checks else judged


def with_damage(judged: Sequence[Judged], beads: Sequence[BeadTexts], layout: Optional[Layout] = None) -> list[Judged]:
    """The judged beads of one document with the damage checks' findings added (the judge's last step; apart,
    so that beads of several documents can be measured together and checked each in its own document)."""
    found = _damage(beads, layout)
    return [Judged(j.measured, _with_damage(j.verdict, f), [x for x, _ in f]) for j, f in zip(judged, found)]


def judgement(
    index: int,
    bead: BeadTexts,
    judged: Judged,
    shares: Optional[Sequence[BeadRendering]] = None,
    original_ids: Sequence[int] = (),
    translation_ids: Sequence[int] = (0,),
) -> Judgement:
    """One judged bead as the typed record every front end writes. shares: the bead's share of each rendering
    (default: its renderings as given); each gets its own scores from the measurement."""
    if shares is None:
        shares = [BeadRendering(name, RenderingKind.OTHER, "", text) for name, text in bead.renderings.items()]
    for share in shares:
        share.scores.update(
            {
                metric: by_name[share.name]
                for metric, by_name in judged.measured.per_rendering.items()
                if share.name in by_name
            }
        )
    v = judged.verdict
    return Judgement(
        index,
        list(original_ids),
        list(translation_ids),
        bead.original,
        bead.translation,
        list(shares),
        judged.measured.values,
        v.divergence,
        v.flag,
        v.severity,
        v.reasons,
    )
