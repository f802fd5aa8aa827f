"""Visible checks for chapter 6 (``nnlib/layers.py``).

The small examples can be worked out by hand; the comments show how. Every
backward function is also compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`, using a loss of the form
``L = sum(out * R)`` for a fixed array R, whose gradient with respect to
``out`` is exactly R (so ``dout = R``).
"""

import numpy as np

from nnlib.testing import (
    CheckFailure,
    assert_close,
    assert_float32,
    assert_that,
    assert_unchanged,
    check,
    check_gradient,
    quick,
)

LN3 = np.log(3.0)


def _dtype_kept(got, what):
    assert_float32(got, what, (
        "an array created with np.zeros/np.ones/np.array without dtype=, or a float64 constant "
        "array, upcasts everything to float64 (networks train in float32 to save memory and time)"
    ))


def _sigmoid(z):
    """A plain sigmoid for moderate z (the checks' own, not yours)."""
    return 1.0 / (1.0 + np.exp(-z))


# --------------------------------------------------------------------------
# 6.1 dense_forward
# --------------------------------------------------------------------------


def _square():
    """A square example (N = D = H = 2), where a transposed W gives wrong numbers, not a shape error.

    Fresh arrays on every call, so a function that modifies its inputs cannot
    spoil the other checks.
    """
    return np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([[1.0, -1.0], [2.0, 3.0]]), np.array([0.5, -1.0])


@check("6.1", "out = x @ W + b on a square example")
def _(nn):
    X_SQ, W_SQ, B_SQ = _square()
    # x @ W = [[1 + 4, -1 + 6], [0 - 2, 0 - 3]] = [[5, 5], [-2, -3]]; plus b
    got = nn.dense_forward(*_square())
    assert_that(
        isinstance(got, tuple) and len(got) == 2,
        f"dense_forward should return a pair (out, cache), got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )
    assert_close(
        got[0],
        [[5.5, 4.0], [-1.5, -4.0]],
        what="out of dense_forward(X=[[1, 2], [0, -1]], W=[[1, -1], [2, 3]], b=[0.5, -1])",
        mistakes=[
            ("W was transposed: the product is x @ W, with W of shape (D, H)", X_SQ @ W_SQ.T + B_SQ),
            ("the factors are swapped: it is x @ W (examples are rows), not W @ x", W_SQ @ X_SQ + B_SQ),
            ("the bias was left out", X_SQ @ W_SQ),
            ("the bias was added down the columns (b[:, None]): it is one number per output unit, "
             "added to every row", X_SQ @ W_SQ + B_SQ[:, None]),
            ("x * W multiplies entry by entry; the layer needs the matrix product x @ W", X_SQ * W_SQ + B_SQ),
        ],
    )


@check("6.1", "shapes (N, D) @ (D, H) -> (N, H), and the cache is (X, W)")
def _(nn):
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # N = 3, D = 2
    W = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.0, 1.0, 2.0]])  # D = 2, H = 4
    b = np.array([0.0, 0.0, 0.0, 10.0])
    # row 1 picks W's first row, row 2 its second, row 3 their sum
    out, cache = nn.dense_forward(x, W, b)
    assert_close(out, [[1.0, 2.0, 3.0, 14.0], [-1.0, 0.0, 1.0, 12.0], [0.0, 2.0, 4.0, 16.0]],
                 what="out of dense_forward(X of shape (3, 2), W of shape (2, 4), b)")
    assert_that(
        isinstance(cache, tuple) and len(cache) == 2,
        "the cache should be the plain tuple (X, W): dense_backward reads exactly those two "
        f"arrays from it; got {type(cache).__name__}" + (f" of length {len(cache)}" if isinstance(cache, tuple | list) else ""),
    )
    assert_that(
        np.array_equal(cache[0], x) and np.array_equal(cache[1], W),
        "the cache should hold (X, W) in that order: the input and the weights, unchanged",
    )


@check("6.1", "float32 stays float32, and x, W, b are not modified")
def _(nn):
    x = np.array([[2.0, -1.0], [0.5, 4.0]], dtype=np.float32)
    W = np.array([[1.0, 0.0, -2.0], [0.5, 1.0, 0.0]], dtype=np.float32)
    b = np.array([1.0, 1.0, 1.0], dtype=np.float32)
    before = x.copy(), W.copy(), b.copy()
    out, _ = nn.dense_forward(x, W, b)
    for name, old, new in zip("xWb", before, (x, W, b), strict=True):
        assert_unchanged(old, new, what=name)
    _dtype_kept(out, "out")
    # [2 - 0.5, -1, -4] + 1 and [0.5 + 2, 4, -1] + 1
    assert_close(out, [[2.5, 0.0, -3.0], [3.5, 5.0, 0.0]], what="out of dense_forward in float32")


