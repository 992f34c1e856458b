"""report.html: one self-contained page; every piece of text goes through html.escape."""
from __future__ import annotations

from html import escape

from .records import Judgement

_CSS = """
body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:70rem;padding:0 1rem;line-height:1.4;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top}
th{text-align:left}.sig{font-family:monospace;font-size:.8rem;word-break:break-all;color:#555}
.none{background:#fff}.minor{background:#fff6d5}.major{background:#ffe0c2}.critical{background:#ffc9c9}
.r{color:#555;font-size:.9rem}.num{text-align:right;font-variant-numeric:tabular-nums}
"""


def render_html(judgements: list[Judgement], summary: dict) -> str:
    e = escape
    rows = []
    for j in judgements:
        renderings = "".join(f"<div class=r><b>{e(name.split('|')[0])}</b>: {e(text)}</div>"
                             for name, text in j.renderings.items())
        reasons = "".join(f"<li>{e(r.signal)}: {e(r.detail)}</li>" for r in j.reasons)
        rows.append(
            f"<tr class='{e(j.severity)}'><td class=num>{j.bead}</td><td class=num>{j.divergence:.2f}</td>"
            f"<td>{e(j.severity)}</td><td>{e(j.original)}</td><td>{e(j.translation)}{renderings}</td>"
            f"<td><ul>{reasons}</ul></td></tr>"
        )
    flagged, total = summary.get("flagged", 0), summary.get("beads", len(judgements))
    title = e(str((summary.get("translation") or {}).get("path") or "translation"))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>Divergence report: {title}</title><style>{_CSS}</style></head><body>"
        f"<h1>Where did this translation change the meaning?</h1><p>{title}: {flagged} of {total} beads flagged "
        f"(threshold {e(str(summary.get('threshold')))}).</p>"
        f"<p class=sig>{e(str(summary.get('signature', '')))}</p>"
        "<table><thead><tr><th>#</th><th>div</th><th>severity</th><th>original</th>"
        "<th>translation and renderings</th><th>reasons</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table></body></html>\n"
    )
