"""Verdicts computed on a Dask cluster: grading past one machine.

``python -m coursekit autograde chNN --scheduler tcp://HOST:8786`` (or
``NNFS_DASK_SCHEDULER``, or ``c.SandboxedChecks.scheduler``) computes every
submission's verdicts on the workers of a `Dask distributed
<https://distributed.dask.org>`_ cluster instead of a local process pool,
then runs the one ``nbgrader autograde`` that writes the gradebook, exactly as
the local path does.

- The instructor's machine assembles each submission as autograde will see
  it (:func:`coursekit.sandbox.verdicts._assemble`: refused submissions stop
  there), and sends a task holding only that submission's ``nnlib/`` files
  (bytes), the assignment's check cells and the settings: never the
  gradebook, the course folder or another student's files.
- A worker (``dask worker``, with the kit and its environment) writes them to
  a private scratch folder with the rules of
  :func:`coursekit.submissions.check_submission` and runs the same sandbox as
  the local path (:func:`coursekit.sandbox.verdicts.verdicts_from_files`).
  The task is a pure function of its input: a worker that dies takes nothing
  with it, and Dask runs the task again elsewhere.
- Only JSON text comes back. The instructor keeps a verdict only when it is
  well formed and its fingerprint is the one computed here from the same
  files, and stores it where ``nbgrader autograde`` looks
  (:func:`coursekit.sandbox.verdicts.cached`, fingerprint checked again there).
  Each student is stored once; a submission whose verdict could not be
  computed is reported and nbgrader grades it live.
- Before anyone is graded every worker proves its sandbox with a trusted
  call and that it runs the same kit (:func:`kit_digest`); the scheduler
  going away stops the command (:class:`ClusterUnavailable`) before
  nbgrader runs, so the gradebook is not touched.

Dask is imported only here, and only when a scheduler is given.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

#: The environment variable naming the scheduler (``tcp://HOST:PORT`` or a scheduler file).
SCHEDULER_ENV = "NNFS_DASK_SCHEDULER"
#: ``--scheduler local`` grades on this machine even when a scheduler is configured.
LOCAL = "local"


class ClusterUnavailable(Exception):
    """The cluster cannot compute the verdicts (no scheduler, no worker, a broken worker); nothing was graded."""


def scheduler_address(cli: str | None, configured: str = "") -> str | None:
    """The scheduler to use: ``--scheduler``, else ``$NNFS_DASK_SCHEDULER``, else the configuration; None for local."""
    value = cli if cli is not None else os.environ.get(SCHEDULER_ENV) or configured or ""
    return None if value.strip() in ("", LOCAL) else value.strip()


# --------------------------------------------------------------------------
# What runs on a worker
# --------------------------------------------------------------------------

_DIGEST: dict[tuple, str] = {}
#: One submission at a time per worker process: the check registry is process-wide.
_LOCK = threading.Lock()


def kit_digest(modules: tuple[str, ...] | list[str] = ()) -> str:
    """Hash of what decides a verdict besides the submission: the grader's ``nnlib``, the sandbox, NumPy, Python.

    The instructor's machine and every worker must agree on it, or the
    cluster's verdicts could differ from the local path's.
    """
    key = tuple(modules)
    if key not in _DIGEST:
        import numpy

        import coursekit
        import nnlib

        kit = Path(coursekit.__file__).resolve().parent
        # Every folder of the grader's package: the reference's solutions/nnlib adds the kit's nnlib/.
        files = [(f"nnlib{i}", Path(folder).resolve(), "**/*.py") for i, folder in enumerate(nnlib.__path__)]
        files += [("sandbox", kit / "sandbox", "*.py")]
        files += [("coursekit", kit, name) for name in ("assignment.py", "generate.py", "submissions.py")]
        files += [("reference", coursekit.ROOT / "solutions" / "nnlib", f"{m}.py") for m in key]
        digest = hashlib.sha256(json.dumps([numpy.__version__, list(sys.version_info[:2])]).encode())
        for label, folder, pattern in files:
            for path in sorted(folder.glob(pattern)):
                if "__pycache__" not in path.parts:
                    digest.update(f"{label}/{path.relative_to(folder).as_posix()}".encode() + b"\0" + path.read_bytes())
        _DIGEST[key] = digest.hexdigest()
    return _DIGEST[key]


def _where() -> str:
    """The address of the Dask worker running this (or the host name outside a worker), for messages."""
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        import socket

        return socket.gethostname()


class _WorkerProblem(Exception):
    """A machine that cannot compute verdicts the instructor can use (never the student's fault)."""


def _probe(modules: list[str]) -> str:
    """The kit digest and whether the sandbox works here (JSON)."""
    import coursekit.sandbox.verdicts  # noqa: F401 (imported now, the first submission is not slower)
    from coursekit.sandbox.runner import SandboxUnavailable, prove_sandbox

    try:
        prove_sandbox()
        problem = None
    except SandboxUnavailable as exc:
        problem = str(exc)
    return json.dumps({"kit": kit_digest(modules), "sandbox": problem, "python": sys.executable})


def _verdicts(request: dict) -> str:
    """The verdicts of the submission in ``request`` (JSON); raises _WorkerProblem when this machine cannot grade."""
    import base64

    from coursekit.sandbox.runner import SandboxUnavailable
    from coursekit.sandbox.verdicts import verdicts_from_files
    from coursekit.submissions import SubmissionRejected

    where = request.get("where", "a worker")
    if kit_digest(request["modules"]) != request["kit"]:
        raise _WorkerProblem(f"the worker {where} runs another version of the kit (or NumPy) than the "
                             "instructor: its verdicts could differ; update it")
    try:
        files = {name: base64.b64decode(data, validate=True) for name, data in request["files"].items()}
        key, cells = verdicts_from_files(files, request["cells"], request["modules"], request["timeout"],
                                         request["budget"])
    except SandboxUnavailable as exc:  # the worker's fault, never the student's
        raise _WorkerProblem(f"the sandbox does not work on {where}: {exc}") from None
    except SubmissionRejected as exc:
        return json.dumps({"problem": str(exc)})
    except Exception as exc:  # noqa: BLE001 (as the local path: one student's problem stops no one)
        return json.dumps({"problem": f"could not be checked beforehand ({type(exc).__name__}: {exc}); "
                                      "nbgrader will grade it"})
    return json.dumps({"fingerprint": key, "cells": cells})


def _serve() -> None:
    """The grading process of one Dask worker: requests on stdin, one JSON reply per line on stdout.

    Verdicts are computed in the main thread of a process of their own, as
    in the local path's process pool (a check's CPU-time limit needs the main
    thread; a Dask task runs in a thread of the worker). It exits when its
    Dask worker does.
    """
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever else prints goes to the worker's log, never into a reply
    sys.stdout = sys.stderr
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)  # the Dask worker died: stop (the sandboxes die with this process)

    threading.Thread(target=watch, daemon=True).start()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = {"ok": _probe(request["modules"]) if request["kind"] == "probe" else _verdicts(request)}
        except _WorkerProblem as exc:
            reply = {"error": str(exc)}
        out.write(json.dumps(reply) + "\n")
        out.flush()


