"""Properties of the reference ``nnlib/losses.py`` that algebra guarantees.

Hypothesis draws the inputs; each test's docstring is the question it answers.
Overflow is proven absent with ``np.errstate(over="raise", invalid="raise",
divide="raise")``: underflow (``exp(-1000)`` becoming 0) is harmless and
allowed. Gradients are compared with central differences in float64.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnlib.losses import binary_cross_entropy, cross_entropy, log_softmax, mse_loss
from nnlib.testing import check_gradient

FAST = settings(max_examples=50, deadline=None)
moderate = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)
huge = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
probability = st.floats(0.02, 0.98)


def strict():
    """Overflow, 0/0 and division by zero raise; underflow stays silent."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


@st.composite
def logits_and_labels(draw, elements=moderate):
    """Logits (N, C) and integer labels (N,) in 0 to C - 1."""
    n, c = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    logits = draw(arrays(np.float64, (n, c), elements=elements))
    labels = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return logits, labels


@st.composite
def same_shape_pairs(draw):
    """Predictions and targets of one shape, (N,) or (N, D)."""
    shape = draw(array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5))
    return (draw(arrays(np.float64, shape, elements=moderate)), draw(arrays(np.float64, shape, elements=moderate)))


# --------------------------------------------------------------------------
# mse_loss
# --------------------------------------------------------------------------


@pytest.mark.ex4_1
@FAST
@given(same_shape_pairs())
def test_mse_gradient_matches_central_differences(pair):
    """Is mse_loss's gradient the central-difference slope of its loss, for (N,) and (N, D)?"""
    y_hat, y = pair
    loss, dy_hat = mse_loss(y_hat, y)
    assert np.ndim(loss) == 0 and loss >= 0
    check_gradient(lambda v: mse_loss(v, y)[0], y_hat, dy_hat, name="y_hat", tol=1e-5)


@pytest.mark.ex4_1
@FAST
@given(same_shape_pairs())
def test_mse_is_symmetric_and_zero_only_at_the_target(pair):
    """Is MSE(y_hat, y) = MSE(y, y_hat), zero for y_hat = y, and does the gradient flip sign with the roles?"""
    y_hat, y = pair
    (loss, grad), (swapped, grad_swapped) = mse_loss(y_hat, y), mse_loss(y, y_hat)
    assert loss == pytest.approx(swapped)
    np.testing.assert_allclose(grad, -grad_swapped)
    assert mse_loss(y, y)[0] == 0.0
    np.testing.assert_array_equal(mse_loss(y, y)[1], np.zeros_like(y))


@pytest.mark.ex4_1
def test_mse_keeps_float32_and_its_inputs():
    """Does mse_loss keep float32 gradients float32 and leave its inputs unchanged?"""
    y_hat = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    y = np.zeros((2, 2), dtype=np.float32)
    before = y_hat.copy()
    loss, grad = mse_loss(y_hat, y)
    assert grad.dtype == np.float32
    assert loss == pytest.approx(7.5)
    np.testing.assert_array_equal(y_hat, before)


# --------------------------------------------------------------------------
# binary_cross_entropy
# --------------------------------------------------------------------------


@pytest.mark.ex4_2
@FAST
@given(st.data())
def test_bce_is_symmetric_under_swapping_the_classes(data):
    """Is BCE(1 - p, 1 - y) = BCE(p, y), with the gradient negated?"""
    n = data.draw(st.integers(1, 8))
    p = data.draw(arrays(np.float64, (n,), elements=probability))
    y = data.draw(arrays(np.float64, (n,), elements=st.sampled_from([0.0, 1.0])))
    loss, dp = binary_cross_entropy(p, y)
    loss_swapped, dp_swapped = binary_cross_entropy(1.0 - p, 1.0 - y)
    assert loss_swapped == pytest.approx(loss, rel=1e-9)
    np.testing.assert_allclose(dp_swapped, -dp, rtol=1e-9)


@pytest.mark.ex4_2
@FAST
@given(st.data())
def test_bce_gradient_matches_central_differences(data):
    """Is binary_cross_entropy's gradient the central-difference slope of its loss (soft labels too)?"""
    n = data.draw(st.integers(1, 8))
    p = data.draw(arrays(np.float64, (n,), elements=probability))
    y = data.draw(arrays(np.float64, (n,), elements=st.floats(0.0, 1.0)))
    loss, dp = binary_cross_entropy(p, y)
    assert loss > 0
    check_gradient(lambda q: binary_cross_entropy(q, y)[0], p, dp, name="p", tol=1e-5)


@pytest.mark.ex4_2
@FAST
@given(st.data())
def test_bce_is_smallest_when_p_equals_a_soft_label(data):
    """For a soft label y, is the loss smallest (and the gradient zero) at p = y?"""
    y = np.array([data.draw(probability)])
    other = np.array([data.draw(probability)])
    best, grad = binary_cross_entropy(y, y)
    np.testing.assert_allclose(grad, 0.0, atol=1e-9)
    assert binary_cross_entropy(other, y)[0] >= best - 1e-12


@pytest.mark.ex4_2
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bce_is_finite_at_p_exactly_zero_and_one(dtype):
    """Are the loss and gradient finite, with no warning, when p is exactly 0 or 1, in float64 and float32?"""
    p = np.array([0.0, 1.0, 0.0, 1.0], dtype=dtype)
    y = np.array([1.0, 0.0, 0.0, 1.0], dtype=dtype)
    before = p.copy()
    with strict():
        loss, dp = binary_cross_entropy(p, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dp))
    assert dp.dtype == dtype
    np.testing.assert_array_equal(p, before)
    # two confident wrong answers cost -log(margin) each; the margin is 1e-12, or float32's resolution
    margin = 1e-12 if dtype == np.float64 else float(np.finfo(np.float32).epsneg)
    assert loss == pytest.approx(-2 * np.log(margin) / 4, rel=1e-3)


