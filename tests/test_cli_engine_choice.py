"""Which engines compare uses: defaults that serve the document's languages, a German original offline,
precomputed renderings in one or both directions, the same engine given twice, and Apertium's install hints."""
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT, needs_apertium


def run_cli(*args, home):
    # an empty Hugging Face cache: no open MT model is downloaded, as on a fresh machine offline
    env = dict(os.environ, HF_HOME=str(home / "hf"), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env)


def one_line_error(done, *words):
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def german_pair(tmp_path):
    original = write(tmp_path / "o.de.txt", "Die Armee hat 3.000 Soldaten.\nDas Wetter war gut.\n")
    translation = write(tmp_path / "t.en.txt", "The army has 30,000 soldiers.\nThe weather was fine.\n")
    return original, translation


def summary(out):
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


@needs_apertium
@pytest.mark.parametrize("lang, text, pair", [
    ("es", "El ejército tiene 3.000 soldados.\nEl tiempo era bueno.\n", "eng-spa"),
    ("ca", "L'exèrcit té 3.000 soldats.\nEl temps era bo.\n", "eng-cat"),
])
def test_default_engines_are_the_apertium_pairs_that_serve_the_language(tmp_path, lang, text, pair):
    translation = write(tmp_path / f"t.{lang}.txt", text)
    out = tmp_path / "run"
    done = run_cli("compare", str(translation), "--lang", lang, "--out", str(out), "--no-cache", "-q", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"apertium:{pair}" in done.stderr  # the note says which engines stand in for the models
    # the English pair's round trip; a machine with more Apertium pairs for the language (fr-es) has more
    through_english = [r for r in summary(out)["renderings"] if r["pivot"] == "en"]
    assert [r["kind"] for r in through_english] == ["round-trip"]
    assert pair in through_english[0]["name"]


def test_a_language_no_installed_engine_serves_names_what_would(tmp_path):
    translation = write(tmp_path / "t.fr.txt", "L'armée a 3 000 soldats.\n")
    done = run_cli("compare", str(translation), "--lang", "fr", "--out", str(tmp_path / "run"), home=tmp_path)
    one_line_error(done, "round trip of fr", "toolkit models download --pair fr-en", "apertium-fr-es", "file:")
    assert not (tmp_path / "run").exists()


def test_a_german_original_offline_fails_before_rendering_saying_what_works(tmp_path, german_pair):
    original, translation = german_pair
    done = run_cli("compare", str(translation), "--lang", "en", "--original", str(original), "--original-lang", "de",
                   "--out", str(tmp_path / "run"), home=tmp_path)
    one_line_error(done, "between de and en", "file:renderings.tsv", "de->en and en->de",
                   "toolkit models download --pair de-en")
    assert "using the Apertium" not in done.stderr  # no promise of a fallback that cannot align


@needs_apertium
def test_an_engine_that_cannot_align_a_german_original_renders_nothing(tmp_path, german_pair):
    original, translation = german_pair
    cache = tmp_path / "c.sqlite"
    done = run_cli("compare", str(translation), "--lang", "en", "--original", str(original), "--original-lang", "de",
                   "--engine", "apertium:eng-spa", "--out", str(tmp_path / "run"), "--cache", str(cache),
                   home=tmp_path)
    one_line_error(done, "none of apertium:eng-spa translates between de and en", "file:renderings.tsv")
    assert sqlite3.connect(cache).execute("SELECT COUNT(*) FROM renderings").fetchone()[0] == 0


@pytest.mark.parametrize("directions, kinds", [(1, ["forward"]), (2, ["forward", "back"])])
def test_a_tsv_may_hold_the_forward_renderings_or_both_directions(tmp_path, german_pair, directions, kinds):
    original, translation = german_pair
    lines = ["Die Armee hat 3.000 Soldaten.\tThe army has 3,000 soldiers.",
             "Das Wetter war gut.\tThe weather was good."]
    if directions == 2:
        lines += ["The army has 30,000 soldiers.\tDie Armee hat 30.000 Soldaten.",
                  "The weather was fine.\tDas Wetter war schön."]
    renderings = write(tmp_path / "renderings.tsv", "\n".join(lines) + "\n")
    out = tmp_path / "run"
    done = run_cli("compare", str(translation), "--lang", "en", "--original", str(original), "--original-lang", "de",
                   "--engine", f"file:{renderings}", "--out", str(out), "--no-cache", "-q", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [r["kind"] for r in summary(out)["renderings"]] == kinds
    beads = [json.loads(line) for line in (out / "beads.jsonl").read_text(encoding="utf-8").splitlines()]
    assert beads[0]["flag"] and not beads[1]["flag"]  # the changed number


def test_the_same_engine_twice_makes_one_rendering(tmp_path):
    translation = write(tmp_path / "t.en.txt", "The army has 3,000 soldiers.\n")
    renderings = write(tmp_path / "r.en.txt", "The army has 30,000 soldiers.\n")
    out = tmp_path / "run"
    done = run_cli("compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
                   "--engine", f"file:{renderings}", "--engine", f"file:{tmp_path}/./r.en.txt",
                   "--out", str(out), "--no-cache", "-q", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(summary(out)["renderings"]) == 1


@needs_apertium
def test_a_missing_apertium_pair_names_only_packages_debian_has(tmp_path):
    translation = write(tmp_path / "t.en.txt", "The army has 3,000 soldiers.\n")
    done = run_cli("compare", str(translation), "--lang", "en", "--engine", "apertium:eng-fra",
                   "--out", str(tmp_path / "run"), home=tmp_path)
    one_line_error(done, "Debian has no Apertium package for en-fr", "apertium-fr-es")
    assert "apertium-eng-fra" not in done.stderr
