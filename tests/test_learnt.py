"""The learnt divergence model (toolkit/learnt) on a tiny random-weight BERT built here: loading, the adapter
round trip, batching, errors. No network, no real base model, no real training."""
from __future__ import annotations

import json

import numpy as np
import pytest

from toolkit import learnt
from toolkit.errors import ToolkitError

torch = pytest.importorskip("torch", reason="the learnt model needs torch (pip install -e .[mt])")
pytest.importorskip("transformers", reason="the learnt model needs transformers (pip install -e .[mt])")

WORDS = ("the a an of to in on at and or not no is was are were has had will would can must he she it they "
         "his her paid euros euro dollars police said minister city year years people new old two three four "
         "million thousand said that this for with from by government army soldiers . , ? ! \" ' - : ; 0 1 2 3 4 "
         "5 6 7 8 9 germany berlin france paris belarus minsk report reported cat dog sat mat house home").split()
PAIRS = [
    ("He paid 2,000 euros.", "He paid 1,000 euros."),
    ("The police said that the minister was in Berlin.", "The police said the minister was in Paris."),
    ("It is not new.", "It is new."),
    ("The cat sat on the mat.", "The cat sat on the mat."),
    ("They reported four million people in the city this year, the government said.", "Three thousand soldiers."),
    ("", "The army."),
    ("She was at home.", "He was at home!"),
]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    """A 2-layer BERT with random weights and a word-level vocabulary, saved like a real base folder."""
    from transformers import BertConfig, BertModel, BertTokenizer

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))
    tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(vocab)})
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _trained_network(base, r=4, seed=1):
    """A network whose adapters and head are not at their initial values (B = 0 would hide a broken merge)."""
    from toolkit.learnt.network import NetworkConfig, trainable

    torch.manual_seed(seed)
    network = trainable(base, NetworkConfig(r=r, alpha=8.0, head_hidden=16, max_length=48, first_layer=1))
    with torch.no_grad():
        for name, parameter in network.named_parameters():
            if parameter.requires_grad:
                parameter.copy_(torch.randn_like(parameter) * 0.2)
    return network


@pytest.fixture(scope="module")
def artifact(tiny_base, tmp_path_factory):
    from toolkit.learnt.network import save_adapter

    folder = tmp_path_factory.mktemp("artifact")
    network = _trained_network(tiny_base)
    save_adapter(network, folder, {"base": "tiny-bert", "data_digest": "0123456789abcdef", "threshold": 0.6,
                                   "metrics": {"auroc": 0.5}})
    return folder, network


def _unmerged_logits(network, base, pairs, max_length=48):
    from toolkit.learnt.network import load_tokenizer

    tokenizer = load_tokenizer(base)
    network.eval()
    with torch.no_grad():
        enc = tokenizer([a for a, _ in pairs], [b for _, b in pairs], padding=True, truncation="longest_first",
                        max_length=max_length, return_tensors="pt")
        return network(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]).double().numpy()


def test_round_trip_through_the_saved_adapter(tiny_base, artifact):
    folder, network = artifact
    model = learnt.DivergenceModel(base=tiny_base, folder=folder)
    expected = np.array([_unmerged_logits(network, tiny_base, [pair])[0] for pair in PAIRS])
    # float16 storage and the folded-in adapters move the logits by little
    np.testing.assert_allclose(model.logits(PAIRS), expected, atol=2e-3)
    probabilities = model.score(PAIRS)
    assert probabilities.shape == (len(PAIRS),) and ((probabilities > 0) & (probabilities < 1)).all()
    assert model.threshold == 0.6
    assert model.score([]).shape == (0,)


def test_batching_and_order_do_not_change_scores(tiny_base, artifact):
    folder, _ = artifact
    model = learnt.DivergenceModel(base=tiny_base, folder=folder, batch_size=3)
    once = model.score(PAIRS)
    reversed_ = model.score(PAIRS[::-1])[::-1]
    np.testing.assert_allclose(once, reversed_, atol=1e-6, rtol=0)
    model.batch_size = 1
    np.testing.assert_allclose(once, model.score(PAIRS), atol=1e-6, rtol=0)
    shuffled = np.random.default_rng(3).permutation(len(PAIRS))
    model.batch_size = 4
    again = model.score([PAIRS[i] for i in shuffled])
    np.testing.assert_allclose(once[shuffled], again, atol=1e-6, rtol=0)


def test_signature_and_availability(tiny_base, artifact):
    folder, _ = artifact
    ok, detail = learnt.available(base=tiny_base, folder=folder)
    assert ok, detail
    signature = learnt.signature(folder)
    recipe = json.loads((folder / "recipe.json").read_text())
    assert str(signature).startswith("learnt:tiny-bert+adapter.")
    assert signature["learnt"].endswith(recipe["adapter_sha256"][:12]) and signature["data"] == "0123456789ab"
    assert detail == str(signature)
    assert learnt.DivergenceModel(base=tiny_base, folder=folder).signature == signature


