"""Low-rank adapters (LoRA, Hu et al. 2021) on the linear layers of a BERT-like encoder, written out here.

A frozen weight W gets a trainable update (alpha / r) * B @ A with A: r x in and B: out x r, B starting at zero
so training starts from the base model exactly. Only A and B are saved (a few MB for MiniLM at r=16); at run
time they are folded into W once (`merge`), so scoring costs what the base model costs. Kept in-house rather
than through peft: two small functions, no extra dependency at run time, and the saved tensors are named by
the base model's own module paths.
"""

from __future__ import annotations

import math
from typing import Iterable

import torch
from torch import nn

# BERT's linear layers: attention (query, key, value, its output) and the feed-forward pair
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float, dropout: float = 0.0):
        super().__init__()
        self.base = base
        self.r = r
        self.scale = alpha / r
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (self.dropout(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scale

    def merged(self) -> nn.Linear:
        with torch.no_grad():
            self.base.weight += (self.lora_B @ self.lora_A) * self.scale
        return self.base


def _layer(name: str) -> int:
    parts = name.split(".")
    return int(parts[parts.index("layer") + 1]) if "layer" in parts else -1


def _targets(model: nn.Module, targets: Iterable[str], first_layer: int = 0) -> list[str]:
    suffixes = tuple(targets)
    names = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear) and _layer(name) >= first_layer and name.endswith(suffixes):
            # "output.dense" also ends "attention.output.dense": both are wanted, each matched once
            names.append(name)
    return names


def add_lora(
    model: nn.Module,
    r: int = 16,
    alpha: float = 32.0,
    dropout: float = 0.0,
    targets: Iterable[str] = TARGETS,
    first_layer: int = 0,
) -> list[str]:
    """Replace the target linear layers of `model` (in encoder layers >= first_layer) in place; returns their
    names. Adapting only the upper layers spares the backward pass through the lower ones."""
    names = _targets(model, targets, first_layer)
    if not names:
        raise ValueError("no linear layer of the model matches the LoRA targets")
    for name in names:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        setattr(parent, child, LoRALinear(getattr(parent, child), r, alpha, dropout))
    return names


def lora_state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {
        name: tensor.detach().clone()
        for name, tensor in model.state_dict().items()
        if name.endswith((".lora_A", ".lora_B"))
    }


def merge_lora(model: nn.Module) -> None:
    """Fold every adapter into its base weight and put the plain linear layer back."""
    for name, module in list(model.named_modules()):
        if isinstance(module, LoRALinear):
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, module.merged())
