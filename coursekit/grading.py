"""nbgrader settings that must be computed, and the feedback redactor.

``nbgrader_config.py`` at the repository root reads these. They close the
holes measured on nbgrader 0.9.6 (see ``CONTRIBUTING.md`` and the tests):

- autograde would copy the instructor's ``nnlib/*.py`` over every student's,
  so everybody would be graded on the stubs: :func:`exclude_overwriting`
  lists the files students write, computed from the assignment folders;
- generated feedback shows hidden tests and their tracebacks:
  :class:`RedactHiddenTests` removes both.
"""

from __future__ import annotations

import os
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from coursekit import ROOT
from coursekit.generate import HIDDEN_BEGIN, HIDDEN_END, STUB

#: The nbgrader course folder (source/, release/, submitted/, gradebook.db ...).
#: Never committed; override with NNFS_COURSE_DIR.
COURSE_DIR = Path(os.environ.get("NNFS_COURSE_DIR", ROOT / "course")).resolve()
COURSE_ID = "nn-from-scratch"


def student_files(assignment_dir: Path) -> list[str]:
    """Files of an assignment that students write: those holding exercise stubs.

    Every other file (the checks, the test helpers, ``__init__.py``, earlier
    chapters' modules provided as reference) is restored from the source
    folder at autograde, so a student cannot change how their work is checked.
    """
    return sorted(
        path.relative_to(assignment_dir).as_posix()
        for path in (assignment_dir / "nnlib").rglob("*.py")
        if STUB in path.read_text()
    )


def exclude_overwriting(source_dir: Path = COURSE_DIR / "source") -> dict[str, list[str]]:
    """``Autograde.exclude_overwriting`` for every assignment in ``source_dir``."""
    if not source_dir.is_dir():
        return {}
    return {
        folder.name: student_files(folder)
        for folder in sorted(source_dir.iterdir())
        if folder.is_dir()
    }


def _strip_hidden(source: str) -> str:
    """Cell source without hidden-test regions (unclosed regions run to the end)."""
    kept, hiding = [], False
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            hiding = True
        elif HIDDEN_END in line:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "\n".join(kept)


class RedactHiddenTests(Preprocessor):
    """Remove hidden tests and tracebacks from the notebooks students get back.

    For each cell: the hidden-test region leaves the source, and an error
    output keeps only its one-line summary (``ChecksFailed: 1 hidden check of
    exercise 2.5 failed``), because a traceback quotes the code around the
    failing line, hidden tests included. The report printed above the error
    already names each failed check and its diagnosis.
    """

    enabled = Bool(True, help="nbconvert preprocessors are off unless enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        """Redact one cell."""
        if cell.cell_type != "code":
            return cell, resources
        if HIDDEN_BEGIN in cell.source:
            cell.source = _strip_hidden(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
