"""The whole job as one function: documents + engines -> renderings -> beads -> signals -> judgements."""

from __future__ import annotations

import datetime
import platform
from pathlib import Path
from typing import Optional, Sequence

from . import __version__, damage, fuse, languages, render
from .alignment import align
from .cache import RenderingCache
from .engines import Engine, load
from .errors import ToolkitError
from .judge import ADDITION, OMISSION, Layout, judge, judgement, with_damage
from .judged_cache import JudgedCache
from .provenance import run_signature
from .quiet import quiet_libraries
from .records import Bead, BeadRendering, Document, Judgement, Rendering, RenderingKind, Run
from .segment import read_document
from .signals import BeadTexts


def _plan(
    translation: Document, original: Optional[Document], engines: Sequence[Engine]
) -> list[tuple[Engine, RenderingKind]]:
    """(engine, kind) for every rendering to make, decided before any rendering so a run that cannot succeed
    stops at once. With an original each engine gives what it can of forward and back; without one (or when it
    serves neither direction), a round trip."""
    plan: list[tuple[Engine, RenderingKind]] = []
    for engine in engines:
        kinds: list[RenderingKind] = []
        if original is not None and engine.serves(original.sentences, original.lang, translation.lang):
            kinds.append(RenderingKind.FORWARD)
        if original is not None and engine.serves(translation.sentences, translation.lang, original.lang):
            kinds.append(RenderingKind.BACK)
        if not kinds:
            pivot = engine.pivot_for(translation.lang)
            if pivot is None:
                raise ToolkitError(
                    f"engine {engine.spec} can neither translate between the documents' languages nor make a "
                    f"round trip of {translation.lang} text: pick an engine for {translation.lang}"
                )
            if pivot == translation.lang and not engine.serves(translation.sentences, pivot, pivot):
                engine.translate(translation.sentences, pivot, pivot)  # precomputed: its own error says what lacks
            kinds.append(RenderingKind.ROUND_TRIP)
        plan.extend((engine, kind) for kind in kinds)
    if original is not None and not any(kind != RenderingKind.ROUND_TRIP for _, kind in plan):
        raise ToolkitError(no_engine_between(original.lang, translation.lang, [e.spec for e in engines]))
    return plan


def no_engine_between(src: str, tgt: str, specs: Sequence[str] = ()) -> str:
    """What to do when no engine translates between the original's and the translation's languages."""
    given = (
        f"none of {', '.join(specs)} translates between {src} and {tgt}"
        if specs
        else f"no engine translates between {src} and {tgt} here"
    )
    return (
        f"to align the original ({src}) with the translation ({tgt}) an engine must translate between "
        f"them, and {given}: give precomputed renderings as --engine file:renderings.tsv (one file, a "
        f"line for each sentence of both documents: source TAB its rendering, {src}->{tgt} and "
        f"{tgt}->{src}; see the README), download models (toolkit models download --pair {src}-{tgt}), "
        f"or leave out --original to judge the translation by round trips"
    )


def _render_all(
    translation: Document, original: Optional[Document], engines: Sequence[Engine], cache, progress
) -> list[Rendering]:
    renderings: list[Rendering] = []
    for engine, kind in _plan(translation, original, engines):
        if kind == RenderingKind.ROUND_TRIP:
            renderings.append(render.round_trip(engine, translation, cache=cache, progress=progress))
            continue
        assert original is not None  # the plan makes forward and back renderings only from an original
        if kind == RenderingKind.FORWARD:
            renderings.append(render.forward(engine, original, translation.lang, cache, progress))
        else:
            renderings.append(render.back(engine, translation, original.lang, cache, progress))
    return renderings


def _beads(translation: Document, original: Optional[Document], renderings: list[Rendering]) -> list[Bead]:
    if original is None:
        return [Bead((), (j,)) for j in range(len(translation.segments))]
    forward = [r.sentences for r in renderings if r.kind == RenderingKind.FORWARD]
    backward = [r.sentences for r in renderings if r.kind == RenderingKind.BACK]
    if not forward and not backward:
        raise ToolkitError(
            f"to align the original ({original.lang}) with the translation ({translation.lang}), at least one "
            f"engine must translate between {original.lang} and {translation.lang}"
        )
    return align(original.sentences, translation.sentences, forward, backward)


def _bead_texts(
    bead: Bead, translation: Document, original: Optional[Document], renderings: list[Rendering]
) -> tuple[BeadTexts, list[BeadRendering]]:
    """What the judge sees of one bead, and the bead's share of each rendering."""
    t_text = " ".join(translation.sentences[j] for j in bead.translation_ids)
    o_text = " ".join(original.sentences[i] for i in bead.original_ids) if original else ""
    shares = []
    for r in renderings:
        ids = bead.original_ids if r.kind == RenderingKind.FORWARD else bead.translation_ids
        if ids:
            shares.append(BeadRendering(r.name, r.kind, r.engine, " ".join(r.sentences[k] for k in ids), r.label))
    gap = None
    if original is not None and not bead.translation_ids:
        gap = OMISSION
    elif original is not None and not bead.original_ids:
        gap = ADDITION
    texts = BeadTexts(
        t_text,
        {s.name: s.text for s in shares if s.kind != RenderingKind.BACK},
        o_text,
        {s.name: s.text for s in shares if s.kind == RenderingKind.BACK},
        translation.lang,
        original.lang if original else None,
        gap,
        {r.name: r.evidence for r in renderings},
    )
    return texts, shares


