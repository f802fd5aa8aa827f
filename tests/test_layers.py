"""Properties of the reference ``nnlib/layers.py`` that calculus and algebra guarantee.

Hypothesis draws the shapes and values; each test's docstring is the question
it answers. Every backward function is compared with central differences in
float64 by :func:`nnlib.testing.check_gradient`, on random shapes that are
usually all different (so a transpose cannot hide) and sometimes square.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnlib.layers import (
    dense_backward,
    dense_forward,
    gradient_check,
    relu_backward,
    sigmoid_backward,
    tanh_backward,
)
from nnlib.testing import CheckFailure, check_gradient

FAST = settings(max_examples=50, deadline=None)
values = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@st.composite
def dense_problems(draw, dtype=np.float64):
    """x (N, D), W (D, H), b (H,) and an upstream gradient R (N, H), small random sizes."""
    n, d, h = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x, W, b, R = (rng.normal(size=s).astype(dtype) for s in [(n, d), (d, h), (h,), (n, h)])
    return x, W, b, R


# --------------------------------------------------------------------------
# dense_forward / dense_backward
# --------------------------------------------------------------------------


@pytest.mark.ex6_1
@FAST
@given(dense_problems(), st.floats(-5.0, 5.0), st.floats(-5.0, 5.0))
def test_dense_forward_is_affine_in_x(problem, alpha, beta):
    """Is out(alpha x1 + beta x2) - b = alpha (out(x1) - b) + beta (out(x2) - b), i.e. linear in x?"""
    x, W, b, _ = problem
    x2 = np.flip(x, axis=0) + 1.0
    combined, _ = dense_forward(alpha * x + beta * x2, W, b)
    out1, _ = dense_forward(x, W, b)
    out2, _ = dense_forward(x2, W, b)
    np.testing.assert_allclose(combined - b, alpha * (out1 - b) + beta * (out2 - b), rtol=1e-9, atol=1e-9)


@pytest.mark.ex6_1
@FAST
@given(dense_problems())
def test_dense_forward_matches_an_index_sum_and_caches_x_and_w(problem):
    """Is out[n, h] = sum_d x[n, d] W[d, h] + b[h], with cache the tuple (x, W) and no input modified?"""
    x, W, b, _ = problem
    before = [a.copy() for a in (x, W, b)]
    out, cache = dense_forward(x, W, b)
    loop = [[sum(x[n, d] * W[d, h] for d in range(W.shape[0])) + b[h] for h in range(W.shape[1])]
            for n in range(x.shape[0])]
    np.testing.assert_allclose(out, loop, rtol=1e-9, atol=1e-12)
    assert type(cache) is tuple and len(cache) == 2
    np.testing.assert_array_equal(cache[0], x)
    np.testing.assert_array_equal(cache[1], W)
    for old, new in zip(before, (x, W, b), strict=True):
        np.testing.assert_array_equal(old, new)


@pytest.mark.ex6_2
@FAST
@given(dense_problems())
def test_dense_backward_matches_central_differences(problem):
    """For L = sum(out * R), do dx, dW and db equal central differences of L in float64?"""
    x, W, b, R = problem
    dx, dW, db = dense_backward(R, (x, W))
    check_gradient(lambda v: np.sum(dense_forward(v, W, b)[0] * R), x, dx, name="x")
    check_gradient(lambda v: np.sum(dense_forward(x, v, b)[0] * R), W, dW, name="W")
    check_gradient(lambda v: np.sum(dense_forward(x, W, v)[0] * R), b, db, name="b")


@pytest.mark.ex6_2
@FAST
@given(st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_dense_backward_on_square_shapes_is_not_transposed(size, seed):
    """With N = D = H (where a missing transpose raises no error), are the gradients still right?"""
    rng = np.random.default_rng(seed)
    x, W, R = (rng.normal(size=(size, size)) for _ in range(3))
    b = rng.normal(size=size)
    dx, dW, db = dense_backward(R, (x, W))
    check_gradient(lambda v: np.sum((v @ W + b) * R), x, dx, name="x")
    check_gradient(lambda v: np.sum((x @ v + b) * R), W, dW, name="W")
    np.testing.assert_allclose(db, R.sum(axis=0), rtol=1e-12)


@pytest.mark.ex6_1
@pytest.mark.ex6_2
@FAST
@given(dense_problems(dtype=np.float32))
def test_dense_layer_keeps_float32_and_leaves_inputs_alone(problem):
    """With float32 inputs, are out, dx, dW and db float32, and are x, W, b, dout unchanged?"""
    x, W, b, R = problem
    before = [a.copy() for a in (x, W, b, R)]
    out, cache = dense_forward(x, W, b)
    grads = dense_backward(R, cache)
    assert out.dtype == np.float32
    assert [g.dtype for g in grads] == [np.float32] * 3
    assert [g.shape for g in grads] == [x.shape, W.shape, b.shape]
    for old, new in zip(before, (x, W, b, R), strict=True):
        np.testing.assert_array_equal(old, new)


@pytest.mark.ex6_2
def test_dense_backward_sums_the_bias_gradient_over_the_batch():
    """Is db the sum of dout over the batch (4 examples of ones give 4), not the mean?"""
    _, _, db = dense_backward(np.ones((4, 3)), (np.zeros((4, 2)), np.zeros((2, 3))))
    np.testing.assert_array_equal(db, [4.0, 4.0, 4.0])


# --------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------


def _arrays(elements=values):
    return arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=5), elements=elements)


@pytest.mark.ex6_3
@FAST
@given(_arrays(st.one_of(st.floats(-3.0, -0.01), st.floats(0.01, 3.0))), st.integers(0, 2**32 - 1))
def test_relu_backward_matches_central_differences(z, seed):
    """Away from the kink, does relu_backward equal central differences of sum(relu(z) * R)?"""
    R = np.random.default_rng(seed).normal(size=z.shape)
    check_gradient(lambda v: np.sum(np.maximum(v, 0.0) * R), z, relu_backward(R, z), name="z", eps=1e-6)


@pytest.mark.ex6_3
@FAST
@given(_arrays(st.sampled_from([-1.5, -0.0, 0.0, 2.0])), st.integers(0, 2**32 - 1))
def test_relu_backward_is_zero_at_zero_and_follows_z_not_dout(z, seed):
    """Is the gradient dout where z > 0 and 0 where z <= 0 (z = 0 included), whatever dout's sign?"""
    dout = np.random.default_rng(seed).normal(size=z.shape)
    np.testing.assert_array_equal(relu_backward(dout, z), np.where(z > 0, dout, 0.0))


