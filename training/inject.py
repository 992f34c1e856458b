"""Damage of each kind, injected into clean English text, to measure the checks (eval/benchmarks/damage.py).

Each injector takes a document (its sentences with their paragraphs, parsed where it needs a parse), a
sentence index and a seeded random generator, and returns the damaged document and the index of the sentence
that now carries the damage, or None when that sentence does not lend itself to this kind (no quotation to
break, no subordinate clause to strand, ...). The damage imitates what the seed article shows:

- lost_text: the sentence loses its end after a random word and the next sentence is glued on (not where the
  glued text is a well-formed coordination: "... and I hope ...", see _coordinated);
- quotes: a quotation loses its closing mark, or its marks are replaced by German („ “) or French (« », » «) ones;
- editorial_note: "(<the two words before>, ed.)", "(Anm. d. Red.)" or "(d. Red.)" inserted after a word;
- fragment: the sentence is replaced by its subordinate clause alone (its main clause lost), not a clause of
  "so" (a sentence opening "So you can ..." is whole English);
- repeated: the sentence is copied a few sentences further on;
- left_untranslated: the sentence's last words are replaced by the last words of its German original;
- attribution: a sentence quoting someone is copied further on with another person's name as the speaker.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from toolkit.signals.text import tokens
from toolkit.damage.base import (ATTRIBUTION, EDITORIAL_NOTE, FRAGMENT, LOST_TEXT, QUOTES, REPEATED, UNTRANSLATED, Sentence)
from toolkit.damage.quotes import DOUBLE


@dataclass(frozen=True)
class Piece:
    """A sentence of a clean document for injection: its text, paragraph, parse (spaCy Doc or None) and, where
    the data has one, its German original (for left_untranslated)."""

    text: str
    paragraph: int
    doc: object = None
    german: str = ""


Injected = Optional[tuple[list[Sentence], int]]


def _sentences(pieces: Sequence[Piece]) -> list[Sentence]:
    return [Sentence(p.text, p.paragraph, p.doc) for p in pieces]


def _replace(pieces: Sequence[Piece], k: int, texts: Sequence[str]) -> list[Sentence]:
    """The document with sentence k replaced by these texts (in k's paragraph), unparsed: the caller parses."""
    out = _sentences(pieces[:k]) + [Sentence(t, pieces[k].paragraph) for t in texts] + _sentences(pieces[k + 1:])
    return out


def lost_text(pieces: Sequence[Piece], k: int, rng: random.Random) -> Injected:
    if k + 1 >= len(pieces):
        return None
    words = list(re.finditer(r"\S+", pieces[k].text))
    following = pieces[k + 1].text
    if len(words) < 6 or not following[:1].isupper():
        return None
    cut = words[rng.randrange(3, len(words) - 2)].end()
    kept = pieces[k].text[:cut].rstrip(".,;:!?")
    if _coordinated(kept, pieces[k + 1]):
        return None
    merged = kept + " " + following
    out = _sentences(pieces[:k]) + [Sentence(merged, pieces[k].paragraph)] + _sentences(pieces[k + 2:])
    return out, k


_COORDINATORS = {"and", "but", "or", "so", "yet", "nor"}


def _coordinated(kept: str, following: Piece) -> bool:
    """A cut right after "and" (or another coordinating conjunction) before a sentence that opens with its
    subject, whose first word keeps its capital anywhere (a name, "I"): the merged text is a well-formed
    coordinated sentence ("... cucumbers, cabbage and Mamming is a rural community ..."), which no reader could
    see as damaged. (With an ordinary first word, "and He learned", the capital still shows the break.)"""
    last = kept.split()[-1].lower() if kept.split() else ""
    doc = following.doc
    if last not in _COORDINATORS or doc is None or not len(doc):
        return False
    first = doc[0]
    opens_with_subject = any(t.dep_ in ("nsubj", "nsubjpass") and t.left_edge.i == 0 for t in doc)
    return opens_with_subject and (first.text == "I" or first.tag_ in ("NNP", "NNPS"))


_PAIRS = [("\u201e", "\u201c"), ("\u00ab", "\u00bb"), ("\u00bb", "\u00ab")]


def quotes(pieces: Sequence[Piece], k: int, rng: random.Random) -> Injected:
    text = pieces[k].text
    marks = [i for i, ch in enumerate(text) if ch in DOUBLE]
    if len(marks) < 2 or len(marks) % 2:
        return None
    first, second = marks[0], marks[1]
    variant = rng.randrange(len(_PAIRS) + 1)
    if variant == len(_PAIRS):  # the closing mark lost
        damaged = text[:second] + text[second + 1:]
    else:
        opening, closing = _PAIRS[variant]
        damaged = text[:first] + opening + text[first + 1:second] + closing + text[second + 1:]
    return _replace(pieces, k, [damaged]), k


_NOTES = ["{words}, ed.", "Anm. d. Red.", "d. Red.", "{words} - ed.", "ed."]


def editorial_note(pieces: Sequence[Piece], k: int, rng: random.Random) -> Injected:
    words = list(tokens(pieces[k].text))
    if len(words) < 5:
        return None
    at = rng.randrange(2, len(words) - 1)
    context = " ".join(w.text for w in words[max(0, at - 2):at])
    note = rng.choice(_NOTES).format(words=context)
    end = words[at].end
    damaged = pieces[k].text[:end] + f" ({note})" + pieces[k].text[end:]
    return _replace(pieces, k, [damaged]), k


def fragment(pieces: Sequence[Piece], k: int, rng: random.Random) -> Injected:
    doc = pieces[k].doc
    if doc is None:
        return None
    # not a clause of "so": "So you can connect it to your tripod." is a whole English sentence
    clauses = [t for t in doc if t.dep_ == "advcl" and t.head.dep_ == "ROOT"
               and any(c.dep_ == "mark" and c.lower_ != "so" for c in t.children)]
    if not clauses:
        return None
    clause = rng.choice(clauses)
    words = list(clause.subtree)
    text = doc[words[0].i:words[-1].i + 1].text.strip(" ,;-")
    if len(text.split()) < 4:
        return None
    ending = "?" if pieces[k].text.rstrip().endswith("?") else "."
    return _replace(pieces, k, [text[0].upper() + text[1:] + ending]), k


def repeated(pieces: Sequence[Piece], k: int, rng: random.Random) -> Injected:
    if len(list(tokens(pieces[k].text))) < 10 or k + 2 >= len(pieces):
        return None
    at = min(len(pieces) - 1, k + rng.randrange(2, 6))
    copy = Sentence(pieces[k].text, pieces[at].paragraph)
    out = _sentences(pieces[:at + 1]) + [copy] + _sentences(pieces[at + 1:])
    return out, at + 1


def left_untranslated(pieces: Sequence[Piece], k: int, rng: random.Random) -> Injected:
    german = list(re.finditer(r"\S+", pieces[k].german))
    english = list(re.finditer(r"\S+", pieces[k].text))
    if len(german) < 8 or len(english) < 8:
        return None
    n = rng.randrange(4, 8)
    head = pieces[k].text[:english[-n].start()]
    tail = pieces[k].german[german[-n].start():]
    return _replace(pieces, k, [head + tail]), k


def attribution(pieces: Sequence[Piece], k: int, rng: random.Random, others: Sequence[str] = ()) -> Injected:
    doc = pieces[k].doc
    text = pieces[k].text
    if doc is None or k + 2 >= len(pieces):
        return None
    marks = [i for i, ch in enumerate(text) if ch in DOUBLE]
    if len(marks) != 2 or len(list(tokens(text[marks[0]:marks[1]]))) < 6:
        return None
    speakers = [e for e in doc.ents if e.label_ == "PERSON" and not marks[0] <= e.start_char < marks[1]]
    if not speakers:
        return None
    speaker = speakers[0]
    candidates = [o for o in others if not set(o.split()) & set(speaker.text.split())]
    if not candidates:
        return None
    damaged = text[:speaker.start_char] + rng.choice(candidates) + text[speaker.end_char:]
    at = min(len(pieces) - 1, k + rng.randrange(2, 6))
    out = _sentences(pieces[:at + 1]) + [Sentence(damaged, pieces[at].paragraph)] + _sentences(pieces[at + 1:])
    return out, at + 1


INJECTORS: dict[str, Callable[..., Injected]] = {
    LOST_TEXT: lost_text, QUOTES: quotes, EDITORIAL_NOTE: editorial_note, FRAGMENT: fragment,
    REPEATED: repeated, UNTRANSLATED: left_untranslated, ATTRIBUTION: attribution,
}
