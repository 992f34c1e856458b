"""compare warns when a document does not read as the language it is given as (`--lang fr` on English text)."""
import subprocess
import sys

import pytest

from conftest import ROOT

pytest.importorskip("lingua", reason="the language check needs the detect extra (lingua-language-detector)")

FRENCH = "L'armée a 3 000 soldats.\nLe temps était beau et les soldats sont rentrés chez eux.\n"
ENGLISH = "The army has 3,000 soldiers.\nThe weather was fine and the soldiers went home.\n"


def compare(tmp_path, text, lang):
    document = tmp_path / "doc.txt"
    document.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "toolkit", "compare", str(document), "--lang", lang,
                           "--engine", f"file:{document}", "--out", str(tmp_path / "run"), "--no-cache", "-q"],
                          capture_output=True, text=True, cwd=ROOT)


def test_a_document_in_another_language_gets_one_warning_and_the_run_goes_on(tmp_path):
    done = compare(tmp_path, FRENCH, "en")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "reads as French" in warnings[0] and "--lang en" in warnings[0]


def test_a_document_in_its_language_gets_no_warning(tmp_path):
    done = compare(tmp_path, ENGLISH, "en")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