@pytest.mark.ex6_4
@FAST
@given(_arrays(), st.integers(0, 2**32 - 1))
def test_sigmoid_backward_matches_central_differences(z, seed):
    """Given the sigmoid's output, does sigmoid_backward equal central differences of sum(sigmoid(z) * R)?"""
    R = np.random.default_rng(seed).normal(size=z.shape)
    check_gradient(lambda v: np.sum(_sigmoid(v) * R), z, sigmoid_backward(R, _sigmoid(z)), name="z")


@pytest.mark.ex6_5
@FAST
@given(_arrays(), st.integers(0, 2**32 - 1))
def test_tanh_backward_matches_central_differences(z, seed):
    """Given tanh's output, does tanh_backward equal central differences of sum(tanh(z) * R)?"""
    R = np.random.default_rng(seed).normal(size=z.shape)
    check_gradient(lambda v: np.sum(np.tanh(v) * R), z, tanh_backward(R, np.tanh(z)), name="z")


@pytest.mark.ex6_3
@pytest.mark.ex6_4
@pytest.mark.ex6_5
@pytest.mark.parametrize("backward", [relu_backward, sigmoid_backward, tanh_backward])
def test_activation_backwards_keep_float32_and_leave_inputs_alone(backward):
    """Does each activation's backward return float32 for float32 inputs, without modifying them?"""
    rng = np.random.default_rng(63)
    dout = rng.normal(size=(4, 5)).astype(np.float32)
    local = rng.uniform(-0.9, 0.9, size=(4, 5)).astype(np.float32)
    before = dout.copy(), local.copy()
    got = backward(dout, local)
    assert got.dtype == np.float32 and got.shape == dout.shape
    np.testing.assert_array_equal(before[0], dout)
    np.testing.assert_array_equal(before[1], local)


