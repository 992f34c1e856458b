"""The job queue: one worker thread runs the jobs in the order they came, each through the same Python API as
`toolkit compare` (pipeline.compare, then output.write_run into the job's folder).

One worker, not one per request: the engines and the judge's models are loaded once per server process (the
engines here, by spec; the judge's resources are cached per process where they load), and two jobs at once on a
small machine would each run at half speed and double the memory. Jobs wait their turn; the page shows where.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import ToolkitError
from ..records import Document

# the share of a job each stage stands for: renderings (per engine and direction), then the judge's two stages
JUDGE_STAGES = {"signals": 0.35, "fusion": 0.05}
RENDER_SHARE = 1.0 - sum(JUDGE_STAGES.values())


@dataclass
class Job:
    id: str
    folder: Path
    translation: Document
    original: Optional[Document]
    engines: list[str]
    state: str = "queued"  # queued, running, done, failed
    stage: Optional[str] = None
    stages: dict = field(default_factory=dict)  # stage -> [done, total], in the order they began
    progress: float = 0.0
    error: Optional[str] = None
    result: Optional[dict] = None
    created: float = field(default_factory=time.time)
    started: Optional[float] = None
    finished: Optional[float] = None

    def report(self, stage: str, done: int, total: int) -> None:
        """The pipeline's progress callback (stage, done, total) -> the job's stages and its share done."""
        self.stage = stage
        self.stages[stage] = [done, total]
        # each engine renders in two directions (there and back, or forward and back with an original)
        renders = [s for s in self.stages if s not in JUDGE_STAGES]
        expected = max(2 * len(self.engines), len(renders))
        share = sum(min(d / t, 1.0) if t else 1.0 for s, (d, t) in self.stages.items() if s in renders)
        value = RENDER_SHARE * share / expected if expected else 0.0
        if renders or any(s in JUDGE_STAGES for s in self.stages):
            judged = [s for s in self.stages if s in JUDGE_STAGES]
            if judged:
                value = RENDER_SHARE  # rendering is over once the judge has begun (cache hits draw no stage)
            for s in judged:
                d, t = self.stages[s]
                value += JUDGE_STAGES[s] * (min(d / t, 1.0) if t else 1.0)
        self.progress = max(self.progress, min(value, 0.99))  # never backwards; 1 only when the run is written

    def as_json(self, position: Optional[int] = None) -> dict:
        return {
            "job": self.id,
            "state": self.state,
            "progress": round(self.progress, 3),
            "stage": self.stage,
            # list() copies in one step: the worker may add a stage while a request reads them
            "stages": [{"stage": s, "done": d, "total": t} for s, (d, t) in list(self.stages.items())],
            "queued_before": position,
            "error": self.error,
            "result": self.result,
            "seconds": round((self.finished or time.time()) - (self.started or self.created), 2),
        }


class JobQueue:
    """Jobs by id, and the one thread that runs them."""

    def __init__(self, folder: Path, cache: Optional[str], threshold: float, keep: int = 500, max_waiting: int = 200):
        self.folder = Path(folder)
        self.cache = cache  # a file, "" for the default rendering cache, None for none
        self.threshold = threshold
        self.keep = keep
        self.max_waiting = max_waiting
        self.jobs: dict[str, Job] = {}
        self._order: list[str] = []
        self._waiting: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._engines: dict = {}
        self._engine_lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="toolkit-serve-worker", daemon=True)
        self._thread.start()

    # --- engines, loaded once per server ---

    def engine(self, spec: str):
        from ..engines import load

        with self._engine_lock:
            if spec not in self._engines:
                self._engines[spec] = load(spec)
            return self._engines[spec]

    # --- jobs ---

    def new_folder(self) -> tuple[str, Path]:
        job_id = secrets.token_hex(8)
        return job_id, self.folder / "jobs" / job_id

    def submit(self, job: Job) -> Job:
        with self._lock:
            if self._waiting.qsize() >= self.max_waiting:
                raise ToolkitError(f"{self._waiting.qsize()} jobs are waiting already: try again in a while")
            self.jobs[job.id] = job
            self._order.append(job.id)
            self._forget_old()
        self._waiting.put(job.id)
        return job

    def get(self, job_id: str) -> Optional[Job]:
        return self.jobs.get(job_id)

    def position(self, job: Job) -> Optional[int]:
        """How many queued jobs come before this one (None once it runs)."""
        if job.state != "queued":
            return None
        with self._lock:
            earlier = self._order[: self._order.index(job.id)]
            return sum(1 for other in earlier if self.jobs[other].state in ("queued", "running"))

    def _forget_old(self) -> None:
        """Finished jobs beyond `keep` leave memory (their folders stay on disk)."""
        finished = [j for j in self._order if self.jobs[j].state in ("done", "failed")]
        for job_id in finished[: max(0, len(self._order) - self.keep)]:
            self._order.remove(job_id)
            del self.jobs[job_id]

    def _work(self) -> None:
        while True:
            job_id = self._waiting.get()
            if job_id is None:
                return
            job = self.jobs.get(job_id)
            if job is not None:
                self.run(job)

    def run(self, job: Job) -> None:
        from ..cache import RenderingCache
        from ..output import write_run
        from ..pipeline import compare
        from ..schema import to_json

        job.state, job.started = "running", time.time()
        try:
            engines = [self.engine(spec) for spec in job.engines]
            cache = None if self.cache is None else RenderingCache(self.cache or None)  # per job: its own counts
            run = compare(
                job.translation, engines, job.original, cache=cache, threshold=self.threshold, progress=job.report
            )
            out = write_run(run, job.folder)
            job.result = {"out": str(out), "summary": run.summary, "beads": [to_json(j) for j in run.judgements]}
            job.progress, job.state = 1.0, "done"
        except ToolkitError as err:
            job.error, job.state = " ".join(str(err).split()), "failed"
        except Exception as err:  # noqa: BLE001 - a job's bug must not kill the worker; the log keeps the trace
            traceback.print_exc()
            job.error = f"the job failed inside the toolkit ({type(err).__name__}: {' '.join(str(err).split())})"
            job.state = "failed"
        finally:
            job.finished = time.time()

    def close(self) -> None:
        self._waiting.put(None)
