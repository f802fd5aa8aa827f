"""What a failed hidden check may say: the mistake, never the hidden inputs (not even through the student)."""

import warnings

import numpy as np

from nnlib import testing
from nnlib.checking import learner_functions
from nnlib.testing import Check, assert_close, check_gradient


def _hidden(run):
    return Check("2.3", "a hidden check", run, hidden=True)


def test_a_students_exception_text_is_reduced_to_its_type():
    """Does an exception whose message carries the hidden input reach the report as its type only?"""
    nn = learner_functions("nnlib", reload=False)

    def leaky(z):
        raise ValueError(f"the input was {np.asarray(z).tolist()!r}")

    nn.sigmoid = leaky
    outcome = testing.run_one(_hidden(lambda nn: nn.sigmoid(np.array([0.123456789]))), nn)
    assert not outcome.passed and outcome.message == "raised ValueError"


def test_hidden_failures_state_no_shape_error_or_gradient_values():
    """Do shape mismatches, wrong values and wrong gradients in a hidden check keep their numbers to themselves?"""
    def wrong_shape(nn):
        assert_close(np.zeros((3, 7)), np.zeros((7, 3)), what="out")

    def wrong_values(nn):
        assert_close(np.full(4, 2.5), np.full(4, 1.25), what="out")

    def wrong_gradient(nn):
        check_gradient(lambda x: float(np.sum(x**2)), np.array([0.75, 1.5]), np.array([9.0, 9.0]))

    for run in (wrong_shape, wrong_values, wrong_gradient):
        outcome = testing.run_one(_hidden(run), None)
        assert not outcome.passed
        for secret in ("(3, 7)", "(7, 3)", "2.5", "1.25", "0.75", "1.5", "9", "largest"):
            assert secret not in outcome.message, (run.__name__, outcome.message)


def test_a_hidden_check_never_repeats_a_length_the_student_chose():
    """Does a tuple of the wrong length reach the report without its length (a student could encode data in it)?"""
    def wrong_length(nn):
        assert_close(tuple(np.zeros(1) for _ in range(987)), (np.zeros(1), np.zeros(1)), what="the cache")

    outcome = testing.run_one(_hidden(wrong_length), None)
    assert not outcome.passed and "987" not in outcome.message
    assert "should be a tuple of 2 values" in outcome.message


def test_an_error_of_the_check_itself_keeps_its_shapes_when_an_earlier_function_is_blamed():
    """Does NumPy's text about the student's answer stay out of a hidden check that blames an earlier function?

    The function under test returns an empty array of shape (0, 4444), the number chosen by the student (a
    stashed hidden input, say), and relu fails its quick test on purpose; the check's own arithmetic on the answer
    raised "operands could not be broadcast together with shapes (5,3) (0,4444)", and needs() put that text
    into the report above its blame: any number, and the hidden input's shape, reached the feedback.
    """
    nn = learner_functions("nnlib", reload=False)
    nn.relu = lambda z: np.zeros(7)  # fails its quick test
    nn.sum_of_relus = lambda *args: np.zeros((0, 4444))

    def run(nn):
        np.zeros((5, 3)) + nn.sum_of_relus(np.zeros(5), np.zeros(3), np.zeros(3), np.zeros(3))

    outcome = testing.run_one(Check("1.2", "a hidden check", run, hidden=True), nn)
    assert not outcome.passed and "the cause may be earlier" in outcome.message and "relu" in outcome.message
    assert "4444" not in outcome.message and "(5,3)" not in outcome.message, outcome.message
    assert outcome.message.startswith("raised ValueError\n")
    visible = testing.run_one(Check("1.2", "visible", run), nn)
    assert "4444" in visible.message  # a learner's own check may say it


def test_chapter_10s_hidden_checks_never_repeat_a_length_the_student_chose():
    """Does the pair helper chapter 10's hidden checks use keep a tuple's length to itself there?

    vae_loss_backward returning 7777 values made four hidden checks of 10.6 say "got tuple of length 7777".
    """
    from nnlib.checks.vae import _pair

    def run(nn):
        _pair(tuple(range(7777)), "vae_loss_backward(cache)")

    outcome = testing.run_one(Check("10.6", "a hidden check", run, hidden=True), None)
    assert not outcome.passed and "7777" not in outcome.message and "2 values" in outcome.message, outcome.message
    assert "7777" in testing.run_one(Check("10.6", "visible", run), None).message


