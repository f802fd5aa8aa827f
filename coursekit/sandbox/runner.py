"""The trusted side: start a sandboxed worker and call student functions through it.

Student code runs under `bubblewrap <https://github.com/containers/bubblewrap>`_
(``bwrap``, the sandbox Flatpak uses), never in the grader:

- with no capabilities, in new user, PID, network, IPC and UTS namespaces,
  in its own session, dying with the grader;
- as an account of its own: when the grader runs as root each worker gets a
  uid of its own (:func:`_claim_uid`), so process limits and signals never
  reach another worker; run by another user it runs as that user;
- in a minimal, read-only view of the system: ``/usr`` and the Python that
  runs it (the interpreter and the virtual environment, read-only), its
  own copy of the submission at ``/mnt`` (read-only too, so it cannot fill
  the disk), a fresh ``/proc``, a minimal ``/dev`` and empty private ``/tmp``
  and ``/dev/shm`` of 64 MiB each (they are memory). The checkout,
  the reference, the tests, the course folder (hidden tests, gradebook, the
  other submissions), the other workers and the host ``/tmp`` do not exist
  there, and mounts cannot be undone without capabilities;
- with no user namespace of its own inside (``--disable-userns``) and a
  system-call filter refusing memfds and System V shared memory
  (:func:`seccomp_program`), memory that the limits below would not count;
- with an empty environment but for a few settings (:data:`WORKER_ENV`),
  limits on memory, file size, open files and processes, and time limits
  measured in time the call used (CPU and sleep), not time spent waiting
  for a busy machine (:class:`CallClock`).

Run as root, the grader binds the Python folders onto folders of its own
in the worker's private mount namespace before the worker drops to its
account, so a worker needs no permission on the folders above them (a
checkout or a pyenv Python under a private home folder works). A grader that cannot start a worker
raises :class:`SandboxUnavailable`: it is never a student's zero.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import resource
import select
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from coursekit.sandbox.protocol import MAX_BYTES, MAX_HEADER, ProtocolError, arrays_in, decode, encode
from nnlib.testing import CheckFailure, CheckTimeout

#: The worker's two files, read when the grader starts: a worker always speaks the grader's protocol.
WORKER_FILES = {name: Path(__file__).with_name(name).read_bytes() for name in ("worker.py", "protocol.py")}


class WorkerFault(CheckFailure):
    """The student's code broke the worker (crash, exit, time-out, bad reply).

    A CheckFailure, so the check that made the call fails with this message.
    """


class SandboxUnavailable(BaseException):
    """The grader cannot run student code safely here; the message says how to fix it.

    A BaseException, so no check turns it into a student's failed check:
    grading stops instead.
    """


class StudentError(Exception):
    """Mixin marking an exception raised again from the student's own exception.

    Its text is the student's: hidden checks report only its type.
    """

    from_student = True


#: Exceptions a student function may raise that checks can expect by type;
#: they are raised again here with the student's message (a string). Any other
#: exception becomes a WorkerFault.
RERAISED = {
    cls.__name__: type(cls.__name__, (cls, StudentError), {})
    for cls in (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, FloatingPointError,
                OverflowError, MemoryError, RecursionError, AttributeError, NotImplementedError)
}

#: The words checks look for in the text of a student's exception (``"broadcast" in str(exc)``): the only part of
#: that text a hidden check gets (see SandboxFunctions._redacted). tests/test_sandbox.py finds every such word in
#: the checks and fails if one is missing here.
CHECKED_WORDS = ("broadcast", "overflow", "shape", "truth value", "he", "xavier")


def _hidden_check_running() -> bool:
    """True while a hidden check runs (its report must not carry anything the student's code chose)."""
    from nnlib import testing

    return bool(testing._HIDDEN[0])


#: The whole environment of a worker. BLAS runs on one thread: the same
#: arithmetic (and speed) for every student, whatever the machine; the
#: OpenBLAS core settings some processors need for correct results pass through.
WORKER_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
PASSED_THROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

#: Processes (and threads) one worker account may have at once: bwrap's two, the worker,
#: and a few for the student. A fork bomb stops here, and so does memory: each process may
#: map at most the worker's memory limit, so a worker's processes together hold a bounded amount.
MAX_PROCESSES = 8
#: Memory each worker process may map, in MiB: a worker grading chapter 8 maps about 140.
MEMORY_MB = 1024
#: Bytes a worker may write to its private /tmp and /dev/shm (each): they are memory, not disk.
SCRATCH_SPACE = 64 * 1024 * 1024
#: Bytes of arrays a student function may pass to a function the check gave it (a loss, an activation), or the
#: bytes of the call's own arrays if more: those functions run in the grader (the largest in the checks get 192).
CALLBACK_BYTES = 1024 * 1024
#: uids the grader gives workers when it runs as root (one per running worker).
WORKER_UIDS = range(1_700_000_000, 1_700_000_000 + 4096)
#: Where a root grader keeps its scratch folders and the locks that hand out worker uids.
STATE = Path("/run/nnfs-grader")


# --------------------------------------------------------------------------
# Private folders
# --------------------------------------------------------------------------

_PRIVATE: list[Path] = []


def _checked_folder(path: Path, mode: int) -> Path:
    """``path``, created with ``mode`` if missing; refused unless it is a real folder of ours with that mode."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, mode)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) != mode:
        raise SandboxUnavailable(f"{path} must be a folder owned by uid {os.geteuid()} with mode {mode:o}")
    return path


def private_root() -> Path:
    """The grader process's own folder for scratch copies: random name, owner and mode checked.

    Run as root it lives under :data:`STATE` (mode 0711, so each worker
    account can reach its own 0700 folder and nothing else); run by another
    user, in that user's temporary folder with mode 0700.
    """
    if not _PRIVATE:
        base = _checked_folder(STATE, 0o711) if os.geteuid() == 0 else None
        path = Path(tempfile.mkdtemp(prefix="nnfs-grader-", dir=base))  # 0700, O_EXCL: nobody else's
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            raise SandboxUnavailable(f"{path} is not a private folder of this user")
        if base is not None:
            os.chmod(path, 0o711)
        _PRIVATE.append(path)
        atexit.register(shutil.rmtree, path, ignore_errors=True)
    return _PRIVATE[0]


def scratch_folder(prefix: str) -> Path:
    """A new private folder (mode 0700) under :func:`private_root`."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=private_root()))


def _worker_lib() -> Path:
    """A private copy of the worker's two files, bound read-only into every sandbox."""
    lib = private_root() / "worker-lib"
    if not lib.is_dir():
        lib.mkdir(mode=0o755)
        for name, source in WORKER_FILES.items():
            (lib / name).write_bytes(source)
            os.chmod(lib / name, 0o644)
    return lib


# --------------------------------------------------------------------------
# Worker accounts
# --------------------------------------------------------------------------


def _claim_uid():
    """As root: an unused worker uid and the open lock file that holds it (released on close)."""
    locks = _checked_folder(_checked_folder(STATE, 0o711) / "uids", 0o700)
    start = os.getpid() % len(WORKER_UIDS)  # spread the search; the lock decides
    for k in range(len(WORKER_UIDS)):
        uid = WORKER_UIDS[(start + k) % len(WORKER_UIDS)]
        fd = os.open(locks / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        if _count_processes(uid):  # an earlier worker's processes (dying, or zombies nobody reaped) still count
            os.close(fd)
            continue
        return uid, fd
    raise SandboxUnavailable("every worker uid is in use")


def _count_processes(uid: int) -> int:
    """How many processes the account ``uid`` has now."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                count += os.stat(entry.path).st_uid == uid
    return count


CLONE_NEWNS, MS_BIND, MS_REC, MS_PRIVATE = 0x00020000, 4096, 16384, 1 << 18


def _libc_call(name: str, *args) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}: {os.strerror(errno)}")


def _bind_views(views: dict[Path, Path]) -> None:
    """In a new mount namespace of this process only: bind each source folder on its view folder.

    A worker account may have no right to pass through the folders above
    the Python or the virtual environment (a 0700 home folder); root binds
    them onto folders it can reach, and bwrap takes them from there.
    """
    if not views:
        return
    _libc_call("unshare", CLONE_NEWNS)
    _libc_call("mount", None, b"/", None, MS_REC | MS_PRIVATE, None)
    for source, view in views.items():
        _libc_call("mount", os.fsencode(source), os.fsencode(view), None, MS_BIND | MS_REC, None)


def _limits(uid: int | None, cpu_seconds: int, memory_bytes: int, file_bytes: int, views: dict[Path, Path]):
    """What the worker's process does before it becomes ``bwrap``: limits, then its account."""
    own = os.geteuid()
    # Run by an ordinary user, the account is shared with that user's own processes.
    nproc = MAX_PROCESSES if uid is not None else _count_processes(own) + MAX_PROCESSES

    def apply() -> None:
        os.setsid()  # its own process group, so a time-out kills everything it started
        # If memory runs out after all, the kernel stops a student's process, never the grader.
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("1000")
        _bind_views(views)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        if uid is not None:  # never run student code as root
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)

    return apply


# --------------------------------------------------------------------------
# The sandbox
# --------------------------------------------------------------------------


def _python_folders() -> list[Path]:
    """Folders the interpreter needs: the virtual environment and the Python it was made from."""
    folders = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent}
    folders = {f for f in folders if f != Path("/usr") and Path("/usr") not in f.parents}
    return sorted(f for f in folders if not any(other in f.parents for other in folders))


