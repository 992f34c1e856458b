"""One persistent rendering cache (SQLite). Key: engine signature + languages + text hash.

Rows are committed after every batch, so a killed run keeps what it had rendered and the next run resumes.

One cache object may be used from several threads and, through the file, by several processes at once (the
actors of `toolkit batch`: Ray Data builds a stage in one thread and calls it in another, and the actors of a
node share the file): each thread of each process opens its own connection when it first reads or writes
(`Connections`), and the file is in WAL mode, so readers never wait and a writer waits its turn (up to 30 s)
rather than failing. A per-worker file merged at the end was the other way; it would lose a killed worker's
renderings, which is the cache's point.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Optional

from .errors import ToolkitError
from .paths import cache_root


def default_path() -> Path:
    if os.environ.get("TOOLKIT_CACHE"):
        return Path(os.environ["TOOLKIT_CACHE"])
    return cache_root() / "renderings.sqlite"


def _key(signature: str, src: str, tgt: str, text: str) -> str:
    return hashlib.sha256("\x1f".join((signature, src, tgt, text)).encode("utf-8")).hexdigest()


def open_database(path: Path, table: str, what: str) -> sqlite3.Connection:
    """The cache file at path, with its table made; a file that cannot be used is one ToolkitError naming it
    (what: how the message names the cache). The rendering cache and the judged beads share one file."""
    try:
        if path.is_dir():
            raise ToolkitError(
                f"{what} {path} is a folder: give a file name (e.g. --cache {path / 'renderings.sqlite'})"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False only so that close() may close every thread's connection: each is used by
        # the thread that opened it (Connections)
        db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"CREATE TABLE IF NOT EXISTS {table}")
        db.commit()
        return db
    except (OSError, sqlite3.Error) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise ToolkitError(
            f"{what} {path} cannot be used ({reason}): pick a writable file with --cache, set "
            "$TOOLKIT_CACHE, or pass --no-cache"
        ) from None


class Connections:
    """The cache file's connections: one per thread, opened on first use (an SQLite connection must not be used
    by two threads, nor across a fork), all closed by close()."""

    def __init__(self, path: Path, table: str, what: str):
        self.path, self.table, self.what = path, table, what
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[tuple[int, sqlite3.Connection]] = []  # (process id, connection)

    def get(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():
            db = open_database(self.path, self.table, self.what)
            self._local.db, self._local.pid = db, os.getpid()
            with self._lock:
                self._opened.append((os.getpid(), db))
        return db

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for pid, db in opened:
            if pid == os.getpid():  # a forked child leaves its parent's connections alone
                db.close()
        self._local = threading.local()


class RenderingCache:
    def __init__(self, path: Optional[str | Path] = None):
        self.path = Path(path) if path else default_path()
        # Opened, and written once, here: a cache that cannot be used fails before any rendering is done.
        what = "the rendering cache"
        self._connections = Connections(
            self.path,
            "renderings (key TEXT PRIMARY KEY, signature TEXT, src TEXT, tgt TEXT, source TEXT, output TEXT)",
            what,
        )
        try:  # a file that opens but is read-only fails only at the first write: make one, and take it back
            self._db.execute("INSERT OR REPLACE INTO renderings VALUES ('', '', '', '', '', '')")
            self._db.rollback()
        except sqlite3.Error as err:
            raise ToolkitError(
                f"{what} {self.path} cannot be used ({err}): pick a writable file with --cache, "
                "set $TOOLKIT_CACHE, or pass --no-cache"
            ) from None
        self.hits = 0
        self.misses = 0

    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's connection."""
        return self._connections.get()

    def get_many(self, signature: str, src: str, tgt: str, texts: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):  # SQLite caps the number of bound parameters
            chunk = unique[start : start + 500]
            keys = {_key(signature, src, tgt, t): t for t in chunk}
            marks = ",".join("?" * len(keys))
            for key, output in self._db.execute(
                f"SELECT key, output FROM renderings WHERE key IN ({marks})", list(keys)
            ):
                found[keys[key]] = output
        self.hits += len(found)
        self.misses += len(unique) - len(found)
        return found

    def put_many(self, signature: str, src: str, tgt: str, pairs: Iterable[tuple[str, str]]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO renderings VALUES (?, ?, ?, ?, ?, ?)",
            [(_key(signature, src, tgt, s), signature, src, tgt, s, o) for s, o in pairs],
        )
        self._db.commit()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM renderings").fetchone()[0]

    def close(self) -> None:
        self._connections.close()
