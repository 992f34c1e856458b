"""Contrast: two or more translations of the same line-aligned original, judged side by side.

What an MT researcher asks of compare-mt or COMET, asked of meaning shifts: which system drifts more, on
which lines, and is the difference more than chance? Every system's line i is judged by the one judge stage
(toolkit.judge) against references for line i:

- the engines' renderings (`--engine`): of the source into the systems' language (forward), of the system's
  line back into the source's language (back), or, where an engine serves neither, a round trip of the line;
  every system then faces the same engines, so the divergences compare directly;
- the other systems' line i (`systems`, the default without engines), as the evaluation judges WMT
  submissions: no MT needed. Each system is judged against the rest, so with two systems the divergences say
  where they disagree rather than which one drifted; a third system or an engine breaks the tie.

Overall, per system: the mean divergence and the share of lines flagged; between each pair of systems the
paired bootstrap (95% confidence interval of the difference, p-value) and paired approximate randomisation
of toolkit.significance on the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from . import fuse, render
from .engines import Engine, load
from .errors import ToolkitError
from .judge import OMISSION, judge, judgement
from .languages import Language
from .provenance import run_signature
from .records import Document, Rendering, RenderingKind, Segment
from .schema import verdict_json
from .signals import BeadTexts

AGAINST = ("auto", "engines", "systems", "both")
TIE = 0.05  # a line's divergences closer than this drift alike: no system is said to drift more there


@dataclass
class System:
    name: str
    lines: list[str]
    path: Optional[str] = None


@dataclass
class Contrast:
    """lines: one record per source line ({line, source, systems: {name: verdict}, drifts_most, spread});
    overall: {system: {mean_divergence, flagged, flagged_share, severity, drifts_most}}; pairs: the paired
    tests between each two systems."""

    systems: list[str]
    lines: list[dict]
    overall: dict[str, dict]
    pairs: list[dict]
    summary: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "summary": self.summary,
            "systems": self.systems,
            "overall": self.overall,
            "pairs": self.pairs,
            "lines": self.lines,
        }


def system_names(paths: Sequence[str]) -> list[str]:
    """Short names for the systems: file stems, or the whole paths where two stems are the same."""
    stems = [Path(p).stem if p != "-" else "stdin" for p in paths]
    return stems if len(set(stems)) == len(stems) else [str(p) for p in paths]


def check_systems(systems: Sequence[System], source: Optional[Sequence[str]] = None, engines: bool = False) -> None:
    """Everything that makes a contrast impossible, before any work: one ToolkitError each. One translation is
    enough with an engine (COMET's `-s src -t mt`); without one it has nothing to be judged against."""
    if not systems or (len(systems) < 2 and not engines):
        raise ToolkitError(
            "a contrast needs two or more translations (-t a.txt -t b.txt), or one with an --engine "
            "to judge it against (or `toolkit compare` for a document)"
        )
    names = [s.name for s in systems]
    if len(set(names)) != len(names):
        raise ToolkitError(
            f"the same translation is given twice ({', '.join(n for n in names if names.count(n) > 1)})"
            ": give each system once"
        )
    counts = {s.name: len(s.lines) for s in systems}
    if source is not None:
        counts = {"source": len(source), **counts}
    if len(set(counts.values())) > 1:
        raise ToolkitError(
            "the files must be line-aligned, one sentence a line, but their line counts differ: "
            + ", ".join(f"{name} {n}" for name, n in counts.items())
        )


def _document(lines: Sequence[str], lang: Language, path: Optional[str]) -> Document:
    """Line-aligned text as a Document whose sentences are its lines (no segmentation: the lines are the units)."""
    segments, start = [], 0
    for number, line in enumerate(lines):
        segments.append(Segment(number, line, number, start, start + len(line)))
        start += len(line) + 1
    return Document(lang, "\n".join(lines), segments, path)


def _plan(engine: Engine, system: Document, source: Optional[Document]) -> list[RenderingKind]:
    """The kinds of rendering an engine gives for one system: forward and back where it translates between
    the languages, else a round trip of the system's lines. A precomputed file gives one kind only (its lines
    are renderings of the source when there is one), since a plain file "serves" any text of its length."""
    kinds: list[RenderingKind] = []
    if source is not None and engine.serves(source.sentences, source.lang, system.lang):
        kinds.append(RenderingKind.FORWARD)
    if (
        source is not None
        and (engine.cacheable or not kinds)
        and engine.serves(system.sentences, system.lang, source.lang)
    ):
        kinds.append(RenderingKind.BACK)
    if not kinds:
        if engine.pivot_for(system.lang) is None:
            raise ToolkitError(
                f"engine {engine.spec} can neither translate between the source and the "
                f"translations nor make a round trip of {system.lang} text: pick an engine for "
                f"{system.lang}, or leave out --engine to judge the systems against each other"
            )
        kinds.append(RenderingKind.ROUND_TRIP)
    return kinds


def _render(
    engines: Sequence[Engine], systems: dict[str, Document], source: Optional[Document], cache, progress
) -> dict[str, list[Rendering]]:
    """{system: its renderings}; a forward rendering of the source is made once and shared by every system."""
    plans = {name: [(e, kind) for e in engines for kind in _plan(e, doc, source)] for name, doc in systems.items()}
    shared: dict[str, Rendering] = {}
    made: dict[str, list[Rendering]] = {}
    for name, plan in plans.items():
        doc, made[name] = systems[name], []
        for engine, kind in plan:
            if kind == RenderingKind.ROUND_TRIP:
                made[name].append(render.round_trip(engine, doc, cache=cache, progress=progress))
                continue
            assert source is not None  # forward and back renderings are planned only with a source
            if kind == RenderingKind.FORWARD:
                if engine.signature not in shared:
                    shared[engine.signature] = render.forward(engine, source, doc.lang, cache, progress)
                made[name].append(shared[engine.signature])
            else:
                made[name].append(render.back(engine, doc, source.lang, cache, progress))
    return made


def _mean(labels, scores) -> float:
    return float(scores.mean())


def pair_tests(
    a: Sequence[float],
    b: Sequence[float],
    flags_a: Sequence[bool],
    flags_b: Sequence[bool],
    samples: int = 1000,
    trials: int = 10000,
    seed: int = 12345,
) -> dict:
    """The paired tests of two systems on the same lines: mean divergence (bootstrap and approximate
    randomisation) and the share of lines flagged (bootstrap)."""
    from .significance import approximate_randomisation, paired_bootstrap

    labels = [0] * len(a)
    return {
        "divergence": paired_bootstrap(_mean, labels, a, b, samples, seed).to_json(),
        "divergence_ar": approximate_randomisation(_mean, labels, a, b, trials, seed).to_json(),
        "flagged_share": paired_bootstrap(
            _mean, labels, [float(f) for f in flags_a], [float(f) for f in flags_b], samples, seed
        ).to_json(),
    }


def _verdict(bead: BeadTexts, judged) -> dict:
    """A system's line: its text and the bead schema's verdict (toolkit/schema.py)."""
    return {"translation": bead.translation, **verdict_json(judgement(0, bead, judged))}


def contrast(
    systems: Sequence[System],
    lang: str,
    source: Optional[Sequence[str]] = None,
    source_lang: Optional[str] = None,
    engines: Sequence[Engine | str] = (),
    against: str = "auto",
    cache=None,
    threshold: float = fuse.THRESHOLD,
    progress: render.Progress = None,
    samples: int = 1000,
    trials: int = 10000,
) -> Contrast:
    """Judge every system's every line; compare the systems per line, overall, and pair by pair."""
    lang = Language.parse(lang)
    source_lang = Language.parse(source_lang) if source_lang else None
    if source is not None and source_lang is None:
        raise ToolkitError("a source needs its language: pass --src-lang (e.g. de)")
    if source is not None and source_lang == lang:
        raise ToolkitError(f"the source and the translations are both {lang}: give --src-lang")
    if against not in AGAINST:
        raise ToolkitError(f"unknown --against {against!r}: one of {', '.join(AGAINST)}")
    check_systems(systems, source, bool(engines))
    if against == "auto":
        against = "engines" if engines else "systems"
    if against in ("engines", "both") and not engines:
        raise ToolkitError(f"--against {against} needs at least one --engine (e.g. file:renderings.txt)")
    if against == "systems" and len(systems) < 2:
        raise ToolkitError("--against systems needs two or more translations (-t a.txt -t b.txt)")
    loaded = (
        list({e.signature: e for e in (load(x) if isinstance(x, str) else x for x in engines)}.values())
        if against != "systems"
        else []
    )
    # a line blank in every file (a paragraph break kept for line alignment) is no sentence: left out
    total = len(systems[0].lines)
    kept = [
        i
        for i in range(total)
        if any(s.lines[i].strip() for s in systems) or (source is not None and source[i].strip())
    ]
    source_doc = _document(source, source_lang, None) if source is not None and source_lang else None
    docs = {s.name: _document(s.lines, lang, s.path) for s in systems}

    from .quiet import quiet_libraries

    with quiet_libraries():
        rendered = _render(loaded, docs, source_doc, cache, progress) if loaded else {s.name: [] for s in systems}
        beads: dict[tuple[str, int], BeadTexts] = {}
        for s in systems:
            for i in kept:
                references = {r.name: r.sentences[i] for r in rendered[s.name] if r.kind != RenderingKind.BACK}
                if against in ("systems", "both"):
                    references.update({f"system:{o.name}": o.lines[i] for o in systems if o.name != s.name})
                # a blank reference says nothing of this line, unless it is all there is
                references = {k: v for k, v in references.items() if v.strip()} or references
                back = {r.name: r.sentences[i] for r in rendered[s.name] if r.kind == RenderingKind.BACK}
                gap = OMISSION if not s.lines[i].strip() else None  # a blank line where others have a sentence
                kinds = {r.name: r.evidence for r in rendered[s.name]}  # other systems' lines: OTHER
                beads[s.name, i] = BeadTexts(
                    s.lines[i], references, source[i] if source is not None else "", back, lang, source_lang, gap, kinds
                )
        # judged lines kept beside the renderings as they are made: a rerun or a resumed run reuses them
        from .judged_cache import JudgedCache

        store = JudgedCache(cache.path) if cache is not None else None
        judged = dict(zip(beads, judge(list(beads.values()), threshold, store=store, progress=progress)))

    names = [s.name for s in systems]
    count = len(kept)
    if not count:
        raise ToolkitError("every line is blank in every file: there is nothing to contrast")
    lines = []
    for i in kept:
        verdicts = {s.name: _verdict(beads[s.name, i], judged[s.name, i]) for s in systems}
        ranked = sorted(names, key=lambda n: -verdicts[n]["divergence"])
        top = verdicts[ranked[0]]["divergence"]
        second = verdicts[ranked[1]]["divergence"] if len(ranked) > 1 else top  # one system drifts "most" nowhere
        lines.append(
            {
                "line": i,
                "source": source[i] if source is not None else None,
                "systems": verdicts,
                "drifts_most": ranked[0] if top - second >= TIE else None,
                "spread": round(top - verdicts[ranked[-1]]["divergence"], 4),
            }
        )
    overall = {}
    for name in names:
        divs = [line["systems"][name]["divergence"] for line in lines]
        flags = [line["systems"][name]["flag"] for line in lines]
        overall[name] = {
            "mean_divergence": round(sum(divs) / count, 4),
            "flagged": sum(flags),
            "flagged_share": round(sum(flags) / count, 4),
            "severity": {
                sev: sum(line["systems"][name]["severity"] == sev for line in lines)
                for sev in ("minor", "major", "critical")
            },
            "drifts_most": sum(line["drifts_most"] == name for line in lines),
        }
    pairs = []
    if count >= 2:
        for x, a in enumerate(names):
            for b in names[x + 1 :]:
                tests = pair_tests(
                    [line["systems"][a]["divergence"] for line in lines],
                    [line["systems"][b]["divergence"] for line in lines],
                    [line["systems"][a]["flag"] for line in lines],
                    [line["systems"][b]["flag"] for line in lines],
                    samples,
                    trials,
                )
                pairs.append({"a": a, "b": b, **tests})
    names_made = sorted({r.name for made in rendered.values() for r in made})
    sig = run_signature(
        names_made, threshold, context={"against": against}, significance=f"bootstrap:{samples}|ar:{trials}|seed:12345"
    )
    summary = {
        "signature": str(sig),
        "signature_fields": sig.as_dict(),
        "lang": lang,
        "source_lang": source_lang,
        "lines": count,
        "blank_lines_left_out": total - count,
        "against": against,
        "threshold": threshold,
        "systems": {s.name: s.path for s in systems},
        "renderings": names_made,
        "notes": notes(len(systems), against),
    }
    return Contrast(names, lines, overall, pairs, summary)


def notes(systems: int, against: str) -> list[str]:
    if against == "systems" and systems == 2:
        return [
            "two systems judged against each other: each line's divergences say how far they disagree, not "
            "which one drifted; give an --engine (e.g. file: renderings of the source) or a third system"
        ]
    return []
