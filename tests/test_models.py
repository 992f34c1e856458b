"""The model registry and `toolkit models`: defaults per pair, pivots, what is downloaded, the compare fallback."""
import json

import pytest

from toolkit import models
from toolkit.cli import main
from toolkit.errors import ToolkitError

from conftest import SEED, needs_apertium


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """An empty Hugging Face cache of our own: nothing is downloaded until a test puts it there."""
    import huggingface_hub.constants

    folder = tmp_path / "hub"
    folder.mkdir()
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(folder))
    monkeypatch.setenv("TOOLKIT_MODELS", str(tmp_path / "converted"))
    return folder


def test_defaults_put_opus_mt_first_then_nllb_and_m2m100():
    found = models.choices("en", "de")
    assert found[0].model_ids == ("Helsinki-NLP/opus-mt-en-de", "Helsinki-NLP/opus-mt-de-en")
    assert [c.model_ids for c in found[1:]] == [(models.NLLB,), (models.M2M100,)]
    # No OPUS-MT for this pair in the registry: the multilingual models still serve it.
    assert [c.model_ids for c in models.choices("pl", "ro")] == [(models.NLLB,), (models.M2M100,)]
    with pytest.raises(ToolkitError, match="two languages"):
        models.choices("en", "en")


def test_round_trip_pivot_is_the_original_language():
    assert models.round_trip_pivot("en", "de") == "de"  # a translation from German goes back through German
    assert models.round_trip_pivot("en", "fr") == "fr"
    assert models.round_trip_pivot("en") == "de"
    assert models.round_trip_pivot("de") == "en"
    assert models.round_trip_pivot("en", "en") == "de"


def test_model_ids_for_pairs_cover_both_directions():
    wanted = models.model_ids_for(["de-en", "en-fr"])
    assert wanted[:2] == ["Helsinki-NLP/opus-mt-de-en", "Helsinki-NLP/opus-mt-en-de"]
    assert "Helsinki-NLP/opus-mt-fr-en" in wanted and wanted.count(models.NLLB) == 1
    with pytest.raises(ToolkitError, match="looks like de-en"):
        models.model_ids_for(["german"])


def test_list_says_what_is_missing(hub, capsys, tiny_models):
    from tiny_mt import install_in_hub_cache

    assert main(["models", "list", "--pair", "de-en", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["model"] for r in rows][0] == "Helsinki-NLP/opus-mt-de-en" and not any(r["present"] for r in rows)
    install_in_hub_cache(tiny_models["opus-mt-de-en"], hub, "Helsinki-NLP/opus-mt-de-en")
    assert main(["models", "list"]) == 0
    captured = capsys.readouterr()
    assert "Helsinki-NLP/opus-mt-de-en" in captured.out and "downloaded" in captured.out
    assert "toolkit models download --pair de-en" in captured.err


def test_download_offline_fails_with_one_line(monkeypatch, capsys):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # fail fast instead of retrying
    assert main(["models", "download", "--model", "Helsinki-NLP/opus-mt-de-en", "-q"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("toolkit models: error:") and "Helsinki-NLP/opus-mt-de-en" in err and "\n" not in err


def test_default_engines_use_what_is_downloaded(hub, tiny_models):
    from tiny_mt import install_in_hub_cache

    specs, missing = models.default_engines("en", "de", kind="ct2")
    assert specs == [] and models.NLLB in missing
    install_in_hub_cache(tiny_models["opus-mt-en-de"], hub, "Helsinki-NLP/opus-mt-en-de")
    assert models.default_engines("en", "de", kind="ct2")[0] == []  # one direction is not a round trip
    install_in_hub_cache(tiny_models["opus-mt-de-en"], hub, "Helsinki-NLP/opus-mt-de-en")
    install_in_hub_cache(tiny_models["m2m100"], hub, models.M2M100)
    specs, missing = models.default_engines("en", None, kind="ct2")
    assert specs == ["ct2:Helsinki-NLP/opus-mt-en-de+Helsinki-NLP/opus-mt-de-en?pivot=de",
                     f"ct2:{models.M2M100}?pivot=de"]
    assert missing == [models.NLLB]


@pytest.mark.filterwarnings("ignore::toolkit.engines.neural.TruncationWarning")  # random weights babble on
def test_compare_uses_downloaded_models_for_a_round_trip(hub, tiny_models, tmp_path, capsys):
    from tiny_mt import install_in_hub_cache

    for name in ("opus-mt-en-de", "opus-mt-de-en"):
        install_in_hub_cache(tiny_models[name], hub, f"Helsinki-NLP/{name}")
    code = main(["compare", str(SEED), "--lang", "en", "--original-lang", "de", "--out", str(tmp_path / "run"),
                 "--cache", str(tmp_path / "cache.sqlite"), "-q"])
    assert code == 0
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert [r["kind"] for r in summary["renderings"]] == ["round-trip"]
    assert summary["renderings"][0]["pivot"] == "de"
    assert "Helsinki-NLP/opus-mt-en-de@" in summary["signature"]
    assert "Apertium" not in capsys.readouterr().err


@needs_apertium
def test_compare_falls_back_to_apertium_and_says_so(hub, tmp_path, capsys):
    code = main(["compare", str(SEED), "--lang", "en", "--out", str(tmp_path / "run"),
                 "--cache", str(tmp_path / "cache.sqlite"), "-q"])
    assert code == 0
    err = capsys.readouterr().err
    assert "no open MT model for en-de is downloaded" in err and "toolkit models download --pair en-de" in err
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert all("apertium:" in r["name"] for r in summary["renderings"])


def test_without_huggingface_hub_no_model_is_present_and_download_says_what_to_install(monkeypatch, capsys):
    """A core install (no `toolkit[mt]`) has no huggingface_hub: compare's default engines must not traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # `import huggingface_hub` raises ImportError
    assert not models.is_present("Helsinki-NLP/opus-mt-de-en")
    specs, missing = models.default_engines("en", "de")
    assert specs == [] and "Helsinki-NLP/opus-mt-en-de" in missing
    assert main(["models", "download", "--model", "Helsinki-NLP/opus-mt-de-en", "-q"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("toolkit models: error:") and "toolkit[mt]" in err and "\n" not in err
