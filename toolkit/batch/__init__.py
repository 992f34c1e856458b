"""`toolkit batch`: a corpus judged on Ray Data, written as Parquet shards, resumable shard by shard.

    from toolkit.batch import BatchSpec, run
    result = run(BatchSpec("pairs.jsonl", "runs/archive"))                       # on this machine
    result = run(BatchSpec("docs.parquet", "runs/archive", engines=("ct2:...",),
                           address="ray://head:10001"))                          # on a running cluster
    result.summary["flagged"], result.shards

The input (inputs.py) is read and checked in the driver before Ray starts; the shards (shards.py) are cut from
the input's order, written whole by the driver and skipped when a restarted job finds them; the stages
(stages.py) run as Ray Data actor pools (runner.py). Ray is imported only when a job runs.
"""

from __future__ import annotations

import datetime
import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .. import __version__, fuse
from ..errors import ToolkitError
from ..languages import Language
from .inputs import DOCUMENTS, PAIRS, Corpus, DocumentDefaults, read_corpus
from .shards import ShardPlan, claim, write_text


@dataclass(frozen=True)
class BatchSpec:
    """What to judge, where to write it, and how to run it.

    engines: MT engine specs for documents (pairs bring their renderings). workers: actors per stage (default:
    the CPUs of this machine, or of the cluster with `address`, over `threads`). threads: threads each worker
    uses. shard_rows: input records per output shard (the unit of resuming). batch_rows: records a worker
    judges together (pairs; documents go batch_rows // 32 at a time, at least 1)."""

    input: str | Path
    out: str | Path
    engines: tuple[str, ...] = ()
    threshold: float = fuse.THRESHOLD
    address: Optional[str] = None
    workers: Optional[int] = None
    threads: int = 1
    shard_rows: int = 1000
    batch_rows: int = 256
    split: Optional[str] = None
    lang: Optional[str] = None
    original_lang: Optional[str] = None
    cache: Optional[str | Path] = None
    use_cache: bool = True
    quiet: bool = False
    verbose: bool = False  # Ray's own logging, its workers' output and warnings, silenced unless this is set

    def shaping(self, corpus: Corpus) -> dict:
        """The arguments that decide the shards' content: a resumed job must be given the same."""
        return {
            "input_sha256": corpus.digest,
            "kind": corpus.kind,
            "engines": list(self.engines),
            "threshold": self.threshold,
            "shard_rows": self.shard_rows,
            "toolkit": __version__,
        }


@dataclass(frozen=True)
class ShardDone:
    """Reported after each shard is written: for progress lines, and for tests that interrupt a job."""

    shard: int
    path: Path
    rows: int
    done: int  # shards complete so far, this run's and resumed ones
    total: int


@dataclass
class BatchResult:
    out: Path
    summary: dict
    shards: list[Path]
    judged: list[int] = field(default_factory=list)  # shards judged by this run
    resumed: list[int] = field(default_factory=list)  # shards found complete and kept
    nodes: list[str] = field(default_factory=list)  # Ray node ids that judged this run's shards


def _check(spec: BatchSpec) -> tuple[Corpus, DocumentDefaults]:
    from ..engines import KINDS
    from ..writable import check_folder

    for name, value, low in (
        ("--threads", spec.threads, 1),
        ("--shard-rows", spec.shard_rows, 1),
        ("--batch-rows", spec.batch_rows, 1),
        ("--workers", 1 if spec.workers is None else spec.workers, 1),
    ):
        if not isinstance(value, int) or value < low:
            raise ToolkitError(f"{name} must be a whole number of at least {low}, not {value!r}")
    check_folder(spec.out, "--out")
    defaults = DocumentDefaults(
        Language.parse(spec.lang) if spec.lang else None,
        Language.parse(spec.original_lang) if spec.original_lang else None,
    )
    for engine in spec.engines:
        kind, sep, argument = engine.partition(":")
        if not sep or not argument or kind not in KINDS:
            raise ToolkitError(f"unknown engine spec {engine!r}: use one of " + ", ".join(f"{k}:..." for k in KINDS))
        if kind == "file":
            from ..engines import load

            load(engine)  # reads the file: a missing or malformed one stops here, before Ray starts
    corpus = read_corpus(spec.input, spec.split, defaults)
    if corpus.kind == PAIRS and spec.engines:
        raise ToolkitError(f"input {corpus.path} holds pairs, which bring their own renderings: leave out --engine")
    if corpus.kind == DOCUMENTS and not spec.engines:
        raise ToolkitError(
            f"input {corpus.path} holds documents: name the MT engines that render them with "
            "--engine (e.g. --engine apertium:eng-spa, or file:renderings.tsv)"
        )
    if spec.use_cache:  # a cache that cannot be used fails now, not in every worker
        from ..cache import RenderingCache
        from ..judged_cache import JudgedCache

        (RenderingCache(spec.cache) if corpus.kind == DOCUMENTS else JudgedCache(spec.cache)).close()
    return corpus, defaults