# --------------------------------------------------------------------------
# 6.2 dense_backward
# --------------------------------------------------------------------------


@check("6.2", "the three gradients on a square example")
def _(nn):
    X_SQ, W_SQ, _ = _square()
    dout = np.array([[-1.0, 1.0], [2.0, -1.0]])
    # dX = dout @ W.T = [[-1 - 1, -2 + 3], [2 + 1, 4 - 3]] = [[-2, 1], [3, 1]]
    # dW = x.T @ dout = [[-1, 1], [-2 - 2, 2 + 1]] = [[-1, 1], [-4, 3]]; db = [-1 + 2, 1 - 1] = [1, 0]
    got = nn.dense_backward(dout.copy(), _square()[:2])
    assert_that(
        isinstance(got, tuple | list) and len(got) == 3,
        f"dense_backward should return three gradients (dX, dW, db), got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )
    dx, dW, db = got
    assert_close(
        dx,
        [[-2.0, 1.0], [3.0, 1.0]],
        what="dX",
        mistakes=[
            ("W is missing its transpose: dX = dout @ W.T, (N, H) @ (H, D)", dout @ W_SQ),
            ("the sign is flipped: out = x @ W + b has no minus sign anywhere", -dout @ W_SQ.T),
        ],
    )
    assert_close(
        dW,
        [[-1.0, 1.0], [-4.0, 3.0]],
        what="dW",
        mistakes=[
            ("dW came out transposed: it is x.T @ dout, (D, N) @ (N, H)", dout.T @ X_SQ),
            ("dW = dout @ x has the factors the wrong way round: it is x.T @ dout", dout @ X_SQ),
            ("x needs a transpose: dW = x.T @ dout, (D, N) @ (N, H)", X_SQ @ dout),
            ("dW was averaged over the batch: sum it (any 1/N is already inside dout)", X_SQ.T @ dout / 2),
            ("dW used W instead of x: the gradient of x @ W with respect to W involves x", W_SQ.T @ dout),
        ],
    )
    assert_close(
        db,
        [1.0, 0.0],
        what="db",
        mistakes=[
            ("db was averaged over the batch: sum it (any 1/N is already inside dout)", dout.mean(axis=0)),
            ("db was summed along each row (axis=1): sum over the batch, axis=0", dout.sum(axis=1)),
            ("db is zero: the bias has a gradient too, the sum of dout over the batch", np.zeros(2)),
        ],
    )


@check("6.2", "dx, dW and db match central differences (check_gradient)")
def _(nn):
    x = np.array([[0.5, -1.0, 2.0, 0.0], [1.5, 0.25, -0.5, 1.0], [-2.0, 1.0, 0.0, 0.75]])  # (3, 4)
    W = np.array([[1.0, -0.5], [0.25, 2.0], [-1.0, 0.5], [0.0, 1.5]])  # (4, 2)
    b = np.array([0.1, -0.2])
    R = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 1.0]])  # L = sum(out * R), so dout = R
    got = nn.dense_backward(R.copy(), (x.copy(), W.copy()))
    assert_that(isinstance(got, tuple | list) and len(got) == 3, "dense_backward should return (dX, dW, db)")
    dx, dW, db = got
    check_gradient(lambda v: np.sum((v @ W + b) * R), x, dx, name="X (dX)")
    check_gradient(lambda v: np.sum((x @ v + b) * R), W, dW, name="W (dW)")
    check_gradient(lambda v: np.sum((x @ W + v) * R), b, db, name="b (db)")


