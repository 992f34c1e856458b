"""The adapted sentence encoder (toolkit/learnt/sentence.py) and its recipe (training/french_encoder.py) on a
tiny random-weight BERT built here: folded adapters equal unfolded ones, unit vectors, one-line failures, the
encoder choice for French, the training examples. No network, no real base model, no real training."""
from __future__ import annotations

import json
import random

import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.resources import Unavailable

torch = pytest.importorskip("torch", reason="the sentence encoder needs torch (pip install -e .[mt])")
pytest.importorskip("transformers", reason="the sentence encoder needs transformers (pip install -e .[mt])")

from training import french_encoder as recipe  # noqa: E402
from toolkit.learnt import sentence  # noqa: E402

WORDS = ("le la les un une de des du et ou ne pas est sont a ont il elle ils nous montagne sommet glacier "
         "cordée alpiniste neige roche arête nord sud face paroi camp heures mètres jour nuit . , ' -").split()
TEXTS = ["le sommet est au nord .", "la cordée a ont la paroi sud , et nous", "neige", "",
         "il est une montagne de roche et de glacier . elle est au sud ."]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    """A 2-layer BERT with random weights and a word-level vocabulary, saved like a real base folder."""
    from transformers import BertConfig, BertModel, BertTokenizer

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))
    BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(folder)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    return folder


def _adapted(base, r=4, first_layer=1, seed=1):
    """The tiny base with adapters at random values (B = 0 would hide a broken fold)."""
    from toolkit.learnt.lora import add_lora
    from toolkit.learnt.network import load_encoder

    torch.manual_seed(seed)
    encoder = load_encoder(base)
    add_lora(encoder, r, 8.0, 0.0, first_layer=first_layer)
    with torch.no_grad():
        for name, parameter in encoder.named_parameters():
            if "lora_" in name:
                parameter.copy_(torch.randn_like(parameter) * 0.3)
    return encoder.eval()


@pytest.fixture(scope="module")
def artifact(tiny_base, tmp_path_factory):
    from toolkit.learnt.lora import TARGETS, lora_state

    folder = tmp_path_factory.mktemp("fr-adapter")
    encoder = _adapted(tiny_base)
    state = lora_state(encoder)
    recipe.write_artifact(folder, state, {"name": "fr-lora", "base": "tiny-bert", "data_digest": "0123456789abcdef",
                                          "max_length": 64, "network": {"r": 4, "alpha": 8.0, "first_layer": 1,
                                                                        "targets": list(TARGETS)}})
    with torch.no_grad():  # the unfolded reference reads the adapters as saved (float16), as loading does
        for name, parameter in encoder.named_parameters():
            if "lora_" in name:
                parameter.copy_(parameter.half().float())
    return folder, encoder


def test_folded_adapters_give_the_unfolded_vectors(tiny_base, artifact):
    from toolkit.learnt.network import load_tokenizer

    folder, unfolded = artifact
    loaded = sentence.AdaptedEncoder(folder, base=tiny_base, batch_size=2)
    with torch.inference_mode():
        expected = np.stack([sentence.mean_pooled(unfolded, load_tokenizer(tiny_base), [t], 64).numpy()[0]
                             for t in TEXTS])
    np.testing.assert_allclose(loaded.encode(TEXTS), expected, atol=2e-5)
    # and the adapters matter: the plain base gives other vectors
    from toolkit.learnt.network import load_encoder

    with torch.inference_mode():
        plain = sentence.mean_pooled(load_encoder(tiny_base).eval(), load_tokenizer(tiny_base), TEXTS, 64).numpy()
    assert np.abs(plain - expected).max() > 1e-2


def test_vectors_are_unit_length_and_independent_of_the_batch(tiny_base, artifact):
    folder, _ = artifact
    vectors = sentence.AdaptedEncoder(folder, base=tiny_base, batch_size=3).encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    one_by_one = sentence.AdaptedEncoder(folder, base=tiny_base, batch_size=1)
    np.testing.assert_allclose(np.stack([one_by_one.encode([t])[0] for t in TEXTS]), vectors, atol=1e-5)
    assert one_by_one.encode([]).shape[0] == 0


def test_the_name_says_which_adapter_recipe_and_data(tiny_base, artifact):
    folder, _ = artifact
    digest = json.loads((folder / sentence.RECIPE).read_text())["adapter_sha256"]
    name = sentence.AdaptedEncoder(folder, base=tiny_base).name
    assert name.startswith(f"tiny-bert+fr-lora.{digest[:12]}~recipe.") and name.endswith("~data.0123456789ab")
    assert "|" not in name and ":" not in name  # they separate a signature's fields


def _copy(folder, tmp_path):
    for name in (sentence.ADAPTER, sentence.RECIPE):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    return tmp_path


