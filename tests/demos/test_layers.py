"""The chapter 6 demos: the tiny network's graph shows the right numbers and every control redraws it."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from nnlib.demos.layers import TinyNetGraph, plot_activation_slopes, plot_expression_graph


def _texts(ax):
    return [t.get_text() for t in ax.texts]


@pytest.mark.parametrize(
    ("control", "value"),
    [("x1", -1.5), ("x2", 1.0), ("w11", -1.2), ("target", 1.5), ("activation", "tanh"), ("activation", "relu")],
)
def test_each_control_changes_the_figure(control, value):
    """Does moving this control change the numbers drawn on the graph?"""
    demo = TinyNetGraph()
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before
    assert demo.problem == ""


def test_the_graph_shows_the_backpropagated_gradients():
    """Are the drawn loss and weight gradients those of an independent forward/backward in NumPy?"""
    demo = TinyNetGraph(x1=1.0, x2=-0.5, w11=0.8, target=-0.5, activation="tanh")
    W1 = np.array([[0.8, -0.6], [0.4, 1.2]])
    h = np.tanh(np.array([1.0, -0.5]) @ W1 + demo.b1)
    y_hat = h @ demo.W2[:, 0] + demo.b2[0]
    dy = 2 * (y_hat - (-0.5))
    dz = dy * demo.W2[:, 0] * (1 - h**2)
    texts = _texts(demo.ax)
    assert f"{(y_hat + 0.5) ** 2:.3f}" in texts  # the loss
    assert f"grad {dy:.3f}".replace("-", "\u2212") in texts  # dL/dy_hat
    expected_edge = f"{W1[1, 0]:.2f} | {-0.5 * dz[0]:.3f}".replace("-", "\u2212")  # W1[1,0] and dW1[1,0]
    assert expected_edge in texts


def test_relu_gate_blocks_the_gradient_of_a_negative_unit():
    """With ReLU and a hidden unit whose z < 0, is that unit's z gradient exactly 0?"""
    demo = TinyNetGraph(x1=1.0, x2=-0.5, w11=0.8, activation="relu")
    values = demo.compute()
    assert values["z"][0, 1] < 0
    assert values["dz"][0, 1] == 0.0 and values["dW1"][0, 1] == 0.0
    assert "grad 0.000" in _texts(demo.ax)  # drawn without a minus sign


def test_unfinished_exercises_are_named_and_shown_as_question_marks(monkeypatch):
    """With dense_backward still a stub, does the graph say which exercise to finish and draw '?' gradients?"""
    demo = TinyNetGraph()

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 6.2: implement dense_backward (chapter 6, section 'A dense layer')")

    monkeypatch.setattr(demo.nn, "dense_backward", stub)
    demo.redraw()
    assert "Exercise 6.2" in demo.problem
    texts = _texts(demo.ax)
    assert "grad ?" in texts
    assert any("Exercise 6.2" in " ".join(t.split()) for t in texts)


def test_figures_explain_unfinished_exercises_without_warnings(monkeypatch):
    """With every function still a stub, do the page's figures name an exercise instead of failing, quietly?"""
    import nnlib.demos.layers as demos

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 6.4: implement sigmoid_backward (chapter 6, section 'Activations backwards')")

    names = ["dense_forward", "dense_backward", "relu", "sigmoid", "tanh", "relu_backward",
             "sigmoid_backward", "tanh_backward", "mse_loss"]
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**dict.fromkeys(names, stub)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = demos.plot_activation_slopes()
        demo = demos.TinyNetGraph()
    texts = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]
    assert any("Exercise 6.4" in t for t in texts)
    assert "Exercise 6.4" in demo.problem


def test_static_figures():
    """Does the expression graph carry the worked example's numbers, and the slope figure six panels?"""
    texts = [t.get_text() for t in plot_expression_graph(w=0.5, x=3.0, b=-1.0, y=2.0).axes[0].texts]
    assert "2.250" in texts and "grad \u22129.000" in texts and "grad \u22121.500" in texts
    fig = plot_activation_slopes()
    assert len(fig.axes) == 6
    assert all(len(ax.lines) >= 1 for ax in fig.axes)


def test_slow_start_of_the_squared_error_as_the_page_states():
    """From w = b = 2 with lr 0.15, does the squared error barely move in 20 steps and need at least five times
    as many steps as the cross-entropy to bring the output below 0.5?"""
    from nnlib.demos.layers import plot_slow_start

    fig = plot_slow_start(w=2.0, b=2.0, lr=0.15, epochs=300)
    mse, bce = (np.asarray(line.get_ydata()) for line in fig.axes[0].lines[1:])
    assert len(mse) == len(bce) == 301 and mse[0] == bce[0] > 0.98
    assert mse[20] > 0.97 and bce[20] < 0.5
    mse_below, bce_below = int(np.flatnonzero(mse < 0.5)[0]), int(np.flatnonzero(bce < 0.5)[0])
    assert mse_below >= 5 * bce_below and mse[-1] < 0.1