_HELPER: list = []


def _ask(request: dict, wall: float) -> str:
    """Send ``request`` to this worker's grading process (started when needed); its ``ok`` reply."""
    import select
    import subprocess

    import coursekit
    import nnlib

    if not _HELPER or _HELPER[0].poll() is not None:
        _HELPER.clear()
        # The same kit as this worker: its coursekit and nnlib first on the path.
        path = [str(Path(coursekit.__file__).resolve().parents[1]), str(Path(nnlib.__file__).resolve().parents[1])]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [*path, os.environ.get("PYTHONPATH")])))
        _HELPER.append(subprocess.Popen([sys.executable, "-m", "coursekit.sandbox.cluster", "--serve"], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1 << 20))
    helper = _HELPER[0]
    try:
        helper.stdin.write(json.dumps({**request, "where": _where()}) + "\n")
        helper.stdin.flush()
        if not select.select([helper.stdout], [], [], wall)[0]:
            raise _WorkerProblem(f"the grading process on {_where()} did not answer within {wall:g} s")
        line = helper.stdout.readline()
        if not line:
            raise _WorkerProblem(f"the grading process on {_where()} stopped")
        reply = json.loads(line)
    except (OSError, ValueError, _WorkerProblem) as exc:
        helper.kill()
        helper.wait()
        _HELPER.clear()
        raise RuntimeError(str(exc)) from None
    if "error" in reply:
        raise RuntimeError(reply["error"])
    return reply["ok"]


