"""nbgrader autograde without running student code in the grader or in a kernel.

:class:`SandboxedChecks` takes the place of nbgrader's ``Execute``
preprocessor (see ``nbgrader_config.py``). For each graded cell it runs the
exercise's visible checks (from the grader's own, trusted ``nnlib``) and the
hidden checks (the cell's hidden region, restored from the gradebook) in this
process, calling the student's functions through a sandboxed worker
(:class:`coursekit.sandbox.SandboxFunctions`). The verdicts are written as
the cell's outputs: a report, and an error output when a check failed, which
nbgrader's ``SaveAutoGrades`` scores as zero. The student's other cells are
not executed at all: only their ``nnlib`` functions are graded.

``python -m coursekit autograde chNN --jobs N`` computes the verdicts of all
submissions in parallel first (:mod:`coursekit.sandbox.verdicts`), then runs
``nbgrader autograde``, which finds them ready and only writes the gradebook.
"""

from __future__ import annotations

from pathlib import Path

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Float, Unicode

from coursekit.sandbox.verdicts import cached, check_cells, fingerprint, grade_cells


class SandboxedChecks(NbGraderPreprocessor):
    """Grade every check cell from this trusted process; student functions run sandboxed."""

    call_timeout = Float(
        8.0, help="seconds one call of a student function may use (time spent waiting for a busy CPU excluded)"
    ).tag(config=True)
    submission_budget = Float(
        300.0, help="seconds all calls of one submission may use together; later calls fail at once"
    ).tag(config=True)
    scheduler = Unicode(
        "",
        help=(
            "Dask scheduler (tcp://HOST:8786, or a scheduler file) on which `python -m coursekit autograde` "
            "computes the verdicts; NNFS_DASK_SCHEDULER and --scheduler take precedence; '' grades on this machine"
        ),
    ).tag(config=True)
    reference_modules = Dict(
        help=(
            "per assignment, earlier modules whose reference the worker uses instead of the "
            "student's, e.g. {'ch07': ['layers', 'losses']}: chapter 7 is then graded on chapter 7 only"
        )
    ).tag(config=True)

    def modules_for(self, assignment: str) -> list[str]:
        """The reference modules for ``assignment``, refusing any that holds its own exercises."""
        from nnlib.exercises import EXERCISES

        modules = list(self.reference_modules.get(assignment, []))
        own = {ex.module for ex in EXERCISES if f"ch{ex.chapter:02d}" == assignment}
        if own & set(modules):
            raise ValueError(f"reference_modules for {assignment} include its own exercises: {sorted(own & set(modules))}")
        return modules

    def preprocess(self, nb, resources):
        """Grade the check cells (from verdicts computed beforehand when they still match)."""
        from coursekit.grading import COURSE_DIR
        from coursekit.sandbox.runner import SandboxUnavailable

        info = resources["nbgrader"]
        folder = Path(resources["metadata"]["path"])
        modules = self.modules_for(info["assignment"])
        cells = check_cells(nb)
        key = fingerprint(folder, cells, modules, self.call_timeout, self.submission_budget)
        verdicts = cached(COURSE_DIR, info["assignment"], info["student"], key)
        if verdicts is None:
            try:
                verdicts = grade_cells(folder, cells, modules, self.call_timeout, self.submission_budget)
            except SandboxUnavailable as exc:
                # Every student would score zero: stop before anyone is graded (never silently weaker).
                self.log.critical("Grading stopped: %s", exc)
                raise SystemExit(f"Grading stopped: {exc}") from None
        else:
            self.log.info("Using the verdicts computed beforehand for %s", info["student"])
        for cell in nb.cells:
            if cell.cell_type == "code" and utils.is_grade(cell):
                text, failure, share = verdicts[cell.metadata["nbgrader"]["grade_id"]]
                cell.execution_count = None
                cell.outputs = [new_output("stream", name="stdout", text=text)] if text else []
                if failure and share <= 0:
                    cell.outputs.append(
                        new_output("error", ename="ChecksFailed", evalue=failure, traceback=[f"ChecksFailed: {failure}"])
                    )
                elif failure:  # partial credit: nbgrader scores a cell whose result is a number with that number
                    points = float(cell.metadata["nbgrader"].get("points", 0))
                    score = f"{points * share:.4g}"
                    cell.outputs.append(new_output("execute_result", data={"text/plain": score}, execution_count=None))
        return nb, resources
