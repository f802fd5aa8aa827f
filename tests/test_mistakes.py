"""Realistic wrong implementations lose points, and the terminal and the grader agree on them.

Every ``tests/mistakes/ch*.py`` defines ``MISTAKES``, a list of tuples
``(exercise_id, what_the_mistake_is, expected_substring_or_None, source)``,
where ``source`` is a complete wrong function that is appended to the
reference module (so it overrides the reference function and may use the
module's imports and helpers). For each mistake a submission folder is
written (the learners' package with every exercise module's reference, and that
one function replaced), then
the exercise's visible and hidden checks are run on it twice:

(a) in this process, as ``python -m nnlib check`` and the notebook run them:
    at least one check must fail, and when a substring is given, some failure
    message must contain it (the checks diagnose the mistake by name).
    In the chapters of :data:`HIDDEN_NAMES` the phrase must also be in the
    message of a failed *hidden* check: in a classroom the hidden checks
    grade on their own, and "has the wrong values" teaches nothing;
(b) through the grading sandbox (:class:`coursekit.sandbox.runner.SandboxFunctions`),
    as nbgrader grades: every check must give the same verdict as in (a)
    (issue 15, part 2: the terminal and the grade agree).

The same files may also define ``CORRECT``, a list of tuples
``(exercise_id, what_the_variant_is, source)``: right implementations that
differ from the reference (another formula, another order of operations).
Each must pass every visible and hidden check of its exercise, in this
process and through the sandbox, so a stricter check never costs a right
answer its points.

Run one exercise's mistakes with its marker: ``pytest tests/test_mistakes.py -m ex2_3``.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import runpy
import sys
from pathlib import Path

import pytest

from coursekit.assignment import package_files
from coursekit.generate import hidden_regions
from coursekit.sandbox.runner import SandboxFunctions
from nnlib import testing
from nnlib.checking import learner_functions, load_visible_checks
from nnlib.exercises import EXERCISES, MODULES, select

ROOT = Path(__file__).resolve().parents[1]

#: Check modules that could not be imported (another chapter half-written); their mistakes fail.
BROKEN: dict[str, str] = {}
for _module in MODULES:
    try:
        load_visible_checks("nnlib", (_module,))
    except Exception as _exc:  # noqa: BLE001 - reported by the mistakes of that module
        BROKEN[_module] = f"{type(_exc).__name__}: {_exc}"
with testing.collecting():
    for _id, _code in hidden_regions().items():
        exec(compile(_code, f"<hidden checks {_id}>", "exec"), {"__name__": "hidden_checks"})
#: exercise id -> its visible checks, then its hidden ones (collected here, whatever registers later).
CHECKS = {ex.id: testing.registered(ex.id) + testing.registered(ex.id, hidden=True) for ex in EXERCISES}


#: Chapters whose hidden checks alone name every mistake that has an expected phrase.
HIDDEN_NAMES = {"ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08", "ch09", "ch10", "ch11", "ch12"}
#: (exercise, expected phrase) -> the hidden checks' wording of that cause, where it differs
#: (hidden messages never quote values, so a few causes are put another way there).
HIDDEN_WORDING = {
    ("2.3", "floating-point error"): "overflowed inside np.exp",
    ("2.5", "floating-point error"): "overflowed in np.exp",
    ("2.5", "0 / 0"): "divided 0 by 0",
    ("3.1", "np.sign(0)"): "(np.sign(z) + 1) / 2 was used",
    ("4.2", "Clip p"): "clip p into [eps, 1 - eps]",
    ("4.3", "floating-point error"): "overflowed on large scores",
    ("4.4", "log(softmax)"): "never np.log of a softmax",
    ("10.5", "summed over the 3 images"): "summed over the images",
}


def _mistakes():
    params = []
    for path in sorted((ROOT / "tests" / "mistakes").glob("ch*.py")):
        for index, case in enumerate(runpy.run_path(str(path))["MISTAKES"]):
            exercise_id = case[0]
            known = [ex for ex in EXERCISES if ex.id == exercise_id]
            marks = [getattr(pytest.mark, known[0].marker)] if known else []
            short = "".join(c if c.isalnum() else "-" for c in case[1][:40]).strip("-")
            params.append(pytest.param((path.stem, *case), id=f"{path.stem}-{exercise_id}-{index}-{short}",
                                       marks=marks))
    return params


def _correct():
    params = []
    for path in sorted((ROOT / "tests" / "mistakes").glob("ch*.py")):
        for index, case in enumerate(runpy.run_path(str(path)).get("CORRECT", [])):
            exercise_id = case[0]
            known = [ex for ex in EXERCISES if ex.id == exercise_id]
            marks = [getattr(pytest.mark, known[0].marker)] if known else []
            short = "".join(c if c.isalnum() else "-" for c in case[1][:40]).strip("-")
            params.append(pytest.param(case, id=f"{path.stem}-{exercise_id}-{index}-{short}", marks=marks))
    return params


_ALIASES = itertools.count()


@functools.cache
def _reference_package() -> dict[Path, bytes]:
    """The learners' package with every exercise module's reference (computed once)."""
    return package_files(reference=MODULES)


def _write_submission(folder: Path, module: str, source: str) -> Path:
    """``folder/nnlib``: the learners' package, every module the reference, ``source`` appended to ``module``."""
    for rel, content in _reference_package().items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(content)
    package = folder / "nnlib"
    target = package / f"{module}.py"
    target.write_text(target.read_text() + "\n\n" + source.strip("\n") + "\n")
    return package


