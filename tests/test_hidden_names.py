"""Hidden checks name causes too: for chapters 5-7, the hidden checks alone diagnose each known mistake.

tests/test_mistakes.py requires that *some* failure message (visible or hidden) contains a mistake's
expected phrase. In a classroom the hidden checks grade on their own, so here the phrase must also
appear in the message of a failed *hidden* check, without the hidden inputs or values (hidden mode
drops those by itself).
"""

import importlib.util
import runpy
from pathlib import Path

import pytest

from nnlib.exercises import EXERCISES, select

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mistakes_harness", ROOT / "tests" / "test_mistakes.py")
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)  # its submission writer and in-process runner, not its tests
CHAPTERS = ("ch05", "ch06", "ch07")


def _cases():
    params = []
    for chapter in CHAPTERS:
        for index, case in enumerate(runpy.run_path(str(ROOT / "tests" / "mistakes" / f"{chapter}.py"))["MISTAKES"]):
            if case[2] is None:
                continue
            marker = next(ex.marker for ex in EXERCISES if ex.id == case[0])
            short = "".join(c if c.isalnum() else "-" for c in case[1][:40]).strip("-")
            params.append(pytest.param(case, id=f"{chapter}-{case[0]}-{index}-{short}",
                                       marks=[getattr(pytest.mark, marker)]))
    return params


@pytest.mark.parametrize("case", _cases())
def test_hidden_checks_alone_name_the_mistake(case, tmp_path):
    """Does a failed hidden check of this exercise name this mistake, as the visible checks do?"""
    exercise_id, what, phrase, source = case
    (exercise,) = select(exercise_id)
    package = harness._write_submission(tmp_path / "sub", exercise.module, source)
    failed = [o for o in harness._in_process(package, exercise_id) if o.check.hidden and not o.passed]
    assert failed, f"{exercise_id} ({what}) passes every hidden check"
    assert any(phrase in o.message for o in failed), (
        f"{exercise_id} ({what}): no failed hidden check mentions {phrase!r}:\n"
        + "\n".join(f"  {o.check.title}: {o.message}" for o in failed))
