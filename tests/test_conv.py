"""Properties of the reference ``nnlib/conv.py``, and the chapter's training target.

Each test's docstring is the question it answers. The fast layer is compared
with the loops, gradients with central differences in float64, col2im with
im2col through the adjoint identity; dtypes are checked in float32.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import testing
from nnlib.checking import learner_functions
from nnlib.conv import (
    col2im,
    conv2d_backward,
    conv2d_forward,
    conv2d_forward_naive,
    im2col,
    maxpool2d_backward,
    maxpool2d_forward,
)
from nnlib.datasets import load_digits
from nnlib.demos import conv as demos
from nnlib.demos import mlp as mlp_demos

FAST = settings(max_examples=30, deadline=None)


@st.composite
def layers(draw):
    """A random layer: (x, W, b, stride, pad) with a valid output size."""
    n, c, f = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    k, stride, pad = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, k - 2 * pad), 9))
    w = draw(st.integers(max(1, k - 2 * pad), 9))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    return rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f), stride, pad


# --------------------------------------------------------------------------
# The training target and the comparisons stated on the page
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs():
    """The page's four trainings: MLP and CNN, on the digits and on the shuffled digits."""
    nn = learner_functions("nnlib", reload=False)
    data = load_digits(rng=0)
    permutation = np.random.default_rng(8).permutation(64)
    shuffled = (data[0][:, permutation], data[1], data[2][:, permutation], data[3])
    mlp_params, mlp = mlp_demos.train_mlp(nn, data)
    _, mlp_shuffled = mlp_demos.train_mlp(nn, shuffled)
    cnn_params, cnn = demos.train_cnn(nn, data)
    _, cnn_shuffled = demos.train_cnn(nn, shuffled)
    return {"mlp_params": mlp_params, "cnn_params": cnn_params, "mlp": mlp["test"][-1], "cnn": cnn["test"][-1],
            "mlp_shuffled": mlp_shuffled["test"][-1], "cnn_shuffled": cnn_shuffled["test"][-1]}


@pytest.mark.ex8_4
@pytest.mark.ex8_5
def test_cnn_reaches_the_target(runs):
    """Does the page's CNN recipe (seed 0, load_digits(rng=0)) reach at least 97% test accuracy in float32?"""
    assert runs["cnn"] >= 0.97
    assert all(p.dtype == np.float32 for p in runs["cnn_params"])


@pytest.mark.ex8_4
def test_cnn_beats_the_mlp_with_half_the_parameters(runs):
    """Does the CNN make fewer test mistakes than chapter 7's MLP with about half its parameters?"""
    assert runs["cnn"] > runs["mlp"]
    ratio = demos.count_parameters(runs["cnn_params"]) / demos.count_parameters(runs["mlp_params"])
    assert 0.4 <= ratio <= 0.6


@pytest.mark.ex8_4
def test_shuffled_pixels(runs):
    """Is the MLP indifferent to a fixed pixel shuffle, while the CNN loses its lead over the MLP?"""
    assert abs(runs["mlp_shuffled"] - runs["mlp"]) <= 0.01
    assert runs["cnn_shuffled"] < runs["cnn"]
    assert runs["cnn_shuffled"] <= runs["mlp_shuffled"] + 0.01


@pytest.mark.ex8_5
def test_cnn_backward_matches_central_differences():
    """Do the demo network's gradients (all six parameters) agree with central differences in float64?"""
    nn = learner_functions("nnlib", reload=False)
    rng = np.random.default_rng(3)
    params = demos.init_cnn(rng, filters=2, hidden=3, num_classes=4, dtype=np.float64)
    X, y = rng.random((3, 64)), np.array([0, 3, 1])
    scores, caches = demos.cnn_forward(nn, X, params)
    _, dscores = nn.cross_entropy(scores, y)
    grads = demos.cnn_backward(nn, dscores, caches)
    for index, (value, grad) in enumerate(zip(params, grads, strict=True)):
        def loss(v, index=index):
            changed = list(params)
            changed[index] = v
            return nn.cross_entropy(demos.cnn_forward(nn, X, changed)[0], y)[0]

        testing.check_gradient(loss, value, grad, name=f"param {index}", tol=1e-5)


# --------------------------------------------------------------------------
# The convolution
# --------------------------------------------------------------------------