def _judge_all(
    beads: list[Bead],
    translation: Document,
    original: Optional[Document],
    renderings: list[Rendering],
    threshold: float,
    cache=None,
    progress=None,
    resources=None,
) -> list[Judgement]:
    made = [_bead_texts(b, translation, original, renderings) for b in beads]
    # judged beads go into the rendering cache's file as they are made: a rerun or a resumed run reuses them
    store = JudgedCache(cache.path) if cache is not None else None
    verdicts = judge(
        [texts for texts, _ in made],
        threshold,
        resources,
        store=store,
        progress=progress,
        layout=_layout(translation, beads),
    )
    return _judgements(beads, made, verdicts)


def _layout(translation: Document, beads: list[Bead]) -> Layout:
    return Layout(
        translation.sentences, [s.paragraph for s in translation.segments], [b.translation_ids for b in beads]
    )


def _judgements(beads: list[Bead], made: list[tuple[BeadTexts, list[BeadRendering]]], verdicts) -> list[Judgement]:
    return [
        judgement(index, texts, judged, shares, bead.original_ids, bead.translation_ids)
        for index, (bead, (texts, shares), judged) in enumerate(zip(beads, made, verdicts))
    ]


def render_document(
    translation: Document,
    original: Optional[Document],
    engines: Sequence[Engine],
    cache: Optional[RenderingCache] = None,
) -> list[Rendering]:
    """Every rendering compare() makes of one document (the first half of compare, for `toolkit batch`)."""
    return _render_all(translation, original, engines, cache, None)


def judge_documents(
    documents: Sequence[tuple[Document, Optional[Document], list[Rendering]]],
    threshold: float = fuse.THRESHOLD,
    resources=None,
) -> list[list[Judgement]]:
    """The judgements of several rendered documents (translation, original, renderings), as compare() makes
    them, with every bead of all of them judged in one call, so model calls batch across documents."""
    aligned = [(_beads(t, o, r), t, o, r) for t, o, r in documents]
    made = [[_bead_texts(b, t, o, r) for b in beads] for beads, t, o, r in aligned]
    verdicts = iter(judge([texts for one in made for texts, _ in one], threshold, resources, checks=False))
    return [
        _judgements(
            beads, one, with_damage([next(verdicts) for _ in one], [texts for texts, _ in one], _layout(t, beads))
        )
        for (beads, t, _, _), one in zip(aligned, made)
    ]


def _described(document: Document) -> dict:
    """A document as the summary names it; a web page's title, date and site come along."""
    described: dict[str, object] = {"path": document.path, "lang": document.lang, "sentences": len(document.segments)}
    if document.meta:
        described["meta"] = dict(document.meta)
    return described


def unique_engines(engines: Sequence[Engine]) -> list[Engine]:
    """Each engine once, the first of those with one signature: the same engine twice would make two renderings
    that agree by construction and fake a consensus."""
    seen: dict[str, Engine] = {}
    for engine in engines:
        seen.setdefault(engine.signature, engine)
    return list(seen.values())


def compare(
    translation: Document,
    engines: Sequence[Engine | str],
    original: Optional[Document] = None,
    cache: Optional[RenderingCache] = None,
    threshold: float = fuse.THRESHOLD,
    progress: render.Progress = None,
) -> Run:
    """Judge every bead of the translation against the engines' renderings."""
    if not engines:
        raise ToolkitError("no engine given: pass at least one --engine (e.g. apertium:eng-spa)")
    if original is not None and original.lang == translation.lang:
        raise ToolkitError(f"the original and the translation are both {original.lang}: give --original-lang")
    loaded = unique_engines([load(e) if isinstance(e, str) else e for e in dict.fromkeys(engines)])
    with quiet_libraries():
        renderings = _render_all(translation, original, loaded, cache, progress)
        beads = _beads(translation, original, renderings)
        judgements = _judge_all(beads, translation, original, renderings, threshold, cache, progress)
    signed = run_signature({r.name for r in renderings}, threshold, aligned=original is not None)
    severities = {name: sum(j.severity == name for j in judgements) for name in ("minor", "major", "critical")}
    summary = {
        "signature": str(signed),
        "signature_fields": signed.as_dict(),
        "toolkit_version": __version__,
        "translation": _described(translation),
        "original": _described(original) if original else None,
        "mode": "aligned" if original else "round-trip",
        "renderings": [
            {"name": r.name, "kind": r.kind, "engine": r.engine, "src": r.src, "tgt": r.tgt, "pivot": r.pivot}
            for r in renderings
        ],
        "beads": len(judgements),
        "flagged": sum(j.flag for j in judgements),
        "severity": severities,
        "threshold": threshold,
        "damage_unavailable": damage.unavailable(translation.lang),
        "cache": {"hits": cache.hits, "misses": cache.misses} if cache else None,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
    }
    return Run(judgements, summary)


def compare_files(
    translation: str | Path,
    lang: str,
    engines: Sequence[Engine | str],
    original: Optional[str | Path] = None,
    original_lang: Optional[str] = None,
    cache: Optional[RenderingCache] = None,
    **options,
) -> Run:
    """compare() on files: reads, cleans and segments them first."""
    lang = languages.check(lang)
    translation_doc = read_document(translation, lang, what="translation")
    original_doc = None
    if original is not None:
        if not original_lang:
            raise ToolkitError("an original needs its language: pass --original-lang (e.g. de)")
        original_doc = read_document(original, languages.check(original_lang), what="original")
    return compare(translation_doc, engines, original_doc, cache=cache, **options)
