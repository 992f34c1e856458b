"""Signatures: what exactly produced a result, as sacrebleu prints them (`nrefs:1|case:mixed|...`).

A Signature is an ordered list of named fields; a field's value is text or another Signature. Printed, the
fields are `name:value` joined by the signature's separator: "|" within a part, " # " between the parts of a
run (its engines, aligner, metrics, fusion, resources). The same record goes into summary.json and the eval
results as JSON (`as_dict`), so a reader never has to parse the printed form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

Value = Union[str, int, float, "Signature", list]


@dataclass(frozen=True)
class Signature:
    fields: tuple[tuple[str, Value], ...]
    separator: str = "|"

    @classmethod
    def of(cls, separator: str = "|", **fields: Value) -> "Signature":
        return cls(tuple(fields.items()), separator)

    def __str__(self) -> str:
        return self.separator.join(f"{name}:{_show(value)}" for name, value in self.fields)

    def __getitem__(self, name: str) -> Value:
        for key, value in self.fields:
            if key == name:
                return value
        raise KeyError(name)

    def as_dict(self) -> dict:
        return {name: value.as_dict() if isinstance(value, Signature) else value for name, value in self.fields}


def _show(value: Value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)
