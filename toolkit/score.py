"""Scoring precomputed pairs (`toolkit score`): a translation and its renderings in, a verdict out."""

from __future__ import annotations

import json
from typing import Iterable, Iterator, Optional, Sequence

from . import fuse, languages
from .errors import ToolkitError
from .judge import judge, judgement
from .languages import Language
from .schema import verdict_json
from .signals import BeadTexts


def _renderings(value, where: str) -> dict[str, str]:
    if isinstance(value, list):
        named = {f"r{k}": v for k, v in enumerate(value)}
    elif isinstance(value, dict):
        named = dict(value)
    else:
        raise ToolkitError(f'{where}: "renderings" must be a list of strings or an object of name: string')
    if not named or not all(isinstance(v, str) for v in named.values()):
        raise ToolkitError(f'{where}: "renderings" must hold at least one string, and only strings')
    return named


def _lang(record: dict, key: str, where: str) -> Optional[Language]:
    """The record's language code under key, normalised ("EN", "eng" -> "en") so the fusion picks the right
    model, or None when it is not given."""
    lang = record.get(key)
    if lang is None:
        return None
    if not isinstance(lang, str):
        raise ToolkitError(f'{where}: "{key}" must be a language code such as "en"')
    try:
        return languages.check(lang)
    except ToolkitError as err:
        raise ToolkitError(f"{where}: {err}") from None


def parse_record(record, where: str = "record") -> BeadTexts:
    """A `score` input record as the judge's bead, or one ToolkitError naming what is wrong with it."""
    if not isinstance(record, dict):
        raise ToolkitError(f"{where}: expected a JSON object")
    translation = record.get("translation")
    if not isinstance(translation, str):
        raise ToolkitError(f'{where}: "translation" (a string) is missing')
    source = record.get("source") or ""
    if not isinstance(source, str):
        raise ToolkitError(f'{where}: "source" must be a string')
    return BeadTexts(
        translation,
        _renderings(record.get("renderings"), where),
        source,
        {},
        _lang(record, "lang", where),
        _lang(record, "source_lang", where),
    )


def score_records(
    records: Sequence[tuple[dict, str]], threshold: float = fuse.THRESHOLD, store=None, progress=None
) -> list[dict]:
    """Judge (record, where) pairs together; every record is checked before any is judged. store: a
    JudgedCache (toolkit/judged_cache.py) that keeps measured beads, so a rerun or a resumed run reuses them."""
    beads = [parse_record(record, where) for record, where in records]
    judged = judge(beads, threshold, store=store, progress=progress)
    return [
        {**record, **verdict_json(judgement(0, bead, one))} for (record, _), bead, one in zip(records, beads, judged)
    ]


def score_record(record: dict, where: str = "record", threshold: float = fuse.THRESHOLD) -> dict:
    return score_records([(record, where)], threshold)[0]


# records judged together (the models see their texts in one batch) and kept in the store together: 64, not 256,
# so that Ctrl-C loses at most 64 pairs (at 256 a 400-pair run interrupted at half time had kept nothing, and
# its rerun took 51.7 s of a full 52.5 s); measured on 256 WMT21 pairs, 5 renderings: 69 CPU s in batches of
# 64 against 76 in one batch of 256 (other pairs each pass, a shared 2-core machine)
BATCH = 64


def _offset(progress, before: int, total: Optional[int]):
    """A batch's progress as a share of the whole input's: one bar per stage over every record."""
    if progress is None:
        return None
    return lambda stage, done, _: progress(stage, before + done, total)


def score_lines(
    lines: Iterable[str], name: str = "input", threshold: float = fuse.THRESHOLD, store=None, progress=None
) -> Iterator[dict]:
    """Judged records of a JSONL stream, BATCH at a time. progress (stage, done, total) needs lines to be a
    list, to know the total."""
    total = sum(1 for line in lines if line.strip()) if isinstance(lines, list) else None
    if total is None:
        progress = None
    batch: list[tuple[dict, str]] = []
    judged = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            batch.append((json.loads(line), where))
        except ValueError as err:
            raise ToolkitError(f"{where}: not valid JSON ({getattr(err, 'msg', err)})") from None
        if len(batch) == BATCH:
            yield from score_records(batch, threshold, store, _offset(progress, judged, total))
            judged += len(batch)
            batch = []
    yield from score_records(batch, threshold, store, _offset(progress, judged, total))
