"""What the hf: and ct2: engines share: finding a model offline, recognising its family and languages, encoding,
and the batching and length rules. Both back ends feed a model the same batches under the same length limit,
so they give the same output for the same model.

Spec argument: one or more model ids (hub ids or local folders) joined by `+`, then optional settings:
`Helsinki-NLP/opus-mt-en-de+Helsinki-NLP/opus-mt-de-en?beam=4&pivot=de`. Several models make one engine that
routes each direction to the model that serves it, which is how two one-way OPUS-MT models make a round trip.
"""

from __future__ import annotations

import hashlib
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .. import languages
from ..errors import ToolkitError
from .base import Engine, SignatureFields

# setting -> (type, default); `None` defaults are chosen by the back end (device, compute type, threads).
SETTINGS: dict[str, tuple[type, Any]] = {
    "beam": (int, 4),
    "len_ratio": (float, 2.0),  # output may be len_ratio * longest input + len_extra tokens long
    "len_extra": (int, 10),
    "length": (int, 0),  # >0: exactly this many output tokens (benchmarks: random weights never stop)
    "batch_tokens": (int, 4096),  # padded source tokens per model call
    "max_batch": (int, 32),  # sentences per model call
    "pivot": (str, None),
    "device": (str, "auto"),
    "compute_type": (str, None),
    "threads": (int, 0),  # 0: the library's default
}


class TruncationWarning(UserWarning):
    """A sentence was longer than the model's input limit and only its beginning was translated."""


def parse_argument(argument: str) -> tuple[list[str], dict[str, Any]]:
    """`A+B?beam=4&pivot=de` -> (["A", "B"], {"beam": 4, "pivot": "de"})."""
    models_part, _, query = argument.partition("?")
    model_ids = [m.strip() for m in models_part.split("+") if m.strip()]
    if not model_ids:
        raise ToolkitError(f"no model in engine argument {argument!r}: e.g. hf:Helsinki-NLP/opus-mt-de-en")
    settings: dict[str, Any] = {}
    for item in filter(None, query.split("&")):
        key, sep, value = item.partition("=")
        if not sep or key not in SETTINGS:
            raise ToolkitError(f"unknown engine setting {item!r}: use key=value with key one of {', '.join(SETTINGS)}")
        kind = SETTINGS[key][0]
        try:
            settings[key] = languages.check(value) if key == "pivot" else kind(value)
        except ValueError:
            raise ToolkitError(f"engine setting {key} needs a {kind.__name__}, not {value!r}") from None
    return model_ids, settings


def missing_model_message(model_id: str) -> str:
    return (
        f"model {model_id} is not downloaded: run `toolkit models download --model {model_id}` "
        "on a machine with internet (or give a local model folder)"
    )


def resolve(model_id: str) -> tuple[Path, str]:
    """(local folder, revision) of a model, without network: a folder as given, or the hub cache's snapshot."""
    path = Path(model_id).expanduser()
    if path.is_dir():
        return path, "dir-" + folder_digest(path)
    if model_id.startswith((".", "/", "~")) or model_id.count("/") > 1:
        raise ToolkitError(f"model folder {model_id} does not exist")
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # not cached (LocalEntryNotFoundError), or an invalid id: both mean "download it"
        raise ToolkitError(missing_model_message(model_id)) from None
    if not (folder / "config.json").exists():
        raise ToolkitError(missing_model_message(model_id) + " (the cached copy has no config.json)")
    return folder, folder.name[:12]  # snapshot folders are named by the hub commit


