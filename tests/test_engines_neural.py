"""hf: and ct2: engines on tiny random-weight models loaded through the same from_pretrained(folder) code a
downloaded model takes. Outputs are gibberish; what is checked is agreement, language tokens, cache and limits."""
import warnings

import pytest

from toolkit import render
from toolkit.engines import load
from toolkit.errors import ToolkitError

GERMAN = [
    "Der Präsident hat am Montag neue Details über die Armee bekannt gegeben.",
    "Die Regierung in Minsk bestreitet, dass Soldaten an die Grenze geschickt wurden.",
    "Nach Angaben des Ministeriums sind 20.000 Reservisten einberufen worden.",
    "Der Kreml hat sich zu den Berichten bisher nicht geäußert.",
    "Ja.",
]


@pytest.fixture(scope="session")
def ct2_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("ct2-converted")


@pytest.fixture(autouse=True)
def converted_models_in_tmp(monkeypatch, ct2_dir):
    monkeypatch.setenv("TOOLKIT_MODELS", str(ct2_dir))  # conversions shared by the session, never in ~/.cache


class CountingBackend:
    """Wraps a loaded model (torch module or CTranslate2 translator) and records what it was asked."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = []

    def generate(self, **kwargs):
        output = self.inner.generate(**kwargs)
        self.calls.append((kwargs, output))
        return output

    def translate_batch(self, source, **kwargs):
        results = self.inner.translate_batch(source, **kwargs)
        self.calls.append((dict(kwargs, source=source), results))
        return results


def counting(engine):
    model = engine.models[0]
    model.backend = CountingBackend(engine._load(model))
    return model.backend


@pytest.mark.parametrize("beam", [1, 2])
def test_hf_and_ct2_agree_on_tiny_marian(tiny_models, beam):
    path = tiny_models["opus-mt-de-en"]
    hf = load(f"hf:{path}?beam={beam}")
    ct2 = load(f"ct2:{path}?beam={beam}&compute_type=float32")  # int8 rounding would change some tokens
    assert hf.models[0].family == ct2.models[0].family == "marian"
    hf_out, ct2_out = hf.translate(GERMAN, "de", "en"), ct2.translate(GERMAN, "de", "en")
    assert len(hf_out) == len(GERMAN) and all(isinstance(s, str) and s for s in hf_out)
    assert hf_out == ct2_out


def test_ct2_defaults_to_int8_on_cpu_and_converts_once(tiny_models, ct2_dir):
    path = tiny_models["opus-mt-de-en"]
    engine = load(f"ct2:{path}")
    assert engine.device == "cpu" and engine.compute_type == "int8"
    first = engine.translate(GERMAN[:2], "de", "en")
    converted = [p for p in (ct2_dir / "ct2").iterdir() if p.name.endswith("-int8")]
    assert len(converted) == 1 and (converted[0] / "model.bin").exists()
    stamp = (converted[0] / "model.bin").stat().st_mtime_ns
    again = load(f"ct2:{path}")
    assert again.translate(GERMAN[:2], "de", "en") == first  # deterministic
    assert (converted[0] / "model.bin").stat().st_mtime_ns == stamp  # reused, not converted again


def test_hf_output_is_deterministic(tiny_models):
    engine = load(f"hf:{tiny_models['opus-mt-de-en']}")
    assert engine.translate(GERMAN, "de", "en") == engine.translate(GERMAN, "de", "en")
    assert engine.device == "cpu" and "dtype:float32" in engine.signature


@pytest.mark.parametrize("name,family,token", [("nllb", "nllb", "fra_Latn"), ("m2m100", "m2m100", "__fr__")])
def test_forced_target_language_token_hf(tiny_models, name, family, token):
    engine = load(f"hf:{tiny_models[name]}?beam=1")
    model = engine.models[0]
    assert model.family == family
    backend = counting(engine)
    out = engine.translate(GERMAN[:3], "de", "fr")
    wanted = model.tokenizer.convert_tokens_to_ids(token)
    kwargs, generated = backend.calls[0]
    assert kwargs["forced_bos_token_id"] == wanted
    assert (generated[:, 1] == wanted).all()  # after the decoder start token comes the target language
    source_lang = model.tokenizer.convert_tokens_to_ids("deu_Latn" if family == "nllb" else "__de__")
    assert (kwargs["input_ids"][:, 0] == source_lang).all()
    assert not any(token in s for s in out)  # language tokens never leak into the text


@pytest.mark.parametrize("name,token", [("nllb", "fra_Latn"), ("m2m100", "__fr__")])
def test_forced_target_language_token_ct2(tiny_models, name, token):
    engine = load(f"ct2:{tiny_models[name]}?beam=1&compute_type=float32")
    backend = counting(engine)
    out = engine.translate(GERMAN[:3], "de", "fr")
    kwargs, results = backend.calls[0]
    assert kwargs["target_prefix"] == [[token]] * 3
    assert all(r.hypotheses[0][0] == token for r in results)
    assert not any(token in s for s in out)
    assert out == load(f"hf:{tiny_models[name]}?beam=1").translate(GERMAN[:3], "de", "fr")


def test_multilingual_marian_gets_target_token(tiny_models):
    engine = load(f"hf:{tiny_models['opus-mt-en-mul']}")
    model = engine.models[0]
    assert model.target_tokens and model.sources == {"en"} and model.targets == {"de", "fr"}
    assert engine.supports("en", "fr") and not engine.supports("en", "es")
    from toolkit.engines.neural import encode

    ids = encode(model, ["The army is ready."], "en", "fr")
    assert ids[0][0] == model.tokenizer.convert_tokens_to_ids(">>fra<<")


@pytest.mark.parametrize("kind", ["hf", "ct2"])
def test_second_call_is_a_cache_hit(tiny_models, cache, kind):
    engine = load(f"{kind}:{tiny_models['opus-mt-de-en']}")
    backend = counting(engine)
    first = render.translate(engine, GERMAN, "de", "en", cache)
    calls = len(backend.calls)
    assert calls >= 1
    second = render.translate(engine, GERMAN, "de", "en", cache)
    assert second == first and len(backend.calls) == calls  # no model call the second time
    assert cache.hits == len(GERMAN)


def test_signature_names_model_revision_and_decoding(tiny_models):
    path = tiny_models["opus-mt-de-en"]
    ct2 = load(f"ct2:{path}?beam=3")
    sig = ct2.signature
    for part in (str(path), "@dir-", "beam:3", "len:2x+10", "compute:int8", "ctranslate2:"):
        assert part in sig
    assert load(f"ct2:{path}?beam=3&length=20").signature != sig
    assert load(f"hf:{path}?beam=3").signature.startswith(f"hf:{path}@dir-")


@pytest.mark.parametrize("kind", ["hf", "ct2"])
def test_empty_batch(tiny_models, cache, kind):
    engine = load(f"{kind}:{tiny_models['m2m100']}")
    assert engine.translate([], "de", "en") == []
    assert render.translate(engine, [], "de", "en", cache) == []
    out = engine.translate(["", GERMAN[0], "  "], "de", "en")
    assert out[0] == out[2] == "" and out[1]
    assert engine.models[0].backend is not None
    assert engine.translate([""], "de", "en") == [""]


def test_a_device_that_is_not_there_is_a_clear_error(tiny_models):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ToolkitError, match="no CUDA GPU"):
        load(f"hf:{tiny_models['opus-mt-de-en']}?device=cuda")


@pytest.mark.parametrize("kind", ["hf", "ct2"])
def test_over_long_sentence_is_truncated_with_a_warning(tiny_models, kind):
    from toolkit.engines.neural import TruncationWarning

    engine = load(f"{kind}:{tiny_models['opus-mt-de-en']}?beam=1")
    long_sentence = " ".join(GERMAN * 20)  # far over the tiny model's 128 positions
    with pytest.warns(TruncationWarning, match="cut"):
        out = engine.translate([GERMAN[0], long_sentence], "de", "en")
    assert len(out) == 2 and all(isinstance(s, str) for s in out)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TruncationWarning)  # short sentences never warn
        engine.translate(GERMAN, "de", "en")


def test_unsupported_pair_is_a_clear_error(tiny_models, cache):
    engine = load(f"hf:{tiny_models['opus-mt-de-en']}")
    assert not engine.supports("en", "fr")
    with pytest.raises(ToolkitError, match=r"cannot translate en->fr.*marian: de -> en"):
        engine.translate(["Hello."], "en", "fr")
    with pytest.raises(ToolkitError, match="cannot translate en->fr"):
        render.translate(engine, ["Hello."], "en", "fr", cache)


def test_missing_model_names_it_and_the_download_command(monkeypatch, tmp_path):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "empty-hub"))
    for kind in ("hf", "ct2"):
        with pytest.raises(ToolkitError) as caught:
            load(f"{kind}:Helsinki-NLP/opus-mt-de-en")
        message = str(caught.value)
        assert "Helsinki-NLP/opus-mt-de-en" in message and "toolkit models download" in message
        assert "\n" not in message
    with pytest.raises(ToolkitError, match="does not exist"):
        load(f"hf:{tmp_path / 'no-such-folder'}")


def test_hub_id_resolves_to_the_cached_snapshot_offline(monkeypatch, tmp_path, tiny_models):
    import huggingface_hub.constants
    from tiny_mt import install_in_hub_cache

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    install_in_hub_cache(tiny_models["opus-mt-de-en"], tmp_path / "hub", "Helsinki-NLP/opus-mt-de-en", "ab" * 20)
    engine = load("hf:Helsinki-NLP/opus-mt-de-en")
    assert engine.signature.startswith("hf:Helsinki-NLP/opus-mt-de-en@" + "ab" * 6 + "|")
    assert engine.supports("de", "en") and not engine.supports("en", "de")  # languages from the tokenizer config
    assert engine.translate(GERMAN[:1], "de", "en") == load(f"hf:{tiny_models['opus-mt-de-en']}").translate(
        GERMAN[:1], "de", "en")


def test_two_one_way_models_make_a_round_trip(tiny_models, cache):
    from toolkit.records import Document, Segment

    engine = load(f"ct2:{tiny_models['opus-mt-en-de']}+{tiny_models['opus-mt-de-en']}")
    assert engine.supports("en", "de") and engine.supports("de", "en")
    assert engine.pivot_for("en") == "de" and engine.pivot_for("fr") is None
    assert engine.route("de", "en").model_id.endswith("opus-mt-de-en")
    text = ["The army is ready.", "Lukashenko said so on Monday."]
    document = Document("en", " ".join(text), [Segment(k, t, 0, 0, len(t)) for k, t in enumerate(text)])
    rendering = render.round_trip(engine, document, cache=cache)
    assert rendering.pivot == "de" and len(rendering.sentences) == 2


def test_settings_and_bad_settings(tiny_models):
    engine = load(f"hf:{tiny_models['m2m100']}?beam=2&pivot=fr&max_batch=4")
    assert engine.settings["beam"] == 2 and engine.settings["max_batch"] == 4
    assert engine.pivot_for("en") == "fr"
    with pytest.raises(ToolkitError, match="unknown engine setting"):
        load(f"hf:{tiny_models['m2m100']}?beem=2")
    with pytest.raises(ToolkitError, match="needs a int"):
        load(f"hf:{tiny_models['m2m100']}?beam=two")


def test_a_model_of_another_kind_is_refused():
    from types import SimpleNamespace

    from toolkit.engines.neural import detect_family

    with pytest.raises(ToolkitError, match="serve Marian"):
        detect_family("google-t5/t5-small", SimpleNamespace(model_type="t5"), object())


def test_batches_sort_by_length_under_a_token_budget():
    from toolkit.engines.neural import batches

    lengths = [5, 30, 7, 30, 12, 3, 200]
    cut = batches(lengths, batch_tokens=64, max_batch=3)
    assert sorted(k for batch in cut for k in batch) == list(range(len(lengths)))
    assert cut[0] == [6]  # alone over the budget: its own batch, not an error
    for batch in cut:
        assert len(batch) <= 3
        assert [lengths[k] for k in batch] == sorted((lengths[k] for k in batch), reverse=True)
        if len(batch) > 1:
            assert lengths[batch[0]] * len(batch) <= 64


def test_output_length_rule():
    from toolkit.engines.neural import SETTINGS, output_limit

    settings = {key: default for key, (_, default) in SETTINGS.items()}
    assert output_limit(10, settings, cap=512) == (0, 30)  # 2 x 10 + 10
    assert output_limit(400, settings, cap=512) == (0, 512)
    assert output_limit(10, dict(settings, length=25), cap=512) == (25, 25)
