"""A sentence repeated: the same words twice in one document.

A scraped article often carries a pull quote or a caption that repeats a sentence of the text word for word;
a careless edit or a machine translation of a segmented page can repeat one too. A sentence of MIN_WORDS words
or more that shares a run of contiguous words with another sentence of the document, covering at least SHARE
of it (a pull quote may change its opening: "Lukashenko fears that ..." for "... he fears that ..."), is
reported at its repetition (the later of two equal sentences; the shorter one otherwise).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Sequence

from ..signals.text import tokens
from .base import REPEATED, Check, Finding, Sentence, quoted

MIN_WORDS = 8
SHARE = 0.8


def _words(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokens(text))


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    """shorter's words, but for SHARE of them at most, in one contiguous run of longer."""
    match = SequenceMatcher(None, shorter, longer, autojunk=False).find_longest_match(0, len(shorter), 0, len(longer))
    return match.size >= max(MIN_WORDS, SHARE * len(shorter))


def find(sentences: Sequence[Sentence]) -> list[Finding]:
    words = [_words(s.text) for s in sentences]
    sets = [set(w) for w in words]
    found = []
    for k, mine in enumerate(words):
        if len(mine) < MIN_WORDS:
            continue
        for j, other in enumerate(words):
            if j == k or len(other) < len(mine) or (len(other) == len(mine) and other != mine and j < k):
                continue  # of two near-equal ones of one length, the earlier is reported
            if len(sets[k] & sets[j]) < SHARE * len(sets[k]):
                continue  # too few words in common for a long shared run: skip the costly match
            equal = other == mine
            if (equal and j < k) or (not equal and _contains(other, mine)):
                where = "earlier" if j < k else "later"
                found.append(
                    Finding(
                        REPEATED,
                        k,
                        (0, len(sentences[k].text)),
                        f"this sentence repeats, nearly word for word, one {where} in the text "
                        f'("{quoted(sentences[j].text)}"): a pull quote or a copy left in',
                    )
                )
                break
    return found


CHECK = Check(REPEATED, find, what="a sentence repeated word for word elsewhere in the document")
