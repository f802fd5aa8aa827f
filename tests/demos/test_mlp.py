"""The chapter 7 demos: the training replay reacts to its controls; the figures draw."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

import nnlib.demos.mlp as demos
from nnlib.datasets import load_digits


@pytest.fixture(scope="module")
def data():
    return load_digits(rng=0)


@pytest.fixture(scope="module")
def replay(data):
    return demos.TrainingReplay(data, epoch=2)


@pytest.mark.parametrize(("control", "value"), [("epoch", 20), ("hidden", 32)])
def test_each_control_changes_the_figure(replay, control, value):
    """Does moving this control change the curves' marker, the confusion matrix or the titles?"""
    before = replay.snapshot()
    old = replay.controls[control].value
    replay.controls[control].value = value
    try:
        assert replay.snapshot() != before
        assert replay.notice == ""
    finally:
        replay.controls[control].value = old


def test_replay_shows_the_run_it_recorded(replay, data):
    """Is the confusion matrix after the last epoch mostly diagonal and its title the recorded accuracy?"""
    replay.controls["epoch"].value = 25
    counts = np.asarray(replay.axes[1].images[0].get_array())
    assert counts.sum() == len(data[3]) and np.trace(counts) / counts.sum() >= 0.96
    assert "epoch 25" in replay.axes[1].get_title()
    replay.controls["epoch"].value = 2


def test_replay_names_the_missing_exercise(data, monkeypatch):
    """With train_step still a stub, does the replay say which exercise to finish?"""

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 7.4: implement train_step (chapter 7, section 'One training step')")

    real = demos.learner_functions()
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**{**vars(real), "train_step": stub}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        demo = demos.TrainingReplay(data)
    assert "Exercise 7.4" in demo.notice


def test_static_figures(data):
    """Do the page's helpers draw: digits with titles, a confusion matrix, curves, four init lines?"""
    X, y = data[0], data[1]
    assert len(demos.plot_digits(X, y, n=5).axes) == 5
    wrong = demos.plot_digits(X, y, predicted=(y + 1) % 10, n=3)
    assert all("->" in ax.get_title() for ax in wrong.axes)
    counts = demos.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3)
    assert counts.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert demos.plot_confusion([0, 1], [0, 0], 2).axes[0].get_title().startswith("50.0%")
    assert len(demos.plot_history({"loss": [1.0, 0.5], "train": [0.8, 0.9], "test": [0.7, 0.8]}).axes) == 2
    lines = demos.plot_activation_scales(depth=3, width=32, n=50).axes[0].lines
    assert len(lines) == 4
    he, _, big, small = (line.get_ydata() for line in lines)
    assert big[-1] > he[-1] > small[-1]


def test_init_figure_gives_the_factors_chapter_7_states():
    """After ten layers of 256 units, is the spread 2**-5 (Xavier), 1.5**10 and 2**-10 times He's, as the page says?"""
    lines = demos.plot_activation_scales().axes[0].lines  # the page's call: depth 10, width 256
    he, xavier, big, small = (line.get_ydata() for line in lines)
    assert len(he) == 11
    assert xavier[-1] / he[-1] == pytest.approx(2.0**-5, rel=1e-3)
    assert big[-1] / he[-1] == pytest.approx(1.5**10, rel=1e-3) and round(1.5**10) == 58
    assert small[-1] / he[-1] == pytest.approx(2.0**-10, rel=1e-3)
    assert 0.5 < he[-1] / he[1] < 2.0  # "the spread stays level"


def test_init_figure_names_an_unfinished_exercise(monkeypatch):
    """With init_params a stub, does the initialisation figure say so instead of failing?"""

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 7.1: implement init_params (chapter 7, section 'Initialising the weights')")

    real = demos.learner_functions()
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**{**vars(real), "init_params": stub}))
    fig = demos.plot_activation_scales(depth=2, width=8, n=10)
    assert any("Exercise 7.1" in " ".join(t.get_text().split()) for t in fig.axes[0].texts)


def test_validation_curves_are_labelled_as_such():
    """Does a history with a 'validation' key draw a 'validation accuracy' line, and the regularisation figure one line per run?"""
    fig = demos.plot_history({"loss": [1.0, 0.5], "train": [0.8, 0.9], "validation": [0.7, 0.8]})
    assert "validation accuracy" in [line.get_label() for line in fig.axes[1].lines]
    runs = {"none": [0.8, 0.7], "dropout": [0.8, 0.85]}
    assert [line.get_label() for line in demos.plot_regularization(runs).axes[0].lines] == ["none", "dropout"]


def test_replay_on_a_validation_split_names_it(data):
    """Built on a validation split, does the replay's confusion matrix say 'validation set'?"""
    X, y = data[0], data[1]
    demo = demos.TrainingReplay((X[:-200], y[:-200], X[-200:], y[-200:]), epoch=2, held_out="validation")
    assert demo.notice == "" and demo.axes[1].get_title().startswith("validation set after epoch 2")
