"""Verdicts of the check cells of one submission, computed live or in parallel beforehand.

:func:`grade_cells` runs the checks of each graded cell (visible checks from
the grader's ``nnlib``, hidden checks from the cell) against a submission's
functions in one sandboxed worker and returns plain results.
:func:`precompute` does that for every submitted student of an assignment
in parallel worker processes and stores the results in the course folder;
``SandboxedChecks`` (run by ``nbgrader autograde``, the only writer of the
gradebook) uses a stored result when its fingerprint still matches the
files being graded, and computes live otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import nbformat

from coursekit.assignment import CHECK_LINE
from coursekit.generate import HIDDEN_BEGIN, HIDDEN_END
from coursekit.sandbox.runner import SandboxFunctions, scratch_folder
from nnlib import testing
from nnlib.checking import load_visible_checks

CACHE = ".verdicts"


def hidden_code(source: str) -> str:
    """The code between the hidden-test markers of a cell ('' if none)."""
    if HIDDEN_BEGIN not in source:
        return ""
    return source.split(HIDDEN_BEGIN, 1)[1].split(HIDDEN_END, 1)[0]


_GRADER: dict[tuple, str] = {}


def grader_digest(modules: list[str]) -> str:
    """Hash of the grader's side of a verdict: the checks and their helpers, the sandbox, the reference modules.

    Files are named relative to their package, so the digest is the same wherever the kit is installed
    (and in the test suite, whose ``nnlib`` is the reference package with the same checks).
    """
    key = tuple(modules)
    if key not in _GRADER:
        import importlib.util

        from coursekit.assignment import reference_source

        checks = Path(next(iter(importlib.util.find_spec("nnlib.checks").submodule_search_locations)))
        files = [(f"checks/{p.name}", p) for p in sorted(checks.glob("*.py"))]
        files += [(f"nnlib/{name}.py", Path(testing.__file__).with_name(f"{name}.py"))
                  for name in ("testing", "checking", "exercises")]
        files += [(f"sandbox/{p.name}", p) for p in sorted(Path(__file__).parent.glob("*.py"))]
        digest = hashlib.sha256()
        for name, path in files:
            digest.update(_entry(name, path.read_bytes()))
        for module in key:
            digest.update(_entry(f"reference/{module}.py", reference_source(module).encode()))
        _GRADER[key] = digest.hexdigest()
    return _GRADER[key]


def _entry(name: str, data: bytes) -> bytes:
    """One file in a digest, unambiguously: its name and its length before its bytes."""
    return name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data


def fingerprint(folder: Path, cells: dict[str, str], modules: list[str], timeout: float,
                budget: float = 300.0) -> str:
    """Hash of everything a verdict depends on: the submission's files, the cells, the settings, the grader.

    Every file the worker gets counts (all of ``nnlib/`` but ``__pycache__``, as :func:`package_files`
    and ``copy_package`` take them), not only the ``.py`` files: a sourceless ``.pyc`` is imported too,
    and nbgrader's own copy of a submission leaves ``*.pyc`` out, so a verdict computed beforehand could
    be used for files it was not computed from. The time budget and the grader's checks
    (:func:`grader_digest`) count too: a corrected check makes earlier verdicts stale.
    """
    digest = hashlib.sha256(json.dumps([cells, modules, timeout, budget, grader_digest(modules)],
                                       sort_keys=True).encode())
    root = folder / "nnlib"
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(folder)
        if "__pycache__" not in rel.parts and path.is_file():
            digest.update(_entry(rel.as_posix(), path.read_bytes()))
    return digest.hexdigest()


#: Longest report one graded cell gets (a student's text can be huge).
MAX_REPORT = 20_000


def grade_cells(folder: Path, cells: dict[str, str], modules: list[str], timeout: float,
                budget: float = 300.0) -> dict[str, list]:
    """``{grade_id: [report text, failure summary or None, share of points earned]}`` for the cells given.

    Every hidden check is worth the same share of its exercise's points (partial
    credit, :func:`graded_share`), so one mistake costs what it is worth.
    """
    from coursekit.sandbox.runner import prove_sandbox
    from nnlib.exercises import select

    prove_sandbox()
    exercises = {}
    for grade_id, source in cells.items():
        match = CHECK_LINE.search(source.split(HIDDEN_BEGIN)[0])
        exercises[grade_id] = match.group(1) if match else None
    # Only the checks of these exercises: another chapter's files play no part in this grade.
    load_visible_checks("nnlib", tuple(dict.fromkeys(select(e)[0].module for e in exercises.values() if e)))
    for grade_id, source in cells.items():
        with testing.collecting():
            exec(compile(hidden_code(source), f"<hidden checks of {grade_id}>", "exec"), {"__name__": "hidden"})
    graded = {grade_id: exercise for grade_id, exercise in exercises.items() if exercise is not None}
    with SandboxFunctions(folder, timeout=timeout, budget=budget, reference_modules=modules) as functions:
        # Every visible check first, then every hidden one: a submission that stashes what a hidden
        # check passed it can never show it back through a later visible check's "got" line.
        visible = {grade_id: testing.run_checks([exercise], functions) for grade_id, exercise in graded.items()}
        hidden = {}
        for grade_id, exercise in graded.items():
            if not hidden_code(cells[grade_id]):
                continue
            if any(o.message.startswith("timed out") for o in visible[grade_id].outcomes):
                # A function that never returns would only time out again, once per hidden check.
                hidden[grade_id] = testing.Report(
                    [testing.Outcome(chk, False, "not run: the function timed out in the checks above")
                     for chk in testing.registered(exercise, hidden=True)],
                    hidden=True,
                )
            else:
                hidden[grade_id] = testing.run_checks([exercise], functions, hidden=True)
    results = {grade_id: ["", "this graded cell runs no check", 0.0] for grade_id in exercises if grade_id not in graded}
    for grade_id, exercise in graded.items():
        reports = [visible[grade_id], *([hidden[grade_id]] if grade_id in hidden else [])]
        outcomes = [o for report in reports for o in report.outcomes]
        failed = sum(not o.passed for o in outcomes)
        summary = f"{failed} check(s) of exercise {exercise} failed; the report above says why" if failed else None
        text = "\n".join(r.render(mention_hidden=len(reports) == 1) for r in reports) + "\n"
        if len(text) > MAX_REPORT:
            text = text[:MAX_REPORT] + "\n[... the rest of the report was cut]\n"
        results[grade_id] = [text, summary, graded_share(visible[grade_id], hidden.get(grade_id))]
    return {grade_id: results[grade_id] for grade_id in exercises}


def graded_share(visible: testing.Report, hidden: testing.Report | None) -> float:
    """The share of an exercise's points a submission earns: the share of its hidden checks that passed.

    The visible checks ship with the release, inputs and expected values included, so a function
    that only looks up their answers passes them all; they teach and diagnose, and the hidden checks
    grade. An exercise without hidden checks is graded on its visible ones.
    """
    scored = hidden.outcomes if hidden is not None and hidden.outcomes else visible.outcomes
    return sum(o.passed for o in scored) / len(scored) if scored else 0.0


def check_cells(nb) -> dict[str, str]:
    """The graded cells of a notebook (a path or a read notebook): ``{grade_id: source}``."""
    if isinstance(nb, str | Path):
        nb = nbformat.read(nb, as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in nb.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def _assemble(submission: Path, source: Path, student_files: list[str], scratch: Path) -> Path:
    """What autograde will grade: the student's files, the source's for everything else."""
    from coursekit.submissions import check_submission, copy_package

    check_submission(submission)
    folder = scratch / "submission"
    folder.mkdir()
    copy_package(submission / "nnlib", folder / "nnlib")
    for path in (source / "nnlib").rglob("*.py"):
        rel = path.relative_to(source).as_posix()
        if rel not in student_files:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, folder / rel)
    return folder


def package_files(folder: Path) -> dict[str, bytes]:
    """The files of an assembled submission that its verdicts depend on: ``{"nnlib/...": bytes}``.

    What a sandbox on another machine needs to grade it (the worker gets its
    own copy of exactly these files), and nothing else of the course.
    """
    from coursekit.submissions import check_submission

    check_submission(folder / "nnlib")
    files = {}
    for path in sorted((folder / "nnlib").rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def unpack_files(files: dict[str, bytes], dest: Path) -> None:
    """Write ``files`` (from :func:`package_files`) under ``dest``, with the rules of check_submission.

    The names and sizes come from another machine: anything outside
    ``nnlib/``, ``.`` or ``..``, too many files or bytes, a name that is both
    a file and a folder is refused (:class:`~coursekit.submissions.SubmissionRejected`);
    nothing is written through a link.
    """
    from coursekit import submissions as s

    if not isinstance(files, dict) or len(files) > s.MAX_FILES:
        raise s.SubmissionRejected(f"the submission was not graded: more than {s.MAX_FILES} files")
    total = 0
    for name, data in sorted(files.items()):
        parts = name.split("/") if isinstance(name, str) else []
        if (len(parts) < 2 or parts[0] != "nnlib" or len(parts) > s.MAX_DEPTH + 1 or not isinstance(data, bytes)
                or any(p in ("", ".", "..", "__pycache__") or "\0" in p for p in parts)):
            raise s.SubmissionRejected(f"the submission was not graded: {str(name)[:200]!r} is not a file of nnlib/")
        total += len(data)
        if total > s.MAX_BYTES or (name.endswith(".py") and len(data) > s.MAX_PY_BYTES):
            raise s.SubmissionRejected(f"the submission was not graded: {name} makes it too large")
        folder = dest
        for part in parts[:-1]:
            folder = folder / part
            if not folder.is_dir():
                try:
                    os.mkdir(folder, 0o755)
                except OSError as exc:
                    raise s.SubmissionRejected(f"the submission was not graded: {name}: {exc.strerror}") from None
        try:
            out = os.open(folder / parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                          0o644)
        except OSError as exc:
            raise s.SubmissionRejected(f"the submission was not graded: {name}: {exc.strerror}") from None
        try:
            os.write(out, data)
        finally:
            os.close(out)
    s.check_submission(dest)


def verdicts_of(folder: Path, cells: dict[str, str], modules: list[str], timeout: float,
                budget: float = 300.0) -> tuple[str, dict[str, list]]:
    """``(fingerprint, verdicts)`` of the assembled submission in ``folder``."""
    key = fingerprint(folder, cells, modules, timeout, budget)
    return key, grade_cells(folder, cells, modules, timeout, budget)


def verdicts_from_files(files: dict[str, bytes], cells: dict[str, str], modules: list[str], timeout: float,
                        budget: float = 300.0) -> tuple[str, dict[str, list]]:
    """:func:`verdicts_of` for a submission given as bytes (:func:`package_files`), on any machine with the kit.

    The files go to a private scratch folder (checked as a submission is) and
    are deleted afterwards; the result depends on nothing else, so it can be
    computed again, anywhere, with the same answer.
    """
    scratch = scratch_folder("verdict-")
    try:
        folder = scratch / "submission"
        folder.mkdir()
        unpack_files(files, folder)
        return verdicts_of(folder, cells, modules, timeout, budget)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def store(course: Path, assignment: str, student: str, key: str, results: dict[str, list]) -> None:
    """Keep a student's verdicts in the course folder, for :func:`cached` (written whole or not at all)."""
    out = course / CACHE / assignment / f"{student}.json"
    out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = out.with_name(f".{student}.json.part")
    partial.write_text(json.dumps({"fingerprint": key, "cells": results}))
    os.replace(partial, out)