def folder_digest(folder: Path, whole_below: int = 16 << 20) -> str:
    """A content digest of a model folder, cheap for multi-GB weights: small files whole, big ones by their ends."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder)}\0{size}\0".encode())
        with open(path, "rb") as handle:
            if size <= whole_below:
                digest.update(handle.read())
            else:
                digest.update(handle.read(1 << 20))
                handle.seek(size - (1 << 20))
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@dataclass
class Model:
    """A model found on disk: tokenizer and config loaded (cheap), weights left to the back end."""

    model_id: str
    path: Path
    revision: str
    family: str
    tokenizer: Any
    config: Any
    sources: Optional[frozenset[str]]  # ISO 639-1; None: any language (multilingual source side)
    targets: Optional[frozenset[str]]
    target_tokens: bool  # Marian: a >>xxx<< token before the source selects the target language
    max_input: int
    strip_ids: frozenset[int]  # special and language tokens, never part of the text of a translation
    backend: Any = field(default=None, repr=False)  # what the engine loaded: a torch model or a Translator

    def supports(self, src: str, tgt: str) -> bool:
        return (
            src != tgt
            and (self.sources is None or src in self.sources)
            and (self.targets is None or tgt in self.targets)
        )

    def describe(self) -> str:
        def side(langs):
            return "any" if langs is None else ",".join(sorted(langs))

        return f"{self.model_id} ({self.family}: {side(self.sources)} -> {side(self.targets)})"


def load_model(model_id: str) -> Model:
    from transformers import AutoConfig, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # per-tensor "Loading weights" bars would drown our own progress

    path, revision = resolve(model_id)
    try:
        config = AutoConfig.from_pretrained(path)
        with warnings.catch_warnings():  # MarianTokenizer nags about sacremoses even where it is installed late
            warnings.simplefilter("ignore")
            tokenizer = AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError, KeyError) as err:
        raise ToolkitError(f"cannot load model {model_id} from {path}: {str(err).splitlines()[0][:200]}") from None
    family = detect_family(model_id, config, tokenizer)
    sources, targets, target_tokens = _languages(model_id, family, tokenizer)
    limits = [getattr(config, "max_position_embeddings", None), getattr(tokenizer, "model_max_length", None)]
    max_input = min(int(n) for n in limits if n and n < 1_000_000) if any(limits) else 512
    # M2M-100's language tokens are not "special" to transformers 5, so decoding alone would keep `__en__`.
    strip_ids = frozenset(tokenizer.all_special_ids) | frozenset(getattr(tokenizer, "lang_token_to_id", {}).values())
    return Model(
        model_id, path, revision, family, tokenizer, config, sources, targets, target_tokens, max_input, strip_ids
    )


def detect_family(model_id: str, config, tokenizer) -> str:
    """Marian, NLLB-200 or M2M-100, told by the config's model type and the tokenizer's language tokens."""
    model_type = getattr(config, "model_type", None)
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":  # NLLB-200 reuses the M2M-100 architecture; their language tokens differ
        if _has_token(tokenizer, "eng_Latn"):
            return "nllb"
        if _has_token(tokenizer, "__en__"):
            return "m2m100"
    raise ToolkitError(
        f"model {model_id} is a {model_type} model with a {type(tokenizer).__name__}: the hf: and ct2: engines "
        "serve Marian (OPUS-MT), NLLB-200 and M2M-100 translation models"
    )


def _has_token(tokenizer, token: str) -> bool:
    found = tokenizer.convert_tokens_to_ids(token)
    return found is not None and found != tokenizer.unk_token_id


def _languages(model_id: str, family: str, tokenizer):
    if family != "marian":
        served = frozenset(c for c in languages.known() if _has_token(tokenizer, languages.language_token(family, c)))
        return served, served, False
    # Multilingual OPUS-MT lists its targets as >>xxx<< tokens; a one-pair model names its pair in the
    # tokenizer config (source_lang / target_lang) or, failing that, in its name (opus-mt-de-en).
    codes = getattr(tokenizer, "supported_language_codes", None) or []
    tagged = frozenset(filter(None, (languages.from_model_code("marian", c[2:-2]) for c in codes)))
    named = re.search(r"opus-mt-(?:tc-(?:big|base)-)?([a-z]{2,3})-([a-z]{2,3})(?:$|[^a-z])", model_id)
    src = _known(getattr(tokenizer, "source_lang", None)) or (_known(named.group(1)) if named else None)
    tgt = _known(getattr(tokenizer, "target_lang", None)) or (_known(named.group(2)) if named else None)
    if src is None and tgt is None and not tagged:
        raise ToolkitError(
            f"cannot tell which languages Marian model {model_id} translates: set source_lang and target_lang in "
            "its tokenizer_config.json or name its folder opus-mt-SRC-TGT"
        )
    targets = tagged or (frozenset([tgt]) if tgt else None)
    return (frozenset([src]) if src else None), targets, bool(tagged)


def _known(code) -> Optional[str]:
    try:
        return languages.check(code) if isinstance(code, str) and code else None
    except ToolkitError:
        return None


def encode(model: Model, sentences: list[str], src: str, tgt: str) -> list[list[int]]:
    """Token ids of each source sentence with the model's special tokens, cut to the model's input limit."""
    tokenizer = model.tokenizer
    if model.family in ("nllb", "m2m100"):
        tokenizer.src_lang = languages.model_code(model.family, src)
    if model.target_tokens:
        sentences = [f"{languages.language_token('marian', tgt)} {s}" for s in sentences]
    ids = tokenizer(sentences, verbose=False)["input_ids"]  # over-long input is cut below, with our own warning
    long = [k for k, row in enumerate(ids) if len(row) > model.max_input]
    if long:
        warnings.warn(
            f"{len(long)} sentence(s) longer than the {model.max_input} tokens {model.model_id} reads were cut "
            f"to that length; their ends are not translated (first: {sentences[long[0]][:60]!r}...)",
            TruncationWarning,
            stacklevel=3,
        )
        for k in long:  # keep the closing special token (</s>) so the model still sees a finished sentence
            ids[k] = ids[k][: model.max_input - 1] + ids[k][-1:]
    return ids


def decode(model: Model, ids: list[int]) -> str:
    tokenizer = model.tokenizer
    # Ids without a token of their own (M2M-100's "madeup words") become <unk> by the same road in both back
    # ends: CTranslate2 hands back tokens, transformers ids.
    ids = tokenizer.convert_tokens_to_ids(tokenizer.convert_ids_to_tokens(ids))
    return tokenizer.decode([i for i in ids if i not in model.strip_ids], skip_special_tokens=True)


def batches(lengths: list[int], batch_tokens: int, max_batch: int) -> list[list[int]]:
    """Indices sorted longest first and cut so each padded batch holds <= batch_tokens tokens, <= max_batch rows.

    Sorting keeps padding small; a sentence alone over the budget still gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda k: (-lengths[k], k))
    cut: list[list[int]] = []
    for k in order:
        if cut and len(cut[-1]) < max_batch and lengths[cut[-1][0]] * (len(cut[-1]) + 1) <= batch_tokens:
            cut[-1].append(k)
        else:
            cut.append([k])
    return cut


