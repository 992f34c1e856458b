"""Rendering: run engines over documents through the persistent cache (forward, back, round trip)."""

from __future__ import annotations

import sys
from typing import Callable, Optional

from .cache import RenderingCache
from .engines.base import Engine
from .errors import ToolkitError
from .records import Document, Rendering, RenderingKind

Progress = Optional[Callable[[str, int, int], None]]


def stderr_progress(label: str, done: int, total: int) -> None:
    end = "\n" if done >= total else ""
    unit = "beads" if label in UNITS else "sentences"
    print(f"\r  {label}: {done}/{total} {unit}", end=end, file=sys.stderr, flush=True)


UNITS = {"signals": "bead", "fusion": "bead"}  # the judge's stages (toolkit/judge.py); an engine's: "sent"


def tqdm_progress() -> Callable[[str, int, int], None]:
    """A progress callback with one tqdm bar per engine and direction, and per stage of the judge; plain lines
    where tqdm is missing."""
    try:
        from tqdm import tqdm
    except ImportError:
        return stderr_progress
    bars: dict = {}

    def update(label: str, done: int, total: int) -> None:
        bar = bars.get(label)
        if bar is None:
            # the first call comes before any work, with the cache hits as `done`: starting there (initial)
            # keeps them out of the rate, which counts only what is done now
            bar = bars[label] = tqdm(
                total=total,
                initial=done,
                desc=label,
                unit=UNITS.get(label, "sent"),
                file=sys.stderr,
                dynamic_ncols=True,
            )
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            del bars[label]  # the same engine and direction may run again for another document

    return update


def translate(
    engine: Engine,
    sentences: list[str],
    src: str,
    tgt: str,
    cache: Optional[RenderingCache] = None,
    progress: Progress = None,
) -> list[str]:
    """Translate through the cache: only sentences never rendered by this exact engine signature reach it."""
    if src != tgt and not engine.supports(src, tgt):
        raise ToolkitError(f"engine {engine.spec} cannot translate {src}->{tgt}")
    if not engine.cacheable:  # precomputed: read as a whole, matched by position or by text
        return _checked(engine, sentences, engine.translate(sentences, src, tgt))
    signature = engine.signature
    known = cache.get_many(signature, src, tgt, sentences) if cache is not None else {}
    unique = list(dict.fromkeys(sentences))
    todo = [s for s in unique if s not in known]
    label = f"{engine.spec} {src}->{tgt}"
    hits = len(unique) - len(todo)
    if progress and todo:  # before the first batch, so a bar's clock starts with the work; nothing for all-hits
        progress(label, hits, len(unique))
    for start in range(0, len(todo), engine.batch_size):
        batch = todo[start : start + engine.batch_size]
        outputs = _checked(engine, batch, engine.translate(batch, src, tgt))
        known.update(zip(batch, outputs))
        if cache is not None:
            cache.put_many(signature, src, tgt, zip(batch, outputs))
        if progress:
            progress(label, hits + min(start + len(batch), len(todo)), len(unique))
    return [known[s] for s in sentences]


def _checked(engine: Engine, batch: list[str], outputs: list[str]) -> list[str]:
    if len(outputs) != len(batch):
        raise ToolkitError(f"engine {engine.spec} returned {len(outputs)} lines for {len(batch)} sentences")
    return outputs


def _made(engine: Engine, kind: RenderingKind, src: str, tgt: str, out: list[str], pivot: Optional[str] = None):
    return Rendering(
        engine.signature, kind, src, tgt, out, pivot=pivot, label=engine.spec, precomputed=not engine.cacheable
    )


def forward(engine: Engine, original: Document, tgt: str, cache=None, progress: Progress = None) -> Rendering:
    """original -> T, line-aligned with the original: compared with the translation."""
    out = translate(engine, original.sentences, original.lang, tgt, cache, progress)
    return _made(engine, RenderingKind.FORWARD, original.lang, tgt, out)


def back(engine: Engine, translation: Document, src: str, cache=None, progress: Progress = None) -> Rendering:
    """translation -> S, line-aligned with the translation: compared with the original."""
    out = translate(engine, translation.sentences, translation.lang, src, cache, progress)
    return _made(engine, RenderingKind.BACK, translation.lang, src, out)


def round_trip(
    engine: Engine,
    translation: Document,
    pivot: Optional[str] = None,
    cache=None,
    progress: Progress = None,
    back_engine: Optional[Engine] = None,
) -> Rendering:
    """translation -> pivot -> T, line-aligned with the translation: needs no original."""
    lang = translation.lang
    pivot = pivot or engine.pivot_for(lang)
    if pivot is None:
        raise ToolkitError(f"engine {engine.spec} cannot make a round trip of {lang} text")
    if pivot == lang:  # precomputed round trips (file:) are already back in T
        out = translate(engine, translation.sentences, lang, lang, cache, progress)
        return _made(engine, RenderingKind.ROUND_TRIP, lang, lang, out, pivot)
    back_engine = back_engine or engine
    there = translate(engine, translation.sentences, lang, pivot, cache, progress)
    out = translate(back_engine, there, pivot, lang, cache, progress)
    if back_engine is engine:
        return _made(engine, RenderingKind.ROUND_TRIP, lang, lang, out, pivot)
    return Rendering(
        f"{engine.signature}+{back_engine.signature}",
        RenderingKind.ROUND_TRIP,
        lang,
        lang,
        out,
        pivot=pivot,
        label=f"{engine.spec}+{back_engine.spec}",
    )
