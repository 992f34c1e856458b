"""Sentence alignment: the public entry point. The aligner lives in toolkit/alignment/ (cost.py prices a bead,
search.py finds the cheapest sequence of beads); its module docstring states the algorithm."""
from .alignment import MAX_BEAD, MAX_SIDE, Settings, align, shapes, signature

__all__ = ["align", "signature", "shapes", "Settings", "MAX_SIDE", "MAX_BEAD"]