def test_a_hidden_check_never_repeats_a_dtype_the_student_chose():
    """Does a float32 check in a hidden check keep the student's dtype (>u2, f2, i1 ...) to itself, but float64?

    assert_float32 said "got dtype >u2": the student picks one of some twenty dtypes and byte orders, a few
    bits of a stashed hidden input per check. float64, the usual mistake, is still named.
    """
    def returns(dtype):
        return lambda nn: testing.assert_float32(np.zeros(2, dtype=dtype), "out")

    for dtype in (">u2", "<f2", "<i1", ">f8"):
        outcome = testing.run_one(_hidden(returns(dtype)), None)
        assert not outcome.passed and np.dtype(dtype).str not in outcome.message and str(np.dtype(dtype)) not in \
            outcome.message, outcome.message
    assert "got dtype float64" in testing.run_one(_hidden(returns("<f8")), None).message
    assert testing.run_one(_hidden(returns("<f4")), None).passed
    assert ">u2" in testing.run_one(Check("2.3", "visible", returns(">u2")), None).message


def test_visible_failures_still_show_the_numbers():
    """Does the same mistake in a visible check show expected and got, as learners need?"""
    outcome = testing.run_one(Check("2.3", "visible", lambda nn: assert_close(np.full(2, 2.5), [1.25, 1.25])), None)
    assert "expected" in outcome.message and "2.5" in outcome.message


def test_a_huge_message_is_cut():
    """Is a failure message of megabytes cut to a bounded length?"""
    def huge(nn):
        raise testing.CheckFailure("x" * 5_000_000)

    outcome = testing.run_one(Check("2.3", "visible", huge), None)
    assert len(outcome.message) < 3000


def _planted(value, how: str):
    """``value`` (a reference answer) with a number planted where the student chooses: length, shape, dtype, value."""
    if isinstance(value, tuple | list):
        if how == "length":
            return (*value, *(np.zeros(1) for _ in range(7777 - len(value))))
        return type(value)(_planted(v, how) for v in value)
    if isinstance(value, np.ndarray | float | int | np.number) and not isinstance(value, bool):
        array = np.asarray(value)
        return {"dtype": lambda: array.astype(">u2"), "shape": lambda: np.zeros((5555, *array.shape[1:])),
                "empty": lambda: np.zeros((0, 4444)), "value": lambda: 3333.0, "length": lambda: value}[how]()
    return value


def _planting(function, how: str):
    return lambda *args, **kwargs: _planted(function(*args, **kwargs), how)


def test_no_hidden_check_repeats_a_number_the_students_answers_carry():
    """Does any hidden check of any chapter repeat a number planted in the answers of every function?

    Every function answers like the reference, but with 7777 values in each tuple, a first axis of 5555, an empty
    array of shape (0, 4444), dtype >u2, or the value 3333: a stashed hidden input could be carried out that way.
    This found NumPy's own text about shapes passed on by needs() (seven chapters' checks), "got tuple of length"
    in chapter 10's helper and "got dtype" in assert_float32.
    """
    from types import SimpleNamespace

    from coursekit.generate import hidden_regions
    from nnlib.checking import load_visible_checks
    from nnlib.exercises import EXERCISES

    load_visible_checks("nnlib")  # the quick tests
    with testing.collecting():
        for code in hidden_regions().values():
            exec(compile(code, "<hidden checks>", "exec"), {"__name__": "hidden_checks"})
    reference = learner_functions("nnlib", reload=False)
    marks = {"length": "7777", "shape": "5555", "empty": "4444", "dtype": "u2", "value": "3333"}
    leaks = []
    for how, mark in marks.items():
        nn = SimpleNamespace(**{ex.function: _planting(getattr(reference, ex.function), how) for ex in EXERCISES})
        for ex in EXERCISES:
            for chk in testing.registered(ex.id, hidden=True):
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # NumPy on an empty answer: np.var([])
                    message = testing.run_one(chk, nn).message
                if mark in message:
                    leaks.append((ex.id, chk.title, how, message[:200]))
    assert leaks == []
