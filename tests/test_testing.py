"""The check helpers in nnlib/testing.py: do their messages diagnose the mistake?"""

import time

import numpy as np
import pytest

from nnlib import testing
from nnlib.testing import (
    CheckFailure,
    ChecksFailed,
    CheckTimeout,
    assert_close,
    assert_unchanged,
    check_gradient,
    time_limit,
)


def failure(*args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as info:
        assert_close(*args, **kwargs)
    return str(info.value)


def test_passes_when_close():
    """Does a right answer (within tolerance) pass silently?"""
    assert_close(np.array([1.0, 2.0]) + 1e-12, [1.0, 2.0])
    assert_close((np.ones(2), 3.0), (np.ones(2), 3.0))


def test_none_means_missing_return():
    """Is a None result diagnosed as a missing return?"""
    assert "no `return`" in failure(None, [1.0], what="f(x)")


def test_transposed_shape_gets_a_transpose_hint():
    """Does a (3, 2) answer where (2, 3) was expected suggest a transpose?"""
    message = failure(np.zeros((3, 2)), np.zeros((2, 3)), what="out")
    assert "(3, 2)" in message and "(2, 3)" in message and "transpose" in message


def test_lost_axis_gets_a_keepdims_hint():
    """Does a reduced shape suggest keepdims or a wrong axis?"""
    assert "keepdims" in failure(np.zeros(4), np.zeros((4, 1)))


def test_nan_points_at_overflow():
    """Is a NaN where a finite value was expected blamed on exp overflow?"""
    message = failure(np.array([np.nan, 0.5]), [0.5, 0.5], what="softmax(z)")
    assert "NaN" in message and "overflow" in message and "index (0,)" in message


def test_known_mistake_is_named():
    """Does an answer matching a known mistake name that mistake?"""
    message = failure([3.0], [1.0], mistakes=[("the sign of the bias is flipped", [3.0])])
    assert "sign of the bias is flipped" in message


def test_wrong_values_show_expected_and_got():
    """Do visible failures show expected, got and where they differ most?"""
    message = failure(np.array([1.0, 2.5]), [1.0, 2.0])
    assert "expected" in message and "got" in message and "index (1,)" in message


def test_hidden_failures_show_no_values():
    """Do hidden failures keep the diagnosis but drop the values?"""
    message = failure(np.array([1.0, 2.5]), np.array([1.0, 7.123]), hidden=True)
    assert "wrong values" in message and "7.123" not in message and "expected" not in message
    message = failure(np.array([np.inf]), np.array([7.123]), hidden=True)
    assert "overflow" in message and "7.123" not in message


def test_tuple_results_are_compared_elementwise():
    """Is a tuple compared element by element, naming the wrong element?"""
    assert "out[1]" in failure((1.0, 2.0), (1.0, 3.0), what="out")
    assert "tuple of 2" in failure(1.0, (1.0, 2.0))


def test_non_numeric_result_is_reported():
    """Is a string (or other non-number) reported with its type?"""
    assert "str" in failure("abc", [1.0])


def test_in_place_modification_is_caught():
    """Does assert_unchanged catch an input modified in place?"""
    with pytest.raises(CheckFailure, match="in place"):
        assert_unchanged(np.zeros(2), np.ones(2), what="w")


def test_gradient_check_accepts_right_and_names_wrong():
    """Does the gradient checker accept 2x for x**2 and locate a wrong entry?"""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    check_gradient(lambda v: float((v**2).sum()), x, 2 * x, name="W")
    wrong = 2 * x
    wrong[1, 0] += 0.1
    with pytest.raises(CheckFailure) as info:
        check_gradient(lambda v: float((v**2).sum()), x, wrong, name="W")
    message = str(info.value)
    assert "W" in message and "(1, 0)" in message and "relative error" in message


def test_gradient_check_rejects_a_small_gradient_that_is_100_percent_wrong():
    """Is a gradient of size 1e-5 that is twice (or none of) the right one rejected, quietly in hidden mode?"""
    weights = np.array([[1e-5, 2e-5], [3e-5, 1.5e-5]])
    x = np.array([[0.3, -1.0], [2.0, 0.5]])

    def f(v):
        return float(np.sum(weights * v))

    check_gradient(f, x, weights, name="W")  # the right gradient passes
    for wrong in (2 * weights, np.zeros_like(weights), -weights):
        with pytest.raises(CheckFailure) as info:
            check_gradient(f, x, wrong, name="W")
        assert "relative error" in str(info.value) and "0.01" in str(info.value)
    testing._HIDDEN[0] = True
    try:
        with pytest.raises(CheckFailure) as info:
            check_gradient(f, x, 2 * weights, name="W")
    finally:
        testing._HIDDEN[0] = False
    assert "W" in str(info.value) and "e-05" not in str(info.value) and "index" not in str(info.value)


def test_gradient_check_is_relative_with_a_floor():
    """Is |a - n| / max(|a|, |n|, 0.01) the measure: zeros pass (no 0/0), a NaN fails, 1e-5 of 1 passes?"""
    x = np.array([1.0, 2.0, 3.0])
    check_gradient(lambda v: float(v[0] ** 2), x, np.array([2.0, 0.0, 0.0]))  # both slopes 0: no 0/0
    with pytest.raises(CheckFailure):
        check_gradient(lambda v: float(v[0] ** 2), x, np.array([2.0, np.nan, 0.0]))
    check_gradient(lambda v: float(np.sum(v**2)), x, 2 * x * (1 + 5e-7))  # relative 5e-7 < 1e-6
    with pytest.raises(CheckFailure):
        check_gradient(lambda v: float(np.sum(v**2)), x, 2 * x * (1 + 5e-6))  # relative 5e-6 > 1e-6


def test_time_limit_interrupts_a_loop():
    """Does time_limit stop an endless loop, even one that catches Exception?"""
    start = time.perf_counter()
    with pytest.raises(CheckTimeout), time_limit(0.2):
        while True:
            try:
                pass
            except Exception:
                pass
    assert time.perf_counter() - start < 2


def test_checks_failed_renders_without_traceback():
    """Does IPython show a failed check as one line rather than a traceback?"""
    assert ChecksFailed("2 of 3 checks failed")._render_traceback_() == ["ChecksFailed: 2 of 3 checks failed"]


def test_time_limits_count_cpu_time_not_waiting():
    """Does a limit stop an endless loop, yet let a call that waits (as on a busy machine) finish?"""
    import time

    from nnlib.testing import CheckTimeout, time_limit

    with time_limit(0.2):
        time.sleep(0.5)  # waiting uses no CPU: a busy machine makes a correct call wait like this
    with pytest.raises(CheckTimeout):
        with time_limit(0.2):
            while True:
                pass


def test_the_message_quotes_the_entry_that_failed():
    """When a tiny entry misses its relative tolerance, does the message quote it, not a larger entry within tolerance?"""
    from nnlib.testing import CheckFailure, assert_close

    expected = np.array([1000.0, 1e-12])
    got = np.array([1000.0005, 2e-12])  # the first is within rtol=1e-6; the second is 100% off
    with pytest.raises(CheckFailure, match=r"index \(1,\)"):
        assert_close(got, expected, atol=1e-15)


def test_copying_hands_each_call_fresh_copies():
    """Does copying(nn) keep a function that changes its inputs in place from changing the caller's arrays?"""
    from types import SimpleNamespace

    def spoil(x, cache):
        x[:] = 0.0
        cache[1]["W"][:] = 0.0
        return x.sum()

    x, cache = np.ones(3), (np.ones(2), {"W": np.ones((2, 2))})
    assert testing.copying(SimpleNamespace(spoil=spoil)).spoil(x, cache=cache) == 0.0
    assert x.tolist() == [1.0, 1.0, 1.0] and cache[1]["W"].sum() == 4.0


def test_leaves_inputs_alone_names_the_changed_array():
    """Does leaves_inputs_alone name the array a function changed, deep inside its arguments?"""
    from types import SimpleNamespace

    def spoil(dout, cache):
        cache[1]["Wq"] += 1.0

    nn = SimpleNamespace(spoil=spoil, keep=lambda dout, cache: None)
    testing.leaves_inputs_alone(nn, "keep", (np.ones(2), (np.ones(2), {"Wq": np.ones(2)})), ("dout", "cache"))
    with pytest.raises(CheckFailure, match=r"cache\[1\]\['Wq'\]"):
        testing.leaves_inputs_alone(nn, "spoil", (np.ones(2), (np.ones(2), {"Wq": np.ones(2)})), ("dout", "cache"))


def test_an_unfinished_forward_is_named_before_its_backward():
    """Does forward_then_backward name the forward's exercise when only the forward is unfinished, and
    let a stub backward name its own?"""
    from types import SimpleNamespace

    from nnlib.exercises import by_function

    def stub(name):
        def fn(*args):
            raise NotImplementedError(by_function(name).todo)

        return fn

    done = SimpleNamespace(mlp_forward=lambda X, params: (X, "cache"), mlp_backward=lambda dout, cache: [dout])
    assert testing.forward_then_backward(done, "mlp_forward", "mlp_backward", (1.0, []), 2.0) == (1.0, [2.0])
    forward_missing = SimpleNamespace(mlp_forward=stub("mlp_forward"), mlp_backward=lambda dout, cache: cache[0])
    with pytest.raises(CheckFailure, match=r"needs the cache of your mlp_forward \(exercise 7\.2\)"):
        testing.forward_then_backward(forward_missing, "mlp_forward", "mlp_backward", (1.0, []), 2.0)
    both_missing = SimpleNamespace(mlp_forward=stub("mlp_forward"), mlp_backward=stub("mlp_backward"))
    with pytest.raises(NotImplementedError, match="implement mlp_backward"):
        testing.forward_then_backward(both_missing, "mlp_forward", "mlp_backward", (1.0, []), 2.0)
