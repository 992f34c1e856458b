"""The Parquet schema of a batch's shards, declared once.

A pair gives one row; a document gives one row holding its beads (a list), so every input record has exactly
one output row, found by its `row` (its place in the input), and a shard is complete when it has all of them.
Names that differ from record to record (renderings, signals) are data in {name, ...} entries, as in the
export's dataset, so every shard of every batch has the same type and they concatenate.
"""
from __future__ import annotations

from dataclasses import asdict

from ..records import Judgement


def _types():
    import pyarrow as pa

    named_value = pa.list_(pa.struct([("name", pa.string()), ("value", pa.float64())]))
    rendering = pa.struct([("name", pa.string()), ("kind", pa.string()), ("engine", pa.string()),
                           ("label", pa.string()), ("text", pa.string()), ("scores", named_value)])
    reason = pa.struct([("signal", pa.string()), ("detail", pa.string()),
                        ("translation_span", pa.list_(pa.int32()))])
    bead = [("bead", pa.int32()), ("original_ids", pa.list_(pa.int32())),
            ("translation_ids", pa.list_(pa.int32())), ("original", pa.string()), ("translation", pa.string()),
            ("renderings", pa.list_(rendering)), ("signals", named_value), ("divergence", pa.float64()),
            ("flag", pa.bool_()), ("severity", pa.string()), ("reasons", pa.list_(reason))]
    return pa, bead


def pairs_schema():
    """One row a pair: where it was in the input, its id (as text), its language, and its bead's verdict."""
    pa, bead = _types()
    return pa.schema([("row", pa.int64()), ("id", pa.string()), ("lang", pa.string()),
                      ("source_lang", pa.string()), *bead, ("signature", pa.string()), ("error", pa.string())])


def documents_schema():
    """One row a document: where it was, its id and languages, counts, and every bead's verdict."""
    pa, bead = _types()
    return pa.schema([("row", pa.int64()), ("id", pa.string()), ("lang", pa.string()),
                      ("original_lang", pa.string()), ("sentences", pa.int32()), ("beads_count", pa.int32()),
                      ("flagged", pa.int32()), ("beads", pa.list_(pa.struct(bead))), ("signature", pa.string()),
                      ("error", pa.string())])


def bead_fields(judgement: Judgement) -> dict:
    """A Judgement as the schema's bead fields."""
    return {
        "bead": judgement.bead, "original_ids": list(judgement.original_ids),
        "translation_ids": list(judgement.translation_ids), "original": judgement.original,
        "translation": judgement.translation,
        "renderings": [{"name": r.name, "kind": r.kind, "engine": r.engine, "label": r.label, "text": r.text,
                        "scores": [{"name": k, "value": v} for k, v in r.scores.items()]}
                       for r in judgement.renderings],
        "signals": [{"name": k, "value": v} for k, v in judgement.signals.items()],
        "divergence": judgement.divergence, "flag": judgement.flag, "severity": judgement.severity,
        "reasons": [{**asdict(r), "translation_span": list(r.translation_span) if r.translation_span else None}
                    for r in judgement.reasons],
    }


def record_id(record: dict):
    """The record's id as text (ids may be numbers or strings in the input; one column type holds both)."""
    value = record.get("id")
    return None if value is None else str(value)
