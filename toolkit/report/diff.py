"""Word-level differences between a sentence and a rendering, as character spans for highlighting.

The diff runs over word tokens only (numbers with their separators, words with inner apostrophes), compared
case-insensitively: a reader wants to see which *words* changed, and a moved comma or a capital letter from an
MT engine is noise that would bury the real change. Spans are character offsets into the original strings, so
the page can highlight the very text it prints (escaped piece by piece, never as a whole marked-up string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Mapping, Optional

Span = tuple[int, int]

_WORD = re.compile(r"\d+(?:[.,:/]\d+)*%?|\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class WordDiff:
    removed: list[Span]  # spans of `a` whose words are not in `b`
    added: list[Span]  # spans of `b` whose words are not in `a`
    similarity: float  # difflib's ratio over the word tokens, 1.0 for two texts without words


def _tokens(text: str) -> list[re.Match]:
    return list(_WORD.finditer(text))


def _spans(tokens: list[re.Match], ranges: list[tuple[int, int]]) -> list[Span]:
    """Character spans covering token ranges [i, j): one changed phrase is one highlight, punctuation inside it
    included (difflib never returns two non-equal ranges back to back, so ranges need no merging)."""
    return [(tokens[i].start(), tokens[j - 1].end()) for i, j in ranges]


def word_diff(a: str, b: str) -> WordDiff:
    a_tokens, b_tokens = _tokens(a), _tokens(b)
    matcher = SequenceMatcher(
        None, [t.group().casefold() for t in a_tokens], [t.group().casefold() for t in b_tokens], autojunk=False
    )
    removed, added = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete") and i2 > i1:
            removed.append((i1, i2))
        if op in ("replace", "insert") and j2 > j1:
            added.append((j1, j2))
    similarity = matcher.ratio() if a_tokens or b_tokens else 1.0
    return WordDiff(_spans(a_tokens, removed), _spans(b_tokens, added), similarity)


def closest(
    reference: str, candidates: Mapping[str, str], scores: Optional[Mapping[str, float]] = None
) -> Optional[str]:
    """The name of the candidate closest to `reference`; scores: {name: the run's chrF++ of that candidate}.

    The run's own chrF++ per rendering decides when every candidate has one, so the report agrees with the
    score that raised the flag; otherwise (e.g. a run without those signals) the word-level similarity does.
    Ties go to the first candidate, so the choice is stable from one rendering of the page to the next.
    """
    named = [name for name, text in candidates.items() if text]
    if not named:
        return None
    scores = scores or {}
    if all(name in scores for name in named):
        return max(named, key=lambda name: scores[name])
    return max(named, key=lambda name: word_diff(reference, candidates[name]).similarity)
