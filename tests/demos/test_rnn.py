"""The chapter 9 demos: both widgets react to their controls; the figures draw; stubs are named."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

import nnlib.demos.rnn as demos
from nnlib.checking import learner_functions


@pytest.fixture(scope="module")
def nn():
    return learner_functions("nnlib", reload=False)


@pytest.fixture(scope="module")
def model(nn):
    return demos.train_char_lstm(nn, demos.zen_text(), steps=30, checkpoints=(0, 15, 30), sample_length=40)


def test_hidden_state_explorer_follows_the_slider(nn, model):
    """Does moving along the line change the picture, the title and the next-character bars?"""
    demo = demos.HiddenStateExplorer(nn, model)
    before = demo.snapshot()
    demo.controls["t"].value = 30
    assert demo.snapshot() != before
    assert demo.notice == ""
    assert "read so far" in demo.axes[0].get_title(loc="left")


@pytest.mark.parametrize(("control", "value"), [("step", 0), ("temperature", 1.5)])
def test_sample_replay_controls_change_the_text(nn, model, control, value):
    """Does choosing another checkpoint or temperature change the text shown?"""
    demo = demos.SampleReplay(nn, model, length=60)
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before
    assert demo.notice == ""


def test_replay_names_the_missing_exercise(nn, model):
    """With sample still a stub, does the replay say which exercise to finish?"""

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 9.13: implement sample (chapter 9, section 'Generating text')")

    broken = SimpleNamespace(**{**vars(nn), "sample": stub})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        demo = demos.SampleReplay(broken, model)
    assert "Exercise 9.13" in demo.notice


def test_static_figures(nn):
    """Do the unrolled graph, the forecast and the gradient-decay figures draw what they should?"""
    fig = demos.plot_unrolled(steps=3)
    assert sum("step" in t.get_text() for t in fig.axes[1].texts) == 3
    result = demos.train_sine_rnn(nn, steps=5)
    fig = demos.plot_forecast(result, n=2)
    assert len(fig.axes) == 3 and len(fig.axes[1].lines) == 3
    fig = demos.plot_gradient_decay(demos.gradient_decay(nn, steps=10))
    assert len(fig.axes[0].lines) == 3


def test_helpers():
    """Are encode and real_word_fraction right on small examples?"""
    np.testing.assert_array_equal(demos.encode("abba", "ab"), [0, 1, 1, 0])
    assert demos.real_word_fraction("Beautiful is xqz ugl", "Beautiful is ugly") == pytest.approx(2 / 3)
    assert "Beautiful is better than ugly." in demos.zen_text()
