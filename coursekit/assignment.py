"""Turn a chapter into an nbgrader source assignment.

``course/source/chNN/`` receives the chapter notebook (with its hidden tests
and nbgrader's grade-cell metadata) and the learners' ``nnlib/``: its
hand-written files and the generated stubs. From
there nbgrader's own commands take over: ``nbgrader generate_assignment chNN``
strips the hidden tests into ``course/release/chNN``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jupytext
import nbformat

from coursekit import ROOT
from coursekit.generate import (
    HIDDEN_BEGIN,
    PACKAGE,
    PAGE_SOURCES,
    REFERENCE,
    SOLUTION_BEGIN,
    SOLUTION_END,
    _exercises,
    learner_files,
)

MARKER_LINES = {SOLUTION_BEGIN, SOLUTION_END}

CHECK_LINE = re.compile(r'^check\("(\d+\.\d+)"\)\s*$', flags=re.MULTILINE)

STUDENT_README = """\
# {title}: assignment {assignment}

1. Open `{notebook}` and read the chapter.
2. Write your code in the files under `nnlib/` (for example `nnlib/neurons.py`):
   replace each `raise NotImplementedError(...)` with your implementation.
3. Run the notebook's check cells, or in a terminal in this folder:
   `python -m nnlib check {number}`.
4. Submit the whole folder. Your `nnlib/*.py` files are what is graded; the
   graded cells of the notebook are restored before grading, so editing them
   changes nothing. Hidden checks, stronger than the visible ones, decide the
   grade.
"""


def grade_metadata(exercise) -> dict:
    """Nbgrader's metadata for the graded check cell of ``exercise``."""
    return {
        "grade": True,
        "grade_id": "check_" + exercise.id.replace(".", "_"),
        "locked": True,
        "points": exercise.points,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }


def source_notebook(number: int, root: Path = ROOT) -> tuple[str, nbformat.NotebookNode]:
    """The nbgrader source notebook of chapter ``number`` and its file name.

    Every check cell (a line ``check("X.Y")``) becomes a locked grade cell
    worth the exercise's points. Raises ValueError when an exercise of the
    chapter has no check cell, has two, or a hidden region sits outside one.
    """
    table = _exercises(root)
    chapter = table.chapter(number)
    path = root / PAGE_SOURCES / f"{chapter.page}.md"
    nb = jupytext.read(path)
    seen = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        visible = cell.source.split(HIDDEN_BEGIN)[0]
        matches = CHECK_LINE.findall(visible)
        if len(matches) > 1:
            raise ValueError(f"{path.name}, cell {index}: one check cell per exercise, found {matches}")
        if not matches:
            if HIDDEN_BEGIN in cell.source:
                raise ValueError(f"{path.name}, cell {index}: hidden tests outside a check cell")
            continue
        exercise = table.select(matches[0])[0]
        if exercise.chapter != number:
            raise ValueError(f"{path.name}: check cell for exercise {exercise.id} of another chapter")
        if exercise.id in seen:
            raise ValueError(f"{path.name}: exercise {exercise.id} has two check cells")
        seen[exercise.id] = index
        cell.metadata["nbgrader"] = grade_metadata(exercise)
    missing = [ex.id for ex in table.EXERCISES if ex.chapter == number and ex.id not in seen]
    if missing:
        raise ValueError(f"{path.name}: no check cell for exercise(s) {', '.join(missing)}")
    return f"{chapter.page}.ipynb", nb


def reference_source(module: str, root: Path = ROOT) -> str:
    """A reference module as a student would have written it: no markers."""
    text = (root / REFERENCE / f"{module}.py").read_text()
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in MARKER_LINES)


def package_files(root: Path = ROOT, reference: tuple[str, ...] | list[str] = ()) -> dict[Path, bytes]:
    """The learners' ``nnlib/`` package, keyed by path (``nnlib/...``), with ``reference`` modules solved.

    The hand-written files and the stubs (:func:`coursekit.generate.learner_files`);
    each exercise module named in ``reference`` (e.g. ``"layers"``) is the
    reference instead, as a student would have written it
    (:func:`reference_source`). With every module of the exercise table it is
    a complete reference package that runs anywhere, e.g. in the grading sandbox.
    """
    files = {rel: content for rel, content in learner_files(root).items() if rel.parts[0] == PACKAGE}
    for module in reference:
        files[Path(PACKAGE) / f"{module}.py"] = reference_source(module, root).encode()
    return files


def write_package(dest: Path, root: Path = ROOT, reference: tuple[str, ...] | list[str] = ()) -> Path:
    """Write :func:`package_files` into ``dest`` (``dest/nnlib/...``); returns ``dest / "nnlib"``."""
    for rel, content in package_files(root, reference).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(content)
    return dest / PACKAGE


def build(number: int, course: Path, root: Path = ROOT, provide: tuple[str, ...] = ()) -> Path:
    """Write ``course/source/chNN`` for chapter ``number``; return its path.

    The folder is replaced as a whole so no stale file survives; ``nnlib/`` is
    the learners' package (its hand-written files, and the stubs computed from
    ``solutions/``, never the reference), except for the modules named in
    ``provide``: those earlier chapters' files get the reference, so that a student whose own earlier functions are
    wrong is not penalised twice (carry-forward). Provided files are not the
    student's work: autograde restores them from the source folder.
    """
    table = _exercises(root)
    chapter = table.chapter(number)
    for module in provide:
        taught = {ex.chapter for ex in table.EXERCISES if ex.module == module}
        if not taught:
            raise ValueError(f"--provide {module}: no such exercise module; choose from {', '.join(table.MODULES)}")
        if max(taught) >= number:
            raise ValueError(
                f"--provide {module}: it holds exercises of chapter {max(taught)}, "
                f"so it cannot be given away in chapter {number}'s assignment"
            )
    name, nb = source_notebook(number, root)
    dest = course / "source" / chapter.assignment
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / name)
    write_package(dest, root, reference=provide)
    (dest / "README.md").write_text(
        STUDENT_README.format(title=chapter.title, assignment=chapter.assignment, notebook=name, number=number)
    )
    return dest
