import json

import pytest

from toolkit import render
from toolkit.engines import load
from toolkit.errors import ToolkitError

from conftest import needs_apertium


def test_unknown_engine_spec_names_the_known_kinds():
    with pytest.raises(ToolkitError, match=r"unknown engine spec 'google:en-de'.*apertium:"):
        load("google:en-de")


def test_file_engine_plain_lines_are_taken_in_order(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Uno.\nDos.\n", encoding="utf-8")
    engine = load(f"file:{path}")
    assert render.translate(engine, ["One.", "Two."], "en", "es") == ["Uno.", "Dos."]
    with pytest.raises(ToolkitError, match="2 lines but there are 3 sentences"):
        render.translate(engine, ["One.", "Two.", "Three."], "en", "es")


def test_file_engine_tsv_and_jsonl_are_looked_up_by_source(tmp_path):
    tsv = tmp_path / "r.tsv"
    tsv.write_text("Two.\tDos.\nOne.\tUno.\n", encoding="utf-8")
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text("\n".join(json.dumps({"source": s, "rendering": r}) for s, r in
                               [("One.", "Uno."), ("Two.", "Dos.")]), encoding="utf-8")
    for path in (tsv, jsonl):
        assert render.translate(load(f"file:{path}"), ["One.", "Two."], "en", "es") == ["Uno.", "Dos."]
    with pytest.raises(ToolkitError, match="no rendering for 1 sentence"):
        render.translate(load(f"file:{tsv}"), ["Three."], "en", "es")


def test_file_engine_signature_changes_with_content(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Uno.\n", encoding="utf-8")
    before = load(f"file:{path}").signature
    path.write_text("Una.\n", encoding="utf-8")
    assert load(f"file:{path}").signature != before


@needs_apertium
def test_apertium_round_trip_through_spanish(cache):
    from toolkit.segment import segment_text

    engine = load("apertium:eng-spa")
    assert engine.pivot_for("en") == "es" and engine.supports("es", "en")
    doc = segment_text("The army is not ready for war. Around 100 mercenaries were sighted.", "en")
    rendering = render.round_trip(engine, doc, cache=cache)
    assert len(rendering.sentences) == 2
    assert "100" in rendering.sentences[1] and "army" in rendering.sentences[0].lower()
    assert rendering.engine.startswith("apertium:eng-spa|v:")


@needs_apertium
def test_missing_apertium_pair_says_what_to_install():
    # Debian has no German pair: the message says so instead of naming a package that does not exist
    with pytest.raises(ToolkitError, match="Debian has no Apertium package for en-de") as raised:
        load("apertium:eng-deu")
    assert "apertium-eng-deu" not in str(raised.value)
    with pytest.raises(ToolkitError, match="apt-get install apertium-fr-es, then use apertium:fr-es"):
        load("apertium:fra-spa")


@needs_apertium
def test_apertium_keeps_lines_apart_when_a_line_has_no_final_stop():
    engine = load("apertium:eng-spa")
    out = engine.translate(["Activist at IPPEN.MEDIA", "", "Ukraine war: Lukashenko fears for his regime"], "en", "es")
    assert len(out) == 3 and out[1] == ""
    assert out[2].startswith("Guerra de Ucrania")  # nothing of the line before has moved into it
    assert "Guerra" not in out[0]
