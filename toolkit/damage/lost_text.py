"""Text lost: a sentence that breaks off, or two sentences run together mid-sentence.

When a sentence loses its end and the next one is glued on ("... told IPPEN.MEDIA's Furthermore, according to
his information, ..."), what was lost is not in the text any more, and no round trip can show it: every MT
engine translates the broken sentence faithfully. What the text itself shows:

- a possessive with nothing to possess: 's before a quotation mark, a bracket or a new sentence's capital;
- a new sentence starting inside one: a capitalised word right after a word, a closing bracket, a number or
  a closing quotation mark (no full stop, colon, opening quotation mark or dash between them), that opens
  sentences rather than naming things:
  - a function word or a discourse adverb (OPENERS: Furthermore, The, He, In, Today, About), or a word
    spaCy's tagger calls a pronoun, determiner, adverb, conjunction, preposition or verb and its NER no name.
    A number's or a date's entity is no name for this (on Saturday About 300 people: CARDINAL), and neither is
    the NER's guess of a lone dictionary word the document capitalises nowhere else ("for Purchase": PERSON);
  - "I" after a word that leaves a phrase unfinished ("for I", "my I", "it I", "is I"), not after a
    conjunction, a complementiser or a wh-word ("because I", "all I want");
  - an ordinary dictionary word (english.common_words) capitalised alone, not after an article, with no capital
    word beside it, which the document capitalises nowhere else inside a sentence, and from which the rest of
    the sentence parses as a clause of its own ("more than 100 Images from the area look like a warzone").
  A capitalised word that continues a name (the Marathon Plus tires), a title inside quotation marks
  ("The End Of The Green") and Title Case headlines are left alone; in quoted speech only the words that open
  sentences count (function words, and the tags above), not a capitalised noun;
- a new sentence starting inside one with a name or a noun, which no rule above can tell from a name that
  belongs there ("parts of the US Governor Greg Abbott declared ..."): where the rules see nothing, the
  learnt model of boundary.py weighs each capitalised word's context;
- a paragraph that ends on an article, a preposition or a conjunction: what followed is gone;
- a web page's label left without what it labelled ("The original article:", "Read more:"): page furniture
  is a closed class (as in toolkit/cleaning.py), so the labels are listed (FURNITURE).

The second needs spaCy's parse; without it the others still run.
"""

from __future__ import annotations

import re
from typing import AbstractSet as Set
from typing import Optional, Sequence

from ..signals.text import STOPWORDS
from . import boundary
from .base import LOST_TEXT, Check, Finding, Sentence, paragraphs, quoted
from .clauses import clause_kind, name_opens_clause, opens_clause
from .quotes import DOUBLE, _role, quotations

_POSSESSIVE_BEFORE_QUOTE = re.compile(r"\w['\u2019]s\s+(?=[\"\u201c\u201e\u00ab(\[])")
_DANGLING = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "with",
    "and",
    "or",
    "but",
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "about",
    "that",
    "which",
    "who",
    "whose",
    "as",
    "than",
    "into",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "this",
    "these",
}
_DANGLING_END = re.compile(r"(\w+)\s*$")
TITLE_CASE = 0.6
SPEECH_WORDS = 6
_AFTER_WORD = re.compile(r"[^\W\d_]['\u2019]?s?$")  # a word's last letter, or its possessive 's
# the tags of words that open sentences (and rarely stand capitalised inside one): not nouns or adjectives
_OPENER_TAGS = {
    "DT",
    "PDT",
    "PRP",
    "PRP$",
    "RB",
    "RBR",
    "RBS",
    "CC",
    "IN",
    "WDT",
    "WP",
    "WP$",
    "WRB",
    "EX",
    "MD",
    "TO",
    "VB",
    "VBD",
    "VBZ",
    "VBP",
    "VBG",
    "VBN",
    "UH",
}
OPENERS = STOPWORDS["en"] | set(
    """furthermore moreover besides however meanwhile nevertheless nonetheless therefore
    thus hence additionally many almost nearly around approximately roughly next last past today yesterday
    tomorrow now recently currently unfortunately fortunately finally
    first firstly secondly instead still yet although though because since while whereas unless until after
    before during despite according apart we you they she he it there not no yes hello please thanks
    in on at""".split()
) - {"s", "t"}
FURNITURE = re.compile(
    r"^(?:the\s+)?(?:original\s+(?:article|text|version)|source|read\s+(?:more|also)|also\s+read|"
    r"more\s+on\s+(?:this|the\s+topic)|related(?:\s+articles?)?|link|quelle|zum\s+originalartikel|"
    r"originalartikel|mehr\s+zum\s+thema|lesen\s+sie\s+auch)\s*:\s*$",
    re.I,
)