@check("6.2", "db adds up the whole batch; float32 stays float32; inputs unchanged")
def _(nn):
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], dtype=np.float32)  # N = 4
    W = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]], dtype=np.float32)
    dout = np.ones((4, 3), dtype=np.float32)
    before = x.copy(), W.copy(), dout.copy()
    dx, dW, db = nn.dense_backward(dout, (x, W))
    for name, old, new in zip(("x", "W", "dout"), before, (x, W, dout), strict=True):
        assert_unchanged(old, new, what=name)
    # each of the 4 examples adds 1 to every bias's gradient
    assert_close(db, [4.0, 4.0, 4.0], what="db for dout = ones((4, 3))",
                 mistakes=[("db was averaged over the batch: sum it", [1.0, 1.0, 1.0])])
    # dW[d, h] = sum over the batch of x[:, d]: 1 + 3 + 5 + 7 = 16 and 2 + 4 + 6 + 8 = 20
    assert_close(dW, [[16.0, 16.0, 16.0], [20.0, 20.0, 20.0]], what="dW for dout = ones((4, 3))")
    # every row of dx is the row sums of W: [1 + 0 + 2, 0 + 1 - 1]
    assert_close(dx, [[3.0, 0.0]] * 4, what="dX for dout = ones((4, 3))")
    for name, grad in (("dx", dx), ("dW", dW), ("db", db)):
        _dtype_kept(grad, name)


# --------------------------------------------------------------------------
# 6.3 relu_backward
# --------------------------------------------------------------------------


@check("6.3", "passes dout where z > 0 and blocks it elsewhere (0 at z = 0)")
def _(nn):
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    dout = np.array([1.0, -2.0, 3.0, -4.0, 5.0])
    got = nn.relu_backward(dout, z)
    assert_close(
        got,
        [0.0, 0.0, 0.0, -4.0, 5.0],
        what="relu_backward(dout=[1, -2, 3, -4, 5], z=[-2, -0.5, 0, 0.5, 3])",
        mistakes=[
            ("the mask came from dout > 0: it must come from the forward input, z > 0", [1.0, 0.0, 3.0, 0.0, 5.0]),
            ("z = 0 let the gradient through: the course's convention is slope 0 at z = 0 (use z > 0)",
             [0.0, 0.0, 3.0, -4.0, 5.0]),
            ("dout was multiplied by z: the local slope of ReLU is 1 or 0, not z", dout * z),
            ("only the mask (z > 0) was returned: multiply it by dout", [0.0, 0.0, 0.0, 1.0, 1.0]),
            ("the mask is inverted: the gradient flows where z > 0", [1.0, -2.0, 3.0, 0.0, 0.0]),
        ],
    )


@check("6.3", "matches central differences of relu (check_gradient)")
def _(nn):
    z = np.array([[1.5, -0.5, 2.0], [-1.0, 0.25, -3.0]])  # no entry near the kink at 0
    R = np.array([[2.0, -1.0, 0.5], [1.0, -3.0, 4.0]])
    got = nn.relu_backward(R.copy(), z.copy())
    check_gradient(lambda v: np.sum(np.maximum(v, 0.0) * R), z, got, name="z (relu_backward)")


@check("6.3", "float32 stays float32, and dout and z are not modified")
def _(nn):
    z = np.array([[1.0, -1.0], [0.0, 2.0]], dtype=np.float32)
    dout = np.array([[3.0, 3.0], [3.0, -3.0]], dtype=np.float32)
    z_before, dout_before = z.copy(), dout.copy()
    got = nn.relu_backward(dout, z)
    assert_unchanged(z_before, z, what="z")
    assert_unchanged(dout_before, dout, what="dout (work on a copy, or multiply by a mask)")
    _dtype_kept(got, "relu_backward(dout, z)")
    assert_close(got, [[3.0, 0.0], [0.0, -3.0]], what="relu_backward in float32")


# --------------------------------------------------------------------------
# 6.4 sigmoid_backward
# --------------------------------------------------------------------------


@check("6.4", "dout * s * (1 - s), from the sigmoid's output s")
def _(nn):
    s = np.array([0.5, 0.75, 0.25, 0.9])
    dout = np.array([1.0, 1.0, 2.0, -1.0])
    # 0.5 * 0.5 = 0.25; 0.75 * 0.25 = 0.1875; 2 * 0.25 * 0.75 = 0.375; -0.9 * 0.1 = -0.09
    got = nn.sigmoid_backward(dout, s)
    assert_close(
        got,
        [0.25, 0.1875, 0.375, -0.09],
        what="sigmoid_backward(dout=[1, 1, 2, -1], s=[0.5, 0.75, 0.25, 0.9])",
        mistakes=[
            ("the sigmoid was applied again: s is already the sigmoid's output, so the slope is s * (1 - s)",
             dout * _sigmoid(s) * (1 - _sigmoid(s))),
            ("the sign is flipped: the slope s * (1 - s) is positive", -dout * s * (1 - s)),
            ("dout was not multiplied in (chain rule: upstream gradient times local slope)", s * (1 - s)),
            ("this is tanh's slope 1 - s**2; the sigmoid's is s * (1 - s)", dout * (1 - s * s)),
        ],
    )


