"""The one signature of a run's verdicts: everything that shaped them, for compare, contrast and batch alike."""

from __future__ import annotations

from typing import Iterable, Optional

from .signature import Signature, Value


def run_signature(
    engines: Iterable[str] | str,
    threshold: float,
    aligned: bool = False,
    context: Optional[dict[str, Value]] = None,
    significance: Optional[str] = None,
) -> Signature:
    """toolkit version, what the run was asked (context: the input kind, what systems are judged against),
    the engines' renderings, the aligner, the surface metrics, the fusion, the optional resources (embedding,
    dictionary, parser, learnt model, name finder) and the damage checks; significance tests last."""
    from . import __version__, damage, fuse, signals
    from .alignment import signature as align_signature

    metrics = signals.signatures()
    fields: dict[str, Value] = {
        "toolkit": __version__,
        **(context or {}),
        "engines": sorted(engines) if not isinstance(engines, str) else engines,
        "align": align_signature() if aligned else "none",
        "chrf": metrics["chrf"],
        "bleu": metrics["bleu"],
        "ter": metrics["ter"],
        "fusion": fuse.signature(threshold),
        "resources": signals.status(),
        "damage": damage.signature(),
    }
    if significance:
        fields["significance"] = significance
    return Signature.of(" # ", **fields)
