"""The model registry: which open MT models serve a language pair, the round-trip pivot, and fetching them.

Defaults for a pair, best first: the OPUS-MT models of the pair (one per direction, small and strong), then
NLLB-200 distilled 600M and M2M-100 418M (one model for every direction). Only `download` touches the network;
everything else reads the Hugging Face cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from . import languages
from .errors import ToolkitError

DEFAULT_PAIRS = ["de-en"]  # the seed case: English news translated from German
NLLB = "facebook/nllb-200-distilled-600M"
M2M100 = "facebook/m2m100_418M"
# Language pairs with a Helsinki-NLP/opus-mt-SRC-TGT model on the hub, both directions, all with English.
_OPUS_MT_WITH_ENGLISH = ("ar", "cs", "de", "es", "fi", "fr", "it", "nl", "ru", "sv", "uk", "zh")
OPUS_MT_PAIRS = frozenset(
    [(code, "en") for code in _OPUS_MT_WITH_ENGLISH] + [("en", code) for code in _OPUS_MT_WITH_ENGLISH]
)
# Files a translation model needs; everything else on the hub (TF/Flax/Rust weights) is left there.
_NEEDED = ["*.json", "*.spm", "*.model", "*.txt"]


def opus_mt(src: str, tgt: str) -> Optional[str]:
    return f"Helsinki-NLP/opus-mt-{src}-{tgt}" if (src, tgt) in OPUS_MT_PAIRS else None


def round_trip_pivot(lang: str, source_lang: Optional[str] = None) -> str:
    """The language a round trip of `lang` text goes through: the original's language when it is known (a
    translation from German goes back through German), else German for English and English for the rest."""
    lang = languages.check(lang)
    if source_lang and languages.check(source_lang) != lang:
        return languages.check(source_lang)
    return "de" if lang == "en" else "en"


@dataclass(frozen=True)
class Choice:
    """One default engine for a pair of languages: its models (both directions) and what it is."""

    name: str
    model_ids: tuple[str, ...]

    def spec(self, kind: str, pivot: Optional[str] = None) -> str:
        return f"{kind}:{'+'.join(self.model_ids)}" + (f"?pivot={pivot}" if pivot else "")


def choices(lang: str, other: str) -> list[Choice]:
    """The default models that translate lang <-> other, best first."""
    lang, other = languages.check(lang), languages.check(other)
    if lang == other:
        raise ToolkitError(f"a language pair needs two languages, not {lang}-{other}")
    found = []
    there, back = opus_mt(lang, other), opus_mt(other, lang)
    if there and back:
        found.append(Choice(f"OPUS-MT {lang}<->{other}", (there, back)))
    found.append(Choice("NLLB-200 distilled 600M", (NLLB,)))
    found.append(Choice("M2M-100 418M", (M2M100,)))
    return found


def _hub():
    """huggingface_hub, which the neural engines' extra (`toolkit[mt]`) brings: not a core dependency."""
    try:
        import huggingface_hub
    except ImportError:
        raise ToolkitError(
            "the open MT models need `pip install 'toolkit[mt]'` (transformers, CTranslate2 and "
            "huggingface_hub, which fetches and finds the models)"
        ) from None
    return huggingface_hub


def is_present(model_id: str) -> bool:
    """Whether the model is in the Hugging Face cache. Without huggingface_hub (a core install) no model is:
    the hf: and ct2: engines could not run one anyway, so compare falls back to Apertium, saying so."""
    try:
        snapshot_download = _hub().snapshot_download
    except ToolkitError:
        return False
    try:
        snapshot_download(model_id, local_files_only=True)
        return True
    except Exception:  # LocalEntryNotFoundError and friends: not in the cache
        return False


def default_engines(lang: str, other: Optional[str] = None, kind: Optional[str] = None) -> tuple[list[str], list[str]]:
    """(engine specs whose models are all downloaded, model ids that are missing) for judging `lang` text
    against `other` (the original's language) or, without an original, through the round-trip pivot."""
    pivot = round_trip_pivot(lang, other)
    kind = kind or _best_kind()
    present, missing = [], []
    for choice in choices(lang, pivot):
        absent = [m for m in choice.model_ids if not is_present(m)]
        if absent:
            missing.extend(absent)
        else:
            present.append(choice.spec(kind, pivot=pivot))
    return present, missing


def _best_kind() -> str:
    import importlib.util

    return "ct2" if importlib.util.find_spec("ctranslate2") else "hf"


def model_ids_for(pairs: Iterable[str]) -> list[str]:
    """Every default model of the given pairs (`de-en`): both directions of OPUS-MT, NLLB-200, M2M-100."""
    wanted: list[str] = []
    for pair in pairs:
        parts = pair.split("-")
        if len(parts) != 2:
            raise ToolkitError(f"a pair looks like de-en (two ISO 639-1 codes), not {pair!r}")
        for choice in choices(*parts):
            wanted.extend(choice.model_ids)
    return list(dict.fromkeys(wanted))


def download(model_id: str) -> str:
    """Fetch one model into the Hugging Face cache (network), preferring safetensors weights; returns its folder."""
    hub = _hub()
    try:
        files = hub.HfApi().list_repo_files(model_id)
    except Exception as err:
        raise ToolkitError(
            f"cannot reach the Hugging Face hub for {model_id}: {str(err).splitlines()[0][:200]}"
        ) from None
    # Both weight formats are often there; one is enough, and safetensors loads without pickle.
    weights = ["*.safetensors"] if any(f.endswith(".safetensors") for f in files) else ["pytorch_model*.bin"]
    try:
        return hub.snapshot_download(model_id, allow_patterns=_NEEDED + weights)
    except Exception as err:
        raise ToolkitError(f"downloading {model_id} failed: {str(err).splitlines()[0][:200]}") from None


def rows(pairs: Iterable[str]) -> list[dict]:
    """One row per default model of the pairs: id, what it serves, whether it is downloaded."""
    out = []
    for pair in pairs:
        lang, other = pair.split("-") if "-" in pair else (pair, "")
        for choice in choices(lang, other):
            for model_id in choice.model_ids:
                out.append({"pair": pair, "engine": choice.name, "model": model_id, "present": is_present(model_id)})
    return out


def _check_online(model_ids: list[str], timeout: float = 5.0) -> None:
    """Fail at once without a network: huggingface_hub would retry each request for half a minute first."""
    import os
    import socket
    from urllib.parse import urlsplit

    from huggingface_hub import constants

    wanted = ", ".join(model_ids[:3]) + (f" and {len(model_ids) - 3} more" if len(model_ids) > 3 else "")
    if constants.HF_HUB_OFFLINE:
        raise ToolkitError(f"cannot download {wanted}: HF_HUB_OFFLINE is set; unset it on a machine with internet")
    where = urlsplit(constants.ENDPOINT)
    host, port = where.hostname or "huggingface.co", where.port or (80 if where.scheme == "http" else 443)
    if os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy"):
        return  # a proxy decides what is reachable: let the hub client try
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as err:
        raise ToolkitError(
            f"cannot download {wanted}: cannot reach the Hugging Face hub at {host}:{port} "
            f"({err.strerror or err}): "
            "`toolkit models download` needs internet; run it where there is, then copy the "
            "Hugging Face cache (~/.cache/huggingface, or $HF_HOME)"
        ) from None


def download_all(model_ids: list[str], report: Callable[[str], None] = print, quiet: bool = False) -> list[str]:
    _hub()  # the clear error before anything is fetched
    _check_online(model_ids)
    if quiet:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    done = []
    for model_id in model_ids:
        report(f"downloading {model_id}")
        done.append(download(model_id))
    return done
