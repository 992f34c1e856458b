"""Scoring precomputed pairs (`toolkit score`): a translation and its renderings in, a verdict out."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Iterable, Iterator, Optional

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


def _lang(record: dict, key: str, where: str) -> Optional[str]:
    """The record's language code under key, normalised ("EN", "eng" -> "en") so the fusion picks the right
    model, or None when it is not given."""
    lang = record.get(key)
    if lang is None:
        return None
    if not isinstance(lang, str):
        raise ToolkitError(f"{where}: \"{key}\" must be a language code such as \"en\"")
    try:
        return languages.check(lang)
    except ToolkitError as err:
        raise ToolkitError(f"{where}: {err}") from None


def score_record(record: dict, where: str = "record", threshold: float = fuse.THRESHOLD) -> dict:
    if not isinstance(record, dict):
        raise ToolkitError(f"{where}: expected a JSON object")
    translation = record.get("translation")
    if not isinstance(translation, str):
        raise ToolkitError(f"{where}: \"translation\" (a string) is missing")
    lang = _lang(record, "lang", where)
    source = record.get("source") or ""
    if not isinstance(source, str):
        raise ToolkitError(f"{where}: \"source\" must be a string")
    source_lang = _lang(record, "source_lang", where)
    values, reasons = signals.compute(translation, _renderings(record.get("renderings"), where), source, lang=lang,
                                      original_lang=source_lang)
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


BATCH = 256  # records read ahead, so the embedding model and the parser see their texts in one batch


def _warm(batch: list[tuple[dict, str]]) -> None:
    texts: dict[str, list[str]] = {}
    for record, _ in batch:
        try:
            lang = _lang(record, "lang", "")
            named = _renderings(record.get("renderings"), "")
        except (ToolkitError, AttributeError):
            continue  # score_record says what is wrong with it
        if lang and isinstance(record.get("translation"), str):
            texts.setdefault(lang, []).extend([record["translation"], *named.values()])
    for lang, some in texts.items():
        signals.warm(some, lang)


def score_lines(lines: Iterable[str], name: str = "input", threshold: float = fuse.THRESHOLD) -> Iterator[dict]:
    batch: list[tuple[dict, str]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            batch.append((json.loads(line), where))
        except ValueError as err:
            raise ToolkitError(f"{where}: not valid JSON ({err.msg})") from None
        if len(batch) == BATCH:
            yield from _scored(batch, threshold)
            batch = []
    yield from _scored(batch, threshold)


def _scored(batch: list[tuple[dict, str]], threshold: float) -> Iterator[dict]:
    _warm(batch)
    for record, where in batch:
        yield score_record(record, where, threshold)
