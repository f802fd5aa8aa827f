"""Visible checks for chapter 5 (``nnlib/optim.py``).

Every expected value can be worked out by hand; the comments show how.
Handy facts: the central difference of x^3 with step h is exactly
3 x^2 + h^2, and Adam's first step with bias correction moves every
coordinate by almost exactly lr (against the sign of its gradient).
"""

import numpy as np

from nnlib.testing import assert_close, assert_float32, assert_that, assert_unchanged, check, quick


def _pair(got, names, function):
    """Insist on a tuple of ``len(names)`` values and return it."""
    assert_that(
        isinstance(got, tuple) and len(got) == len(names),
        f"{function} should return a tuple ({', '.join(names)}), got {type(got).__name__}",
    )
    return got


def _keeps_float32(got, what):
    assert_float32(got, what, (
        "np.array(..., dtype=float), np.float64 numbers or float64 zeros turn it into float64 (the "
        "network trains in float32, and the change doubles its memory)"
    ))


# --------------------------------------------------------------------------
# 5.1 numerical_gradient
# --------------------------------------------------------------------------


@check("5.1", "central differences of x^3 with a large eps = 0.1")
def _(nn):
    # ((x + h)^3 - (x - h)^3) / (2h) = 3 x^2 + h^2: at x = 1 and 2 with h = 0.1, 3.01 and 12.01
    got = nn.numerical_gradient(lambda x: float(np.sum(x**3)), np.array([1.0, 2.0]), eps=0.1)
    assert_close(
        got,
        [3.01, 12.01],
        what="numerical_gradient(sum(x**3), x=[1, 2], eps=0.1)",
        mistakes=[
            ("a one-sided difference (f(x + eps) - f(x)) / eps: nudge both ways and divide by 2 eps",
             [3.31, 12.61]),
            ("a one-sided difference (f(x) - f(x - eps)) / eps: nudge both ways and divide by 2 eps",
             [2.71, 11.41]),
            ("dividing by eps instead of 2 eps (the two points are 2 eps apart)", [6.02, 24.02]),
        ],
    )


@check("5.1", "a linear function of a (2, 2) array: the gradient is its weights; x unchanged")
def _(nn):
    weights = np.array([[1.0, -2.0], [3.0, 0.5]])
    x = np.array([[0.5, 1.0], [-1.0, 2.0]])
    x_before = x.copy()
    # f(x) = sum(weights * x), so df/dx[i, j] = weights[i, j]
    got = nn.numerical_gradient(lambda p: float(np.sum(weights * p)), x)
    assert_unchanged(x_before, x, what="x (nudge a copy, or put every entry back after nudging it)")
    assert_close(got, weights, what="numerical_gradient(sum(weights * x), x of shape (2, 2))", atol=1e-6)


@check("5.1", "with the default eps: the slopes of sin(x0) + x1^2 at (0, 3) are 1 and 6")
def _(nn):
    got = nn.numerical_gradient(lambda p: float(np.sin(p[0]) + p[1] ** 2), np.array([0.0, 3.0]))
    assert_close(got, [1.0, 6.0], what="numerical_gradient(sin(x0) + x1**2, x=[0, 3])", atol=1e-6,
                 mistakes=[("the result has the wrong sign: it is (f(x + eps) - f(x - eps)) / (2 eps)",
                            [-1.0, -6.0])])


@check("5.1", "a float32 x is nudged in float64: the slopes of sum(x**2) at [1, 2, 3] are [2, 4, 6]")
def _(nn):
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    got = nn.numerical_gradient(lambda p: float(np.sum(np.asarray(p, dtype=np.float64) ** 2)), x)
    assert_that(np.shape(got) == (3,), f"the gradient should have the shape of x, (3,), got {np.shape(got)}")
    worst = float(np.max(np.abs(np.asarray(got, dtype=np.float64) - [2.0, 4.0, 6.0]) / [2.0, 4.0, 6.0]))
    assert_that(worst < 1e-5, f"numerical_gradient of sum(x**2) at a float32 x = [1, 2, 3] is off by {worst:.2g} "
                "(relative): float32 cannot hold x + 1e-6 exactly (its spacing near 1 is 1.2e-7), so the nudges "
                "are rounded. Nudge a float64 copy: x = np.array(x, dtype=np.float64)")


