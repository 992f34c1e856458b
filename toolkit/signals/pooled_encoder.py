"""A sentence-transformers folder of the common shape (a transformer, mean pooling, unit vectors: the packaged
all-MiniLM-L6-v2 and most sentence models) run with transformers alone.

Importing sentence-transformers costs about 260 MB and several seconds in every process that embeds (it pulls in
scikit-learn and SciPy), while the transformer itself is what transformers and torch, already loaded for the
learnt model, run anyway. A folder of any other shape (a Dense layer, CLS or max pooling, a prompt) is left to
sentence-transformers (`reads`). The vectors agree with sentence-transformers' `encode` to 1e-6
(tests/test_embedding_batch.py): texts are batched the same way, longest first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

_KINDS = ("Transformer", "Pooling", "Normalize")  # sentence-transformers' module classes this reads


def reads(folder: Path) -> Optional[int]:
    """The folder's max_seq_length when it has the shape this module runs, else None."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds not in (list(_KINDS), list(_KINDS[:2])) or modules[0]["path"] != "":
            return None
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v is True}
    if (
        modes != {"pooling_mode_mean_tokens"}
        or config.get("do_lower_case")
        or not isinstance(config.get("max_seq_length"), int)
        or set(config) - {"max_seq_length", "do_lower_case"}
    ):
        return None
    return config["max_seq_length"]


class PooledEncoder:
    """`encode(texts, batch_size)`: (len(texts), hidden) unit vectors, float32."""

    def __init__(self, folder: Path, max_length: int):
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModel.from_pretrained(str(folder)).eval()
        self.max_length = max_length

    def encode(self, texts: Sequence[str], batch_size: int):
        import numpy as np  # here, not at the top: the CLI's start imports this module and must not pay for it
        import torch

        from ..learnt.sentence import mean_pooled

        order = np.argsort([-len(t) for t in texts])  # longest first, as sentence-transformers batches them
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for at in range(0, len(texts), batch_size):
                rows = order[at : at + batch_size]
                out[rows] = mean_pooled(self.model, self.tokenizer, [texts[r] for r in rows], self.max_length).numpy()
        return out
