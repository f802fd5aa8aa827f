"""What a submission may contain, checked before anything copies it.

A submission is untrusted: a student (or anyone who can write to the
exchange) chooses its names, sizes and file types. Before ``nbgrader
collect``, ``nbgrader autograde`` or the parallel grader copy a submission,
:func:`check_submission` rejects, with a message for that student, anything
but plain folders and regular files: symbolic links (to a classmate's work,
the gradebook, ``/dev/zero``), devices, pipes and sockets, setuid, setgid or
sticky bits, names that are not UTF-8, compiled modules (which Python would
import instead of the .py files the instructor reads), and more files or bytes
than any honest submission holds. :func:`copy_package` then copies what was checked
without following any link.
"""

from __future__ import annotations

import importlib.machinery
import os
import stat
from pathlib import Path

#: Limits no honest submission comes near (a chapter is a notebook and a few .py files).
MAX_FILES = 500
MAX_BYTES = 20 * 1024 * 1024
MAX_PY_BYTES = 1024 * 1024
MAX_DEPTH = 8


class SubmissionRejected(ValueError):
    """The submission cannot be graded safely; the message says why (for the student and the instructor)."""


def _problems(root: Path) -> list[str]:
    problems: list[str] = []
    count = total = 0
    pending = [(os.fsencode(root), b"", 0)]
    while pending:
        folder, rel, depth = pending.pop()
        if depth > MAX_DEPTH:
            problems.append(f"{rel.decode(errors='replace')}: folders nested too deeply")
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(f"{rel.decode(errors='replace') or '.'}: cannot be read ({exc.strerror})")
            continue
        for entry in entries:
            name = os.path.join(rel, entry.name) if rel else entry.name
            shown = name.decode(errors="replace")
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"{shown}: the file name is not UTF-8")
                continue
            info = entry.stat(follow_symlinks=False)
            count += 1
            if count > MAX_FILES:
                problems.append(f"more than {MAX_FILES} files")
                return problems
            if stat.S_ISLNK(info.st_mode):
                problems.append(f"{shown}: a symbolic link (submit the file itself)")
            elif stat.S_ISDIR(info.st_mode):
                if shown.endswith(".py"):
                    problems.append(f"{shown}: a folder whose name ends in .py")
                pending.append((entry.path, name, depth + 1))
            elif not stat.S_ISREG(info.st_mode):
                problems.append(f"{shown}: not a regular file (a device, pipe or socket)")
            else:
                total += info.st_size
                if info.st_mode & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX):
                    problems.append(f"{shown}: has the setuid, setgid or sticky bit")
                if shown.endswith(".py") and info.st_size > MAX_PY_BYTES:
                    problems.append(f"{shown}: larger than {MAX_PY_BYTES // 1024} KiB")
                if _compiled(os.fsdecode(entry.name), rel):
                    problems.append(f"{shown}: compiled code (Python imports it instead of the .py of the same "
                                    "name, and nobody can read it); submit the .py files only")
            if total > MAX_BYTES:
                problems.append(f"more than {MAX_BYTES // (1024 * 1024)} MiB in all")
                return problems
    return problems


def _compiled(name: str, folder: bytes) -> bool:
    """Whether this file is a compiled module Python would import: an extension (.so, .pyd) or a bare .pyc.

    A .pyc inside ``__pycache__`` is only Python's cache of a .py beside it (copies leave it out).
    """
    if any(name.endswith(suffix) for suffix in (*importlib.machinery.EXTENSION_SUFFIXES, ".so", ".pyd")):
        return True
    return name.endswith(".pyc") and os.path.basename(folder) != b"__pycache__"


def check_submission(folder) -> None:
    """Raise :class:`SubmissionRejected` unless ``folder`` holds only safe, plain files."""
    root = Path(folder)
    info = os.lstat(root)
    if not stat.S_ISDIR(info.st_mode):
        raise SubmissionRejected(f"{root.name} is not a folder")
    problems = _problems(root)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise SubmissionRejected(f"the submission was not graded: {shown}")


def copy_package(source, dest) -> None:
    """Copy a checked folder of plain files, never following a link (raises SubmissionRejected otherwise).

    Folders become mode 0755 and files 0644 (no special bits); ``__pycache__``
    is left out.
    """
    source, dest = Path(source), Path(dest)
    check_submission(source)
    os.mkdir(dest, 0o755)
    for entry in sorted(os.scandir(source), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        target = dest / entry.name
        if entry.is_dir(follow_symlinks=False):
            copy_package(entry.path, target)
            continue
        # O_NONBLOCK: a FIFO put in place since the check (the student owns the exchange's copy) is
        # opened without waiting for a writer, then refused like any file that is not a regular one.
        try:
            src = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError as exc:  # ELOOP: a link put in place since the check
            raise SubmissionRejected(f"{entry.name}: cannot be copied ({exc.strerror})") from None
        try:
            if not stat.S_ISREG(os.fstat(src).st_mode):
                raise SubmissionRejected(f"{entry.name}: not a regular file")
            out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            try:
                while chunk := os.read(src, 1 << 20):
                    os.write(out, chunk)
            finally:
                os.close(out)
        finally:
            os.close(src)
