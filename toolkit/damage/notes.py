"""Editorial notes left in the text: "(from the Minsk regime, ed.)", "(Anm. d. Red.)", "[d. Red.]".

A German newsroom marks its own insertions into a quotation with "Anm. d. Red." or "d. Red." (an English one
with "ed." or "editor's note"); a translation that keeps the mark shows the reader the editor's words as if the
speaker said them, and a German mark shows the text was not fully translated.
"""

from __future__ import annotations

import re
from typing import Sequence

from .base import EDITORIAL_NOTE, Check, Finding, Sentence

_MARK = r"(?:Anm\.\s*d\.\s*(?:Red|Ü|Übers)\.?|d\.\s*Red\.?|Red\.|[Ee]d\.|[Ee]ds\.|[Ee]ditor'?s\s+note\b[^)\]]*)"
# a bracket whose content is or ends with the mark: "(ed.)", "(from the regime, ed.)", "[Anm. d. Red.: ...]"
_NOTE = re.compile(r"[(\[](?:[^()\[\]]{0,200}?[,;:\s-])?" + _MARK + r"\s*(?::[^()\[\]]{0,200})?[)\]]")


def find(sentences: Sequence[Sentence]) -> list[Finding]:
    found = []
    for k, sentence in enumerate(sentences):
        for match in _NOTE.finditer(sentence.text):
            found.append(
                Finding(
                    EDITORIAL_NOTE,
                    k,
                    match.span(),
                    f"an editor's note was left in the text: \"{match.group(0)}\" is the newsroom's "
                    "remark, not part of what is quoted or reported",
                )
            )
    return found


CHECK = Check(EDITORIAL_NOTE, find, what="an editor's note left in the text: (ed.), (Anm. d. Red.), (d. Red.)")
