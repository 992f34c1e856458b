"""Mood and tense: a statement turned into a question (or back), and a tense the renderings do not use.

Both change what a sentence asserts while leaving nearly every content word in place, so word support and
chrF hardly move ("The talks failed." / "Did the talks fail?"). A question is seen by its question marks, which
survive translation, so the original is a direct witness too. Tense is read off English auxiliaries, which
carry it in a few closed-class words (was / is / will be, had / has); a lexical verb whose form changed is
already a word no rendering has (lexical.py).

Signals: `question_mismatch` (|translation's question marks - the renderings' most common count|),
`question_source_mismatch` (the same against the original, only with an original), `tense_mismatch` (English
only: the distance between the translation's counts of past, present and future auxiliaries and the
renderings' median counts), `future_unsupported` (English translation of a German original: 1 when the
translation has more future auxiliaries than the renderings' median and the original has no form of "werden",
which German needs for a future; "wird" also makes a passive, so a passive original never fires it). On DEMETR
it fired on 20 of 70 tense-shifted rows and 1 of 70 unshifted translations (reference setting), 14 of 35 and
none of 623 (WMT21 setting).
"""

from __future__ import annotations

import statistics
from typing import Any, Optional

from ..records import Reason
from .base import BeadTexts, Family, Measured, Resources, Signal
from .negation import agreed_count
from .text import fold, tokens

PAST = {"was", "were", "had", "did", "wasn't", "weren't", "hadn't", "didn't"}
PRESENT = {"is", "are", "am", "has", "have", "does", "do", "isn't", "aren't", "hasn't", "haven't", "doesn't", "don't"}
FUTURE = {"will", "shall", "won't", "'ll"}
FUTURE_MARKERS = {"de": {fold(w) for w in "werde wirst wird werden werdet würde würdest würden würdet".split()}}


def questions(text: str) -> int:
    return text.count("?") + text.count("\u00bf")


def tense_profile(text: str) -> tuple[int, int, int]:
    words = [t.key for t in tokens(text)]
    return (
        sum(w in PAST for w in words),
        sum(w in PRESENT for w in words),
        sum(w in FUTURE or w.endswith("'ll") for w in words),
    )


def mood_signals(
    translation: str,
    renderings: dict[str, str],
    original: str = "",
    lang: Optional[str] = None,
    original_lang: Optional[str] = None,
) -> tuple[dict[str, float], list[Reason]]:
    if not renderings:
        return {}, []
    texts = list(renderings.values())
    ours = questions(translation)
    agreed = agreed_count([questions(t) for t in texts], ours)
    values = {"question_mismatch": float(abs(ours - agreed))}
    reasons = []
    if ours != agreed:
        reasons.append(
            Reason(
                "mood",
                "this translation asks a question where the machine translations make a statement"
                if ours > agreed
                else "this translation makes a statement where the machine translations ask a question",
                None,
                f"mood: {ours} question(s) in the translation, {agreed} in most renderings",
            )
        )
    if original:
        values["question_source_mismatch"] = float(abs(ours - questions(original)))
    if lang == "en":
        profiles = [tense_profile(t) for t in texts]
        median = [statistics.median(p[k] for p in profiles) for k in range(3)]
        ours_tense = tense_profile(translation)
        values["tense_mismatch"] = float(sum(abs(a - b) for a, b in zip(ours_tense, median)))
        if original and original_lang in FUTURE_MARKERS:
            markers = FUTURE_MARKERS[original_lang] & {t.key for t in tokens(original)}
            future = ours_tense[2] > median[2] and not markers
            values["future_unsupported"] = float(future)
            if future:
                reasons.append(
                    Reason(
                        "mood",
                        "this translation speaks of the future; the original and the machine translations do not",
                        None,
                        f"mood: {ours_tense[2]} future auxiliaries, renderings' median {median[2]:g}, "
                        "no future marker in the original",
                    )
                )
    return values, reasons


def measure(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    values, reasons = mood_signals(bead.translation, bead.renderings, bead.original, bead.lang, bead.original_lang)
    if bead.one_round_trip_alone:  # one engine's question mark is its own: kept for the model, not a check
        values["question_mismatch"] = 0.0
        reasons = [r for r in reasons if r.signal != "mood"]
    return Measured(values, reasons)


FAMILY = Family(
    "mood",
    (
        Signal(
            "question_mismatch",
            "questions in the translation against most renderings",
            "a question became a statement, or the reverse",
            check="mood",
            cap=2.0,
            evidence="mood",
        ),
        Signal(
            "question_source_mismatch",
            "questions in the translation against the original",
            "this translation asks a question where the original makes a statement, or the reverse",
            neutral=0.0,
            cap=2.0,
            evidence="mood",
        ),
        Signal(
            "tense_mismatch",
            "past, present and future auxiliaries against the renderings' median (English)",
            "the tense differs from the machine translations",
            neutral=0.0,
            cap=4.0,
            evidence="mood",
        ),
        Signal(
            "future_unsupported",
            "a future the German original does not have",
            "the translation speaks of the future; the original does not",
            neutral=0.0,
            check="tense",
            evidence="mood",
        ),
        Signal(
            "question_confirmed",
            "the renderings and the original both ask differently",
            "a question became a statement, or the reverse: the original and the machine translations agree",
            check="mood",
            evidence="mood",
            parts=("question_mismatch", "question_source_mismatch"),
        ),
    ),
    measure,
    module="mood.py",
    when="a rendering",
)
