"""compare reads a saved web page as its article (not its styles, scripts and menus) and `-` as standard input."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT

PAGE = """<!doctype html>
<html><head><title>Army news - Example News</title>
<meta property="og:site_name" content="Example News"><meta property="og:title" content="Army news">
<meta name="date" content="2024-05-02">
<style>body { color: red; } .nav { display: none; } p { margin: 0 }</style>
<script>var tracking = "Lukashenko 1,000,000"; window.onload = function () { console.log(tracking); };</script>
</head><body>
<nav class="nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Army news</h1>
<p>The army has 3,000 soldiers according to the ministry of defence in the capital.</p>
<p>The weather was fine and the soldiers went home after the long parade in the capital.</p>
<p>Officials said the exercise would be repeated next year with more units taking part.</p>
</article>
<footer><p>Copyright 2024 Example News. All rights reserved.</p></footer>
</body></html>
"""
ARTICLE = ["Army news",
           "The army has 3,000 soldiers according to the ministry of defence in the capital.",
           "The weather was fine and the soldiers went home after the long parade in the capital.",
           "Officials said the exercise would be repeated next year with more units taking part."]


def compare(tmp_path, source, *extra, stdin=None):
    renderings = tmp_path / "r.en.tsv"
    renderings.write_text("\n".join(f"{s}\t{s.replace('3,000', '30,000')}" for s in ARTICLE) + "\n",
                          encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "toolkit", "compare", source, "--lang", "en",
                           "--engine", f"file:{renderings}", "--out", str(tmp_path / "run"), "--no-cache", *extra],
                          capture_output=True, text=True, cwd=ROOT, input=stdin)


def read_run(tmp_path):
    beads = [json.loads(line) for line in (tmp_path / "run" / "beads.jsonl").read_text(encoding="utf-8").splitlines()]
    return beads, json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))


def test_a_web_page_is_judged_as_its_article_with_its_metadata(tmp_path):
    pytest.importorskip("trafilatura", reason="reading web pages needs the html extra")
    page = tmp_path / "news.html"
    page.write_text(PAGE, encoding="utf-8")
    done = compare(tmp_path, str(page))
    assert done.returncode == 0, done.stderr
    assert "is a web page" in done.stderr and '"Army news"' in done.stderr
    beads, summary = read_run(tmp_path)
    assert [b["translation"] for b in beads] == ARTICLE  # no style, script, menu or footer
    assert [b["flag"] for b in beads] == [False, True, False, False]
    assert summary["translation"]["meta"] == {"format": "html", "title": "Army news", "date": "2024-05-02",
                                              "site": "Example News"}


def test_a_page_without_the_html_suffix_is_recognised_from_standard_input(tmp_path):
    pytest.importorskip("trafilatura", reason="reading web pages needs the html extra")
    done = compare(tmp_path, "-", "-q", stdin=PAGE)
    assert done.returncode == 0, done.stderr
    beads, summary = read_run(tmp_path)
    assert [b["translation"] for b in beads] == ARTICLE and summary["translation"]["path"] == "<stdin>"


def test_standard_input_as_text(tmp_path):
    done = compare(tmp_path, "-", "-q", stdin="\n".join(ARTICLE[1:]) + "\n")
    assert done.returncode == 0, done.stderr
    beads, summary = read_run(tmp_path)
    assert len(beads) == 3 and summary["translation"]["path"] == "<stdin>" and "meta" not in summary["translation"]


@pytest.mark.parametrize("args, stdin, message", [
    (["-"], "", "standard input is empty"),
    (["-", "--original", "-", "--original-lang", "de"], "Text.\n", "only one document can come from standard input"),
])
def test_bad_standard_input_gets_one_line(tmp_path, args, stdin, message):
    done = compare(tmp_path, *args, stdin=stdin)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_url_that_cannot_be_fetched_gets_one_line(tmp_path):
    pytest.importorskip("trafilatura", reason="reading web pages needs the html extra")
    done = compare(tmp_path, "http://127.0.0.1:9/news.html")
    assert done.returncode == 1 and "could not be fetched" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