def bwrap_command(binds: dict[str, Path], command: list[str], seccomp_fd: int | None = None) -> list[str]:
    """The ``bwrap`` command line that runs ``command`` in the sandbox described above.

    ``binds`` maps each path the sandbox mounts to the folder it shows there:
    ``/mnt`` (the scratch copy), ``/sandbox`` (the worker's files)
    and the Python folders (read-only, at their own paths).
    """
    cmd = [
        # No user namespace of its own inside: in one, student code could mount a tmpfs with no size limit
        # (half the machine's memory, each) and fill the grader's RAM, and reach more of the kernel.
        "bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
        "--cap-drop", "ALL",
        "--hostname", "sandbox", "--clearenv",
        "--ro-bind", "/usr", "/usr",
    ]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            cmd += ["--ro-bind", str(path), str(path)]
    # The empty /tmp comes first: a Python folder that lives under /tmp (a checkout there) is bound on top of it.
    # Both are memory: without a size, a student could fill the grader's RAM by writing files.
    size = ["--size", str(SCRATCH_SPACE)]
    cmd += ["--proc", "/proc", "--dev", "/dev", *size, "--tmpfs", "/tmp", *size, "--tmpfs", "/dev/shm"]
    for dest, source in binds.items():  # all read-only: the submission copy too (or it could fill the disk)
        cmd += ["--ro-bind", str(source), dest]
    cmd += ["--remount-ro", "/", "--remount-ro", "/proc", "--chdir", "/mnt"]  # /proc/self/autogroup: see LOWER_PRIORITY
    if seccomp_fd is not None:  # the filter of seccomp_program(), read by bwrap from this descriptor
        cmd += ["--seccomp", str(seccomp_fd)]
    env = dict(WORKER_ENV, **{k: os.environ[k] for k in PASSED_THROUGH if k in os.environ})
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return [*cmd, "--", *command]