# --------------------------------------------------------------------------
# 5.2 gradient_descent
# --------------------------------------------------------------------------


def _check_path(path, steps, dims):
    shape = np.shape(path)
    expected = (steps + 1, dims)
    if len(shape) == 2 and shape[1] == dims and shape[0] == steps:
        raise_msg = (f"path has {steps} rows, expected {steps + 1}: the path starts with x0 and then "
                     "has one point per step (or the loop ran one step too few)")
    elif len(shape) == 2 and shape[1] == dims and shape[0] == steps + 2:
        raise_msg = f"path has {steps + 2} rows, expected {steps + 1}: the loop ran one step too many"
    else:
        raise_msg = f"path has shape {shape}, expected {expected}: x0 first, then one row per step"
    assert_that(shape == expected, raise_msg)


@check("5.2", "f(x) = x^2 from x0 = 1 with lr = 0.25: every step halves x")
def _(nn):
    # x <- x - 0.25 * 2x = x / 2
    got = _pair(nn.gradient_descent(lambda x: 2 * x, np.array([1.0]), 0.25, 3), ("x", "path"),
                "gradient_descent")
    _check_path(got[1], 3, 1)
    assert_close(got[1], [[1.0], [0.5], [0.25], [0.125]], what="path",
                 mistakes=[("the steps go uphill: subtract lr * gradient, do not add it",
                            [[1.0], [1.5], [2.25], [3.375]])])
    assert_close(got[0], [0.125], what="x (the last point)")


@check("5.2", "x^2 + 4 y^2 from (1, 1) with lr = 0.1")
def _(nn):
    # gradient (2x, 8y): x <- 0.8 x and y <- 0.2 y
    got = _pair(nn.gradient_descent(lambda p: np.array([2 * p[0], 8 * p[1]]), np.array([1.0, 1.0]), 0.1, 2),
                ("x", "path"), "gradient_descent")
    _check_path(got[1], 2, 2)
    assert_close(got[1], [[1.0, 1.0], [0.8, 0.2], [0.64, 0.04]], what="path")
    assert_close(got[0], [0.64, 0.04], what="x (the last point)")


@check("5.2", "x0 is left unchanged and every row of the path is its own point")
def _(nn):
    x0 = np.array([2.0, -2.0])
    got = _pair(nn.gradient_descent(lambda x: x, x0, 0.5, 2), ("x", "path"), "gradient_descent")
    assert_unchanged(np.array([2.0, -2.0]), x0, what="x0")
    _check_path(got[1], 2, 2)
    # x <- x - 0.5 x = x / 2
    assert_close(got[1], [[2.0, -2.0], [1.0, -1.0], [0.5, -0.5]], what="path",
                 mistakes=[("every row of the path is the same array, updated in place with -=: "
                            "write x = x - lr * grad so that each step makes a new array",
                            [[0.5, -0.5]] * 3)])


# --------------------------------------------------------------------------
# 5.3 iterate_minibatches
# --------------------------------------------------------------------------


def _five_examples():
    """Example i has features (10 i, 10 i + 1) and label i, so a batch's labels say which rows it should hold.

    Fresh arrays on every call: a function that shuffles its inputs in place
    (``rng.shuffle(X)``) cannot spoil the other checks (or another learner's grade).
    """
    return np.array([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0], [30.0, 31.0], [40.0, 41.0]]), np.array([0, 1, 2, 3, 4])


def _batches(got):
    assert_that(isinstance(got, list | tuple) and len(got) > 0,
                f"iterate_minibatches should return a list of (X_batch, y_batch) pairs, got {type(got).__name__}")
    for pair in got:
        assert_that(isinstance(pair, tuple | list) and len(pair) == 2,
                    "every item of the list should be a pair (X_batch, y_batch)")
    return got


