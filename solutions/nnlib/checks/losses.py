"""Visible checks for chapter 4 (``nnlib/losses.py``).

Every expected value can be worked out by hand; the comments show how.
Handy facts: softmax([0, ln 2, ln 5]) = [1, 2, 5] / 8, softmax([ln 3, 0, 0])
= [3, 1, 1] / 5, and -ln(1e-12) = 12 ln 10 = 27.631.
"""

import numpy as np

from nnlib.testing import (
    CheckFailure,
    assert_close,
    assert_that,
    assert_unchanged,
    check,
    check_gradient,
    quick,
)

LN2, LN3, LN5 = np.log(2.0), np.log(3.0), np.log(5.0)


def _pair(got, call):
    """Unpack ``(loss, gradient)``, explaining what is wrong if it is not such a pair."""
    assert_that(
        isinstance(got, tuple) and len(got) == 2,
        f"{call} should return a tuple (loss, gradient), e.g. `return loss, grad`; "
        f"got {type(got).__name__}" + (f" of {len(got)} values" if isinstance(got, tuple) else ""),
    )
    loss, grad = got
    assert_that(
        np.ndim(loss) == 0,
        f"the loss returned by {call} should be a single number (the mean over the batch), "
        f"got something of shape {np.shape(loss)}: did you forget the mean?",
    )
    return loss, grad


def _no_overflow(fn, *args, what):
    """Call ``fn(*args)`` with overflow and invalid operations turned into errors."""
    try:
        with np.errstate(over="raise", invalid="raise"):
            return fn(*args)
    except FloatingPointError as exc:
        raise CheckFailure(
            f"{what} triggered a floating-point error ({exc}): np.exp of a large positive "
            "score overflows to inf (and inf - inf or inf / inf is NaN). Subtract each row's "
            "maximum before np.exp, so that it only ever sees numbers <= 0"
        ) from None


# --------------------------------------------------------------------------
# 4.1 mse_loss
# --------------------------------------------------------------------------


@check("4.1", "the loss is the mean of the squared differences")
def _(nn):
    y_hat = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([1.0, 0.0, 3.0, 7.0])
    # differences 0, 2, 0, -3; squares 0, 4, 0, 9; sum 13; mean 13 / 4 = 3.25
    loss, _ = _pair(nn.mse_loss(y_hat, y), "mse_loss(y_hat, y)")
    assert_close(
        loss,
        3.25,
        what="mse_loss([1, 2, 3, 4], [1, 0, 3, 7]) loss",
        mistakes=[
            ("the squares were summed instead of averaged (divide by the number of elements)", 13.0),
            ("the differences were not squared", -0.25),
            ("this is the mean absolute error: square the differences instead", 1.25),
            ("this is the root of the mean squared error: leave out np.sqrt", np.sqrt(3.25)),
            ("the mean was halved: this course's MSE has no factor 1/2", 1.625),
        ],
    )


@check("4.1", "the gradient is 2 (y_hat - y) / N")
def _(nn):
    y_hat = np.array([1.0, 2.0, 3.0, 4.0])
    y = np.array([1.0, 0.0, 3.0, 7.0])
    # differences 0, 2, 0, -3; times 2 / 4 gives 0, 1, 0, -1.5
    _, grad = _pair(nn.mse_loss(y_hat, y), "mse_loss(y_hat, y)")
    assert_close(
        grad,
        [0.0, 1.0, 0.0, -1.5],
        what="the gradient returned by mse_loss([1, 2, 3, 4], [1, 0, 3, 7])",
        mistakes=[
            ("the sign is flipped: it is y_hat - y, not y - y_hat", [0.0, -1.0, 0.0, 1.5]),
            ("the division by N is missing: the loss is a mean, so is its gradient", [0.0, 4.0, 0.0, -6.0]),
            ("the factor 2 from differentiating the square is missing", [0.0, 0.5, 0.0, -0.75]),
            ("this is the difference y_hat - y itself: multiply by 2 / N", [0.0, 2.0, 0.0, -3.0]),
        ],
    )