@check("6.4", "matches central differences of the sigmoid (check_gradient)")
def _(nn):
    z = np.array([[0.0, LN3, -LN3], [2.0, -1.0, 0.5]])
    R = np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]])
    got = nn.sigmoid_backward(R.copy(), _sigmoid(z))
    check_gradient(lambda v: np.sum(_sigmoid(v) * R), z, got, name="z (sigmoid_backward)")


@check("6.4", "float32 stays float32, and dout and s are not modified")
def _(nn):
    s = np.array([[0.5, 0.75], [0.25, 0.0]], dtype=np.float32)
    dout = np.array([[4.0, 4.0], [-4.0, 7.0]], dtype=np.float32)
    s_before, dout_before = s.copy(), dout.copy()
    got = nn.sigmoid_backward(dout, s)
    assert_unchanged(s_before, s, what="s")
    assert_unchanged(dout_before, dout, what="dout")
    _dtype_kept(got, "sigmoid_backward(dout, s)")
    # 4 / 4 = 1; 4 * 3/16 = 0.75; -4 * 3/16 = -0.75; 7 * 0 = 0 (a saturated sigmoid passes nothing)
    assert_close(got, [[1.0, 0.75], [-0.75, 0.0]], what="sigmoid_backward in float32")


# --------------------------------------------------------------------------
# 6.5 tanh_backward
# --------------------------------------------------------------------------


@check("6.5", "dout * (1 - t**2), from tanh's output t")
def _(nn):
    t = np.array([0.0, 0.6, -0.6, 0.5])
    dout = np.array([1.0, 1.0, 1.0, -2.0])
    # 1 - 0 = 1; 1 - 0.36 = 0.64 (twice); -2 * (1 - 0.25) = -1.5
    got = nn.tanh_backward(dout, t)
    assert_close(
        got,
        [1.0, 0.64, 0.64, -1.5],
        what="tanh_backward(dout=[1, 1, 1, -2], t=[0, 0.6, -0.6, 0.5])",
        mistakes=[
            ("the sign is flipped: the slope is 1 - t**2, not t**2 - 1", dout * (t * t - 1)),
            ("tanh was applied again: t is already tanh's output, so the slope is 1 - t**2",
             dout * (1 - np.tanh(t) ** 2)),
            ("t was not squared: the slope is 1 - t**2", dout * (1 - t)),
            ("dout was not multiplied in (chain rule: upstream gradient times local slope)", 1 - t * t),
            ("this is the sigmoid's slope t * (1 - t); tanh's is 1 - t**2", dout * t * (1 - t)),
        ],
    )


@check("6.5", "matches central differences of tanh (check_gradient)")
def _(nn):
    z = np.array([[0.0, 0.5, -1.0], [2.0, -0.25, 1.0]])
    R = np.array([[1.0, 2.0, -1.0], [0.5, -3.0, 1.5]])
    got = nn.tanh_backward(R.copy(), np.tanh(z))
    check_gradient(lambda v: np.sum(np.tanh(v) * R), z, got, name="z (tanh_backward)")


@check("6.5", "float32 stays float32, and dout and t are not modified")
def _(nn):
    t = np.array([[0.5, -0.5], [1.0, 0.0]], dtype=np.float32)
    dout = np.array([[4.0, -4.0], [9.0, 2.5]], dtype=np.float32)
    t_before, dout_before = t.copy(), dout.copy()
    got = nn.tanh_backward(dout, t)
    assert_unchanged(t_before, t, what="t")
    assert_unchanged(dout_before, dout, what="dout")
    _dtype_kept(got, "tanh_backward(dout, t)")
    assert_close(got, [[3.0, -3.0], [0.0, 2.5]], what="tanh_backward in float32")


# --------------------------------------------------------------------------
# 6.6 gradient_check
# --------------------------------------------------------------------------


def _squares(v):
    return float(np.sum(v**2))


def _cubes(v):
    return float(np.sum(v**3))