# --------------------------------------------------------------------------
# Memory the limits above do not count
# --------------------------------------------------------------------------

#: System calls that make memory no limit of the worker counts (files in the kernel's own shared-memory
#: mount, System V segments): they fail with EPERM in the sandbox. Numbers per architecture.
UNCOUNTED_MEMORY = {  # arch -> (AUDIT_ARCH value, {system call: number})
    "x86_64": (0xC000003E, {"memfd_create": 319, "memfd_secret": 447, "shmget": 29}),
    "aarch64": (0xC00000B7, {"memfd_create": 279, "memfd_secret": 447, "shmget": 194}),
}
#: rt_sigaction's number per architecture: setting what SIGCHLD does fails with EPERM in the sandbox (asking is
#: fine). A process that ignores SIGCHLD has its children reaped by the kernel, and their CPU time is then
#: nobody's: :class:`CallClock` could not count it.
SIGACTION = {"x86_64": 13, "aarch64": 134}
#: System calls that lower a process's priority (nice, SCHED_IDLE, SCHED_BATCH): they fail with EPERM in the
#: sandbox. A worker of low priority waits for a CPU whenever anything else runs, and :class:`CallClock`
#: leaves waiting out: a 1 s limit took 32 s beside two busy processes (the autogroup's nice, the other way,
#: is shut by a read-only /proc).
LOWER_PRIORITY = {
    "x86_64": {"setpriority": 141, "sched_setscheduler": 144, "sched_setattr": 314},
    "aarch64": {"setpriority": 140, "sched_setscheduler": 119, "sched_setattr": 274},
}
SIGCHLD = 17


def seccomp_program(machine: str | None = None) -> bytes:
    """A classic BPF seccomp filter (bwrap --seccomp) refusing :data:`UNCOUNTED_MEMORY`'s calls.

    Without it a submission could hold any amount of the grader's RAM: RLIMIT_AS counts memory mapped
    into a process, not a memfd written with write() nor a System V segment once detached (30 memfds
    of 60 MB took 1.8 GB in one call). System calls of another ABI (32-bit ones on x86_64, x32) fail
    with ENOSYS, so that no other number reaches the same call. A new action for SIGCHLD is refused too
    (:data:`SIGACTION`): children whose CPU time vanishes could keep the machine busy for a call that
    waits without counting it; so is a lower priority (:data:`LOWER_PRIORITY`), whose waiting would
    not count either.
    """
    import platform
    import struct

    machine = machine or platform.machine()
    arch, calls = UNCOUNTED_MEMORY[machine]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    refused = [*calls.values(), *LOWER_PRIORITY[machine].values()]
    # 0 load arch; 1 native? skip; 2 other ABI: ENOSYS; 3 load nr; 4 x32 numbers: ENOSYS; then one test per call.
    program = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, enosys), (ld, 0, 0, 0)]
    program.append((jge, len(refused) + 9, 0, 0x40000000))  # to the ENOSYS at the end
    for k, number in enumerate(refused):
        program.append((jeq, len(refused) + 7 - k, 0, number))  # to the EPERM below
    # rt_sigaction(SIGCHLD, act, ...) with act not NULL: EPERM. Arguments are 64 bits from offset 16 (little-endian).
    program += [
        (jeq, 0, 6, SIGACTION[machine]),  # another call: allowed
        (ld, 0, 0, 16), (jeq, 0, 4, SIGCHLD),  # another signal: allowed
        (ld, 0, 0, 24), (jeq, 0, 3, 0),  # act, low half: not 0 is refused
        (ld, 0, 0, 28), (jeq, 0, 1, 0),  # act, high half: 0 is allowed (only asking), else refused
    ]
    program += [(ret, 0, 0, allow), (ret, 0, 0, eperm), (ret, 0, 0, enosys)]
    return b"".join(struct.pack("=HBBI", *insn) for insn in program)


