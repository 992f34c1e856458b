"""Which language a document is written in, to catch a wrong `--lang` before it spoils a run.

lingua (PyPI lingua-language-detector, the `detect` extra) is a maintained detector that is accurate on
paragraphs as well as short texts. It is imported only here, when a document is checked, and restricted to the
languages the toolkit knows; its low-accuracy mode (trigrams only) loads in a fraction of a second and is
plenty for a few thousand characters of running text. Without lingua there is simply no check.
"""

from __future__ import annotations

import functools
from typing import Optional

from . import languages

SAMPLE_CHARS = 3000  # the opening of a document says its language; the whole would only cost time
SURE = 0.9  # how sure the detector must be of another language before the user is told


@functools.lru_cache(maxsize=1)
def _detector():
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError:
        return None
    codes = [getattr(IsoCode639_1, code.upper()) for code in languages.known() if hasattr(IsoCode639_1, code.upper())]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def detect(text: str) -> Optional[tuple[str, float]]:
    """(ISO 639-1 code, confidence in [0, 1]) of the most likely language, or None when no detector is
    installed or the text has no letters to go by."""
    detector = _detector()
    if detector is None or not any(ch.isalpha() for ch in text[:SAMPLE_CHARS]):
        return None
    values = detector.compute_language_confidence_values(text[:SAMPLE_CHARS])
    if not values:
        return None
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


def mismatch(text: str, lang: str, what: str, option: str) -> Optional[str]:
    """A one-line warning when the text is surely in another language than `lang`, else None."""
    found = detect(text)
    if found is None:
        return None
    code, confidence = found
    lang = languages.check(lang)
    if code == lang or confidence < SURE:
        return None
    seen = languages.check(code)
    return (
        f"the {what} reads as {seen.english_name} ({code}, {confidence:.0%} sure), not "
        f"{lang.english_name}: check {option} {lang} (a wrong language spoils segmentation and rendering)"
    )
