"""Source-language words left untranslated: German words in an English sentence, found in the text alone.

The `untranslated` signal (toolkit/signals/length.py) compares the translation with its renderings and the
original; this check needs neither, so it runs when a journalist has only the English text. It counts the
words that are German and cannot be English: German function words (the signals' STOPWORDS minus the English
ones and minus German words that are also English words: die, war, man, hat ...), words spelled with ä, ö,
ü or ß, and words of LINGUA_MIN_CHARS letters or more that lingua (the `detect` extra, toolkit/detect.py; a
maintained language identifier) takes for German with LINGUA_SURE confidence (gekostet, Regierung), all
outside names (spaCy's NER, where installed: Der Spiegel, Müller). The English NER takes a run of German for a
name as often as not ("Ihre Küche" a place), so a German function word counts inside a name too, except for
the particles of people's names (von der Leyen). MIN_WORDS of them in one sentence make a
finding: one could be a borrowed word or a quoted title, two in a sentence are a piece of German. So does a
stretch of SECTION_WORDS words or more that lingua reads as German (its mixed-language detection) with a German
function word outside any name in it ("... and come gut therapiert und komme zurecht").
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

from ..signals.text import STOPWORDS, fold, tokens
from .base import UNTRANSLATED, Check, Finding, Sentence

MIN_WORDS = 2
LINGUA_SURE = 0.95
LINGUA_MIN_CHARS = 4
SECTION_WORDS = 3
# German function words that are English words too, so no evidence of German in English text
_ALSO_ENGLISH = {
    fold(w)
    for w in """die war man so also in an am hat will was wo bin da er um es du ja mal den
    ob des me hier""".split()
}
GERMAN = (STOPWORDS["de"] - STOPWORDS["en"] - _ALSO_ENGLISH) | {
    fold(w)
    for w in """nicht kein keine keinen
    sich uns euch mir dir ihm ihn wir dass ab bis ohne sondern jedoch bereits immer wieder heute gestern
    morgen jetzt sehr viele viel mehr""".split()
}
_GERMAN_LETTERS = re.compile("[\u00e4\u00f6\u00fc\u00df\u00c4\u00d6\u00dc]")


@functools.lru_cache(maxsize=1)
def _lingua():
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.GERMAN).build(), Language.GERMAN


@functools.lru_cache(maxsize=65536)
def looks_german(word: str) -> bool:
    """lingua is sure the word is German rather than English (False without lingua)."""
    found = _lingua()
    if found is None or len(word) < LINGUA_MIN_CHARS:
        return False
    detector, german = found
    return detector.compute_language_confidence(word, german) >= LINGUA_SURE


_PARTICLES = {"von", "vom", "zu", "zum", "der", "den", "van", "de"}


def german_sections(text: str) -> list[tuple[int, int]]:
    """The spans lingua reads as German in a mixed text (none without lingua)."""
    found = _lingua()
    if found is None:
        return []
    detector, german = found
    return [
        (r.start_index, r.end_index)
        for r in detector.detect_multiple_languages_of(text)
        if r.language == german and r.word_count >= SECTION_WORDS
    ]


def _names(sentence: Sentence) -> list[tuple[int, int, str]]:
    doc = sentence.doc
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents] if doc is not None else []


def german_words(sentence: Sentence) -> list[tuple[int, int]]:
    names = _names(sentence)
    out = []
    for t in tokens(sentence.text):
        label = next((lab for a, b, lab in names if a <= t.start < b), None)
        if label is not None and (t.key not in GERMAN or label == "PERSON" and t.key in _PARTICLES):
            continue
        # a capitalised word with an umlaut may be a name (Müller): without NER only lower-case ones count
        umlaut = _GERMAN_LETTERS.search(t.text) and (sentence.doc is not None or not t.text[:1].isupper())
        if t.key in GERMAN or umlaut or looks_german(t.text):
            out.append((t.start, t.end))
    return out


def find(sentences: Sequence[Sentence]) -> list[Finding]:
    found = []
    for k, sentence in enumerate(sentences):
        spans = german_words(sentence)
        if 0 < len(spans) < MIN_WORDS:
            names = _names(sentence)
            function_words = [
                (a, b)
                for a, b in spans
                if fold(sentence.text[a:b]) in GERMAN and not any(x <= a < y for x, y, _ in names)
            ]
            sections = german_sections(sentence.text) if function_words else []
            spans = [(x, y) for x, y in sections if any(x <= a < y for a, _ in function_words)]
        if len(spans) >= MIN_WORDS or (spans and spans[0] not in german_words(sentence)):
            start, end = spans[0][0], spans[-1][1]
            shown = ", ".join(f'"{sentence.text[a:b]}"' for a, b in spans[:4])
            found.append(
                Finding(
                    UNTRANSLATED,
                    k,
                    (start, end),
                    f"German words were left untranslated here ({shown}): this part of the sentence was not translated",
                )
            )
    return found


CHECK = Check(UNTRANSLATED, find, what="German words left in the English text (function words, ä ö ü ß), outside names")
