"""The learnt model's pair scores kept on disk for the fitting and evaluation code.

The feature cache (benchdata.featurise) is keyed by the hash of the whole signal code, so any edit there (a
reason's wording) recomputes every signal; the learnt model's inference is most of that cost (tens of
thousands of pairs at 20-100 pairs/s on two cores) and does not depend on the signal code at all. Its scores
are kept here instead, keyed by the model's signature and the pair's text, in SQLite (a stdlib store that is
safe to append to from a killed run: each batch is committed as it is scored).
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Iterable

from toolkit.paths import cache_root
from toolkit.signals import learnt as learnt_signals

CHUNK = 512  # pairs scored and committed at a time: an interrupted run keeps all but the last chunk


def _key(pair: tuple[str, str]) -> str:
    return hashlib.sha256("\x00".join(pair).encode()).hexdigest()[:32]


class StoredScores(learnt_signals.Scores):
    """learnt_signals.Scores that reads scores from, and writes new ones to, a SQLite file."""

    def __init__(self, model, path: Path | None = None):
        super().__init__(model)
        self.path = Path(path) if path else cache_root() / "learnt-scores.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=120)  # another run may be writing
        self._db.execute("CREATE TABLE IF NOT EXISTS scores (model TEXT, pair TEXT, score REAL, "
                         "PRIMARY KEY (model, pair))")

    def of_pairs(self, pairs: Iterable[tuple[str, str]]) -> learnt_signals.Pairs:
        todo = sorted(set(pairs))
        found: learnt_signals.Pairs = {}
        for start in range(0, len(todo), 900):  # SQLite's limit on bound parameters
            part = {_key(p): p for p in todo[start:start + 900]}
            rows = self._db.execute(f"SELECT pair, score FROM scores WHERE model = ? AND pair IN "
                                    f"({','.join('?' * len(part))})", [self.name, *part]).fetchall()
            found.update((part[k], score) for k, score in rows)
        missing = [p for p in todo if p not in found]
        for start in range(0, len(missing), CHUNK):
            scored = super().of_pairs(missing[start:start + CHUNK])
            found.update(scored)
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?)",
                                     [(self.name, _key(p), s) for p, s in scored.items()])
        return found


def stored() -> StoredScores | None:
    """The shipped model with its stored scores; None where the model is unavailable (its signals are then
    absent, as the feature cache's key says)."""
    from toolkit.resources import Unavailable

    try:
        return StoredScores(learnt_signals.default().model)
    except Unavailable:
        return None
