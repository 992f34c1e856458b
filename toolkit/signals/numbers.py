"""Numbers that differ between the translation and what the renderings agree on.

German and English write the same number differently (1.000 / 1,000; 3,5 / 3.5), so numbers are compared
as values: a group of three digits after a separator is a thousands group, anything else is a decimal part.
"""
from __future__ import annotations

import re
from collections import Counter

from ..records import Reason

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?![\w])|(?<![\w.,])\d+(?:[.,]\d+)?")


def _value(token: str) -> str:
    digits = token.replace("\u00a0", " ").replace("\u202f", " ")
    groups = re.split(r"[., ]", digits)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return str(int("".join(groups)))  # thousands separators
    if len(groups) == 2:
        return f"{int(groups[0])}.{groups[1].rstrip('0') or '0'}"  # a decimal comma or point
    return str(int("".join(groups)))


def numbers_with_spans(text: str) -> list[tuple[str, tuple[int, int]]]:
    found = []
    for match in _NUMBER.finditer(text):
        token = match.group(0).rstrip(" ")
        if token:
            found.append((_value(token), (match.start(), match.start() + len(token))))
    return found


def numbers_signal(translation: str, renderings: dict[str, str]) -> tuple[dict[str, float], list[Reason]]:
    """1.0 when a number of the translation is in no rendering, or all renderings share one it lacks."""
    if not renderings:
        return {}, []
    ours = numbers_with_spans(translation)
    theirs = [Counter(value for value, _ in numbers_with_spans(r)) for r in renderings.values()]
    seen_anywhere = set().union(*theirs)
    agreed = set.intersection(*(set(c) for c in theirs))
    our_values = {value for value, _ in ours}
    reasons = [
        Reason("numbers", f"{translation[a:b]} is in no rendering", (a, b))
        for value, (a, b) in ours if value not in seen_anywhere
    ]
    reasons += [
        Reason("numbers", f"every rendering has {value}, the translation does not", None)
        for value in sorted(agreed - our_values)
    ]
    return {"numbers_mismatch": 1.0 if reasons else 0.0}, reasons