def _cut(before: str) -> str:
    return f'this sentence breaks off after "{quoted(before.rstrip(), 30)}": text seems to be lost'


# entity types that say what a word is about (a number, a date), not that it is a name: they excuse no capital
_NUMERIC = {"CARDINAL", "ORDINAL", "DATE", "TIME", "QUANTITY", "PERCENT", "MONEY"}
# words after which "I" opens a clause in good English ("because I", "all I want"): the rest of the function
# words before it ("for I", "my I", "it I") leave a phrase unfinished
_BEFORE_I = {
    "that",
    "because",
    "if",
    "before",
    "after",
    "as",
    "since",
    "whether",
    "while",
    "although",
    "though",
    "until",
    "till",
    "unless",
    "once",
    "so",
    "than",
    "like",
    "where",
    "when",
    "whereas",
    "which",
    "what",
    "who",
    "whom",
    "all",
    "you",
    "i",
}
_BEFORE_I_TAGS = {"DT", "PDT", "PRP$", "TO", "POS", "IN"}
_COPULAS = {"is", "was", "are", "were"}
_NEGATIONS = {"not", "n't", "n\u2019t"}  # "I can't I don't know"
_ARTICLES = {"the", "a", "an"}
_CLOSING = {"\u201d", '"'}
_BEFORE_TITLE = {"IN", "TO", "VB", "VBD", "VBZ", "VBP", "VBG", "VBN", "CC", "DT"}
# the NER's kinds that it guesses from a capital alone
# (PERSON too: a surname that is a dictionary word, Trump, Green, is left alone by _OPEN_BEFORE below)
_GUESSED = {"PERSON", "ORG", "PRODUCT", "LAW", "WORK_OF_ART", "EVENT", "FAC"}
# the words before a capitalised ordinary word that leave their phrase open ("for Purchase", "this Glass",
# "more than 100 Images"); after a noun or an adjective it is more often a name or a title (his friend Sarah,
# the trade association Brewers of Europe, former Kremlin leader)
_OPEN_BEFORE = {"IN", "TO", "DT", "PDT", "PRP$", "WDT", "CD", "CC", "VB", "VBG", "VBP", "VBZ", "VBD"}
_VERSUS = {"vs", "v", "versus", "&"}
_EMOTICON = set(":;=")  # the first mark of an emoticon, :P ;-)


def _opens_after_i(previous) -> bool:
    """ "I" after this word starts a second clause: the phrase before it is unfinished ("for I", "is I", "can't I")."""
    low = previous.lower_
    if low in _NEGATIONS:  # "I can't I don't know", not a question's "why can't I just use it?"
        return previous.i >= 2 and previous.doc[previous.i - 2].tag_ == "PRP"
    return low in _COPULAS or (previous.tag_ in _BEFORE_I_TAGS and low not in _BEFORE_I)


def _name(token, doc, function_word: bool, names: Set[str]) -> bool:
    """spaCy's NER takes this word for (part of) a name, and a name it may well be."""
    kind = token.ent_type_
    if not kind:
        return False
    if kind in _NUMERIC:  # a date's name is capitalised (on Saturday), a number's first word is not (About 300,
        return token.tag_.startswith("NN") and not function_word  # Past August, The first goal)
    previous = doc[token.i - 1]
    if token.text == "The":  # a title after a preposition or a verb (in The Hague, read The Guardian); after a
        return previous.tag_ in _BEFORE_TITLE  # noun it opens a sentence (700 people The Red Crescent strove)
    # one capitalised dictionary word the document capitalises nowhere else is the NER's guess, not a name
    # ("demanding consequences for Purchase with masks ...": PERSON)
    alone = token.ent_iob_ == "B" and (token.i + 1 >= len(doc) or doc[token.i + 1].ent_iob_ != "I")
    return not (alone and kind in _GUESSED and token.text not in names and boundary.ordinary(token.text))


