"""The learnt divergence network: a BERT-like cross-encoder over "translation [SEP] rendering" with LoRA
adapters and a small head. Shared by training (training.train) and scoring (toolkit.learnt.model);
imports torch and transformers, so only those import it.

The head reads the [CLS] vector and the mean of the token vectors (padding masked out), concatenated, through
one hidden layer to one logit: "these two texts differ in meaning".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from .lora import TARGETS, add_lora, lora_state, merge_lora

ADAPTER = "adapter.safetensors"
RECIPE = "recipe.json"


@dataclass
class NetworkConfig:
    r: int = 16
    alpha: float = 32.0
    lora_dropout: float = 0.05
    head_hidden: int = 256
    max_length: int = 128
    first_layer: int = 2  # LoRA on encoder layers >= first_layer
    targets: tuple[str, ...] = TARGETS


class Head(nn.Module):
    def __init__(self, hidden: int, inner: int):
        super().__init__()
        self.dense = nn.Linear(2 * hidden, inner)
        self.act = nn.GELU()
        self.out = nn.Linear(inner, 1)

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        weights = mask.unsqueeze(-1).to(states.dtype)
        mean = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.out(self.act(self.dense(torch.cat([states[:, 0], mean], dim=-1)))).squeeze(-1)


class CrossEncoder(nn.Module):
    def __init__(self, encoder: nn.Module, config: NetworkConfig):
        super().__init__()
        self.encoder = encoder
        self.config = config
        hidden: int = encoder.config.hidden_size  # type: ignore[union-attr, assignment]
        self.head = Head(hidden, config.head_hidden)

    def forward(self, input_ids, attention_mask, token_type_ids=None) -> torch.Tensor:
        states = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        return self.head(states, attention_mask)


def load_encoder(base: Path | str):
    """The base BertModel from a local folder; never the hub."""
    from transformers import AutoModel

    return AutoModel.from_pretrained(str(base), local_files_only=True, add_pooling_layer=False)


def load_tokenizer(base: Path | str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base), local_files_only=True)


def trainable(base: Path | str, config: NetworkConfig) -> CrossEncoder:
    """Base encoder frozen, LoRA adapters on its linear layers and a fresh head trainable."""
    encoder = load_encoder(base)
    for parameter in encoder.parameters():
        parameter.requires_grad = False
    add_lora(encoder, config.r, config.alpha, config.lora_dropout, config.targets, config.first_layer)
    return CrossEncoder(encoder, config)


def adapter_tensors(model: CrossEncoder) -> dict[str, torch.Tensor]:
    tensors = {f"encoder.{k}": v.float().contiguous() for k, v in lora_state(model.encoder).items()}
    tensors.update({f"head.{k}": v.detach().float().contiguous() for k, v in model.head.state_dict().items()})
    return tensors


def save_adapter(model: CrossEncoder, folder: Path | str, recipe: dict) -> str:
    """Write the adapters and head (float16: half the size, differences far below a flag's resolution) and
    the recipe; returns the adapter file's sha256."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.half().contiguous() for k, v in adapter_tensors(model).items()}
    save_file(tensors, str(folder / ADAPTER), metadata={"format": "pt"})
    digest = file_sha256(folder / ADAPTER)
    recipe = dict(recipe, network=asdict(model.config), adapter_sha256=digest)
    (folder / RECIPE).write_text(json.dumps(recipe, indent=2, sort_keys=True) + "\n")
    return digest


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_scoring(base: Path | str, folder: Path | str) -> tuple[CrossEncoder, dict]:
    """The network with the saved adapters folded into the base weights, in eval mode, and its recipe."""
    from safetensors.torch import load_file

    folder = Path(folder)
    recipe = json.loads((folder / RECIPE).read_text())
    network = recipe["network"]
    config = NetworkConfig(**{**network, "targets": tuple(network["targets"]), "lora_dropout": 0.0})
    encoder = load_encoder(base)
    add_lora(encoder, config.r, config.alpha, 0.0, config.targets, config.first_layer)
    model = CrossEncoder(encoder, config)
    tensors = load_file(str(folder / ADAPTER))
    expected = set(adapter_tensors(model))
    if set(tensors) != expected:
        missing, extra = sorted(expected - set(tensors)), sorted(set(tensors) - expected)
        raise ValueError(f"the adapter does not fit this base model (missing {missing[:3]}, unexpected {extra[:3]})")
    state = {k: v.float() for k, v in tensors.items()}
    model.load_state_dict(state, strict=False)
    merge_lora(model.encoder)
    model.eval()
    return model, recipe
