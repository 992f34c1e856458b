"""report.html: one self-contained page (inline CSS and JS, the plot as a data: URI, nothing fetched).

Everything printed comes from the run, i.e. from documents and engines nobody vetted, so every piece of text
and every attribute goes through html.escape, and the one JSON block is escaped for a <script> element. The page
is complete without JavaScript (every bead shown, the flagged ones first, worst first); the script only adds
filtering, sorting (document order is one click away) and keyboard navigation on top, reading the data-*
attributes written here.

It is written for a reader who knows nothing of the toolkit: a flagged bead shows its reasons as plain
sentences, and the technical detail (which signal, its value and weight, every signal measured) sits behind a
toggle; a bead that is not flagged shows no reasons at all, only that toggle. The severities' legend is written
from toolkit/severity.py, the definitions the verdicts are made from. What a run could see (round trips only,
or an original) is said at the top; how it was made (engines, signature) at the bottom.
"""

from __future__ import annotations

import base64
import json
from html import escape
from importlib import resources
from typing import Mapping, Optional, Sequence

from .. import severity as severities
from ..records import Judgement, Reason
from .diff import Span, closest, word_diff
from .labels import label
from .mode import flag_meaning

SEVERITIES = severities.ORDER
SEVERITY_HELP = {s: severities.legend(s) for s in SEVERITIES}
KINDS = {"forward": "forward", "back": "back", "round-trip": "round trip"}
SHOWN_REASONS = 4  # a flagged bead's reasons shown at once; the rest one click away
ROUND_TRIPS_ONLY = (
    "Judged without the original: each sentence was compared with machine round trips (into another language "
    "and back). They show where the text itself is damaged or reads oddly, but they copy most of a translator's "
    "mistakes faithfully, so a wrong number, a dropped negation or a missing sentence can pass unseen. Give "
    "the original (--original FILE --original-lang LANG) to make the judgement much stronger."
)


def reading_order(judgements: Sequence[Judgement]) -> list[Judgement]:
    """Flagged beads first, the worst first (severity, then divergence), then the rest in document order."""
    return severities.worst_first(judgements) + [j for j in judgements if not j.flag]


def render_html(judgements: Sequence[Judgement], summary: Mapping, plot: bool = True) -> str:
    """The whole page. plot=False leaves the matplotlib figure out (it takes about a second to draw)."""
    title = f"Divergence report: {_document_name(summary)}"
    body = [
        _summary(judgements, summary),
        _plot(judgements, summary) if plot else "",
        _legend(),
        _controls(judgements),
        '<main id="beads">',
        *(_bead(j, summary) for j in reading_order(judgements)),
        "</main>" if judgements else '<p class="empty">This run has no beads.</p></main>',
        _made(summary),
        _help(),
        _json_script("run-summary", summary),
        f"<script>{_asset('report.js')}</script>",
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_asset('report.css')}</style></head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body></html>\n"
    )


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _json_script(element_id: str, value) -> str:
    """JSON inside <script>: <, > and & as \\u escapes, so no string in it can close the element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    for char, code in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
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
    return (
        f"<dt>{what}</dt><dd><code>{escape(str(info.get('path') or '-'))}</code> "
        f"({escape(str(info.get('lang') or '?'))}{counted})</dd>"
    )


def _summary(judgements: Sequence[Judgement], summary: Mapping) -> str:
    flagged = sum(j.flag for j in judgements)
    badges = " ".join(
        f'<span class="badge sev-{s}">{s} {sum(j.severity == s for j in judgements)}</span>' for s in SEVERITIES[1:]
    )
    details = [_side(summary.get("translation"), "translation"), _side(summary.get("original"), "original")]
    threshold = summary.get("threshold")
    # a run of a translation alone (no original in the summary) says what round trips can and cannot see
    scope = "" if summary.get("original") else f'<p class="scope" id="scope">{escape(ROUND_TRIPS_ONLY)}</p>'
    scope += f'<p class="scope" id="flag-means">{escape(flag_meaning(summary))}</p>'
    return (
        '<header class="top"><h1>Where did this translation change the meaning?</h1>'
        f'<p class="counts"><strong>{flagged} of {len(judgements)}</strong> {_units(judgements)} flagged {badges}'
        + (f' <span class="muted">threshold {escape(str(threshold))}</span>' if threshold is not None else "")
        + f'</p>{scope}<dl class="facts">{"".join(details)}</dl></header>'
    )


def _units(judgements: Sequence[Judgement]) -> str:
    """What is counted, in the reader's word: sentences, unless the aligner joined some into one bead."""
    single = all(len(j.translation_ids) <= 1 and len(j.original_ids) <= 1 for j in judgements)
    return "sentences" if single else "beads (aligned sentences)"


