"""Scoring precomputed pairs (`toolkit score`): a translation and its renderings in, a verdict out."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Iterable, Iterator

from . import fuse, languages, signals
from .errors import ToolkitError


def _renderings(value, where: str) -> dict[str, str]:
    if isinstance(value, list):
        named = {f"r{k}": v for k, v in enumerate(value)}
    elif isinstance(value, dict):
        named = dict(value)
    else:
        raise ToolkitError(f"{where}: \"renderings\" must be a list of strings or an object of name: string")
    if not named or not all(isinstance(v, str) for v in named.values()):
        raise ToolkitError(f"{where}: \"renderings\" must hold at least one string, and only strings")
    return named


def score_record(record: dict, where: str = "record", threshold: float = fuse.THRESHOLD) -> dict:
    if not isinstance(record, dict):
        raise ToolkitError(f"{where}: expected a JSON object")
    translation = record.get("translation")
    if not isinstance(translation, str):
        raise ToolkitError(f"{where}: \"translation\" (a string) is missing")
    lang = record.get("lang")
    if lang is not None:  # normalised once ("EN", "eng" -> "en"), so the fusion picks the right model
        if not isinstance(lang, str):
            raise ToolkitError(f"{where}: \"lang\" must be a language code such as \"en\"")
        try:
            lang = languages.check(lang)
        except ToolkitError as err:
            raise ToolkitError(f"{where}: {err}") from None
    source = record.get("source") or ""
    if not isinstance(source, str):
        raise ToolkitError(f"{where}: \"source\" must be a string")
    values, reasons = signals.compute(translation, _renderings(record.get("renderings"), where), source, lang=lang)
    verdict = fuse.judge(values, reasons, threshold, lang=lang)
    return {
        **record,
        "signals": values,
        "divergence": verdict.divergence,
        "flag": verdict.flag,
        "severity": verdict.severity,
        "reasons": [{**asdict(r), "translation_span": list(r.translation_span) if r.translation_span else None}
                    for r in verdict.reasons],
    }


def score_lines(lines: Iterable[str], name: str = "input", threshold: float = fuse.THRESHOLD) -> Iterator[dict]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except ValueError as err:
            raise ToolkitError(f"{where}: not valid JSON ({err.msg})") from None
        yield score_record(record, where, threshold)
