"""A Dask cluster on this machine: a scheduler and one-thread workers on 127.0.0.1.

What the README has instructors start on their machines (``dask scheduler``
and ``dask worker --nthreads 1``), here on the loopback interface, for
``benchmarks/grading_cluster.py`` and ``tests/test_cluster.py``. The
processes start at once and come up in the background (do other work
meanwhile); :meth:`LocalCluster.client` waits for them. Each runs in a
process group of its own, and :meth:`LocalCluster.stop` ends exactly those
groups, nothing else. Their output goes to log files in the cluster's
folder. Dask (``distributed``, the ``cluster`` extra) is imported only by
:meth:`LocalCluster.client`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

#: The folder of this Python's commands (``dask``, ``nbgrader``): the .venv's.
BIN = Path(sys.executable).parent


def default_env() -> dict[str, str]:
    """The current environment with the .venv's commands first on PATH and no PYTHONPATH (the kit comes installed)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)
    return env


class LocalCluster:
    """``dask scheduler`` and ``workers`` one-thread ``dask worker`` processes on 127.0.0.1, started in ``home``.

    ``env`` is the processes' environment (default: :func:`default_env`).
    Workers end by themselves 60 s after losing the scheduler. Use it as a
    context manager, or call :meth:`stop`.
    """

    def __init__(self, home: Path, workers: int, env: dict[str, str] | None = None) -> None:
        self.home, self.workers = Path(home), workers
        self.scheduler_file = self.home / "scheduler.json"
        self.processes: list[subprocess.Popen] = []
        self._logs = []
        env = default_env() if env is None else env
        try:
            self._start(env, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                        "--scheduler-file", str(self.scheduler_file))
            for _ in range(workers):
                self._start(env, "worker", "--scheduler-file", str(self.scheduler_file), "--host", "127.0.0.1",
                            "--nthreads", "1", "--no-dashboard", "--death-timeout", "60")
        except BaseException:
            self.stop()
            raise

    def _start(self, env: dict[str, str], *args: str) -> None:
        log = open(self.home / f"{len(self.processes)}-{args[0]}.log", "w")  # noqa: SIM115 (closed in stop)
        self._logs.append(log)
        self.processes.append(subprocess.Popen([str(BIN / "dask"), *args], cwd=self.home, env=env, stdout=log,
                                               stderr=log, start_new_session=True))

    @property
    def scheduler(self) -> subprocess.Popen:
        """The scheduler's process."""
        return self.processes[0]

    def client(self, timeout: float = 60.0):
        """A ``distributed.Client`` of the scheduler, once it is up and every worker has joined.

        Waits up to ``timeout`` seconds for the scheduler file, as long again
        to connect and for the workers; raises RuntimeError (with the
        scheduler's log) when the scheduler ended or never wrote its file.
        """
        from distributed import Client

        deadline = time.monotonic() + timeout
        while not self.scheduler_file.exists():
            if self.scheduler.poll() is not None or time.monotonic() > deadline:
                log = (self.home / "0-scheduler.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the Dask scheduler did not come up:\n{log}")
            time.sleep(0.1)
        client = Client(scheduler_file=str(self.scheduler_file), timeout=f"{timeout:g}s", set_as_default=False)
        try:
            client.wait_for_workers(self.workers, timeout=timeout)
        except BaseException:
            client.close()
            raise
        return client

    def stop(self) -> None:
        """End the processes this cluster started (their process groups: SIGTERM, after 15 s SIGKILL)."""
        for proc in self.processes:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            except ProcessLookupError:  # already gone (a test may kill the scheduler itself)
                proc.wait()
        for log in self._logs:
            log.close()

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
