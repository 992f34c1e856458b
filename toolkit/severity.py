"""What each severity means, and which findings always give it: one definition that the fusion, the judge and
the report's legend all read, so that a severity means the same in every run and the legend cannot disagree
with the code.

A flagged bead's severity is the highest of two: the severity of the kind of each finding that counted
(a changed number or negation is `critical` whatever the divergence, a name or a question `major`, ...), and
the cut points on the fusion's divergence (fitted by `make calibrate`) for what no kind decides.

How well a finding is confirmed caps it: where the renderings are only round trips of the translation itself
(no original, no forward rendering), what they disagree on is first of all what their engines did, and where
there is a single rendering and no original, one engine's or one translator's wording is all there is; in
neither case does anything confirm that the meaning changed, so the fusion's findings are at most UNCONFIRMED
(`major`) there (signals.BeadTexts.unconfirmed). The checks
on the translation itself (toolkit/damage) read the text, not a rendering, and keep their kind's severity.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

NONE, MINOR, MAJOR, CRITICAL = "none", "minor", "major", "critical"
ORDER = (NONE, MINOR, MAJOR, CRITICAL)


@dataclass(frozen=True)
class Kind:
    """A kind of finding with a severity of its own: a direct check's `check` (signals/base.py), an alignment
    gap, or a check on the translation itself."""

    name: str
    severity: str
    reads: str  # what it is, in words, for the legend


KINDS = {k.name: k for k in (
    Kind("numbers", CRITICAL, "a number or date changed"),
    Kind("negation", CRITICAL, "a negation added or dropped"),
    Kind("antonyms", CRITICAL, "a word turned into its opposite"),
    Kind("mood", MAJOR, "a question turned into a statement, or the reverse"),
    Kind("tense", MAJOR, "a future the original does not have"),
    Kind("entities", MAJOR, "a name missing or changed"),
    Kind("omission", MAJOR, "a sentence of the original left out"),
    Kind("addition", MAJOR, "a sentence with no counterpart in the original"),
    Kind("untranslated", MINOR, "words left untranslated"),
    # checks that read the translation itself (toolkit/damage)
    Kind("attribution", CRITICAL, "one quotation given to two different people"),
    Kind("lost_text", MAJOR, "text lost where two sentences run together"),
    Kind("left_untranslated", MAJOR, "German words left in the English text"),
    Kind("fragment", MINOR, "a sentence that is only a fragment"),
    Kind("quotes", MINOR, "quotation marks that do not match or never close"),
    Kind("editorial_note", MINOR, "a note by the editors left in the text"),
    Kind("repeated", MINOR, "a sentence repeated word for word"),
    Kind("order", MINOR, "words in an order no machine translation uses"),
)}

MEANS = {
    NONE: "not flagged: nothing here differs enough from the machine translations to ask for a reader",
    MINOR: "flagged: the wording drifts; the meaning may have shifted",
    MAJOR: "flagged: the meaning has likely changed",
    CRITICAL: "flagged: the meaning changed",
}
BY_DIVERGENCE = {MINOR: "a divergence just over the threshold", MAJOR: "a high divergence",
                 CRITICAL: "a divergence at the very top"}


UNCONFIRMED = MAJOR  # the most a finding of the renderings reaches when nothing confirms it


def capped(severity: str, unconfirmed: bool) -> str:
    """The severity as far as the evidence confirms it: at most UNCONFIRMED where nothing confirms it."""
    if unconfirmed and rank(severity) > rank(UNCONFIRMED):
        return UNCONFIRMED
    return severity


def rank(severity: str) -> int:
    return ORDER.index(severity) if severity in ORDER else 0


def highest(severities: Iterable[str]) -> str:
    return max(severities, key=rank, default=NONE)


def worst_first(judgements: Iterable) -> list:
    """The flagged judgements, worst first: by severity, then divergence, then document order (the report's
    and the terminal's order)."""
    return sorted((j for j in judgements if j.flag), key=lambda j: (-rank(j.severity), -j.divergence, j.bead))


def of_kinds(kinds: Iterable[str]) -> str:
    """The severity these kinds of finding give (none for kinds without one)."""
    return highest(KINDS[k].severity for k in kinds if k in KINDS)


def legend(severity: str) -> str:
    """The legend's line for a severity: what it means, and what always gives it."""
    if severity == NONE:
        return MEANS[NONE]
    kinds = [k.reads for k in KINDS.values() if k.severity == severity]
    return f"{MEANS[severity]}. Always for: " + ", ".join(kinds) + f"; otherwise for {BY_DIVERGENCE[severity]}"