def _made(summary: Mapping) -> str:
    """How the run was made, below the findings: the renderings, when, and the signature."""
    renderings = "".join(
        f"<li><code>{escape(str(r.get('name', '')))}</code></li>" for r in summary.get("renderings") or []
    )
    details = [
        f"<dt>renderings</dt><dd><ul>{renderings}</ul></dd>" if renderings else "",
        f"<dt>created</dt><dd>{escape(str(summary['created']))}</dd>" if summary.get("created") else "",
    ]
    return (
        '<footer class="made" id="made"><h2>How this run was made</h2>'
        f'<dl class="facts">{"".join(details)}</dl>'
        f'<p class="sig-label">signature</p><code class="sig">{escape(str(summary.get("signature", "")))}</code>'
        "</footer>"
    )


def _plot(judgements: Sequence[Judgement], summary: Mapping) -> str:
    from .plot import divergence_plot

    if not judgements:
        return ""
    # Two drawings of the same plot: a wide one for a screen, and a narrow one with its legend below for a
    # phone (the wide one, shrunk to 390 px, had unreadable labels; made to pan, it lost its legend); CSS
    # shows one of them.
    images = []
    for shape in ("wide", "narrow"):
        plot = divergence_plot(judgements, summary.get("threshold"), narrow=shape == "narrow")
        if plot is None:
            return '<p class="muted">No plot: matplotlib is not installed (pip install "toolkit[report]").</p>'
        data = base64.b64encode(plot.png).decode("ascii")
        geometry = " ".join(
            f'data-{name}="{value:.6f}"'
            for name, value in zip(
                ("left", "bottom", "right", "top", "xmin", "xmax", "ymin", "ymax"), (*plot.axes, *plot.xlim, *plot.ylim)
            )
        )
        images.append(
            f'<img class="{shape}" src="data:image/png;base64,{data}" {geometry} '
            'alt="Divergence of each bead along the document, flagged beads marked by severity">'
        )
    return (
        '<figure class="plot">'
        + "".join(images)
        + "<figcaption>Divergence along the document; coloured dots are flagged beads, the dashed line is the "
        "threshold. Click or tap a point to jump to its bead.</figcaption></figure>"
    )


def _legend() -> str:
    severities = "".join(
        f'<li><span class="badge sev-{s}">{s}</span> {escape(SEVERITY_HELP[s])}</li>' for s in SEVERITIES
    )
    return (
        '<details class="legend" id="legend" open><summary>How to read this</summary><ul>'
        + severities
        + '<li><mark class="chg">words</mark> in the translation (or original) that the closest machine '
        "translation does not have</li>"
        '<li><mark class="alt">words</mark> in a machine translation that the text it renders does not have</li>'
        '<li><mark class="span">underlined</mark> the words a reason points at</li>'
        "<li>&#9733; the closest machine translation, the one the highlights compare with</li>"
        "<li>A machine translation (a <i>rendering</i>) is an MT engine's own version of the sentence: "
        "<i>forward</i> translates the original, <i>back</i> translates the translation back, <i>round trip</i> "
        "translates the translation into another language and back again.</li>"
        "<li>The <i>divergence</i> (0 to 1) is how likely the meaning differs from what the machine translations "
        "say; a flag asks for a reader, it does not prove an error.</li>"
        "</ul></details>"
    )


