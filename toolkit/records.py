"""Typed records that flow through the pipeline (see DESIGN.md: Document -> Rendering -> Bead -> Judgement)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

from .languages import Language


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
    lang: Language
    text: str
    segments: list[Segment]
    path: Optional[str] = None
    meta: dict = field(default_factory=dict)  # a web page's {"format": "html", "title", "date", "site", ...}

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
    label: str = ""  # the engine as the user named it (its spec), for display

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
    """Why a bead was flagged. detail: one sentence in plain words, for a reader who knows nothing of the
    toolkit; technical: the signal's value and weight behind it, for a specialist (shown behind a toggle)."""

    signal: str
    detail: str
    translation_span: Optional[tuple[int, int]] = None  # character span in the bead's translation text
    technical: str = ""

    def as_list(self) -> list:
        """The reason as a JSON list, for the caches (from_list reads it back)."""
        return [self.signal, self.detail, list(self.translation_span) if self.translation_span else None,
                self.technical]

    @classmethod
    def from_list(cls, record: list) -> "Reason":
        # [signal, detail, span] in caches written before reasons had a technical detail
        signal, detail, span, *technical = record
        return cls(signal, detail, tuple(span) if span else None, *technical)


@dataclass
class BeadRendering:
    """One rendering's text for one bead, with its overlap scores against the translation (or, for a back
    rendering, against the original)."""

    name: str  # unique in the run: the rendering's kind and engine (Rendering.name)
    kind: str  # "forward", "back" or "round-trip"
    engine: str  # the engine signature
    text: str
    label: str = ""  # the engine as the user named it, for display
    scores: dict[str, float] = field(default_factory=dict)  # {metric: score}: chrf, bleu, ter


@dataclass
class Judgement:
    """Everything known about one bead: the texts, the renderings, the signals and the verdict."""

    bead: int
    original_ids: list[int]
    translation_ids: list[int]
    original: str
    translation: str
    renderings: list[BeadRendering]
    signals: dict[str, float] = field(default_factory=dict)
    divergence: float = 0.0
    flag: bool = False
    severity: str = "none"
    reasons: list[Reason] = field(default_factory=list)

    def rendering_texts(self, back: bool = False) -> dict[str, str]:
        """{name: text} of the renderings on the translation's side, or (back=True) of the back renderings."""
        return {r.name: r.text for r in self.renderings if (r.kind == "back") == back}

    def to_json(self) -> dict:
        """The beads.jsonl record (DESIGN.md): `renderings` {name: text}, and `signals` with each rendering's
        scores flattened in as `<metric>:<name>`; `rendering_details` keeps their kinds, engines and scores."""
        per_rendering = {f"{metric}:{r.name}": score for r in self.renderings for metric, score in r.scores.items()}
        return {
            "bead": self.bead, "original_ids": list(self.original_ids),
            "translation_ids": list(self.translation_ids), "original": self.original,
            "translation": self.translation, "renderings": {r.name: r.text for r in self.renderings},
            "rendering_details": [{"name": r.name, "kind": r.kind, "engine": r.engine, "label": r.label,
                                   "scores": r.scores} for r in self.renderings],
            "signals": {**self.signals, **per_rendering}, "divergence": self.divergence, "flag": self.flag,
            "severity": self.severity,
            "reasons": [{**asdict(r), "translation_span": list(r.translation_span) if r.translation_span else None}
                        for r in self.reasons],
        }

    @classmethod
    def from_json(cls, record: dict) -> "Judgement":
        if not isinstance(record, dict):
            raise TypeError(f"a bead is a JSON object, not {type(record).__name__}")
        texts = record.get("renderings") or {}
        details = {d["name"]: d for d in record.get("rendering_details") or []}

        def rendering(name: str, text: str) -> BeadRendering:
            known = details.get(name, {})  # a run written before rendering_details existed has none
            return BeadRendering(name, known.get("kind", ""), known.get("engine", name), text,
                                 known.get("label", ""), dict(known.get("scores") or {}))

        renderings = [rendering(n, t) for n, t in texts.items()] if isinstance(texts, dict) else texts
        flattened = {f"{metric}:{r.name}" for r in renderings if isinstance(r, BeadRendering) for metric in r.scores}
        signals = record.get("signals", {})
        if isinstance(signals, dict):
            signals = {k: v for k, v in signals.items() if k not in flattened}
        reasons = [Reason(r["signal"], r["detail"], tuple(r["translation_span"]) if r.get("translation_span") else None,
                          r.get("technical") or "") for r in record.get("reasons", [])]
        fields = {**record, "renderings": renderings, "signals": signals, "reasons": reasons}
        return cls(**{k: v for k, v in fields.items() if k in cls.__dataclass_fields__})


@dataclass
class Run:
    """A judged document: one Judgement per bead, and the run's summary (signature, languages, counts)."""

    judgements: list[Judgement]
    summary: dict = field(default_factory=dict)

    @property
    def flagged(self) -> list[Judgement]:
        return [j for j in self.judgements if j.flag]