@check("5.3", "5 examples in batches of 2: sizes 2, 2, 1, every example exactly once")
def _(nn):
    got = _batches(nn.iterate_minibatches(*_five_examples(), 2, np.random.default_rng(0)))
    sizes = [len(yb) for _, yb in got]
    assert_that(sizes != [2, 2], "the last, smaller batch is missing: when batch_size does not divide N the "
                "last batch holds the examples that are left over (here 1)")
    assert_that(sizes == [2, 2, 1], f"batch sizes are {sizes}, expected [2, 2, 1]")
    labels = np.concatenate([yb for _, yb in got])
    assert_that(sorted(labels.tolist()) == [0, 1, 2, 3, 4],
                f"the batches hold the labels {labels.tolist()}: each example should appear exactly once")


@check("5.3", "the order is rng.permutation(N) of the rng you are given")
def _(nn):
    rng = np.random.default_rng(0)
    got = _batches(nn.iterate_minibatches(*_five_examples(), 2, rng))
    labels = np.concatenate([yb for _, yb in got])
    expected = np.random.default_rng(0).permutation(5)  # [2, 4, 3, 0, 1] in NumPy 2
    if not np.array_equal(labels, np.arange(5)) and not np.array_equal(labels, expected):
        assert_that(rng.bit_generator.state != np.random.default_rng(0).bit_generator.state,
                    "the batches are shuffled, but not with the rng you are given: use order = rng.permutation(N) "
                    "(np.random.permutation and np.random.shuffle use NumPy's global generator, so nobody can "
                    "reproduce the order)")
    assert_close(labels, expected, what="the labels of all batches, in order",
                 mistakes=[("the examples were not shuffled: order = rng.permutation(N)", [0, 1, 2, 3, 4])])


@check("5.3", "each X row stays with its label; X and y are left unchanged")
def _(nn):
    X, y = _five_examples()
    X_before, y_before = _five_examples()
    got = _batches(nn.iterate_minibatches(X, y, 3, np.random.default_rng(1)))
    assert_unchanged(X_before, X, what="X")
    assert_unchanged(y_before, y, what="y")
    for X_batch, y_batch in got:
        assert_that(np.shape(X_batch) == (len(y_batch), 2),
                    f"X_batch has shape {np.shape(X_batch)}, expected ({len(y_batch)}, 2): a batch of rows of X")
        assert_that(np.array_equal(np.asarray(X_batch)[:, 0], 10 * np.asarray(y_batch)),
                    "a batch's rows of X do not belong to its labels: X and y must be indexed with the same "
                    "order (one permutation, used for both)")


# --------------------------------------------------------------------------
# 5.4 sgd_step
# --------------------------------------------------------------------------


@check("5.4", "w = [1, 2], dw = [0.5, -1], lr = 0.1 gives [0.95, 2.1]")
def _(nn):
    got = nn.sgd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1)
    assert_close(got, [0.95, 2.1], what="sgd_step(w=[1, 2], dw=[0.5, -1], lr=0.1)",
                 mistakes=[("the gradient was added: a step goes against the gradient, w - lr * dw", [1.05, 1.9]),
                           ("the learning rate was left out", [0.5, 3.0])])


@check("5.4", "a float32 matrix stays float32, and w is left unchanged")
def _(nn):
    w = np.array([[1.0, -1.0], [0.5, 2.0]], dtype=np.float32)
    dw = np.array([[2.0, 2.0], [-1.0, 0.0]], dtype=np.float32)
    w_before = w.copy()
    got = nn.sgd_step(w, dw, 0.5)
    assert_unchanged(w_before, w, what="w")
    _keeps_float32(got, "sgd_step(w, dw, lr)")
    assert_close(got, [[0.0, -2.0], [1.0, 2.0]], what="sgd_step(w, dw, lr=0.5) on (2, 2) arrays")


# --------------------------------------------------------------------------
# 5.5 momentum_step
# --------------------------------------------------------------------------


@check("5.5", "from zero velocity the first step is a plain gradient step")
def _(nn):
    # velocity = 0.9 * 0 + dw = [2, 4]; w = [1, -1] - 0.1 * [2, 4] = [0.8, -1.4]
    got = _pair(nn.momentum_step(np.array([1.0, -1.0]), np.array([2.0, 4.0]), np.zeros(2), 0.1, 0.9),
                ("w", "velocity"), "momentum_step")
    assert_close(got[0], [0.8, -1.4], what="w after one step",
                 mistakes=[("the returned values are swapped: return (w, velocity)", [2.0, 4.0]),
                           ("the step goes uphill: w - lr * velocity", [1.2, -0.6])])
    assert_close(got[1], [2.0, 4.0], what="velocity after one step",
                 mistakes=[("velocity = beta * velocity + (1 - beta) * dw was used: this course (like PyTorch) "
                            "uses velocity = beta * velocity + dw", [0.2, 0.4])])