# --------------------------------------------------------------------------
# log_softmax
# --------------------------------------------------------------------------


@pytest.mark.ex4_3
@FAST
@given(logits_and_labels(huge))
def test_log_softmax_rows_exponentiate_to_probabilities(args):
    """Does exp(log_softmax(z)) sum to one along every row, without overflow, for logits up to 1e4?"""
    z, _ = args
    with strict():
        log_p = log_softmax(z)
    assert log_p.shape == z.shape
    assert np.all(np.isfinite(log_p)) and np.all(log_p <= 0)
    np.testing.assert_allclose(np.exp(log_p).sum(axis=-1), 1.0, rtol=1e-12)


@pytest.mark.ex4_3
@FAST
@given(logits_and_labels(), st.data())
def test_log_softmax_ignores_a_constant_added_to_each_row(args, data):
    """Does adding a (different, possibly huge) constant to each row leave log_softmax unchanged?"""
    z, _ = args
    shift = np.array(data.draw(st.lists(st.floats(-1e4, 1e4), min_size=len(z), max_size=len(z))))[:, None]
    with strict():
        np.testing.assert_allclose(log_softmax(z + shift), log_softmax(z), atol=1e-9)


@pytest.mark.ex4_3
@FAST
@given(arrays(np.float64, st.integers(1, 10), elements=moderate))
def test_log_softmax_is_log_of_the_direct_formula_and_of_a_batch_of_one(z):
    """Does log_softmax of shape (C,) equal log(exp(z) / sum(exp(z))), and row 0 of the (1, C) batch?"""
    before = z.copy()
    log_p = log_softmax(z)
    np.testing.assert_allclose(log_p, np.log(np.exp(z) / np.exp(z).sum()), atol=1e-12)
    np.testing.assert_array_equal(log_p, log_softmax(z[None, :])[0])
    np.testing.assert_array_equal(z, before)


@pytest.mark.ex4_3
def test_log_softmax_where_the_naive_formula_fails():
    """Is log_softmax exact where log(softmax) gives nan (overflow) or -inf (underflow)?"""
    z = np.array([[1000.0, 1000.0], [0.0, -1000.0]])
    with strict():
        log_p = log_softmax(z)
    np.testing.assert_allclose(log_p, [[-np.log(2.0), -np.log(2.0)], [0.0, -1000.0]], atol=1e-12)
    with np.errstate(all="ignore"):
        naive = np.log(np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    assert np.isnan(naive[0]).all() and np.isneginf(naive[1, 1])  # the test would notice a naive version


# --------------------------------------------------------------------------
# cross_entropy
# --------------------------------------------------------------------------


@pytest.mark.ex4_4
@FAST
@given(logits_and_labels(huge))
def test_cross_entropy_is_finite_for_huge_logits(args):
    """Are the loss and gradient finite, without overflow, for logits up to 1e4 in size?"""
    logits, y = args
    with strict():
        loss, dlogits = cross_entropy(logits, y)
    assert np.isfinite(loss) and loss >= 0
    assert dlogits.shape == logits.shape and np.all(np.isfinite(dlogits))


@pytest.mark.ex4_4
def test_cross_entropy_at_plus_and_minus_1000():
    """With logits of +-1000, is the loss exact: 0 when sure and right, the logit gap when sure and wrong?"""
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0], [-1000.0, 0.0]])
    y = np.array([0, 0, 1])
    with strict():
        loss, dlogits = cross_entropy(logits, y)
    # row 0 sure and right (loss 0), row 1 sure and wrong (loss 1000), row 2 sure and right
    assert loss == pytest.approx(1000.0 / 3)
    np.testing.assert_allclose(dlogits, np.array([[0.0, 0.0], [-1.0, 1.0], [0.0, 0.0]]) / 3, atol=1e-300)


@pytest.mark.ex4_4
@FAST
@given(logits_and_labels())
def test_cross_entropy_equals_minus_log_of_the_softmax_probability(args):
    """Is the loss the mean of -log softmax(logits)[n, y[n]], with softmax computed directly?"""
    logits, y = args
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)  # safe for |logits| <= 10
    loss, _ = cross_entropy(logits, y)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(len(y)), y])), rel=1e-9, abs=1e-12)


@pytest.mark.ex4_4
@FAST
@given(logits_and_labels())
def test_cross_entropy_gradient_rows_sum_to_zero_and_match_central_differences(args):
    """Does every row of dlogits sum to 0, and does dlogits match central differences?"""
    logits, y = args
    before = logits.copy()
    _, dlogits = cross_entropy(logits, y)
    np.testing.assert_allclose(dlogits.sum(axis=1), 0.0, atol=1e-12)
    # the true class is pushed up (negative gradient), every other class down
    assert np.all(dlogits[np.arange(len(y)), y] <= 0)
    check_gradient(lambda z: cross_entropy(z, y)[0], logits, dlogits, name="logits", tol=1e-5)
    np.testing.assert_array_equal(logits, before)


@pytest.mark.ex4_4
def test_cross_entropy_keeps_float32():
    """Do float32 logits give a float32 gradient (the MLP of chapter 7 trains in float32)?"""
    logits = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    _, dlogits = cross_entropy(logits, np.array([0, 1, 2, 3, 0]))
    assert dlogits.dtype == np.float32
