"""What a damage check reads and what it finds.

A check reads the translation itself, with no original and no rendering: each sentence in its paragraph and
its document (a quotation may open in one sentence and close in another; a sentence may repeat one three
paragraphs up). It returns findings: the kind of damage, the sentence it is in, the span of that sentence it
points at, and one sentence in plain words for a reader who is no specialist.

A finding's severity is fixed by its kind (SEVERITY), not by any score, so the same damage reads the same in
every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from ..severity import KINDS

# The kinds of damage, each with its fixed severity. critical: who said what or what happened may be wrong;
# major: words of the text are missing or not in English; minor: the text is intact but reads as damaged.
LOST_TEXT = "lost_text"
QUOTES = "quotes"
EDITORIAL_NOTE = "editorial_note"
FRAGMENT = "fragment"
REPEATED = "repeated"
UNTRANSLATED = "left_untranslated"
ATTRIBUTION = "attribution"

# Each kind's severity is in toolkit/severity.py, beside every other kind's, so the report's legend lists it.
SEVERITY = {
    kind: KINDS[kind].severity
    for kind in (ATTRIBUTION, LOST_TEXT, UNTRANSLATED, FRAGMENT, QUOTES, EDITORIAL_NOTE, REPEATED)
}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the translation: its text, its paragraph (sentences of one paragraph share the number)
    and, when spaCy is installed, its parse (a spaCy Doc; None otherwise)."""

    text: str
    paragraph: int
    doc: Any = None  # spaCy's Doc (no type stubs)


@dataclass(frozen=True)
class Finding:
    kind: str
    sentence: int  # index into the document's sentences
    span: tuple[int, int]  # character span in that sentence
    reason: str  # one sentence in plain words

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]


@dataclass(frozen=True)
class Check:
    """One check: its kind, whether it needs spaCy's parse, and how it reads a whole document."""

    kind: str
    run: Callable[[Sequence[Sentence]], list[Finding]]
    needs_parse: bool = False
    what: str = ""  # what it looks for, for the README


@dataclass
class Findings:
    """The damage found in one document: per sentence, and the checks that could not run (and why)."""

    by_sentence: list[list[Finding]]
    unavailable: dict[str, str] = field(default_factory=dict)

    def all(self) -> list[Finding]:
        return [f for found in self.by_sentence for f in found]


def quoted(text: str, limit: int = 40) -> str:
    """A piece of the translation as a reason quotes it: short, on one line."""
    text = " ".join(text.split())
    return text if len(text) <= limit else "..." + text[-limit:].lstrip()


def paragraphs(sentences: Sequence[Sentence]) -> list[list[int]]:
    """The sentence indices of each paragraph, in order."""
    groups: list[list[int]] = []
    last: Optional[int] = None
    for k, sentence in enumerate(sentences):
        if not groups or sentence.paragraph != last:
            groups.append([])
            last = sentence.paragraph
        groups[-1].append(k)
    return groups
