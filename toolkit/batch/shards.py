"""Shards: the unit a batch writes, and resumes by.

Shard k holds the rows [k * size, (k + 1) * size) of the input, so a restarted job with the same arguments
cuts the input the same way. A shard is written to a `.partial` file and renamed when complete, so a file
under its final name is always whole: a killed job leaves at most a `.partial`, which the next one ignores and
rewrites. The folder's `batch.json` keeps the key of the arguments that shape the output (the input's digest,
kind, engines, threshold, shard size); a restart with other arguments into the same folder stops with one line
instead of mixing two jobs' shards.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ToolkitError

MANIFEST = "batch.json"
SHARDS = "shards"


@dataclass(frozen=True)
class ShardPlan:
    out: Path
    rows: int
    size: int

    @property
    def count(self) -> int:
        return -(-self.rows // self.size)

    def rows_of(self, shard: int) -> range:
        return range(shard * self.size, min((shard + 1) * self.size, self.rows))

    def path(self, shard: int) -> Path:
        return self.out / SHARDS / f"part-{shard:05d}-of-{self.count:05d}.parquet"

    def done(self) -> set[int]:
        """Shards already written whole (by this job or an earlier, interrupted run of it)."""
        return {k for k in range(self.count) if self.path(k).exists()}


def key_of(shaping: dict) -> str:
    return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()


def claim(out: Path, shaping: dict) -> None:
    """Make `out` this job's folder, or stop when it holds another job's shards."""
    manifest = out / MANIFEST
    key = key_of(shaping)
    if manifest.exists():
        try:
            theirs = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError:
            theirs = {}
        if theirs.get("key") != key:
            changed = sorted(k for k in shaping if theirs.get("shaping", {}).get(k) != shaping[k])
            raise ToolkitError(
                f"{out} holds a batch made with other arguments (differing: "
                f"{', '.join(changed) or 'unknown'}): give another --out, or remove {out} "
                "to start again"
            )
        return
    if (out / SHARDS).exists() and any((out / SHARDS).iterdir()):
        raise ToolkitError(f"{out} has shards but no {MANIFEST}: give another --out, or remove {out}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_text(manifest, json.dumps({"key": key, "shaping": shaping}, indent=1) + "\n")
    except OSError as err:
        raise ToolkitError(f"{out} cannot be written ({err.strerror}): pick another --out") from None


def write_shard(plan: ShardPlan, shard: int, table) -> Path:
    """The shard's rows, in input order, written whole or not at all."""
    import pyarrow.parquet as pq

    path = plan.path(shard)
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.sort_by("row"), partial)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ToolkitError(
            f"writing {path} failed ({err.strerror}); the shards written so far are kept: "
            "rerun the same command to finish"
        ) from None
    return path


def write_text(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
