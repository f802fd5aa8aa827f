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
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from coursekit.sandbox.protocol import ProtocolError, arrays_in, decode, encode, read_message
from nnlib.testing import CheckFailure, CheckTimeout

UNSHARE = ["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--mount", "--mount-proc"]
WORKER = Path(__file__).with_name("worker.py")


class WorkerFault(CheckFailure):
    """The student's code broke the worker (crash, exit, time-out, bad reply).

    A CheckFailure, so the check that made the call fails with this message.
    """


#: Exceptions a student function may raise that checks can expect by type;
#: they are raised again here with the student's message (a string). Any other
#: exception becomes a WorkerFault.
RERAISED = {
    cls.__name__: cls
    for cls in (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, FloatingPointError,
                OverflowError, MemoryError, RecursionError, AttributeError, NotImplementedError)
}


def namespaces_available() -> bool:
    """True when ``unshare`` can create the namespaces here."""
    if shutil.which("unshare") is None:
        return False
    return subprocess.run([*UNSHARE, "true"], capture_output=True).returncode == 0


#: Every worker's scratch folder (and every precomputation's) lives here, hidden from the others.
SANDBOXES = Path(tempfile.gettempdir()) / "nnfs-sandboxes"


def scratch_folder(prefix: str) -> Path:
    """A new private folder under :data:`SANDBOXES`."""
    SANDBOXES.mkdir(mode=0o711, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=SANDBOXES))


def _needed() -> list[Path]:
    """Folders the worker needs: the Python running it, and this checkout (coursekit)."""
    from coursekit import ROOT

    return [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), ROOT.resolve()]


def hidden_paths() -> list[Path]:
    """Folders the worker must not see, deepest first.

    The reference, the tests, the history and the grader's own nnlib; the
    course folder (hidden tests, gradebook, every submission); the other
    workers' scratch folders. Never a folder holding what the worker needs.
    """
    from coursekit import ROOT
    from coursekit.grading import COURSE_DIR

    needed = _needed()
    paths = {p.resolve() for p in (ROOT / "solutions", ROOT / "tests", ROOT / ".git", ROOT / "nnlib",
                                    COURSE_DIR, SANDBOXES) if p.is_dir()}
    safe = [p for p in paths if not any(p == n or p in n.parents for n in needed)]
    return sorted(safe, key=lambda p: len(p.parts), reverse=True)


def sandbox_command(scratch: Path, command: list[str]) -> list[str]:
    """``command`` in new namespaces, seeing its scratch folder as /mnt and none of :func:`hidden_paths`.

    Inside the new mount namespace: the scratch folder is bind-mounted on
    /mnt; /tmp, /var/tmp and /dev/shm become private and empty (what the
    worker needs from the old /tmp, such as a checkout or a virtual
    environment living there, is bound back at the same path); then an empty
    tmpfs covers each hidden folder that is still visible; then the command
    starts in /mnt. Nothing the worker writes outside /mnt survives it.
    """
    tmp = Path(tempfile.gettempdir()).resolve()
    keep = sorted({n for n in _needed() if tmp in n.parents})
    keep = [k for k in keep if not any(other in k.parents for other in keep)]
    q = shlex.quote
    steps = [f"mount --bind {q(str(scratch))} /mnt"]
    if keep:
        steps.append(f"mount --bind {q(str(tmp))} /srv")  # hold the old /tmp while it is replaced
    steps += [f"mount -t tmpfs -o size=256m tmpfs {q(str(tmp))}",
              "mount -t tmpfs -o size=64m tmpfs /var/tmp",
              "mount -t tmpfs -o size=64m tmpfs /dev/shm"]
    for path in keep:
        rel = path.relative_to(tmp)
        steps += [f"mkdir -p {q(str(path))}", f"mount --bind {q(str(Path('/srv') / rel))} {q(str(path))}"]
    if keep:
        steps.append("umount -l /srv")
    for path in hidden_paths():
        if tmp not in path.parents or any(k == path or k in path.parents for k in keep):
            steps.append(f"mount -t tmpfs -o size=64k tmpfs {q(str(path))}")
    script = " && ".join([*steps, "cd /mnt", 'exec "$@"'])
    return [*UNSHARE, "sh", "-c", script, "sandbox", *command]


#: The unprivileged account workers run as when the grader runs as root.
NOBODY = 65534
#: Processes the worker account may have at once (a fork bomb stops here).
MAX_PROCESSES = 64


def _limits(cpu_seconds: int, memory_bytes: int, file_bytes: int):
    def apply() -> None:
        os.setsid()  # its own process group, so a time-out kills everything it started
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        if os.geteuid() == 0:  # never run student code as root; count processes per worker account
            resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    return apply


