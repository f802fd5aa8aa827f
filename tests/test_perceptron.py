"""Properties of the reference ``nnlib/perceptron.py`` that the theory guarantees.

Hypothesis draws the data; each test's docstring is the question it answers.
Data meant to be compared exactly with a hand-written loop lives on a grid of
quarter-integers and learning rates are powers of two, so every product and
sum in training is exact and no tie (z == 0) depends on rounding.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib.datasets import logic_gate
from nnlib.perceptron import perceptron_predict, perceptron_update, train_perceptron

FAST = settings(max_examples=50, deadline=None)
unit = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
dyadic_lr = st.sampled_from([0.25, 0.5, 1.0, 2.0])


@st.composite
def grid_data(draw, max_n=15, max_d=4):
    """(X, y): quarter-integer points in [-2, 2]^D with arbitrary 0/1 labels."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    X = draw(arrays(np.int64, (n, d), elements=st.integers(-8, 8))).astype(float) / 4
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, 1)))
    return X, y


@st.composite
def separable_data(draw, margin=0.2):
    """(X, y, bound): points at distance >= margin from a random hyperplane, labelled by it.

    ``bound`` is Novikoff's (R / gamma)^2 for that hyperplane, with the bias
    folded into the weights: x~ = (x, 1), u = (w*, b*) / |(w*, b*)|.
    """
    d = draw(st.integers(1, 3))
    n = draw(st.integers(1, 20))
    u = draw(arrays(np.float64, (d + 1,), elements=unit))
    assume(np.linalg.norm(u[:-1]) > 0.3)
    u = u / np.linalg.norm(u)
    X = draw(arrays(np.float64, (n, d), elements=unit))
    X_tilde = np.column_stack([X, np.ones(n)])  # (N, D) -> (N, D + 1)
    scores = X_tilde @ u  # (N, D + 1) @ (D + 1,) -> (N,)
    keep = np.abs(scores) >= margin
    assume(keep.any())
    X, scores, X_tilde = X[keep], scores[keep], X_tilde[keep]
    y = (scores > 0).astype(int)
    radius = np.linalg.norm(X_tilde, axis=1).max()
    gamma = np.abs(scores).min()
    return X, y, (radius / gamma) ** 2


def explicit_loop(X, y, epochs, lr):
    """The training loop written out by hand, independent of the module."""
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = np.zeros(epochs, dtype=int)
    for epoch in range(epochs):
        for i in range(len(X)):
            z = sum(X[i, j] * w[j] for j in range(X.shape[1])) + b
            error = y[i] - (1 if z >= 0 else 0)
            mistakes[epoch] += error != 0
            w = np.array([w[j] + lr * error * X[i, j] for j in range(X.shape[1])])
            b = b + lr * error
    return w, b, mistakes


# --------------------------------------------------------------------------
# perceptron_predict
# --------------------------------------------------------------------------


@pytest.mark.ex3_1
@FAST
@given(grid_data(), st.data())
def test_predict_is_a_step_of_the_weighted_sum(data, draw):
    """Is each prediction 1 exactly when w . x + b >= 0 (ties included), one per row?"""
    X, _ = data
    w = draw.draw(arrays(np.int64, (X.shape[1],), elements=st.integers(-4, 4))).astype(float)
    b = draw.draw(st.integers(-4, 4)) / 4
    got = perceptron_predict(X, w, b)
    assert got.shape == (len(X),)
    for row, label in zip(X, got, strict=True):
        assert label == (1.0 if float(np.dot(row, w)) + b >= 0 else 0.0)


@pytest.mark.ex3_1
def test_predict_agrees_with_the_chapter_2_step_neuron():
    """Is perceptron_predict the same computation as step(weighted_sum(X, w, b)) from chapter 2?"""
    from nnlib.neurons import step, weighted_sum

    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(size=(30, 3)), [[1.0, 1.0, 0.0]]])  # the last row lies on the plane
    w, b = np.array([1.0, -1.0, 0.5]), 0.0
    np.testing.assert_array_equal(perceptron_predict(X, w, b), step(weighted_sum(X, w, b)))


# --------------------------------------------------------------------------
# perceptron_update
# --------------------------------------------------------------------------


@pytest.mark.ex3_2
@FAST
@given(grid_data(max_n=1), st.floats(-2.0, 2.0), dyadic_lr)
def test_update_does_not_modify_its_inputs(data, b, lr):
    """Do x and w keep their values, and is the returned w a different array from the input w?"""
    X, y = data
    x = X[0]
    w = -x[::-1].copy()
    x0, w0 = x.copy(), w.copy()
    w_new, b_new = perceptron_update(x, int(y[0]), w, b, lr)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    assert w_new is not w
    assert isinstance(b_new, float)


@pytest.mark.ex3_2
@FAST
@given(grid_data(max_n=1), st.floats(-2.0, 2.0), dyadic_lr)
def test_update_leaves_a_correct_example_alone(data, b, lr):
    """Does an example the perceptron already classifies correctly leave w and b unchanged?"""
    X, _ = data
    x, w = X[0], X[0][::-1] - 0.5
    y = int(perceptron_predict(X[:1], w, b)[0])
    w_new, b_new = perceptron_update(x, y, w, b, lr)
    np.testing.assert_array_equal(w_new, w)
    assert b_new == b


