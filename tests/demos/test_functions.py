"""The chapter 1 demo: every control redraws the figure, and a stub shows advice."""

import numpy as np
import pytest

from nnlib.checking import learner_functions
from nnlib.datasets import CURVES
from nnlib.demos.functions import HingeDemo, knot_hinges, plot_fit
from nnlib.functions import sum_of_relus

pytestmark = pytest.mark.ex1_2


@pytest.fixture
def demo():
    return HingeDemo()


@pytest.mark.parametrize(
    ("control", "value"),
    [("curve", "bump"), ("hinges", 11), ("pick", 3), ("w", -1.5), ("b", 2.0), ("v", -2.5)],
)
def test_each_control_changes_the_figure(demo, control, value):
    """Does moving this control change what the figure shows?"""
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before


def test_picking_a_hinge_shows_its_parameters(demo):
    """Do the w, b, v sliders show the parameters of the hinge just picked?"""
    demo.controls["pick"].value = 2
    assert demo.value("w") == pytest.approx(demo.w[2])
    assert demo.value("b") == pytest.approx(demo.b[2])
    assert demo.value("v") == pytest.approx(demo.v[2])


def test_editing_a_hinge_changes_only_that_hinge(demo):
    """Does moving the v slider change v of the picked hinge and nothing else?"""
    demo.controls["pick"].value = 2
    w, b, v = demo.w.copy(), demo.b.copy(), demo.v.copy()
    demo.controls["v"].value = 1.25
    assert demo.v[2] == 1.25
    np.testing.assert_array_equal(np.delete(demo.v, 2), np.delete(v, 2))
    np.testing.assert_array_equal(demo.w, w)
    np.testing.assert_array_equal(demo.b, b)


def test_fewer_hinges_keep_the_picked_hinge_in_range(demo):
    """After lowering H below the picked hinge, is the picked hinge still a real one?"""
    demo.controls["hinges"].value = 20
    demo.controls["pick"].value = 19
    demo.controls["hinges"].value = 4
    assert demo.value("pick") <= 3 and len(demo.w) == 4


def test_title_reports_the_error_of_the_sum(demo):
    """Does the title state the largest error of the drawn sum of hinges?"""
    x = demo.x
    err = np.abs(sum_of_relus(x, demo.w, demo.b, demo.v) - np.sin(x)).max()
    assert f"largest error {err:.3f}" in demo.ax.get_title()


def test_an_unfinished_exercise_shows_advice_not_a_crash(stubs):
    """With the stubs, does the demo say which exercise to finish?"""
    shown = HingeDemo(nn=learner_functions(stubs.__name__, reload=False)).snapshot()
    assert any("Finish this first: Exercise 1.2" in str(item) for item in shown)


@pytest.mark.parametrize("name", sorted(CURVES))
@pytest.mark.parametrize("num_hinges", [2, 5, 12])
def test_knot_hinges_pass_through_the_knots(name, num_hinges):
    """Does the knot construction reproduce the curve exactly at every knot?"""
    f = CURVES[name]
    knots = np.linspace(-3.0, 3.0, num_hinges)
    np.testing.assert_allclose(sum_of_relus(knots, *knot_hinges(f, num_hinges)), f(knots), atol=1e-12)


def test_knot_hinges_error_meets_the_interpolation_bound():
    """Is the error on sin at most (spacing)^2 / 8, the bound the chapter quotes?"""
    x = np.linspace(-3, 3, 4001)
    for num_hinges in (4, 10, 40):
        err = np.abs(sum_of_relus(x, *knot_hinges(np.sin, num_hinges)) - np.sin(x)).max()
        assert err <= (6 / (num_hinges - 1)) ** 2 / 8 + 1e-12


def test_the_errors_chapter_1_quotes_for_10_and_40_hinges():
    """Is the sine's largest error about 0.054 with 10 hinges, and 0.0030 (bound 0.0030) with 40, as question 4 says?"""
    x = np.linspace(-3, 3, 2001)  # the grid of the chapter's error figure
    errors = {h: np.abs(sum_of_relus(x, *knot_hinges(np.sin, h)) - np.sin(x)).max() for h in (10, 40)}
    assert round(errors[10], 3) == 0.054
    assert round(errors[40], 4) == 0.0030
    assert round((6 / 39) ** 2 / 8, 4) == 0.0030


def test_plot_fit_draws_one_line_per_hinge_plus_target_and_sum():
    """Does plot_fit draw the target, each hinge and the sum, and return the error?"""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    x = np.linspace(-3, 3, 50)
    err = plot_fit(ax, x, np.sin(x), *knot_hinges(np.sin, 5))
    plt.close(fig)
    assert len(ax.lines) == 1 + 5 + 1
    assert 0 < err < 1
