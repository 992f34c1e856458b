"""Typed records that flow through the pipeline: Document -> Rendering -> Bead -> Judgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Optional

from .languages import Language


class RenderingKind(StrEnum):
    """What a rendering was made from and is compared with."""

    FORWARD = "forward"  # original -> T, compared with the translation
    BACK = "back"  # translation -> S, compared with the original
    ROUND_TRIP = "round-trip"  # translation -> pivot -> T, compared with the translation
    OTHER = "other"  # another translation (a system, a reference) or a rendering handed in precomputed


class Severity(StrEnum):
    """How bad a flagged bead is, in increasing order (toolkit/severity.py says what gives each)."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


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
    """One engine's output, line-aligned with the sentences it was made from (a forward rendering with the
    original, the others with the translation)."""

    engine: str  # the engine signature
    kind: RenderingKind
    src: str
    tgt: str
    sentences: list[str]
    pivot: Optional[str] = None
    label: str = ""  # the engine as the user named it (its spec), for display
    precomputed: bool = False  # read from a file (file: engines): the toolkit cannot know how it was made

    @property
    def evidence(self) -> RenderingKind:
        """What the rendering is evidence of, for the checks: its kind, or OTHER where it was precomputed."""
        return RenderingKind.OTHER if self.precomputed else self.kind

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
        return [
            self.signal,
            self.detail,
            list(self.translation_span) if self.translation_span else None,
            self.technical,
        ]

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
    kind: RenderingKind
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
    severity: Severity = Severity.NONE
    reasons: list[Reason] = field(default_factory=list)

    def rendering_texts(self, back: bool = False) -> dict[str, str]:
        """{name: text} of the renderings on the translation's side, or (back=True) of the back renderings."""
        return {r.name: r.text for r in self.renderings if (r.kind == RenderingKind.BACK) == back}


@dataclass
class Run:
    """A judged document: one Judgement per bead, and the run's summary (signature, languages, counts)."""

    judgements: list[Judgement]
    summary: dict = field(default_factory=dict)

    @property
    def flagged(self) -> list[Judgement]:
        return [j for j in self.judgements if j.flag]