def output_limit(longest_input: int, settings: dict[str, Any], cap: int) -> tuple[int, int]:
    """(min, max) output tokens for a batch whose longest input has `longest_input` tokens."""
    if settings["length"] > 0:
        return settings["length"], settings["length"]
    longest = math.ceil(settings["len_ratio"] * longest_input) + settings["len_extra"]
    return 0, max(1, min(cap, longest))


class NeuralEngine(Engine):
    """One or more translation models behind one engine; the back end (hf, ct2) loads and runs them."""

    kind = ""
    batch_size = 128  # sentences per cache commit; batches for the model are cut by batch_tokens inside

    def __init__(self, argument: str, **settings):
        model_ids, from_spec = parse_argument(argument)
        unknown = set(settings) - set(SETTINGS)
        if unknown:
            raise ToolkitError(f"unknown engine setting(s) {', '.join(sorted(unknown))}")
        self.settings = {key: default for key, (_, default) in SETTINGS.items()}
        self.settings.update(from_spec)
        self.settings.update({k: v for k, v in settings.items() if v is not None})
        if self.settings["beam"] < 1 or self.settings["max_batch"] < 1 or self.settings["batch_tokens"] < 1:
            raise ToolkitError("engine settings beam, max_batch and batch_tokens must be at least 1")
        self.spec = f"{self.kind}:{argument}"
        self.models = [load_model(model_id) for model_id in model_ids]

    # Back ends implement these two.
    def _load(self, model: Model) -> Any:
        raise NotImplementedError

    def _generate(self, model: Model, batch: list[list[int]], tgt: str, min_len: int, max_len: int) -> list[str]:
        raise NotImplementedError

    def signature_fields(self) -> SignatureFields:
        """The models with their revisions and the decoding settings; each back end adds its own after these."""
        s = self.settings
        models = "+".join(f"{m.model_id}@{m.revision}" for m in self.models)
        length = f"fixed{s['length']}" if s["length"] > 0 else f"{s['len_ratio']:g}x+{s['len_extra']}"
        return [(self.kind, models), ("beam", str(s["beam"])), ("len", length)]

    def route(self, src: str, tgt: str) -> Model:
        for model in self.models:
            if model.supports(src, tgt):
                return model
        raise ToolkitError(
            f"engine {self.spec} cannot translate {src}->{tgt}: it has " + "; ".join(m.describe() for m in self.models)
        )

    def supports(self, src: str, tgt: str) -> bool:
        return any(m.supports(src, tgt) for m in self.models)

    def pivot_for(self, lang: str) -> Optional[str]:
        from ..models import round_trip_pivot

        wanted = self.settings["pivot"] or round_trip_pivot(lang)
        candidates = [wanted] + [c for c in languages.known() if c != wanted]
        return next((c for c in candidates if self.supports(lang, c) and self.supports(c, lang)), None)

    def translate(self, sentences: list[str], src: str, tgt: str) -> list[str]:
        model = self.route(src, tgt)
        out: list[str] = [""] * len(sentences)  # a blank line translates to a blank line, without the model
        todo = [k for k, s in enumerate(sentences) if s.strip()]
        if not todo:
            return out
        if model.backend is None:
            model.backend = self._load(model)
        ids = encode(model, [sentences[k] for k in todo], src, tgt)
        for batch in batches([len(row) for row in ids], self.settings["batch_tokens"], self.settings["max_batch"]):
            min_len, max_len = output_limit(len(ids[batch[0]]), self.settings, model.max_input)
            texts = self._generate(model, [ids[k] for k in batch], tgt, min_len, max_len)
            for k, text in zip(batch, texts):
                out[todo[k]] = text.strip()
        return out

    def close(self) -> None:
        for model in self.models:
            model.backend = None
