"""Quotation marks: in the source language's style, unbalanced, or left open at the end of a paragraph.

English opens a quotation with " or “ and closes it with " or ”. German opens with „ and closes with “ (or uses
» «), French and Swiss texts use « »: such marks in English text show an unfinished translation or a pasted
quote. A closing mark with no opening one, an opening mark while a quotation is still open, or a quotation
still open at the end of its paragraph (English reopens a quotation that runs on at the next paragraph's
start, so that is no fault) mean a quotation lost its start or its end: a reader cannot tell where the
speaker's words stop.

Each double quotation mark's role is read from its neighbours: after a space, a bracket or the start of the
paragraph it opens; before a space, punctuation or the end it closes; otherwise a straight mark toggles.
Single marks are left alone: ' and ’ are apostrophes far more often than quotation marks.
"""

from __future__ import annotations

from typing import Optional, Sequence

from .base import QUOTES, Check, Finding, Sentence, paragraphs

FOREIGN = {"\u00bb": "»", "\u00ab": "«", "\u201e": "„", "\u201a": "‚"}
DOUBLE = '"\u201c\u201d\u201e\u00ab\u00bb'
_OPEN_BEFORE = set(" \t\n([{\u2013\u2014-/")
_CLOSE_AFTER = set(" \t\n.,;:!?)]}\u2013\u2014-/")


def _role(text: str, i: int) -> str:
    mark = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens, closes = before in _OPEN_BEFORE, after in _CLOSE_AFTER
    if mark in "\u201e":
        return "open"
    if mark == "\u201d":
        return "close"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "toggle"


def quotations(text: str) -> list[tuple[int, int]]:
    """The spans of the complete quotations in one sentence (marks included)."""
    spans, opened = [], None
    for i, ch in enumerate(text):
        if ch not in DOUBLE:
            continue
        role = _role(text, i)
        if role == "toggle":
            role = "close" if opened is not None else "open"
        if role == "open":
            opened = i
        elif opened is not None:
            spans.append((opened, i + 1))
            opened = None
    return spans


def _foreign(k: int, sentence: Sentence) -> Optional[Finding]:
    """The sentence's first quotation mark in a non-English style, as one finding."""
    text = sentence.text
    for i, ch in enumerate(text):
        german_close = ch == "\u201c" and i > 0 and not text[i - 1].isspace() and _role(text, i) == "close"
        if ch in FOREIGN or german_close or (ch == "\u2018" and "\u201a" in text):
            return Finding(
                QUOTES,
                k,
                (i, i + 1),
                f"the quotation mark {ch} is in German or French style, not English: the quotation "
                "was pasted or left unfinished, check where it starts and ends",
            )
    return None


def _starts_with_quote(sentence: Sentence) -> bool:
    stripped = sentence.text.lstrip()
    return bool(stripped) and stripped[0] in DOUBLE and _role(stripped, 0) != "close"


def find(sentences: Sequence[Sentence]) -> list[Finding]:
    found = []
    groups = paragraphs(sentences)
    for g, members in enumerate(groups):
        for k in members:
            foreign = _foreign(k, sentences[k])
            if foreign:
                found.append(foreign)
        opened: Optional[tuple[int, int]] = None  # (sentence, offset) of the quotation that is open
        for k in members:
            text = sentences[k].text
            for i, ch in enumerate(text):
                if ch not in DOUBLE:
                    continue
                role = _role(text, i)
                if role == "toggle":
                    role = "close" if opened else "open"
                if role == "open":
                    if opened:
                        s, o = opened
                        found.append(
                            Finding(
                                QUOTES,
                                s,
                                (o, o + 1),
                                "the quotation that opens here is not closed before the next one "
                                "opens: where the quoted words end is lost",
                            )
                        )
                    opened = (k, i)
                elif opened:
                    opened = None
                else:
                    found.append(
                        Finding(
                            QUOTES,
                            k,
                            (i, i + 1),
                            "this closing quotation mark has no opening one: the quotation's start "
                            "is lost, so who says what is unclear",
                        )
                    )
        continues = g + 1 < len(groups) and _starts_with_quote(sentences[groups[g + 1][0]])
        if opened and not continues:
            s, o = opened
            found.append(
                Finding(
                    QUOTES,
                    s,
                    (o, o + 1),
                    "the quotation that opens here is never closed in its paragraph: where the "
                    "quoted words end is lost",
                )
            )
    return sorted(set(found), key=lambda f: (f.sentence, f.span))


CHECK = Check(
    QUOTES,
    find,
    what="quotation marks unbalanced, left open at a paragraph's end, or in German or "
    "French style (» « „ ‚, “ as a closing mark)",
)
