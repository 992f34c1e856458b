"""Sentence fragments: a sentence with no main clause.

"Even if Moscow strongman Vladimir Putin and his circle have repeatedly hinted at this since spring 2022?" is
only the subordinate clause of a sentence whose main clause was lost (or split off). spaCy's dependency parse
says it: the sentence's root has a subordinating conjunction of its own (if, because, although ...) and no
second clause hangs on it; or a sentence of VERBLESS_WORDS words or more has no verb at all (people write
"Thanks for your help!" or "Only until the weekend.", so short ones are left alone).

Left alone, because there a fragment is no damage: headlines, captions and credits (no full stop, question
or exclamation mark at the end; and, for the no-verb test, a paragraph of one sentence: a caption often ends in
a full stop), sentences of fewer than MIN_WORDS words, and what is said inside a quotation (people speak in
fragments: "Not because he loves Ukraine.").
"""

from __future__ import annotations

from typing import Sequence

from .. import english
from .base import FRAGMENT, Check, Finding, Sentence, paragraphs, quoted
from .quotes import DOUBLE, _role

MIN_WORDS = 4
VERBLESS_WORDS = 8
_END = (".", "?", "!")


def _quoted_sentences(sentences: Sequence[Sentence]) -> set[int]:
    """The sentences that start inside a quotation or open with one."""
    inside = set()
    for members in paragraphs(sentences):
        open_ = False
        for k in members:
            text = sentences[k].text
            if open_ or (text.lstrip()[:1] in DOUBLE):
                inside.add(k)
            for i, ch in enumerate(text):
                if ch in DOUBLE:
                    role = _role(text, i)
                    open_ = (not open_) if role == "toggle" else role == "open"
    return inside


def _main_clause(token) -> bool:
    """A verb the parser hung on the sentence's subordinate root that may be the main clause it seemed to lack:
    joined to it by a comma ("After it has dried, begin with ..."), not by "and"/"or" (the subordinate clause
    going on: "Even if it was small and resembled a hut"), not its complement without a comma ("Just because
    he says he is not") and not a remark in brackets ("(check our shop)")."""
    if token.pos_ not in ("VERB", "AUX") or token.dep_ not in ("conj", "parataxis", "ccomp", "advcl"):
        return False
    doc = token.doc
    start = token.left_edge.i
    after_comma = start > 0 and doc[start - 1].text in (",", ";", ":")
    if token.dep_ in ("ccomp", "advcl") and not after_comma:
        return False  # a complement, not a clause of its own after a comma
    if token.dep_ == "advcl" and (
        any(c.dep_ == "mark" for c in token.children) or not any(c.dep_.startswith("nsubj") for c in token.children)
    ):
        return False  # another subordinate clause ("..., because ..."), not a main one ("..., after that I can")
    if token.dep_ == "conj" and any(t.dep_ in ("cc", "preconj") for t in doc[token.head.i + 1 : start]):
        return False
    return not any(t.text == "(" for t in doc[: token.i]) or any(t.text == ")" for t in doc[: token.i])


def _news_line(doc) -> bool:
    """A verbless line that is whole as it is: an exclamation, a greeting or a question ("First of all, happy
    Christmas to all of you!", "Peace and security at the turn of an era?"), a caption or a label with a colon
    ("Back to the 1920s: the director ... with his wife"), a ticker line that opens with its count ("22 new
    Corona virus infections in Lower Austria."), or one whose verb the tagger took for a noun: a plural noun
    after a noun, before a preposition or a determiner ("Ackermann sprints to victory", "My cell phone rings
    with ..."), or an imperative capitalised at the start ("Insert the DVD into the drive.")."""
    text = doc.text.rstrip()
    if text.endswith(("!", "?")) or ": " in text or doc[0].like_num:
        return True
    verbs = english.common_words("verb")
    if len(doc) > 1 and doc[0].lower_ in verbs and doc[1].tag_ in ("DT", "PRP$"):
        return True
    return any(
        t.tag_ == "NNS"
        and 0 < t.i < len(doc) - 1
        and doc[t.i - 1].tag_.startswith("NN")
        and doc[t.i + 1].tag_ in ("IN", "DT", "TO", "PRP$")
        and _stems(t.lower_) & verbs
        for t in doc
    )


def _stems(word: str) -> set[str]:
    """A verb's base forms for its third person: rings -> ring, preoccupies -> preoccupy, pushes -> push."""
    out = {word[:-1]}
    if word.endswith("ies"):
        out.add(word[:-3] + "y")
    if word.endswith("es"):
        out.add(word[:-2])
    return out


def _fragment(sentence: Sentence, alone: bool) -> str:
    doc = sentence.doc
    words = [t for t in doc if not t.is_punct and not t.is_space]
    if len(words) < MIN_WORDS or not sentence.text.rstrip().rstrip("\"'\u201d)").endswith(_END):
        return ""
    if (
        not alone
        and len(words) >= VERBLESS_WORDS
        and not any(t.pos_ in ("VERB", "AUX") for t in doc)
        and not _news_line(doc)
    ):
        return "this sentence has no verb: it reads as a fragment of a longer one, so part of it may be lost"
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if len(roots) == 1:
        marks = [c for c in roots[0].children if c.dep_ == "mark" and c.i < roots[0].i]
        # a second clause the parser hung on the subordinate one ("After it has dried, begin with ...") is the
        # main clause it seemed to lack
        other = [t for t in doc if t is not roots[0] and _main_clause(t)]
        # "Not because he loves Ukraine, but because he fears the army.": a contrast that answers the sentence
        # before it, whole as it is; so is a question "What if ...?"
        contrast = doc[0].lower_ == "not"
        what_if = any(m.lower_ == "if" and m.i > 0 and doc[m.i - 1].lower_ == "what" for m in marks)
        if marks and not other and not contrast and not what_if:
            return (
                f'this sentence is only a subordinate clause ("{quoted(doc[: marks[0].i + 1].text, 30)} ..."): '
                "its main clause is missing, so part of the text may be lost"
            )
    return ""


def find(sentences: Sequence[Sentence]) -> list[Finding]:
    inside = _quoted_sentences(sentences)
    alone = {members[0] for members in paragraphs(sentences) if len(members) == 1}
    found = []
    for k, sentence in enumerate(sentences):
        if sentence.doc is None or k in inside:
            continue
        reason = _fragment(sentence, k in alone)
        if reason:
            found.append(Finding(FRAGMENT, k, (0, len(sentence.text)), reason))
    return found


CHECK = Check(
    FRAGMENT,
    find,
    needs_parse=True,
    what="a sentence fragment: no finite verb, or only a subordinate clause (outside quotations)",
)
