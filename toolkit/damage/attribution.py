"""The same quotation attributed to different people.

When one quotation (QUOTE_WORDS words or more, the same words in the same order) appears twice in a document
with different speakers, one attribution is wrong: a translation swapped or garbled a name, or a scraped page
put a quote under the wrong photo. The speaker of a quotation is the person spaCy's NER names in its sentence
outside the quotation, else the nearest one named earlier in its paragraph ("..., Latushka explains: "...").
Two speakers are the same when one's name matches a word of the other's (Latushka, Pavel Latushka), on the
names check's transliteration key (toolkit/signals/entities.py). Needs spaCy.
"""

from __future__ import annotations

from typing import Optional, Sequence

from ..signals.entities import present, translit_key
from ..signals.text import tokens
from .base import ATTRIBUTION, Check, Finding, Sentence, paragraphs, quoted
from .quotes import quotations

QUOTE_WORDS = 6


def _people(sentence: Sentence, outside: list[tuple[int, int]]) -> list[str]:
    return [
        e.text for e in sentence.doc.ents if e.label_ == "PERSON" and not any(a <= e.start_char < b for a, b in outside)
    ]


def _same_person(a: str, b: str) -> bool:
    keys_b = frozenset(translit_key(t.key) for t in tokens(b))
    return any(present(translit_key(t.key), keys_b) for t in tokens(a))


def find(sentences: Sequence[Sentence]) -> list[Finding]:
    if any(s.doc is None for s in sentences):
        return []
    seen: list[tuple[tuple[str, ...], str, int]] = []  # (quoted words, speaker, sentence)
    found = []
    for members in paragraphs(sentences):
        speaker_before: Optional[str] = None
        for k in members:
            sentence = sentences[k]
            spans = quotations(sentence.text)
            people = _people(sentence, spans)
            speaker = people[0] if people else speaker_before
            for a, b in spans:
                words = tuple(t.key for t in tokens(sentence.text[a:b]))
                if len(words) < QUOTE_WORDS or speaker is None:
                    continue
                for other_words, other_speaker, _ in seen:
                    short, long_ = sorted((words, other_words), key=len)
                    contained = any(long_[i : i + len(short)] == short for i in range(len(long_) - len(short) + 1))
                    if contained and not _same_person(speaker, other_speaker):
                        found.append(
                            Finding(
                                ATTRIBUTION,
                                k,
                                (a, b),
                                f'this quotation ("{quoted(sentence.text[a:b], 30)}) is attributed '
                                f"to {speaker} here but to {other_speaker} earlier: one of the two "
                                "attributions is wrong",
                            )
                        )
                        break
                seen.append((words, speaker, k))
            if people:
                speaker_before = people[-1]
    return found


CHECK = Check(
    ATTRIBUTION, find, needs_parse=True, what="the same quotation attributed to different people in one document"
)
