"""Engine specs -> engines. A spec is `kind:argument`; each kind's module is imported only when used."""

from __future__ import annotations

import importlib

from ..errors import ToolkitError
from .base import Engine

# kind -> "module:class"; heavy modules (torch, transformers) load only when their kind is asked for.
KINDS: dict[str, str] = {
    "apertium": "toolkit.engines.apertium:ApertiumEngine",
    "file": "toolkit.engines.file:FileEngine",
    "hf": "toolkit.engines.hf:HFEngine",
    "ct2": "toolkit.engines.ct2:CT2Engine",
}


def load(spec: str) -> Engine:
    kind, sep, argument = spec.partition(":")
    if not sep or not argument or kind not in KINDS:
        raise ToolkitError(
            f"unknown engine spec {spec!r}: use one of "
            + ", ".join(f"{k}:..." for k in KINDS)
            + " (e.g. apertium:eng-spa, file:renderings.txt)"
        )
    module_name, class_name = KINDS[kind].split(":")
    return getattr(importlib.import_module(module_name), class_name)(argument)


__all__ = ["Engine", "KINDS", "load"]