def _one_line(error) -> str:
    text = str(error.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_a_corrupt_adapter_is_one_clear_line(tiny_base, artifact, tmp_path):
    folder = _copy(artifact[0], tmp_path)
    (folder / sentence.ADAPTER).write_bytes(b"not a safetensors file")
    with pytest.raises(Unavailable) as hash_differs:
        sentence.AdaptedEncoder(folder, base=tiny_base)
    assert "does not match its recipe" in _one_line(hash_differs)
    data = json.loads((folder / sentence.RECIPE).read_text())
    (folder / sentence.RECIPE).write_text(json.dumps({k: v for k, v in data.items() if k != "adapter_sha256"}))
    with pytest.raises(Unavailable) as unreadable:
        sentence.AdaptedEncoder(folder, base=tiny_base)
    assert "not a readable safetensors file" in _one_line(unreadable)


def test_a_missing_or_damaged_artifact_is_one_clear_line(tiny_base, artifact, tmp_path):
    with pytest.raises(Unavailable) as missing:
        sentence.AdaptedEncoder(tmp_path, base=tiny_base)
    assert "recipe.json is missing" in _one_line(missing)
    folder = _copy(artifact[0], tmp_path)
    (folder / sentence.RECIPE).write_text("{ not json")
    with pytest.raises(Unavailable) as damaged:
        sentence.AdaptedEncoder(folder, base=tiny_base)
    assert "damaged" in _one_line(damaged)


def test_an_adapter_for_another_shape_does_not_load(tiny_base, artifact, tmp_path):
    folder = _copy(artifact[0], tmp_path)
    data = json.loads((folder / sentence.RECIPE).read_text())
    data["network"]["first_layer"] = 0  # the file holds layer 1's adapters only
    (folder / sentence.RECIPE).write_text(json.dumps(data))
    with pytest.raises(Unavailable) as wrong:
        sentence.AdaptedEncoder(folder, base=tiny_base)
    assert "does not fit this base model" in _one_line(wrong)


def test_french_without_its_base_model_says_why(monkeypatch, artifact, tmp_path):
    from toolkit.alignment.meaning import encoder_for

    monkeypatch.setattr(sentence, "FRENCH", artifact[0])
    monkeypatch.setenv("TOOLKIT_LEARNT_BASE", str(tmp_path / "no-base"))
    with pytest.raises(Unavailable) as missing:
        sentence.AdaptedEncoder()
    assert "no base model" in _one_line(missing)
    with pytest.raises(ToolkitError, match="no base model"):
        encoder_for("fr", mode="on")


def test_french_gets_the_adapted_encoder_only_when_asked(monkeypatch, tiny_base, artifact):
    from toolkit.alignment.meaning import encoder_for

    monkeypatch.setenv("TOOLKIT_LEARNT_BASE", str(tiny_base))
    monkeypatch.setattr(sentence, "FRENCH", artifact[0])
    encoder, why = encoder_for("fr", mode="on")
    assert why == "" and isinstance(encoder, sentence.AdaptedEncoder) and "+fr-lora." in encoder.name
    # it did not beat the n-gram aligner on dev, so "auto" leaves it out and says why
    encoder, why = encoder_for("fr")
    assert encoder is None and "did not beat the n-gram aligner" in why and "--meaning on" in why


def _document(segments: int, names=("ref_A_fr", "wmt21_A", "wmt21_B")) -> recipe.Document:
    return recipe.Document("d", tuple({n: f"{n} phrase {k} ." for n in names} for k in range(segments)))


def test_examples_pair_two_texts_of_the_same_segments_against_a_near_miss():
    made = recipe.examples([_document(6)], random.Random(3))
    assert len(made) >= 5
    for example in made:
        anchor_ids = [w for w in example.anchor.split() if w.isdigit()]
        assert [w for w in example.positive.split() if w.isdigit()] == anchor_ids
        assert example.anchor.split()[0] != example.positive.split()[0]  # two different texts
        negative_ids = [int(w) for w in example.negative.split() if w.isdigit()]
        ids = [int(w) for w in anchor_ids]
        # a near miss: consecutive segments, not the anchor's, reaching at most one segment past them
        assert negative_ids != ids and negative_ids == list(range(negative_ids[0], negative_ids[-1] + 1))
        assert ids[0] - 1 <= negative_ids[0] and negative_ids[-1] <= ids[-1] + 1
        assert example.negative.split()[0] == example.positive.split()[0]  # the same text as the positive


def test_the_loss_prefers_the_matching_positive():
    anchors = torch.nn.functional.normalize(torch.randn(4, 8), dim=-1)
    others = torch.nn.functional.normalize(torch.randn(4, 8), dim=-1)
    matched = recipe.contrastive_loss(anchors, anchors.clone(), others, 20.0)
    swapped = recipe.contrastive_loss(anchors, others, anchors.clone(), 20.0)
    assert matched.item() < 0.1 < swapped.item()