def probe_worker(modules: list[str]) -> str:
    """Run as a Dask task on each worker before grading: its kit digest and whether its sandbox works (JSON)."""
    with _LOCK:
        return _ask({"kind": "probe", "modules": list(modules)}, wall=300.0)


def verdict_task(payload: dict) -> str:
    """One submission's verdicts, computed on a Dask worker; returns JSON text.

    ``payload`` holds the submission's ``nnlib/`` files (bytes), the check
    cells, the settings and the instructor's kit digest. The result depends on
    nothing else (pure and idempotent: computed again anywhere, the answer is
    the same). A problem of the submission is an answer; a worker that cannot
    grade raises, so that Dask tries again.
    """
    import base64

    request = {**payload, "kind": "verdicts",
               "files": {name: base64.b64encode(data).decode() for name, data in payload["files"].items()}}
    with _LOCK:
        return _ask(request, wall=2 * payload["budget"] + 300.0)


# --------------------------------------------------------------------------
# The instructor's side
# --------------------------------------------------------------------------


def _plain_verdicts(cells: dict[str, str], value) -> dict[str, list] | None:
    """``value`` if it is exactly the verdicts of these cells, as grade_cells makes them; else None."""
    from coursekit.sandbox.verdicts import MAX_REPORT

    if not isinstance(value, dict) or set(value) != set(cells):
        return None
    for verdict in value.values():
        if not (isinstance(verdict, list) and len(verdict) == 3):
            return None
        text, failure, share = verdict
        if not (isinstance(text, str) and len(text) <= MAX_REPORT + 100 and (failure is None or isinstance(
                failure, str) and len(failure) <= 1000) and isinstance(share, int | float)
                and not isinstance(share, bool) and 0.0 <= share <= 1.0):
            return None
    return value


