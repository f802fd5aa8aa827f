"""Visible checks for chapter 3 (``nnlib/perceptron.py``).

Every expected value here can be worked out with pencil and paper; the
comments show the arithmetic.
"""

import numpy as np

from nnlib.testing import assert_close, assert_that, assert_unchanged, check, quick


def _and_gate():
    """The AND gate: inputs (0,0), (0,1), (1,0), (1,1), labels 0, 0, 0, 1.

    Fresh arrays on every call, so a function that modifies its inputs cannot
    spoil the other checks (or another learner's grade).
    """
    return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 0, 0, 1])


# --------------------------------------------------------------------------
# 3.1 perceptron_predict
# --------------------------------------------------------------------------


@check("3.1", "classifies the AND inputs with w = (1, 1), b = -1.5")
def _(nn):
    # z = x1 + x2 - 1.5 = [-1.5, -0.5, -0.5, 0.5]
    X, _ = _and_gate()
    got = nn.perceptron_predict(X, np.array([1.0, 1.0]), -1.5)
    assert_close(
        got,
        [0.0, 0.0, 0.0, 1.0],
        what="perceptron_predict(X, w=[1, 1], b=-1.5)",
        mistakes=[
            ("the classes are swapped: use 1 where z >= 0 and 0 where z < 0", [1.0, 1.0, 1.0, 0.0]),
            ("the bias was left out or subtracted: z should be X @ w + b", [1.0, 1.0, 1.0, 1.0]),
            ("np.sign was used: it gives -1, 0 and +1, but the classes are 0 and 1 "
             "(np.where(z >= 0, 1.0, 0.0))", [-1.0, -1.0, -1.0, 1.0]),
        ],
    )
    assert_that(
        np.asarray(got).dtype.kind in "iuf",
        f"perceptron_predict should return numbers 0.0 and 1.0, not {np.asarray(got).dtype} values "
        "(True/False): convert with np.where(z >= 0, 1.0, 0.0) or (z >= 0).astype(float)",
    )


@check("3.1", "a point exactly on the line is class 1 (z = 0 gives 1)")
def _(nn):
    X = np.array([[1.0, 2.0], [2.0, 1.0], [0.0, 0.0], [0.0, 3.0]])
    # z = X @ [1, -1] + 1 = [0, 2, 1, -2]: the first point lies on the line
    got = nn.perceptron_predict(X, np.array([1.0, -1.0]), 1.0)
    assert_close(
        got,
        [1.0, 1.0, 1.0, 0.0],
        what="perceptron_predict(X, w=[1, -1], b=1)",
        mistakes=[
            ("z > 0 was used where the rule says z >= 0 (step(0) is 1; labels made from np.sign "
             "do the same, since np.sign(0) = 0)", [0.0, 1.0, 1.0, 0.0]),
            ("np.sign was used: it gives -1, 0 and +1, and np.sign(0) = 0, but the classes are 0 and 1 "
             "and a point on the line is class 1 (np.where(z >= 0, 1.0, 0.0))", [0.0, 1.0, 1.0, -1.0]),
            ("(np.sign(z) + 1) / 2 was used: np.sign(0) = 0 gives 0.5 on the line, where the class is 1",
             [0.5, 1.0, 1.0, 0.0]),
        ],
    )


@check("3.1", "returns one label per row, for any number of features; X and w are left unchanged")
def _(nn):
    X = np.array([[1.0, 0.0, -2.0], [0.5, 0.5, 0.5]])
    w = np.array([2.0, 0.0, 1.0])
    X_before, w_before = X.copy(), w.copy()
    # z = X @ [2, 0, 1] - 0.5 = [2 - 2 - 0.5, 1 + 0.5 - 0.5] = [-0.5, 1.0]
    got = nn.perceptron_predict(X, w, -0.5)
    assert_unchanged(X_before, X, what="X")
    assert_unchanged(w_before, w, what="w")
    assert_close(got, [0.0, 1.0], what="perceptron_predict(X of shape (2, 3), w, b)")


# --------------------------------------------------------------------------
# 3.2 perceptron_update
# --------------------------------------------------------------------------


@check("3.2", "a misclassified label-1 example pulls the weights towards it")
def _(nn):
    x = np.array([1.0, 2.0])
    w = np.array([-1.0, 0.0])
    # z = -1 + 0 + 0 = -1 < 0, prediction 0, error = 1 - 0 = 1
    # w + 0.5 * 1 * x = [-0.5, 1.0], b + 0.5 * 1 = 0.5
    got = nn.perceptron_update(x, 1, w, 0.0, lr=0.5)
    assert_close(
        got,
        (np.array([-0.5, 1.0]), 0.5),
        what="perceptron_update(x=[1, 2], y=1, w=[-1, 0], b=0, lr=0.5)",
    )


@check("3.2", "a misclassified label-0 example pushes the weights away")
def _(nn):
    x = np.array([2.0, -1.0])
    w = np.array([1.0, 1.0])
    # z = 2 - 1 + 0.5 = 1.5 >= 0, prediction 1, error = 0 - 1 = -1
    # w - x = [-1, 2], b - 1 = -0.5
    got = nn.perceptron_update(x, 0, w, 0.5)
    expected = (np.array([-1.0, 2.0]), -0.5)
    assert_that(
        isinstance(got, tuple) and len(got) == 2,
        "perceptron_update should return a tuple (w_new, b_new)",
    )
    w_new, b_new = got
    assert_close(
        w_new,
        expected[0],
        what="w_new",
        mistakes=[
            ("the error has the wrong sign: it is y - prediction, not prediction - y", [3.0, 0.0]),
            ("w was not updated", [1.0, 1.0]),
        ],
    )
    assert_that(
        np.ndim(b_new) == 0,
        f"b_new should be a single number, got something of shape {np.shape(b_new)}: if you "
        "predicted with perceptron_predict(x[None, :], w, b), take element [0] of its result",
    )
    assert_close(
        b_new,
        expected[1],
        what="b_new",
        mistakes=[
            ("the error has the wrong sign: it is y - prediction, not prediction - y", 1.5),
            ("the bias was not updated (it moves by lr * error)", 0.5),
        ],
    )


