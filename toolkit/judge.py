"""Judge: beads' texts -> signals -> fusion -> verdicts. The one stage that `compare`, `score` and the
evaluation use, so that a bead gets the same verdict whichever way it came in.

Beads are measured together (each signal family prepares its model calls over all of them at once). A bead
that is a gap of the alignment (an original sentence with no translation, or the reverse) is not measured:
the gap is the finding.

Then the damage checks (toolkit/damage/) read the translation itself, each sentence in its paragraph and
document (`Layout`; without one, each bead is a document of its own). A bead with a finding is flagged whatever
its divergence, the findings come first among its reasons, and its severity is the higher of the findings'
(fixed by their kind) and the fusion's; the divergence stays the fusion's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from . import damage, fuse, signals
from .damage.base import RANK, Finding
from .records import Reason
from .signals import BeadTexts, Measured, Resources

OMISSION = "omission"
ADDITION = "addition"


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
    reasons = [Reason(f.kind, f.reason, (f.span[0] + offset, f.span[1] + offset)) for f, offset in findings]
    severity = max([verdict.severity] + [f.severity for f, _ in findings], key=RANK.__getitem__)
    return fuse.Verdict(verdict.divergence, True, severity, reasons + list(verdict.reasons))


def _gap(bead: BeadTexts) -> fuse.Verdict:
    if bead.gap == OMISSION:
        reason = Reason(OMISSION, "this original sentence has no counterpart in the translation")
    elif bead.gap == ADDITION:
        reason = Reason(ADDITION, "this translated sentence has no counterpart in the original",
                        (0, len(bead.translation)))
    else:
        raise ValueError(f"unknown gap {bead.gap!r}: {OMISSION} or {ADDITION}")
    return fuse.Verdict(1.0, True, "major", [reason])


def judge(beads: Sequence[BeadTexts], threshold: float = fuse.THRESHOLD, resources: Optional[Resources] = None,
          models: Optional[dict] = None, layout: Optional[Layout] = None, checks: bool = True) -> list[Judged]:
    """The signals and the verdict of every bead. models: a fusion model file's content (default: the shipped
    toolkit/data/fusion.json). layout: where the beads stand in their document, for the damage checks
    (default: each bead alone); checks=False leaves the damage checks out (the fusion alone)."""
    measured = iter(signals.measure([b for b in beads if b.gap is None], resources))
    found = _damage(beads, layout) if checks else [[] for _ in beads]
    judged = []
    for bead, findings in zip(beads, found):
        if bead.gap is not None:
            judged.append(Judged(Measured(), _with_damage(_gap(bead), findings), [f for f, _ in findings]))
            continue
        m = next(measured)
        verdict = fuse.verdict(m.values, m.reasons, len(bead.renderings) + len(bead.back_renderings), bead.lang,
                               threshold, models)
        judged.append(Judged(m, _with_damage(verdict, findings), [f for f, _ in findings]))
    return judged