class _Progress:
    """One line: submissions done, failed and remaining (redrawn on a terminal, every 5% otherwise)."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._shown = -1

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        step = max(1, self.total // 20)
        if self.tty or self.done == self.total or self.done // step != self._shown:
            self._shown = self.done // step
            width = 30
            filled = width * self.done // max(1, self.total)
            line = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done - self.failed} done, {self.failed} failed, "
                    f"{self.total - self.done} remaining")
            self.stream.write(("\r" + line) if self.tty else line + "\n")
            if self.tty and self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()


def _connect(scheduler: str, timeout: float | None):
    from distributed import Client

    kwargs = {"set_as_default": False}
    if timeout is not None:  # otherwise Dask's own setting (distributed.comm.timeouts.connect, 30 s by default)
        kwargs["timeout"] = f"{timeout}s"
    try:
        if scheduler.endswith(".json") and Path(scheduler).is_file():
            return Client(scheduler_file=scheduler, **kwargs)
        return Client(scheduler, **kwargs)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterUnavailable(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


def _probe_workers(client, modules: list[str], wait: float) -> tuple[dict, dict]:
    """Start a probe on every connected worker (:func:`probe_worker`); returns the workers and the probes."""
    try:
        client.wait_for_workers(1, timeout=wait)
    except TimeoutError:
        raise ClusterUnavailable(f"no Dask worker joined the scheduler within {wait:g} s") from None
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    futures = {addr: client.submit(probe_worker, modules, workers=[addr], allow_other_workers=False, pure=False,
                                   key=f"nnfs-probe-{addr}-{time.time_ns()}") for addr in workers}
    return workers, futures


def _prove_workers(workers: dict, futures: dict, kit: str) -> int:
    """Every probed worker runs the same kit and a working sandbox; returns their thread count."""
    problems = []
    for addr, future in futures.items():
        try:
            report = json.loads(future.result(timeout=120))
        except Exception as exc:  # noqa: BLE001 (a worker that cannot even answer)
            problems.append(f"{addr}: {type(exc).__name__}: {exc}")
            continue
        if report.get("sandbox"):
            problems.append(f"{addr}: {report['sandbox']}")
        elif report.get("kit") != kit:
            problems.append(f"{addr} ({report.get('python')}): runs another version of the kit (or NumPy) than "
                            "this machine: update it so that its verdicts are the same")
    if problems:
        raise ClusterUnavailable("a worker cannot grade safely:\n  " + "\n  ".join(problems))
    return sum(info.get("nthreads", 1) for info in workers.values()) or 1


def precompute_on_cluster(course: Path, assignment: str, modules: list[str], timeout: float, scheduler: str,
                          budget: float = 300.0, *, connect_timeout: float | None = None, worker_wait: float = 60.0,
                          retries: int = 2, progress=None) -> list[tuple[str, str | None]]:
    """:func:`coursekit.sandbox.verdicts.precompute` on the Dask cluster at ``scheduler``.

    Returns ``(student, problem)`` pairs, one per submitted student in the
    order of the local path; ``problem`` is None when the verdicts are stored.
    Raises :class:`ClusterUnavailable` when the cluster cannot be used (the
    scheduler unreachable or gone, no worker, a worker without its sandbox or
    with another kit); verdicts stored before that are kept (each is checked
    by its fingerprint, so a second run or nbgrader can use or replace them).
    """
    from distributed import as_completed
    from distributed.client import FutureCancelledError

    from coursekit.sandbox.runner import scratch_folder
    from coursekit.submissions import SubmissionRejected

    kit = kit_digest(modules)
    outcome: dict[str, str | None] = {}

    def submit(client, job):
        """The task of one job (None when the submission is refused here already)."""
        _, _, student, cells, _, _, _, files = job
        scratch = scratch_folder("verdict-")
        try:
            folder = _assemble(course / "submitted" / student / assignment, course / "source" / assignment,
                               files, scratch)
            key = fingerprint(folder, cells, modules, timeout, budget)
            payload = {"files": package_files(folder), "cells": cells, "modules": list(modules),
                       "timeout": timeout, "budget": budget, "kit": kit}
        except SubmissionRejected as exc:
            outcome[student] = str(exc)  # nbgrader autograde rejects it again, with the same message
            bar.update(True)
            return None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        name = hashlib.sha256(json.dumps([assignment, student, key, kit]).encode()).hexdigest()[:24]
        future = client.submit(verdict_task, payload, key=f"nnfs-verdicts-{assignment}-{name}", pure=False,
                               retries=retries)
        return future, student, key, cells

    client = _connect(scheduler, connect_timeout)
    try:
        workers, probes = _probe_workers(client, modules, worker_wait)
        from coursekit.sandbox.verdicts import _assemble, fingerprint, package_files, precompute_jobs, store

        jobs = precompute_jobs(course, assignment, modules, timeout, budget)  # while the workers get ready
        bar = _Progress(len(jobs), progress)
        window = 2 * _prove_workers(workers, probes, kit) + 2
        pending = iter(jobs)
        running: dict = {}
        done = as_completed([], loop=client.loop)

        def fill():
            while len(running) < window:
                job = next(pending, None)
                if job is None:
                    return
                task = submit(client, job)
                if task is not None:
                    running[task[0].key] = task
                    done.add(task[0])

        fill()
        for future in done:
            _, student, key, cells = running.pop(future.key)
            if future.status == "cancelled" or client.status not in ("running", "newly-created"):
                raise ClusterUnavailable(f"lost the connection to the Dask scheduler at {scheduler}; "
                                         "no grade was written: run the command again")
            problem = None
            if future.status == "error":
                exc = future.exception()
                problem = (f"could not be checked on the cluster ({type(exc).__name__}: {str(exc)[:500]}); "
                           "nbgrader will grade it")
            else:
                try:
                    reply = json.loads(future.result())
                except FutureCancelledError:
                    raise ClusterUnavailable(f"lost the connection to the Dask scheduler at {scheduler}; "
                                             "no grade was written: run the command again") from None
                except (TypeError, ValueError):
                    reply = {}
                verdicts = _plain_verdicts(cells, reply.get("cells")) if isinstance(reply, dict) else None
                if isinstance(reply, dict) and isinstance(reply.get("problem"), str) and "cells" not in reply:
                    problem = reply["problem"][:2000]
                elif verdicts is None or reply.get("fingerprint") != key:
                    problem = "the cluster sent back verdicts that do not match the files; nbgrader will grade it"
                else:
                    store(course, assignment, student, key, verdicts)
            outcome[student] = problem
            future.release()
            bar.update(problem is not None)
            fill()
    finally:
        client.close()
    missing = [job[2] for job in jobs if job[2] not in outcome]
    if missing:  # cannot happen unless the loop above ended early: never skip anyone silently
        raise ClusterUnavailable(f"{len(missing)} submission(s) were not checked: {', '.join(missing[:10])}")
    return [(job[2], outcome[job[2]]) for job in jobs]


if __name__ == "__main__" and sys.argv[1:] == ["--serve"]:
    _serve()
