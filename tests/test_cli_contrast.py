"""`toolkit contrast`: two or more translations of one line-aligned source, side by side (issue 16, item 8),
and `compare --format json|tsv`. Offline: the systems are judged against each other, or against a file: engine."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT
from toolkit.cli import main

SOURCE = ["Die Armee hat 3.000 Soldaten.", "Der Präsident sagte, er sei nicht bereit.", "Berlin liegt an der Spree.",
          "Die Preise stiegen um 5 Prozent.", "Das Treffen findet am Montag statt."]
GOOD = ["The army has 3,000 soldiers.", "The president said he was not ready.", "Berlin lies on the Spree.",
        "Prices rose by 5 percent.", "The meeting takes place on Monday."]
DRIFTING = ["The army has 30,000 soldiers.", "The president said he was ready.", "Berlin is on the Spree.",
            "Prices rose by 5 percent.", "The meeting is on Friday."]
REWORDED = ["The army has 3,000 troops.", "The president said he was not prepared.", "Berlin is located on the Spree.",
            "Prices went up 5 percent.", "The meeting will be held on Monday."]


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, lines in (("src", SOURCE), ("good", GOOD), ("drifting", DRIFTING), ("reworded", REWORDED)):
        paths[name] = tmp_path / f"{name}.txt"
        paths[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


def systems(files, *names):
    return [arg for name in names for arg in ("-t", str(files[name]))]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=ROOT)


def test_three_systems_against_each_other_name_the_drifting_one(files, capsys):
    assert main(["contrast", "-s", str(files["src"]), "--src-lang", "de", "--lang", "en", "--no-cache",
                 *systems(files, "good", "drifting", "reworded"), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["systems"] == ["good", "drifting", "reworded"] and result["summary"]["against"] == "systems"
    overall = result["overall"]
    assert overall["drifting"]["mean_divergence"] > overall["reworded"]["mean_divergence"] > \
        overall["good"]["mean_divergence"]
    # the number and the negation are flagged; Monday -> Friday only drifts most: since the flag was calibrated on
    # real output, a name that no other system has is a reason, not evidence on its own
    assert overall["drifting"]["flagged"] >= 2 and overall["good"]["flagged"] == 0
    by_line = {line["line"]: line for line in result["lines"]}
    for changed in (0, 1, 4):  # 30,000 for 3,000; the negation dropped; Friday for Monday (0-based lines)
        assert by_line[changed]["drifts_most"] == "drifting"
        assert by_line[changed]["systems"]["drifting"]["reasons"]
    assert by_line[0]["systems"]["drifting"]["flag"] and by_line[1]["systems"]["drifting"]["flag"]
    assert by_line[0]["source"] == SOURCE[0]
    pair = next(p for p in result["pairs"] if (p["a"], p["b"]) == ("good", "drifting"))
    assert pair["divergence"]["delta"] > 0 and pair["divergence"]["test"] == "paired-bootstrap"
    assert pair["divergence"]["delta_ci"][0] > 0  # the whole interval says the drifting system diverges more
    assert pair["divergence_ar"]["test"] == "approximate-randomisation" and 0 < pair["divergence_ar"]["p_value"] <= 1
    assert "against:systems" in result["summary"]["signature"]

    # the same contrast as text (models are loaded by now) and as tsv
    assert main(["contrast", "-s", str(files["src"]), "--src-lang", "de", "--lang", "en", "--no-cache",
                 *systems(files, "good", "drifting", "reworded")]) == 0
    text = capsys.readouterr().out
    assert "good vs drifting: mean divergence" in text and "95% CI" in text and "approximate randomisation" in text
    assert "drifting: The president said he was ready." in text
    assert main(["contrast", "--lang", "en", "--no-cache", *systems(files, "good", "drifting", "reworded"),
                 "--format", "tsv"]) == 0
    rows = [row.split("\t") for row in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["line", "system", "divergence", "flag", "severity", "drifts_most", "reasons", "translation"]
    assert len(rows) == 1 + 3 * 5
    drifting_2 = next(r for r in rows[1:] if r[0] == "1" and r[1] == "drifting")  # 0-based: the second line
    assert drifting_2[3] == "true" and drifting_2[5] == "true" and drifting_2[7] == DRIFTING[1]


def test_two_systems_against_an_engine_file_and_out(files, tmp_path, capsys):
    # precomputed renderings of the source (line-aligned): both systems face the same references
    engine = tmp_path / "mt.en.txt"
    engine.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    out = tmp_path / "deep" / "contrast.json"
    assert main(["contrast", "-s", str(files["src"]), "--src-lang", "de", "--lang", "en", "--no-cache", "-q",
                 *systems(files, "reworded", "drifting"), "--engine", f"file:{engine}", "--format", "json",
                 "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["summary"]["against"] == "engines" and result["summary"]["notes"] == []
    assert [r.split(":")[0] for r in result["summary"]["renderings"]] == ["forward"]
    assert result["overall"]["drifting"]["mean_divergence"] > result["overall"]["reworded"]["mean_divergence"]
    [pair] = result["pairs"]
    assert (pair["a"], pair["b"]) == ("reworded", "drifting")

    # COMET's shape: one translation and its source, judged against the engine's renderings line by line
    assert main(["contrast", "-s", str(files["src"]), "--src-lang", "de", "--lang", "en", "--no-cache",
                 "-t", str(files["drifting"]), "--engine", f"file:{engine}"]) == 0
    text = capsys.readouterr().out
    assert "1 translation of 5 lines, judged against the engines' renderings" in text
    assert "*  The president said he was ready." in text  # flagged, and listed among the most divergent


def test_two_systems_against_each_other_say_the_divergence_is_symmetric(files, capsys):
    assert main(["contrast", "--lang", "en", "--no-cache", *systems(files, "good", "drifting")]) == 0
    assert "not which one drifted" in capsys.readouterr().out


def one_line_error(done, *words):
    assert done.returncode != 0, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_bad_input_is_one_line_before_any_work(files, tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("One line.\n", encoding="utf-8")
    base = ("contrast", "--lang", "en", "--no-cache")
    one_line_error(run_cli(*base, *systems(files, "good")), "two or more translations", "--engine")
    one_line_error(run_cli(*base, "-t", str(files["good"]), "-t", str(short)), "line counts differ",
                   "good 5", "short 1")
    one_line_error(run_cli(*base, "-s", str(short), "--src-lang", "de", *systems(files, "good", "drifting")),
                   "line counts differ", "source 1")
    one_line_error(run_cli(*base, "-t", str(files["good"]), "-t", str(tmp_path / "missing.txt")),
                   "missing.txt does not exist")
    one_line_error(run_cli(*base, *systems(files, "good", "drifting"), "--format", "xml"), "unknown --format 'xml'")
    one_line_error(run_cli(*base, *systems(files, "good", "good")), "given twice")
    one_line_error(run_cli(*base, "-s", str(files["src"]), *systems(files, "good", "drifting")), "--src-lang")
    one_line_error(run_cli(*base, *systems(files, "good", "drifting"), "--against", "engines"), "--engine")
    one_line_error(run_cli(*base, *systems(files, "good", "drifting"), "--engine", "nope:x"), "unknown engine spec")
    one_line_error(run_cli(*base, *systems(files, "good"), "--engine", f"file:{files['drifting']}", "--against",
                           "systems"), "--against systems needs two")
    one_line_error(run_cli("compare", str(files["good"]), "--lang", "en", "--out", str(tmp_path / "r"),
                           "--format", "yaml"), "unknown --format 'yaml'")


def test_compare_prints_json_and_tsv_for_scripts(files, tmp_path, capsys):
    renderings = tmp_path / "r.en.txt"
    renderings.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    drifting = tmp_path / "drifting.txt"  # one sentence a paragraph, so the beads follow the lines
    drifting.write_text("\n\n".join(DRIFTING) + "\n", encoding="utf-8")
    args = ["compare", str(drifting), "--lang", "en", "--engine", f"file:{renderings}", "--no-cache"]
    assert main([*args, "--out", str(tmp_path / "run"), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["out"] == str(tmp_path / "run") and printed["summary"]["beads"] == 5
    assert [b["flag"] for b in printed["beads"]][:2] == [True, True]
    assert (tmp_path / "run" / "beads.jsonl").exists()
    assert main([*args, "--out", str(tmp_path / "run2"), "--format", "tsv", "-q"]) == 0
    rows = [row.split("\t") for row in capsys.readouterr().out.splitlines()]
    assert rows[0][:4] == ["bead", "divergence", "flag", "severity"] and len(rows) == 6
    assert rows[2][2] == "true" and rows[2][5] == DRIFTING[1]


def test_blank_lines_a_paragraph_break_is_left_out_a_missing_line_is_an_omission(tmp_path, capsys):
    a, b, c = (tmp_path / f"{n}.txt" for n in "abc")
    a.write_text("The army has 3,000 soldiers.\n\nPrices rose by 5 percent.\nThe talks failed.\n", encoding="utf-8")
    b.write_text("The army has 3,000 troops.\n\n\nThe talks failed.\n", encoding="utf-8")  # line 3 is missing
    c.write_text("The army has 3,000 soldiers.\n\nPrices went up 5 percent.\nThe talks broke down.\n",
                 encoding="utf-8")
    assert main(["contrast", "--lang", "en", "--no-cache", "-t", str(a), "-t", str(b), "-t", str(c),
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [line["line"] for line in result["lines"]] == [0, 2, 3] and result["summary"]["blank_lines_left_out"] == 1
    missing = result["lines"][1]
    assert missing["drifts_most"] == "b" and missing["systems"]["b"]["flag"]
    assert missing["systems"]["b"]["reasons"][0]["signal"] == "omission"
    assert not missing["systems"]["a"]["flag"]
