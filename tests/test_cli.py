import json
import subprocess
import sys

import pytest

from toolkit.cli import main
from toolkit.segment import read_document

from conftest import ROOT, SEED, needs_apertium


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=cwd)


def test_help_does_not_import_heavy_libraries():
    code = ("import sys, toolkit.cli; toolkit.cli.build_parser(); "
            "print(sorted(m for m in ('torch', 'transformers', 'sacrebleu', 'datasets', 'matplotlib', "
            "'ctranslate2', 'sentencex', 'numpy', 'ray', 'pyarrow') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
    assert run_cli("--help").returncode == 0


@needs_apertium
def test_compare_the_seed_covers_every_sentence(tmp_path):
    out = tmp_path / "run"
    code = main(["compare", str(SEED), "--lang", "en", "--engine", "apertium:eng-spa", "--engine",
                 "apertium:eng-cat", "--out", str(out), "--cache", str(tmp_path / "c.sqlite"), "-q"])
    assert code == 0
    beads = [json.loads(line) for line in (out / "beads.jsonl").read_text(encoding="utf-8").splitlines()]
    sentences = read_document(SEED, "en").sentences
    assert sorted(i for b in beads for i in b["translation_ids"]) == list(range(len(sentences)))
    keys = {"bead", "original_ids", "translation_ids", "original", "translation", "renderings", "signals",
            "divergence", "flag", "severity", "reasons"}
    assert all(keys <= set(b) for b in beads)
    assert all(len(b["renderings"]) == 2 and 0.0 <= b["divergence"] <= 1.0 for b in beads)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "apertium:eng-spa" in summary["signature"] and summary["beads"] == len(beads)
    assert (out / "report.html").read_text(encoding="utf-8").count("Lukashenko") > 3


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary", "looks binary"),
    ("Stra\u00dfe".encode("latin-1"), "not valid UTF-8"),
])
def test_compare_refuses_bad_files_in_one_line(tmp_path, content, message):
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    done = run_cli("compare", str(path), "--lang", "en", "--engine", "file:x.txt", "--out", str(tmp_path / "o"))
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, message", [
    (["--lang", "xx"], "unknown language code 'xx'"),
    (["--lang", "en", "--engine", "babelfish:en"], "unknown engine spec"),
    (["--lang", "en", "--original", "missing.de.txt", "--original-lang", "de"], "does not exist"),
    (["--lang", "en", "--original", str(SEED), "--original-lang", "en"], "both en"),
])
def test_compare_refuses_bad_arguments_in_one_line(tmp_path, args, message):
    done = run_cli("compare", str(SEED), *args, "--out", str(tmp_path / "o"))
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_compare_with_precomputed_renderings_flags_the_changed_number(tmp_path):
    translation = tmp_path / "t.en.txt"
    translation.write_text("The army has 3,000 soldiers.\nThe weather was fine.\n", encoding="utf-8")
    renderings = tmp_path / "r.en.txt"
    renderings.write_text("The army has 30,000 soldiers.\nThe weather was fine.\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
                 "--out", str(out), "-q", "--no-cache"]) == 0
    beads = [json.loads(line) for line in (out / "beads.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [b["flag"] for b in beads] == [True, False]
    numbers = [r for r in beads[0]["reasons"] if r["signal"] == "numbers"]
    start, end = numbers[0]["translation_span"]
    assert beads[0]["translation"][start:end] == "3,000"


def test_score_follows_the_design_contract(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    records = [
        {"id": "a", "translation": "He paid 2,000 euros.", "renderings": ["He paid 1.000 euros."], "lang": "en"},
        {"id": "b", "translation": "It rained.", "renderings": {"x": "It rained.", "y": "It was raining."},
         "lang": "en", "source": "Es regnete."},
    ]
    pairs.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    assert main(["score", str(pairs), "--out", str(out)]) == 0
    scored = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for given, got in zip(records, scored):
        assert {k: got[k] for k in given} == given  # the input is kept as it was
        assert isinstance(got["divergence"], float) and isinstance(got["flag"], bool)
        assert got["severity"] in {"none", "minor", "major", "critical"} and isinstance(got["reasons"], list)
    assert scored[0]["flag"] and not scored[1]["flag"]


def test_score_names_the_bad_line_and_leaves_no_partial_output(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"translation": "Fine.", "renderings": ["Fine."]}\n{"translation": 5}\n', encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    done = run_cli("score", str(pairs), "--out", str(out))
    assert done.returncode == 1 and f"{pairs}:2" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not list(tmp_path.glob("scored.jsonl*"))
