"""Visible checks for chapter 2 (``nnlib/neurons.py``).

Every expected value can be worked out by hand; the comments show how.
Handy facts: sigmoid(ln 3) = 1 / (1 + 1/3) = 0.75, tanh(ln 2) =
(2 - 1/2) / (2 + 1/2) = 0.6, and softmax([0, ln 2, ln 5]) = [1, 2, 5] / 8.
"""

import numpy as np

from nnlib.testing import CheckFailure, assert_close, assert_that, assert_unchanged, check, quick

LN2, LN3, LN5 = np.log(2.0), np.log(3.0), np.log(5.0)


def _no_overflow(fn, z, what):
    """Call ``fn(z)`` with overflow and invalid operations turned into errors."""
    try:
        with np.errstate(over="raise", invalid="raise"):
            return fn(z)
    except FloatingPointError as exc:
        raise CheckFailure(
            f"{what} triggered a floating-point error ({exc}): np.exp of a large "
            "positive number overflows to inf (and inf / inf is NaN). Note that "
            "np.where computes both of its branches, so a dangerous np.exp inside "
            "it still overflows. Rewrite the formula so that np.exp only ever sees "
            "numbers <= 0 (see the section's hint)"
        ) from None


# --------------------------------------------------------------------------
# 2.1 weighted_sum
# --------------------------------------------------------------------------


@check("2.1", "one example: multiply, add up, add the bias")
def _(nn):
    x = np.array([1.0, 2.0, 3.0])
    w = np.array([0.5, -1.0, 2.0])
    # 1 * 0.5 + 2 * (-1) + 3 * 2 + 1 = 0.5 - 2 + 6 + 1 = 5.5
    got = nn.weighted_sum(x, w, 1.0)
    assert_close(
        got,
        5.5,
        what="weighted_sum(x=[1, 2, 3], w=[0.5, -1, 2], b=1)",
        mistakes=[
            ("the bias was left out", 4.5),
            ("the bias was subtracted instead of added", 3.5),
            ("the bias was added to every product (D times) instead of once", 7.5),
        ],
    )


@check("2.1", "a batch of N examples gives N sums")
def _(nn):
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]])
    w = np.array([3.0, 4.0])
    # rows: 3 - 2 = 1, 4 - 2 = 2, 6 - 4 - 2 = 0
    got = nn.weighted_sum(x, w, -2.0)
    assert_close(
        got,
        [1.0, 2.0, 0.0],
        what="weighted_sum(x of shape (3, 2), w=[3, 4], b=-2)",
        mistakes=[("the bias was left out", [3.0, 4.0, 2.0])],
    )


@check("2.1", "does not modify x or w")
def _(nn):
    x = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -2.0]])
    w = np.array([1.0, 2.0, -2.0])
    x_before, w_before = x.copy(), w.copy()
    # rows: 1 - 2 - 1 + 0.5 = -1.5, 2 + 0 + 4 + 0.5 = 6.5
    got = nn.weighted_sum(x, w, 0.5)
    assert_unchanged(x_before, x, what="x")
    assert_unchanged(w_before, w, what="w")
    assert_close(got, [-1.5, 6.5], what="weighted_sum(x of shape (2, 3), w, b=0.5)")


# --------------------------------------------------------------------------
# 2.2 step
# --------------------------------------------------------------------------


@check("2.2", "0 below zero, 1 from zero up (step(0) = 1)")
def _(nn):
    z = np.array([-2.0, -0.1, 0.0, 0.1, 3.0])
    got = nn.step(z)
    assert_close(
        got,
        [0.0, 0.0, 1.0, 1.0, 1.0],
        what="step([-2, -0.1, 0, 0.1, 3])",
        mistakes=[
            ("z > 0 was used where the rule is z >= 0: step(0) must be 1", [0.0, 0.0, 0.0, 1.0, 1.0]),
            ("0 and 1 are swapped", [1.0, 1.0, 0.0, 0.0, 0.0]),
        ],
    )


@check("2.2", "returns floats in the shape of z, and leaves z unchanged")
def _(nn):
    z = np.array([[1.5, -1.5], [0.0, -0.0]])
    z_before = z.copy()
    got = nn.step(z)
    assert_unchanged(z_before, z, what="z")
    assert_that(
        isinstance(got, np.ndarray) and got.dtype.kind == "f",
        f"step should return an array of floats (0.0 and 1.0), got {type(got).__name__} "
        f"with dtype {getattr(got, 'dtype', None)}: np.where(z >= 0, 1.0, 0.0) or "
        "(z >= 0).astype(float) gives floats",
    )
    assert_close(got, [[1.0, 0.0], [1.0, 1.0]], what="step(z of shape (2, 2))")


