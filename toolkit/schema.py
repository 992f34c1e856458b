"""One schema for every output of a verdict: the JSON form (beads.jsonl, `score`, `contrast --format json`,
`compare --format json`) and one Arrow / `datasets.Features` declaration (the export's dataset and `batch`'s
Parquet shards).

Renderings and signals differ in name from run to run, so in the Arrow form they are lists of {name, ...}
entries: every run and every shard shares one type and they concatenate. The JSON form keeps them as objects
keyed by name, as a reader of beads.jsonl expects; each rendering's scores are flattened into `signals` as
`<metric>:<name>`, and `rendering_details` keeps their kinds, engines and scores.
"""

from __future__ import annotations

from typing import Any

from .errors import ToolkitError
from .records import BeadRendering, Judgement, Reason, Severity

SEVERITIES = [s.value for s in Severity]  # ClassLabel order: index = how bad


# --- the JSON form ---


def reason_json(reason: Reason) -> dict:
    return {
        "signal": reason.signal,
        "detail": reason.detail,
        "translation_span": list(reason.translation_span) if reason.translation_span else None,
        "technical": reason.technical,
    }


def reason_from_json(record: dict) -> Reason:
    span = record.get("translation_span")
    return Reason(record["signal"], record["detail"], tuple(span) if span else None, record.get("technical") or "")


def verdict_json(j: Judgement) -> dict:
    """The verdict part of a bead: what `score` adds to each input record."""
    per_rendering = {f"{metric}:{r.name}": score for r in j.renderings for metric, score in r.scores.items()}
    return {
        "signals": {**j.signals, **per_rendering},
        "divergence": j.divergence,
        "flag": j.flag,
        "severity": str(j.severity),
        "reasons": [reason_json(r) for r in j.reasons],
    }


def _place(j: Judgement) -> dict:
    """Where the bead stands and its texts: the same fields in both forms."""
    return {
        "bead": j.bead,
        "original_ids": list(j.original_ids),
        "translation_ids": list(j.translation_ids),
        "original": j.original,
        "translation": j.translation,
    }


def to_json(j: Judgement) -> dict:
    """A bead as beads.jsonl holds it."""
    return {
        **_place(j),
        "renderings": {r.name: r.text for r in j.renderings},
        "rendering_details": [
            {"name": r.name, "kind": str(r.kind), "engine": r.engine, "label": r.label, "scores": r.scores}
            for r in j.renderings
        ],
        **verdict_json(j),
    }


def _severity(value: Any) -> Severity:
    if value not in SEVERITIES:
        raise ValueError(f"severity does not fit the schema: {value!r} is not one of {', '.join(SEVERITIES)}")
    return Severity(value)


def from_json(record: Any) -> Judgement:
    """The inverse of to_json (also reads runs written before `rendering_details` and `technical` existed)."""
    if not isinstance(record, dict):
        raise TypeError(f"a bead is a JSON object, not {type(record).__name__}")
    texts = record.get("renderings") or {}
    details = {d["name"]: d for d in record.get("rendering_details") or []}

    def rendering(name: str, text: str) -> BeadRendering:
        known = details.get(name, {})
        return BeadRendering(
            name,
            known.get("kind", ""),
            known.get("engine", name),
            text,
            known.get("label", ""),
            dict(known.get("scores") or {}),
        )

    renderings = [rendering(n, t) for n, t in texts.items()] if isinstance(texts, dict) else texts
    flattened = {f"{metric}:{r.name}" for r in renderings if isinstance(r, BeadRendering) for metric in r.scores}
    signals = record.get("signals", {})
    if isinstance(signals, dict):
        signals = {k: v for k, v in signals.items() if k not in flattened}
    fields = {
        **record,
        "renderings": renderings,
        "signals": signals,
        "severity": _severity(record.get("severity", Severity.NONE)),
        "reasons": [reason_from_json(r) for r in record.get("reasons", [])],
    }
    return Judgement(**{k: v for k, v in fields.items() if k in Judgement.__dataclass_fields__})


# --- the Arrow form ---


def datasets_module():
    """The `datasets` package, or a ToolkitError saying how to get it (it is the optional `export` extra)."""
    try:
        import datasets
    except ImportError:
        raise ToolkitError("the dataset export needs the datasets package: pip install 'toolkit[export]'") from None
    return datasets


