"""Every output place and the cache are checked before any work: one line, a non-zero exit, no traceback."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=ROOT)


def one_line_error(done, *words):
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder nobody may write in: a read-only tmpfs for root (who ignores permissions), else chmod 555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot make a read-only folder here (root, and mounting a read-only tmpfs failed)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.fixture
def documents(tmp_path):
    translation = tmp_path / "t.en.txt"
    translation.write_text("The army has 3,000 soldiers.\n", encoding="utf-8")
    renderings = tmp_path / "r.en.txt"
    renderings.write_text("The army has 30,000 soldiers.\n", encoding="utf-8")
    return translation, renderings


def test_compare_refuses_a_read_only_out_before_reading_anything(read_only_dir, tmp_path):
    # the translation and the engine's file do not even exist: the out folder is checked first
    done = run_cli("compare", str(tmp_path / "missing.txt"), "--lang", "en", "--engine", "file:nowhere.txt",
                   "--out", str(read_only_dir / "run"), "--no-cache")
    one_line_error(done, "--out", "cannot be written", str(read_only_dir))


def test_compare_out_naming_a_file_says_what_to_do(documents, tmp_path):
    translation, renderings = documents
    existing = tmp_path / "report.txt"
    existing.write_text("keep me\n", encoding="utf-8")
    done = run_cli("compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
                   "--out", str(existing), "--no-cache")
    one_line_error(done, "is a file, not a folder", "new folder name")
    assert existing.read_text(encoding="utf-8") == "keep me\n"
    done = run_cli("compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
                   "--out", str(existing / "run"), "--no-cache")
    one_line_error(done, "is a file")


@pytest.mark.parametrize("name", ["c.sqlite", "sub/c.sqlite"])
def test_compare_refuses_an_unusable_cache_before_rendering(documents, read_only_dir, tmp_path, name):
    translation, renderings = documents
    done = run_cli("compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
                   "--out", str(tmp_path / "run"), "--cache", str(read_only_dir / name))
    one_line_error(done, "rendering cache", "--no-cache")
    assert not (tmp_path / "run").exists()


def test_compare_refuses_a_cache_that_is_not_a_database(documents, tmp_path):
    translation, renderings = documents
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database, a note\n" * 20, encoding="utf-8")
    done = run_cli("compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}",
                   "--out", str(tmp_path / "run"), "--cache", str(junk))
    one_line_error(done, "rendering cache", "not a database")


@pytest.mark.parametrize("command", ["score", "align"])
def test_score_and_align_refuse_a_read_only_out_before_reading(read_only_dir, tmp_path, command):
    inputs = [str(tmp_path / "missing.jsonl")] if command == "score" else [str(tmp_path / "a"), str(tmp_path / "b")]
    done = run_cli(command, *inputs, "--out", str(read_only_dir / "out.txt"))
    one_line_error(done, "--out", "cannot be written")
    assert not list(read_only_dir.iterdir())


def test_align_out_naming_a_folder_says_to_give_a_file(tmp_path):
    done = run_cli("align", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path))
    one_line_error(done, "is a folder", "file name")


def test_export_refuses_a_read_only_target(read_only_dir, tmp_path):
    done = run_cli("export", str(tmp_path), "--to", str(read_only_dir / "dataset"))
    one_line_error(done, "--to", "cannot be written")
