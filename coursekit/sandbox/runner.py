"""The trusted side: start a sandboxed worker and call student functions through it.

The worker runs ``python -I`` in new user, network, PID and mount namespaces
(``unshare``) when the kernel allows it, with limits on CPU time, address
space, file size and open files, in a scratch folder holding a copy of the
submission's ``nnlib`` only. If namespaces are unavailable the runner says
so on stderr and still applies the limits.
"""

from __future__ import annotations

import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from coursekit.sandbox.protocol import ProtocolError, decode, encode, read_message

UNSHARE = ["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--mount"]
WORKER = Path(__file__).with_name("worker.py")


class WorkerFault(RuntimeError):
    """The student's code broke the worker (crash, exit, time-out, bad reply)."""


def namespaces_available() -> bool:
    """True when ``unshare`` can create the namespaces here."""
    if shutil.which("unshare") is None:
        return False
    return subprocess.run([*UNSHARE, "true"], capture_output=True).returncode == 0


def _limits(cpu_seconds: int, memory_bytes: int, file_bytes: int):
    def apply() -> None:
        os.setsid()  # its own process group, so a time-out kills everything it started
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    return apply


class SandboxFunctions:
    """The ``nn`` namespace of a submission, each function run in the sandbox.

    Parameters
    ----------
    submission : path
        A folder holding the student's ``nnlib/`` package.
    timeout : float
        Wall-clock seconds per call before the worker is killed (and restarted).
    """

    def __init__(self, submission, *, timeout: float = 10.0, memory_mb: int = 2048):
        from nnlib.exercises import EXERCISES

        self._home = {ex.function: ex.module for ex in EXERCISES}
        self._timeout = timeout
        self._memory = memory_mb * 1024 * 1024
        self._scratch = Path(tempfile.mkdtemp(prefix="nnfs-sandbox-"))
        shutil.copytree(Path(submission) / "nnlib", self._scratch / "nnlib",
                        ignore=shutil.ignore_patterns("__pycache__"))
        self._isolated = namespaces_available()
        if not self._isolated:
            print("WARNING: no Linux namespaces here: student code runs with resource limits only",
                  file=sys.stderr)
        self._proc = None

    def _start(self) -> None:
        cmd = [sys.executable, "-I", str(WORKER), str(self._scratch)]
        self._proc = subprocess.Popen(
            [*UNSHARE, *cmd] if self._isolated else cmd,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=self._scratch, preexec_fn=_limits(int(self._timeout) + 5, self._memory, 64 * 1024 * 1024),
        )

    def _kill(self) -> None:
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc.wait()
            self._proc = None

    def close(self) -> None:
        """Stop the worker and delete the scratch folder."""
        self._kill()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, function: str, args: tuple, kwargs: dict):
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        try:
            self._proc.stdin.write(encode(("call", self._home[function], function, list(args), sorted(kwargs.items()))))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._kill()
            raise WorkerFault(f"{function}: the worker stopped before it could be called") from None
        ready, _, _ = select.select([self._proc.stdout], [], [], self._timeout)
        if not ready:
            self._kill()
            raise WorkerFault(f"{function} took longer than {self._timeout:g} s and was stopped")
        try:
            reply = decode(read_message(self._proc.stdout))
        except EOFError:
            status = self._proc.wait()
            self._proc = None
            how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
            raise WorkerFault(f"{function}: the process running your code {how}") from None
        except ProtocolError as exc:
            self._kill()
            raise WorkerFault(f"{function} sent back something that is not plain data: {exc}") from None
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "raise":
            _, name, message = reply
            raise (NotImplementedError if name == "NotImplementedError" else WorkerFault)(
                message if name == "NotImplementedError" else f"{function} raised {name}: {message}"
            )
        raise WorkerFault(f"{function} returned something that is not plain data: {reply[1]}")

    def __getattr__(self, function: str):
        if function.startswith("_") or function not in self._home:
            raise AttributeError(function)

        def call(*args, **kwargs):
            return self._call(function, args, kwargs)

        call.__name__ = function
        return call
