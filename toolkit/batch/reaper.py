"""No process left behind: every process a local job starts ends with the job, however the command ends.

Ray started here (`ray.init(address="local")`) runs its GCS, raylet, dashboard and runtime-env agents, and the
stages' workers and actors as their children; the workers run their own children (the Link Grammar parsers).
`ray.shutdown()` ends most of them when the command ends normally or on Ctrl-C, but not a killed driver's: the
kernel ends the GCS and raylet with it, while the agents, and the workers busy in a batch, live on (measured:
the agents ~20 s and more after a SIGKILL; the issue saw workers burn CPU long after the command was gone).

So the job finds its processes two ways. Before Ray starts, the driver puts a job id in its environment
(`TOOLKIT_BATCH_JOB`), which the processes Ray starts inherit, and their children too (a worker's parsers); and
since Ray's agents rename themselves over their environment (setproctitle), the driver also notes the processes
below it as they appear (pid and start time, so a reused pid is never taken for one). `sweep` ends both. The
driver sweeps after `ray.shutdown()`, and a small watcher process, started in a session of its own (a
terminal's Ctrl-C and a kill of the command's process group do not reach it), sweeps when the driver is gone
however it went: it is told the noted processes through a pipe only the driver holds, and sweeps when the pipe
ends.

Jobs on a cluster (`--address`) are not swept: the cluster's processes are not the command's, and Ray ends a
job's workers and actors when its driver disconnects.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from typing import Optional

MARK = "TOOLKIT_BATCH_JOB"

# the watcher: needs only psutil (not the toolkit, so it starts at once); ignores the terminal's signals;
# reads "pid start-time" lines until the driver closes the pipe or dies, then sweeps as sweep() does
WATCHER = r"""
import os, signal, sys
for name in ("SIGINT", "SIGHUP", "SIGTERM", "SIGQUIT"):
    signal.signal(getattr(signal, name), signal.SIG_IGN)
noted = {}
for line in sys.stdin:
    pid, started = line.split()
    noted[int(pid)] = float(started)
import psutil
job, me = sys.argv[1], os.getpid()
def left():
    found = []
    for p in psutil.process_iter():
        try:
            if p.pid != me and (noted.get(p.pid) == p.create_time() or p.environ().get("TOOLKIT_BATCH_JOB") == job):
                found.append(p)
        except (psutil.Error, OSError):
            continue
    return found
for _ in range(3):  # a process being born when one pass ran is found by the next
    procs = left()
    if not procs:
        break
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=5)
"""


def _left(job: str, noted: dict[int, float]) -> list:
    """The live processes of the job: noted ones (the same pid and start time) and those that carry its
    mark, this one left out."""
    import psutil

    found = []
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and (
                noted.get(process.pid) == process.create_time() or process.environ().get(MARK) == job
            ):
                found.append(process)
        except (psutil.Error, OSError):  # gone, or another user's
            continue
    return found


def sweep(job: str, noted: Optional[dict[int, float]] = None, grace: float = 3.0) -> int:
    """End every process of the job: asked first (SIGTERM), killed after `grace` seconds. Returns how many
    were still running."""
    import psutil

    left = _left(job, noted or {})
    for process in left:
        try:
            process.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(left, timeout=grace)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)
    return len(left)


class Reaper:
    """Marks the processes started from now on as this job's, and ends them when the job ends (close()) or the
    driver dies (the watcher). note() after Ray has started, and now and then while it runs."""

    NOTE_EVERY = 5.0  # seconds between two looks at the processes below the driver

    def __init__(self) -> None:
        self.job: Optional[str] = None
        self.noted: dict[int, float] = {}
        self._watcher: Optional[subprocess.Popen] = None
        self._last = 0.0
        try:
            import psutil  # noqa: F401  (the batch extra brings it; without it the job runs unwatched)
        except ImportError:
            return
        self.job = uuid.uuid4().hex
        env = {k: v for k, v in os.environ.items() if k != MARK}
        self._watcher = subprocess.Popen(
            [sys.executable, "-c", WATCHER, self.job],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            text=True,
        )
        os.environ[MARK] = self.job

    def note(self, force: bool = False) -> None:
        """Note the processes below the driver (Ray's, and theirs), for the sweep and the watcher."""
        if self.job is None or not (force or time.monotonic() - self._last >= self.NOTE_EVERY):
            return
        import psutil

        self._last = time.monotonic()
        new = []
        for process in psutil.Process().children(recursive=True):
            try:
                if self._watcher is not None and process.pid == self._watcher.pid:
                    continue
                started = process.create_time()
            except psutil.Error:
                continue
            if self.noted.get(process.pid) != started:
                self.noted[process.pid] = started
                new.append(f"{process.pid} {started!r}\n")
        if new and self._watcher is not None and self._watcher.stdin is not None:
            try:
                self._watcher.stdin.write("".join(new))
                self._watcher.stdin.flush()
            except OSError:  # the watcher is gone: the driver's own sweep still runs
                pass

    def close(self) -> None:
        """After ray.shutdown(): end what is left, and let the watcher go."""
        if self.job is None:
            return
        if os.environ.get(MARK) == self.job:
            del os.environ[MARK]
        sweep(self.job, self.noted)
        if self._watcher is not None and self._watcher.stdin is not None:
            try:
                self._watcher.stdin.close()  # the watcher finds nothing more and exits
            except OSError:
                pass
            try:
                self._watcher.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._watcher.kill()
        self.job = None
