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

import hashlib
import json
import shutil
from concurrent.futures import ProcessPoolExecutor
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


def fingerprint(folder: Path, cells: dict[str, str], modules: list[str], timeout: float) -> str:
    """Hash of everything a verdict depends on: the nnlib files, the cells, the settings."""
    digest = hashlib.sha256(json.dumps([cells, modules, timeout], sort_keys=True).encode())
    for path in sorted((folder / "nnlib").rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def grade_cells(folder: Path, cells: dict[str, str], modules: list[str], timeout: float) -> dict[str, list]:
    """``{grade_id: [report text, failure summary or None]}`` for the check cells given."""
    load_visible_checks("nnlib")
    exercises = {}
    for grade_id, source in cells.items():
        match = CHECK_LINE.search(source.split(HIDDEN_BEGIN)[0])
        exercises[grade_id] = match.group(1) if match else None
        with testing.collecting():
            exec(compile(hidden_code(source), f"<hidden checks of {grade_id}>", "exec"), {"__name__": "hidden"})
    results = {}
    with SandboxFunctions(folder, timeout=timeout, reference_modules=modules) as functions:
        for grade_id, exercise in exercises.items():
            if exercise is None:
                results[grade_id] = ["", "this graded cell runs no check"]
                continue
            reports = [testing.run_checks([exercise], functions)]
            hidden = testing.registered(exercise, hidden=True)
            if hidden_code(cells[grade_id]) and any(o.message.startswith("timed out") for o in reports[0].outcomes):
                # A function that never returns would only time out again, once per hidden check.
                reports.append(testing.Report(
                    [testing.Outcome(chk, False, "not run: the function timed out in the checks above") for chk in hidden],
                    hidden=True,
                ))
            elif hidden_code(cells[grade_id]):
                reports.append(testing.run_checks([exercise], functions, hidden=True))
            failed = sum(not o.passed for report in reports for o in report.outcomes)
            summary = f"{failed} check(s) of exercise {exercise} failed; the report above says why" if failed else None
            text = "\n".join(r.render(mention_hidden=len(reports) == 1) for r in reports) + "\n"
            results[grade_id] = [text, summary]
    return results


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
    folder = scratch / "submission"
    shutil.copytree(submission / "nnlib", folder / "nnlib", dirs_exist_ok=True, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for path in (source / "nnlib").rglob("*.py"):
        rel = path.relative_to(source).as_posix()
        if rel not in student_files:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, folder / rel)
    return folder


def _precompute_one(job) -> str:
    course, assignment, student, cells, modules, timeout, student_files = job
    submission = course / "submitted" / student / assignment
    scratch = scratch_folder("verdict-")
    try:
        folder = _assemble(submission, course / "source" / assignment, student_files, scratch)
        key = fingerprint(folder, cells, modules, timeout)
        results = grade_cells(folder, cells, modules, timeout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out = course / CACHE / assignment / f"{student}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"fingerprint": key, "cells": results}))
    return student


def precompute(course: Path, assignment: str, modules: list[str], timeout: float, jobs: int) -> list[str]:
    """Verdicts for every submitted student of ``assignment``, ``jobs`` at a time; returns the students."""
    from coursekit.grading import student_files

    source = course / "source" / assignment
    notebooks = sorted(source.glob("*.ipynb"))
    cells = {k: v for nb in notebooks for k, v in check_cells(nb).items()}
    files = student_files(source)
    students = sorted(p.name for p in (course / "submitted").iterdir() if (p / assignment / "nnlib").is_dir())
    jobs_list = [(course, assignment, s, cells, modules, timeout, files) for s in students]
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(_precompute_one, jobs_list))


def cached(course: Path, assignment: str, student: str, key: str) -> dict[str, list] | None:
    """Stored verdicts for this student if they were computed from exactly these files."""
    path = course / CACHE / assignment / f"{student}.json"
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return stored["cells"] if stored.get("fingerprint") == key else None
