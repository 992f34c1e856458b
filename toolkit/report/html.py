"""report.html: one self-contained page (inline CSS and JS, the plot as a data: URI, nothing fetched).

Everything printed comes from the run, i.e. from documents and engines nobody vetted, so every piece of text
and every attribute goes through html.escape, and the one JSON block is escaped for a <script> element. The page
is complete without JavaScript (every bead shown, in document order); the script only adds filtering, sorting
and keyboard navigation on top, reading the data-* attributes written here.
"""
from __future__ import annotations

import base64
import json
from html import escape
from importlib import resources
from typing import Mapping, Optional, Sequence

from ..records import Judgement
from .diff import Span, closest, word_diff

SEVERITIES = ("none", "minor", "major", "critical")
SEVERITY_HELP = {
    "none": "not flagged: the translation says what the engines say",
    "minor": "flagged: wording drifts, the meaning may have shifted",
    "major": "flagged: likely a changed meaning, or a sentence without counterpart",
    "critical": "flagged: the meaning changed (e.g. a number or a negation)",
}
KINDS = {"forward": "forward", "back": "back", "round-trip": "round trip"}


def render_html(judgements: Sequence[Judgement], summary: Mapping, plot: bool = True) -> str:
    """The whole page. plot=False leaves the matplotlib figure out (it takes about a second to draw)."""
    title = f"Divergence report: {_document_name(summary)}"
    body = [
        _summary(judgements, summary),
        _plot(judgements, summary) if plot else "",
        _legend(),
        _controls(judgements),
        '<main id="beads">',
        *(_bead(j, summary) for j in judgements),
        "</main>" if judgements else '<p class="empty">This run has no beads.</p></main>',
        _help(),
        _json_script("run-summary", summary),
        f"<script>{_asset('report.js')}</script>",
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_asset('report.css')}</style></head>\n<body>\n"
        + "\n".join(part for part in body if part) + "\n</body></html>\n"
    )


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _json_script(element_id: str, value) -> str:
    """JSON inside <script>: <, > and & as \\u escapes, so no string in it can close the element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return f'<script type="application/json" id="{escape(element_id)}">{text}</script>'


# --- top of the page: what was compared, how much was flagged, and the signature ---

def _document_name(summary: Mapping) -> str:
    return str((summary.get("translation") or {}).get("path") or "translation")


def _side(info: Optional[Mapping], what: str) -> str:
    if not info:
        return f"<dt>{what}</dt><dd>not available: judged by round trips alone</dd>"
    sentences = info.get("sentences")
    counted = f", {escape(str(sentences))} sentences" if sentences is not None else ""
    return (f"<dt>{what}</dt><dd><code>{escape(str(info.get('path') or '-'))}</code> "
            f"({escape(str(info.get('lang') or '?'))}{counted})</dd>")


def _summary(judgements: Sequence[Judgement], summary: Mapping) -> str:
    flagged = sum(j.flag for j in judgements)
    badges = " ".join(
        f'<span class="badge sev-{s}">{s} {sum(j.severity == s for j in judgements)}</span>'
        for s in SEVERITIES[1:])
    renderings = "".join(
        f"<li><code>{escape(str(r.get('name', '')))}</code></li>" for r in summary.get("renderings") or [])
    details = [
        _side(summary.get("translation"), "translation"),
        _side(summary.get("original"), "original"),
        f"<dt>renderings</dt><dd><ul>{renderings}</ul></dd>" if renderings else "",
        f"<dt>created</dt><dd>{escape(str(summary['created']))}</dd>" if summary.get("created") else "",
    ]
    threshold = summary.get("threshold")
    return (
        '<header class="top"><h1>Where did this translation change the meaning?</h1>'
        f'<p class="counts"><strong>{flagged} of {len(judgements)}</strong> beads flagged {badges}'
        + (f' <span class="muted">threshold {escape(str(threshold))}</span>' if threshold is not None else "")
        + f'</p><dl class="facts">{"".join(details)}</dl>'
        f'<p class="sig-label">signature</p><code class="sig">{escape(str(summary.get("signature", "")))}</code>'
        "</header>"
    )


def _plot(judgements: Sequence[Judgement], summary: Mapping) -> str:
    from .plot import divergence_plot

    if not judgements:
        return ""
    plot = divergence_plot(judgements, summary.get("threshold"))
    if plot is None:
        return '<p class="muted">No plot: matplotlib is not installed (pip install "toolkit[report]").</p>'
    data = base64.b64encode(plot.png).decode("ascii")
    geometry = " ".join(f'data-{name}="{value:.6f}"' for name, value in zip(
        ("left", "bottom", "right", "top", "xmin", "xmax", "ymin", "ymax"), (*plot.axes, *plot.xlim, *plot.ylim)))
    return (
        f'<figure class="plot"><img src="data:image/png;base64,{data}" {geometry} '
        'alt="Divergence of each bead along the document, flagged beads marked by severity">'
        "<figcaption>Divergence along the document; coloured dots are flagged beads, the dashed line is the "
        "threshold. Click or tap a point to jump to its bead.</figcaption></figure>"
    )


def _legend() -> str:
    severities = "".join(f'<li><span class="badge sev-{s}">{s}</span> {escape(SEVERITY_HELP[s])}</li>'
                         for s in SEVERITIES)
    return (
        '<details class="legend" id="legend" open><summary>How to read this</summary><ul>' + severities
        + '<li><mark class="chg">words</mark> in the translation (or original) that the closest rendering does '
        "not have</li>"
        '<li><mark class="alt">words</mark> in a rendering that the text it renders does not have</li>'
        '<li><mark class="span">underlined</mark> the stretch a signal pointed at</li>'
        "<li>&#9733; the closest rendering, the one the highlights compare with</li>"
        "<li>A rendering is an MT engine's own version: <i>forward</i> translates the original, <i>back</i> "
        "translates the translation back, <i>round trip</i> translates it there and back again.</li>"
        "</ul></details>"
    )


def _controls(judgements: Sequence[Judgement]) -> str:
    if not judgements:
        return ""
    severities = "".join(
        f'<label class="chip sev-{s}"><input type="checkbox" name="severity" value="{s}" checked> '
        f"{s} ({sum(j.severity == s for j in judgements)})</label>" for s in SEVERITIES)
    counts: dict[str, int] = {}
    for j in judgements:
        for signal in dict.fromkeys(r.signal for r in j.reasons):
            counts[signal] = counts.get(signal, 0) + 1
    reasons = "".join(f'<option value="{escape(name)}">{escape(name)} ({count})</option>'
                      for name, count in sorted(counts.items()))
    # Hidden until the script runs: without JavaScript these controls could do nothing.
    return (
        '<nav id="controls" class="controls" aria-label="filter, sort and move between flags" hidden>'
        f'<fieldset><legend>severity</legend>{severities}</fieldset>'
        '<label>reason <select id="reason"><option value="">any</option>' + reasons + "</select></label>"
        '<label>sort <select id="sort"><option value="document">document order</option>'
        '<option value="divergence">divergence, highest first</option></select></label>'
        '<span class="move"><button type="button" id="prev" title="previous flag (k or p)">&#9664; flag</button>'
        '<button type="button" id="next" title="next flag (j or n)">flag &#9654;</button></span>'
        '<output id="shown" aria-live="polite"></output>'
        "</nav>"
    )


def _help() -> str:
    return (
        '<aside id="keys" class="keys" hidden><p><b>Keys</b>: <kbd>j</kbd> or <kbd>n</kbd> next flag, '
        "<kbd>k</kbd> or <kbd>p</kbd> previous flag, <kbd>?</kbd> this help, <kbd>Esc</kbd> close.</p></aside>"
    )


# --- one bead ---

def marked(text: str, marks: Mapping[str, Sequence[Span]]) -> str:
    """The text escaped, with every labelled span wrapped in <mark class="label ...">.

    Spans of different labels may overlap (a reason's span across a changed word): the text is cut at every
    span boundary and each piece carries all the labels that cover it. Spans outside the text are clipped.
    """
    size = len(text)
    clipped = {label: [(max(0, s), min(size, e)) for s, e in spans if min(size, e) > max(0, s)]
               for label, spans in marks.items()}
    cuts = sorted({0, size, *(point for spans in clipped.values() for span in spans for point in span)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        labels = [label for label, spans in clipped.items() if any(s <= start and end <= e for s, e in spans)]
        piece = escape(text[start:end])
        pieces.append(f'<mark class="{escape(" ".join(labels))}">{piece}</mark>' if labels else piece)
    return "".join(pieces)


def _text(role: str, heading: str, text: str, marks: Mapping[str, Sequence[Span]], empty: str) -> str:
    body = f'<p class="text">{marked(text, marks)}</p>' if text else f'<p class="text absent">{escape(empty)}</p>'
    return f'<section class="{role}"><h3>{escape(heading)}</h3>{body}</section>'


def _renderings(j: Judgement, best: Optional[str], best_back: Optional[str]) -> str:
    items = []
    for r in j.renderings:
        reference = j.original if r.kind == "back" else j.translation
        added = word_diff(reference, r.text).added if reference else []
        is_closest = r.name in (best, best_back)
        tag_text = " · ".join(t for t in [KINDS.get(r.kind, "")] + (["closest"] if is_closest else []) if t)
        items.append(
            f'<div class="rendering{" closest" if is_closest else ""}">'
            f'<h4 title="{escape(r.name)}">{escape(r.label or r.engine)} <small>{escape(tag_text)}</small></h4>'
            f'<p class="text">{marked(r.text, {"alt": added})}</p></div>'
        )
    if not items:
        items.append('<p class="text absent">no rendering for this bead</p>')
    return '<section class="renderings"><h3>renderings</h3>' + "".join(items) + "</section>"


def _reasons(j: Judgement) -> str:
    if not j.reasons:
        return ""
    items = "".join(f'<li class="reason" data-signal="{escape(r.signal)}"><b>{escape(r.signal)}</b> '
                    f"{escape(r.detail)}</li>" for r in j.reasons)
    return f'<ul class="reasons">{items}</ul>'


def _signals(j: Judgement) -> str:
    if not j.signals:
        return ""
    rows = "".join(f'<tr><th scope="row">{escape(name)}</th><td>{value:.4g}</td></tr>'
                   for name, value in j.signals.items())
    return f'<details class="signals"><summary>signals</summary><table>{rows}</table></details>'


def _ids(label: str, ids: Sequence[int]) -> str:
    return f"{label} [{', '.join(str(int(i)) for i in ids)}]"


def _bead(j: Judgement, summary: Mapping) -> str:
    severity = j.severity if j.severity in SEVERITIES else "none"
    same, back = j.rendering_texts(), j.rendering_texts(back=True)
    chrf = {r.name: r.scores["chrf"] for r in j.renderings if "chrf" in r.scores}
    best = closest(j.translation, same, chrf) if j.translation else None
    best_back = closest(j.original, back, chrf) if j.original else None
    aligned = bool(summary.get("original")) or bool(j.original_ids)
    translation_marks = {
        "chg": word_diff(j.translation, same[best]).removed if best else [],
        "span": [r.translation_span for r in j.reasons if r.translation_span],
    }
    t_lang = (summary.get("translation") or {}).get("lang")
    o_lang = (summary.get("original") or {}).get("lang")
    texts = []
    if aligned:
        original_marks = {"chg": word_diff(j.original, back[best_back]).removed if best_back else []}
        texts.append(_text("original", "original" + (f" ({o_lang})" if o_lang else ""), j.original,
                           original_marks, "nothing in the original: the translation added this"))
    texts.append(_text("translation", "translation" + (f" ({t_lang})" if t_lang else ""), j.translation,
                       translation_marks, "nothing in the translation: this was left out"))
    texts.append(_renderings(j, best, best_back))
    ids = _ids("translation", j.translation_ids) + (" · " + _ids("original", j.original_ids) if aligned else "")
    width = max(0.0, min(1.0, j.divergence)) * 100
    return (
        f'<article class="bead sev-{severity}" id="bead-{int(j.bead)}" tabindex="-1" data-bead="{int(j.bead)}" '
        f'data-divergence="{j.divergence:.6f}" data-severity="{severity}" data-flag="{int(bool(j.flag))}">'
        f'<header><a class="anchor" href="#bead-{int(j.bead)}">bead {int(j.bead)}</a>'
        f'<span class="badge sev-{severity}">{"not flagged" if severity == "none" else severity}</span>'
        f'<span class="divergence" title="divergence"><span class="bar"><span style="width:{width:.1f}%">'
        f"</span></span>{j.divergence:.2f}</span>"
        f'<span class="ids">{escape(ids)}</span></header>'
        + _reasons(j)
        + f'<div class="texts{" aligned" if aligned else ""}">' + "".join(texts) + "</div>"
        + _signals(j) + "</article>"
    )
