"""make demo ends by saying how to run `toolkit`, which lives in the virtualenv make does not activate."""
import shutil
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")


def test_demo_ends_by_saying_how_to_run_toolkit():
    planned = subprocess.run(["make", "-n", "demo"], capture_output=True, text=True, cwd=ROOT)
    assert planned.returncode == 0, planned.stderr
    out = planned.stdout  # make -n still runs the recursive $(MAKE) how-to-run, which prints its echo lines
    compare_at = out.index("toolkit compare corpora/belarus-army")
    assert compare_at < out.rindex(".venv/bin/toolkit") and compare_at < out.rindex("source .venv/bin/activate")
    said = subprocess.run(["make", "-s", "how-to-run"], capture_output=True, text=True, cwd=ROOT)
    assert ".venv/bin/toolkit" in said.stdout and "source .venv/bin/activate" in said.stdout


def test_the_installed_toolkit_runs_from_the_virtualenv():
    toolkit = ROOT / ".venv" / "bin" / "toolkit"
    if not toolkit.exists():
        pytest.skip("no .venv here (make install builds it)")
    done = subprocess.run([str(toolkit), "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.startswith("toolkit ")