def _load_package(path: Path, alias: str) -> None:
    """Import the package in ``path`` under the name ``alias`` (as tests/conftest.py load_package)."""
    spec = importlib.util.spec_from_file_location(alias, path / "__init__.py", submodule_search_locations=[str(path)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)


def _seeded(nn):
    """``nn`` with NumPy's and Python's global generators reset before each call, as the grader's worker does."""
    import random
    from types import SimpleNamespace

    import numpy as np

    def wrap(fn):
        def call(*args, **kwargs):
            np.random.seed(0)  # noqa: NPY002 (the legacy global state is what is reset)
            random.seed(0)
            return fn(*args, **kwargs)

        return call

    return SimpleNamespace(**{name: wrap(fn) for name, fn in vars(nn).items()})


def _in_process(package: Path, exercise_id: str) -> list[testing.Outcome]:
    """Run the exercise's checks on ``package`` imported under a fresh alias, then forget it."""
    alias = f"nnlib_mistake_{next(_ALIASES)}"
    _load_package(package, alias)
    try:
        nn = _seeded(learner_functions(alias, reload=False))
        return [testing.run_one(chk, nn) for chk in CHECKS[exercise_id]]
    finally:
        for name in [m for m in sys.modules if m == alias or m.startswith(alias + ".")]:
            del sys.modules[name]


@pytest.mark.parametrize("case", _mistakes())
def test_mistake_loses_points_in_the_terminal_and_in_the_grader(case, tmp_path):
    """Does this wrong implementation fail a check, with the expected diagnosis, and the same verdicts sandboxed?"""
    chapter, exercise_id, what, substring, source = case
    (exercise,) = select(exercise_id)
    assert exercise.module not in BROKEN, BROKEN[exercise.module]
    checks = CHECKS[exercise_id]
    assert checks, f"exercise {exercise_id} has no checks"
    package = _write_submission(tmp_path / "sub", exercise.module, source)

    here = _in_process(package, exercise_id)
    failed = [o for o in here if not o.passed]
    assert failed, f"{exercise_id} ({what}) passes every check"
    if substring is not None:
        assert any(substring in o.message for o in failed), (
            f"{exercise_id} ({what}): no failure message mentions {substring!r}:\n"
            + "\n".join(f"  {o.check.title}: {o.message}" for o in failed)
        )
    if substring is not None and chapter in HIDDEN_NAMES:
        wording = HIDDEN_WORDING.get((exercise_id, substring), substring)
        hidden = [o for o in failed if o.check.hidden]
        assert any(wording in o.message for o in hidden), (
            f"{exercise_id} ({what}): no failed hidden check names the cause ({wording!r}):\n"
            + "\n".join(f"  {o.check.title}: {o.message}" for o in hidden)
        )

    with SandboxFunctions(tmp_path / "sub") as nn:
        there = [testing.run_one(chk, nn) for chk in checks]
    verdicts_here = [(o.check.title, o.passed) for o in here]
    verdicts_there = [(o.check.title, o.passed) for o in there]
    assert verdicts_here == verdicts_there, "\n".join(
        f"  {a.check.title}: terminal {'PASS' if a.passed else 'FAIL'}, grader {'PASS' if b.passed else 'FAIL'}"
        f" ({b.message.splitlines()[0] if b.message else a.message.splitlines()[0]})"
        for a, b in zip(here, there, strict=True) if a.passed != b.passed
    )


@pytest.mark.parametrize("case", _correct())
def test_correct_variant_keeps_full_marks_in_the_terminal_and_in_the_grader(case, tmp_path):
    """Does this right but different implementation pass every visible and hidden check, both ways?"""
    exercise_id, what, source = case
    (exercise,) = select(exercise_id)
    assert exercise.module not in BROKEN, BROKEN[exercise.module]
    checks = CHECKS[exercise_id]
    package = _write_submission(tmp_path / "sub", exercise.module, source)
    here = _in_process(package, exercise_id)
    failed = [o for o in here if not o.passed]
    assert not failed, f"{exercise_id} ({what}) is right but fails:\n" + "\n".join(
        f"  {o.check.title}: {o.message}" for o in failed)
    with SandboxFunctions(tmp_path / "sub") as nn:
        there = [testing.run_one(chk, nn) for chk in checks]
    failed = [o for o in there if not o.passed]
    assert not failed, f"{exercise_id} ({what}) is right but fails in the grader:\n" + "\n".join(
        f"  {o.check.title}: {o.message}" for o in failed)


def test_every_mistake_file_is_well_formed():
    """Is every MISTAKES entry a 4-tuple naming a known exercise, with a source that defines its function?"""
    ids = {ex.id: ex for ex in EXERCISES}
    for path in sorted((ROOT / "tests" / "mistakes").glob("ch*.py")):
        for case in runpy.run_path(str(path))["MISTAKES"]:
            assert isinstance(case, tuple) and len(case) == 4, (path.name, case)
            exercise_id, what, substring, source = case
            assert exercise_id in ids, (path.name, exercise_id)
            assert isinstance(what, str) and what and (substring is None or isinstance(substring, str))
            assert f"def {ids[exercise_id].function}(" in source, (path.name, exercise_id, what)
        for case in runpy.run_path(str(path)).get("CORRECT", []):
            assert isinstance(case, tuple) and len(case) == 3, (path.name, case)
            exercise_id, what, source = case
            assert exercise_id in ids, (path.name, exercise_id)
            assert isinstance(what, str) and what, (path.name, case)
            assert f"def {ids[exercise_id].function}(" in source, (path.name, exercise_id, what)
