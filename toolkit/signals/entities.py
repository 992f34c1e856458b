"""Named entities: names the renderings agree on that the translation lacks, and names the translation has
that nothing else has (a replaced name).

In English a name is a word inside a named entity that spaCy's `en_core_web_sm` finds (a person, place,
organisation, nationality, event, work or law; toolkit/english.py) and that its tagger calls a proper noun (a
nationality may be an adjective: Belarusian), or a dotted acronym (U.S.). Capitalisation alone is no evidence:
a sentence opens with a capital, so do discourse adverbs (Furthermore, Besides) and headline nouns (Rents,
Mayor), and an NER model tells those from names where a capitalisation rule cannot. In other languages (no
NER model is installed for them; German capitalises every noun) and where spaCy is missing, the older rule
stands: a capitalised word that does not open a sentence, or an all-caps acronym; `status()` says which.
The checks compare a name with every word of the other side, in any case, not only with its names.
Spellings differ across languages and engines (Lukaschenko / Lukashenko, Selenskyj / Zelensky), so names are
matched on a transliteration key (sch -> sh, j -> y, w -> v, z -> s, doubled letters single, ...) and then
by similarity (difflib ratio >= 0.8); so a round trip's mangled name (Putinha for Putin) still matches.

Signals: `entities_unsupported` (translation names found in no rendering nor in the original) and
`entities_missing` (names at least half of the renderings share that the translation lacks; with fewer than
three renderings, names all of them share and, when there is an original, that it has too); counts.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Iterable, Optional

from .. import english
from ..records import Reason
from ..resources import Unavailable
from .base import BeadTexts, Family, Measured, Resources, Signal
from .exonyms import GERMAN
from .text import ALL_STOPWORDS, Token, fold, tokens

_RULES = [
    ("tsch", "ch"),
    ("sch", "sh"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("w", "v"),
    ("z", "s"),
    ("j", "y"),
    ("ie", "i"),
    ("ou", "u"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
]
_OPENERS = set(".!?:;\"'\u201c\u201e\u00ab\u2013\u2014-")
_ACRONYM_END = re.compile(r"(?:\b[A-Z]\.){2,}$")  # "U.S." before a word does not end a sentence


@functools.lru_cache(maxsize=65536)
def translit_key(key: str) -> str:
    for old, new in _RULES:
        key = key.replace(old, new)
    key = re.sub(r"(.)\1+", r"\1", key)
    return key.rstrip("hs") or key  # Lukashenko's / Lukaschenkos, final -h of some transliterations


def _is_name(text: str, token: Token) -> bool:
    word = token.text
    if len(word) < 2 or not word[0].isupper() or token.key in ALL_STOPWORDS:
        return False
    if word.isupper() and len(word) >= 2:
        return True
    before = text[: token.start].rstrip()
    if not before:
        return False
    if before[-1] in "\"'" and len(before) > 1 and before[-2] in ",.!?":  # after a closing quote: ..." Hu said
        return True
    return before[-1] not in _OPENERS or bool(_ACRONYM_END.search(before))


_GERMAN_KEYS = {translit_key(fold(english)): translit_key(fold(german)) for english, german in GERMAN.items()}
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")


def _dotted(text: str) -> list[Token]:
    """Dotted acronyms (U.S., U.K.) as one word, "us", which the tokenizer would cut into single letters."""
    return [Token(m.group(0), m.group(0).replace(".", "").lower(), m.start(), m.end()) for m in _DOTTED.finditer(text)]


# Entity types that are names; dates, times, amounts, numbers and ordinals are the numbers check's business.
NAME_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
_PROPER = frozenset({"NNP", "NNPS"})
_NER_LANGS = {"en"}
_CHUNK = 2000
# Names need the tagger and the NER only (the parser is half the time). The attribute ruler (a quarter of what is
# left) maps tags to parts of speech, morphology and lemmas, which nothing here reads; the one tag it sets is
# whitespace's, and a whitespace token is never a capitalised name word (tests/test_names.py holds the names equal).
_UNUSED = ["parser", "attribute_ruler", "lemmatizer"]
# Of what is left, the NER has its own tok2vec in en_core_web_sm (the tagger listens to the shared one), and the
# tags are read only inside name entities: the NER runs over every text, the tok2vec and tagger only over the texts
# where it found a name (about two thirds of news sentences), and the second look is the NER's alone.
_TAGGING = ["tok2vec", "tagger"]
Spans = tuple[tuple[int, int], ...]
# text -> (character spans of its name words, of the one-word opening names the second look rejected); None: no NER
Found = Optional[dict[str, tuple[Spans, Spans]]]


def _name_words(doc) -> list:
    """The words of doc's names: inside an entity of a name type, capitalised, and a proper noun (or, for a
    nationality, an adjective: Belarusian)."""
    words = []
    for entity in doc.ents:
        if entity.label_ not in NAME_LABELS:
            continue
        for word in entity:
            if not word.text[:1].isupper() or fold(word.text) in ALL_STOPWORDS:
                continue
            if word.tag_ in _PROPER or (entity.label_ == "NORP" and word.tag_ in ("JJ", "NNS", "NNPS")):
                words.append(word)
    return words


def _opens(word) -> bool:
    """The word opens a sentence (or a headline after a colon, or a quotation): after nothing, a full stop, a
    colon, a dash or a quotation mark. Read from the punctuation, so the parser need not run."""
    before = word.doc.text[: word.idx].rstrip()
    return not before or before[-1] in _OPENERS


def _opening_alone(word) -> bool:
    """A one-word name that opens a sentence: the one place where only its capital may have made it a name."""
    return (
        _opens(word) and word.ent_iob_ == "B" and (word.i + 1 >= len(word.doc) or word.doc[word.i + 1].ent_iob_ != "I")
    )


def _lowered(doc, word) -> str:
    text = doc.text
    return text[: word.idx] + word.text.lower() + text[word.idx + len(word.text) :]


def _still_a_name(doc) -> bool:
    """In the lowered text, the lowered word (token 0) is still inside a name: "putin said" is still a person;
    "biker suffers leg injuries" is no entity any more. Stricter than the first look on purpose: a few real
    names that open a sentence are lost ("Kiev was quiet"), no headline noun is taken for one."""
    return doc[0].ent_type_ in NAME_LABELS


def _spans_of(nlp, docs) -> list[tuple[Spans, Spans]]:
    """The character spans of each doc's name words. A one-word name opening a sentence is checked once more
    with its first letter in lower case (nlp again): kept only if the model still finds a name there."""
    words = [_name_words(doc) for doc in docs]
    doubtful = [(k, w) for k, found in enumerate(words) for w in found if _opening_alone(w)]
    rejected = set()
    if doubtful:
        texts = [_lowered(docs[k], w)[w.idx :] for k, w in doubtful]  # from the word on: it is then token 0
        for (k, w), lowered in zip(doubtful, nlp.pipe(texts, disable=_UNUSED + _ner_alone(nlp))):
            if not _still_a_name(lowered):
                rejected.add((k, w.i))
    return [
        (
            tuple((w.idx, w.idx + len(w.text)) for w in found if (k, w.i) not in rejected),
            tuple((w.idx, w.idx + len(w.text)) for w in found if (k, w.i) in rejected),
        )
        for k, found in enumerate(words)
    ]


def _ner_alone(nlp) -> list[str]:
    """What else the NER can run without: the shared tok2vec and the tagger, where the NER does not listen to
    that tok2vec (en_core_web_sm's does not; another model's might, and then nothing more is left out)."""
    if "tok2vec" not in nlp.pipe_names or "ner" in nlp.get_pipe("tok2vec").listening_components:
        return []
    return [name for name in _TAGGING if name in nlp.pipe_names]


def _docs(nlp, texts: list[str]) -> list:
    """The texts' docs with what _name_words reads: entities everywhere, tags in the texts with a name entity
    (tagged in place afterwards; a doc's tags do not depend on its entities, nor on the other docs)."""
    alone = _ner_alone(nlp)
    docs = list(nlp.pipe(texts, batch_size=256, disable=_UNUSED + alone))
    if alone:
        named = [doc for doc in docs if any(e.label_ in NAME_LABELS for e in doc.ents)]
        for _ in nlp.pipe(named, batch_size=256, disable=_UNUSED + ["ner"]):
            pass
    return docs


def ner_available() -> tuple[bool, str]:
    try:
        return True, english.name()
    except Unavailable as why:
        return False, str(why)


def _pipeline():
    try:
        return english.load()
    except Unavailable:
        return None


def prepare_names(texts: Iterable[str]) -> Found:
    """The NER model's name spans of these texts, run in one batch (None without the model)."""
    nlp = _pipeline()
    if nlp is None:
        return None
    todo = list(dict.fromkeys(t for t in texts if t))
    found: dict[str, tuple[Spans, Spans]] = {}
    for start in range(0, len(todo), _CHUNK):  # a chunk's parses at a time, not every text's at once
        chunk = todo[start : start + _CHUNK]
        found.update(zip(chunk, _spans_of(nlp, _docs(nlp, chunk))))
    return found


def _ner_names(text: str, doubtful: bool = False, known: Found = None) -> Optional[list[Token]]:
    """The words of text inside NER names, as the shared tokenizer cuts them (so that their keys match the
    vocabularies), or None when the model is unavailable. known: spans found before (prepare_names)."""
    if known is None or text not in known:
        known = prepare_names([text])
        if known is None or text not in known:
            return None
    spans = known[text][1 if doubtful else 0]
    return [t for t in tokens(text) if any(a < t.end and t.start < b for a, b in spans)]


def names(text: str, lang: Optional[str] = "en", known: Found = None) -> list[Token]:
    """The name words of text: by NER in English (when spaCy is installed), else by capitalisation."""
    found = _ner_names(text, known=known) if lang in _NER_LANGS else None
    if found is None:
        found = [t for t in tokens(text) if _is_name(text, t)]
    return found + _dotted(text)


@functools.lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def present(name: str, vocabulary: frozenset[str]) -> bool:
    return name in vocabulary or any(_similar(name, word) for word in vocabulary if abs(len(word) - len(name)) <= 3)


def in_original(name: str, vocabulary: frozenset[str]) -> bool:
    """present(), or inside a compound of the original (Korea in Nordkorea), also by its German name when
    that is spelled differently (Greece / Griechenland, Asia in Südostasien)."""
    for form in (name, _GERMAN_KEYS.get(name)):
        if form and (present(form, vocabulary) or (len(form) >= 4 and any(form in word for word in vocabulary))):
            return True
    return False


@functools.lru_cache(maxsize=16384)
def vocabulary(text: str) -> frozenset[str]:
    return frozenset(translit_key(t.key) for t in (*tokens(text), *_dotted(text)))


def kept_words(text: str, original_vocab: frozenset[str]) -> list[Token]:
    """Capitalised words of a rendering that the original spells the same (after transliteration), wherever they
    stand: a name that opens the sentence (Madagascar / Madagaskar) or follows a dash. Lower-case words are left
    out: those the original shares are cognates (reaction / Reaktion), not names (DEMETR: 4 of 70 unshifted
    translations flagged with them). A longer word only, so "Die" or "Man" never are."""
    return [
        t
        for t in tokens(text)
        if t.text[0].isupper()
        and len(t.key) >= 4
        and t.key not in ALL_STOPWORDS
        and translit_key(t.key) in original_vocab
    ]


def entity_signals(
    translation: str, renderings: dict[str, str], original: str = "", lang: Optional[str] = "en", known: Found = None
) -> tuple[dict[str, float], list[Reason]]:
    """lang: the translation's (and renderings') language; English names come from the NER model (known: the
    spans prepare_names found for these texts)."""
    if not renderings:
        return {}, []
    ours = names(translation, lang, known)
    ours_vocab = vocabulary(translation)
    vocabularies = [vocabulary(r) for r in renderings.values()]
    everything = frozenset().union(*vocabularies, vocabulary(original) if original else frozenset())
    elsewhere = (
        "neither in the original nor in any machine translation" if original else "in none of the machine translations"
    )
    reasons = [
        Reason(
            "entities",
            f"the name {t.text} here is {elsewhere}",
            (t.start, t.end),
            f"entities: {t.text} in no rendering" + (" nor the original" if original else ""),
        )
        for t in ours
        if not present(translit_key(t.key), everything)
    ]
    unsupported = len(reasons)
    counts: dict[str, tuple[int, str]] = {}
    original_vocab = vocabulary(original) if original else None
    few = len(renderings) < 3  # then the original must confirm a name, and may reveal one that opens a sentence;
    # with many renderings their agreement is the evidence, and opening words that match the original are
    # more often common words some systems share (DEMETR WMT21: unshifted flagged 5.7% -> 8.6% with them)
    for text in renderings.values():
        found = names(text, lang, known)
        by_ner = lang in _NER_LANGS and _ner_names(text, known=known) is not None
        if few and original_vocab:  # an opening name the original confirms (Madagascar / Madagaskar); with
            # NER, only one the model took for a name before its second look (so never a common noun)
            kept = kept_words(text, original_vocab)
            if by_ner:
                doubtful = {(t.start, t.end) for t in _ner_names(text, True, known) or []}
                kept = [t for t in kept if (t.start, t.end) in doubtful]
            found += kept
        for key, shown in {translit_key(t.key): t.text for t in found}.items():
            counts[key] = (counts.get(key, (0, shown))[0] + 1, shown)
    # Two noisy round trips (Apertium's "Putinha") must both say a name before it counts as missing.
    needed = len(renderings) if len(renderings) < 3 else (len(renderings) + 1) // 2
    for key, (n, shown) in sorted(counts.items()):
        if n < needed or present(key, ours_vocab):
            continue
        if few and original_vocab is not None and not in_original(key, original_vocab):
            # with one or two renderings, a name only they have may be their addition (a title, a spelled-out
            # acronym); with more, their agreement is the evidence (Germany for Deutschland is no spelling match)
            continue
        reasons.append(
            Reason(
                "entities",
                f"the machine translations name {shown}; this translation does not",
                None,
                f"entities: {shown} in {n} of {len(renderings)} renderings, not in the translation",
            )
        )
    return {"entities_unsupported": float(unsupported), "entities_missing": float(len(reasons) - unsupported)}, reasons


def prepare(beads, resources: Resources) -> Found:
    return prepare_names(
        text for bead in beads if bead.lang in _NER_LANGS for text in (bead.translation, *bead.renderings.values())
    )


def measure(bead: BeadTexts, resources: Resources, prepared: Found = None) -> Measured:
    if bead.one_round_trip_alone:  # one engine's dropped or translated name ("Corona" -> "Crown") is its own
        return Measured({"entities_unsupported": 0.0, "entities_missing": 0.0})
    values, reasons = entity_signals(bead.translation, bead.renderings, bead.original, bead.lang, prepared)
    return Measured(values, reasons)


FAMILY = Family(
    "entities",
    (
        Signal(
            "entities_unsupported",
            "names in the translation that no rendering (nor the original) has",
            "a name here is in none of the machine translations",
            check="entities",
            cap=3.0,
            evidence="entities",
        ),
        Signal(
            "entities_missing",
            "names most renderings have that the translation lacks",
            "a name the machine translations agree on is missing here",
            check="entities",
            cap=3.0,
            evidence="entities",
        ),
        Signal(
            "entities_replaced",
            "a name no rendering has and a name they agree on missing: a replaced name",
            "a name was changed: the machine translations agree on another one",
            check="entities",
            evidence="entities",
            parts=("entities_unsupported", "entities_missing"),
        ),
    ),
    measure,
    prepare,
    module="entities.py",
    when="a rendering",
)
