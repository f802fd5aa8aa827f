"""Properties of the reference ``nnlib/rnn.py`` that calculus and algebra guarantee.

Each test's docstring is the question it answers. Backward functions are
compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`, on shapes with N, T, D, H all different.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.rnn import embedding_backward, embedding_forward
from nnlib.testing import check_gradient

FAST = settings(max_examples=20, deadline=None)


# --------------------------------------------------------------------------
# embedding
# --------------------------------------------------------------------------


@pytest.mark.ex9_10
@FAST
@given(st.integers(1, 4), st.integers(1, 6), st.integers(1, 7), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_embedding_forward_is_row_lookup(n, t, v, e, seed):
    """Is out[n, t] the row W[x[n, t]], for every position?"""
    rng = np.random.default_rng(seed)
    x, W = rng.integers(0, v, size=(n, t)), rng.normal(size=(v, e))
    out, cache = embedding_forward(x, W)
    assert out.shape == (n, t, e)
    for i in range(n):
        for j in range(t):
            np.testing.assert_array_equal(out[i, j], W[x[i, j]])
    assert cache[1] == v


@pytest.mark.ex9_11
@FAST
@given(st.integers(1, 4), st.integers(1, 6), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_embedding_backward_matches_central_differences(n, t, v, e, seed):
    """Does dW match central differences of sum(W[x] * R), repeated ids included?"""
    rng = np.random.default_rng(seed)
    x, W, R = rng.integers(0, v, size=(n, t)), rng.normal(size=(v, e)), rng.normal(size=(n, t, e))
    _, cache = embedding_forward(x, W)
    dW = embedding_backward(R, cache)
    check_gradient(lambda w: np.sum(embedding_forward(x, w)[0] * R), W, dW, name="W")


@pytest.mark.ex9_11
def test_embedding_backward_keeps_float32():
    """Does a float32 upstream gradient give a float32 dW, with rows summed for repeats?"""
    dW = embedding_backward(np.ones((2, 3, 4), dtype=np.float32), (np.zeros((2, 3), dtype=int), 2))
    assert dW.dtype == np.float32
    np.testing.assert_array_equal(dW, [[6.0] * 4, [0.0] * 4])