@pytest.mark.ex8_4
@FAST
@given(layers())
def test_fast_forward_equals_the_loops(layer):
    """Does conv2d_forward give the naive loops' output, and cache (x, W, stride, pad, im2col(x))?"""
    x, W, b, stride, pad = layer
    out, cache = conv2d_forward(x, W, b, stride, pad)
    np.testing.assert_allclose(out, conv2d_forward_naive(x, W, b, stride, pad), rtol=1e-10, atol=1e-12)
    assert out.shape[2] == (x.shape[2] + 2 * pad - W.shape[2]) // stride + 1
    assert cache[:4] == (x, W, stride, pad) or (cache[0] is x and cache[1] is W and cache[2:4] == (stride, pad))
    np.testing.assert_array_equal(cache[4], im2col(x, W.shape[2], stride, pad))


@pytest.mark.ex8_3
@FAST
@given(layers(), st.integers(0, 2**16))
def test_col2im_is_the_adjoint_of_im2col(layer, seed):
    """Is <im2col(x), y> == <x, col2im(y)> for random shapes, strides and paddings?"""
    x, W, _, stride, pad = layer
    k = W.shape[2]
    cols = im2col(x, k, stride, pad)
    y = np.random.default_rng(seed).normal(size=cols.shape)
    assert np.sum(cols * y) == pytest.approx(np.sum(x * col2im(y, x.shape, k, stride, pad)), rel=1e-10, abs=1e-10)


@pytest.mark.ex8_5
@settings(max_examples=15, deadline=None)
@given(layers())
def test_backward_matches_central_differences(layer):
    """Do dx, dW and db of conv2d_backward agree with central differences of the naive forward?"""
    x, W, b, stride, pad = layer
    out, cache = conv2d_forward(x, W, b, stride, pad)
    R = np.random.default_rng(0).normal(size=out.shape)
    dx, dW, db = conv2d_backward(R, cache)
    testing.check_gradient(lambda v: np.sum(conv2d_forward_naive(v, W, b, stride, pad) * R), x, dx, name="x")
    testing.check_gradient(lambda v: np.sum(conv2d_forward_naive(x, v, b, stride, pad) * R), W, dW, name="W")
    testing.check_gradient(lambda v: np.sum(conv2d_forward_naive(x, W, v, stride, pad) * R), b, db, name="b")


@pytest.mark.ex8_4
@pytest.mark.ex8_5
def test_float32_stays_float32_and_inputs_are_untouched():
    """Does the whole layer (forward, backward, pooling) stay float32 and leave its inputs alone?"""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 3, 9, 7)).astype(np.float32)
    W = rng.normal(size=(5, 3, 3, 3)).astype(np.float32)
    b = rng.normal(size=5).astype(np.float32)
    saved = x.copy(), W.copy(), b.copy()
    out, cache = conv2d_forward(x, W, b, 2, 1)
    dout = np.ones_like(out)
    grads = conv2d_backward(dout, cache)
    pooled, pool_cache = maxpool2d_forward(out, 2, 2)
    dpool = maxpool2d_backward(np.ones_like(pooled), pool_cache)
    assert all(a.dtype == np.float32 for a in (out, *grads, pooled, dpool, conv2d_forward_naive(x, W, b, 2, 1)))
    for old, new in zip(saved, (x, W, b), strict=True):
        np.testing.assert_array_equal(old, new)
    np.testing.assert_array_equal(dout, 1.0)


