"""Running a batch's remaining shards on Ray Data: locally with nothing to start, or on a running cluster.

The driver puts the remaining shards' records into Ray (one block a shard), the stages run as actor pools
(each actor builds its models once), and the judged rows stream back to the driver, which writes each shard
when all its rows are in. Only the driver writes, so a cluster needs no shared file system: the input and the
out folder live where the command runs.

Resources: on CPUs each stage gets `workers` actors of `threads` CPUs. Documents have two stages that take turns
on every document (render, then judge), so each of their actors reserves half its threads: both pools fit on
the same cores, rather than the second waiting for CPUs the first holds. MT actors take one GPU each where the
cluster has GPUs (one actor per GPU).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from typing import Callable, Iterator, Optional

from ..errors import ToolkitError
from .inputs import PAIRS, Corpus
from .shards import ShardPlan, write_shard
from .stages import JudgeDocuments, JudgePairs, RenderDocuments

# Ray's shared-memory object store, for a job started here: the records and judged rows pass through it a
# shard at a time, so a modest store is plenty and keeps a laptop's memory for the models.
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024
DOCUMENTS_PER_RECORD = 32  # a document has about as many beads as this many pairs: batch_rows // it a batch


def _ray():
    try:
        import ray
    except ImportError:
        raise ToolkitError("toolkit batch needs Ray Data: pip install 'toolkit[batch]' (make install does)") from None
    return ray


def _connect(ray, spec) -> bool:
    """ray.init for this job; True when it started Ray here (and so must shut it down)."""
    if ray.is_initialized():
        return False
    # the job says what it did, shard by shard; Ray's start-up and scheduling notes, its workers' output and
    # its C++ log lines (core_worker.cc's, at start) are for its own logs, unless --verbose
    quiet = {
        "logging_level": logging.WARNING if spec.verbose else logging.ERROR,
        "log_to_driver": spec.verbose,
        "include_dashboard": False,
    }
    try:
        if spec.address:
            ray.init(address=spec.address, **quiet)
        else:
            cpus = (spec.workers or os.cpu_count() or 1) * spec.threads
            # "local": a new instance of our own, never one that `ray start` left running on this machine
            ray.init(address="local", num_cpus=cpus, object_store_memory=LOCAL_OBJECT_STORE_BYTES, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as err:
        where = f"the Ray cluster at {spec.address}" if spec.address else "a local Ray instance"
        raise ToolkitError(f"cannot start or reach {where}: {str(err).splitlines()[0][:200]}") from None
    return True


@contextlib.contextmanager
def _quiet(verbose: bool) -> Iterator[None]:
    """Ray's own output silenced for the job (unless verbose): its Python loggers, and the Deprecation- and
    UserWarnings that Ray Data and the libraries raise in the driver. Restored afterwards. (Ray's C++ error
    lines are not silenced: a healthy run has none once actors are not restartable; RAY_BACKEND_LOG_LEVEL
    would itself print a line.)"""
    if verbose:
        yield
        return
    loggers = {name: logging.getLogger(name).level for name in ("ray", "ray.data")}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for name, level in loggers.items():
            logging.getLogger(name).setLevel(level)


def _workers(ray, spec) -> int:
    if spec.workers:
        return spec.workers
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, cpus // spec.threads)


def _dataset(ray, corpus: Corpus, plan: ShardPlan, todo: list[int]):
    import pyarrow as pa

    tables = []
    for shard in todo:
        rows = plan.rows_of(shard)
        tables.append(
            pa.table(
                {
                    "row": pa.array(list(rows), pa.int64()),
                    "shard": pa.array([shard] * len(rows), pa.int64()),
                    "record": pa.array([corpus.records[r] for r in rows], pa.string()),
                }
            )
        )
    return ray.data.from_arrow(tables)


def _pool(ray, size: int):
    """A fixed pool of actors, each holding its models for the whole job. Two batches queued on an actor keep
    it busy between them; more would let the actor that loaded its models first take batches that another,
    idle one could be judging by the end."""
    return ray.data.ActorPoolStrategy(size=size, max_tasks_in_flight_per_actor=2)


# An actor that dies is not restarted, nor its batch retried (Ray Data's default is forever, both): the unit of
# recovery is the shard, and a rerun of the command judges only the shards not written. Restarting forever
# turned a worker that crashes on some input into a job that never ends, kept actors coming back while Ctrl-C
# was ending the job, and made Ray print an error line on every healthy run (core_worker.cc: "constructor
# arguments in the object store and max_restarts > 0", Ray Data's own arguments).
NO_RESTARTS = {"max_restarts": 0}


def _cache_path(spec) -> Optional[str]:
    """The cache file the workers open: --cache, else the driver's $TOOLKIT_CACHE (a worker's environment is its
    node's, not the command's), else each node's default."""
    if spec.cache:
        return str(spec.cache)
    return os.environ.get("TOOLKIT_CACHE") or None