_PROBLEM: list[str | None] = []


def sandbox_problem() -> str | None:
    """Why student code cannot be sandboxed here (None when it can): checked once per process."""
    if not _PROBLEM:
        _PROBLEM.append(_find_problem())
    return _PROBLEM[0]


def _find_problem() -> str | None:
    if sys.platform != "linux":
        return "grading needs Linux (bubblewrap and user namespaces)"
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed: install the package `bubblewrap` (Debian/Ubuntu: "
                "`sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`); "
                "`python3 -m coursekit setup` does it when run as root")
    try:
        usage = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bubblewrap does not run: {exc}"
    import platform

    if platform.machine() not in UNCOUNTED_MEMORY:
        return (f"grading runs on {', '.join(UNCOUNTED_MEMORY)} Linux only (the sandbox's system-call filter "
                f"lists their numbers), not {platform.machine()}")
    if "--disable-userns" not in usage:
        return ("bubblewrap is too old: version 0.8 or later is needed (its --disable-userns keeps student code "
                "from creating user namespaces, in which it could mount memory without limit); Debian 12, "
                "Ubuntu 24.04 and Fedora ship it")
    return None


def require_sandbox() -> None:
    """Raise :class:`SandboxUnavailable` unless student code can be sandboxed here."""
    problem = sandbox_problem()
    if problem:
        raise SandboxUnavailable(f"cannot grade safely: {problem}")


def _child(pid: int) -> int | None:
    """The first child of process ``pid`` (None if it has none or is gone)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = f.read().split()
    except OSError:
        return None
    return int(children[0]) if children else None


class CallClock:
    """Time a call has used: wall time less the time it waited for a CPU, or the CPU its processes used.

    The kernel's scheduler statistics (``/proc/PID/schedstat``: time on a
    CPU, time waiting to get one) say how long a process waited because the
    machine was busy. That wait is not the student's, so a correct function
    never times out because other work shares the machine; time spent
    computing or sleeping counts.

    A wait the student's own processes cause is the student's, though: a function that starts a few
    processes that compute, and lowers the priority of its own, waits most of the time, so a 1 s limit
    took 22 s and a whole submission could keep the machine's CPUs busy for hours. So the clock also
    reads the CPU time used by every process of the sandbox (``tree``, the process that runs it, and
    all below), and a call has used the larger of the two.
    """

    def __init__(self, pid: int, tree: int | None = None):
        self._path = f"/proc/{pid}/schedstat"
        self._tree = tree
        self._wall = time.monotonic()
        self._last = 0.0
        self._cpu_last = 0.0
        self._waited = self._wait()
        self._cpu_start = self._cpu()
        self._frozen: float | None = None

    def _wait(self) -> float:
        try:
            with open(self._path) as f:
                self._last = int(f.read().split()[1]) / 1e9
        except (OSError, ValueError, IndexError):
            pass  # the process is gone: its last reading stands
        return self._last

    def _cpu(self) -> float:
        """CPU seconds the sandbox's processes have used so far, those already reaped included."""
        if self._tree is None:
            return 0.0
        ticks, pending = 0, [self._tree]
        while pending:  # parents are read before their children: a child reaped meanwhile is missed, never doubled
            pid = pending.pop()
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                ticks += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        pending.extend(int(child) for child in f.read().split())
            except (OSError, ValueError, IndexError):
                continue  # gone: its time is its parent's now
        self._cpu_last = max(self._cpu_last, ticks / os.sysconf("SC_CLK_TCK"))
        return self._cpu_last

    def used(self) -> float:
        """Seconds used since the clock started (until :meth:`freeze`)."""
        if self._frozen is not None:
            return self._frozen
        wall = time.monotonic() - self._wall
        waited = wall - max(0.0, self._wait() - self._waited)
        if wall < 0.1:  # the processes cannot have used much more in so short a call: save reading them all
            return waited
        return max(waited, self._cpu() - self._cpu_start)

    def freeze(self) -> float:
        """Stop the clock (before the process is killed) and return the time used."""
        if self._frozen is None:
            self._frozen = self.used()
        return self._frozen


