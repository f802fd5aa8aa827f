"""The chapter 5 demos: every control of the learning-rate explorer redraws it."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from nnlib.demos import optim as demos
from nnlib.demos.optim import LearningRateExplorer


@pytest.mark.parametrize(
    ("control", "value"),
    [
        ("lr", 0.005),
        ("lr", 0.05),
        ("surface", "rosenbrock"),
        ("surface", "bowl"),
        ("optimiser", "momentum"),
        ("optimiser", "adam"),
        ("steps", 200),
    ],
)
def test_each_control_changes_the_figure(control, value):
    """Does moving this control change what the explorer shows?"""
    demo = LearningRateExplorer()
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before


@pytest.mark.parametrize(
    ("lr", "verdict"),
    [(0.005, "loss"), (0.035, "loss"), (0.05, "diverged")],
)
def test_explorer_reports_convergence_and_divergence(lr, verdict):
    """On the elongated bowl (limit lr = 2/50), does the title say diverged exactly above the limit?"""
    demo = LearningRateExplorer(lr=lr, surface="elongated bowl", optimiser="gradient descent", steps=100)
    title = demo.axes[0].get_title()
    assert verdict in title and ("diverged" in title) == (verdict == "diverged")
    assert demo.notice == ""


def test_explorer_path_starts_at_the_surface_start_and_uses_the_learners_function():
    """Is the drawn path the one the learner's gradient_descent returns, starting at the start point?"""
    demo = LearningRateExplorer(lr=0.01, surface="bowl", steps=10)
    drawn = demo.axes[0].lines[-2].get_xydata()  # the last line is the end marker
    np.testing.assert_allclose(drawn[0], demos.SURFACES["bowl"][2])
    np.testing.assert_allclose(drawn[1], np.array(demos.SURFACES["bowl"][2]) * (1 - 0.02))
    assert len(drawn) == 11


def test_explorer_names_the_missing_exercise(monkeypatch):
    """With adam_step still a stub, does the explorer say which exercise to finish?"""
    demo = LearningRateExplorer(optimiser="adam")

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 5.6: implement adam_step (chapter 5, section 'Adam')")

    monkeypatch.setattr(demo.nn, "adam_step", stub)
    demo.redraw()
    assert "Exercise 5.6" in demo.notice
    assert any("Exercise 5.6" in t.get_text() for t in demo.axes[0].texts)


def test_figures_explain_unfinished_exercises_without_warnings(monkeypatch):
    """With every exercise still a stub, do the page's figures name an exercise, quietly?"""

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 5.2: implement gradient_descent (chapter 5, section 'Walking downhill')")

    names = ["numerical_gradient", "gradient_descent", "iterate_minibatches", "sgd_step", "momentum_step",
             "adam_step", "rmsprop_step"]
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**dict.fromkeys(names, stub)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = [
            demos.plot_difference_errors(),
            demos.plot_learning_rates([0.01, 0.05]),
            demos.plot_optimisers([("gradient descent", 0.01), ("adam", 0.1)]),
            demos.plot_minibatch_training(),
            demos.plot_schedules({"constant": np.full(20, 0.1)}),
        ]
        demo = LearningRateExplorer()
    for fig in figures:
        texts = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]  # undo line wrapping
        assert any("Exercise 5.2" in t for t in texts)
    assert "Exercise 5.2" in demo.notice


def test_momentum_ends_tens_of_times_lower_on_the_elongated_bowl():
    """With the page's settings, is momentum's final loss at least ten times smaller than gradient descent's?"""
    fig = demos.plot_optimisers([("gradient descent", 0.035), ("momentum", 0.01)], surface="elongated bowl", steps=100)
    plain, momentum = (line.get_ydata()[-1] for line in fig.axes[1].lines)
    assert plain / momentum >= 20  # the page says "tens of times smaller" (about 50 with the reference)


def test_divergence_stays_quiet():
    """Does a diverging run (lr far above the limit) draw without warnings or errors?"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for optimiser in demos.OPTIMISERS:
            demo = LearningRateExplorer(lr=3.0, surface="rosenbrock", optimiser=optimiser, steps=2000)
            assert demo.notice == ""
        fig = demos.plot_learning_rates([0.5], surface="elongated bowl", steps=60)
    assert "diverged" in fig.axes[0].get_title()


def test_surface_gradients_match_central_differences():
    """Are the demo surfaces' gradient formulas right (checked against central differences)?"""
    from nnlib.testing import check_gradient

    for name, (loss, grad, *_) in demos.SURFACES.items():
        for point in ([0.3, -0.7], [-1.2, 1.0], [2.0, 0.5]):
            p = np.array(point)
            check_gradient(lambda q, f=loss: float(f(q)), p, grad(p), name=name)


def test_rosenbrock_comparison_is_as_the_page_states():
    """With the page's settings, does RMSProp end between gradient descent and Adam, and momentum lowest?"""
    fig = demos.plot_optimisers([("gradient descent", 0.002), ("momentum", 0.001), ("rmsprop", 0.01),
                                 ("adam", 0.05)], surface="rosenbrock", steps=1000)
    losses = {line.get_label().split(",")[0]: line.get_ydata() for line in fig.axes[1].lines}
    final = {name: ys[-1] for name, ys in losses.items()}
    assert len(losses["rmsprop"]) == 1001
    assert final["gradient descent"] > final["rmsprop"] > final["adam"] > final["momentum"]


def test_schedules_end_more_than_ten_times_closer_to_the_minimum():
    """On the noisy line fit, do the page's step and cosine schedules end with a gap (over the last 100 steps)
    more than ten times smaller than the constant rate's?"""
    from nnlib.optim import cosine_schedule, step_schedule

    schedules = {"constant": np.full(1000, 0.1), "step": step_schedule(0.1, 1000, every=600, factor=0.1),
                 "cosine": cosine_schedule(0.1, 1000)}
    fig = demos.plot_schedules(schedules, batch_size=1)
    gaps = [line.get_ydata()[-100:].mean() for line in fig.axes[1].lines]
    assert len(gaps) == 3 and gaps[0] > 10 * gaps[1] and gaps[0] > 10 * gaps[2]
    constant, step = (line.get_ydata() for line in fig.axes[1].lines[:2])
    np.testing.assert_array_equal(constant[:600], step[:600])  # "exactly the same steps until step 600"