# --------------------------------------------------------------------------
# 2.3 sigmoid
# --------------------------------------------------------------------------


@check("2.3", "sigmoid(0) = 0.5 and sigmoid(±ln 3) = 0.75, 0.25")
def _(nn):
    z = np.array([0.0, LN3, -LN3])
    # 1 / (1 + exp(-ln 3)) = 1 / (1 + 1/3) = 0.75; 1 / (1 + 3) = 0.25
    assert_close(
        nn.sigmoid(z),
        [0.5, 0.75, 0.25],
        what="sigmoid([0, ln 3, -ln 3])",
        mistakes=[
            ("the sign in exp is flipped: it is 1 / (1 + exp(-z))", [0.5, 0.25, 0.75]),
            ("1 + exp(-z) was returned without taking 1 / (...)", [2.0, 4.0 / 3.0, 4.0]),
        ],
    )


@check("2.3", "keeps the shape of a 2-D input, and leaves z unchanged")
def _(nn):
    z = np.array([[0.0, LN3], [-LN3, 0.0], [LN3, LN3]])
    z_before = z.copy()
    got = nn.sigmoid(z)
    assert_unchanged(z_before, z, what="z")
    assert_close(got, [[0.5, 0.75], [0.25, 0.5], [0.75, 0.75]], what="sigmoid(z of shape (3, 2))")


@check("2.3", "no overflow: sigmoid(-1000) = 0 and sigmoid(1000) = 1")
def _(nn):
    z = np.array([-1000.0, -50.0, 50.0, 1000.0])
    got = _no_overflow(nn.sigmoid, z, "sigmoid([-1000, -50, 50, 1000])")
    # exp(-50) ~ 2e-22, so sigmoid(-50) ~ 2e-22 and sigmoid(50) = 1 to 16 digits
    assert_close(
        got, [0.0, 1.9287498479639178e-22, 1.0, 1.0], what="sigmoid([-1000, -50, 50, 1000])", atol=1e-30
    )


# --------------------------------------------------------------------------
# 2.4 tanh
# --------------------------------------------------------------------------


@check("2.4", "tanh(0) = 0 and tanh(±ln 2) = ±0.6")
def _(nn):
    z = np.array([0.0, LN2, -LN2])
    # (2 - 1/2) / (2 + 1/2) = 1.5 / 2.5 = 0.6
    assert_close(
        nn.tanh(z),
        [0.0, 0.6, -0.6],
        what="tanh([0, ln 2, -ln 2])",
        mistakes=[
            ("the sign is flipped: tanh(z) = (exp(z) - exp(-z)) / (exp(z) + exp(-z))", [0.0, -0.6, 0.6]),
            ("this is 2 * sigmoid(z) - 1: the argument should be 2z", [0.0, 1.0 / 3.0, -1.0 / 3.0]),
            ("this is sigmoid(2z): subtract 1 from twice it", [0.5, 0.8, 0.2]),
        ],
    )


@check("2.4", "keeps the shape of a 2-D input, and leaves z unchanged")
def _(nn):
    z = np.array([[LN2, 0.0, -LN2], [-LN2, LN2, 0.0]])
    z_before = z.copy()
    got = nn.tanh(z)
    assert_unchanged(z_before, z, what="z")
    assert_close(got, [[0.6, 0.0, -0.6], [-0.6, 0.6, 0.0]], what="tanh(z of shape (2, 3))")


@check("2.4", "no overflow: tanh(-1000) = -1 and tanh(1000) = 1")
def _(nn):
    z = np.array([-1000.0, -400.0, 400.0, 1000.0])
    got = _no_overflow(nn.tanh, z, "tanh([-1000, -400, 400, 1000])")
    assert_close(got, [-1.0, -1.0, 1.0, 1.0], what="tanh([-1000, -400, 400, 1000])")