class SandboxFunctions:
    """The ``nn`` namespace of a submission, each function run in the sandbox.

    Parameters
    ----------
    submission : path
        A folder holding the student's ``nnlib/`` package (already checked by
        :func:`coursekit.submissions.check_submission`).
    timeout : float
        Seconds one call may use (time waiting for a busy CPU excluded).
    budget : float
        Seconds all calls of this submission may use together; calls after
        that fail at once.
    reference_modules : sequence of str
        Modules (e.g. ``"layers"``) whose reference replaces the student's copy
        in the worker, so that a later chapter's checks do not also grade the
        earlier functions it calls. Never pass the module under test.
    """

    def __init__(self, submission, *, timeout: float = 10.0, budget: float = 300.0, memory_mb: int = MEMORY_MB,
                 reference_modules=()):
        from coursekit.submissions import copy_package
        from nnlib.exercises import EXERCISES

        require_sandbox()
        self._home = {ex.function: ex.module for ex in EXERCISES}
        self._timeout = timeout
        self._budget = budget
        self._used = 0.0
        self._memory = memory_mb * 1024 * 1024
        self._uid, self._lock = _claim_uid() if os.geteuid() == 0 else (None, None)
        self._scratch = scratch_folder("worker-")
        copy_package(Path(submission) / "nnlib", self._scratch / "nnlib")
        for module in reference_modules:
            from coursekit.assignment import reference_source

            (self._scratch / "nnlib" / f"{module}.py").write_text(reference_source(module))
        if self._uid is not None:  # the worker account must read (and may write) its own copy only
            for path in [self._scratch, *self._scratch.rglob("*")]:
                os.chown(path, self._uid, self._uid, follow_symlinks=False)
        self._proc = None
        self.startup_error = ""

    # -- the worker process -------------------------------------------------

    def _start(self) -> None:
        binds: dict[str, Path] = {"/mnt": self._scratch, "/sandbox": _worker_lib()}
        views: dict[Path, Path] = {}
        for folder in _python_folders():
            if self._uid is None:
                binds[str(folder)] = folder
            else:  # reached through a view root binds in the worker's own mount namespace
                view = private_root() / "views" / str(len(views))
                view.mkdir(parents=True, exist_ok=True)
                os.chmod(view.parent, 0o711)
                views[folder] = view
                binds[str(folder)] = view
        python = str(Path(sys.executable).parent.resolve() / Path(sys.executable).name)
        program = seccomp_program()
        read, write = os.pipe()  # the filter reaches bwrap through a pipe (it fits in the pipe's buffer)
        try:
            os.write(write, program)
            os.close(write)
            self._proc = subprocess.Popen(
                bwrap_command(binds, [python, "-I", "/sandbox/worker.py", "/mnt"], seccomp_fd=read),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/", pass_fds=(read,),
                preexec_fn=_limits(self._uid, int(self._budget) + 5, self._memory, 64 * 1024 * 1024, views),
            )
        finally:
            os.close(read)
        self._stderr_tail = b""
        self._stderr_open = True
        self._inbox = bytearray()  # bytes of the worker's replies read so far (never a blocking read)
        os.set_blocking(self._proc.stdin.fileno(), False)
        os.set_blocking(self._proc.stdout.fileno(), False)

    def _drain_stderr(self) -> None:
        """Keep the last few KiB of what the worker wrote to stderr (start-up errors live there)."""
        stream = self._proc.stderr
        for _ in range(16 if self._stderr_open else 0):  # at most 1 MiB a time: a flood of output never keeps the time limits from being checked
            if not select.select([stream], [], [], 0)[0]:
                break
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                self._stderr_open = False  # closed: select would report it ready for ever
                break
            self._stderr_tail = (self._stderr_tail + chunk)[-4096:]

    def _kill(self) -> None:
        if self._proc is not None:
            # The sandbox's init (PID 1 inside) first: its death kills and reaps everything inside, then
            # bwrap exits. Killing bwrap with it would orphan the init, which becomes a zombie of whoever
            # reaps orphans (the grader itself when it is a container's PID 1) and counts against the
            # worker account's process limit until then: a later worker of that account could not start.
            if self._kill_init():
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
            with contextlib.suppress(OSError, ValueError):
                self._drain_stderr()
            for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
                with contextlib.suppress(OSError):
                    stream.close()
            self._proc = None

    def _kill_init(self) -> bool:
        """SIGKILL the sandbox's init through a pidfd (never a reused pid); False if there is none."""
        if self._proc.poll() is not None or not hasattr(os, "pidfd_open"):
            return False
        init = _child(self._proc.pid)
        if init is None:
            return False
        try:
            fd = os.pidfd_open(init)
        except OSError:
            return False
        try:
            if _child(self._proc.pid) != init:  # it died before the pidfd was opened: the pid may be another's
                return False
            signal.pidfd_send_signal(fd, signal.SIGKILL)
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def close(self) -> None:
        """Stop the worker, delete the scratch folder, release the worker account."""
        self._kill()
        shutil.rmtree(self._scratch, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def ping(self, tries: int = 3) -> None:
        """Start the worker and prove it answers; after ``tries`` failures raise SandboxUnavailable.

        The worker has not imported any student code yet, so a failure here is
        the grader's (a missing package, a folder the worker cannot read, no
        free process), never the student's.
        """
        for attempt in range(tries):
            try:
                return self._ping_once()
            except SandboxUnavailable:
                if attempt == tries - 1:
                    raise
                time.sleep(0.5 * (attempt + 1))

    def _ping_once(self) -> None:
        try:
            self._start()
        except OSError as exc:
            raise SandboxUnavailable(f"the grading sandbox does not start: {exc}") from None
        try:
            clock = CallClock(self._proc.pid, tree=self._proc.pid)
            self._send("ping", ("ping",), None, clock, wall=60.0)
            reply = self._receive("ping", clock, wall=60.0)
        except (WorkerFault, CheckTimeout) as exc:
            self._drain_stderr_safely()
            error = self._stderr_tail.decode(errors="replace").strip() or str(exc)
            self._kill()
            raise SandboxUnavailable(f"the grading sandbox does not start: {error[-1500:]}") from None
        if reply != ("pong",):
            self._kill()
            raise SandboxUnavailable(f"the grading sandbox answered {reply!r} instead of pong")
        # bwrap -> bwrap's init (PID 1 inside) -> the Python worker: its scheduler statistics time each call.
        init = _child(self._proc.pid)
        self._worker_pid = (_child(init) if init else None) or self._proc.pid

    def _drain_stderr_safely(self) -> None:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self._drain_stderr()

    # -- one call ------------------------------------------------------------

    def _limits(self, wall: float | None) -> tuple[float, float]:
        """The time a call may use, and a wall-clock backstop that even a very busy machine reaches."""
        limit = min(self._timeout, self._budget - self._used) if wall is None else wall
        return limit, time.monotonic() + 10 * max(limit, 1.0) + 30

    def _check_time(self, clock: CallClock, limit: float, backstop: float, wall: float | None) -> None:
        """Stop the worker and raise CheckTimeout when the call has used its time."""
        used = clock.used()
        if used > limit or time.monotonic() > backstop:
            clock.freeze()  # _exchange counts it, once
            self._kill()
            if wall is None and self._used + used >= self._budget:
                raise CheckTimeout(f"used up the time budget of {self._budget:g} s for the whole submission")
            raise CheckTimeout(f"took longer than {self._timeout:g} s and was stopped")

    def _send(self, function: str, message, register, clock: CallClock, wall: float | None = None) -> None:
        """Write one message while the call has time left (a worker that stops reading cannot block the grader)."""
        data = memoryview(encode(message, register))
        limit, backstop = self._limits(wall)
        stdin = self._proc.stdin.fileno()
        while data:
            try:
                _, writable, _ = select.select([], [stdin], [], 0.05)
                if writable:
                    data = data[os.write(stdin, data[:1 << 16]):]
            except BlockingIOError:
                pass
            except OSError:  # the worker has gone (a broken pipe)
                clock.freeze()
                self._kill()
                raise WorkerFault(f"{function}: the process running your code stopped") from None
            self._drain_stderr()
            if data:
                self._check_time(clock, limit, backstop, wall)

    def _next_message(self) -> bytes | None:
        """One whole message from the bytes read so far, or None; ProtocolError as soon as one is too large."""
        inbox = self._inbox
        if len(inbox) < 4:
            return None
        (size,) = struct.unpack(">I", inbox[:4])
        if size > MAX_HEADER:
            raise ProtocolError("message too large")  # refused before it is read
        if len(inbox) < 4 + size:
            return None
        try:
            sizes = json.loads(bytes(inbox[4 : 4 + size])).get("sizes", [])
        except (ValueError, AttributeError, RecursionError):
            raise ProtocolError("unreadable message") from None
        if not isinstance(sizes, list) or any(type(n) is not int or n < 0 for n in sizes) or sum(sizes) > MAX_BYTES:
            raise ProtocolError("message too large")
        end = 4 + size + sum(sizes)
        if len(inbox) < end:
            return None
        message = bytes(inbox[:end])
        del inbox[:end]
        return message

    def _receive(self, function: str, clock: CallClock, wall: float | None = None):
        """The next reply, waiting (and reading) only while the call has time left."""
        limit, backstop = self._limits(wall)
        stdout = self._proc.stdout.fileno()
        try:
            while (message := self._next_message()) is None:
                ready, _, _ = select.select([stdout, *[self._proc.stderr] * self._stderr_open], [], [], 0.05)
                if self._proc.stderr in ready:
                    self._drain_stderr()
                if stdout in ready:
                    try:
                        chunk = os.read(stdout, 1 << 20)
                    except BlockingIOError:
                        chunk = None
                    if chunk == b"":
                        raise EOFError
                    if chunk:
                        self._inbox += chunk
                self._check_time(clock, limit, backstop, wall)
            return decode(message)
        except EOFError:
            clock.freeze()
            try:
                status = self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # it closed its replies but lives on
                status = None
            self._kill()
            if status is None:
                raise WorkerFault(f"{function}: the process running your code closed its replies") from None
            if 128 < status <= 128 + 64:  # bwrap passes on a signal as 128 + its number
                status = 128 - status
            how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
            if _hidden_check_running():  # the student chooses the status: a number a hidden input could be
                how = "stopped"
            raise WorkerFault(f"{function}: the process running your code {how}") from None
        except ProtocolError as exc:
            clock.freeze()
            self._kill()
            raise WorkerFault(f"{function} sent back something that is not plain data: {str(exc)[:200]}") from None

    def _call(self, function: str, args: tuple, kwargs: dict):
        try:
            return self._exchange(function, args, kwargs)
        except Exception:  # the student's exception, raised again here: the worker is fine
            raise
        except BaseException:  # interrupted (a check's time limit): the worker is mid-call
            self._kill()
            raise

    def _exchange(self, function: str, args: tuple, kwargs: dict):
        if self._used >= self._budget:
            raise CheckTimeout(f"not run: the time budget of {self._budget:g} s for the submission is used up")
        if self._proc is None or self._proc.poll() is not None:
            self.ping()
        callbacks = []  # functions the check passed in; they run here, called back by number

        def register(fn) -> int:
            callbacks.append(fn)
            return len(callbacks) - 1

        # The caller's floating-point error settings hold in the worker too (np.errstate).
        errstate = sorted(np.geterr().items())
        callback_bytes = max(CALLBACK_BYTES, sum(a.nbytes for a in arrays_in([list(args), dict(kwargs)])))
        clock = CallClock(self._worker_pid, tree=self._proc.pid)
        try:
            self._send(function, ("call", self._home[function], function, list(args), sorted(kwargs.items()),
                                  errstate), register, clock)
            while True:
                reply = self._receive(function, clock)
                if not isinstance(reply, tuple) or not reply:
                    raise WorkerFault(f"{function}: unreadable reply")
                if reply[0] == "callback" and len(reply) == 4 and isinstance(reply[1], int) \
                        and 0 <= reply[1] < len(callbacks):
                    try:
                        if sum(a.nbytes for a in arrays_in(list(reply[2:]))) > callback_bytes:
                            # The check's function runs here, on the grader's memory: 64 MiB shaped (N, 1, 1, 1)
                            # broadcast against its (2, 3, 4) array made 1.6 GB. Its arguments are like the call's.
                            raise ValueError("a function passed by the check got arrays larger than all the "
                                             "arguments of the call together")
                        answer = ("result", callbacks[reply[1]](*reply[2], **dict(reply[3])))
                    except WorkerFault:
                        raise
                    except Exception as exc:  # the check's own function failed on the student's input
                        answer = ("raise", type(exc).__name__, str(exc)[:500])
                    self._send(function, answer, register, clock)
                    continue
                if reply[0] == "ok" and len(reply) == 5:
                    return self._apply(args, kwargs, *reply[1:])
                if reply[0] == "raise" and len(reply) == 3 and isinstance(reply[1], str):
                    name, message = reply[1][:80], str(reply[2])[:2000]
                    if _hidden_check_running():
                        name, message = self._redacted(function, name, message)
                    if name in RERAISED:
                        raise RERAISED[name](message)
                    error = WorkerFault(f"{function} raised {name}" + (f": {message}" if message else ""))
                    error.from_student = True
                    raise error
                raise WorkerFault(f"{function} returned something that is not plain data")
        finally:
            self._used += clock.freeze()

    def _redacted(self, function: str, name: str, message: str) -> tuple[str, str]:
        """What a hidden check may learn of a student's exception: its type if checks know it, never its text.

        The text is the student's: a function that stashed a hidden input could raise it, and a message
        built from it (a prerequisite's quick test, "which is not finished: ...") would carry it into the
        report. A stub's own sentence stays (the report says which exercise to do), and so do the few
        words checks look for in an error (:data:`CHECKED_WORDS`), alone.
        """
        from nnlib.exercises import by_function

        if name not in RERAISED:
            return "an exception of its own", ""
        names, todos = [function], set()
        while names:  # the function and every exercise it calls, directly or not
            with contextlib.suppress(KeyError):
                exercise = by_function(names.pop())
                if exercise.todo not in todos:
                    todos.add(exercise.todo)
                    names.extend(exercise.calls)
        if message in todos:
            return name, message
        return name, " ".join(word for word in CHECKED_WORDS if word in message)

    @staticmethod
    def _apply(args, kwargs, value, states, changed, same):
        """Make the call's side effects visible here, as if the function had run in this process."""
        # The worker lists the states in its order of the arguments: keyword arguments sorted by name.
        for arg, state in zip([*args, *(kwargs[key] for key in sorted(kwargs))], states or [], strict=False):
            if isinstance(arg, np.random.Generator) and isinstance(state, dict) and _reachable(arg, state):
                with contextlib.suppress(Exception):  # a forged state is ignored
                    arg.bit_generator.state = state  # draws made in the worker count here too
        inputs = arrays_in([list(args), dict(kwargs)])
        for item in changed or []:
            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], int) and 0 <= item[0] < len(inputs):
                target, new = inputs[item[0]], item[1]
                if not (isinstance(new, np.ndarray) and target.flags.writeable):
                    continue
                if new.shape != target.shape and new.size == target.size:
                    with contextlib.suppress(AttributeError, ValueError):
                        target.shape = new.shape  # the function reshaped this argument in place (W.shape = ...)
                if new.shape == target.shape:
                    np.copyto(target, new, casting="unsafe")  # the function modified this argument in place
        if (isinstance(value, tuple | list) and isinstance(same, list) and len(same) == 2 and same[0] == "items"
                and isinstance(same[1], list) and len(same[1]) == len(value)):
            return type(value)(_aliased(inputs, item, alias) for item, alias in zip(value, same[1], strict=True))
        return _aliased(inputs, value, same)

    def __getattr__(self, function: str):
        if function.startswith("_") or function not in self._home:
            raise AttributeError(function)

        def call(*args, **kwargs):
            return self._call(function, args, kwargs)

        call.__name__ = function
        return call


