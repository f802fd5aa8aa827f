"""Every check, visible and hidden, against the reference and against the stubs.

The reference (solutions/nnlib) must pass every check; the generated stub of
each exercise must fail every one of that exercise's checks, and the failure
must name the exercise, so a learner who has not started knows where to go.
Run one exercise alone with its marker: ``pytest -m ex2_5``.
"""

import pytest

from coursekit.generate import hidden_regions
from nnlib import testing
from nnlib.checking import learner_functions, load_visible_checks
from nnlib.exercises import EXERCISES

load_visible_checks("nnlib")
with testing.collecting():
    for _code in hidden_regions().values():
        exec(compile(_code, "<hidden checks>", "exec"), {"__name__": "hidden_checks"})


def _params(hidden):
    return [
        pytest.param(ex, chk, id=f"{ex.id}-{ex.function}-{chk.title}", marks=getattr(pytest.mark, ex.marker))
        for ex in EXERCISES
        for chk in testing.registered(ex.id, hidden=hidden)
    ]


@pytest.fixture(scope="module")
def reference():
    return learner_functions("nnlib", reload=False)


@pytest.fixture(scope="module")
def stub_functions(stubs):
    return learner_functions(stubs.__name__, reload=False)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: f"{ex.id}-{ex.function}")
def test_every_exercise_has_visible_and_hidden_checks(exercise):
    """Does each exercise have at least two visible checks and two hidden ones?"""
    assert len(testing.registered(exercise.id)) >= 2
    assert len(testing.registered(exercise.id, hidden=True)) >= 2


@pytest.mark.parametrize(("exercise", "chk"), _params(False) + _params(True))
def test_reference_passes(exercise, chk, reference):
    """Does the reference implementation pass this check?"""
    outcome = testing.run_one(chk, reference)
    assert outcome.passed, outcome.message


@pytest.mark.parametrize(("exercise", "chk"), _params(False) + _params(True))
def test_stub_fails_naming_the_exercise(exercise, chk, stub_functions):
    """Does the untouched stub fail this check, with a message naming its exercise?"""
    outcome = testing.run_one(chk, stub_functions)
    assert not outcome.passed
    assert f"Exercise {exercise.id}: implement {exercise.function}" in outcome.message


def test_hidden_messages_show_no_values(reference):
    """Does a failing hidden check keep its inputs and expected values to itself?"""
    import numpy as np

    def wrong(*args, **kwargs):
        return np.full(3, 123.456)

    for ex in EXERCISES:
        broken = learner_functions("nnlib", reload=False)
        setattr(broken, ex.function, wrong)
        for chk in testing.registered(ex.id, hidden=True):
            outcome = testing.run_one(chk, broken)
            assert not outcome.passed, f"{ex.id} {chk.title} passed a function returning garbage"
            assert "expected:" not in outcome.message and "123.456" not in outcome.message