@check("4.1", "a batch of shape (N, D) averages over all N * D numbers; float32 stays float32")
def _(nn):
    y_hat = np.array([[1.0, 2.0], [3.0, 2.0]], dtype=np.float32)
    y = np.array([[0.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    y_hat_before, y_before = y_hat.copy(), y.copy()
    # differences [[1, 0], [0, -2]]; squares 1 + 4 = 5 over 4 numbers: 1.25
    # gradient 2 * difference / 4 = [[0.5, 0], [0, -1]]
    loss, grad = _pair(nn.mse_loss(y_hat, y), "mse_loss(y_hat, y)")
    assert_unchanged(y_hat_before, y_hat, what="y_hat")
    assert_unchanged(y_before, y, what="y")
    assert_close(
        loss,
        1.25,
        what="mse_loss of a (2, 2) batch, loss",
        mistakes=[("the sum was divided by N (rows) only: average over every element", 2.5)],
    )
    assert_close(
        grad,
        [[0.5, 0.0], [0.0, -1.0]],
        what="mse_loss of a (2, 2) batch, gradient",
        mistakes=[("the gradient was divided by N (rows) only: use the number of elements", [[1.0, 0.0], [0.0, -2.0]])],
    )
    assert_that(
        np.asarray(grad).dtype == np.float32,
        f"for float32 inputs the gradient should stay float32, got {np.asarray(grad).dtype}: "
        "avoid np.array(..., dtype=float) and np.float64 constants (plain Python numbers are fine)",
    )


@check("4.1", "the gradient matches central differences")
def _(nn):
    y_hat = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
    y = np.array([[1.0, -1.0, 0.0], [0.0, 0.5, 0.5]])
    y_hat_before, y_before = y_hat.copy(), y.copy()
    _, grad = _pair(nn.mse_loss(y_hat, y), "mse_loss(y_hat, y)")
    assert_unchanged(y_hat_before, y_hat, what="y_hat")
    assert_unchanged(y_before, y, what="y")
    check_gradient(lambda v: nn.mse_loss(v, y_before.copy())[0], y_hat_before, grad, name="y_hat")


# --------------------------------------------------------------------------
# 4.2 binary_cross_entropy
# --------------------------------------------------------------------------


def _four_probabilities():
    """The probabilities p = [0.5, 0.75, 0.25, 0.9] and labels y = [1, 1, 0, 0], fresh on every call.

    New arrays each time, so a function that modifies its inputs cannot spoil
    the other checks (or another learner's grade).
    """
    return np.array([0.5, 0.75, 0.25, 0.9]), np.array([1.0, 1.0, 0.0, 0.0])


@check("4.2", "the loss is the mean of -log(probability of the true label)")
def _(nn):
    # the true label gets probability 0.5, 0.75, 1 - 0.25 = 0.75 and 1 - 0.9 = 0.1,
    # so the loss is (ln 2 + ln(4/3) + ln(4/3) + ln 10) / 4 = 0.8928
    P4, Y4 = _four_probabilities()
    expected = (LN2 + 2 * np.log(4 / 3) + np.log(10.0)) / 4
    loss, _ = _pair(nn.binary_cross_entropy(*_four_probabilities()), "binary_cross_entropy(p, y)")
    assert_close(
        loss,
        expected,
        what="binary_cross_entropy(p=[0.5, 0.75, 0.25, 0.9], y=[1, 1, 0, 0]) loss",
        mistakes=[
            ("the minus sign is missing: log p is negative, the loss is -log p", -expected),
            ("the losses were summed instead of averaged", 4 * expected),
            ("the labels are swapped: y multiplies log p, (1 - y) multiplies log(1 - p)",
             np.mean(-(Y4 * np.log(1 - P4) + (1 - Y4) * np.log(P4)))),
            ("only the y log p term is there: add (1 - y) log(1 - p) for the label-0 examples",
             np.mean(-Y4 * np.log(P4))),
        ],
    )
    # (those four happen to give the same loss with the labels swapped; these two do not)
    # p = [0.8, 0.6], y = [1, 0]: the true labels get 0.8 and 0.4, loss (ln(5/4) + ln(5/2)) / 2 = 0.5697
    p, y = np.array([0.8, 0.6]), np.array([1.0, 0.0])
    loss, _ = _pair(nn.binary_cross_entropy(p.copy(), y.copy()), "binary_cross_entropy(p, y)")
    assert_close(
        loss,
        (np.log(1.25) + np.log(2.5)) / 2,
        what="binary_cross_entropy(p=[0.8, 0.6], y=[1, 0]) loss",
        mistakes=[
            ("the labels are swapped: y multiplies log p, (1 - y) multiplies log(1 - p)", (np.log(5.0) + np.log(5 / 3)) / 2),
            ("the losses were summed instead of averaged", np.log(1.25) + np.log(2.5)),
            ("only the y log p term is there: add (1 - y) log(1 - p) for the label-0 examples", np.log(1.25) / 2),
        ],
    )


@check("4.2", "the gradient is (p - y) / (p (1 - p)) / N, in the dtype of p")
def _(nn):
    # -y / p + (1 - y) / (1 - p) = -2, -4/3, 4/3, 10; divided by N = 4:
    P4, Y4 = _four_probabilities()
    _, grad = _pair(nn.binary_cross_entropy(*_four_probabilities()), "binary_cross_entropy(p, y)")
    assert_close(
        grad,
        [-0.5, -1 / 3, 1 / 3, 2.5],
        what="the gradient returned by binary_cross_entropy(p=[0.5, 0.75, 0.25, 0.9], y=[1, 1, 0, 0])",
        mistakes=[
            ("the sign is flipped: raising p for a label-1 example must lower the loss", [0.5, 1 / 3, -1 / 3, -2.5]),
            ("the division by N is missing: the loss is a mean, so is its gradient", [-2.0, -4 / 3, 4 / 3, 10.0]),
            (
                "this is (p - y) / N, the gradient with respect to the logit z when p = sigmoid(z); "
                "here we want the gradient with respect to p itself: divide by p (1 - p) too",
                (P4 - Y4) / 4,
            ),
        ],
    )
    _, grad32 = _pair(nn.binary_cross_entropy(P4.astype(np.float32), Y4.astype(np.float32)),
                      "binary_cross_entropy(float32 p, float32 y)")
    assert_that(
        np.asarray(grad32).dtype == np.float32,
        f"for float32 p and y the gradient should stay float32, got {np.asarray(grad32).dtype}: "
        "avoid np.array(..., dtype=float) and np.float64 constants (plain Python numbers are fine)",
    )


@check("4.2", "p = 0 or 1 is clipped to [eps, 1 - eps]: a confident wrong answer costs -ln(eps), not inf")
def _(nn):
    p = np.array([0.0, 1.0, 1.0, 0.0])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p_before = p.copy()
    # two confident wrong answers cost -ln(1e-12) each, two confident right ones about 1e-12:
    # the mean is 2 * 27.631 / 4 = 13.8155
    loss, grad = _pair(nn.binary_cross_entropy(p, y), "binary_cross_entropy(p=[0, 1, 1, 0], y=[1, 0, 1, 0])")
    assert_that(
        np.isfinite(loss) and np.all(np.isfinite(grad)),
        "binary_cross_entropy(p=[0, 1, 1, 0], y=[1, 0, 1, 0]) is not finite: log(0) is -inf and "
        "dividing by p (1 - p) = 0 is inf. Clip p into [eps, 1 - eps] first, with np.clip, "
        "and use the clipped p everywhere, in the loss and in the gradient",
    )
    assert_unchanged(p_before, p, what="p")
    assert_close(
        loss,
        6 * np.log(10.0),
        what="binary_cross_entropy(p=[0, 1, 1, 0], y=[1, 0, 1, 0]) loss",
        rtol=1e-4,
        mistakes=[("the losses were summed instead of averaged", 24 * np.log(10.0))],
    )
    # with eps = 0.001 the wrong answers cost -ln(0.001) each and the right ones -ln(0.999)
    loss, _ = _pair(nn.binary_cross_entropy(p, y, eps=1e-3), "binary_cross_entropy(p, y, eps=0.001)")
    assert_close(
        loss,
        -(np.log(1e-3) + np.log(0.999)) / 2,
        what="binary_cross_entropy(p=[0, 1, 1, 0], y=[1, 0, 1, 0], eps=0.001) loss",
        mistakes=[("the eps argument was ignored: clip with the eps you are given", 6 * np.log(10.0))],
        rtol=1e-4,
    )


@check("4.2", "float32 p of exactly 0 and 1: still finite (1 - 1e-12 is 1 in float32)")
def _(nn):
    p = np.array([0.0, 1.0, 1.0, 0.0], dtype=np.float32)
    y = np.array([1.0, 0.0, 1.0, 0.0], dtype=np.float32)
    # float32 has about 7 digits: 1 - 1e-12 rounds to exactly 1.0, so np.clip(p, 1e-12, 1 - 1e-12)
    # leaves p = 1 alone, log(1 - p) = log(0) = -inf, and p (1 - p) = 0 in the gradient
    loss, grad = _pair(nn.binary_cross_entropy(p, y), "binary_cross_entropy(float32 p=[0, 1, 1, 0], y=[1, 0, 1, 0])")
    grad = np.asarray(grad)
    assert_that(
        np.isfinite(loss) and np.all(np.isfinite(grad)),
        "binary_cross_entropy(float32 p=[0, 1, 1, 0], y=[1, 0, 1, 0]) is not finite (inf or NaN): in float32 "
        "1 - 1e-12 rounds to exactly 1, so clipping to [eps, 1 - eps] leaves p = 1 unchanged and log(1 - p) "
        "is log(0). Never clip closer to 1 than the dtype can tell apart: "
        "eps = max(eps, np.finfo(p.dtype).epsneg) (about 6e-8 for float32)",
    )
    # two confident wrong answers cost about -ln(6e-8) = 16.6 each, the right ones almost nothing
    assert_that(loss > 5.0, f"the loss of two confident wrong answers in four should be large (over 5), got {loss:.4g}")
    assert_that(grad[0] < 0 < grad[1],
                "the gradient should push p up where y = 1 and down where y = 0 (dp < 0 at p = 0, y = 1, and "
                f"dp > 0 at p = 1, y = 0), got {grad}")


@check("4.2", "the gradient matches central differences")
def _(nn):
    p = np.array([0.3, 0.6, 0.9, 0.15, 0.5])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    _, grad = _pair(nn.binary_cross_entropy(p.copy(), y.copy()), "binary_cross_entropy(p, y)")
    check_gradient(lambda q: nn.binary_cross_entropy(q, y.copy())[0], p, grad, name="p")


# --------------------------------------------------------------------------
# 4.3 log_softmax
# --------------------------------------------------------------------------


@check("4.3", "log_softmax([0, ln 2, ln 5]) = log([1, 2, 5] / 8), row by row")
def _(nn):
    z = np.array([[0.0, LN2, LN5], [1.0, 1.0, 1.0]])
    # softmax rows: [1, 2, 5] / 8 and [1, 1, 1] / 3
    expected = np.log([[1 / 8, 2 / 8, 5 / 8], [1 / 3, 1 / 3, 1 / 3]])
    exps = np.exp(z)
    assert_close(
        nn.log_softmax(z),
        expected,
        what="log_softmax(z of shape (2, 3))",
        mistakes=[
            ("this is softmax itself: take the logarithm", np.exp(expected)),
            (
                "the normalisation ran over axis 0 (down the columns) instead of along each row: use axis=-1",
                z - np.log(exps.sum(axis=0, keepdims=True)),
            ),
            (
                "log(sum(exp(z - max))) was subtracted from z instead of from z - max: "
                "either subtract it from the shifted scores or add the maximum back",
                expected + z.max(axis=-1, keepdims=True),
            ),
            ("the sign is flipped: log-probabilities are <= 0", -expected),
        ],
    )


@check("4.3", "one example of shape (C,): log_softmax([ln 3, 0]) = [ln 3/4, ln 1/4]; float32 stays float32")
def _(nn):
    got = nn.log_softmax(np.array([LN3, 0.0]))
    assert_close(got, np.log([0.75, 0.25]), what="log_softmax([ln 3, 0])")
    got32 = nn.log_softmax(np.array([LN3, 0.0], dtype=np.float32))
    assert_that(
        np.asarray(got32).dtype == np.float32,
        f"log_softmax of float32 scores should be float32, got {np.asarray(got32).dtype}: "
        "avoid np.array(..., dtype=float) and np.float64 constants (plain Python numbers are fine)",
    )


@check("4.3", "large scores: no overflow, and z is not modified")
def _(nn):
    z = np.array([[1000.0, 1000.0 + LN3], [-1000.0, -1000.0]])
    z_before = z.copy()
    # only differences matter: the rows act like [0, ln 3] and [0, 0]
    got = _no_overflow(nn.log_softmax, z, what="log_softmax([[1000, 1000 + ln 3], [-1000, -1000]])")
    assert_unchanged(z_before, z, what="z")
    assert_that(
        got is None or np.shape(got) != (2, 2) or bool(np.all(np.isfinite(np.asarray(got, dtype=float)[1]))),
        "log_softmax gave -inf in the row [-1000, -1000]: subtracting the maximum of the whole array (1000 + ln 3) "
        "makes every exponential of that row underflow to 0, and log(0) = -inf. Subtract each row's own "
        "maximum, np.max(z, axis=-1, keepdims=True)",
    )
    assert_close(
        got, np.log([[0.25, 0.75], [0.5, 0.5]]), what="log_softmax([[1000, 1000 + ln 3], [-1000, -1000]])"
    )


@check("4.3", "a very unlikely class gets a finite log-probability: log_softmax([0, -1000]) = [0, -1000]")
def _(nn):
    # softmax([0, -1000]) = [1, e^-1000], and e^-1000 underflows to 0 in floating point,
    # so log(softmax(z)) would give log(0) = -inf; the log-probability itself is about -1000
    got = _no_overflow(nn.log_softmax, np.array([0.0, -1000.0]), what="log_softmax([0, -1000])")
    assert_that(
        np.all(np.isfinite(got)),
        f"log_softmax([0, -1000]) gave {got}: np.log(softmax(z)) fails here because e^-1000 "
        "underflows to 0 and log(0) = -inf. Work in logs throughout: "
        "log_softmax(z) = (z - max) - log(sum(exp(z - max)))",
    )
    assert_close(got, [0.0, -1000.0], what="log_softmax([0, -1000])")


# --------------------------------------------------------------------------
# 4.4 cross_entropy
# --------------------------------------------------------------------------


def _two_rows():
    """The logits [[0, ln 2, ln 5], [ln 3, 0, 0]] and labels y = [2, 0], fresh on every call.

    New arrays each time, so a function that modifies its inputs cannot spoil
    the other checks (or another learner's grade).
    """
    return np.array([[0.0, LN2, LN5], [LN3, 0.0, 0.0]]), np.array([2, 0])


# softmax rows of those logits: [1, 2, 5] / 8 and [3, 1, 1] / 5 (never handed to a learner's function)
PROBS = np.array([[1 / 8, 2 / 8, 5 / 8], [3 / 5, 1 / 5, 1 / 5]])
PROBS.flags.writeable = False


@check("4.4", "the loss is the mean of -log(probability of the true class)")
def _(nn):
    # the true classes get 5/8 and 3/5: loss = (ln(8/5) + ln(5/3)) / 2 = ln(8/3) / 2 = 0.4904
    _, y_true = _two_rows()
    loss, _ = _pair(nn.cross_entropy(*_two_rows()), "cross_entropy(logits, y)")
    assert_close(
        loss,
        np.log(8 / 3) / 2,
        what="cross_entropy(logits=[[0, ln 2, ln 5], [ln 3, 0, 0]], y=[2, 0]) loss",
        mistakes=[
            ("the losses were summed instead of averaged", np.log(8 / 3)),
            ("the minus sign is missing", -np.log(8 / 3) / 2),
            (
                "log_p[:, y] picks every label for every row (an N x N block): pick one entry per "
                "row with log_p[np.arange(N), y]",
                -np.mean(np.log(PROBS)[:, y_true]),
            ),
            ("this averages over all N * C log-probabilities, not just the true class's", -np.mean(np.log(PROBS))),
            ("this is -mean(probability of the true class): take its log", -np.mean(PROBS[[0, 1], y_true])),
        ],
    )


@check("4.4", "the gradient is (softmax(logits) - onehot(y)) / N, in the dtype of the logits")
def _(nn):
    # row 1: ([1, 2, 5] / 8 - [0, 0, 1]) / 2 = [1/16, 1/8, -3/16]
    # row 2: ([3, 1, 1] / 5 - [1, 0, 0]) / 2 = [-1/5, 1/10, 1/10]
    logits, labels = _two_rows()
    logits_before, y_true = _two_rows()
    _, grad = _pair(nn.cross_entropy(logits, labels), "cross_entropy(logits, y)")
    assert_unchanged(logits_before, logits, what="logits")
    onehot = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    every_row = PROBS.copy()
    every_row[:, y_true] -= 1.0
    assert_close(
        grad,
        [[1 / 16, 1 / 8, -3 / 16], [-1 / 5, 1 / 10, 1 / 10]],
        what="the gradient returned by cross_entropy(logits, y=[2, 0])",
        mistakes=[
            ("the division by N is missing: the loss is a mean, so is its gradient", PROBS - onehot),
            ("the sign is flipped: it is softmax - onehot, not onehot - softmax", (onehot - PROBS) / 2),
            ("this is softmax / N: subtract 1 at each row's true class", PROBS / 2),
            (
                "1 was subtracted at every label in every row (probs[:, y] -= 1); subtract it once "
                "per row, at that row's label: probs[np.arange(N), y] -= 1",
                every_row / 2,
            ),
        ],
    )
    _, grad32 = _pair(nn.cross_entropy(logits_before.astype(np.float32), _two_rows()[1]), "cross_entropy(float32 logits, y)")
    assert_that(
        np.asarray(grad32).dtype == np.float32,
        f"for float32 logits the gradient should stay float32, got {np.asarray(grad32).dtype}: "
        "the network of chapter 7 trains in float32; avoid np.array(..., dtype=float), np.eye(C) "
        "(float64) and other float64 arrays in the arithmetic",
    )


@check("4.4", "huge logits: finite loss and gradient, no overflow, inputs unchanged")
def _(nn):
    logits = np.array([[1000.0, 1000.0 + LN3], [-1000.0, -1000.0], [0.0, 1000.0]])
    y = np.array([0, 1, 0])
    logits_before, y_before = logits.copy(), y.copy()
    # rows act like [0, ln 3], [0, 0] and [0, 1000]: the true classes get 1/4, 1/2 and e^-1000,
    # so the losses are ln 4, ln 2 and 1000 (finite, even though e^-1000 underflows to 0)
    got = _no_overflow(nn.cross_entropy, logits, y, what="cross_entropy(logits of size 1000, y)")
    loss, grad = _pair(got, "cross_entropy(logits, y)")
    assert_unchanged(logits_before, logits, what="logits")
    assert_unchanged(y_before, y, what="y")
    assert_that(
        np.isfinite(loss),
        f"cross_entropy gave a loss of {loss} when the true class has logit 0 and another 1000: "
        "log(softmax) underflows to log(0) = -inf there. Use your log_softmax, which stays finite",
    )
    assert_close(loss, (3 * LN2 + 1000.0) / 3, what="cross_entropy(huge logits, y=[0, 1, 0]) loss")
    assert_close(
        grad,
        [[-0.75 / 3, 0.75 / 3], [0.5 / 3, -0.5 / 3], [-1 / 3, 1 / 3]],
        what="cross_entropy(huge logits, y=[0, 1, 0]) gradient",
    )


@check("4.4", "the gradient matches central differences")
def _(nn):
    logits = np.array([[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, -0.5, 0.25], [-2.0, 0.5, 0.0, 1.5]])
    y = np.array([2, 0, 3])
    _, grad = _pair(nn.cross_entropy(logits.copy(), y.copy()), "cross_entropy(logits, y)")
    check_gradient(lambda z: nn.cross_entropy(z, y.copy())[0], logits, grad, name="logits")


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("cross_entropy")
def _quick_cross_entropy(nn):
    loss, grad = nn.cross_entropy(np.array([[0.0, 0.0]]), np.array([0]))
    assert_close(loss, np.log(2.0), what="cross_entropy([[0, 0]], [0]) loss")
    assert_close(grad, [[-0.5, 0.5]], what="cross_entropy([[0, 0]], [0]) gradient")


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("log_softmax")
def _quick_log_softmax(nn):
    got = nn.log_softmax(np.array([[0.0, 0.0], [1000.0, 1000.0]]))
    assert_close(got, [[-np.log(2.0)] * 2] * 2, what="log_softmax([[0, 0], [1000, 1000]])")