def run(spec: BatchSpec, on_shard: Optional[Callable[[ShardDone], None]] = None) -> BatchResult:
    """Judge the spec's input into its out folder; shards already there from an interrupted run are kept."""
    started = time.perf_counter()
    corpus, _ = _check(spec)
    out = Path(spec.out)
    claim(out, spec.shaping(corpus))
    plan = ShardPlan(out, len(corpus.records), spec.shard_rows)
    resumed = sorted(plan.done())
    todo = [k for k in range(plan.count) if k not in resumed]
    nodes: list[str] = []
    if todo:
        from .runner import execute

        nodes = execute(spec, corpus, plan, todo, len(resumed), on_shard)
    summary = summarise(plan, corpus)
    summary.update(
        {
            "shards": {"total": plan.count, "judged_now": len(todo), "resumed": len(resumed), "rows": spec.shard_rows},
            "threshold": spec.threshold,
            "engines": list(spec.engines),
            "ray": {
                "address": spec.address or "local",
                "workers": spec.workers,
                "threads": spec.threads,
                "nodes": len(nodes),
            },
            "seconds": round(time.perf_counter() - started, 2),
            "toolkit_version": __version__,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(),
        }
    )
    write_text(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return BatchResult(out, summary, [plan.path(k) for k in range(plan.count)], todo, resumed, nodes)


def _count(severity: dict[str, int], index) -> None:
    """Count a shard's severity (its ClassLabel index; none for an error row) among the flagged ones."""
    from ..schema import SEVERITIES

    if index:
        severity[SEVERITIES[index]] += 1


def summarise(plan: ShardPlan, corpus: Corpus) -> dict:
    """Counts over every shard (read back column by column, so an archive's summary costs little memory), and
    the one signature of the verdicts."""
    import pyarrow.parquet as pq

    counts = {"rows": 0, "beads": 0, "flagged": 0, "errors": 0}
    severity = {"minor": 0, "major": 0, "critical": 0}
    signatures: set[str] = set()
    first_errors: list[dict] = []
    for k in range(plan.count):
        path = plan.path(k)
        if corpus.kind == PAIRS:
            table = pq.read_table(path, columns=["row", "flag", "severity", "signature", "error"])
            beads = table.to_pydict()
            counts["beads"] += table.num_rows
            counts["flagged"] += sum(beads["flag"])
            for index in beads["severity"]:
                _count(severity, index)
        else:
            table = pq.read_table(path, columns=["row", "beads_count", "flagged", "beads", "signature", "error"])
            beads = table.to_pydict()
            counts["beads"] += sum(beads["beads_count"])
            counts["flagged"] += sum(beads["flagged"])
            for document in beads["beads"]:
                for bead in document:
                    _count(severity, bead["severity"])
        counts["rows"] += table.num_rows
        signatures.update(s for s in beads["signature"] if s)
        for row, error in zip(beads["row"], beads["error"]):
            if error:
                counts["errors"] += 1
                if len(first_errors) < 10:
                    first_errors.append({"row": row, "error": error})
    ordered = sorted(signatures)
    return {
        "input": corpus.describe(),
        **counts,
        "severity": severity,
        "first_errors": first_errors,
        # one signature, as for a single run; two or more would mean the workers differed (e.g. a node without
        # the embedding model): every one is listed, and the rows say which they carry
        "signature": ordered[0] if len(ordered) == 1 else ordered,
    }


__all__ = ["BatchResult", "BatchSpec", "ShardDone", "run"]