def features():
    """The bead's columns, declared once: the export's dataset and each bead of a batch shard.

    A reason's translation_span is a list of [start, end] or null, as in beads.jsonl; the severity a
    ClassLabel (its index in SEVERITIES; the names travel in the Parquet metadata)."""
    datasets_module()
    from datasets import ClassLabel, Features, List, Value

    named_value = List({"name": Value("string"), "value": Value("float64")})
    return Features(
        {
            "bead": Value("int32"),
            "original_ids": List(Value("int32")),
            "translation_ids": List(Value("int32")),
            "original": Value("string"),
            "translation": Value("string"),
            "renderings": List(
                {
                    "name": Value("string"),
                    "kind": Value("string"),
                    "engine": Value("string"),
                    "label": Value("string"),
                    "text": Value("string"),
                    "scores": named_value,
                }
            ),
            "signals": named_value,
            "divergence": Value("float64"),
            "flag": Value("bool"),
            "severity": ClassLabel(names=SEVERITIES),
            "reasons": List(
                {
                    "signal": Value("string"),
                    "detail": Value("string"),
                    "translation_span": List(Value("int32")),
                    "technical": Value("string"),
                }
            ),
        }
    )


def bead_fields():
    """The bead's columns as Arrow fields (for the batch shards, which add their own around them)."""
    schema = features().arrow_schema
    return [schema.field(name) for name in schema.names]


def _check(j: Judgement) -> None:
    """beads.jsonl may be edited by hand: name the first field that does not fit, instead of an Arrow error."""

    def fits(value, kind) -> bool:
        return isinstance(value, kind) and not (kind is int and isinstance(value, bool))

    problems = [
        ("bead", fits(j.bead, int)),
        ("original_ids", isinstance(j.original_ids, list) and all(fits(i, int) for i in j.original_ids)),
        ("translation_ids", isinstance(j.translation_ids, list) and all(fits(i, int) for i in j.translation_ids)),
        ("original", fits(j.original, str)),
        ("translation", fits(j.translation, str)),
        (
            "renderings",
            isinstance(j.renderings, list)
            and all(isinstance(r, BeadRendering) and fits(r.text, str) for r in j.renderings),
        ),
        ("signals", isinstance(j.signals, dict) and all(fits(v, (int, float)) for v in j.signals.values())),
        ("divergence", fits(j.divergence, (int, float))),
        ("flag", isinstance(j.flag, bool)),
        ("severity", j.severity in SEVERITIES),
    ]
    bad = [name for name, ok in problems if not ok]
    if bad:
        raise ToolkitError(
            f"bead {j.bead!r}: {bad[0]} does not fit the dataset schema "
            f"(severity is one of {', '.join(SEVERITIES)}; ids are integers; texts are strings)"
        )


def to_row(j: Judgement) -> dict:
    """A bead as one row of the Arrow form (severity as its ClassLabel index)."""
    _check(j)
    return {
        **_place(j),
        "renderings": [
            {
                "name": r.name,
                "kind": str(r.kind),
                "engine": r.engine,
                "label": r.label,
                "text": r.text,
                "scores": [{"name": m, "value": float(v)} for m, v in r.scores.items()],
            }
            for r in j.renderings
        ],
        "signals": [{"name": n, "value": float(v)} for n, v in j.signals.items()],
        "divergence": float(j.divergence),
        "flag": bool(j.flag),
        "severity": SEVERITIES.index(j.severity),
        "reasons": [reason_json(r) for r in j.reasons],
    }


def from_row(row: dict) -> Judgement:
    """The inverse of to_row, for a row read back from any of the exports (severity as index or name)."""
    severity = row["severity"]
    return Judgement(
        bead=row["bead"],
        original_ids=list(row["original_ids"]),
        translation_ids=list(row["translation_ids"]),
        original=row["original"],
        translation=row["translation"],
        renderings=[
            BeadRendering(
                r["name"],
                r["kind"],
                r.get("engine") or "",
                r["text"],
                r.get("label") or "",
                scores={s["name"]: s["value"] for s in r.get("scores") or []},
            )
            for r in row["renderings"]
        ],
        signals={s["name"]: s["value"] for s in row["signals"]},
        divergence=row["divergence"],
        flag=row["flag"],
        severity=Severity(SEVERITIES[severity] if isinstance(severity, int) else severity),
        reasons=[reason_from_json(r) for r in row["reasons"]],
    )
