"""The chapter 2 demos: every control of the neuron playground redraws it."""

import pytest

from nnlib.demos.neurons import NeuronPlayground, plot_activations, plot_lines


@pytest.mark.parametrize(
    ("control", "value"),
    [
        ("w1", -2.0),
        ("w2", 2.5),
        ("b", 1.5),
        ("activation", "tanh"),
        ("activation", "step"),
        ("activation", "relu"),
    ],
)
def test_each_control_changes_the_figure(control, value):
    """Does moving this control change what the playground shows?"""
    demo = NeuronPlayground()
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before


def test_playground_draws_the_boundary_and_the_outputs():
    """Does the playground show a heat map, the line w.x + b = 0 and no error notice?"""
    demo = NeuronPlayground(w1=1.0, w2=-1.0, b=0.5)
    left = demo.axes[0]
    assert demo.notice == ""
    assert len(left.images) == 1
    line = left.lines[0].get_xydata()
    # every point of the black line satisfies x1 - x2 + 0.5 = 0
    assert abs(line[:, 0] - line[:, 1] + 0.5).max() < 1e-9


def test_playground_with_zero_weights_has_no_line():
    """With w = 0 there is no boundary: does the playground say so instead of dividing by zero?"""
    demo = NeuronPlayground(w1=0.0, w2=0.0, b=1.0)
    assert len(demo.axes[0].lines) == 0
    assert any("w = 0" in t.get_text() for t in demo.axes[0].texts)


def test_playground_names_the_missing_exercise(monkeypatch):
    """With neuron() still a stub, does the playground say which exercise to finish?"""
    demo = NeuronPlayground()

    def stub(*args, **kwargs):
        raise NotImplementedError(
            "Exercise 2.6: implement neuron (chapter 2, section 'Putting the neuron together')"
        )

    monkeypatch.setattr(demo.nn, "neuron", stub)
    demo.redraw()
    assert "Exercise 2.6" in demo.notice
    assert any("Exercise 2.6" in t.get_text() for t in demo.axes[0].texts)


def test_static_figures_have_one_panel_per_item():
    """Do the page's figure helpers draw one panel per activation and per (w, b)?"""
    assert len(plot_activations().axes) == 4
    fig = plot_lines([((1, 1), 0), ((1, -1), 2)])
    assert len(fig.axes) == 2 and all(len(ax.lines) == 1 for ax in fig.axes)


def test_figures_explain_unfinished_exercises_without_warnings(monkeypatch):
    """With every exercise still a stub, do the page's figures name the exercise, quietly?"""
    import warnings
    from types import SimpleNamespace

    import nnlib.demos.neurons as demos

    def stub(*args, **kwargs):
        raise NotImplementedError(
            "Exercise 2.3: implement sigmoid (chapter 2, section 'Activation functions')"
        )

    names = ["weighted_sum", "step", "sigmoid", "tanh", "softmax", "neuron", "relu"]
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**dict.fromkeys(names, stub)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figures = [
            demos.plot_activations(),
            demos.plot_lines([((1, 1), 0)]),
            demos.plot_regions([stub], ["t"]),
        ]
        demo = demos.NeuronPlayground()
    for fig in figures:
        texts = [" ".join(t.get_text().split()) for ax in fig.axes for t in ax.texts]  # undo line wrapping
        assert any("Exercise 2.3" in t for t in texts)
    assert "Exercise 2.3" in demo.notice
