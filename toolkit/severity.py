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

from .records import Severity

NONE, MINOR, MAJOR, CRITICAL = Severity
ORDER = tuple(Severity)


@dataclass(frozen=True)
class Kind:
    """A kind of reason: a direct check's `check` (signals/base.py), a family's evidence, an alignment gap, or a
    check on the translation itself. Its severity (none: it gives no severity of its own), what it is in words
    for the legend, and its short label for the report's filter ("numbers and dates", not `numbers`)."""

    name: str
    severity: Severity
    reads: str
    label: str


KINDS = {
    k.name: k
    for k in (
        Kind("numbers", CRITICAL, "a number or date changed", "numbers and dates"),
        Kind("negation", CRITICAL, "a negation added or dropped", "negations"),
        Kind("antonyms", CRITICAL, "a word turned into its opposite", "opposites"),
        Kind("mood", MAJOR, "a question turned into a statement, or the reverse", "questions and tense"),
        Kind("tense", MAJOR, "a future the original does not have", "questions and tense"),
        Kind("entities", MAJOR, "a name missing or changed", "names"),
        Kind("omission", MAJOR, "a sentence of the original left out", "sentence left out"),
        Kind("addition", MAJOR, "a sentence with no counterpart in the original", "sentence added"),
        Kind("untranslated", MINOR, "words left untranslated", "untranslated words"),
        # checks that read the translation itself (toolkit/damage)
        Kind("attribution", CRITICAL, "one quotation given to two different people", "one quotation, two speakers"),
        Kind("lost_text", MAJOR, "text lost where two sentences run together", "text lost"),
        Kind("left_untranslated", MAJOR, "German words left in the English text", "German left in"),
        Kind("fragment", MINOR, "a sentence that is only a fragment", "sentence fragments"),
        Kind("quotes", MINOR, "quotation marks that do not match or never close", "quotation marks"),
        Kind("editorial_note", MINOR, "a note by the editors left in the text", "editors' notes"),
        Kind("repeated", MINOR, "a sentence repeated word for word", "repeated sentences"),
        Kind("order", MINOR, "words in an order no machine translation uses", "broken grammar"),
        # evidence with no severity of its own: the divergence decides
        Kind("source", NONE, "words of the original the renderings translate", "words of the original"),
        Kind("grammar", NONE, "grammar no rendering breaks", "broken grammar"),
        Kind("lexical_unsupported", NONE, "words no machine translation has", "words no machine translation has"),
        Kind("overlap", NONE, "wording far from the renderings", "wording far from the machine translations"),
        Kind("lexical", NONE, "wording far from the renderings", "wording far from the machine translations"),
        Kind(
            "consensus",
            NONE,
            "wording far from what the renderings agree on",
            "wording far from the machine translations",
        ),
        Kind("length", NONE, "a length unlike the renderings'", "length"),
        Kind("embedding", NONE, "meaning far from the renderings", "meaning far from the machine translations"),
        Kind("learnt", NONE, "meaning far from the renderings", "meaning far from the machine translations"),
        Kind("coverage", NONE, "words of the original not covered", "words of the original"),
    )
}

MEANS = {
    NONE: "not flagged: nothing here differs enough from the machine translations to ask for a reader",
    MINOR: "flagged: the wording drifts; the meaning may have shifted",
    MAJOR: "flagged: the meaning has likely changed",
    CRITICAL: "flagged: the meaning changed",
}
BY_DIVERGENCE = {
    MINOR: "a divergence just over the threshold",
    MAJOR: "a high divergence",
    CRITICAL: "a divergence at the very top",
}


UNCONFIRMED = MAJOR  # the most a finding of the renderings reaches when nothing confirms it


def capped(severity: Severity, unconfirmed: bool) -> Severity:
    """The severity as far as the evidence confirms it: at most UNCONFIRMED where nothing confirms it."""
    if unconfirmed and rank(severity) > rank(UNCONFIRMED):
        return UNCONFIRMED
    return severity


def rank(severity: str) -> int:
    return ORDER.index(severity) if severity in ORDER else 0


def highest(severities: Iterable[str]) -> Severity:
    return Severity(max(severities, key=rank, default=NONE))


def worst_first(judgements: Iterable) -> list:
    """The flagged judgements, worst first: by severity, then divergence, then document order (the report's
    and the terminal's order)."""
    return sorted((j for j in judgements if j.flag), key=lambda j: (-rank(j.severity), -j.divergence, j.bead))


def of_kinds(kinds: Iterable[str]) -> Severity:
    """The severity these kinds of finding give (none for kinds without one)."""
    return highest(KINDS[k].severity for k in kinds if k in KINDS)


def legend(severity: Severity) -> str:
    """The legend's line for a severity: what it means, and what always gives it."""
    if severity == NONE:
        return MEANS[NONE]
    kinds = [k.reads for k in KINDS.values() if k.severity == severity]
    return f"{MEANS[severity]}. Always for: " + ", ".join(kinds) + f"; otherwise for {BY_DIVERGENCE[severity]}"
