"""report.html without a browser: escaping, the word diff, the plot, and every bead shape."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from report_fixtures import ATTACK, FORWARD, SPA, aligned_run, hostile_run, round_trip_run

from toolkit.records import Reason
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
    # the reason's kind (a label, or the signal's own name) in an attribute, its name and technical detail as text
    assert 'data-kind="&quot;&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;"' in page
    assert "<code>&quot;&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt;</code>" in page
    assert "&lt;i&gt;technical&lt;/i&gt; &amp; &lt;/details&gt;" in page
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
    assert "4 of 6</strong> sentences flagged" in page  # 1-1, 1-0 and 0-1 beads: each one sentence
    assert run.summary["signature"] in page
    assert '<option value="numbers and dates">numbers and dates (1)</option>' in page  # plain labels


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
    # a wide drawing for a screen and a narrow one for a phone, CSS showing one of them
    assert '<img class="wide" src="data:image/png;base64,' in page
    assert '<img class="narrow" src="data:image/png;base64,' in page


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


def _bead_order(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="bead [^"]*" id="bead-(\d+)"', page)]


def test_flagged_beads_come_first_worst_first_then_the_rest_in_document_order():
    run = aligned_run()
    page = render_html(run.judgements, run.summary, plot=False)
    # critical 1, then the two major gaps (same divergence: document order), then minor 2; unflagged 0 and 5
    assert _bead_order(page) == [1, 3, 4, 2, 0, 5]
    assert '<option value="flagged">flagged first, worst first</option>' in page
    assert '<option value="document">document order</option>' in page  # one click away


def test_reasons_are_plain_sentences_on_flagged_beads_only():
    run = aligned_run()
    quiet = run.judgements[0]
    quiet.reasons = [Reason("entities", "the name Sochi here is in none of the machine translations", (22, 27),
                            "entities: Sochi in no rendering")]
    page = render_html(run.judgements, run.summary, plot=False)
    bead0 = page.split('id="bead-0"')[1].split("</article>")[0]
    bead1 = page.split('id="bead-1"')[1].split("</article>")[0]
    assert '<ul class="reasons">' not in bead0  # not flagged: no bullets that make it look suspect
    # ... its detail stays one click away, collapsed
    assert '<details class="signals"><summary>details: noticed, but not enough for a flag</summary>' in bead0
    assert "the name Sochi here is in none of the machine translations" in bead0
    # a flagged bead: the sentence first; the signal's name and technical detail only inside the toggle
    reasons, technical = bead1.split('<details class="signals">')
    assert "3,000 in the translation, 30,000 in every rendering" in reasons and "<code>" not in reasons
    assert "<code>numbers</code>" in technical and "<summary>technical detail</summary>" in technical


def test_many_reasons_show_a_few_and_keep_the_rest_one_click_away():
    run = aligned_run()
    run.judgements[1].reasons = [Reason("lexical_unsupported", f'"w{k}" is in none of the machine translations')
                                 for k in range(7)] + [Reason("lexical_unsupported",
                                                              '"w0" is in none of the machine translations')]
    page = render_html(run.judgements, run.summary, plot=False)
    reasons = page.split('id="bead-1"')[1].split('<details class="signals">')[0]
    assert reasons.count('<li class="reason"') == 7  # each said once
    assert "<summary>3 more</summary>" in reasons


def test_a_run_without_original_says_what_round_trips_cannot_see():
    alone = round_trip_run()
    page = render_html(alone.judgements, alone.summary, plot=False)
    assert 'id="scope"' in page and "--original" in page and "much stronger" in page
    aligned = aligned_run()
    assert 'id="scope"' not in render_html(aligned.judgements, aligned.summary, plot=False)


def test_the_signature_comes_after_the_findings():
    run = aligned_run()
    page = render_html(run.judgements, run.summary, plot=False)
    assert page.index('class="sig"') > page.index("</main>") > page.index('id="bead-5"')


def test_the_legend_is_written_from_the_severity_definitions():
    from toolkit import severity

    run = aligned_run()
    page = render_html(run.judgements, run.summary, plot=False)
    for kind in (k for k in severity.KINDS.values() if k.severity != severity.NONE):
        line = page.split(f'<span class="badge sev-{kind.severity}">{kind.severity}</span>')[1].split("</li>")[0]
        assert kind.reads in line  # e.g. "a number or date changed" under critical, where the code puts it
    assert severity.legend("critical").startswith(severity.MEANS["critical"])


def test_a_bead_that_is_not_flagged_has_nothing_underlined():
    run = aligned_run()
    run.judgements[0].reasons = [Reason("entities", "the name Sochi here is in none of the machine translations",
                                        (24, 29))]
    page = render_html(run.judgements, run.summary, plot=False)
    bead0 = page.split('id="bead-0"')[1].split("</article>")[0]
    assert not any("span" in labels.split() for labels in re.findall(r'<mark class="([^"]*)"', bead0))
    bead1 = page.split('id="bead-1"')[1].split("</article>")[0]  # flagged: its reason's span is underlined
    assert any("span" in labels.split() for labels in re.findall(r'<mark class="([^"]*)"', bead1))


def test_the_top_box_says_what_a_flag_means_in_this_mode_and_its_measured_rate(monkeypatch):
    from toolkit.report import mode

    rates = {"modes": {"rt2": {"sentences": 400, "flagged": 0.025, "critical": 0.0, "what": "two round trips"}}}
    monkeypatch.setattr(mode, "measured_rates", lambda: rates)
    alone = round_trip_run()
    page = render_html(alone.judgements, alone.summary, plot=False)
    box = page.split('id="flag-means">')[1].split("</p>")[0]
    assert mode.run_mode(alone.summary) == "rt2"  # two Apertium round trips, no original
    assert "2.5% flagged, 0.0% critical" in box and "never make a flag critical" in box
    one = {**alone.summary, "renderings": alone.summary["renderings"][:1]}
    assert mode.run_mode(one) == "rt1" and "not been measured" in mode.flag_meaning(one)
    aligned = aligned_run()
    assert mode.run_mode(aligned.summary) == "original"
    assert "not been measured" in mode.flag_meaning(aligned.summary)


def test_a_bead_flagged_by_a_check_shows_the_check_not_a_divergence_under_the_threshold():
    """The seed's damaged sentences are flagged by checks on the text itself at divergences near 0: the header
    names the check that raised the flag instead of a number that reads as "not flagged"."""
    from dataclasses import replace

    from toolkit.records import Reason

    run = round_trip_run()
    by_check = replace(run.judgements[1], flag=True, severity="major", divergence=0.02,
                       reasons=[Reason("lost_text", "text is lost where two sentences run together", (0, 10))])
    page = render_html([run.judgements[0], by_check], run.summary, plot=False)
    header = page.split('id="bead-1"')[1].split("</header>")[0]
    assert ">text lost</span>" in header and ">0.02</span>" not in header
    assert f'title="divergence 0.02, under the threshold {run.summary["threshold"]:g}' in header
    above = page.split('id="bead-0"')[1].split("</header>")[0]
    assert ">0.59</span>" in above  # a bead flagged by its divergence shows the number