def _reachable(generator, state: dict) -> bool:
    """Whether draws from ``generator`` can have left it in ``state``: what draws never change is unchanged.

    A forged state could stop the generator: PCG64 with state and increment 0 gives 0 for ever, and
    ``integers`` or ``random`` on it then loop in C, where no time limit of the grader interrupts them.
    """
    old = generator.bit_generator.state
    if state.get("bit_generator") != old["bit_generator"] or not isinstance(state.get("state"), dict):
        return False
    fixed = {"PCG64": "inc", "PCG64DXSM": "inc", "Philox": "key"}.get(old["bit_generator"])
    if fixed is not None:
        return np.array_equal(np.asarray(state["state"].get(fixed), dtype=object), np.asarray(old["state"][fixed], dtype=object))
    if old["bit_generator"] == "MT19937":
        return bool(np.any(np.asarray(state["state"].get("key", 0)) != 0))
    return True


def _aliased(inputs, value, same):
    """The returned value as the function gave it: an argument itself, or a view of one, if the worker says so."""
    if isinstance(same, int) and not isinstance(same, bool) and 0 <= same < len(inputs):
        return inputs[same]  # the function returned its argument itself, not a new array
    if isinstance(same, list) and len(same) == 5 and isinstance(same[0], int) and 0 <= same[0] < len(inputs):
        view = _view_into(inputs[same[0]], *same[1:], value)
        if view is not None:
            return view  # the function returned a view of its argument (x.reshape(...)), not a new array
    return value


