"""Where a clause begins: what a stretch of words, parsed alone, opens with, and whether a name opens a clause of
its own in the middle of a sentence. The lost-text check and its learnt boundary model read these."""

from __future__ import annotations

import functools

from .. import english


def name_opens_clause(token, doc) -> bool:
    """A name right after an adverb that leaves its clause open, from which on the text is a clause of its own
    with the name as its subject, while the text before it is a clause already: "Blue Origin did not Laura
    Shepard Churchley thinks back". Not after an adverb that follows a conjunction or a comma ("and then Merkel
    said"), nor where the name's phrase began before it. After a preposition, a noun or a verb a name opens a
    clause in good English too often ("the man from Munich pushed", "the man Merkel appointed", "he believes
    Merkel will win"): measured on clean news, that cost more false alarms than it found damage."""
    previous = doc[token.i - 1]
    if (
        not (previous.is_alpha and previous.text[:1].islower())
        or previous.tag_ not in _BEFORE_NAME
        or previous.lower_ in _CLAUSE_BEFORE
    ):
        return False
    if (
        previous.tag_ == "RB"
        and previous.i > 0
        and (
            doc[previous.i - 1].tag_ == "CC"
            or doc[previous.i - 1].is_punct
            or doc[previous.i - 1].lower_ in _CLAUSE_BEFORE
        )
    ):
        return False
    head = token
    while head.dep_ in ("compound", "amod", "nmod", "poss") and head.head.i > head.i:
        head = head.head
    if head.left_edge.i < token.i:
        return False
    return opens_clause(doc.text[token.idx :], subject_first=True) and opens_clause(doc.text[: token.idx])


# the tags of the words after which a name opening a clause shows a break (did not Laura ... thinks)
_BEFORE_NAME = {"RB"}
_CLAUSE_BEFORE = set(
    "that whether if because as while when where after before since until though although unless once than like so then now also whereas why how what which who but and or".split()
)
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}


@functools.lru_cache(maxsize=4096)
def clause_kind(text: str) -> str:
    """What these words, parsed alone, begin with: "subject_first" (a finite verb with its subject, the subject
    first), "clause" (a finite verb with its subject elsewhere) or "none". A capitalised word that only ends a
    phrase ("the harbor of Tartus", "between God and man") gives none."""
    if not text.strip():
        return "none"
    first = next(english.load()(text, disable=["ner", "lemmatizer"]).sents)  # the tags and the parse suffice
    root = first.root
    finite = root.tag_ in _FINITE or any(c.tag_ in _FINITE for c in root.children if c.dep_.startswith("aux"))
    subjects = [c for c in root.children if c.dep_ in _SUBJECTS]
    if not (finite and subjects):
        return "none"
    return "subject_first" if subjects[0].left_edge.i == 0 else "clause"


def opens_clause(rest: str, subject_first: bool = False) -> bool:
    """These words, parsed alone, begin a sentence (with its subject first, if asked)."""
    kind = clause_kind(rest)
    return kind == "subject_first" if subject_first else kind != "none"