@pytest.mark.ex3_2
@FAST
@given(grid_data(max_n=1), st.floats(-2.0, 2.0), dyadic_lr)
def test_update_moves_the_score_towards_the_label(data, b, lr):
    """After a mistake, does the example's score w.x + b move by lr (|x|^2 + 1) in the label's direction?"""
    X, _ = data
    x, w = X[0], X[0][::-1] + 0.25
    y = 1 - int(perceptron_predict(X[:1], w, b)[0])  # the wrong label: a mistake
    w_new, b_new = perceptron_update(x, y, w, b, lr)
    sign = 1 if y == 1 else -1
    change = (x @ w_new + b_new) - (x @ w + b)  # (D,) @ (D,) -> scalar
    np.testing.assert_allclose(change, sign * lr * (x @ x + 1.0), rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------
# train_perceptron
# --------------------------------------------------------------------------


@pytest.mark.ex3_3
@FAST
@given(grid_data(), st.integers(1, 8), dyadic_lr)
def test_train_matches_an_explicit_loop(data, epochs, lr):
    """Does train_perceptron give exactly the weights, bias and mistakes of a hand-written loop?"""
    X, y = data
    X0, y0 = X.copy(), y.copy()
    w, b, mistakes = train_perceptron(X, y, epochs=epochs, lr=lr)
    w_exp, b_exp, mistakes_exp = explicit_loop(X, y, epochs, lr)
    np.testing.assert_array_equal(w, w_exp)
    assert b == b_exp
    assert mistakes.shape == (epochs,) and mistakes.dtype.kind == "i"
    np.testing.assert_array_equal(mistakes, mistakes_exp)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.ex3_3
@FAST
@given(grid_data(), st.integers(1, 6), st.sampled_from([0.125, 0.5, 4.0]))
def test_learning_rate_only_scales_the_solution(data, epochs, lr):
    """Starting from zero, does lr scale w and b by lr and leave the mistakes unchanged?"""
    X, y = data
    w1, b1, m1 = train_perceptron(X, y, epochs=epochs, lr=1.0)
    w, b, m = train_perceptron(X, y, epochs=epochs, lr=lr)
    np.testing.assert_array_equal(w, lr * w1)
    assert b == lr * b1
    np.testing.assert_array_equal(m, m1)


@pytest.mark.ex3_3
@FAST
@given(separable_data())
def test_converges_on_separable_data_within_novikoffs_bound(data):
    """On separable data with a margin, is there a clean epoch, at most (R/gamma)^2 mistakes, then no errors?"""
    X, y, bound = data
    epochs = int(bound) + 2  # each epoch before the first clean one has at least one mistake
    w, b, mistakes = train_perceptron(X, y, epochs=epochs)
    assert mistakes.sum() <= bound + 1e-9
    first_clean = int(np.argmin(mistakes))
    assert mistakes[first_clean] == 0
    assert np.all(mistakes[first_clean:] == 0)  # nothing changes after a clean epoch
    np.testing.assert_array_equal(perceptron_predict(X, w, b), y)


@pytest.mark.ex3_3
@FAST
@given(st.permutations(range(4)), st.integers(1, 60), st.floats(1e-3, 100.0))
def test_never_learns_xor(order, epochs, lr):
    """In any order, for any number of epochs and any learning rate, does every XOR epoch have a mistake?"""
    X, y = logic_gate("XOR")
    order = list(order)
    _, _, mistakes = train_perceptron(X[order], y[order], epochs=epochs, lr=lr)
    assert mistakes.shape == (epochs,)
    assert np.all(mistakes >= 1)


@pytest.mark.ex3_3
@pytest.mark.parametrize(
    ("gate", "expected"),
    [("AND", [2, 3, 3, 2, 1, 0, 0, 0]), ("OR", [2, 2, 1, 0, 0, 0, 0, 0]), ("NAND", [1, 3, 3, 2, 1, 0, 0, 0])],
)
def test_learns_the_separable_gates_as_the_chapter_says(gate, expected):
    """Do AND, OR and NAND reach a clean epoch with the mistake counts stated in the chapter and checks?"""
    X, y = logic_gate(gate)
    w, b, mistakes = train_perceptron(X, y, epochs=8)
    assert mistakes.tolist() == expected
    np.testing.assert_array_equal(perceptron_predict(X, w, b), y)


def test_the_demo_blobs_are_learned_within_its_epochs():
    """Does the demo's blob data set reach a clean epoch within the 10 epochs the page plots (and the demo's 12)?"""
    from nnlib.demos.perceptron import EPOCHS, load

    X, y = load("blobs")
    _, _, mistakes = train_perceptron(X, y, epochs=10)
    assert mistakes[-1] == 0 and mistakes[0] > 0
    assert EPOCHS["blobs"] >= 10
