"""Run All on a fresh chapter runs to the end.

Importing ``nnlib`` in a notebook (IPython) installs two small hooks:

- A cell that calls a function you have not written yet (its stub raises
  ``NotImplementedError("Exercise 2.5: implement softmax ...")``) prints one
  line, "finish exercise 2.5 first", instead of a traceback, and does not stop
  Run All: the later cells, plots and demos still run.
- A later cell that needs a variable such a cell would have made (a
  ``NameError``) says which exercise to finish instead of crashing.

Every other error shows its usual traceback and stops Run All as usual.
Outside IPython (a script, the terminal checks, the grader) nothing changes.
"""

from __future__ import annotations

import ast
import re

#: How every generated stub's message begins (see coursekit/generate.py).
_STUB = re.compile(r"^Exercise (\d+\.\d+): implement (\w+)")


def _assigned_names(source: str) -> set[str]:
    """Names a cell's code binds at its top level (assignments, imports, defs, loops)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics and the like
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


class _RunAll:
    """The state of one IPython session: which names are missing because of which exercise."""

    def __init__(self, shell):
        self.shell = shell
        self.cell = ""
        self.skipped: str | None = None  # exercise id that stopped the current cell
        self.missing: dict[str, str] = {}  # variable -> exercise id whose stub stopped its cell

    def pre_run_cell(self, info) -> None:
        self.cell = info.raw_cell or ""
        self.skipped = None

    def post_run_cell(self, result) -> None:
        if self.skipped is None:
            return
        for name in _assigned_names(self.shell.transform_cell(self.cell)):
            if name not in self.shell.user_ns:
                self.missing[name] = self.skipped
        # Run All goes on: the cell printed why it stopped, and grading never runs it.
        if result is not None:
            result.error_in_exec = None

    def _exercise_of(self, etype, value) -> str | None:
        if issubclass(etype, NotImplementedError):
            match = _STUB.match(str(value))
            return match.group(1) if match else None
        if issubclass(etype, NameError) and getattr(value, "name", None) in self.missing:
            if value.name not in self.shell.user_ns:
                return self.missing[value.name]
        return None

    def handler(self, shell, etype, value, tb, tb_offset=None):
        """IPython's custom exception handler: one line for an unfinished exercise."""
        exercise = self._exercise_of(etype, value)
        if exercise is None:
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
            return None
        from nnlib.exercises import EXERCISES

        ex = next((e for e in EXERCISES if e.id == exercise), None)
        where = f" ({ex.function} in {ex.path})" if ex else ""
        if issubclass(etype, NameError):
            print(f"This cell needs `{value.name}`, which an earlier cell could not make yet: "
                  f"finish exercise {exercise}{where} first, then run the cells again.")
        else:
            print(f"This cell needs exercise {exercise}{where}: finish exercise {exercise} first, "
                  "then run this cell again.")
        self.skipped = exercise
        return None


def install() -> None:
    """Install the hooks in the running IPython shell, once; do nothing outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_nnlib_run_all", None) is not None:
        return
    state = _RunAll(shell)
    shell._nnlib_run_all = state
    shell.set_custom_exc((NotImplementedError, NameError), state.handler)
    shell.events.register("pre_run_cell", state.pre_run_cell)
    shell.events.register("post_run_cell", state.post_run_cell)
