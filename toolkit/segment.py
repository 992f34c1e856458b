"""Sentence segmentation with offsets: sentencex does the splitting, we keep paragraphs and character spans."""

from __future__ import annotations

import re
from pathlib import Path

from . import languages
from .cleaning import clean_paragraphs
from .reading import STDIN, read_article
from .records import Document, Segment

# Abbreviations after which sentencex still splits (seen: "approx. 5" in English). A split is undone only when
# the next piece starts in lower case or with a digit, so a real sentence end after "etc." survives.
_ABBREVIATIONS = {
    "en": {
        "approx",
        "ca",
        "no",
        "nos",
        "vs",
        "e.g",
        "i.e",
        "etc",
        "est",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
    },
    "de": {
        "ca",
        "z.b",
        "bzw",
        "vgl",
        "nr",
        "dr",
        "prof",
        "usw",
        "inkl",
        "ggf",
        "evtl",
        "sog",
        "u.a",
        "d.h",
        "mio",
        "mrd",
        "bspw",
        "st",
        "jh",
    },
}
_LAST_WORD = re.compile(r"(\S+)\.\s*$")


def _should_join(left: str, right: str, lang: str) -> bool:
    if left and right and not left[-1].isspace() and right[0].isalnum():
        return True  # no space after the stop: a dotted name such as IPPEN.MEDIA or a URL
    match = _LAST_WORD.search(left)
    if not match or not right:
        return False
    word = match.group(1).lower().lstrip("(\"'„“«»")
    starts_low = right[0].islower() or right[0].isdigit()
    return starts_low and word in _ABBREVIATIONS.get(lang, set())


def split_sentences(paragraph: str, lang: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph (whitespace trimmed)."""
    from sentencex import segment as sentencex_segment

    pieces = [p for p in sentencex_segment(lang, paragraph) if p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and _should_join(merged[-1], piece, lang):
            merged[-1] += piece
        else:
            merged.append(piece)
    spans = []
    cursor = 0
    for piece in merged:
        text = piece.strip()
        start = paragraph.find(text, cursor)
        if start < 0:  # sentencex normalised something; fall back to the running cursor
            start = cursor
        end = start + len(text)
        spans.append((start, end))
        cursor = end
    return spans


def segment_text(text: str, lang: str, clean: bool = True) -> Document:
    """Clean (optionally), then split into paragraphs (one per line) and sentences, keeping offsets."""
    lang = languages.check(lang)
    paragraphs = clean_paragraphs(text) if clean else [p.strip() for p in text.split("\n") if p.strip()]
    cleaned = "\n".join(paragraphs)
    segments: list[Segment] = []
    offset = 0
    for number, paragraph in enumerate(paragraphs):
        for start, end in split_sentences(paragraph, lang):
            segments.append(Segment(len(segments), paragraph[start:end], number, offset + start, offset + end))
        offset += len(paragraph) + 1
    return Document(lang=lang, text=cleaned, segments=segments)


def read_document(path: str | Path, lang: str, clean: bool = True, what: str = "file") -> Document:
    """A text file, a web page (its article) or `-` (standard input), cleaned and segmented."""
    text, meta = read_article(path, what)
    document = segment_text(text, lang, clean=clean)
    document.path = "<stdin>" if str(path) == STDIN else str(path)
    document.meta = meta
    return document
