"""Typed records that flow through the pipeline (see DESIGN.md: Document -> Rendering -> Bead -> Judgement)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional


@dataclass(frozen=True)
class Segment:
    """One sentence, with where it came from so reports can point back into the raw text."""

    id: int
    text: str
    paragraph: int
    start: int  # character offsets into Document.text (the cleaned text)
    end: int


@dataclass
class Document:
    lang: str
    text: str
    segments: list[Segment]
    path: Optional[str] = None

    @property
    def sentences(self) -> list[str]:
        return [s.text for s in self.segments]


@dataclass(frozen=True)
class Rendering:
    """One engine's output, line-aligned with the sentences it was made from.

    kind is "forward" (original -> T, aligned with the original), "back" (translation -> S, aligned with the
    translation) or "round-trip" (translation -> pivot -> T, aligned with the translation).
    """

    engine: str  # the engine signature
    kind: str
    src: str
    tgt: str
    sentences: list[str]
    pivot: Optional[str] = None

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.engine}"


@dataclass(frozen=True)
class Bead:
    """One alignment unit: original sentence ids <-> translation sentence ids (either side may be empty)."""

    original_ids: tuple[int, ...]
    translation_ids: tuple[int, ...]

    @property
    def kind(self) -> str:
        return f"{len(self.original_ids)}-{len(self.translation_ids)}"

    def vecalign(self) -> str:
        return f"{list(self.original_ids)}:{list(self.translation_ids)}"


@dataclass(frozen=True)
class Reason:
    signal: str
    detail: str
    translation_span: Optional[tuple[int, int]] = None  # character span in the bead's translation text


@dataclass
class Judgement:
    """Everything known about one bead: the texts, the renderings, the signals and the verdict."""

    bead: int
    original_ids: list[int]
    translation_ids: list[int]
    original: str
    translation: str
    renderings: dict[str, str]
    signals: dict[str, float] = field(default_factory=dict)
    divergence: float = 0.0
    flag: bool = False
    severity: str = "none"
    reasons: list[Reason] = field(default_factory=list)

    def to_json(self) -> dict:
        record = asdict(self)
        record["reasons"] = [
            {**asdict(r), "translation_span": list(r.translation_span) if r.translation_span else None}
            for r in self.reasons
        ]
        return record

    @classmethod
    def from_json(cls, record: dict) -> "Judgement":
        fields = dict(record)
        fields["reasons"] = [
            Reason(r["signal"], r["detail"], tuple(r["translation_span"]) if r.get("translation_span") else None)
            for r in record.get("reasons", [])
        ]
        return cls(**{k: v for k, v in fields.items() if k in cls.__dataclass_fields__})
