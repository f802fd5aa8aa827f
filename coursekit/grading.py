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
import shutil
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbgrader.exchange.default.collect import ExchangeCollect
from traitlets import Bool

from coursekit import ROOT
from coursekit.generate import HIDDEN_BEGIN, STUB, strip_hidden
from coursekit.submissions import SubmissionRejected, check_submission, copy_package

#: The nbgrader course folder (source/, release/, submitted/, gradebook.db ...).
#: Never committed; override with NNFS_COURSE_DIR. Private to the instructor.
COURSE_DIR = Path(os.environ.get("NNFS_COURSE_DIR", ROOT / "course")).resolve()
#: The local exchange (release, fetch, submit, collect): beside the course
#: folder, never inside it, so nothing a student submits can point into it.
EXCHANGE_DIR = Path(os.environ.get("NNFS_EXCHANGE_DIR", COURSE_DIR.parent / "exchange")).resolve()
COURSE_ID = "nn-from-scratch"


def private_course_dir(path: Path = COURSE_DIR) -> Path:
    """Create the course folder with mode 0700 (or make it so): it holds hidden tests and grades."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if info.st_uid == os.geteuid() and info.st_mode & 0o077:
        path.chmod(0o700)
    return path


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


class DropStrayGradeMetadata(Preprocessor):
    """Make a graded cell the assignment does not have an ordinary cell.

    Two accidents would otherwise zero a whole notebook in nbgrader 0.9.6:
    a graded cell pasted twice (easy in JupyterLab), which ``DeduplicateIds``
    resolves by emptying the copy's metadata, and a graded cell pasted in
    from another chapter's notebook (or forged), whose grade id the gradebook
    does not know. ``OverwriteCells`` crashes on both. Without the stray
    ``nbgrader`` entry the cell is an ordinary cell, which grading ignores,
    and the assignment's own graded cells are graded as usual.
    """

    enabled = Bool(True, help="nbconvert preprocessors are off unless enabled").tag(config=True)

    def preprocess(self, nb, resources):
        """Drop every ``nbgrader`` entry that is empty or names no cell of the source notebook."""
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            source = gradebook.find_notebook(info["notebook"], info["assignment"])
            known = {cell.name for cell in source.source_cells}
        for cell in nb.cells:
            entry = cell.metadata.get("nbgrader")
            if entry is None:
                continue
            if not entry or entry.get("grade_id") not in known:
                if entry:
                    self.log.warning("Cell %r is not part of this assignment: graded as an ordinary cell",
                                     entry.get("grade_id"))
                del cell.metadata["nbgrader"]
        return nb, resources


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
            cell.source = strip_hidden(cell.source, lenient=True)  # a student's cell: never raises
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


class SanitizeStudentHTML(Preprocessor):
    """Escape the HTML of markdown and raw cells, which the student may have written.

    nbgrader's feedback and formgrade templates render a markdown cell's HTML as it is (they ignore
    ``HTMLExporter.sanitize_html``), and both pages open in the instructor's Jupyter: a ``<script>``
    or an ``onerror=`` there could read the gradebook and the hidden tests through the server's API.
    Run at autograde (formgrader shows the autograded notebook) and again for feedback. Tags and
    attributes outside nbconvert's safe list become text; Markdown and maths are unchanged.
    """

    enabled = Bool(True, help="nbconvert preprocessors are off unless enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        """Clean one cell's source (markdown and raw cells only: code is shown as code)."""
        from nbconvert.filters import clean_html

        if cell.cell_type in ("markdown", "raw") and "<" in cell.source:
            cell.source = clean_html(cell.source)
        return cell, resources


# --------------------------------------------------------------------------
# Submissions are checked before nbgrader copies them
# --------------------------------------------------------------------------


class SafeCollect(ExchangeCollect):
    """``nbgrader collect`` that refuses unsafe submissions (links, devices, setuid ...) per student.

    A refused submission is reported in the log with its reasons and not
    collected; the others are. What is collected is copied without following
    any link.
    """

    def do_copy(self, src, dest, log=None):
        """Copy one student's submission after checking it.

        The student owns the exchange's copy and may change it between the check and the copy, so the
        copy checks every file again as it opens it (:func:`~coursekit.submissions.copy_package`): a file
        that became a FIFO or a link refuses this submission, never stops the collection of the others.
        """
        try:
            check_submission(src)
            copy_package(src, dest)
        except SubmissionRejected as exc:
            shutil.rmtree(dest, ignore_errors=True)
            self.log.error("Not collected: %s: %s", os.path.basename(src), exc)


def guard_autograde() -> None:
    """Make ``nbgrader autograde`` check each submission before its first copy of it.

    nbgrader copies ``submitted/<student>/<assignment>`` with ``shutil.copy``,
    which follows links (a link to a classmate's file, to the gradebook or to
    ``/dev/zero``). There is no setting for that step, so the check wraps it:
    a rejected submission is reported as that student's error (nbgrader then
    grades the others and exits non-zero), never copied.
    """
    from nbgrader.converters.autograde import Autograde

    if getattr(Autograde.init_assignment, "guarded", False):
        return
    original = Autograde.init_assignment

    def init_assignment(self, assignment_id, student_id):
        check_submission(self._format_source(assignment_id, student_id))
        return original(self, assignment_id, student_id)

    init_assignment.guarded = True
    Autograde.init_assignment = init_assignment