def _new_sentence(token, doc, text: str, names: Set[str], quoted: bool = False) -> bool:
    """Whether this capitalised word, right after a word, opens a sentence of its own."""
    word = token.text
    previous = doc[token.i - 1]
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if text[previous.idx + len(previous.text) : token.idx].strip():
        return False  # punctuation between them
    # "Günther Rühle (97) He distinguished himself": a bracket whose words do not end a sentence themselves
    after_bracket = previous.text == ")" and token.i > 3 and doc[token.i - 2].text not in (".", "!", "?")
    # "the first goal came after 9:30 This did not turn out": a number in prose, not in a table (00 0010 If)
    after_number = (
        previous.text[-1:].isdigit()
        and token.i >= 2
        and doc[token.i - 2].is_alpha
        and doc[token.i - 2].text[:1].islower()
    )
    # 'we want to “stay determined” Next on the docket is': a closing mark, not an opening one ("Not because)
    after_quote = previous.text in _CLOSING and _role(text, previous.idx) != "open" and token.idx > previous.idx + 1
    after_word = (
        bool(_AFTER_WORD.search(previous.text))
        and previous.text[:1] not in _EMOTICON  # not :P
        and not previous.like_num
        and previous.lower_ not in _VERSUS
    )
    if word == "I":
        return after_bracket or (after_word and _opens_after_i(previous))
    function_word = word.lower() in OPENERS or (token.tag_ == "CD" and word.isalpha())
    if quoted and not (function_word or token.tag_ in _OPENER_TAGS):
        return False  # in speech, only words that open sentences (But, Like): a capital noun may be emphasis
    if any(ch.isupper() for ch in word[1:]):
        return False  # an acronym, a camel-cased brand (ServusTV)
    if _name(token, doc, function_word, names):  # a name (The Hague, Saturday), unless a clause begins with it
        return not quoted and token.ent_type_ not in _NUMERIC and name_opens_clause(token, doc)
    if following is not None and len(word) == 1 and (following.like_num or following.text == "-"):
        return False  # a road, a grade or a compound: the A 45, an A-game
    if word == "May" and (following is None or following.tag_ not in ("VB", "RB")):
        return False  # the month, not the verb
    if after_bracket or after_number or after_quote:
        return function_word or (after_number and _ordinary_alone(token, doc, names))
    if not after_word:
        return False  # after a list's bullet (*, #, >)
    if previous.text[:1].isupper() and not function_word:
        return False  # a name of several words: the Marathon Plus tires
    # the parser itself starting a sentence here, with no punctuation before, is the same evidence
    if function_word or token.tag_ in _OPENER_TAGS or token.is_sent_start:
        return True
    return _ordinary_alone(token, doc, names)


def _ordinary_alone(token, doc, names: Set[str]) -> bool:
    """An ordinary word capitalised alone, which the document never capitalises elsewhere inside a sentence,
    after a word that leaves its phrase open (_OPEN_BEFORE): "more than 100 Images from the area look like a
    warzone". Not after an article (the Autobahn, the Day of German Unity), nor where a capital word stands
    beside it or two words before it (the Ministry of Science and Culture), nor before a number (Section 5):
    those are names and titles."""
    word = token.text
    previous = doc[token.i - 1]
    if word in names or previous.lower_ in _ARTICLES or not word.isalpha():
        return False
    if previous.tag_ == "POS" and token.i >= 2:  # this year's Life-threatening floods: the owner counts
        previous = doc[token.i - 2]
    if not (previous.text[:1].islower() or previous.like_num) or previous.tag_ not in _OPEN_BEFORE:
        return False
    beside = [doc[previous.i - 1]] if previous.i >= 1 else []
    if token.i + 1 < len(doc):
        beside.append(doc[token.i + 1])
    if any(t.text[:1].isupper() or t.like_num for t in beside):
        return False
    return boundary.ordinary(word) and opens_clause(doc.text[token.idx :])


