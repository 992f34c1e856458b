"""Keeping libraries' own progress bars out of a run's output.

Loading a transformers model draws a per-tensor "Loading weights" bar; sentence-transformers and the learnt model
load theirs while beads are judged, so every `compare`, with `-q` or through the Python API, printed one. A run
shows its own rendering progress and nothing else; the switch is transformers' own
(`transformers.utils.logging.disable_progress_bar`), turned off for the run and restored after it.
"""
from __future__ import annotations

import contextlib
import importlib.util
from typing import Iterator


@contextlib.contextmanager
def library_bars_off() -> Iterator[None]:
    if importlib.util.find_spec("transformers") is None:  # a core install: nothing would draw them
        yield
        return
    from transformers.utils import logging as transformers_logging

    was_on = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_on:
            transformers_logging.enable_progress_bar()
