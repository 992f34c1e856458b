"""Keeping libraries' own progress bars and load reports out of a run's output.

Loading a transformers model draws a per-tensor "Loading weights" bar, and a model loaded without a head it
does not need prints a multi-line "LOAD REPORT" of unexpected keys; sentence-transformers and the learnt model
load theirs while beads are judged, so every `compare`, with `-q` or through the Python API, printed them, and a
user can do nothing about either. A run shows its own rendering progress and its own messages; transformers' own
switches (`transformers.utils.logging`: `disable_progress_bar`, verbosity) are turned down for the run and
restored after it. Errors still show.
"""

from __future__ import annotations

import contextlib
import importlib.util
from typing import Iterator


@contextlib.contextmanager
def quiet_libraries() -> Iterator[None]:
    if importlib.util.find_spec("transformers") is None:  # a core install: nothing would print them
        yield
        return
    from transformers.utils import logging as transformers_logging

    bars_were_on = transformers_logging.is_progress_bar_enabled()
    verbosity = transformers_logging.get_verbosity()
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    try:
        yield
    finally:
        transformers_logging.set_verbosity(verbosity)
        if bars_were_on:
            transformers_logging.enable_progress_bar()
