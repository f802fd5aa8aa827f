"""The chapter 4 demos: every control redraws its figure, and stubs are explained."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

import nnlib.demos.losses as demos
from nnlib.demos.losses import LossCurveDemo, SoftmaxExplorer, plot_cross_entropy, plot_loss_curves


@pytest.mark.parametrize(("control", "value"), [("p", 0.85), ("p", 0.01), ("y", 0)])
def test_each_loss_curve_control_changes_the_figure(control, value):
    """Does moving the prediction slider or flipping the label change what the loss-curve demo shows?"""
    demo = LossCurveDemo(p=0.2, y=1)
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before
    assert demo.notice == ""


@pytest.mark.parametrize(("control", "value"), [("z1", -3.0), ("z2", 4.0), ("z3", 5.5), ("true_class", 2)])
def test_each_softmax_control_changes_the_figure(control, value):
    """Does moving a logit or choosing another true class change what the softmax explorer shows?"""
    demo = SoftmaxExplorer()
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before
    assert demo.notice == ""


def test_softmax_explorer_shows_probabilities_and_the_gradient():
    """Do the bars show softmax(z) on the left and softmax - onehot on the right?"""
    demo = SoftmaxExplorer(z1=0.0, z2=np.log(2.0), z3=np.log(5.0), true_class=2)
    left, right = demo.axes
    np.testing.assert_allclose([bar.get_height() for bar in left.patches], [1 / 8, 2 / 8, 5 / 8])
    np.testing.assert_allclose([bar.get_height() for bar in right.patches], [1 / 8, 2 / 8, -3 / 8])
    assert "0.470" in left.get_title()  # -log(5/8)


def test_loss_curve_arrow_points_downhill():
    """Does the arrow on each loss point against the gradient (towards the label)?"""
    demo = LossCurveDemo(p=0.3, y=1)
    arrows = [a for a in demo.axes[0].texts if hasattr(a, "xyann")]
    assert len(arrows) == 2
    for arrow in arrows:  # the label is 1, so lowering the loss means raising p
        assert arrow.xy[0] > arrow.xyann[0]


def test_static_figures_have_their_curves():
    """Do the page's figures draw MSE and BCE for both labels, and the -log q curve?"""
    fig = plot_loss_curves()
    assert len(fig.axes) == 2 and all(len(ax.lines) >= 2 for ax in fig.axes)
    curve = plot_cross_entropy().axes[0].lines[0].get_xydata()
    np.testing.assert_allclose(curve[:, 1], -np.log(curve[:, 0]), rtol=1e-9, atol=1e-12)


def test_demos_explain_unfinished_exercises_without_warnings(monkeypatch):
    """With every loss still a stub, do the figures and demos name the exercise, quietly?"""

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 4.4: implement cross_entropy (chapter 4, section 'Cross-entropy for many classes')")

    names = ["mse_loss", "binary_cross_entropy", "log_softmax", "cross_entropy"]
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**dict.fromkeys(names, stub)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = [plot_loss_curves(), plot_cross_entropy()]
        curve_demo, softmax_demo = LossCurveDemo(), SoftmaxExplorer()
    for fig in figures:
        texts = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]  # undo line wrapping
        assert any("Exercise 4.4" in t for t in texts)
    assert "Exercise 4.4" in curve_demo.notice
    right_texts = [" ".join(t.get_text().split()) for t in softmax_demo.axes[1].texts]
    assert any("Exercise 4.4" in t for t in right_texts)