def run_together(sentence: Sentence, names: Set[str]) -> Optional[tuple[int, int]]:
    """The span of a capitalised word that starts a new sentence inside this one."""
    doc = sentence.doc
    if doc is None:
        return None
    words = [t for t in doc if t.is_alpha]
    if words and sum(t.text[:1].isupper() for t in words) >= TITLE_CASE * len(words):
        return None  # a Title Case Headline
    quoted_spans = quotations(sentence.text)
    for token in doc:
        word = token.text
        if token.i == 0 or not word[:1].isupper() or (len(word) < 2 and word not in ("A", "I")):
            continue
        inside = next(((a, b) for a, b in quoted_spans if a < token.idx < b), None)
        if inside and not _speech(sentence.text[inside[0] : inside[1]], token, sentence.text):
            continue  # a title keeps its own capitals ("The End Of The Green")
        if _new_sentence(token, doc, sentence.text, names, quoted=inside is not None):
            return token.idx, token.idx + len(word)
    return None


def learnt_run_together(sentence: Sentence, context: boundary.Context) -> Optional[tuple[int, int]]:
    """The span of the word where the learnt model (boundary.py) is surest a new sentence begins, if it reaches
    its threshold anywhere. "I" after a pronoun is good English ("When I bought it I didn't"), and an emoticon
    (:P) is no word: the rules decide those."""
    model = boundary.load()
    if model is None or sentence.doc is None:
        return None
    doc = sentence.doc
    found = model.find(
        doc, context, clause_kind, skip=lambda token: token.text == "I" or doc[token.i - 1].text[:1] in _EMOTICON
    )
    return (found[0].idx, found[0].idx + len(found[0].text)) if found else None


def _speech(quotation: str, token, text: str) -> bool:
    """A quotation of SPEECH_WORDS words or more, not in Title Case, past its first word: quoted speech, where a
    sentence run into another is lost text as anywhere else ("one must for example But I had great fun")."""
    words = re.findall(r"[^\W\d_]+", quotation)
    capitals = sum(w[:1].isupper() for w in words)
    return (
        len(words) >= SPEECH_WORDS
        and capitals < TITLE_CASE * len(words)
        and not text[: token.idx].rstrip().endswith(tuple(DOUBLE))
    )


def find(sentences: Sequence[Sentence]) -> list[Finding]:
    found = []
    last_of_paragraph = {members[-1] for members in paragraphs(sentences)}
    words = boundary.Words([s.text for s in sentences])
    for k, sentence in enumerate(sentences):
        text = sentence.text
        hit = _POSSESSIVE_BEFORE_QUOTE.search(text)
        if hit and any(a == hit.end() and text[b:].lstrip()[:1].isalpha() for a, b in quotations(text)):
            hit = None  # VOX's "Tone Room" software: the quotation names what the possessive owns
        if hit:
            found.append(Finding(LOST_TEXT, k, (hit.start(), hit.end()), _cut(text[: hit.end()])))
            continue
        context = words.context({k})
        span = run_together(sentence, context.capitalised) or learnt_run_together(sentence, context)
        if span:
            found.append(
                Finding(
                    LOST_TEXT,
                    k,
                    span,
                    f'this sentence breaks off after "{quoted(text[: span[0]].rstrip(), 30)}" and '
                    f'another begins at "{text[span[0] : span[1]]}": text seems to be lost',
                )
            )
            continue
        if FURNITURE.match(text.strip()):
            found.append(
                Finding(
                    LOST_TEXT,
                    k,
                    (0, len(text)),
                    f'"{text.strip()}" is a label left from the web page, and what it labelled '
                    "(a link, a name) is lost",
                )
            )
            continue
        end = _DANGLING_END.search(text.rstrip())
        if k in last_of_paragraph and end and end.group(1).lower() in _DANGLING:
            found.append(Finding(LOST_TEXT, k, end.span(), _cut(text)))
    return found


CHECK = Check(
    LOST_TEXT, find, needs_parse=True, what="a sentence that breaks off, or two run together mid-sentence (text lost)"
)