@check("3.2", "a correctly classified example changes nothing, and w is not modified")
def _(nn):
    x = np.array([1.0, 1.0])
    w = np.array([1.0, 1.0])
    w_before = w.copy()
    # z = 1 + 1 - 2 = 0 >= 0: x lies on the line and counts as class 1.
    # With y = 1 the prediction is right: error 0, nothing moves.
    got = nn.perceptron_update(x, 1, w, -2.0, lr=1.0)
    assert_unchanged(w_before, w, what="w")
    assert_close(
        got,
        (np.array([1.0, 1.0]), -2.0),
        what="perceptron_update(x=[1, 1], y=1, w=[1, 1], b=-2)",
    )
    # With y = 0 the same prediction is a mistake: error -1, w - x = [0, 0], b - 1 = -3.
    got = nn.perceptron_update(x, 0, w, -2.0, lr=1.0)
    assert_unchanged(w_before, w, what="w")
    assert_close(got, (np.array([0.0, 0.0]), -3.0), what="perceptron_update(x=[1, 1], y=0, w=[1, 1], b=-2)")


# --------------------------------------------------------------------------
# 3.3 train_perceptron
# --------------------------------------------------------------------------


@check("3.3", "learns AND: one epoch by hand")
def _(nn):
    # From w = [0, 0], b = 0, visiting the four inputs in order:
    #   (0,0) y=0: z = 0, predicts 1, mistake: w = [0, 0], b = -1
    #   (0,1) y=0: z = -1, predicts 0, correct
    #   (1,0) y=0: z = -1, predicts 0, correct
    #   (1,1) y=1: z = -1, predicts 0, mistake: w = [1, 1], b = 0
    got = nn.train_perceptron(*_and_gate(), epochs=1)
    assert_close(
        got,
        (np.array([1.0, 1.0]), 0.0, np.array([2])),
        what="train_perceptron(AND, epochs=1)",
    )


@check("3.3", "learns AND: mistakes per epoch go 2, 3, 3, 2, 1, 0, 0")
def _(nn):
    # Carrying on by hand from the first epoch (see the check above) gives
    # these mistake counts. During epoch 5 the weights reach w = [2, 1],
    # b = -3, which puts only (1, 1) on the positive side (2 + 1 - 3 = 0 >= 0),
    # so epoch 6 has no mistakes and nothing moves after it.
    got = nn.train_perceptron(*_and_gate(), epochs=7)
    assert_that(
        isinstance(got, tuple) and len(got) == 3,
        "train_perceptron should return a tuple (w, b, mistakes)",
    )
    w, b, mistakes = got
    assert_that(
        isinstance(mistakes, np.ndarray) and mistakes.shape == (7,),
        "mistakes should be an ndarray of shape (epochs,), one count per epoch "
        f"(got {type(mistakes).__name__} of shape {np.shape(mistakes)})",
    )
    assert_that(
        mistakes.dtype.kind in "iu",
        f"mistakes should hold whole numbers (an int array, e.g. np.zeros(epochs, dtype=int)), "
        f"got dtype {mistakes.dtype}",
    )
    assert_close(
        mistakes,
        [2, 3, 3, 2, 1, 0, 0],
        what="mistakes",
        mistakes=[
            (
                "the counts add up over epochs: reset the count at the start of each epoch",
                [2, 5, 8, 10, 11, 11, 11],
            ),
            (
                "a point on the line (z = 0) was predicted as 0: the rule is z >= 0 gives 1",
                [1, 2, 1, 0, 0, 0, 0],
            ),
        ],
    )
    assert_close((w, b), (np.array([2.0, 1.0]), -3.0), what="the final (w, b)")


@check("3.3", "respects lr and does not modify X or y")
def _(nn):
    X, y = _and_gate()
    X_before, y_before = _and_gate()
    # Starting from zero, every update is lr times the update with lr = 1,
    # so lr = 0.5 gives the same mistakes and half the weights and bias.
    w, b, mistakes = nn.train_perceptron(X, y, epochs=7, lr=0.5)
    assert_unchanged(X_before, X, what="X")
    assert_unchanged(y_before, y, what="y")
    assert_close(mistakes, [2, 3, 3, 2, 1, 0, 0], what="mistakes with lr=0.5")
    assert_close(
        (w, b),
        (np.array([1.0, 0.5]), -1.5),
        what="the final (w, b) with lr=0.5",
    )


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("perceptron_predict")
def _quick_perceptron_predict(nn):
    got = nn.perceptron_predict(np.array([[1.0, 1.0], [0.0, 0.0], [-1.0, 0.0]]), np.array([1.0, 1.0]), 0.0)
    assert_close(got, [1.0, 1.0, 0.0], what="perceptron_predict (z = 2, 0, -1; z = 0 predicts 1)")


@quick("perceptron_update")
def _quick_perceptron_update(nn):
    # z = -1 predicts 0 for a positive example: error 1, so w += x and b += 1
    got = nn.perceptron_update(np.array([1.0, 2.0]), 1.0, np.array([0.0, 0.0]), -1.0, lr=1.0)
    assert_close(got, (np.array([1.0, 2.0]), 0.0), what="perceptron_update after a missed positive example")