def _float(value, what):
    """Turn gradient_check's answer into a float, with advice when it is not one."""
    assert_that(
        np.ndim(value) == 0,
        f"{what} should be one number (the largest relative error), got an array of shape "
        f"{np.shape(value)}: take the maximum over all entries",
    )
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} should be a number, got a {type(value).__name__}") from None


@check("6.6", "a right gradient gives a tiny error, a wrong entry a large one")
def _(nn):
    x = np.array([1.0, -2.0, 3.0])
    # f = sum(x**2) has gradient 2x = [2, -4, 6]; central differences are exact for a quadratic
    right = _float(nn.gradient_check(_squares, x, np.array([2.0, -4.0, 6.0])), "gradient_check(...)")
    assert_that(right < 1e-7, f"gradient_check of the right gradient 2x of sum(x**2) returned {right:.3g}, "
                "expected below 1e-7: central differences are exact for a quadratic, so the error "
                "should be rounding only (one-sided differences give about 5e-7 here)")
    # one entry off by 1: |7 - 6| / max(7, 6, 0.01) = 1/7
    wrong = _float(nn.gradient_check(_squares, x, np.array([2.0, -4.0, 7.0])), "gradient_check(...)")
    assert_close(
        wrong,
        1 / 7,
        what="gradient_check(sum(x**2), x=[1, -2, 3], analytic=[2, -4, 7])",
        rtol=1e-5,
        mistakes=[
            ("this is the absolute error |a - n|: divide by max(|a|, |n|, 0.01)", 1.0),
            ("it divides by the numerical slope |n| only: use max(|a|, |n|, 0.01)", 1 / 6),
            ("it averages the errors over the entries: return the largest", 1 / 21),
        ],
    )


@check("6.6", "gradients below 1 are compared relative to their size")
def _(nn):
    x = np.array([0.1, 0.2])
    # gradient 2x = [0.2, 0.4]; the second entry is off by 0.01, and max(0.41, 0.4, 0.01) = 0.41
    got = _float(nn.gradient_check(_squares, x, np.array([0.2, 0.41])), "gradient_check(...)")
    assert_close(
        got,
        0.01 / 0.41,
        what="gradient_check(sum(x**2), x=[0.1, 0.2], analytic=[0.2, 0.41])",
        rtol=1e-5,
        mistakes=[
            ("it divides by max(1, |a|, |n|) (or not at all): below 1 that is the absolute error, so a "
             "small gradient could be 100% wrong and still score small; divide by max(|a|, |n|, 0.01)", 0.01),
            ("it divides by the numerical slope |n| only: use max(|a|, |n|, 0.01)", 0.01 / 0.4),
        ],
    )


@check("6.6", "below 0.01 the floor: a small 100%-wrong gradient scores high, two zeros score 0")
def _(nn):
    x = np.array([0.001, -0.002])
    # gradient 2x = [0.002, -0.004]; the second entry doubled (100% wrong): 0.004 / max(0.008, 0.004, 0.01)
    got = _float(nn.gradient_check(_squares, x, np.array([0.002, -0.008])), "gradient_check(...)")
    assert_that(np.isfinite(got), f"gradient_check(...) returned {got}: divide by max(|a|, |n|, 0.01), "
                "whose floor of 0.01 is never 0")
    assert_close(
        got,
        0.4,
        what="gradient_check(sum(x**2), x=[0.001, -0.002], analytic=[0.002, -0.008])",
        rtol=1e-5,
        mistakes=[
            ("it divides by max(1, |a|, |n|) (or not at all): that makes a 100%-wrong gradient of 0.004 "
             "score 0.004, which looks almost right; divide by max(|a|, |n|, 0.01)", 0.004),
            ("the denominator has no floor: it is max(|a|, |n|, 0.01), so that rounding noise around "
             "a zero gradient is not blown up", 0.5),
        ],
    )
    # f ignores its second entry: analytic and numerical slopes are both exactly 0 there
    zeros = _float(nn.gradient_check(lambda v: float(v[0] ** 2), np.array([1.0, 5.0]), np.array([2.0, 0.0])),
                   "gradient_check(...) with a zero gradient")
    assert_that(not np.isnan(zeros), "gradient_check(...) returned nan where analytic and numerical slopes "
                "are both 0: 0/0. Divide by max(|a|, |n|, 0.01), whose floor of 0.01 is never 0")
    assert_that(zeros < 1e-7, f"gradient_check(v[0]**2, x=[1, 5], analytic=[2, 0]) returned {zeros:.3g}, "
                "expected below 1e-7: both gradients are right")


