"""What a signal is, what a family of signals is, and the one registry that everything else reads.

A family declares its signals once (`Signal`: name, what it measures, direction, neutral value, whether it
is a direct check, how its reason reads) and measures them with one call shape:
`family.measure(bead: BeadTexts, resources: Resources, prepared) -> Measured`. Families that batch a model
call over many beads also give `prepare(beads, resources)`, called once before those beads are measured: what
it returns (their model outputs) is the `prepared` that measure reads; None for the others.
The fusion (its neutral values, caps, checks), the fitting code (which signals a model uses, in which order),
the report and the README table read the registry; nothing parses a signal's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Sequence

from ..languages import Language
from ..records import Reason, RenderingKind
from ..resources import optional

AUTO = "auto"  # resources: load the packaged default where there is one

# Which measurement a signal needs besides a rendering; the fusion keeps one model per set of these.
CONSENSUS = "consensus"  # two renderings or more
EMBEDDING = "embedding"  # an English translation and the sentence-embedding model
LEARNT = "learnt"  # an English translation and the learnt divergence model


# What a model gave, kept per text (or pair) so a bead's family reads its batch's results; bounded, so that a
# process judging an archive keeps its memory flat: a batch's texts always fit, older batches' are let go.
KEPT_RESULTS = 50_000


def make_room(kept: dict, batch: set, most: int = KEPT_RESULTS) -> None:
    """Before a batch's results are added: when they would take `kept` past `most`, let go of every result but
    the batch's own."""
    if len(kept) + sum(1 for key in batch if key not in kept) > most:
        still = {key: kept[key] for key in batch if key in kept}
        kept.clear()
        kept.update(still)


@dataclass(frozen=True)
class Signal:
    name: str
    measures: str  # what it measures, for the README table and the export's card
    reads: str  # how it reads to a journalist when it raised a flag
    direction: int = 1  # +1: a larger value means more divergence; -1: closer
    neutral: Optional[float] = None  # the value of "no evidence" when it cannot be measured; None: no model
    check: Optional[str] = None  # the kind of change it detects when it is a direct check (one per kind counts)
    cap: Optional[float] = None  # a few mismatches say all there is; more would only stretch a linear scale
    needs: frozenset[str] = frozenset()  # CONSENSUS, EMBEDDING, LEARNT: what must be there to measure it
    evidence: str = "lexical_unsupported"  # the Reason.signal whose spans show where in the translation
    feature: bool = True  # the fusion may weigh it (False: reported only)
    parts: tuple[str, ...] = ()  # a conjunction of these signals (both > 0), computed by the fusion


# Where a rendering's evidence comes from: a round trip is made from the translation itself, so what it lacks or
# adds is first of all what its engine did; a forward rendering says what the original says; OTHER is another
# translation (a system, a reference), a precomputed rendering, or one whose kind nobody said.
FORWARD, BACK, ROUND_TRIP, OTHER = (
    RenderingKind.FORWARD,
    RenderingKind.BACK,
    RenderingKind.ROUND_TRIP,
    RenderingKind.OTHER,
)


@dataclass
class BeadTexts:
    """What the signals see of one bead: the translation, its renderings (same language), and optionally the
    original with its back renderings (translation -> original's language). Rendering names are opaque keys;
    kinds gives each one's kind (Rendering.evidence) where the caller knows it; a rendering not in it is OTHER.

    gap: "omission" (an original sentence with no translation) or "addition" (the reverse) in an aligned run;
    such beads are judged by their gap alone."""

    translation: str
    renderings: dict[str, str]
    original: str = ""
    back_renderings: dict[str, str] = field(default_factory=dict)
    lang: Optional[Language] = None  # the translation's language
    original_lang: Optional[Language] = None
    gap: Optional[str] = None
    kinds: dict[str, RenderingKind] = field(default_factory=dict)  # rendering name -> where its evidence comes from

    def kind_of(self, name: str) -> RenderingKind:
        return RenderingKind(self.kinds.get(name, OTHER))

    def round_trips(self) -> dict[str, str]:
        """{name: text} of the renderings that are round trips of the translation."""
        return {n: t for n, t in self.renderings.items() if self.kind_of(n) == ROUND_TRIP}

    @property
    def one_round_trip_alone(self) -> bool:
        """One round trip and nothing else: what it lacks or adds is one engine's doing, confirmed by nothing,
        so the direct checks (numbers, negation, names, questions) do not compare it."""
        return self.round_trips_only and len(self.renderings) < 2

    @property
    def unconfirmed(self) -> bool:
        """Nothing here can confirm a changed meaning: no original, and the renderings only round trips of the
        translation or a single rendering ("no single rendering makes a critical flag by itself")."""
        return not self.original.strip() and (self.round_trips_only or len(self.renderings) < 2)

    @property
    def round_trips_only(self) -> bool:
        """No original, and every rendering a round trip of the translation itself: then a difference between the
        translation and its renderings is evidence about the engines first, and nothing confirms a meaning change."""
        return (
            not self.original.strip()
            and bool(self.renderings)
            and all(self.kind_of(n) == ROUND_TRIP for n in self.renderings)
        )


