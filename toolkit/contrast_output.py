"""`toolkit contrast`'s printed forms of a Contrast record: the significance line, the text table and the TSV
rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .contrast import Contrast


ALPHA = 0.05  # the significance line says "drifts more" below this p-value, "no significant difference" above


def significance_line(pair: dict) -> str:
    """One pair's tests in words: both means, the difference with its 95% interval, both p-values, the reading."""
    d, ar, f = pair["divergence"], pair["divergence_ar"], pair["flagged_share"]
    low, high = d["delta_ci"]
    if d["p_value"] < ALPHA and ar["p_value"] < ALPHA:
        reading = f"{pair['b'] if d['delta'] > 0 else pair['a']} drifts more"
    else:
        reading = "no significant difference"
    return (
        f"{pair['a']} vs {pair['b']}: mean divergence {d['a']:.3f} vs {d['b']:.3f}, difference "
        f"{d['delta']:+.3f} [95% CI {low:+.3f}, {high:+.3f}], p = {d['p_value']:.3f} (bootstrap), "
        f"{ar['p_value']:.3f} (approximate randomisation); flagged {f['a']:.0%} vs {f['b']:.0%}, "
        f"p = {f['p_value']:.3f}: {reading}"
    )


def text_table(result: Contrast, top: int = 10, width: int = 70) -> str:
    """The terminal view: per system, pair by pair, then the lines where the systems differ most."""
    names, count = result.systems, len(result.lines)
    wide = max(6, *(len(n) for n in names))
    against = {
        "systems": "each other",
        "engines": "the engines' renderings",
        "both": "the engines' renderings and each other",
    }[result.summary["against"]]
    out = [
        f"{len(names)} translation{'s' if len(names) > 1 else ''} of {count} lines, judged against {against}",
        "",
        f"{'system':<{wide}}  {'mean div':>8}  {'flagged':>12}  {'minor':>5} {'major':>5} {'critical':>8}  "
        f"{'drifts most':>11}",
    ]
    for name in sorted(names, key=lambda n: result.overall[n]["mean_divergence"]):
        o = result.overall[name]
        flagged = f"{o['flagged']}/{count} ({o['flagged_share']:.0%})"
        out.append(
            f"{name:<{wide}}  {o['mean_divergence']:8.3f}  {flagged:>12}  {o['severity']['minor']:5d} "
            f"{o['severity']['major']:5d} {o['severity']['critical']:8d}  {o['drifts_most']:11d}"
        )
    if result.pairs:
        out += ["", "paired tests on the same lines:"] + [f"  {significance_line(p)}" for p in result.pairs]
    elif len(names) > 1:
        out += ["", "one line only: no significance test"]
    if len(names) == 1:  # nothing to contrast: its most divergent lines, as compare lists them
        rows = [
            {**line, "drifts_most": names[0]}
            for line in sorted(result.lines, key=lambda line: -line["systems"][names[0]]["divergence"])
        ]
        heading = "the most divergent lines (* flagged):"
    else:
        rows = sorted((line for line in result.lines if line["drifts_most"]), key=lambda line: -line["spread"])
        heading = "lines where one translation drifts most (* flagged):"
    if rows:
        out += [
            "",
            heading,
            f"{'line':>4}  "
            + "  ".join(f"{n[:wide]:>{max(6, len(n[:wide]))}}" for n in names)
            + ("  drifts most: its text" if len(names) > 1 else "  text"),
        ]
        for line in rows[:top]:
            cells = []
            for n in names:
                v = line["systems"][n]
                cells.append(f"{v['divergence']:.2f}{'*' if v['flag'] else ' '}".rjust(max(6, len(n[:wide]))))
            text = line["systems"][line["drifts_most"]]["translation"]
            text = text if len(text) <= width else text[: width - 1] + "…"
            who = f"{line['drifts_most']}: " if len(names) > 1 else ""
            out.append(f"{line['line']:>4}  " + "  ".join(cells) + f"  {who}{text}")
        if len(rows) > top:
            out.append(f"... and {len(rows) - top} more (--top N shows more; --format json has every line)")
    else:
        out += ["", "no line where one translation drifts clearly more than the others"]
    out += [f"note: {n}" for n in result.summary.get("notes", [])]
    return "\n".join(out)


def _cell(text: str) -> str:
    return " ".join(str(text).split())  # a tab or newline inside a text would break the columns


def tsv_lines(result: Contrast) -> list[str]:
    """One row per line and system, with a header: for spreadsheets, pandas and awk."""
    rows = ["line\tsystem\tdivergence\tflag\tseverity\tdrifts_most\treasons\ttranslation"]
    for line in result.lines:
        for name in result.systems:
            v = line["systems"][name]
            rows.append(
                "\t".join(
                    [
                        str(line["line"]),
                        _cell(name),
                        f"{v['divergence']:.4f}",
                        str(v["flag"]).lower(),
                        v["severity"],
                        str(line["drifts_most"] == name).lower(),
                        ",".join(dict.fromkeys(r["signal"] for r in v["reasons"])),
                        _cell(v["translation"]),
                    ]
                )
            )
    return rows