@pytest.mark.ex8_4
@pytest.mark.ex8_5
def test_benchmark_layer_shape_in_float32_agrees_with_the_loops():
    """On the benchmark's 16 x 14 x 14 -> 32 layer (two images), does the float32 fast path match float64 loops?"""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 16, 14, 14)).astype(np.float32)
    W = (rng.normal(size=(32, 16, 3, 3)) / 12).astype(np.float32)
    b = rng.normal(size=32).astype(np.float32)
    out, cache = conv2d_forward(x, W, b, 1, 1)
    dout = rng.normal(size=out.shape).astype(np.float32)
    dx, dW, db = conv2d_backward(dout, cache)
    x64, W64, b64, d64 = (a.astype(np.float64) for a in (x, W, b, dout))
    np.testing.assert_allclose(out, conv2d_forward_naive(x64, W64, b64, 1, 1), rtol=1e-4, atol=1e-4)
    cols = im2col(x64, 3, 1, 1)  # (N, CKK, P): the textbook products, one image at a time, in float64
    np.testing.assert_allclose(dW.reshape(32, -1), sum(d64[n].reshape(32, -1) @ cols[n].T for n in range(2)),
                               rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(dx, col2im(W64.reshape(32, -1).T @ d64.reshape(2, 32, -1), x.shape, 3, 1, 1),
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(db, d64.sum(axis=(0, 2, 3)), rtol=1e-5, atol=1e-4)
    assert all(a.dtype == np.float32 for a in (out, dx, dW, db, cache[4]))


@pytest.mark.ex8_2
@pytest.mark.ex8_3
@pytest.mark.ex8_4
@pytest.mark.ex8_5
@pytest.mark.parametrize(("K", "stride", "pad"), [(1, 1, 0), (3, 1, 1), (2, 2, 0)])
def test_fast_path_returns_writeable_arrays_of_their_own(K, stride, pad):
    """Are cols, out, dx, dW, db and col2im's result writeable, and independent of the inputs and of each other?"""
    rng = np.random.default_rng(6)
    x, W, b = rng.normal(size=(3, 2, 6, 5)), rng.normal(size=(4, 2, K, K)), rng.normal(size=4)
    saved = x.copy(), W.copy()
    cols = im2col(x, K, stride, pad)
    out, cache = conv2d_forward(x, W, b, stride, pad)
    kept = cache[4].copy()
    dout = rng.normal(size=out.shape)
    dx, dW, db = conv2d_backward(dout, cache)
    back = col2im(cols, x.shape, K, stride, pad)
    for array in (cols, out, dx, dW, db, back):
        assert array.flags.writeable
        array[...] = 7.0  # writing into one result must change nothing else
    np.testing.assert_array_equal(x, saved[0])
    np.testing.assert_array_equal(W, saved[1])
    np.testing.assert_array_equal(cache[4], kept)
    assert not np.shares_memory(cache[4], out) and not np.shares_memory(cols, x)


@pytest.mark.ex8_5
def test_backward_reads_cols_in_any_memory_layout():
    """Does conv2d_backward give the same gradients when dout and cols come in another memory order?"""
    rng = np.random.default_rng(7)
    x, W, b = rng.normal(size=(3, 2, 7, 6)), rng.normal(size=(4, 2, 3, 3)), rng.normal(size=4)
    out, cache = conv2d_forward(x, W, b, 2, 1)
    dout = rng.normal(size=out.shape)
    ours = conv2d_backward(dout, cache)
    theirs = conv2d_backward(np.asfortranarray(dout), cache[:4] + (np.asfortranarray(cache[4]),))
    for got, expected in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------
# Pooling
# --------------------------------------------------------------------------


@pytest.mark.ex8_7
@FAST
@given(st.integers(1, 3), st.integers(2, 3), st.integers(1, 3), st.integers(0, 2**16))
def test_pool_backward_matches_central_differences(size, extra, stride, seed):
    """Without ties, does maxpool2d_backward agree with central differences of maxpool2d_forward?"""
    rng = np.random.default_rng(seed)
    h, w = size + extra, size + extra + 1
    x = rng.permutation(2 * h * w).reshape(1, 2, h, w) / 7.0  # distinct values: no ties
    out, cache = maxpool2d_forward(x, size, stride)
    R = rng.normal(size=out.shape)
    testing.check_gradient(lambda v: np.sum(maxpool2d_forward(v, size, stride)[0] * R), x,
                           maxpool2d_backward(R, cache), name="x")


@pytest.mark.ex8_7
def test_ties_go_to_the_first_maximum_in_reading_order():
    """On a tie, does only the first maximum (row by row, as np.argmax) receive the window's gradient?"""
    x = np.array([[[[0.0, 3.0, 1.0, 1.0], [3.0, 3.0, 1.0, 1.0]]]])  # window 1: three 3s; window 2: all equal
    dx = maxpool2d_backward(np.array([[[[5.0, 7.0]]]]), (x, 2, 2))
    np.testing.assert_array_equal(dx, [[[[0.0, 5.0, 7.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]])
    assert dx.sum() == 12.0  # every window passes its gradient on exactly once