def _pipeline(ray, spec, corpus: Corpus, dataset, workers: int):
    if corpus.kind == PAIRS:
        return dataset.map_batches(
            JudgePairs,
            fn_constructor_kwargs={
                "threshold": spec.threshold,
                "threads": spec.threads,
                "cache": _cache_path(spec),
                "use_cache": spec.use_cache,
            },
            batch_size=spec.batch_rows,
            compute=_pool(ray, workers),
            num_cpus=spec.threads,
            batch_format="numpy",
            **NO_RESTARTS,
        )
    gpus = int(ray.cluster_resources().get("GPU", 0))
    documents = max(1, spec.batch_rows // DOCUMENTS_PER_RECORD)
    render_resources = {"num_gpus": 1, "num_cpus": spec.threads / 2} if gpus else {"num_cpus": spec.threads / 2}
    rendered = dataset.map_batches(
        RenderDocuments,
        fn_constructor_kwargs={
            "engines": list(spec.engines),
            "use_cache": spec.use_cache,
            "cache": _cache_path(spec),
            "threads": spec.threads,
        },
        batch_size=documents,
        compute=_pool(ray, gpus or workers),
        batch_format="numpy",
        **render_resources,
        **NO_RESTARTS,
    )
    return rendered.map_batches(
        JudgeDocuments,
        fn_constructor_kwargs={"threshold": spec.threshold, "threads": spec.threads},
        batch_size=documents,
        compute=_pool(ray, workers),
        num_cpus=spec.threads / 2,
        batch_format="numpy",
        **NO_RESTARTS,
    )


def _toolkit_error(err: Optional[BaseException]) -> Optional[ToolkitError]:
    """The ToolkitError a worker raised, found in the chain Ray wraps it in."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, ToolkitError):
            return err
        err = getattr(err, "cause", None) or err.__cause__ or err.__context__
    return None


def execute(
    spec, corpus: Corpus, plan: ShardPlan, todo: list[int], done_before: int, on_shard: Optional[Callable] = None
) -> list[str]:
    """Judge and write the shards in `todo`; returns the ids of the Ray nodes that judged them. A local Ray
    started here is shut down, and every process it started ended, however this ends (reaper.py)."""
    ray = _ray()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet(spec.verbose))
        reaper = None
        if not spec.address and not ray.is_initialized():
            from .reaper import Reaper

            # every process the local Ray starts is this job's, and ends with it, even if the driver is killed
            reaper = Reaper()
            stack.callback(reaper.close)
        if _connect(ray, spec):
            stack.callback(ray.shutdown)  # first, then the reaper ends whatever outlived it
        if reaper is not None:
            reaper.note(force=True)
        return _judge_shards(ray, spec, corpus, plan, todo, done_before, on_shard, reaper)


def _judge_shards(
    ray,
    spec,
    corpus: Corpus,
    plan: ShardPlan,
    todo: list[int],
    done_before: int,
    on_shard: Optional[Callable],
    reaper=None,
) -> list[str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    from . import ShardDone

    context = ray.data.DataContext.get_current()
    # Ray Data's bars on a terminal; in a log (not a terminal) it would print its progress every 10 seconds
    context.enable_progress_bars = not spec.quiet and sys.stderr.isatty()
    context.execution_options.verbose_progress = False
    pending: dict[int, list] = {}
    counts: dict[int, int] = {}
    nodes: set[str] = set()
    done = done_before
    try:
        judged = _pipeline(ray, spec, corpus, _dataset(ray, corpus, plan, todo), _workers(ray, spec))
        # Ray Data sets up its loggers when a job first runs: its notes are for its log files unless --verbose
        logging.getLogger("ray.data").setLevel(logging.WARNING if spec.verbose else logging.ERROR)
        for batch in judged.iter_batches(batch_size=None, batch_format="pyarrow"):
            if reaper is not None:
                reaper.note()  # the workers and actors Ray started for the stages, at most every few seconds
            nodes.update(batch.column("node").unique().to_pylist())
            batch = batch.drop_columns(["node"])
            for shard in batch.column("shard").unique().to_pylist():
                part = batch.filter(pc.equal(batch.column("shard"), shard)).drop_columns(["shard"])
                pending.setdefault(shard, []).append(part)
                counts[shard] = counts.get(shard, 0) + part.num_rows
                if counts[shard] == len(plan.rows_of(shard)):
                    path = write_shard(plan, shard, pa.concat_tables(pending.pop(shard)))
                    done += 1
                    if on_shard:
                        on_shard(ShardDone(shard, path, counts[shard], done, plan.count))
    except ToolkitError:
        raise
    except Exception as err:  # Ray wraps what a worker raised; a ToolkitError inside says it in one line
        cause = _toolkit_error(err)
        kept = f"{done} of {plan.count} shards are written and kept: rerun the same command to finish"
        if cause is not None:
            raise ToolkitError(f"{cause} ({kept})") from None
        raise ToolkitError(
            f"the Ray job failed: {type(err).__name__}: {str(err).splitlines()[0][:300]} ({kept})"
        ) from None
    return sorted(nodes)
