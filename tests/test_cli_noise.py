"""What compare prints: honest progress rates (nothing for cache hits), no library bars, flagged rows first."""
import json
import re
import subprocess
import sys

from conftest import ROOT, needs_apertium

SENTENCES = [f"The report lists {n} new cases in district {n + 1}." for n in range(2, 14)]


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT)


def documents(tmp_path, changed=(3, 7)):
    translation = tmp_path / "t.en.txt"
    translation.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    renderings = tmp_path / "r.en.txt"
    renderings.write_text("\n".join(s.replace(" new cases", "0 old cases") if i in changed else s
                                    for i, s in enumerate(SENTENCES)) + "\n", encoding="utf-8")
    return translation, renderings


@needs_apertium
def test_progress_counts_only_what_is_rendered_and_cache_hits_draw_no_bar(tmp_path):
    translation, _ = documents(tmp_path)
    args = ["-m", "toolkit", "compare", str(translation), "--lang", "en", "--engine", "apertium:eng-spa",
            "--out", str(tmp_path / "run"), "--cache", str(tmp_path / "c.sqlite")]
    first = run(*args)
    assert first.returncode == 0, first.stderr
    rates = [float(r) for r in re.findall(r"([\d.]+)sent/s", first.stderr)]
    assert rates and max(rates) < 10_000, first.stderr  # Apertium is a process per batch, not a million a second
    again = run(*args)
    assert again.returncode == 0, again.stderr
    assert "sent/s" not in again.stderr and "sent]" not in again.stderr, again.stderr


def test_no_library_loading_bars_in_the_cli_or_the_api(tmp_path):
    translation, renderings = documents(tmp_path)
    for quiet in ([], ["-q"]):
        done = run("-m", "toolkit", "compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
                   "--out", str(tmp_path / "run"), "--no-cache", *quiet)
        assert done.returncode == 0, done.stderr
        assert "Loading weights" not in done.stderr and "it/s" not in done.stderr, done.stderr
    code = (f"from toolkit import compare_files; run = compare_files({str(translation)!r}, lang='en', "
            f"engines=['file:{renderings}']); print(len(run.judgements))")
    done = run("-c", code)
    assert done.returncode == 0 and done.stdout.strip() == str(len(SENTENCES)), done.stderr
    assert done.stderr.strip() == "", done.stderr


def test_the_table_shows_the_flagged_beads_first_then_how_many_more(tmp_path):
    translation, renderings = documents(tmp_path)
    args = ["-m", "toolkit", "compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
            "--out", str(tmp_path / "run"), "--no-cache"]
    done = run(*args)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if re.match(r"\s+\d+\s+\d\.\d\d\s", line)]
    assert len(rows) == 2 and "2 flagged, worst first" in done.stdout
    assert all(row.split()[2] != "none" for row in rows)
    # each flagged row is followed by its first reason, in plain words
    beads = [json.loads(line) for line in (tmp_path / "run" / "beads.jsonl").read_text().splitlines()]
    for row in rows:
        bead = next(b for b in beads if b["bead"] == int(row.split()[0]))
        after = done.stdout.splitlines()[done.stdout.splitlines().index(row) + 1]
        detail = bead["reasons"][0]["detail"]
        assert after.strip() in (detail, detail[:89] + "…")  # cut at the table's width
    done = run(*args, "--top", "1")
    assert "... and 1 more flagged" in done.stdout


def test_models_download_without_a_network_fails_at_once(tmp_path):
    import os
    import time

    import pytest

    pytest.importorskip("huggingface_hub", reason="downloads need the mt extra")
    env = dict(os.environ, HF_ENDPOINT="http://127.0.0.1:9", HF_HOME=str(tmp_path / "hf"))
    env.pop("HF_HUB_OFFLINE", None)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "toolkit", "models", "download", "--model",
                           "Helsinki-NLP/opus-mt-de-en"], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 1 and "cannot reach the Hugging Face hub" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Retry" not in done.stderr
    assert time.monotonic() - start < 20  # no half-minute of retries


def test_score_prints_only_its_records(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"id": 1, "translation": "He paid 2,000 euros.", "renderings": ["He paid 1.000 euros."], '
                     '"lang": "en"}\n', encoding="utf-8")
    done = run("-m", "toolkit", "score", str(pairs))
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