def test_check_gradient_would_catch_a_wrong_backward():
    """Does the comparison used above fail for a sign error and a missing transpose (so the tests can fail)?"""
    rng = np.random.default_rng(0)
    z, R = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    with pytest.raises(CheckFailure):
        check_gradient(lambda v: np.sum(np.tanh(v) * R), z, -tanh_backward(R, np.tanh(z)), name="z")
    x, W, R2 = (rng.normal(size=(3, 3)) for _ in range(3))
    with pytest.raises(CheckFailure):
        check_gradient(lambda v: np.sum((v @ W) * R2), x, R2 @ W, name="x")


# --------------------------------------------------------------------------
# gradient_check
# --------------------------------------------------------------------------


@pytest.mark.ex6_6
@FAST
@given(_arrays(), st.integers(0, 2**32 - 1))
def test_gradient_check_is_tiny_for_a_right_gradient(x, seed):
    """For f = sum(c sin(x) + x**2) and its exact gradient, is the error below the 1e-6 pass mark (and x unchanged)?

    Relative to max(|a|, |n|, 0.01), rounding in the central difference can reach a few 1e-7 where
    a gradient entry is close to zero; a wrong gradient scores far above 1e-6.
    """
    c = np.random.default_rng(seed).normal(size=x.shape)
    x_before = x.copy()
    err = gradient_check(lambda v: float(np.sum(c * np.sin(v) + v**2)), x, c * np.cos(x) + 2 * x)
    assert isinstance(err, float) and 0.0 <= err < 1e-6
    np.testing.assert_array_equal(x, x_before)


@pytest.mark.ex6_6
@FAST
@given(_arrays(), st.data())
def test_gradient_check_reports_a_perturbed_entry(x, data):
    """With one entry of the gradient off by delta, is the error |delta| / max(|a|, |n|, 0.01) for that entry?"""
    index = tuple(data.draw(st.integers(0, s - 1)) for s in x.shape)
    delta = data.draw(st.sampled_from([-2.0, -0.1, 0.05, 0.5, 3.0]))
    exact = 3 * x**2
    wrong = exact.copy()
    wrong[index] += delta
    err = gradient_check(lambda v: float(np.sum(v**3)), x, wrong)
    expected = abs(delta) / max(abs(wrong[index]), abs(exact[index]), 0.01)
    assert err == pytest.approx(expected, rel=1e-5)
    assert err > 1e-3  # far above the 1e-7 of a right gradient


@pytest.mark.ex6_6
@FAST
@given(st.floats(1e-7, 1e-2), st.sampled_from([0.0, 2.0, -1.0]), st.integers(0, 2**32 - 1))
def test_gradient_check_rejects_a_small_gradient_that_is_100_percent_wrong(size, factor, seed):
    """Is a tiny gradient that is 0, twice or minus the right one scored far above the 1e-6 of a right one?"""
    gen = np.random.default_rng(seed)
    weights = size * gen.uniform(0.5, 1.0, size=(3, 4))  # f = sum(weights * x): the gradient is weights
    x = gen.normal(size=(3, 4))
    err = gradient_check(lambda v: float(np.sum(weights * v)), x, factor * weights)
    largest = float(np.max(np.abs(factor - 1.0) * weights / np.maximum(np.abs(factor) * weights, 0.01)))
    assert err == pytest.approx(largest, rel=1e-3)  # the relative error, with sizes below 0.01 counted as 0.01
    assert err >= 0.5 * size / 0.01 > 1e-6
    assert gradient_check(lambda v: float(np.sum(weights * v)), x, weights) < 1e-7


@pytest.mark.ex6_6
def test_gradient_check_gives_zero_not_nan_where_both_slopes_are_zero():
    """Where f ignores an entry (analytic and numerical slopes exactly 0), is the error 0 rather than 0/0?"""
    err = gradient_check(lambda v: float(v[0] ** 2 + np.sin(v[2])), np.array([1.0, 4.0, 0.5]),
                         np.array([2.0, 0.0, np.cos(0.5)]))
    assert 0.0 <= err < 1e-7


@pytest.mark.ex6_6
def test_gradient_check_uses_central_differences_and_its_eps():
    """For sum(x**3) at [1, 2] with eps = 0.1, is the error exactly the central one, 0.01 / 3.01?"""
    err = gradient_check(lambda v: float(np.sum(v**3)), np.array([1.0, 2.0]), np.array([3.0, 12.0]), eps=0.1)
    assert err == pytest.approx(0.01 / 3.01, rel=1e-6)
