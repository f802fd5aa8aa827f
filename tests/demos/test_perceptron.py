"""The chapter 3 demos: every control of the perceptron stepper redraws it."""

import numpy as np
import pytest

from nnlib.demos.perceptron import DATASETS, PerceptronDemo, plot_mistakes, plot_update


@pytest.mark.parametrize("data", [d for d in DATASETS if d != "AND"])
def test_choosing_a_data_set_changes_the_figure(data):
    """Does picking another data set in the dropdown change what the demo shows?"""
    demo = PerceptronDemo(data="AND", step=8)
    before = demo.snapshot()
    demo.controls["data"].value = data
    assert demo.snapshot() != before
    assert demo.notice == ""


@pytest.mark.parametrize("step", [0, 1, 3, 20])
def test_moving_the_step_slider_changes_the_figure(step):
    """Does moving the step slider (to the start, one step, or a later epoch) change the figure?"""
    demo = PerceptronDemo(data="AND", step=8)
    before = demo.snapshot()
    demo.controls["step"].value = step
    assert demo.snapshot() != before


def test_slider_range_follows_the_data_set():
    """Does the slider cover epochs * N steps of the chosen data set, clamping the current step?"""
    demo = PerceptronDemo(data="blobs", step=300)
    assert demo.controls["step"].max == 12 * 40 and demo.controls["step"].value == 300
    demo.controls["data"].value = "XOR"
    assert demo.controls["step"].max == 8 * 4 and demo.controls["step"].value == 32


def test_the_line_after_each_step_is_the_one_training_reaches():
    """At the last step of AND, is the drawn line w = (2, 1), b = -3, with no point circled?"""
    demo = PerceptronDemo(data="AND", step=32)
    left = demo.axes[0]
    line = left.lines[0].get_xydata()
    assert abs(2 * line[:, 0] + line[:, 1] - 3).max() < 1e-9  # every point satisfies 2 x1 + x2 - 3 = 0
    circled = [c for c in left.collections if c.get_label() == "misclassified"][0]
    assert len(circled.get_offsets()) == 0


def test_xor_keeps_points_circled_and_the_curve_never_reaches_zero():
    """On XOR, is some point always misclassified and does the mistakes curve stay above zero?"""
    demo = PerceptronDemo(data="XOR", step=32)
    circled = [c for c in demo.axes[0].collections if c.get_label() == "misclassified"][0]
    assert len(circled.get_offsets()) > 0
    curve = demo.axes[1].lines[0].get_ydata()
    assert len(curve) == 8 and np.all(curve > 0)


def test_zero_weights_say_there_is_no_line():
    """At step 0 (w = 0) does the demo say there is no line instead of dividing by zero?"""
    demo = PerceptronDemo(data="OR", step=0)
    assert len(demo.axes[0].lines) == 0
    assert any("w = 0" in t.get_text() for t in demo.axes[0].texts)


@pytest.mark.parametrize(
    ("function", "exercise"),
    [("perceptron_update", "3.2"), ("train_perceptron", "3.3"), ("perceptron_predict", "3.1")],
)
def test_demo_names_the_missing_exercise(monkeypatch, function, exercise):
    """With one of the functions still a stub, does the demo say which exercise to finish?"""
    import nnlib.demos.perceptron as module
    from nnlib.checking import learner_functions
    from nnlib.exercises import by_function

    def stub(*args, **kwargs):
        raise NotImplementedError(by_function(function).todo)

    functions = learner_functions(reload=False)
    setattr(functions, function, stub)
    monkeypatch.setattr(module, "learner_functions", lambda *a, **k: functions)
    demo = PerceptronDemo(data="AND", step=8)
    assert f"Exercise {exercise}" in demo.notice
    assert any(f"Exercise {exercise}" in t.get_text() for t in demo.axes[0].texts)


def test_page_figures_draw_the_update_and_the_curves():
    """Does plot_update show the line before and after, and plot_mistakes one curve per data set?"""
    fig = plot_update(x=[2.0, 1.0], y=1, w=[-1.0, 1.0], b=-0.5, lr=0.5)
    before, after = (ax.lines[0].get_xydata() for ax in fig.axes)
    assert not np.allclose(before, after)
    fig = plot_mistakes(names=("AND", "XOR"), epochs=5)
    assert len(fig.axes[0].lines) == 2