def _precompute_one(job) -> tuple[str, str | None]:
    """Verdicts of one student, stored in the course folder; returns (student, problem or None)."""
    from coursekit.submissions import SubmissionRejected

    course, assignment, student, cells, modules, timeout, budget, student_files = job
    submission = course / "submitted" / student / assignment
    scratch = scratch_folder("verdict-")
    try:
        folder = _assemble(submission, course / "source" / assignment, student_files, scratch)
        key, results = verdicts_of(folder, cells, modules, timeout, budget)
    except SubmissionRejected as exc:
        return student, str(exc)  # nbgrader autograde rejects it again, with the same message
    except Exception as exc:  # noqa: BLE001 (one student's problem never stops the class)
        return student, f"could not be checked beforehand ({type(exc).__name__}: {exc}); nbgrader will grade it"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    store(course, assignment, student, key, results)
    return student, None


def precompute(course: Path, assignment: str, modules: list[str], timeout: float, jobs: int,
               budget: float = 300.0) -> list[tuple[str, str | None]]:
    """Verdicts for every submitted student of ``assignment``, ``jobs`` at a time.

    Returns ``(student, problem)`` pairs; ``problem`` is None when the
    verdicts are stored. A rejected or unreadable submission is reported and
    the others are checked.
    """
    from coursekit.sandbox.runner import prove_sandbox

    prove_sandbox()  # before anyone is graded: a broken sandbox stops here, loudly
    jobs_list = precompute_jobs(course, assignment, modules, timeout, budget)
    problems: dict[str, str | None] = {}
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for future in [pool.submit(_precompute_one, job) for job in jobs_list]:
            with contextlib.suppress(BrokenProcessPool):  # a checking process died: see below
                student, problem = future.result()
                problems[student] = problem
    # A process that died (the kernel's OOM killer took it, say) broke the pool and every job still in
    # it. Those run again one at a time, each in a pool of its own, so it takes only its own student.
    for job in jobs_list:
        if job[2] not in problems:
            with ProcessPoolExecutor(max_workers=1) as pool:
                try:
                    problems[job[2]] = pool.submit(_precompute_one, job).result()[1]
                except BrokenProcessPool:
                    problems[job[2]] = "its checking process was killed (out of memory?); nbgrader will grade it"
    return [(job[2], problems[job[2]]) for job in jobs_list]


def precompute_jobs(course: Path, assignment: str, modules: list[str], timeout: float, budget: float) -> list[tuple]:
    """One job per submitted student of ``assignment``, in order: what :func:`_precompute_one` takes."""
    from coursekit.grading import student_files

    source = course / "source" / assignment
    notebooks = sorted(source.glob("*.ipynb"))
    cells = {k: v for nb in notebooks for k, v in check_cells(nb).items()}
    files = student_files(source)
    students = []
    for entry in sorted(os.scandir(course / "submitted"), key=lambda e: e.name):
        try:
            entry.name.encode("utf-8")
        except UnicodeEncodeError:
            continue  # nbgrader cannot grade such a student id either
        if entry.is_dir(follow_symlinks=False) and os.path.isdir(os.path.join(entry.path, assignment)):
            students.append(entry.name)
    return [(course, assignment, s, cells, modules, timeout, budget, files) for s in students]


def cached(course: Path, assignment: str, student: str, key: str) -> dict[str, list] | None:
    """Stored verdicts for this student if they were computed from exactly these files."""
    path = course / CACHE / assignment / f"{student}.json"
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return stored["cells"] if stored.get("fingerprint") == key else None
