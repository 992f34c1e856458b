"""`hf:` engine: Hugging Face transformers translation models (OPUS-MT Marian, NLLB-200, M2M-100) in PyTorch.

The device is chosen automatically (CUDA in half precision when there is one, else CPU in float32); decoding
is greedy or beam search, never sampling, so the same input gives the same output.
"""

from __future__ import annotations

from typing import Any

from .. import languages
from ..errors import ToolkitError
from .base import SignatureFields
from .neural import Model, NeuralEngine, decode


class HFEngine(NeuralEngine):
    kind = "hf"

    def __init__(self, argument: str, **settings):
        super().__init__(argument, **settings)
        import torch

        device = self.settings["device"]
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ToolkitError(f"device {device} asked for, but PyTorch sees no CUDA GPU: use device=cpu or auto")
        self.device = device
        self.dtype = torch.float16 if device.startswith("cuda") else torch.float32
        if self.settings["threads"] > 0:
            torch.set_num_threads(self.settings["threads"])

    def signature_fields(self) -> SignatureFields:
        import transformers

        dtype = str(self.dtype).replace("torch.", "")
        return super().signature_fields() + [("dtype", dtype), ("transformers", transformers.__version__)]

    def _load(self, model: Model) -> Any:
        from transformers import AutoModelForSeq2SeqLM

        try:
            network = AutoModelForSeq2SeqLM.from_pretrained(model.path, dtype=self.dtype)
        except (OSError, ValueError) as err:
            raise ToolkitError(
                f"cannot load the weights of {model.model_id}: {str(err).splitlines()[0][:200]}"
            ) from None
        return network.to(self.device).eval()

    def _generate(self, model: Model, batch: list[list[int]], tgt: str, min_len: int, max_len: int) -> list[str]:
        import torch

        tokenizer = model.tokenizer
        pad = tokenizer.pad_token_id
        width = max(len(row) for row in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for k, row in enumerate(batch):
            input_ids[k, : len(row)] = torch.tensor(row)
            mask[k, : len(row)] = 1
        options: dict[str, Any] = dict(
            num_beams=self.settings["beam"],
            do_sample=False,
            max_new_tokens=max_len,
            min_new_tokens=min_len,
            # CTranslate2 does not force </s> at the length limit; neither do we, so both back ends agree.
            forced_eos_token_id=None,
        )
        if self.settings["beam"] > 1:
            options["early_stopping"] = True  # stop when beam hypotheses are finished, as CTranslate2 does
        if model.family == "marian":
            options["bad_words_ids"] = [[pad]]  # <pad> starts the decoder; OPUS-MT never emits it
        else:
            options["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids(
                languages.language_token(model.family, tgt)
            )
        with torch.inference_mode():
            output = model.backend.generate(
                input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device), **options
            )
        return [decode(model, row) for row in output.tolist()]
