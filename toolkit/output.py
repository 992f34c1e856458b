"""Writing a run folder: beads.jsonl (one Judgement per line), summary.json and report.html."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ToolkitError
from .records import Judgement, Run
from .schema import from_json, to_json


def write_run(run: Run, out_dir: str | Path) -> Path:
    """beads.jsonl, summary.json and report.html of the run in out_dir (made if needed)."""
    from .report import render_html
    from .writable import check_folder

    out_dir = check_folder(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with open(out_dir / "beads.jsonl", "w", encoding="utf-8") as handle:
            for judgement in run.judgements:
                handle.write(json.dumps(to_json(judgement), ensure_ascii=False) + "\n")
        (out_dir / "summary.json").write_text(
            json.dumps(run.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (out_dir / "report.html").write_text(render_html(run.judgements, run.summary), encoding="utf-8")
    except OSError as err:  # a full disk: the renderings are in the cache, so a rerun costs little
        raise ToolkitError(f"writing the run into {out_dir} failed: {err.strerror}") from None
    return out_dir


def read_run(run_dir: str | Path) -> tuple[list[Judgement], dict]:
    run_dir = Path(run_dir)
    beads, summary = run_dir / "beads.jsonl", run_dir / "summary.json"
    if not beads.exists() or not summary.exists():
        raise ToolkitError(
            f"{run_dir} is not a run folder: it needs beads.jsonl and summary.json "
            "(made by `toolkit compare ... --out DIR`)"
        )
    try:
        judgements = [
            from_json(json.loads(line)) for line in beads.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        return judgements, json.loads(summary.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as err:
        raise ToolkitError(f"{run_dir}: unreadable run files ({err})") from None


def top_table(judgements: list[Judgement], count: int = 10, width: int = 90) -> str:
    """The flagged beads, worst first (as the report shows them), as a plain-text table for the terminal, each
    with its first reason in plain words: at most `count` rows, then how many more are flagged. With nothing
    flagged, the three closest calls, said as such."""
    from .severity import worst_first

    flagged = worst_first(judgements)
    if flagged:
        rows, head = flagged[:count], f"{len(flagged)} flagged, worst first:"
    else:
        rows = sorted(judgements, key=lambda j: -j.divergence)[: min(count, 3)]
        head = "nothing flagged; the most divergent beads:"
    lines = [head, f"{'bead':>4}  {'div':>5}  {'severity':<8}  translation"]
    for j in rows:
        text = j.translation or f"[omitted] {j.original}"
        text = text if len(text) <= width else text[: width - 1] + "…"
        lines.append(f"{j.bead:>4}  {j.divergence:5.2f}  {j.severity:<8}  {text}")
        if j.flag and j.reasons:
            why = j.reasons[0].detail
            lines.append(" " * 23 + (why if len(why) <= width else why[: width - 1] + "…"))
    if len(flagged) > len(rows):
        lines.append(f"... and {len(flagged) - len(rows)} more flagged (--top N shows more; all are in the report)")
    return "\n".join(lines)


FORMATS = ("text", "json", "tsv")  # what `compare` and `contrast` print on standard output


def _cell(text: str) -> str:
    return " ".join(str(text).split())  # a tab or newline inside a text would break the columns


def beads_tsv(judgements: list[Judgement]) -> list[str]:
    """One row per bead with a header (bead, divergence, flag, severity, reasons, translation, original)."""
    rows = ["bead\tdivergence\tflag\tseverity\treasons\ttranslation\toriginal"]
    for j in judgements:
        rows.append(
            "\t".join(
                [
                    str(j.bead),
                    f"{j.divergence:.4f}",
                    str(j.flag).lower(),
                    j.severity,
                    ",".join(dict.fromkeys(r.signal for r in j.reasons)),
                    _cell(j.translation),
                    _cell(j.original),
                ]
            )
        )
    return rows
