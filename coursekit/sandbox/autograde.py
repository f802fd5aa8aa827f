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
"""

from __future__ import annotations

from pathlib import Path

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Float

from coursekit.assignment import CHECK_LINE
from coursekit.generate import HIDDEN_BEGIN, HIDDEN_END
from coursekit.sandbox.runner import SandboxFunctions
from nnlib import testing
from nnlib.checking import load_visible_checks


def hidden_code(source: str) -> str:
    """The code between the hidden-test markers of a cell ('' if none)."""
    if HIDDEN_BEGIN not in source:
        return ""
    return source.split(HIDDEN_BEGIN, 1)[1].split(HIDDEN_END, 1)[0]


class SandboxedChecks(NbGraderPreprocessor):
    """Grade every check cell from this trusted process; student functions run sandboxed."""

    call_timeout = Float(8.0, help="seconds one call of a student function may take").tag(config=True)
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
        """Start one worker for this submission, grade its check cells, stop the worker."""
        load_visible_checks("nnlib")
        folder = Path(resources["metadata"]["path"])
        modules = self.modules_for(resources["nbgrader"]["assignment"])
        with SandboxFunctions(folder, timeout=self.call_timeout, reference_modules=modules) as functions:
            self._functions = functions
            nb, resources = super().preprocess(nb, resources)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        """Replace a graded cell's outputs by the verdicts of its checks."""
        if cell.cell_type != "code" or not utils.is_grade(cell):
            return cell, resources
        match = CHECK_LINE.search(cell.source.split(HIDDEN_BEGIN)[0])
        cell.execution_count = None
        if match is None:
            cell.outputs = [new_output("error", ename="NotACheckCell", evalue="this graded cell runs no check",
                                       traceback=["NotACheckCell: this graded cell runs no check"])]
            return cell, resources
        exercise = match.group(1)
        code = hidden_code(cell.source)
        with testing.collecting():
            exec(compile(code, f"<hidden checks of exercise {exercise}>", "exec"), {"__name__": "hidden_checks"})
        reports = [testing.run_checks([exercise], self._functions)]
        if code and any(o.message.startswith("timed out") for o in reports[0].outcomes):
            # A function that never returns would only time out again, once per hidden check.
            skipped = [testing.Outcome(chk, False, "not run: the function timed out in the checks above")
                       for chk in testing.registered(exercise, hidden=True)]
            reports.append(testing.Report(skipped, hidden=True))
        elif code:
            reports.append(testing.run_checks([exercise], self._functions, hidden=True))
        text = "\n".join(report.render() for report in reports) + "\n"
        cell.outputs = [new_output("stream", name="stdout", text=text)]
        failed = sum(not o.passed for report in reports for o in report.outcomes)
        if failed:
            summary = f"{failed} check(s) of exercise {exercise} failed; the report above says why"
            cell.outputs.append(new_output("error", ename="ChecksFailed", evalue=summary,
                                           traceback=[f"ChecksFailed: {summary}"]))
        return cell, resources