@check("2.4", "made from your sigmoid (or from exp(-2|z|)), not np.tanh")
def _(nn):
    # Near 0, 2 sigmoid(2z) - 1 loses every digit: sigmoid(2e-20) = 0.5 + 5e-21 rounds to
    # exactly 0.5 in float64 (the next float above 0.5 is 0.5 + 1.1e-16), so the formula
    # gives 0, and so does (1 - e) / (1 + e) with e = exp(-2|z|). Only a library tanh
    # keeps tanh(z) = z to full precision there.
    z = np.array([1e-20, -3e-19, 5e-25])
    got = np.asarray(nn.tanh(z), dtype=float)
    assert_that(
        not (got.shape == z.shape and np.all(got != 0) and np.allclose(got, z, rtol=1e-3, atol=0)),
        "tanh([1e-20, -3e-19, 5e-25]) came back as the inputs themselves, to full precision, which "
        "a tanh made from sigmoid cannot do (sigmoid(2e-20) rounds to exactly 0.5, so "
        "2 sigmoid(2z) - 1 gives 0): it looks like np.tanh (or another library tanh) was called. "
        "The exercise asks you to build tanh yourself: tanh(z) = 2 sigmoid(2z) - 1 with your sigmoid",
    )


# --------------------------------------------------------------------------
# 2.5 softmax
# --------------------------------------------------------------------------


def _softmax_of(nn, z, what):
    """``nn.softmax(z)``; a broadcasting error is named: a reduction lost its axis (keepdims)."""
    try:
        return nn.softmax(z)
    except ValueError as exc:
        if "broadcast" not in str(exc):
            raise
        raise CheckFailure(
            f"{what} raised ValueError (shapes that do not broadcast): a row maximum or row sum lost "
            "its axis. np.max(z, axis=-1) and np.sum(..., axis=-1) have shape (N,), which cannot "
            "meet an (N, C) array when N != C (and meets it wrongly when N = C): pass keepdims=True "
            "so they keep shape (N, 1)"
        ) from None


def _softmax_without_errors(nn, z, what):
    """``nn.softmax(z)`` with floating-point errors raised, and their cause named."""
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            return _softmax_of(nn, z, what)
    except FloatingPointError as exc:
        if "overflow" in str(exc):
            raise CheckFailure(
                f"{what} triggered a floating-point error ({exc}): np.exp of a large positive score "
                "overflows to inf (and inf / inf is NaN). Subtract each row's maximum before np.exp"
            ) from None
        raise CheckFailure(
            f"{what} triggered a floating-point error ({exc}): a row's exponentials all underflowed "
            "to 0, so its sum is 0 and 0 / 0 is NaN. That happens when the number subtracted is far "
            "above that row's own scores, as with the maximum of the whole array, np.max(z): "
            "subtract each row's own maximum, np.max(z, axis=-1, keepdims=True)"
        ) from None


@check("2.5", "each row becomes probabilities: softmax([0, ln 2, ln 5]) = [1, 2, 5] / 8")
def _(nn):
    z = np.array([[0.0, LN2, LN5], [1.0, 1.0, 1.0]])
    # exp gives [1, 2, 5] (sum 8) and [e, e, e] (sum 3e)
    expected = np.array([[0.125, 0.25, 0.625], [1 / 3, 1 / 3, 1 / 3]])
    exps = np.exp(z)
    assert_close(
        _softmax_of(nn, z, "softmax(z of shape (2, 3))"),
        expected,
        what="softmax(z of shape (2, 3))",
        mistakes=[
            (
                "the exponentials were normalised over axis 0 (down the columns) instead of "
                "along each row: use axis=-1",
                exps / exps.sum(axis=0, keepdims=True),
            ),
            ("the whole array was normalised at once: sum each row separately (axis=-1)", exps / exps.sum()),
            ("the scores were normalised without np.exp", z / z.sum(axis=-1, keepdims=True)),
        ],
    )


@check("2.5", "row sums stay one per row (keepdims=True)")
def _(nn):
    z = np.array([[0.0, LN3], [0.0, 0.0]])
    # exp gives [[1, 3], [1, 1]], row sums [4, 2]
    exps = np.exp(z)
    got = _softmax_of(nn, z, "softmax([[0, ln 3], [0, 0]])")
    assert_close(
        got,
        [[0.25, 0.75], [0.5, 0.5]],
        what="softmax([[0, ln 3], [0, 0]])",
        mistakes=[
            (
                "a row sum lost its axis: np.sum(..., axis=-1) without keepdims=True gives shape (N,), "
                "which divides column by column",
                exps / exps.sum(axis=-1),
            ),
            (
                "a row sum lost its axis: np.sum(..., axis=-1) without keepdims=True gives shape (N,), "
                "which divides column by column",
                np.exp(z - z.max(axis=-1, keepdims=True)) / np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=-1),
            ),
            (
                "the maximum lost its axis: np.max(..., axis=-1) without keepdims=True gives shape (N,), "
                "which subtracts column by column",
                np.exp(z - z.max(axis=-1)) / np.exp(z - z.max(axis=-1)).sum(axis=-1, keepdims=True),
            ),
        ],
    )


