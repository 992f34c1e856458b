"""Damage a careful reader sees in a translation on its own: text lost, quotation marks gone wrong, editors'
notes, fragments, repeats, German left in, one quotation given to two people.

A stage of its own, beside the signals (toolkit/signals/), because it asks a different question: not "does the
translation say what the renderings say?" but "is the text itself whole?". MT reproduces most such damage (a
broken sentence is translated faithfully), so round trips cannot see it; and keeping it out of the signals
keeps the fusion's features (and `make calibrate`'s cache) unchanged. One module per check (base.Check); each
reads the whole document (sentences with their paragraphs, and spaCy's parse where installed) and returns
typed findings (base.Finding) whose severity is fixed by their kind.

    from toolkit import damage
    found = damage.check([damage.Sentence("He told IPPEN.MEDIA's Furthermore, he said.", 0)])
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Iterator, Optional, Sequence, TypeVar

from .. import english
from ..resources import Unavailable
from ..severity import highest, rank
from . import attribution, boundary, fragments, lost_text, notes, quotes, repeated, untranslated
from .base import SEVERITY, Check, Finding, Findings, Sentence

CHECKS: tuple[Check, ...] = (
    lost_text.CHECK,
    quotes.CHECK,
    notes.CHECK,
    fragments.CHECK,
    repeated.CHECK,
    untranslated.CHECK,
    attribution.CHECK,
)
LANGUAGES = {"en"}  # the checks read English (German left in English text, English quotation marks)
Parsable = TypeVar("Parsable", bound=Any)  # a frozen dataclass with `text` and `doc`: base.Sentence, inject.Piece


def parses(nlp, texts: Iterable[str]) -> Iterator[object]:
    """spaCy's parse of each text as the checks read it (no lemmatizer: no check reads lemmas), in batches."""
    return nlp.pipe(texts, batch_size=256, disable=["lemmatizer"])


def parsed(texts: Sequence[str], paragraphs: Sequence[int]) -> tuple[list[Sentence], Optional[str]]:
    """The sentences with spaCy's parse, or without it and the reason it is unavailable."""
    try:
        nlp = english.load()
    except Unavailable as why:
        return [Sentence(t, p) for t, p in zip(texts, paragraphs)], str(why)
    return [Sentence(t, p, d) for t, p, d in zip(texts, paragraphs, parses(nlp, texts))], None


class ParseCache:
    """parses() of each distinct text, made once: for the recipes and benchmarks that meet a text many times
    (every injected copy of a document repeats its undamaged sentences)."""

    def __init__(self, nlp=None):
        self.nlp = nlp if nlp is not None else english.load()
        self.docs: dict[str, object] = {}

    def warm(self, texts: Iterable[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.docs]
        self.docs.update(zip(todo, parses(self.nlp, todo)))

    def parse(self, sentences: Sequence[Parsable]) -> list[Parsable]:
        """The sentences (Sentences, or injector Pieces), each with its parse."""
        self.warm(s.text for s in sentences if s.doc is None)
        return [s if s.doc is not None else dataclasses.replace(s, doc=self.docs[s.text]) for s in sentences]


def check(sentences: Sequence[Sentence], lang: Optional[str] = "en") -> Findings:
    """Every check over one document's sentences (parse them first with parsed() for the checks that need it).
    A language other than English gets no checks (each is named unavailable)."""
    if lang not in LANGUAGES:
        return Findings(
            [[] for _ in sentences], {c.kind: f"the damage checks read English, not {lang}" for c in CHECKS}
        )
    by_sentence: list[list[Finding]] = [[] for _ in sentences]
    unavailable = {}
    without_parse = any(s.doc is None for s in sentences)
    for c in CHECKS:
        if c.needs_parse and without_parse:
            unavailable[c.kind] = "needs spaCy's English model (" + english.INSTALL + ")"
        for finding in c.run(sentences):
            by_sentence[finding.sentence].append(finding)
    for found in by_sentence:
        found.sort(key=lambda f: (-rank(f.severity), f.span))
    return Findings(by_sentence, unavailable)


def check_texts(
    texts: Sequence[str], paragraphs: Optional[Sequence[int]] = None, lang: Optional[str] = "en"
) -> Findings:
    """check() of plain sentences (default: each its own paragraph), parsed here when spaCy is installed."""
    if lang not in LANGUAGES:
        return check([Sentence(t, k) for k, t in enumerate(texts)], lang)
    sentences, why = parsed(list(texts), list(paragraphs) if paragraphs is not None else list(range(len(texts))))
    findings = check(sentences, lang)
    if why:
        findings.unavailable = {kind: why for kind in findings.unavailable}
    return findings


def worst(findings: Iterable[Finding]) -> str:
    """The highest severity among these findings ("none" without any)."""
    return highest(f.severity for f in findings)


def unavailable(lang: Optional[str] = "en") -> dict[str, str]:
    """{check kind: why it cannot run here}: all of them for a language other than English, those that need a
    parse where spaCy is missing."""
    if lang not in LANGUAGES:
        return {c.kind: f"the damage checks read English, not {lang}" for c in CHECKS}
    try:
        english.load()
    except Unavailable as why:
        return {c.kind: str(why) for c in CHECKS if c.needs_parse}
    return {}


def signature() -> str:
    """The parser the checks read with and the learnt model of sentences run together (boundary.py)."""
    try:
        parser = english.name()
    except Unavailable:
        return "without spaCy"
    model = boundary.load()
    return f"{parser}|{model.signature if model else 'boundary:none'}"


__all__ = [
    "CHECKS",
    "SEVERITY",
    "Check",
    "Finding",
    "Findings",
    "Sentence",
    "check",
    "check_texts",
    "parsed",
    "worst",
    "signature",
    "unavailable",
]
