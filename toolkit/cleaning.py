"""Removing web-scraping debris before segmentation, so the raw corpus file stays exactly as it was published."""

from __future__ import annotations

import re

# Whole lines that are page furniture, not article text.
_FURNITURE = re.compile(r"^\s*(top of page|bottom of page|back to top|advertisement|anzeige)\s*$", re.I)
# An image caption whose credit was lost in scraping ends in an empty "Source:" / "Quelle:" / "Foto:".
_EMPTY_CREDIT = re.compile(r"\s*(?:(?:\u00a9|Source|Quelle|Foto|Photo|Bild|Credit)\s*:?)\s*$", re.I)


def clean_paragraphs(text: str) -> list[str]:
    """Paragraphs (non-empty lines) of a scraped article with furniture, empty credits and alt texts removed."""
    lines = [line.strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if not line or _FURNITURE.match(line):
            continue
        stripped = _EMPTY_CREDIT.sub("", line) if line.rstrip().endswith(":") else line
        if not stripped:
            continue
        if stripped != line and not stripped.endswith((".", "!", "?")):
            stripped += "."
        # An image's alt text scraped right before its own caption says the same thing twice.
        if paragraphs and stripped.startswith(paragraphs[-1].rstrip(".")) and stripped != line:
            paragraphs.pop()
        paragraphs.append(stripped)
    return paragraphs