@check("5.5", "the velocity remembers the previous steps")
def _(nn):
    # velocity = 0.9 * [1, -2] + [0.5, 0.5] = [1.4, -1.3]; w = [0, 0] - 0.1 * [1.4, -1.3]
    got = _pair(nn.momentum_step(np.zeros(2), np.array([0.5, 0.5]), np.array([1.0, -2.0]), 0.1, beta=0.9),
                ("w", "velocity"), "momentum_step")
    assert_close(got[1], [1.4, -1.3], what="velocity",
                 mistakes=[("velocity = beta * velocity - dw: the gradient should be added", [0.4, -2.3]),
                           ("velocity = beta * velocity - lr * dw (another convention): this course uses "
                            "velocity = beta * velocity + dw, then w - lr * velocity", [0.85, -1.85]),
                           ("velocity = beta * velocity + (1 - beta) * dw was used: this course uses "
                            "velocity = beta * velocity + dw", [0.95, -1.75])])
    assert_close(got[0], [-0.14, 0.13], what="w",
                 mistakes=[("w moved along +velocity: it should be w - lr * velocity", [0.14, -0.13]),
                           ("w was updated with the old velocity: update the velocity first", [-0.1, 0.2])])


@check("5.5", "float32 stays float32; w, dw and velocity are left unchanged")
def _(nn):
    w = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    dw = np.array([1.0, -1.0, 0.5], dtype=np.float32)
    velocity = np.array([0.5, 0.5, -0.5], dtype=np.float32)
    copies = w.copy(), dw.copy(), velocity.copy()
    got = _pair(nn.momentum_step(w, dw, velocity, 0.5, 0.5), ("w", "velocity"), "momentum_step")
    for before, after, name in zip(copies, (w, dw, velocity), ("w", "dw", "velocity"), strict=True):
        assert_unchanged(before, after, what=name)
    _keeps_float32(got[0], "w")
    _keeps_float32(got[1], "velocity")
    # velocity = 0.5 * [0.5, 0.5, -0.5] + [1, -1, 0.5] = [1.25, -0.75, 0.25]
    assert_close(got, ([0.375, 2.375, 2.875], [1.25, -0.75, 0.25]), what="momentum_step(..., lr=0.5, beta=0.5)")


# --------------------------------------------------------------------------
# 5.6 adam_step
# --------------------------------------------------------------------------


def _finite(value, what):
    assert_that(np.all(np.isfinite(np.asarray(value, dtype=float))),
                f"{what} contains NaN or inf. Usual causes: a zero gradient makes m_hat / sqrt(v_hat) = 0 / 0 "
                "unless eps is added to the denominator, m_hat / (sqrt(v_hat) + eps); a bias correction "
                "1 - beta ** t that is 0 (t starts at 1, not 0); or v averaging dw instead of dw ** 2, so that "
                "its square root is NaN")


