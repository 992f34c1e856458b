"""Word tokens with their character spans, shared by the lexical signal families.

The checks compare words across a translation, its renderings and sometimes the original, so they all need the
same idea of a word and of its comparable form (lower case, diacritics folded): one tokenizer, here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)


class Token(NamedTuple):
    text: str
    key: str  # the comparable form
    start: int
    end: int


@functools.lru_cache(maxsize=65536)
def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.replace("\u00df", "ss").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\u2019", "'")


@functools.lru_cache(maxsize=16384)
def _tokens(text: str) -> tuple[Token, ...]:
    return tuple(Token(m.group(0), fold(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text))


def tokens(text: str) -> tuple[Token, ...]:
    return _tokens(text)


def keys(text: str) -> set[str]:
    return {t.key for t in _tokens(text)}


# Function words: they carry grammar, not content, so content checks skip them. Negators are NOT here (their
# own family watches them) and neither are auxiliaries that carry tense (the support check wants those).
STOPWORDS = {
    "en": set(
        """a an the and or but if of in on at to from by for with as is are was were be been being it its
        this that these those there here he she they we you i me him her them us his their our your my which who
        whom whose what when where why how than then so such also just very too into onto over under about
        after before between through during up down out off again further once all any both each few more most
        other some own same only s t can will do does did has have had would should could may might must shall
        said says say one""".split()
    ),
    "de": set(
        """der die das den dem des ein eine einen einem einer eines und oder aber wenn als wie von vom zu
        zum zur im in am an auf aus bei mit nach seit für fur über uber unter um durch gegen vor hinter neben
        zwischen ist sind war waren sein wird werden wurde wurden hat haben hatte hatten es er sie wir ihr ich du
        man sich sein seine seiner seinen seinem ihre ihren ihrem ihrer dieser diese dieses diesen diesem jener
        auch noch schon nur so sehr dass daß ob weil denn doch ja mal dann da hier dort was wer wo wann warum
        wie welche welcher welches kann können konnte muss müssen soll sollen will wollen""".split()
    ),
}
STOPWORDS = {lang: {fold(w) for w in words} for lang, words in STOPWORDS.items()}
ALL_STOPWORDS = set().union(*STOPWORDS.values())


def content(toks: tuple[Token, ...] | list[Token]) -> list[Token]:
    return [t for t in toks if t.key not in ALL_STOPWORDS and len(t.key) > 1]