def test_missing_artifact_is_one_clear_error(tiny_base, tmp_path):
    ok, detail = learnt.available(base=tiny_base, folder=tmp_path)
    assert not ok and "make train" in detail
    with pytest.raises(ToolkitError, match="make train"):
        learnt.DivergenceModel(base=tiny_base, folder=tmp_path)
    ok, detail = learnt.available(base=tmp_path / "nowhere", folder=tmp_path)
    assert not ok and "base model" in detail


def test_damaged_artifacts_are_clear_errors(tiny_base, artifact, tmp_path):
    import shutil

    from toolkit.learnt.network import save_adapter

    folder, _ = artifact
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "recipe.json").write_text("{not json")
    with pytest.raises(ToolkitError, match="not valid JSON"):
        learnt.DivergenceModel(base=tiny_base, folder=broken)
    # an adapter of another shape than its base: says so in one line, no traceback of shapes
    other = tmp_path / "other"
    save_adapter(_trained_network(tiny_base, r=2), other, {"base": "tiny-bert"})
    recipe = json.loads((other / "recipe.json").read_text())
    recipe["network"]["r"] = 4
    (other / "recipe.json").write_text(json.dumps(recipe))
    with pytest.raises(ToolkitError, match="could not be loaded"):
        learnt.DivergenceModel(base=tiny_base, folder=other)
    # an adapter file that is not the one its recipe names
    swapped = tmp_path / "swapped"
    shutil.copytree(folder, swapped)
    shutil.copy(other / "adapter.safetensors", swapped / "adapter.safetensors")
    with pytest.raises(ToolkitError):
        learnt.DivergenceModel(base=tiny_base, folder=swapped)


def test_bad_input_is_a_clear_error(tiny_base, artifact):
    folder, _ = artifact
    model = learnt.load(base=tiny_base, folder=folder)
    assert learnt.load(base=tiny_base, folder=folder) is model  # built once per process
    with pytest.raises(ToolkitError, match="pairs"):
        model.score("He paid 2,000 euros.")
    with pytest.raises(ToolkitError, match="pair 1"):
        model.score([("a", "b"), ("only one",)])
    with pytest.raises(ToolkitError, match="pair 0"):
        model.score([("a", None)])


def test_lora_merge_matches_the_adapted_layer():
    from toolkit.learnt.lora import LoRALinear

    torch.manual_seed(0)
    layer = LoRALinear(torch.nn.Linear(6, 5), r=2, alpha=4.0)
    with torch.no_grad():
        layer.lora_B.normal_()
    x = torch.randn(3, 6)
    expected = layer(x)
    merged = layer.merged()
    torch.testing.assert_close(merged(x), expected, atol=1e-5, rtol=1e-5)


def test_a_few_training_steps_lower_the_loss(tiny_base):
    """The trainable parts get gradients and learn; the base stays frozen."""
    from toolkit.learnt.network import NetworkConfig, load_tokenizer, trainable

    torch.manual_seed(0)
    network = trainable(tiny_base, NetworkConfig(r=4, alpha=8.0, head_hidden=16, max_length=48, first_layer=0))
    frozen = {n: p.detach().clone() for n, p in network.named_parameters() if not p.requires_grad}
    tokenizer = load_tokenizer(tiny_base)
    pairs = [("he paid 2 euros .", "he paid 2 euros ."), ("he paid 2 euros .", "he paid 9 euros ."),
             ("the cat sat .", "the cat sat ."), ("the cat sat .", "the dog sat .")]
    labels = torch.tensor([0.0, 1.0, 0.0, 1.0])
    enc = tokenizer([a for a, _ in pairs], [b for _, b in pairs], padding=True, return_tensors="pt")
    optimizer = torch.optim.AdamW([p for p in network.parameters() if p.requires_grad], lr=1e-2)
    network.train()
    losses = []
    for _ in range(15):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            network(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] * 0.7
    for name, parameter in network.named_parameters():
        if name in frozen:
            assert torch.equal(parameter, frozen[name]), name


def test_drop_long_takes_a_value_and_old_checkpoints_still_resume():
    from training import train

    assert train.parse([]).drop_long is False  # off by default, as it was
    bare, synthetic = train.parse(["--drop-long"]), train.parse(["--drop-long", "synthetic", "--steps", "3"])
    assert (bare.drop_long, synthetic.drop_long, synthetic.steps) == ("all", "synthetic", 3)
    # checkpoints written when the flag took no value stored it as True: a bare --drop-long resumes them
    assert train._resumable(bare)["drop_long"] is True and train._resumable(synthetic)["drop_long"] == "synthetic"
    with pytest.raises(SystemExit):
        train.parse(["--drop-long", "some"])