class SandboxFunctions:
    """The ``nn`` namespace of a submission, each function run in the sandbox.

    Parameters
    ----------
    submission : path
        A folder holding the student's ``nnlib/`` package.
    timeout : float
        Wall-clock seconds per call before the worker is killed (and restarted).
    reference_modules : sequence of str
        Modules (e.g. ``"layers"``) whose reference replaces the student's copy
        in the worker, so that a later chapter's checks do not also grade the
        earlier functions it calls. Never pass the module under test.
    """

    def __init__(self, submission, *, timeout: float = 10.0, memory_mb: int = 2048, reference_modules=()):
        from nnlib.exercises import EXERCISES

        self._home = {ex.function: ex.module for ex in EXERCISES}
        self._timeout = timeout
        self._memory = memory_mb * 1024 * 1024
        self._scratch = scratch_folder("worker-")
        shutil.copytree(Path(submission) / "nnlib", self._scratch / "nnlib", symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
        for module in reference_modules:
            from coursekit.assignment import reference_source

            (self._scratch / "nnlib" / f"{module}.py").write_text(reference_source(module))
        if os.geteuid() == 0:  # the worker runs as nobody and must read (and may write) its copy
            for path in [self._scratch, *self._scratch.rglob("*")]:
                os.chown(path, NOBODY, NOBODY, follow_symlinks=False)  # never the target of a link
        self._isolated = namespaces_available()
        if not self._isolated:
            print("WARNING: no Linux namespaces here: student code runs with resource limits only",
                  file=sys.stderr)
        self._proc = None

    def _start(self) -> None:
        if self._isolated:
            cmd = sandbox_command(self._scratch, [sys.executable, "-I", str(WORKER), "/mnt"])
        else:
            cmd = [sys.executable, "-I", str(WORKER), str(self._scratch)]
        self._proc = subprocess.Popen(
            cmd,
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

    def _send(self, function: str, message, register) -> None:
        try:
            self._proc.stdin.write(encode(message, register))
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self._kill()
            raise WorkerFault(f"{function}: the process running your code stopped") from None

    def _receive(self, function: str, deadline: float):
        ready, _, _ = select.select([self._proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            self._kill()
            raise CheckTimeout(f"took longer than {self._timeout:g} s and was stopped")
        try:
            return decode(read_message(self._proc.stdout))
        except EOFError:
            status = self._proc.wait()
            self._proc = None
            how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
            raise WorkerFault(f"{function}: the process running your code {how}") from None
        except ProtocolError as exc:
            self._kill()
            raise WorkerFault(f"{function} sent back something that is not plain data: {exc}") from None

    def _call(self, function: str, args: tuple, kwargs: dict):
        try:
            return self._exchange(function, args, kwargs)
        except Exception:  # the student's exception, raised again here: the worker is fine
            raise
        except BaseException:  # interrupted (a check's time limit): the worker is mid-call
            self._kill()
            raise

    def _exchange(self, function: str, args: tuple, kwargs: dict):
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        callbacks = []  # functions the check passed in; they run here, called back by number

        def register(fn) -> int:
            callbacks.append(fn)
            return len(callbacks) - 1

        self._send(function, ("call", self._home[function], function, list(args), sorted(kwargs.items())), register)
        deadline = time.monotonic() + self._timeout
        while True:
            reply = self._receive(function, deadline)
            if not isinstance(reply, tuple) or not reply:
                raise WorkerFault(f"{function}: unreadable reply")
            if reply[0] == "callback" and len(reply) == 4 and isinstance(reply[1], int) \
                    and 0 <= reply[1] < len(callbacks):
                try:
                    answer = ("result", callbacks[reply[1]](*reply[2], **dict(reply[3])))
                except WorkerFault:
                    raise
                except Exception as exc:  # the check's own function failed on the student's input
                    answer = ("raise", type(exc).__name__, str(exc)[:500])
                self._send(function, answer, register)
                continue
            if reply[0] == "ok" and len(reply) == 5:
                return self._apply(args, kwargs, *reply[1:])
            if reply[0] == "raise" and len(reply) == 3:
                _, name, message = reply
                if name in RERAISED:
                    raise RERAISED[name](message)
                raise WorkerFault(f"{function} raised {name}: {message}")
            raise WorkerFault(f"{function} returned something that is not plain data: {reply[-1]}")

    @staticmethod
    def _apply(args, kwargs, value, states, changed, same):
        """Make the call's side effects visible here, as if the function had run in this process."""
        for arg, state in zip([*args, *kwargs.values()], states or [], strict=False):
            if isinstance(arg, np.random.Generator) and isinstance(state, dict):
                arg.bit_generator.state = state  # draws made in the worker count here too
        inputs = arrays_in([list(args), dict(kwargs)])
        for item in changed or []:
            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], int) and 0 <= item[0] < len(inputs):
                target, new = inputs[item[0]], item[1]
                if isinstance(new, np.ndarray) and new.shape == target.shape and target.flags.writeable:
                    np.copyto(target, new, casting="unsafe")  # the function modified this argument in place
        if isinstance(same, int) and 0 <= same < len(inputs):
            return inputs[same]  # the function returned its argument itself, not a new array
        return value

    def __getattr__(self, function: str):
        if function.startswith("_") or function not in self._home:
            raise AttributeError(function)

        def call(*args, **kwargs):
            return self._call(function, args, kwargs)

        call.__name__ = function
        return call
