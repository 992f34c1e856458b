"""`ct2:` engine: the same translation models through CTranslate2, several times faster on CPU.

A Hugging Face folder (or cached hub model) is converted once per compute type into
$TOOLKIT_MODELS/ct2 (default ~/.cache/toolkit/models/ct2) and reused. int8 on CPU; float16 on GPU, or
int8_float16 when asked (`?compute_type=int8_float16`). Tokenising stays with the model's own tokenizer, so the
input ids are exactly those the hf: engine feeds the model.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from .. import languages
from ..errors import ToolkitError
from ..paths import cache_root
from .base import SignatureFields
from .neural import Model, NeuralEngine, decode

# CTranslate2's OpenMP threads otherwise spin for a while after every batch, stealing the cores that torch
# (the hf: engine, embeddings) and the rest of the pipeline need; measured: 4x slower tests next to torch.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def converted_root() -> Path:
    if os.environ.get("TOOLKIT_MODELS"):
        return Path(os.environ["TOOLKIT_MODELS"]) / "ct2"
    return cache_root() / "models" / "ct2"


class _LanguageTokensListed:
    """transformers 5 no longer lists M2M-100's `__de__` tokens in `special_tokens_map`, where CTranslate2 4.x
    looks for them to build the vocabulary; this view of the tokenizer lists them again, in id order."""

    def __init__(self, tokenizer):
        self._tokenizer = tokenizer

    def __getattr__(self, name):
        return getattr(self._tokenizer, name)

    @property
    def special_tokens_map(self):
        listed = dict(self._tokenizer.special_tokens_map)
        by_id = sorted(self._tokenizer.lang_token_to_id.items(), key=lambda item: item[1])
        listed["additional_special_tokens"] = [token for token, _ in by_id]
        return listed


def _converter(path: Path):
    import ctranslate2

    class Converter(ctranslate2.converters.TransformersConverter):
        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            if (
                getattr(tokenizer, "lang_token_to_id", None)
                and "additional_special_tokens" not in tokenizer.special_tokens_map
            ):
                return _LanguageTokensListed(tokenizer)
            return tokenizer

    return Converter(str(path), low_cpu_mem_usage=True)


def convert(model: Model, compute_type: str) -> Path:
    """The CTranslate2 copy of `model` for `compute_type`, converted on first use."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "--", model.model_id.strip("/~.")) or "model"
    target = converted_root() / f"{name}@{model.revision}-{compute_type}"
    if (target / "model.bin").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    try:
        # Quantising at conversion keeps the copy small; the weights are saved already in the type they run in.
        _converter(model.path).convert(str(partial), quantization=compute_type, force=True)
    except Exception as err:  # the converter raises bare ValueError/RuntimeError/OSError for unsupported models
        shutil.rmtree(partial, ignore_errors=True)
        raise ToolkitError(
            f"cannot convert {model.model_id} for CTranslate2: {str(err).splitlines()[0][:200]}"
        ) from None
    try:
        os.replace(partial, target)  # atomic: a killed conversion never leaves a half model behind
    except OSError:  # another process finished first; theirs is as good as ours
        shutil.rmtree(partial, ignore_errors=True)
    return target


class CT2Engine(NeuralEngine):
    kind = "ct2"

    def __init__(self, argument: str, **settings):
        super().__init__(argument, **settings)
        import ctranslate2

        device = self.settings["device"]
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        self.device = device
        self.compute_type = self.settings["compute_type"] or ("float16" if device == "cuda" else "int8")
        try:
            supported = ctranslate2.get_supported_compute_types(device)
        except (RuntimeError, ValueError) as err:  # e.g. device=cuda on a machine without a usable GPU
            raise ToolkitError(f"CTranslate2 cannot use device {device}: {str(err).splitlines()[0][:200]}") from None
        if self.compute_type not in supported:
            raise ToolkitError(
                f"compute type {self.compute_type} is not supported on {device}: use one of "
                + ", ".join(sorted(supported))
            )

    def signature_fields(self) -> SignatureFields:
        import ctranslate2

        return super().signature_fields() + [("compute", self.compute_type), ("ctranslate2", ctranslate2.__version__)]

    def _load(self, model: Model) -> Any:
        import ctranslate2

        return ctranslate2.Translator(
            str(convert(model, self.compute_type)),
            device=self.device,
            compute_type=self.compute_type,
            inter_threads=1,
            intra_threads=self.settings["threads"],
        )

    def _generate(self, model: Model, batch: list[list[int]], tgt: str, min_len: int, max_len: int) -> list[str]:
        tokenizer = model.tokenizer
        source = [tokenizer.convert_ids_to_tokens(row) for row in batch]
        prefix = None
        if model.family != "marian":  # NLLB / M2M-100: the target language token starts the output
            prefix = [[languages.language_token(model.family, tgt)]] * len(batch)
        results = model.backend.translate_batch(
            source,
            target_prefix=prefix,
            beam_size=self.settings["beam"],
            max_batch_size=len(batch),
            max_decoding_length=max_len,
            min_decoding_length=min_len,
            max_input_length=0,
        )
        return [decode(model, tokenizer.convert_tokens_to_ids(r.hypotheses[0])) for r in results]
