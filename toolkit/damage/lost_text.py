"""Text lost: a sentence that breaks off, or two sentences run together mid-sentence.

When a sentence loses its end and the next one is glued on ("... told IPPEN.MEDIA's Furthermore, according to
his information, ..."), what was lost is not in the text any more, and no round trip can show it: every MT
engine translates the broken sentence faithfully. What the text itself shows:

- a possessive with nothing to possess: 's before a quotation mark, a bracket or a new sentence's capital;
- a new sentence starting inside one: a capitalised word right after a word (no full stop, colon, opening
  quotation mark, bracket or dash between them), outside quotation marks, that opens sentences rather than
  naming things: a function word or a discourse adverb (OPENERS: Furthermore, The, He, In, Today), or a word
  spaCy's tagger calls a pronoun, determiner, adverb, conjunction, preposition or verb and its NER no name.
  A capitalised noun or adjective there is more often a product or a title (the Marathon Plus tires, the
  Everyday line) than a lost full stop, so it is left alone unless spaCy's parser starts a new sentence
  there itself; Title Case headlines are left alone;
- a paragraph that ends on an article, a preposition or a conjunction: what followed is gone;
- a web page's label left without what it labelled ("The original article:", "Read more:"): page furniture
  is a closed class (as in toolkit/cleaning.py), so the labels are listed (FURNITURE).

The second needs spaCy's parse; without it the others still run.
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

from ..signals.text import STOPWORDS
from .base import LOST_TEXT, Check, Finding, Sentence, paragraphs, quoted
from .quotes import quotations

_POSSESSIVE_BEFORE_QUOTE = re.compile(r"\w['\u2019]s\s+(?=[\"\u201c\u201e\u00ab(\[])")
_DANGLING = {"the", "a", "an", "of", "to", "with", "and", "or", "but", "in", "on", "at", "by", "for", "from",
             "about", "that", "which", "who", "whose", "as", "than", "into", "his", "her", "their", "its", "our",
             "my", "your", "this", "these"}
_DANGLING_END = re.compile(r"(\w+)\s*$")
TITLE_CASE = 0.6
_AFTER_WORD = re.compile(r"[^\W\d_]['\u2019]?s?$")  # a word's last letter, or its possessive 's
# the tags of words that open sentences (and rarely stand capitalised inside one): not nouns or adjectives
_OPENER_TAGS = {"DT", "PDT", "PRP", "PRP$", "RB", "RBR", "RBS", "CC", "IN", "WDT", "WP", "WP$", "WRB", "EX", "MD",
                "TO", "VB", "VBD", "VBZ", "VBP", "VBG", "VBN", "UH"}
OPENERS = STOPWORDS["en"] | set("""furthermore moreover besides however meanwhile nevertheless nonetheless therefore
    thus hence additionally today yesterday tomorrow now recently currently unfortunately fortunately finally
    first firstly secondly instead still yet although though because since while whereas unless until after
    before during despite according apart we you they she he it there not no yes hello please thanks
    in on at""".split()) - {"s", "t"}
FURNITURE = re.compile(r"^(?:the\s+)?(?:original\s+(?:article|text|version)|source|read\s+(?:more|also)|also\s+read|"
                       r"more\s+on\s+(?:this|the\s+topic)|related(?:\s+articles?)?|link|quelle|zum\s+originalartikel|"
                       r"originalartikel|mehr\s+zum\s+thema|lesen\s+sie\s+auch)\s*:\s*$", re.I)


def _cut(before: str) -> str:
    return f"this sentence breaks off after \"{quoted(before.rstrip(), 30)}\": text seems to be lost"


def _run_together(sentence: Sentence) -> Optional[tuple[int, int]]:
    """The span of a capitalised non-name word that starts a new sentence inside this one."""
    doc = sentence.doc
    if doc is None:
        return None
    words = [t for t in doc if t.is_alpha]
    if words and sum(t.text[:1].isupper() for t in words) >= TITLE_CASE * len(words):
        return None  # a Title Case Headline
    quoted_spans = quotations(sentence.text)  # titles and quoted speech keep their own capitals
    for token in doc:
        word = token.text
        inside = any(a < token.idx < b for a, b in quoted_spans)
        if token.i == 0 or inside or not word[:1].isupper() or word == "I" or (len(word) < 2 and word != "A"):
            continue
        if any(ch.isupper() for ch in word[1:]) or token.ent_type_:
            continue  # an acronym, a camel-cased brand (ServusTV), a name (The Hague, May)
        following = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if following is not None and following.like_num:
            continue  # a road or a grade: the A 45
        # the parser itself starting a sentence here, with no punctuation before, is the same evidence
        opener = word.lower() in OPENERS or token.tag_ in _OPENER_TAGS or token.is_sent_start
        previous = doc[token.i - 1]
        gap = sentence.text[previous.idx + len(previous.text):token.idx]
        if not opener or gap.strip() or not _AFTER_WORD.search(previous.text) or previous.like_num:
            continue  # after a list's bullet (*, #, >, 1)) or a number
        return token.idx, token.idx + len(word)
    return None



def find(sentences: Sequence[Sentence]) -> list[Finding]:
    found = []
    last_of_paragraph = {members[-1] for members in paragraphs(sentences)}
    for k, sentence in enumerate(sentences):
        text = sentence.text
        hit = _POSSESSIVE_BEFORE_QUOTE.search(text)
        if hit and any(a == hit.end() and text[b:].lstrip()[:1].isalpha() for a, b in quotations(text)):
            hit = None  # VOX's "Tone Room" software: the quotation names what the possessive owns
        if hit:
            found.append(Finding(LOST_TEXT, k, (hit.start(), hit.end()), _cut(text[:hit.end()])))
            continue
        span = _run_together(sentence)
        if span:
            found.append(Finding(LOST_TEXT, k, span,
                                 f"this sentence breaks off after \"{quoted(text[:span[0]].rstrip(), 30)}\" and "
                                 f"another begins at \"{text[span[0]:span[1]]}\": text seems to be lost"))
            continue
        if FURNITURE.match(text.strip()):
            found.append(Finding(LOST_TEXT, k, (0, len(text)),
                                 f"\"{text.strip()}\" is a label left from the web page, and what it labelled "
                                 "(a link, a name) is lost"))
            continue
        end = _DANGLING_END.search(text.rstrip())
        if k in last_of_paragraph and end and end.group(1).lower() in _DANGLING:
            found.append(Finding(LOST_TEXT, k, end.span(), _cut(text)))
    return found


CHECK = Check(LOST_TEXT, find, needs_parse=True,
              what="a sentence that breaks off, or two run together mid-sentence (text lost)")
