"""Where a new sentence starts inside one, with no punctuation before it: a learnt model.

The lost_text check's hand rules see a sentence that starts with a word that only opens sentences ("... told
IPPEN.MEDIA's Furthermore"), but not one that starts with a name or a noun ("parts of the US Governor Greg
Abbott declared ...", "said to the public Damages are now in the millions"): a capitalised word inside a
sentence is far more often a name that belongs there. What tells them apart is context a rule cannot list:
the words and tags either side, what spaCy's parser and NER make of the word, whether the text before it is
a phrase left open and the text from it a clause of its own.

So a linear model (logistic regression over binary features, the classic maximum-entropy sentence-boundary
detector) weighs that context for every candidate: a capitalised word right after a word, a number, a closing
bracket or a closing quotation mark, with nothing but space between them. It is trained by
`python -m training.train_boundary` (part of `make train`) on sentences run together by the project's own
injector (training/inject.py) in clean English that the damage benchmark never reads, and ships as
toolkit/damage/data/boundary.json: its weights, its threshold and the signature of its recipe and data.

It does not see everything: a name glued on after a noun ("the US Governor Greg Abbott") or a noun after an
adjective ("the public Damages") still reads like one good English phrase to it, and stays under its threshold
in most of the benchmark's cases of both kinds, so the check misses those.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from .. import english

MODEL = Path(__file__).resolve().parent / "data" / "boundary.json"
_CLOSERS = {")", "]", "\u201d", '"', "\u2019", "'"}
_WORD_END = re.compile(r"[^\W_]['\u2019]?s?$")


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return str(next((e for e in edges if n <= e), "more"))


def candidates(doc) -> Iterator[Any]:
    """The tokens that could open a sentence run into this one: capitalised, after a word, a number or a
    closing mark, with only space between."""
    text = doc.text
    for token in doc:
        if token.i == 0 or not token.text[:1].isupper():
            continue
        previous = doc[token.i - 1]
        between = text[previous.idx + len(previous.text) : token.idx]
        if not between or between.strip():
            continue  # no space at all (a hyphenated compound), or punctuation between
        if _WORD_END.search(previous.text) or previous.text in _CLOSERS:
            yield token


@dataclass(frozen=True)
class Context:
    """How the rest of the document writes words: those it capitalises inside other sentences (names, terms)
    and those it writes in lower case."""

    capitalised: frozenset[str]
    lowercase: frozenset[str]


class Words:
    """Where a document writes each word capitalised after a sentence's first word, and in lower case: which
    sentences, so that a sentence's context leaves out its own words."""

    def __init__(self, texts: Sequence[str]):
        self.capitalised: dict[str, set[int]] = {}
        self.lowercase: dict[str, set[int]] = {}
        for k, text in enumerate(texts):
            for m in _INSIDE_CAPITAL.finditer(text):
                self.capitalised.setdefault(m.group(1), set()).add(k)
            for m in _LOWER.finditer(text):
                self.lowercase.setdefault(m.group(0), set()).add(k)

    def context(self, these: set[int]) -> Context:
        """The words as the document's other sentences write them."""
        return Context(
            frozenset(w for w, where in self.capitalised.items() if where - these),
            frozenset(w for w, where in self.lowercase.items() if where - these),
        )


_INSIDE_CAPITAL = re.compile(r"(?<=[\w,;] )([A-Z][a-z]+)")
_LOWER = re.compile(r"\b[a-z]+\b")


def ordinary(word: str) -> bool:
    """A dictionary word (in any of its plural or verb forms), not only a name."""
    words = english.common_words()
    low = word.lower()
    forms = {low}
    for ending, stems in (("ies", ("y",)), ("es", ("",)), ("s", ("",)), ("ing", ("", "e")), ("ed", ("", "e"))):
        if low.endswith(ending):
            forms.update(low[: -len(ending)] + stem for stem in stems)
    return bool(forms & words)


def _word(token, known: frozenset[str]) -> str:
    low = token.lower_
    return low if low in known else "<" + token.shape_[:4] + ">"


def _at(doc, i: int):
    return doc[i] if 0 <= i < len(doc) else None


def _tag(token) -> str:
    return token.tag_ if token is not None else "<none>"


def _ent(token) -> str:
    return (token.ent_iob_ + "-" + token.ent_type_) if token is not None and token.ent_type_ else "O"