def _view_into(target, offset, shape, strides, writeable, value):
    """The view of ``target`` a worker described (see ``worker.view_of``), or None if it is not that.

    NumPy's own constructor refuses a view that would reach outside target's memory, and the view
    must hold exactly the values the worker returned, so a forged description yields None.
    """
    if not (isinstance(value, np.ndarray) and target.flags.c_contiguous and value.dtype == target.dtype):
        return None
    try:
        view = np.ndarray(tuple(shape), dtype=target.dtype, buffer=target, offset=offset, strides=tuple(strides))
    except Exception:  # noqa: BLE001 - out of bounds, negative offset, not integers: not a view
        return None
    if view.shape != value.shape or not np.array_equal(view, value, equal_nan=True):
        return None
    view.flags.writeable = bool(writeable) and target.flags.writeable
    return view


_CANARY: list[bool] = []


def prove_sandbox() -> None:
    """Grade a known function once, from a fresh worker, before grading anyone.

    Raises :class:`SandboxUnavailable` with the worker's own error (and what
    to do) when the sandbox cannot run here: a grader that would give every
    student zero stops instead.
    """
    if _CANARY:
        return
    require_sandbox()
    folder = scratch_folder("canary-")
    try:
        (folder / "nnlib").mkdir()
        (folder / "nnlib" / "__init__.py").write_text("")
        (folder / "nnlib" / "functions.py").write_text(
            "import numpy as np\n\n\ndef relu(z):\n    return np.maximum(z, 0.0)\n")
        try:
            with SandboxFunctions(folder) as nn:
                got = nn.relu(np.array([-1.0, 2.0]))
        except (CheckFailure, CheckTimeout, OSError) as exc:
            raise SandboxUnavailable(f"the grading sandbox failed a trusted test call: {exc}") from None
        if not (isinstance(got, np.ndarray) and got.tolist() == [0.0, 2.0]):
            raise SandboxUnavailable(f"the grading sandbox gave a wrong answer to a trusted test call: {got!r}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _CANARY.append(True)
