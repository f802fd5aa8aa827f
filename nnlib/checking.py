"""Run the visible checks of your exercises: ``check("2")`` or ``python -m nnlib check 2``.

Each run re-imports your ``nnlib`` files, so after editing ``nnlib/neurons.py``
you can run a check cell again without restarting the kernel.
"""

from __future__ import annotations

import importlib
import traceback
from types import SimpleNamespace

from nnlib.exercises import EXERCISES, MODULES, Exercise, select
from nnlib.testing import CheckFailure, Report, run_checks


def _stand_in(ex: Exercise, problem: str):
    """A function that fails every check with ``problem`` (import error, missing name)."""

    def missing(*args, **kwargs):
        raise CheckFailure(f"{problem} (needed for exercise {ex.id}, {ex.function})")

    missing.__name__ = ex.function
    return missing


def learner_functions(package: str = "nnlib", *, reload: bool = True) -> SimpleNamespace:
    """The exercise functions of ``package``, freshly imported.

    A file that fails to import (a syntax error, say) or a function that was
    renamed does not stop anything: its functions are replaced by stand-ins
    that fail their checks with the reason.
    """
    functions = {}
    for name in MODULES:
        exercises = [ex for ex in EXERCISES if ex.module == name]
        try:
            module = importlib.import_module(f"{package}.{name}")
            if reload:
                module = importlib.reload(module)
        except Exception as exc:  # the learner's file may contain anything
            where = traceback.extract_tb(exc.__traceback__)[-1]
            line = getattr(exc, "lineno", None) or where.lineno
            problem = f"nnlib/{name}.py could not be imported: {type(exc).__name__}: {exc} (line {line})"
            functions.update({ex.function: _stand_in(ex, problem) for ex in exercises})
            continue
        for ex in exercises:
            fn = getattr(module, ex.function, None)
            if not callable(fn):
                fn = _stand_in(ex, f"{ex.path} has no function {ex.function}(): was it renamed or deleted?")
            functions[ex.function] = fn
    return SimpleNamespace(**functions)


def load_visible_checks(package: str = "nnlib", modules: tuple[str, ...] = MODULES) -> None:
    """Import the visible check modules of ``modules``, which register their checks."""
    for name in modules:
        importlib.import_module(f"{package}.checks.{name}")


def run(target: str | int | None = None, package: str = "nnlib") -> Report:
    """Run the visible checks of ``target`` (chapter, exercise id or function name)."""
    exercises = select(target)
    load_visible_checks(package, tuple(dict.fromkeys(ex.module for ex in exercises)))
    return run_checks([ex.id for ex in exercises], learner_functions(package))


def check(target: str | int | None = None) -> None:
    """Run the visible checks of a chapter or exercise and print a report.

    The report says PASS or FAIL for each check, with a diagnosis, and how
    many passed. A failing check does not raise: Run All goes on to the end of
    the chapter, and grading computes its verdicts itself. In a terminal,
    ``python -m nnlib check`` exits with status 1 when a check fails.

    Parameters
    ----------
    target : int or str, optional
        A chapter number (``2``), an exercise id (``"2.5"``) or a function name
        (``"softmax"``). Everything when omitted.
    """
    report = run(target)
    print(report.render())