@dataclass
class Measured:
    """A family's (or all families') measurement of one bead.

    values: {registered signal name: value}; per_rendering: {metric: {rendering name: value}} for metrics
    that score each rendering (chrF++ against each, ...); reasons: where in the translation, in words."""

    values: dict[str, float] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)
    per_rendering: dict[str, dict[str, float]] = field(default_factory=dict)

    def update(self, other: "Measured") -> None:
        self.values.update(other.values)
        self.reasons += other.reasons
        for metric, scores in other.per_rendering.items():
            self.per_rendering.setdefault(metric, {}).update(scores)


class Resources:
    """The optional resources of one judging run, each loaded on first use: an embedding model, the German-
    English dictionary, the English parser, the learnt divergence model. AUTO loads the packaged default,
    None leaves the resource out (its signals are then absent), anything else is used as given."""

    def __init__(self, embedder=AUTO, lexicon=AUTO, parser=AUTO, learnt=AUTO):
        self._given = {"embedder": embedder, "lexicon": lexicon, "parser": parser, "learnt": learnt}
        self._loaded: dict[str, object] = {}

    def given(self, name: str):
        """What the run was given for this resource: AUTO, None (left out) or the object to use."""
        return self._given.get(name, AUTO)

    def get(self, name: str, loader: Callable[[], object]):
        """The resource under name: as given, or loader()'s result (None when unavailable), loaded once."""
        if name not in self._loaded:
            given = self._given.get(name, AUTO)
            self._loaded[name] = optional(loader) if given == AUTO else given
        return self._loaded[name]


@dataclass(frozen=True)
class Family:
    name: str
    signals: tuple[Signal, ...]
    # measure(bead, resources, prepared): prepared is what prepare gave for the beads measured together (their
    # model outputs: one batched call), None for a family without prepare
    measure: Callable[[BeadTexts, Resources, Any], Measured]
    prepare: Optional[Callable[[Sequence[BeadTexts], Resources], Any]] = None
    module: str = ""  # where it lives, for the README table
    when: str = ""  # when it is measured, in words, for the README table
    # prepare runs a model on every core (torch threads): done first, before any background work starts
    all_cores: bool = False
    # prepare starts work that runs on its own (processes) while the others measure: started after the all_cores
    # families' model calls, so as not to take the cores from them, and measured (waited for) last
    background: bool = False


class Registry:
    def __init__(self, families: Sequence[Family] = ()):
        self._families: list[Family] = []
        self._signals: dict[str, Signal] = {}
        for family in families:
            self.register(family)

    def register(self, family: Family) -> None:
        for signal in family.signals:
            if signal.name in self._signals:
                raise ValueError(f"signal {signal.name} is registered twice")
        self._families.append(family)
        self._signals.update((s.name, s) for s in family.signals)

    def unregister(self, name: str) -> None:
        family = next(f for f in self._families if f.name == name)
        self._families.remove(family)
        for signal in family.signals:
            del self._signals[signal.name]

    @property
    def families(self) -> tuple[Family, ...]:
        return tuple(self._families)

    def __iter__(self) -> Iterator[Signal]:
        return iter(self._signals.values())

    def __contains__(self, name: str) -> bool:
        return name in self._signals

    def __getitem__(self, name: str) -> Signal:
        return self._signals[name]

    def features(self, sets: frozenset[str] = frozenset()) -> list[str]:
        """The signals a fusion model over these measurement sets weighs, in a fixed order: the plain ones in
        registry order, then the conjunctions, then those that need a set (in registry order)."""
        usable = [s for s in self if s.feature and s.needs <= sets]
        return (
            [s.name for s in usable if not s.needs and not s.parts]
            + [s.name for s in usable if s.parts]
            + [s.name for s in usable if s.needs]
        )

    def checks(self) -> dict[str, str]:
        return {s.name: s.check for s in self if s.check}
