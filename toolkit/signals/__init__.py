"""Signals: measured differences between a bead's translation and its renderings.

Every family is declared once in its module (`FAMILY`, see base.py) and listed once in REGISTRY below; the
fusion, the fitting code, the report, the export and the README's table read the registry. `measure()`
runs every family over many beads at once, after each family's `prepare` has seen all their texts (one
embedding batch, one parser run). A family that cannot be measured (no model, one rendering, no original)
leaves its names out rather than writing a made-up value; the fusion picks a model fitted on the signals
that are there, and reads a signal with a neutral value as "no evidence" when it is absent.

`table()` prints the registry as the README's table of signals.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, ContextManager, Sequence

from ..signature import Signature
from . import (
    consensus,
    coverage,
    dictionary,
    embedding,
    entities,
    grammar,
    learnt,
    length,
    lexical,
    mood,
    negation,
    numbers,
    overlap,
)
from .base import AUTO, BeadTexts, Family, Measured, Registry, Resources, Signal

# The order is the fusion's feature order (fitted models list their features by name, so a new family can
# go anywhere; moving an old one changes nothing but the order in which `make calibrate` sees them).
REGISTRY = Registry(
    [
        overlap.FAMILY,
        lexical.FAMILY,
        numbers.FAMILY,
        entities.FAMILY,
        negation.FAMILY,
        mood.FAMILY,
        length.LENGTH,
        length.UNTRANSLATED,
        coverage.FAMILY,
        grammar.FAMILY,
        consensus.FAMILY,
        embedding.FAMILY,
        learnt.FAMILY,
    ]
)


def measure(
    beads: Sequence[BeadTexts], resources: Resources | None = None, timer: Callable[[str], ContextManager] | None = None
) -> list[Measured]:
    """Every registered signal of every bead. resources: the optional models and dictionaries (default: the
    packaged ones where installed). timer: where given, each family's work (prepare and measure, loading its
    model included) runs inside timer(family name), for `make bench`'s shares."""
    resources = resources or Resources()
    timer = timer or (lambda name: contextlib.nullcontext())
    # The models on every core first; then the background work (the parser processes) starts, and runs beside
    # the other families' preparing and measuring, which is Python on one core (spaCy's NER included). Started
    # before the models, it took the cores from them: on 2 cores, 2 parser processes against 2 torch threads
    # made the embedding stage 3.5x the library's own encode, at twice its CPU (threads spinning at their
    # barriers for a descheduled partner).
    families = REGISTRY.families
    models = [f for f in families if f.all_cores]
    background = [f for f in families if f.background and not f.all_cores]
    rest = [f for f in families if f not in models and f not in background]
    prepared: dict[str, Any] = {}
    for family in models + background + rest:
        if family.prepare is not None:
            with timer(family.name):
                prepared[family.name] = family.prepare(beads, resources)
    found: dict[str, list[Measured]] = {}
    for family in models + rest + background:  # family by family, so each is timed once, not once a bead
        state = prepared.get(family.name)
        with timer(family.name):
            found[family.name] = [family.measure(bead, resources, state) for bead in beads]
    measured = [Measured() for _ in beads]
    for family in REGISTRY.families:  # merged in registry order, whatever order they were measured in
        for result, part in zip(measured, found[family.name]):
            result.update(part)
    return measured


def measure_one(
    translation: str,
    renderings: dict[str, str],
    original: str = "",
    lang: str | None = None,
    original_lang: str | None = None,
    resources: Resources | None = None,
) -> Measured:
    """measure() of one bead: a translation, its renderings {name: text} in its language, and optionally the
    original."""
    from ..languages import Language

    bead = BeadTexts(
        translation,
        renderings,
        original,
        lang=Language.parse(lang) if lang else None,
        original_lang=Language.parse(original_lang) if original_lang else None,
    )
    return measure([bead], resources)[0]


def status() -> Signature:
    """Which optional resources the signals use here, for signatures and cache keys."""
    fields = {}
    for name, module in (
        ("embedding", embedding),
        ("dictionary", dictionary),
        ("grammar", grammar),
        ("learnt", learnt),
    ):
        ok, detail = module.available()
        fields[name] = detail if ok else "unavailable"
    ok, detail = entities.ner_available()
    fields["names"] = detail if ok else "capitalisation"  # which words are names: NER, or the fallback rule
    return Signature.of(" # ", **fields)


def table() -> str:
    """The registry as a markdown table, for the README."""
    rows = ["| signal | family | measures | direct check | needs |", "|---|---|---|---|---|"]
    for family in REGISTRY.families:
        for s in family.signals:
            needs = ", ".join(sorted(s.needs)) or family.when
            rows.append(f"| `{s.name}` | {family.name} ({family.module}) | {s.measures} | {s.check or ''} | {needs} |")
    return "\n".join(rows)


signatures = overlap.signatures

__all__ = [
    "AUTO",
    "REGISTRY",
    "BeadTexts",
    "Family",
    "Measured",
    "Resources",
    "Signal",
    "measure",
    "measure_one",
    "signatures",
    "status",
    "table",
]
