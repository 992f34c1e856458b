"""The whole job as one function: documents + engines -> renderings -> beads -> signals -> judgements."""
from __future__ import annotations

import datetime
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from . import __version__, fuse, languages, render, signals
from .align import align, signature as align_signature
from .cache import RenderingCache
from .engines import Engine, load
from .errors import ToolkitError
from .records import Bead, Document, Judgement, Reason, Rendering
from .segment import read_document


@dataclass
class Run:
    judgements: list[Judgement]
    summary: dict = field(default_factory=dict)

    @property
    def flagged(self) -> list[Judgement]:
        return [j for j in self.judgements if j.flag]

    def write(self, out_dir: str | Path) -> Path:
        from .output import write_run

        return write_run(self, Path(out_dir))


def _render_all(
    translation: Document, original: Optional[Document], engines: Sequence[Engine], cache, progress
) -> list[Rendering]:
    renderings: list[Rendering] = []
    for engine in engines:
        made = []
        if original is not None and engine.supports(original.lang, translation.lang):
            made.append(render.forward(engine, original, translation.lang, cache, progress))
        if original is not None and engine.supports(translation.lang, original.lang):
            made.append(render.back(engine, translation, original.lang, cache, progress))
        if not made:
            if engine.pivot_for(translation.lang) is None:
                raise ToolkitError(
                    f"engine {engine.spec} can neither translate between the documents' languages nor make a "
                    f"round trip of {translation.lang} text: pick an engine for {translation.lang}"
                )
            made.append(render.round_trip(engine, translation, cache=cache, progress=progress))
        renderings.extend(made)
    return renderings


def _beads(translation: Document, original: Optional[Document], renderings: list[Rendering]) -> list[Bead]:
    if original is None:
        return [Bead((), (j,)) for j in range(len(translation.segments))]
    forward = [r.sentences for r in renderings if r.kind == "forward"]
    backward = [r.sentences for r in renderings if r.kind == "back"]
    if not forward and not backward:
        raise ToolkitError(
            f"to align the original ({original.lang}) with the translation ({translation.lang}), at least one "
            f"engine must translate between {original.lang} and {translation.lang}"
        )
    return align(original.sentences, translation.sentences, forward, backward)


def _judge(
    index: int, bead: Bead, translation: Document, original: Optional[Document],
    renderings: list[Rendering], threshold: float,
) -> Judgement:
    t_text = " ".join(translation.sentences[j] for j in bead.translation_ids)
    o_text = " ".join(original.sentences[i] for i in bead.original_ids) if original else ""
    same_side, back_side = {}, {}
    for r in renderings:
        ids = bead.original_ids if r.kind == "forward" else bead.translation_ids
        if ids:
            (back_side if r.kind == "back" else same_side)[r.name] = " ".join(r.sentences[k] for k in ids)
    judgement = Judgement(index, list(bead.original_ids), list(bead.translation_ids), o_text, t_text,
                          {**same_side, **back_side})
    if original is not None and not bead.translation_ids:
        judgement.divergence, judgement.flag, judgement.severity = 1.0, True, "major"
        judgement.reasons = [Reason("omission", "this original sentence has no counterpart in the translation")]
        return judgement
    if original is not None and not bead.original_ids:
        judgement.divergence, judgement.flag, judgement.severity = 1.0, True, "major"
        judgement.reasons = [Reason("addition", "this translated sentence has no counterpart in the original",
                                    (0, len(t_text)))]
        return judgement
    values, reasons = signals.compute(t_text, same_side, o_text, back_side, lang=translation.lang,
                                      original_lang=original.lang if original else None)
    verdict = fuse.judge(values, reasons, threshold, lang=translation.lang)
    judgement.signals = values
    judgement.divergence, judgement.flag = verdict.divergence, verdict.flag
    judgement.severity, judgement.reasons = verdict.severity, verdict.reasons
    return judgement


def signature(renderings: list[Rendering], aligned: bool, threshold: float) -> str:
    engines = sorted({f"{r.kind}:{r.engine}" for r in renderings})
    metric_sigs = signals.signatures()
    parts = [
        f"toolkit:{__version__}",
        "engines:[" + ", ".join(engines) + "]",
        f"align:{align_signature()}" if aligned else "align:none",
        f"chrf:{metric_sigs['chrf']}",
        fuse.signature(threshold),
        signals.embedding_status(),
        signals.optional_status(),
    ]
    return " # ".join(parts)


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
    loaded = [load(e) if isinstance(e, str) else e for e in engines]
    renderings = _render_all(translation, original, loaded, cache, progress)
    beads = _beads(translation, original, renderings)
    # One embedding batch (and one parser run) for every sentence the beads will compare, instead of a model
    # call per bead.
    signals.warm(translation.sentences + [s for r in renderings if r.tgt == translation.lang for s in r.sentences],
                 translation.lang)
    judgements = [_judge(k, b, translation, original, renderings, threshold) for k, b in enumerate(beads)]
    severities = {name: sum(j.severity == name for j in judgements) for name in ("minor", "major", "critical")}
    summary = {
        "signature": signature(renderings, original is not None, threshold),
        "toolkit_version": __version__,
        "translation": {"path": translation.path, "lang": translation.lang,
                        "sentences": len(translation.segments)},
        "original": {"path": original.path, "lang": original.lang, "sentences": len(original.segments)}
        if original else None,
        "mode": "aligned" if original else "round-trip",
        "renderings": [{"name": r.name, "kind": r.kind, "src": r.src, "tgt": r.tgt, "pivot": r.pivot}
                       for r in renderings],
        "beads": len(judgements),
        "flagged": sum(j.flag for j in judgements),
        "severity": severities,
        "threshold": threshold,
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