def _controls(judgements: Sequence[Judgement]) -> str:
    if not judgements:
        return ""
    severities = "".join(
        f'<label class="chip sev-{s}"><input type="checkbox" name="severity" value="{s}" checked> '
        f"{s} ({sum(j.severity == s for j in judgements)})</label>"
        for s in SEVERITIES
    )
    counts: dict[str, int] = {}  # {label: flagged beads with a reason of that kind}: what a reader can see
    for j in judgements:
        for kind in dict.fromkeys(label(r.signal) for r in j.reasons if j.flag):
            counts[kind] = counts.get(kind, 0) + 1
    reasons = "".join(
        f'<option value="{escape(kind)}">{escape(kind)} ({count})</option>' for kind, count in sorted(counts.items())
    )
    # Hidden until the script runs: without JavaScript these controls could do nothing.
    return (
        '<nav id="controls" class="controls" aria-label="filter, sort and move between flags" hidden>'
        f"<fieldset><legend>severity</legend>{severities}</fieldset>"
        '<label>reason <select id="reason"><option value="">any</option>' + reasons + "</select></label>"
        '<label>order <select id="sort"><option value="flagged">flagged first, worst first</option>'
        '<option value="document">document order</option>'
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
    clipped = {
        label: [(max(0, s), min(size, e)) for s, e in spans if min(size, e) > max(0, s)]
        for label, spans in marks.items()
    }
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
        items.append('<p class="text absent">no machine translation for this bead</p>')
    return '<section class="renderings"><h3>machine translations</h3>' + "".join(items) + "</section>"


def _reason(r: Reason) -> str:
    return f'<li class="reason" data-kind="{escape(label(r.signal))}">{escape(r.detail)}</li>'


def _reasons(j: Judgement) -> str:
    """A flagged bead's reasons as plain sentences, each said once; past SHOWN_REASONS, one click away.
    A bead that is not flagged has none here: its detail stays in the technical toggle."""
    said = list({r.detail: r for r in j.reasons}.values()) if j.flag else []
    if not said:
        return ""
    shown = "".join(_reason(r) for r in said[:SHOWN_REASONS])
    more = said[SHOWN_REASONS:]
    rest = (
        (
            f'<li class="more"><details><summary>{len(more)} more</summary><ul>'
            + "".join(_reason(r) for r in more)
            + "</ul></details></li>"
        )
        if more
        else ""
    )
    return f'<ul class="reasons">{shown}{rest}</ul>'


def _technical(j: Judgement) -> str:
    """Behind a toggle: every reason with its signal and technical detail, and every signal measured."""
    if not j.signals and not j.reasons:
        return ""
    reasons = "".join(
        f"<li><code>{escape(r.signal)}</code> {escape(r.detail)}"
        + (f'<br><span class="muted">{escape(r.technical)}</span>' if r.technical else "")
        + "</li>"
        for r in j.reasons
    )
    rows = "".join(
        f'<tr><th scope="row">{escape(name)}</th><td>{value:.4g}</td></tr>' for name, value in j.signals.items()
    )
    what = "technical detail" if j.flag else ("details: noticed, but not enough for a flag" if j.reasons else "details")
    return (
        f'<details class="signals"><summary>{what}</summary>'
        + (f'<ul class="technical">{reasons}</ul>' if reasons else "")
        + (f"<table>{rows}</table>" if rows else "")
        + "</details>"
    )


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
        # only a flag's reasons are underlined: on a bead that is not flagged they would make it look suspect
        "span": [r.translation_span for r in j.reasons if r.translation_span] if j.flag else [],
    }
    t_lang = (summary.get("translation") or {}).get("lang")
    o_lang = (summary.get("original") or {}).get("lang")
    texts = []
    if aligned:
        original_marks = {"chg": word_diff(j.original, back[best_back]).removed if best_back else []}
        texts.append(
            _text(
                "original",
                "original" + (f" ({o_lang})" if o_lang else ""),
                j.original,
                original_marks,
                "nothing in the original: the translation added this",
            )
        )
    texts.append(
        _text(
            "translation",
            "translation" + (f" ({t_lang})" if t_lang else ""),
            j.translation,
            translation_marks,
            "nothing in the translation: this was left out",
        )
    )
    texts.append(_renderings(j, best, best_back))
    ids = _ids("translation", j.translation_ids) + (" · " + _ids("original", j.original_ids) if aligned else "")
    width = max(0.0, min(1.0, j.divergence)) * 100
    threshold = summary.get("threshold")
    if j.flag and j.reasons and isinstance(threshold, (int, float)) and j.divergence < threshold:
        # raised by a check, not by the divergence: a number under the threshold would say "not flagged"
        score = (
            f'<span class="divergence by-check" title="divergence {j.divergence:.2f}, under the threshold '
            f'{threshold:g}: this flag comes from the check named">{escape(label(j.reasons[0].signal))}</span>'
        )
    else:
        score = (
            f'<span class="divergence" title="divergence"><span class="bar"><span style="width:{width:.1f}%">'
            f"</span></span>{j.divergence:.2f}</span>"
        )
    return (
        f'<article class="bead sev-{severity}" id="bead-{int(j.bead)}" tabindex="-1" data-bead="{int(j.bead)}" '
        f'data-divergence="{j.divergence:.6f}" data-severity="{severity}" data-flag="{int(bool(j.flag))}">'
        f'<header><a class="anchor" href="#bead-{int(j.bead)}">bead {int(j.bead)}</a>'
        f'<span class="badge sev-{severity}">{"not flagged" if severity == "none" else severity}</span>'
        + score
        + f'<span class="ids">{escape(ids)}</span></header>'
        + _reasons(j)
        + f'<div class="texts{" aligned" if aligned else ""}">'
        + "".join(texts)
        + "</div>"
        + _technical(j)
        + "</article>"
    )