@check("6.6", "uses central differences with the eps it is given")
def _(nn):
    x = np.array([1.0, 2.0])
    # f = sum(x**3): ((x + e)**3 - (x - e)**3) / (2e) = 3x**2 + e**2, so with e = 0.1 the
    # slopes are [3.01, 12.01] and the exact gradient [3, 12] is off by 0.01 / 3.01 at most
    got = _float(nn.gradient_check(_cubes, x, np.array([3.0, 12.0]), eps=0.1), "gradient_check(..., eps=0.1)")
    assert_that(got > 1e-4, f"gradient_check(..., eps=0.1) returned {got:.3g}, expected about 0.0033: "
                "eps was ignored (pass it on to numerical_gradient), or a different step was used")
    assert_close(
        got,
        0.01 / 3.01,
        what="gradient_check(sum(x**3), x=[1, 2], analytic=[3, 12], eps=0.1)",
        rtol=1e-4,
        mistakes=[
            ("it uses one-sided differences (f(x + eps) - f(x)) / eps: use central ones, "
             "(f(x + eps) - f(x - eps)) / (2 eps) (check your numerical_gradient too)", 0.31 / 3.31),
            ("it uses one-sided differences (f(x) - f(x - eps)) / eps: use central ones "
             "(check your numerical_gradient too)", 0.29 / 3.0),
        ],
    )


@check("6.6", "works on a float32 matrix, in float64, and leaves x and analytic unchanged")
def _(nn):
    x = np.array([[1.0, 2.0], [-1.0, 0.5]], dtype=np.float32)
    analytic = 2 * x.astype(np.float64)
    x_before, analytic_before = x.copy(), analytic.copy()
    got = _float(nn.gradient_check(_squares, x, analytic), "gradient_check(...) on a (2, 2) matrix")
    assert_unchanged(x_before, x, what="x (nudge a copy of it)")
    assert_unchanged(analytic_before, analytic, what="analytic")
    assert_that(got < 1e-7, f"gradient_check of the right gradient 2x of sum(x**2) on a float32 (2, 2) "
                f"matrix returned {got:.3g}, expected below 1e-7: nudge a float64 copy of x "
                "(float32 loses most of a nudge of 1e-6), in gradient_check or numerical_gradient")


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("dense_forward")
def _quick_dense_forward(nn):
    x, W, b = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([0.5, 0.0, -1.0])
    got = nn.dense_forward(x, W, b)
    assert_that(isinstance(got, tuple) and len(got) == 2, "dense_forward should return (out, cache)")
    assert_close(got[0], [[1.5, 2.0, 2.0]], what="dense_forward(X, W, b)[0]")


@quick("dense_backward")
def _quick_dense_backward(nn):
    x, W, b = np.array([[1.0, 2.0]]), np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]), np.array([0.5, 0.0, -1.0])
    _, cache = nn.dense_forward(x, W, b)
    got = nn.dense_backward(np.array([[1.0, -1.0, 2.0]]), cache)
    # dX = dout @ W.T = [[3, 1]], dW = x.T @ dout, db = dout summed over the batch
    expected = (np.array([[3.0, 1.0]]), np.array([[1.0, -1.0, 2.0], [2.0, -2.0, 4.0]]), np.array([1.0, -1.0, 2.0]))
    assert_close(got, expected, what="dense_backward(dout, cache)")


@quick("relu_backward")
def _quick_relu_backward(nn):
    got = nn.relu_backward(np.array([1.0, 2.0, 3.0]), np.array([-1.0, 0.5, 2.0]))
    assert_close(got, [0.0, 2.0, 3.0], what="relu_backward(dout=[1, 2, 3], z=[-1, 0.5, 2])")


@quick("sigmoid_backward")
def _quick_sigmoid_backward(nn):
    # from its output s = 1/2 the slope is s (1 - s) = 1/4
    got = nn.sigmoid_backward(np.array([2.0]), np.array([0.5]))
    assert_close(got, [0.5], what="sigmoid_backward(dout=[2], s=[0.5])")


@quick("tanh_backward")
def _quick_tanh_backward(nn):
    # from its output t = 0.5 the slope is 1 - t^2 = 0.75
    got = nn.tanh_backward(np.array([2.0]), np.array([0.5]))
    assert_close(got, [1.5], what="tanh_backward(dout=[2], t=[0.5])")
