"""Properties of the reference ``nnlib/neurons.py`` that algebra guarantees.

Hypothesis draws the inputs; each test's docstring is the question it answers.
Overflow is proven absent with ``np.errstate(over="raise", invalid="raise",
divide="raise")``: underflow (``exp(-1000)`` becoming 0) is harmless and
allowed.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnlib.neurons import neuron, sigmoid, softmax, step, tanh, weighted_sum

FAST = settings(max_examples=50, deadline=None)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
moderate = st.floats(-30.0, 30.0, allow_nan=False, allow_infinity=False)
huge = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def strict():
    """Overflow, 0/0 and division by zero raise; underflow stays silent."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


def score_batches(elements=finite):
    """(N, C) arrays of scores."""
    return arrays(np.float64, array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8), elements=elements)


# --------------------------------------------------------------------------
# softmax
# --------------------------------------------------------------------------


@pytest.mark.ex2_5
@FAST
@given(score_batches())
def test_softmax_rows_are_probability_distributions(z):
    """Is every softmax entry in (0, 1] and does every row sum to one?"""
    with strict():
        p = softmax(z)
    assert p.shape == z.shape
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    # a higher score never gets a lower probability
    higher = z[:, :, None] > z[:, None, :]  # (N, C, C)
    assert np.all(p[:, :, None] >= p[:, None, :], where=higher)


@pytest.mark.ex2_5
@FAST
@given(score_batches(st.floats(-20.0, 20.0)), st.data())
def test_softmax_ignores_a_constant_added_to_each_row(z, data):
    """Does adding a (different, possibly huge) constant to each row leave softmax unchanged?"""
    shift = np.array(data.draw(st.lists(st.floats(-1e4, 1e4), min_size=len(z), max_size=len(z))))[:, None]
    with strict():
        np.testing.assert_allclose(softmax(z + shift), softmax(z), rtol=1e-6, atol=1e-12)


@pytest.mark.ex2_5
@FAST
@given(score_batches(huge))
def test_softmax_never_overflows(z):
    """Are softmax outputs finite, without overflow, for scores up to a million in size?"""
    with strict():
        p = softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)


@pytest.mark.ex2_5
def test_softmax_at_plus_and_minus_1000():
    """Does softmax give exact answers at +-1000, where the naive formula gives NaN?"""
    z = np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [1000.0, -1000.0]])
    with strict():
        p = softmax(z)
    np.testing.assert_array_equal(p, [[0.5, 0.5], [0.5, 0.5], [1.0, 0.0]])
    with np.errstate(all="ignore"):
        naive = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    assert np.isnan(naive).any()  # the test would notice an unstable softmax


@pytest.mark.ex2_5
@FAST
@given(arrays(np.float64, st.integers(1, 10), elements=finite))
def test_softmax_of_one_example_matches_a_batch_of_one(z):
    """Does softmax of shape (C,) equal the single row of softmax of shape (1, C)?"""
    z_before = z.copy()
    p = softmax(z)
    assert p.shape == z.shape
    np.testing.assert_array_equal(p, softmax(z[None, :])[0])
    np.testing.assert_array_equal(z, z_before)


# --------------------------------------------------------------------------
# sigmoid, tanh, step
# --------------------------------------------------------------------------


@pytest.mark.ex2_3
@FAST
@given(arrays(np.float64, array_shapes(max_dims=3, max_side=6), elements=huge))
def test_sigmoid_is_symmetric_and_bounded(z):
    """Is sigmoid(-z) = 1 - sigmoid(z), with every value in [0, 1], for inputs of any size?"""
    with strict():
        s, s_neg = sigmoid(z), sigmoid(-z)
    assert s.shape == z.shape
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s_neg, 1.0 - s, atol=1e-15)


@pytest.mark.ex2_3
@FAST
@given(arrays(np.float64, st.integers(1, 20), elements=moderate))
def test_sigmoid_matches_the_formula(z):
    """Does sigmoid agree with 1 / (1 + exp(-z)) where that formula is safe?"""
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-12, atol=1e-300)


