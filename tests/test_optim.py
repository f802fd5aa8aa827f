"""Properties of the reference ``nnlib/optim.py`` that algebra guarantees.

Hypothesis draws the inputs; each test's docstring is the question it answers.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnlib.optim import (
    adam_step,
    cosine_schedule,
    gradient_descent,
    iterate_minibatches,
    momentum_step,
    numerical_gradient,
    rmsprop_step,
    sgd_step,
    step_schedule,
)

FAST = settings(max_examples=50, deadline=None)
moderate = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def small_arrays(dtype=np.float64, elements=moderate):
    """Arrays of 1 to 3 axes, each of 1 to 4 entries."""
    return arrays(dtype, array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), elements=elements)


# --------------------------------------------------------------------------
# numerical_gradient
# --------------------------------------------------------------------------


@pytest.mark.ex5_1
@FAST
@given(small_arrays(), st.integers(0, 2**32 - 1))
def test_numerical_gradient_matches_known_gradients(x, seed):
    """Does the central difference agree with the exact gradient of sum(c sin x) + sum(x^2) / 2?"""
    c = np.random.default_rng(seed).normal(size=x.shape)
    kept = x.copy()
    got = numerical_gradient(lambda p: float(np.sum(c * np.sin(p)) + 0.5 * np.sum(p**2)), x)
    np.testing.assert_allclose(got, c * np.cos(kept) + kept, atol=1e-7)
    np.testing.assert_array_equal(x, kept)


@pytest.mark.ex5_1
@FAST
@given(st.floats(-5.0, 5.0), st.floats(1e-3, 0.5))
def test_central_difference_error_is_h_squared_for_a_cubic(x, h):
    """For x^3 is the result exactly 3 x^2 + h^2 (second-order error), not 3 x^2 + 3 x h + h^2?"""
    got = numerical_gradient(lambda p: float(p[0] ** 3), np.array([x]), eps=h)
    np.testing.assert_allclose(got, [3 * x * x + h * h], rtol=1e-7, atol=1e-9)


# --------------------------------------------------------------------------
# gradient_descent
# --------------------------------------------------------------------------


@pytest.mark.ex5_2
@FAST
@given(st.floats(0.1, 10.0), st.floats(0.01, 0.99), st.floats(-5.0, 5.0).filter(lambda v: abs(v) > 0.1))
def test_gradient_descent_converges_below_two_over_curvature(a, fraction, x0):
    """On f = a x^2 / 2 with 0 < lr < 2 / a, does every step bring x closer to the minimum?"""
    lr = fraction * 2.0 / a
    x, path = gradient_descent(lambda p: a * p, np.array([x0]), lr, 30)
    assert path.shape == (31, 1)
    assert np.all(np.abs(path[1:, 0]) <= np.abs(path[:-1, 0]))  # never farther (lr = 1/a lands on 0)
    assert abs(x[0]) < abs(x0)
    np.testing.assert_allclose(x, [x0 * (1 - lr * a) ** 30], rtol=1e-9, atol=1e-300)


@pytest.mark.ex5_2
@FAST
@given(st.floats(0.1, 10.0), st.floats(1.01, 3.0), st.floats(-5.0, 5.0).filter(lambda v: abs(v) > 0.1))
def test_gradient_descent_diverges_above_two_over_curvature(a, factor, x0):
    """On f = a x^2 / 2 with lr > 2 / a, does |x| grow at every step, flipping sign?"""
    lr = factor * 2.0 / a
    _, path = gradient_descent(lambda p: a * p, np.array([x0]), lr, 20)
    assert np.all(np.abs(path[1:, 0]) > np.abs(path[:-1, 0]))
    assert np.all(np.sign(path[1:, 0]) == -np.sign(path[:-1, 0]))


def test_gradient_descent_path_starts_at_x0_and_leaves_it_alone():
    """Is path[0] the untouched x0, and x the last row of the path?"""
    x0 = np.array([1.0, -2.0])
    x, path = gradient_descent(lambda p: np.array([2 * p[0], 4 * p[1]]), x0, 0.1, 5)
    np.testing.assert_array_equal(x0, [1.0, -2.0])
    np.testing.assert_array_equal(path[0], x0)
    np.testing.assert_array_equal(path[-1], x)
    np.testing.assert_allclose(x, [0.8**5, -2.0 * 0.6**5])


# --------------------------------------------------------------------------
# iterate_minibatches
# --------------------------------------------------------------------------


@pytest.mark.ex5_3
@FAST
@given(st.integers(1, 40), st.integers(1, 50), st.integers(0, 2**32 - 1))
def test_minibatches_cover_every_example_once(n, batch_size, seed):
    """Does an epoch hold every example exactly once, in batches of batch_size and one smaller rest?"""
    X = np.arange(3 * n, dtype=float).reshape(n, 3)
    y = np.arange(n)
    batches = iterate_minibatches(X, y, batch_size, np.random.default_rng(seed))
    sizes = [len(yb) for _, yb in batches]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    labels = np.concatenate([yb for _, yb in batches])
    assert sorted(labels.tolist()) == list(range(n))
    for X_batch, y_batch in batches:
        np.testing.assert_array_equal(X_batch, X[y_batch])  # rows stay with their labels


@pytest.mark.ex5_3
@FAST
@given(st.integers(2, 30), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_minibatches_are_reproducible_and_follow_the_permutation(n, batch_size, seed):
    """Does the same seed give the same batches, in the order rng.permutation(N) gives?"""
    X, y = np.arange(2 * n, dtype=float).reshape(n, 2), np.arange(n)
    first = iterate_minibatches(X, y, batch_size, np.random.default_rng(seed))
    second = iterate_minibatches(X, y, batch_size, np.random.default_rng(seed))
    order = np.random.default_rng(seed).permutation(n)
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in first]), order)
    for (xa, ya), (xb, yb) in zip(first, second, strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_minibatches_shuffle_differently_each_epoch():
    """Do two epochs from one generator come in different orders (and the data stay unchanged)?"""
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20)
    rng = np.random.default_rng(3)
    one = np.concatenate([yb for _, yb in iterate_minibatches(X, y, 6, rng)])
    two = np.concatenate([yb for _, yb in iterate_minibatches(X, y, 6, rng)])
    assert not np.array_equal(one, two)
    np.testing.assert_array_equal(y, np.arange(20))


# --------------------------------------------------------------------------
# sgd_step and momentum_step
# --------------------------------------------------------------------------


@pytest.mark.ex5_4
@FAST
@given(small_arrays(np.float32), st.floats(1e-4, 1.0), st.integers(0, 2**32 - 1))
def test_sgd_step_keeps_float32_and_leaves_inputs_alone(w, lr, seed):
    """Is sgd_step w - lr dw, float32 in and out, with w and dw unchanged?"""
    dw = np.random.default_rng(seed).normal(size=w.shape).astype(np.float32)
    w0, dw0 = w.copy(), dw.copy()
    got = sgd_step(w, dw, lr)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(dw, dw0)
    np.testing.assert_allclose(got, w0 - np.float32(lr) * dw0, rtol=1e-6, atol=1e-6)


@pytest.mark.ex5_4
def test_sgd_step_goes_downhill():
    """Does a small sgd_step lower a loss (f = |w|^2) rather than raise it?"""
    w = np.array([1.0, -2.0, 0.5])
    assert np.sum(sgd_step(w, 2 * w, 0.1) ** 2) < np.sum(w**2)


@pytest.mark.ex5_5
@FAST
@given(small_arrays(np.float32), st.floats(1e-3, 1.0), st.floats(0.0, 0.99), st.integers(0, 2**32 - 1))
def test_momentum_step_keeps_float32_and_leaves_inputs_alone(w, lr, beta, seed):
    """Is momentum_step (w - lr v', v' = beta v + dw), float32 throughout, inputs unchanged?"""
    rng = np.random.default_rng(seed)
    dw, v = (rng.normal(size=w.shape).astype(np.float32) for _ in range(2))
    copies = w.copy(), dw.copy(), v.copy()
    new_w, new_v = momentum_step(w, dw, v, lr, beta)
    assert new_w.dtype == np.float32 and new_v.dtype == np.float32
    for before, after in zip(copies, (w, dw, v), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_allclose(new_v, beta * copies[2] + copies[1], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(new_w, copies[0] - lr * new_v, rtol=1e-5, atol=1e-5)


@pytest.mark.ex5_5
def test_momentum_reaches_ten_times_the_step_on_a_constant_slope():
    """With beta = 0.9 and a constant gradient, does the velocity approach g / (1 - beta) = 10 g?"""
    w, v, g = np.zeros(1), np.zeros(1), np.ones(1)
    for _ in range(200):
        w, v = momentum_step(w, g, v, 0.01)
    np.testing.assert_allclose(v, [10.0], rtol=1e-6)


# --------------------------------------------------------------------------
# adam_step
# --------------------------------------------------------------------------


@pytest.mark.ex5_6
@FAST
@given(small_arrays(elements=st.floats(-100.0, 100.0).filter(lambda v: abs(v) > 1e-3)), st.floats(1e-4, 0.5))
def test_adams_first_step_moves_each_coordinate_by_lr(dw, lr):
    """At t = 1 from zero moments, does every coordinate move by lr against the sign of its gradient?"""
    w = np.zeros_like(dw)
    new_w, m, v = adam_step(w, dw, np.zeros_like(dw), np.zeros_like(dw), 1, lr=lr)
    np.testing.assert_allclose(new_w, -lr * np.sign(dw), rtol=1e-5)
    np.testing.assert_allclose(m, 0.1 * dw, rtol=1e-12)
    np.testing.assert_allclose(v, 0.001 * dw**2, rtol=1e-12)


@pytest.mark.ex5_6
@FAST
@given(st.floats(0.01, 50.0), st.integers(1, 30))
def test_adam_with_a_constant_gradient_moves_lr_every_step(g, steps):
    """With bias correction, is every step exactly lr long when the gradient never changes?"""
    w, m, v = np.zeros(1), np.zeros(1), np.zeros(1)
    for t in range(1, steps + 1):
        before = w
        w, m, v = adam_step(w, np.array([g]), m, v, t, lr=0.01)
        np.testing.assert_allclose(before - w, [0.01], rtol=1e-6)


@pytest.mark.ex5_6
def test_adam_second_step_by_hand():
    """Does step 2 (m = 0.38, v = 0.007996, corrections 0.19 and 0.001999) match the hand computation?"""
    w, m, v = adam_step(np.array([0.9]), np.array([2.0]), np.array([0.2]), np.array([0.004]), 2, lr=0.1)
    np.testing.assert_allclose(m, [0.38])
    np.testing.assert_allclose(v, [0.007996])
    np.testing.assert_allclose(w, [0.9 - 0.1 * (0.38 / 0.19) / np.sqrt(0.007996 / 0.001999)])
    np.testing.assert_allclose(w, [0.8])


@pytest.mark.ex5_6
@FAST
@given(small_arrays(np.float32), st.integers(1, 100), st.integers(0, 2**32 - 1))
def test_adam_keeps_float32_and_leaves_inputs_alone(w, t, seed):
    """Are Adam's outputs float32 for float32 inputs, with no input modified?"""
    rng = np.random.default_rng(seed)
    dw, m = (rng.normal(size=w.shape).astype(np.float32) for _ in range(2))
    v = rng.uniform(0.0, 1.0, size=w.shape).astype(np.float32)
    copies = [a.copy() for a in (w, dw, m, v)]
    out = adam_step(w, dw, m, v, t, lr=1e-2)
    assert all(a.dtype == np.float32 for a in out)
    assert all(np.all(np.isfinite(a)) for a in out)
    for before, after in zip(copies, (w, dw, m, v), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.ex5_6
def test_adam_minimises_the_rosenbrock_function():
    """Do 3000 Adam steps from (-1.2, 1) reach Rosenbrock's minimum at (1, 1)?"""
    from nnlib.demos.optim import rosenbrock, rosenbrock_grad

    w, m, v = np.array([-1.2, 1.0]), np.zeros(2), np.zeros(2)
    for t in range(1, 3001):
        w, m, v = adam_step(w, rosenbrock_grad(w), m, v, t, lr=0.05)
    assert rosenbrock(w) < 1e-8
    np.testing.assert_allclose(w, [1.0, 1.0], atol=1e-3)


# --------------------------------------------------------------------------
# rmsprop_step (5.7); given (not graded): the schedules, weight decay
# --------------------------------------------------------------------------


@pytest.mark.ex5_7
@FAST
@given(small_arrays(), st.floats(1e-4, 0.5), st.integers(0, 2**31 - 1))
def test_rmsprop_step_keeps_float32_and_leaves_inputs_alone(w, lr, seed):
    """Does rmsprop_step keep float32, leave w, dw and s alone, and follow its two-line rule?"""
    rng = np.random.default_rng(seed)
    w = w.astype(np.float32)
    dw = rng.normal(size=w.shape).astype(np.float32)
    s = rng.uniform(0.0, 1.0, size=w.shape).astype(np.float32)
    kept = [a.copy() for a in (w, dw, s)]
    new_w, new_s = rmsprop_step(w, dw, s, lr)
    for before, after in zip(kept, (w, dw, s), strict=True):
        np.testing.assert_array_equal(before, after)
    assert new_w.dtype == new_s.dtype == np.float32
    expected_s = 0.9 * s.astype(float) + 0.1 * dw.astype(float) ** 2
    np.testing.assert_allclose(new_s, expected_s, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(new_w, w - lr * dw / (np.sqrt(expected_s) + 1e-8), rtol=1e-4, atol=1e-5)


@pytest.mark.ex5_7
def test_rmsprop_steps_approach_lr_for_a_constant_gradient():
    """With a constant gradient of any size, do RMSProp's steps approach length lr (as the page says)?"""
    for g in (1e-3, 1.0, 500.0):
        w, s = np.zeros(1), np.zeros(1)
        for _ in range(100):
            before = w
            w, s = rmsprop_step(w, np.array([g]), s, 0.01)
        np.testing.assert_allclose(before - w, [0.01], rtol=1e-3)


def test_schedules_start_at_lr_and_follow_their_formulas():
    """Do step_schedule and cosine_schedule give one rate per step, from lr down, as written on the page?"""
    steps = step_schedule(0.1, 1000, every=600, factor=0.1)
    assert steps.shape == (1000,) and steps[0] == 0.1 and steps[599] == 0.1
    np.testing.assert_allclose(steps[600:], 0.01)
    cosine = cosine_schedule(0.1, 1000, lr_min=0.001)
    assert cosine.shape == (1000,) and cosine[0] == pytest.approx(0.1)
    np.testing.assert_allclose(cosine[500], 0.001 + 0.5 * 0.099)
    assert np.all(np.diff(cosine) < 0) and cosine[-1] > 0.001


@pytest.mark.ex5_4
def test_weight_decay_ends_at_the_penalised_minimum():
    """Do 300 full-batch sgd_step calls with weight decay end at the ridge solution, shrinking as lambda grows?"""
    from nnlib.demos.optim import line_loss_and_grad, make_line_data

    x, y = make_line_data()
    A = np.column_stack([x[:, 0], np.ones(len(y))])
    ends = []
    for weight_decay in (0.0, 0.1, 1.0):
        w = np.array([-1.0, 2.0])
        for _ in range(300):
            w = sgd_step(w, line_loss_and_grad(w, x, y)[1] + weight_decay * w, 0.1)
        exact = np.linalg.solve(2 / len(y) * A.T @ A + weight_decay * np.eye(2), 2 / len(y) * A.T @ y)
        np.testing.assert_allclose(w, exact, atol=5e-5)  # the page prints four decimals
        ends.append(np.linalg.norm(w))
    assert ends[0] > ends[1] > ends[2]
