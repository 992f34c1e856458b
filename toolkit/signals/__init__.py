"""Signals: measured differences between a bead's translation and its renderings.

Each family lives in its own module and returns {name: float} plus Reasons pointing at spans of the
translation. The names below are stable: the fusion model (toolkit/data/fusion.json) refers to them.

| family | module | signals |
|---|---|---|
| surface overlap | overlap.py | `chrf_best`, `chrf_median`, `bleu_best`, `bleu_median`, `ter_best`, `ter_median` (and per rendering `chrf:<name>`, `bleu:<name>`, `ter:<name>`) |
| consensus (>= 2 renderings) | consensus.py | `consensus_chrf_gap`, `consensus_chrf_z`, `consensus_unsupported_gap`, `consensus_missing_gap`, `consensus_bigram_gap` |
| word support | lexical.py | `lexical_unsupported`, `lexical_unsupported_all`, `lexical_missing`, `lexical_unsupported_count`, `bigram_unsupported`, `word_order_scrambled` |
| numbers | numbers.py | `numbers_unsupported`, `numbers_missing`, `numbers_mismatch` |
| named entities | entities.py | `entities_unsupported`, `entities_missing` |
| negation, polarity | negation.py | `negation_mismatch`, `negation_source_mismatch` (with an original), `antonyms` |
| mood and tense | mood.py | `question_mismatch`, `question_source_mismatch` (with an original), `tense_mismatch` (English), `future_unsupported` (German original) |
| length, untranslated | length.py | `length_shortfall`, `length_excess`, `length_words`, `untranslated` |
| embeddings (English, model available) | embedding.py | `embed_cos_best`, `embed_cos_median`, `embed_consensus_gap` (>= 2 renderings) |
| coverage of the original (German -> English, dictionary installed) | coverage.py | `source_dropped`, `source_unanchored`, `source_copied` |
| broken grammar (English, parser installed) | grammar.py | `grammar_unlinked` |

A family that cannot be measured (no model, one rendering, no original) leaves its names out rather than
writing a made-up value; the fusion picks a model fitted on the signals that are there.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..records import Reason
from . import dictionary, embedding, grammar
from .consensus import consensus_signals
from .entities import entity_signals
from .coverage import coverage_signals
from .grammar import grammar_signals
from .length import length_signals, untranslated_signals
from .lexical import lexical_signals
from .mood import mood_signals
from .negation import negation_signals
from .numbers import numbers_signal
from .overlap import overlap_signals, signatures

AUTO = "auto"


@dataclass
class BeadTexts:
    """What the signals see of one bead: the translation, its renderings (same language), and optionally the
    original with its back renderings (translation -> original's language)."""

    translation: str
    renderings: dict[str, str]
    original: str = ""
    back_renderings: dict[str, str] = field(default_factory=dict)
    lang: Optional[str] = None  # the translation's language
    original_lang: Optional[str] = None


def _embedder(embedder, lang: Optional[str]):
    if embedder is None or lang not in embedding.LANGUAGES:
        return None
    return embedding.default() if embedder == AUTO else embedder


def _optional(module, wanted: bool):
    """The module's default resource (dictionary, parser) when wanted and installed, else None."""
    if not wanted:
        return None
    try:
        return module.default()
    except module.Unavailable:
        return None


def _one(bead: BeadTexts, embedder, lexicon, parser) -> tuple[dict[str, float], list[Reason]]:
    translation, renderings, original = bead.translation, bead.renderings, bead.original
    pairs = {name: (translation, text) for name, text in renderings.items()}
    pairs.update({name: (original, text) for name, text in (bead.back_renderings or {}).items()})
    values = overlap_signals(pairs)
    reasons: list[Reason] = []
    if renderings:
        ours = statistics.median(values[f"chrf:{name}"] for name in renderings)
        values.update(consensus_signals(translation, renderings, ours))
        values.update(length_signals(translation, renderings))
    for family in (
        lambda: lexical_signals(translation, renderings),
        lambda: numbers_signal(translation, renderings, original),
        lambda: entity_signals(translation, renderings, original),
        lambda: negation_signals(translation, renderings, original),
        lambda: mood_signals(translation, renderings, original, bead.lang, bead.original_lang),
        lambda: untranslated_signals(translation, renderings, original, bead.lang),
        lambda: coverage_signals(translation, renderings, original, bead.original_lang, bead.lang, lexicon),
        lambda: grammar_signals(parser, translation, renderings, bead.lang),
    ):
        family_values, family_reasons = family()
        values.update(family_values)
        reasons += family_reasons
    if embedder is not None and renderings:
        values.update(embedding.embedding_signals(embedder, translation, renderings))
    return values, reasons


def compute_many(beads: Sequence[BeadTexts], embedder=AUTO) -> list[tuple[dict[str, float], list[Reason]]]:
    """compute() for many beads at once: the embedding model and the parser see all their texts in a few large
    batches.

    embedder: AUTO (the packaged MiniLM when it loads), None (no embedding signals) or an embedding.Embedder.
    The dictionary and the parser are used where installed and where a bead's languages need them.
    """
    chosen = {id(b): _embedder(embedder, b.lang) for b in beads}
    for model in {id(m): m for m in chosen.values() if m is not None}.values():
        model.add(t for b in beads if chosen[id(b)] is model for t in [b.translation, *b.renderings.values()])
    lexicon = _optional(dictionary, any(b.original and (b.original_lang, b.lang) == dictionary.LANGUAGES
                                        for b in beads))
    parser = _optional(grammar, any(b.lang in grammar.LANGUAGES for b in beads))
    if parser is not None:
        parser.add([t for b in beads if b.lang in grammar.LANGUAGES for t in [b.translation, *b.renderings.values()]])
    return [_one(b, chosen[id(b)], lexicon, parser) for b in beads]


def compute(
    translation: str,
    renderings: dict[str, str],
    original: str = "",
    back_renderings: dict[str, str] | None = None,
    lang: Optional[str] = None,
    embedder=AUTO,
    original_lang: Optional[str] = None,
) -> tuple[dict[str, float], list[Reason]]:
    """All signals of one bead: {name: value} and the reasons that point at spans of the translation.

    renderings are in the translation's language (lang); back_renderings (translation -> original's language)
    are compared with the original. Embedding signals need lang="en" and a model; coverage signals an original
    in German (original_lang="de") and the dictionary.
    """
    bead = BeadTexts(translation, renderings, original, back_renderings or {}, lang, original_lang)
    return compute_many([bead], embedder)[0]


def warm(texts: Sequence[str], lang: Optional[str], embedder=AUTO) -> None:
    """Embed (and parse) texts now, in large batches, so that compute() on the beads that use them finds them
    ready."""
    model = _embedder(embedder, lang)
    if model is not None:
        model.add(texts)
    parser = _optional(grammar, lang in grammar.LANGUAGES)
    if parser is not None:
        parser.add(list(texts))


def embedding_status() -> str:
    ok, detail = embedding.available()
    return f"embedding:{detail}" if ok else "embedding:unavailable"


def optional_status() -> str:
    """Which optional resources the signals use here, for signatures and cache keys."""
    parts = []
    for name, module in (("dictionary", dictionary), ("grammar", grammar)):
        ok, detail = module.available()
        parts.append(f"{name}:{detail if ok else 'unavailable'}")
    return "|".join(parts)


__all__ = ["AUTO", "BeadTexts", "compute", "compute_many", "embedding_status", "optional_status", "signatures",
           "warm"]
