"""Visible checks for chapter 9 (``nnlib/rnn.py``).

The small examples can be worked out by hand; the comments show how. Every
backward function is also compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`, using a loss ``L = sum(out * R)`` for a
fixed array R (so ``dout = R``). All data is built inside each check.
"""

import numpy as np

from nnlib.testing import assert_close, assert_that, assert_unchanged, check

try:
    from nnlib.testing import quick
except ImportError:  # an nnlib.testing without quick tests: register nothing

    def quick(function):
        """Stand-in for nnlib.testing.quick (which registers quick tests)."""
        return lambda fn: fn


def _dtype_kept(got, what):
    """Fail with advice when a float32 computation came back in another dtype."""
    dtype = getattr(got, "dtype", None)
    assert_that(
        dtype == np.float32,
        f"{what} should stay float32 when its inputs are float32, got dtype {dtype}: an array "
        "created with np.zeros/np.ones/np.array without dtype=, or a float64 constant array, "
        "upcasts everything to float64",
    )


def _pair(got, name, first):
    """Fail unless ``got`` is the pair (first, cache) a forward function returns."""
    assert_that(
        isinstance(got, tuple) and len(got) == 2,
        f"{name} should return a pair ({first}, cache), got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )


# --------------------------------------------------------------------------
# 9.10 embedding_forward
# --------------------------------------------------------------------------


def _table():
    """A vocabulary of V = 3 tokens with E = 2: row v is [10 v, 10 v + 1]."""
    return np.array([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]])


@check("9.10", "each id picks its row of W")
def _(nn):
    W = _table()
    x = np.array([[2, 0, 2], [1, 1, 0]])  # N = 2, T = 3
    got = nn.embedding_forward(x, W)
    _pair(got, "embedding_forward", "out")
    expected = [[[20.0, 21.0], [0.0, 1.0], [20.0, 21.0]], [[10.0, 11.0], [10.0, 11.0], [0.0, 1.0]]]
    assert_close(
        got[0], expected, what="out of embedding_forward(x=[[2, 0, 2], [1, 1, 0]], W=[[0, 1], [10, 11], [20, 21]])",
    )
    assert_that(isinstance(got[1], tuple) and len(got[1]) == 2 and np.array_equal(got[1][0], x)
                and int(got[1][1]) == 3,
                "the cache should be the tuple (x, V): the ids and the number of rows of W")


@check("9.10", "shape (N, T) -> (N, T, E); float32 kept; x and W unchanged")
def _(nn):
    W = np.arange(20, dtype=np.float32).reshape(5, 4)  # V = 5, E = 4, row v = [4v, ..., 4v + 3]
    x = np.array([[4, 0], [3, 3], [1, 2]])  # N = 3, T = 2
    before = x.copy(), W.copy()
    out, _ = nn.embedding_forward(x, W)
    assert_unchanged(before[0], x, what="x")
    assert_unchanged(before[1], W, what="W")
    assert_close(out[2, 1], [8.0, 9.0, 10.0, 11.0], what="out[2, 1] (the embedding of token 2)")
    assert_close(out, W[x], what="out of embedding_forward for x of shape (3, 2) and W of shape (5, 4)")
    _dtype_kept(out, "out")


# --------------------------------------------------------------------------
# 9.11 embedding_backward
# --------------------------------------------------------------------------


@check("9.11", "repeated ids add up their gradients")
def _(nn):
    x = np.array([[0, 2, 0]])  # N = 1, T = 3: token 0 twice, token 1 never
    dout = np.array([[[1.0, 2.0], [5.0, 6.0], [3.0, 4.0]]])  # (1, 3, 2)
    # row 0 = [1, 2] + [3, 4]; row 1 = 0 (unused); row 2 = [5, 6]
    got = nn.embedding_backward(dout.copy(), (x, 3))
    assert_close(
        got, [[4.0, 6.0], [0.0, 0.0], [5.0, 6.0]], what="dW of embedding_backward(dout, (x=[[0, 2, 0]], V=3))",
        mistakes=[
            ("dW[x] = dout (or dW[x] += dout) overwrites: a repeated token keeps only one gradient; "
             "accumulate with np.add.at(dW, x, dout)", [[3.0, 4.0], [0.0, 0.0], [5.0, 6.0]]),
            ("a repeated token kept only its first gradient; accumulate with np.add.at(dW, x, dout)",
             [[1.0, 2.0], [0.0, 0.0], [5.0, 6.0]]),
        ],
    )


@check("9.11", "shape (V, E), zero rows for unused tokens, float32 kept, dout unchanged")
def _(nn):
    x = np.array([[1, 1], [1, 3]])  # N = 2, T = 2, V = 5
    dout = np.ones((2, 2, 3), dtype=np.float32)
    before = dout.copy()
    dW = nn.embedding_backward(dout, (x, 5))
    assert_unchanged(before, dout, what="dout")
    # token 1 occurs three times, token 3 once, tokens 0, 2, 4 never
    assert_close(dW, [[0.0] * 3, [3.0] * 3, [0.0] * 3, [1.0] * 3, [0.0] * 3],
                 what="dW for dout = ones((2, 2, 3)), x = [[1, 1], [1, 3]], V = 5",
                 mistakes=[("a repeated token kept only one gradient: accumulate with np.add.at",
                            [[0.0] * 3, [1.0] * 3, [0.0] * 3, [1.0] * 3, [0.0] * 3])])
    _dtype_kept(dW, "dW")


@quick("embedding_forward")
def _quick_embedding_forward(nn):
    out, _ = nn.embedding_forward(np.array([[1, 0]]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert_close(out, [[[3.0, 4.0], [1.0, 2.0]]], what="embedding_forward(x=[[1, 0]], W=[[1, 2], [3, 4]])[0]")


@quick("embedding_backward")
def _quick_embedding_backward(nn):
    got = nn.embedding_backward(np.array([[[1.0], [2.0]]]), (np.array([[1, 1]]), 2))
    assert_close(got, [[0.0], [3.0]], what="embedding_backward(dout=[[[1], [2]]], (x=[[1, 1]], V=2))")
