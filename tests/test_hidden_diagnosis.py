"""The hidden checks of chapters 1-4 name the cause of a mistake as well as the visible ones do.

``tests/test_mistakes.py`` requires the expected diagnosis in *some* failure
message, visible or hidden. A grader that shows only the hidden checks' verdicts
(or a learner who passes the visible checks by accident) would then learn
nothing from a hidden failure that says only "has the wrong values". Here each
wrong implementation of ``tests/mistakes/ch01.py`` to ``ch04.py`` must fail a
*hidden* check whose message names the cause: the mistake's own phrase, or
the hidden checks' wording of it listed in ``HIDDEN_WORDING`` (hidden messages
never quote values, so a few causes are worded differently there).
"""

from __future__ import annotations

import importlib.util
import runpy
from pathlib import Path

import pytest

from nnlib.exercises import select

ROOT = Path(__file__).resolve().parents[1]

# The harness of tests/test_mistakes.py: a submission with one wrong function, graded in this process.
_spec = importlib.util.spec_from_file_location("mistakes_harness", ROOT / "tests" / "test_mistakes.py")
_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_harness)
CHAPTERS = ("ch01", "ch02", "ch03", "ch04")

#: (exercise, expected phrase of tests/mistakes) -> the phrase the hidden checks use for that cause.
HIDDEN_WORDING = {
    ("2.3", "floating-point error"): "overflowed inside np.exp",
    ("2.5", "floating-point error"): "overflowed in np.exp",
    ("2.5", "0 / 0"): "divided 0 by 0",
    ("3.1", "np.sign(0)"): "(np.sign(z) + 1) / 2 was used",
    ("4.2", "Clip p"): "clip p into [eps, 1 - eps]",
    ("4.3", "floating-point error"): "overflowed on large scores",
    ("4.4", "log(softmax)"): "never np.log of a softmax",
}


def _cases():
    params = []
    for chapter in CHAPTERS:
        for index, case in enumerate(runpy.run_path(str(ROOT / "tests" / "mistakes" / f"{chapter}.py"))["MISTAKES"]):
            exercise_id, what, phrase, _ = case
            if phrase is None:
                continue
            (exercise,) = select(exercise_id)
            short = "".join(c if c.isalnum() else "-" for c in what[:40]).strip("-")
            params.append(pytest.param(case, id=f"{chapter}-{exercise_id}-{index}-{short}",
                                       marks=[getattr(pytest.mark, exercise.marker)]))
    return params


@pytest.mark.parametrize("case", _cases())
def test_a_hidden_check_names_the_cause(case, tmp_path):
    """Does some failing hidden check of this wrong implementation say what the mistake is?"""
    exercise_id, what, phrase, source = case
    (exercise,) = select(exercise_id)
    package = _harness._write_submission(tmp_path / "sub", exercise.module, source)
    failed = [o for o in _harness._in_process(package, exercise_id) if o.check.hidden and not o.passed]
    assert failed, f"{exercise_id} ({what}) passes every hidden check"
    wording = HIDDEN_WORDING.get((exercise_id, phrase), phrase)
    assert any(wording in o.message for o in failed), (
        f"{exercise_id} ({what}): no hidden failure names the cause ({wording!r}):\n"
        + "\n".join(f"  {o.check.title}: {o.message}" for o in failed)
    )
