"""Properties of the reference ``nnlib/functions.py``: relu and sum_of_relus.

The algebra of ReLU gives identities that any correct implementation obeys;
each test states one of them and lets Hypothesis look for a counterexample.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnlib.functions import relu, sum_of_relus

FAST = settings(max_examples=50, deadline=None)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
small = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


def any_array(elements=finite):
    return arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=5), elements=elements)


@st.composite
def hinges(draw, max_points=12, max_hinges=8):
    """x of shape (N,) and w, b, v of shape (H,), N and H drawn independently."""
    n = draw(st.integers(1, max_points))
    h = draw(st.integers(1, max_hinges))
    x = draw(arrays(np.float64, n, elements=small))
    w, b, v = (draw(arrays(np.float64, h, elements=small)) for _ in range(3))
    return x, w, b, v


def loop_over_hinges(x, w, b, v):
    """The definition, one hinge and one point at a time."""
    return np.array(
        [sum(vh * max(wh * xn + bh, 0.0) for wh, bh, vh in zip(w, b, v, strict=True)) for xn in x]
    )


# --------------------------------------------------------------------------
# relu
# --------------------------------------------------------------------------


@pytest.mark.ex1_1
@FAST
@given(any_array())
def test_relu_splits_z_into_positive_and_negative_parts(z):
    """Is relu(z) - relu(-z) == z and relu(z) + relu(-z) == |z|?"""
    np.testing.assert_array_equal(relu(z) - relu(-z), z)
    np.testing.assert_array_equal(relu(z) + relu(-z), np.abs(z))


@pytest.mark.ex1_1
@FAST
@given(any_array())
def test_relu_is_non_negative_idempotent_and_keeps_the_shape(z):
    """Is relu(z) >= 0, relu(relu(z)) == relu(z), with the shape of z?"""
    out = relu(z)
    assert np.shape(out) == z.shape
    assert np.all(out >= 0)
    np.testing.assert_array_equal(relu(out), out)


@pytest.mark.ex1_1
@FAST
@given(any_array(small), st.floats(0.0, 100.0))
def test_relu_is_positively_homogeneous(z, a):
    """Is relu(a z) == a relu(z) for every a >= 0?"""
    np.testing.assert_allclose(relu(a * z), a * relu(z), rtol=1e-12, atol=1e-12)


@pytest.mark.ex1_1
def test_relu_leaves_its_input_alone():
    """Does relu return a new array instead of zeroing z in place?"""
    z = np.array([-1.0, 2.0, -3.0])
    relu(z)
    np.testing.assert_array_equal(z, [-1.0, 2.0, -3.0])


# --------------------------------------------------------------------------
# sum_of_relus
# --------------------------------------------------------------------------


@pytest.mark.ex1_2
@FAST
@given(hinges())
def test_sum_of_relus_matches_a_loop_over_hinges(args):
    """Does the vectorised sum equal the definition computed hinge by hinge, shape (N,)?"""
    x = args[0]
    got = sum_of_relus(*args)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, loop_over_hinges(*args), rtol=1e-10, atol=1e-9)


@pytest.mark.ex1_2
@FAST
@given(hinges(), st.floats(-5.0, 5.0), st.data())
def test_sum_of_relus_is_linear_in_v(args, a, data):
    """Is f(x; v1 + a v2) == f(x; v1) + a f(x; v2)?"""
    x, w, b, v1 = args
    v2 = data.draw(arrays(np.float64, v1.shape, elements=small))
    np.testing.assert_allclose(
        sum_of_relus(x, w, b, v1 + a * v2),
        sum_of_relus(x, w, b, v1) + a * sum_of_relus(x, w, b, v2),
        rtol=1e-9,
        atol=1e-8,
    )


@pytest.mark.ex1_2
@FAST
@given(hinges(), st.randoms(use_true_random=False))
def test_the_order_of_the_hinges_does_not_matter(args, random):
    """Is the sum unchanged when the hinges are shuffled?"""
    x, w, b, v = args
    order = list(range(len(w)))
    random.shuffle(order)
    np.testing.assert_allclose(
        sum_of_relus(x, w[order], b[order], v[order]), sum_of_relus(x, w, b, v), rtol=1e-10, atol=1e-9
    )


@pytest.mark.ex1_2
@FAST
@given(hinges(max_points=1))
def test_sum_of_relus_is_piecewise_linear_between_kinks(args):
    """Between two neighbouring kinks, are three evenly spaced values on one straight line?"""
    _, w, b, v = args
    with np.errstate(divide="ignore", over="ignore"):
        kinks = np.array([-bh / wh for wh, bh in zip(w, b, strict=True) if wh != 0])
    kinks = np.sort(kinks[(kinks > -50.0) & (kinks < 50.0)])
    edges = np.concatenate([[-50.0], kinks, [50.0]])
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if hi - lo < 1e-3:
            continue
        left, mid, right = sum_of_relus(np.linspace(lo, hi, 5)[1:4], w, b, v)
        np.testing.assert_allclose(mid, (left + right) / 2, rtol=1e-7, atol=1e-6)


@pytest.mark.ex1_2
def test_slope_jumps_by_v_times_abs_w_at_a_kink():
    """Does the slope change by v |w| at a hinge's kink, whatever the sign of w?"""
    for w in (2.0, -2.0):
        x = np.array([0.5 - 1e-3, 0.5, 0.5 + 1e-3])  # the kink of relu(w x - w / 2) is at x = 0.5
        f = sum_of_relus(x, np.array([w]), np.array([-w / 2]), np.array([3.0]))
        jump = (f[2] - f[1]) / 1e-3 - (f[1] - f[0]) / 1e-3
        assert jump == pytest.approx(3.0 * abs(w), rel=1e-6)


@pytest.mark.ex1_2
def test_two_hinges_make_abs():
    """Is relu(x) + relu(-x) == |x|, as the chapter says?"""
    x = np.linspace(-3, 3, 13)
    got = sum_of_relus(x, np.array([1.0, -1.0]), np.zeros(2), np.ones(2))
    np.testing.assert_allclose(got, np.abs(x))


@pytest.mark.ex1_2
def test_sum_of_relus_leaves_its_inputs_alone():
    """Are x, w, b and v unchanged after a call?"""
    rng = np.random.default_rng(0)
    args = [rng.normal(size=k) for k in (7, 3, 3, 3)]
    copies = [a.copy() for a in args]
    sum_of_relus(*args)
    for before, after in zip(copies, args, strict=True):
        np.testing.assert_array_equal(before, after)