@pytest.mark.ex2_3
def test_sigmoid_at_plus_and_minus_1000_without_warnings():
    """Is sigmoid(+-1000) exactly 1 and 0 with no RuntimeWarning at all?"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 1.0])
    with warnings.catch_warnings(record=True) as caught:  # the naive formula does warn
        warnings.simplefilter("always")
        1.0 / (1.0 + np.exp(-np.array([-1000.0])))
    assert any(issubclass(w.category, RuntimeWarning) for w in caught)


@pytest.mark.ex2_4
@FAST
@given(arrays(np.float64, array_shapes(max_dims=3, max_side=6), elements=huge))
def test_tanh_is_odd_and_equals_numpy(z):
    """Is tanh odd, inside [-1, 1], equal to np.tanh, and free of overflow for any input size?"""
    with strict():
        t, t_neg = tanh(z), tanh(-z)
    np.testing.assert_allclose(t, np.tanh(z), rtol=1e-6, atol=1e-15)
    np.testing.assert_allclose(t_neg, -t, atol=1e-15)
    assert np.all(np.abs(t) <= 1.0)


@pytest.mark.ex2_4
def test_tanh_at_plus_and_minus_1000_without_warnings():
    """Is tanh(+-1000) exactly -1 and 1 with no RuntimeWarning?"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(tanh(np.array([-1000.0, 0.0, 1000.0])), [-1.0, 0.0, 1.0])


@pytest.mark.ex2_2
@FAST
@given(arrays(np.float64, array_shapes(max_dims=3, max_side=6), elements=st.floats(allow_nan=False)))
def test_step_is_one_exactly_where_z_is_nonnegative(z):
    """Does step give float 1.0 where z >= 0 (zero included) and 0.0 elsewhere?"""
    s = step(z)
    assert s.dtype == np.float64 and s.shape == z.shape
    np.testing.assert_array_equal(s == 1.0, z >= 0)
    np.testing.assert_array_equal(s == 0.0, z < 0)


@pytest.mark.ex2_2
def test_step_of_zero_is_one():
    """Is step(0) = 1 (and step(-0.0) = 1), as the perceptron expects?"""
    assert step(0.0) == 1.0 and step(-0.0) == 1.0 and step(-1e-300) == 0.0


# --------------------------------------------------------------------------
# weighted_sum and neuron
# --------------------------------------------------------------------------


@st.composite
def layers(draw):
    """A batch x (N, D), weights w (D,) and a bias b."""
    n, d = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    x = draw(arrays(np.float64, (n, d), elements=st.floats(-100, 100)))
    w = draw(arrays(np.float64, (d,), elements=st.floats(-100, 100)))
    return x, w, draw(st.floats(-100, 100))


@pytest.mark.ex2_1
@FAST
@given(layers())
def test_weighted_sum_matches_an_explicit_loop(args):
    """Does weighted_sum equal sum_d x[n, d] w[d] + b, row by row, without touching its inputs?"""
    x, w, b = args
    x_before, w_before = x.copy(), w.copy()
    z = weighted_sum(x, w, b)
    loop = [sum(x[n, d] * w[d] for d in range(x.shape[1])) + b for n in range(x.shape[0])]
    assert z.shape == (x.shape[0],)
    np.testing.assert_allclose(z, loop, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(w, w_before)
    assert np.ndim(weighted_sum(x[0], w, b)) == 0  # a single example gives a number


@pytest.mark.ex2_6
@FAST
@given(layers())
def test_neuron_is_the_activation_of_the_weighted_sum(args):
    """Is neuron(x, w, b, a) exactly a(weighted_sum(x, w, b)) for every activation of the chapter?"""
    x, w, b = args
    for activation in (step, sigmoid, tanh, np.square):
        np.testing.assert_array_equal(neuron(x, w, b, activation), activation(weighted_sum(x, w, b)))