@check("5.6", "the first step moves each coordinate by about lr, against its gradient")
def _(nn):
    # t = 1: m = 0.1 dw, v = 0.001 dw^2; bias correction gives m_hat = dw, v_hat = dw^2,
    # so the step is lr * dw / (|dw| + eps), almost exactly lr * sign(dw); a zero gradient gives no step.
    got = _pair(nn.adam_step(np.ones(3), np.array([2.0, -0.5, 0.0]), np.zeros(3), np.zeros(3), 1, lr=0.1),
                ("w", "m", "v"), "adam_step")
    _finite(got[0], "w")
    no_correction = 0.1 * 0.1 / np.sqrt(0.001)  # m / sqrt(v) without dividing by (1 - beta ** t)
    correction_of_step_2 = 0.1 * (0.1 / 0.19) / np.sqrt(0.001 / 0.001999)  # 1 - beta ** (t + 1)
    assert_close(got[0], [0.9, 1.1, 1.0], what="w after the first step (lr = 0.1)",
                 mistakes=[("the bias correction is missing: divide m by (1 - beta1 ** t) and v by "
                            "(1 - beta2 ** t)", [1 - no_correction, 1 + no_correction, 1.0]),
                           ("the bias correction uses t + 1 instead of t (t is 1 at the first step)",
                            [1 - correction_of_step_2, 1 + correction_of_step_2, 1.0]),
                           ("the step goes uphill: w - lr * m_hat / (sqrt(v_hat) + eps)", [1.1, 0.9, 1.0])])
    assert_close(got[1], [0.2, -0.05, 0.0], what="m = beta1 * 0 + (1 - beta1) * dw",
                 mistakes=[("the bias-corrected m_hat was returned instead of m", [2.0, -0.5, 0.0])])
    assert_close(got[2], [0.004, 0.00025, 0.0], what="v = beta2 * 0 + (1 - beta2) * dw**2",
                 mistakes=[("v used dw instead of dw ** 2", [0.002, -0.0005, 0.0]),
                           ("the bias-corrected v_hat was returned instead of v", [4.0, 0.25, 0.0])])


@check("5.6", "step 2 with a constant gradient moves w by exactly lr again")
def _(nn):
    # from step 1 with dw = 2: m = 0.2, v = 0.004. Step 2: m = 0.9 * 0.2 + 0.1 * 2 = 0.38,
    # v = 0.999 * 0.004 + 0.001 * 4 = 0.007996; m_hat = 0.38 / 0.19 = 2, v_hat = 0.007996 / 0.001999 = 4
    got = _pair(nn.adam_step(np.array([0.9]), np.array([2.0]), np.array([0.2]), np.array([0.004]), 2, lr=0.1),
                ("w", "m", "v"), "adam_step")
    assert_close(got[1], [0.38], what="m at step 2")
    assert_close(got[2], [0.007996], what="v at step 2")
    step_with = {k: 0.1 * (0.38 / (1 - 0.9**k)) / np.sqrt(0.007996 / (1 - 0.999**k)) for k in (1, 3)}
    assert_close(got[0], [0.8], what="w after step 2 (lr = 0.1)",
                 mistakes=[("the bias correction uses t + 1 instead of t", [0.9 - step_with[3]]),
                           ("the bias correction uses t - 1 (or a step count that did not move on)",
                            [0.9 - step_with[1]]),
                           ("the bias correction is missing", [0.9 - 0.1 * 0.38 / np.sqrt(0.007996)])])


@check("5.6", "float32 stays float32; w, dw, m and v are left unchanged")
def _(nn):
    w = np.array([1.0, -1.0], dtype=np.float32)
    dw = np.array([0.5, -4.0], dtype=np.float32)
    m = np.array([0.1, -0.2], dtype=np.float32)
    v = np.array([0.01, 0.02], dtype=np.float32)
    copies = w.copy(), dw.copy(), m.copy(), v.copy()
    got = _pair(nn.adam_step(w, dw, m, v, 3, lr=0.01), ("w", "m", "v"), "adam_step")
    for before, after, name in zip(copies, (w, dw, m, v), ("w", "dw", "m", "v"), strict=True):
        assert_unchanged(before, after, what=name)
    for value, name in zip(got, ("w", "m", "v"), strict=True):
        _keeps_float32(value, name)
    # m = 0.9 m + 0.1 dw = [0.14, -0.58]; v = 0.999 v + 0.001 dw^2 = [0.01024, 0.03598]
    assert_close(got[1:], ([0.14, -0.58], [0.010240, 0.035980]), what="(m, v)", rtol=1e-5)


# --------------------------------------------------------------------------
# 5.7 rmsprop_step
# --------------------------------------------------------------------------


