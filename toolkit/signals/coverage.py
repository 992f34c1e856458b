"""Coverage of the original: words of the original the translation drops, words it adds that the original lacks.

Comparing the translation with its renderings alone cannot tell a dropped word from a rendering's free choice:
the one reference says "already", the translation does not, and either may be right. A German-English
dictionary (dictionary.py) anchors the comparison in the original:
- `source_dropped`: of the original's content words that the renderings translate (a translation of the word
  is in at least half of them), the share that has no translation in the translation. A removed noun, verb or
  subject shows here; a paraphrase of the renderings' wording does not, if the translation still renders
  the word its own way;
- `source_unanchored`: the share of the translation's content words that translate no word of the original
  and are in no rendering: an added word, an antonym or a hypernym put in the place of the original's word;
- `source_copied`: how many of the translation's words are German words of the original left as they were
  (Saison, Koalition, Kalifornien) where the renderings have the dictionary's translation (season, coalition,
  California). The name check tolerates such spellings on purpose (Lukaschenko = Lukashenko), so without the
  dictionary `untranslated` cannot tell a cognate left untranslated from a transliterated name. Words the
  dictionary also knows as English (Film, Hamburger) are never counted.

Only for a German original and an English translation, with the dictionary installed; otherwise absent.
"""

from __future__ import annotations

from typing import Any, Optional

from ..records import Reason
from . import dictionary
from .base import BeadTexts, Family, Measured, Resources, Signal
from .text import Token, content, tokens


def _stems(text: str) -> set[str]:
    return {dictionary.stem(t.key) for t in tokens(text)}


def dropped(
    lexicon: dictionary.Dictionary, original: str, translation: str, renderings: list[str]
) -> tuple[list[Token], int]:
    """(the original's content words the renderings translate and the translation does not, how many they
    translate)."""
    ours = _stems(translation)
    theirs = [_stems(r) for r in renderings]
    anchored, lost = 0, []
    for word in content(tokens(original)):
        options = lexicon.translations(word.key)
        votes = sum(bool(options & stems) for stems in theirs)
        if votes and votes * 2 >= len(theirs):
            anchored += 1
            if not options & ours:
                lost.append(word)
    return lost, anchored


def unanchored(
    lexicon: dictionary.Dictionary, original: str, translation: str, renderings: list[str]
) -> tuple[list[Token], int]:
    """(the translation's content words that translate no word of the original and no rendering has, of how
    many)."""
    known = set().union(*(lexicon.translations(t.key) for t in tokens(original)), *(_stems(r) for r in renderings))
    ours = content(tokens(translation))
    return [t for t in ours if dictionary.stem(t.key) not in known], len(ours)


def copied(lexicon: dictionary.Dictionary, original: str, translation: str, renderings: list[str]) -> list[Token]:
    """The translation's words that are the original's German words where the renderings translate them."""
    source = _stems(original)
    theirs = [_stems(r) for r in renderings]
    found = []
    for word in content(tokens(translation)):
        own = dictionary.stem(word.key)
        options = lexicon.entry(word.key)
        if own not in source or options is None or word.key in lexicon.english:
            continue
        kept = sum(own in stems for stems in theirs)
        translated = sum(bool((options - {own}) & stems) for stems in theirs)
        if translated * 2 >= len(theirs) and kept * 2 < len(theirs):
            found.append(word)
    return found


def coverage_signals(
    translation: str,
    renderings: dict[str, str],
    original: str,
    original_lang: Optional[str],
    lang: Optional[str],
    lexicon: Optional[dictionary.Dictionary],
) -> tuple[dict[str, float], list[Reason]]:
    if lexicon is None or not original or not renderings or (original_lang, lang) != dictionary.LANGUAGES:
        return {}, []
    texts = list(renderings.values())
    lost, anchored = dropped(lexicon, original, translation, texts)
    added, total = unanchored(lexicon, original, translation, texts)
    kept = copied(lexicon, original, translation, texts)
    reasons = [
        Reason(
            "source",
            f'the original\'s "{w.text}" is not translated here; the machine translations translate it',
            None,
            "source_dropped: by the German-English dictionary",
        )
        for w in lost
    ]
    reasons += [
        Reason(
            "source",
            f'"{t.text}" here translates no word of the original, and no machine translation has it',
            (t.start, t.end),
            "source_unanchored: by the German-English dictionary",
        )
        for t in added
    ]
    reasons += [
        Reason(
            "source",
            f'"{t.text}" is the original\'s German word, left untranslated; the machine translations translate it',
            (t.start, t.end),
            "source_copied: by the German-English dictionary",
        )
        for t in kept
    ]
    return {
        "source_dropped": round(len(lost) / max(anchored, 1), 4),
        "source_unanchored": round(len(added) / max(total, 1), 4),
        "source_copied": float(len(kept)),
    }, reasons


def measure(bead: BeadTexts, resources: Resources, prepared: Any = None) -> Measured:
    lexicon = resources.get("lexicon", dictionary.default) if _wanted(bead) else None
    values, reasons = coverage_signals(
        bead.translation, bead.renderings, bead.original, bead.original_lang, bead.lang, lexicon
    )
    return Measured(values, reasons)


def _wanted(bead: BeadTexts) -> bool:
    return bool(bead.original) and (bead.original_lang, bead.lang) == dictionary.LANGUAGES


FAMILY = Family(
    "coverage",
    (
        Signal(
            "source_dropped",
            "share of the original's words the renderings translate and the translation does not",
            "words of the original are not translated here",
            neutral=0.0,
            evidence="source",
        ),
        Signal(
            "source_unanchored",
            "share of the translation's words that translate nothing of the original",
            "words of the translation translate nothing in the original",
            neutral=0.0,
            evidence="source",
        ),
        Signal(
            "source_copied",
            "German words of the original left where the renderings translate them",
            "German words of the original were left untranslated",
            neutral=0.0,
            check="untranslated",
            cap=3.0,
            evidence="source",
        ),
    ),
    measure,
    module="coverage.py",
    when="a German original, English translation, dictionary installed",
)
