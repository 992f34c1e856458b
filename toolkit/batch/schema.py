"""The Parquet schema of a batch's shards, declared once.

A pair gives one row; a document gives one row holding its beads (a list), so every input record has exactly
one output row, found by its `row` (its place in the input), and a shard is complete when it has all of them.
A bead's columns are the export's (toolkit/schema.py): a shard and an exported dataset of the same document
have the same columns with the same types.
"""

from __future__ import annotations

from ..records import Judgement
from ..schema import bead_fields as _bead_columns
from ..schema import to_row


def _types():
    import pyarrow as pa

    return pa, _bead_columns()


def pairs_schema():
    """One row a pair: where it was in the input, its id (as text), its language, and its bead's verdict."""
    pa, bead = _types()
    return pa.schema(
        [
            ("row", pa.int64()),
            ("id", pa.string()),
            ("lang", pa.string()),
            ("source_lang", pa.string()),
            *bead,
            ("signature", pa.string()),
            ("error", pa.string()),
        ]
    )


def documents_schema():
    """One row a document: where it was, its id and languages, counts, and every bead's verdict."""
    pa, bead = _types()
    return pa.schema(
        [
            ("row", pa.int64()),
            ("id", pa.string()),
            ("lang", pa.string()),
            ("original_lang", pa.string()),
            ("sentences", pa.int32()),
            ("beads_count", pa.int32()),
            ("flagged", pa.int32()),
            ("beads", pa.list_(pa.struct(bead))),
            ("signature", pa.string()),
            ("error", pa.string()),
        ]
    )


def bead_fields(judgement: Judgement) -> dict:
    """A Judgement as the schema's bead fields (the export's row)."""
    return to_row(judgement)


def record_id(record: dict):
    """The record's id as text (ids may be numbers or strings in the input; one column type holds both)."""
    value = record.get("id")
    return None if value is None else str(value)