def features(token, doc, context: "Context", known: frozenset[str], rule_at: Optional[int] = None) -> list[str]:
    """The binary features of one candidate that its sentence's parse gives: names of what holds around it
    (word identities only for the words the model knows, tags, dependencies and entities, how the document
    writes the word elsewhere, whether the hand rules flag it)."""
    p, p2, n = _at(doc, token.i - 1), _at(doc, token.i - 2), _at(doc, token.i + 1)
    tag, ent = _tag, _ent
    word = lambda t: _word(t, known) if t is not None else "<none>"  # noqa: E731
    words = [t for t in doc if t.is_alpha]
    capitals = sum(t.text[:1].isupper() for t in words) / max(1, len(words))
    out = [
        "bias",
        "t.word=" + word(token),
        "t.tag=" + tag(token),
        "t.shape=" + token.shape_[:5],
        "t.ent=" + ent(token),
        "t.dep=" + token.dep_,
        "t.head=" + ("left" if token.head.i < token.i else "right" if token.head.i > token.i else "root"),
        "t.sent_start=" + str(bool(token.is_sent_start)),
        "t.elsewhere=" + str(token.text in context.capitalised) + "|" + str(token.lower_ in context.lowercase),
        "t.ordinary=" + str(ordinary(token.text)),
        "p.word=" + word(p),
        "p.tag=" + tag(p),
        "p.ent=" + ent(p),
        "p.dep=" + p.dep_,
        "p.capital=" + str(p.text[:1].isupper()),
        "p2.tag=" + tag(p2),
        "p2.word=" + word(p2),
        "n.tag=" + tag(n),
        "n.word=" + word(n),
        "n.ent=" + ent(n),
        "t.dep|head=" + token.dep_ + "|" + token.head.dep_ + "|" + token.head.tag_,
        "p.word|t.word=" + word(p) + "|" + word(token),
        "p.tag|t.tag=" + tag(p) + "|" + tag(token),
        "t.tag|n.tag=" + tag(token) + "|" + tag(n),
        "p.word|t.tag=" + word(p) + "|" + tag(token),
        "p.tag|t.word=" + tag(p) + "|" + word(token),
        "p2.tag|p.tag|t.tag=" + tag(p2) + "|" + tag(p) + "|" + tag(token),
        "p.tag|t.tag|n.tag=" + tag(p) + "|" + tag(token) + "|" + tag(n),
        "t.ent|p.tag=" + ent(token) + "|" + tag(p),
        "position=" + _bucket(token.i, (1, 2, 3, 5, 8, 12, 20)),
        "after=" + _bucket(len(doc) - token.i, (2, 3, 5, 8, 12, 20)),
        "title_case=" + str(round(capitals, 1)),
        "rule=" + str(token.idx == rule_at),
    ]
    return out


# what the text from a candidate on, and the text before it, parsed alone, begin with (lost_text.clause_kind)
CLAUSE_KINDS = ("subject_first", "clause", "none")


def clause_features(token, doc, rest: str, before: str) -> list[str]:
    """The features of the parser's view of the two sides of a candidate: the text from it on (rest) and the
    text before it, each parsed alone (two more parses, so the model asks for them only where they matter)."""
    p = _at(doc, token.i - 1)
    return [
        "rest.clause=" + rest,
        "before.clause=" + before,
        "clauses=" + rest + "|" + before,
        "rest.clause|p.tag=" + rest + "|" + _tag(p),
        "rest.clause|t.tag=" + rest + "|" + _tag(token),
        "rest.clause|t.ent=" + rest + "|" + _ent(token),
    ]


@dataclass(frozen=True)
class Boundaries:
    """The shipped model: a weight per feature, the threshold a candidate's probability must reach, the words it
    knows by name, and the signature of what produced it."""

    weights: dict[str, float]
    threshold: float
    known: frozenset[str]
    signature: str

    def logit(self, names: list[str]) -> float:
        return sum(self.weights.get(f, 0.0) for f in names)

    def find(self, doc, context: Context, clause_kind, skip=lambda token: False):
        """The candidate most surely opening a new sentence, with its probability, if one reaches the threshold
        (else None). clause_kind(text) parses a side; it is called only for a candidate that the best possible
        parser's view could lift to the threshold, which leaves the answer as if it were called for all."""
        cut = math.log(self.threshold / (1 - self.threshold))
        best = None
        for token in candidates(doc):
            if skip(token):
                continue
            base = self.logit(features(token, doc, context, self.known))
            reach = max(self.logit(clause_features(token, doc, r, b)) for r in CLAUSE_KINDS for b in CLAUSE_KINDS)
            if base + reach < cut:
                continue
            rest, before = clause_kind(doc.text[token.idx :]), clause_kind(doc.text[: token.idx])
            z = base + self.logit(clause_features(token, doc, rest, before))
            if z >= cut and (best is None or z > best[0]):
                best = (z, token)
        return (best[1], 1.0 / (1.0 + math.exp(-best[0]))) if best else None


@functools.cache
def load(path: Optional[str] = None) -> Optional[Boundaries]:
    """The shipped model, or None where its file is absent (the hand rules still run)."""
    file = Path(path) if path else MODEL
    if not file.is_file():
        return None
    data = json.loads(file.read_text(encoding="utf-8"))
    return Boundaries(data["weights"], data["threshold"], frozenset(data["known"]), data["signature"])
