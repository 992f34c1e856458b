"""report.html without a browser: escaping, the word diff, the plot, and every bead shape."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from report_fixtures import ATTACK, FORWARD, SPA, aligned_run, hostile_run, round_trip_run

from toolkit.report import render_html
from toolkit.report.diff import closest, word_diff
from toolkit.report.html import marked
from toolkit.report.plot import divergence_png


class _Page(HTMLParser):
    """Collects script elements and the attributes of every tag, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.tags: list[tuple[str, dict]] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_word_diff_marks_the_changed_words_only():
    a, b = "He paid 2,000 euros to the army.", "he paid 1.000 Euros to an army!"
    diff = word_diff(a, b)
    assert [a[s:e] for s, e in diff.removed] == ["2,000", "the"]
    assert [b[s:e] for s, e in diff.added] == ["1.000", "an"]  # case and punctuation are not changes
    assert word_diff("", "").similarity == 1.0
    assert word_diff("one two", "").removed == [(0, 7)]


def test_closest_prefers_the_runs_own_chrf_and_falls_back_to_word_similarity():
    candidates = {"a": "x y", "b": "x y z"}
    assert closest("x y z", candidates) == "b"
    assert closest("x y z", candidates, {"a": 90.0, "b": 10.0}) == "a"
    assert closest("x", {"a": ""}) is None


def test_marked_escapes_each_piece_and_nests_overlapping_labels():
    html = marked("<b> & x", {"chg": [(0, 3)], "span": [(2, 7), (50, 60)]})
    assert html == '<mark class="chg">&lt;b</mark><mark class="chg span">&gt;</mark><mark class="span"> &amp; x</mark>'


def test_hostile_text_is_escaped_everywhere():
    run = hostile_run()
    page = render_html(run.judgements, run.summary, plot=False)
    parsed = _parse(page)
    # exactly the two scripts the generator writes: the JSON summary and the page's own code
    assert [attrs.get("type") for attrs, _ in parsed.scripts] == ["application/json", None]
    assert "__pwned" not in parsed.scripts[1][1]
    assert not any(name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    assert not any(tag == "img" for tag, _ in parsed.tags)
    assert "&lt;b&gt;detail&lt;/b&gt; &amp; &lt;/li&gt;" in page and "&#x27;single&#x27;" in page
    assert 'data-signal="&quot;&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;"' in page
    summary_json = parsed.scripts[0][1]
    assert "<" not in summary_json and ">" not in summary_json and "&" not in summary_json
    assert json.loads(summary_json) == json.loads(json.dumps(run.summary))
    assert f"{ATTACK}.txt" == json.loads(summary_json)["translation"]["path"]


def test_aligned_report_shows_every_bead_shape():
    run = aligned_run()
    page = render_html(run.judgements, run.summary, plot=False)
    assert len(re.findall(r'<article class="bead ', page)) == len(run.judgements)
    assert 'data-severity="critical" data-flag="1"' in page
    assert "nothing in the translation: this was left out" in page  # omission (1-0)
    assert "nothing in the original: the translation added this" in page  # addition (0-1)
    # the changed number is marked in the translation, inside the reason's span
    assert '<mark class="chg span">3,000</mark>' in page
    assert "4 of 6</strong> beads flagged" in page
    assert run.summary["signature"] in page
    assert '<option value="numbers">numbers (1)</option>' in page


def test_round_trip_report_has_no_original_column_and_names_the_closest_rendering():
    run = round_trip_run()
    page = render_html(run.judgements, run.summary, plot=False)
    assert 'class="original"' not in page
    assert "not available: judged by round trips alone" in page
    bead0 = page[page.index('id="bead-0"'):page.index('id="bead-1"')]
    assert f'<div class="rendering closest"><h4 title="{SPA}">apertium:eng-spa' in bead0


def test_plot_is_a_png_embedded_as_a_data_uri():
    run = aligned_run()
    png = divergence_png(run.judgements, 0.55)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert png == divergence_png(run.judgements, 0.55)  # no timestamps: same run, same bytes
    page = render_html(run.judgements, run.summary)
    assert '<img src="data:image/png;base64,' in page


def test_page_is_self_contained():
    run = aligned_run()
    page = render_html(run.judgements, run.summary, plot=False)
    for tag, attrs in _parse(page).tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value or value.startswith(("#", "data:")), (tag, name, value)
    assert "http://" not in page and "https://" not in page and "@import" not in page


def test_empty_run_renders():
    page = render_html([], {"signature": "s", "translation": {"path": "x", "lang": "en"}}, plot=True)
    assert "This run has no beads." in page and 'id="controls"' not in page


def test_forward_rendering_name_is_shortened_with_the_full_signature_in_a_tooltip():
    run = aligned_run()
    page = render_html(run.judgements, run.summary, plot=False)
    assert f'<h4 title="{FORWARD}">file:mt.en.txt <small>forward · closest</small></h4>' in page
