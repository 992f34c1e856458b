"""Which sentence-transformers folders run on transformers alone, and that the others still run (through
sentence-transformers) with the same vectors a mean-pooled folder gets either way. Tiny random-weight models
built here; nothing is downloaded."""
import json

import numpy as np
import pytest

from toolkit.signals import embedding, pooled_encoder

torch = pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")

TEXTS = ["the minister said it", "the plan is new", "it said the minister said the plan is new"]


def _bert(folder):
    from transformers import BertConfig, BertModel, BertTokenizer

    torch.manual_seed(0)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in TEXTS for w in t.split()})
    BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def mean_folder(tmp_path_factory):
    """The layout of the packaged all-MiniLM-L6-v2 (and of most published sentence models), written out."""
    folder = _bert(tmp_path_factory.mktemp("mean"))
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
         "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 16, "do_lower_case": False}))
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]))
    return folder


@pytest.fixture(scope="module")
def cls_folder(tmp_path_factory):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    word = Transformer(str(_bert(tmp_path_factory.mktemp("cls-bert"))), max_seq_length=16)
    folder = tmp_path_factory.mktemp("cls")
    SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension(), pooling_mode="cls")]).save(str(folder))
    return folder


def test_a_mean_pooled_folder_runs_on_transformers_with_the_librarys_vectors(mean_folder):
    from sentence_transformers import SentenceTransformer

    assert pooled_encoder.reads(mean_folder) == 16
    ours = embedding.Embedder(mean_folder)
    assert isinstance(ours.model, pooled_encoder.PooledEncoder)
    ours.add(TEXTS)
    library = SentenceTransformer(str(mean_folder), device="cpu").encode(TEXTS, normalize_embeddings=True)
    assert np.abs(np.stack([ours.vector(t) for t in TEXTS]) - library).max() < 1e-6


def test_a_folder_of_another_shape_is_left_to_sentence_transformers(cls_folder):
    assert pooled_encoder.reads(cls_folder) is None
    ours = embedding.Embedder(cls_folder)
    assert not isinstance(ours.model, pooled_encoder.PooledEncoder)
    ours.add(TEXTS)
    assert np.allclose(np.linalg.norm(np.stack([ours.vector(t) for t in TEXTS]), axis=1), 1.0, atol=1e-5)


def test_a_damaged_or_strange_folder_is_not_read_as_the_common_shape(mean_folder, tmp_path):
    assert pooled_encoder.reads(tmp_path) is None  # no modules.json
    (tmp_path / "modules.json").write_text("not json")
    assert pooled_encoder.reads(tmp_path) is None
    modules = json.loads((mean_folder / "modules.json").read_text())
    (tmp_path / "modules.json").write_text(json.dumps(modules + [{"idx": 9, "name": "9", "path": "9_Dense",
                                                                   "type": "sentence_transformers.models.Dense"}]))
    assert pooled_encoder.reads(tmp_path) is None  # a Dense layer after the pooling