@check("5.7", "one step from s = 0: w = [1, -2], dw = [2, 0.5], lr = 0.1")
def _(nn):
    # s = 0.9 * 0 + 0.1 * dw**2 = [0.4, 0.025]; sqrt(s) = [0.63246, 0.15811]
    # dw / sqrt(s) = [3.16228, 3.16228]: each entry moves by 0.1 * 3.16228 = 0.316228
    got = _pair(nn.rmsprop_step(np.array([1.0, -2.0]), np.array([2.0, 0.5]), np.zeros(2), 0.1),
                ("w", "s"), "rmsprop_step")
    assert_close(got[1], [0.4, 0.025], what="s after rmsprop_step(w, dw, s=0, lr=0.1)", mistakes=[
        ("rho and 1 - rho are swapped: s = rho * s + (1 - rho) * dw**2", [3.6, 0.225]),
        ("(1 - rho) is missing: s = rho * s + (1 - rho) * dw**2", [4.0, 0.25]),
        ("the gradient was not squared: s averages dw**2", [0.2, 0.05]),
        ("the old s was returned: return the new running average", [0.0, 0.0])])
    assert_close(got[0], [0.6837722, -2.3162278], what="w after rmsprop_step(w, dw, s=0, lr=0.1)", rtol=1e-6,
                 mistakes=[("the square root is missing: divide by sqrt(s) + eps", [0.5, -4.0]),
                           ("rho and 1 - rho are swapped: s = rho * s + (1 - rho) * dw**2", [0.8945907, -2.1054093]),
                           ("(1 - rho) is missing: s = rho * s + (1 - rho) * dw**2", [0.9, -2.1]),
                           ("the step went uphill: subtract lr * dw / (sqrt(s) + eps)", [1.3162278, -1.6837722])])


@check("5.7", "the second step uses the s it is given: s = [0.4, 0.025]")
def _(nn):
    # s = 0.9 * [0.4, 0.025] + 0.1 * [4, 0.25] = [0.76, 0.0475]; sqrt(s) = [0.87178, 0.21794]
    # dw / sqrt(s) = [2.29416, 2.29416], so w moves by 0.229416 against the gradient
    got = _pair(nn.rmsprop_step(np.array([0.0, 0.0]), np.array([2.0, 0.5]), np.array([0.4, 0.025]), 0.1),
                ("w", "s"), "rmsprop_step")
    assert_close(got[1], [0.76, 0.0475], what="s after a second step", mistakes=[
        ("the s passed in was ignored (started again from 0)", [0.4, 0.025])])
    assert_close(got[0], [-0.2294157, -0.2294157], what="w after a second step", rtol=1e-6,
                 mistakes=[("the s passed in was ignored (started again from 0)", [-0.3162278, -0.3162278])])


@check("5.7", "float32 stays float32; w, dw and s are left unchanged")
def _(nn):
    w = np.array([[1.0, -1.0]], dtype=np.float32)
    dw = np.array([[0.5, -4.0]], dtype=np.float32)
    s = np.array([[0.1, 0.2]], dtype=np.float32)
    copies = w.copy(), dw.copy(), s.copy()
    got = _pair(nn.rmsprop_step(w, dw, s, 0.01, rho=0.5), ("w", "s"), "rmsprop_step")
    for before, after, name in zip(copies, (w, dw, s), ("w", "dw", "s"), strict=True):
        assert_unchanged(before, after, what=name)
    for value, name in zip(got, ("w", "s"), strict=True):
        _keeps_float32(value, name)
    # with rho = 0.5: s = 0.5 * [0.1, 0.2] + 0.5 * [0.25, 16] = [0.175, 8.1]
    assert_close(got[1], [[0.175, 8.1]], what="s with rho = 0.5", rtol=1e-5,
                 mistakes=[("rho was ignored (the default 0.9 used)", [[0.115, 1.78]])])


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("sgd_step")
def _quick_sgd_step(nn):
    got = nn.sgd_step(np.array([1.0, 2.0]), np.array([1.0, -1.0]), 0.5)
    assert_close(got, [0.5, 2.5], what="sgd_step(w=[1, 2], dw=[1, -1], lr=0.5)")


@quick("adam_step")
def _quick_adam_step(nn):
    # the first step (t = 1) moves each entry by lr against the sign of its gradient
    got = nn.adam_step(np.array([1.0, 2.0]), np.array([0.5, -3.0]), np.zeros(2), np.zeros(2), 1, lr=0.1)
    assert_close(got[0], [0.9, 2.1], what="adam_step's first step (t = 1, lr = 0.1)", rtol=1e-6)