@check("2.5", "works on one example of shape (C,)")
def _(nn):
    got = _softmax_of(nn, np.array([LN5, 0.0, LN2]), "softmax([ln 5, 0, ln 2])")
    assert_close(got, [0.625, 0.125, 0.25], what="softmax([ln 5, 0, ln 2])")


@check("2.5", "large scores: no overflow, and z is not modified")
def _(nn):
    z = np.array([[1000.0, 1000.0 + LN3], [-1000.0, -1000.0]])
    z_before = z.copy()
    # softmax only depends on differences: these rows act like [0, ln 3] and [0, 0]
    got = _softmax_without_errors(nn, z, "softmax([[1000, 1000 + ln 3], [-1000, -1000]])")
    assert_unchanged(z_before, z, what="z")
    assert_close(got, [[0.25, 0.75], [0.5, 0.5]], what="softmax([[1000, 1000 + ln 3], [-1000, -1000]])")


# --------------------------------------------------------------------------
# 2.6 neuron
# --------------------------------------------------------------------------


def _identity(z):
    return z


@check("2.6", "with the identity activation it is the weighted sum; x and w are left unchanged")
def _(nn):
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])
    w = np.array([2.0, -1.0])
    x_before, w_before = x.copy(), w.copy()
    # rows: 2 - 2 + 0.5 = 0.5, -2 - 0.5 + 0.5 = -2
    got = nn.neuron(x, w, 0.5, _identity)
    assert_unchanged(x_before, x, what="x")
    assert_unchanged(w_before, w, what="w")
    assert_close(
        got,
        [0.5, -2.0],
        what="neuron(x, w=[2, -1], b=0.5, activation=identity)",
        mistakes=[("the bias was left out", [0.0, -2.5])],
    )


@check("2.6", "applies the activation after adding the bias")
def _(nn):
    x = np.array([[1.0, 1.0], [3.0, -1.0], [0.0, 0.0]])
    # w = [1, 1]; sums: 2 - 3 = -1, 2 - 3 = -1, 0 - 3 = -3; squared: 1, 1, 9
    got = nn.neuron(x, np.ones(2), -3.0, np.square)
    assert_close(
        got,
        [1.0, 1.0, 9.0],
        what="neuron(x, w=[1, 1], b=-3, activation=np.square)",
        mistakes=[
            (
                "the bias was added after the activation: it belongs inside, activation(x @ w + b)",
                [1.0, 1.0, -3.0],
            ),
            ("the activation was not applied", [-1.0, -1.0, -3.0]),
        ],
    )


@check("2.6", "uses the activation it is given, on all N sums at once")
def _(nn):
    calls = []

    def recording(z):
        calls.append(np.shape(z))
        return np.where(np.asarray(z) >= 0, 10.0, -10.0)

    x = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    got = nn.neuron(x, np.array([1.0, -1.0, 0.5]), -0.25, recording)
    # sums: 0.75, -1.25, 0.25, 0.25
    assert_that(
        len(calls) == 1 and calls[0] == (4,),
        "neuron should call activation exactly once, on the array of all N weighted sums "
        f"(shape (4,) here); it was called {len(calls)} time(s) with shapes {calls}",
    )
    assert_close(got, [10.0, -10.0, 10.0, 10.0], what="neuron(x, w, b, activation=recording)")


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("weighted_sum")
def _quick_weighted_sum(nn):
    got = nn.weighted_sum(np.array([[1.0, 2.0]]), np.array([3.0, -1.0]), 0.5)
    assert_close(got, [1.5], what="weighted_sum([[1, 2]], w=[3, -1], b=0.5)")  # 3 - 2 + 0.5


@quick("sigmoid")
def _quick_sigmoid(nn):
    got = nn.sigmoid(np.array([0.0, 2.0, -2.0]))
    assert_close(got, [0.5, 1 / (1 + np.exp(-2.0)), 1 / (1 + np.exp(2.0))], what="sigmoid([0, 2, -2])")


@quick("tanh")
def _quick_tanh(nn):
    got = nn.tanh(np.array([0.0, 1.0, -1000.0]))
    assert_close(got, [0.0, np.tanh(1.0), -1.0], what="tanh([0, 1, -1000])")


@quick("softmax")
def _quick_softmax(nn):
    got = nn.softmax(np.array([[0.0, np.log(3.0)], [1000.0, 1000.0]]))
    assert_close(got, [[0.25, 0.75], [0.5, 0.5]], what="softmax([[0, log 3], [1000, 1000]])")
