"""The chapter 12 demos: the look-up and the explorer redraw on every control, and explain unfinished work."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from nnlib import attention as A
from nnlib.demos import attention as demos


@pytest.fixture(scope="module")
def small_model():
    """A quickly trained (not accurate) sorting model: the demos only need its maps."""
    model, _ = A.train_toy_transformer(seed=0, recipe={"steps": 20})
    return model


@pytest.mark.parametrize(("control", "value"), [("angle", 120.0), ("length", 0.0)])
def test_soft_lookup_controls_change_the_figure(control, value):
    """Does turning or shortening the query change the drawn weights?"""
    demo = demos.SoftLookup()
    before = demo.snapshot()
    demo.controls[control].value = value
    assert demo.snapshot() != before


def test_a_zero_length_query_averages_the_values():
    """With a query of length 0, are the weights equal and the output the mean of the values?"""
    demo = demos.SoftLookup(length=0.0)
    assert f"{np.mean(demos.LOOKUP_VALUES):.2f}" in demo.ax.figure.axes[1].get_title()


@pytest.mark.parametrize(("control", "value"), [("sequence", "9 8 7 6 5 4 3 2"), ("layer", 1), ("head", 2)])
def test_explorer_controls_change_the_heat_map(small_model, control, value):
    """Does typing a sequence or choosing another block or head redraw the map?"""
    demo = demos.AttentionExplorer(small_model)
    before = demo.snapshot(), demo.image.value
    demo.controls[control].value = value
    assert (demo.snapshot(), demo.image.value) != before
    assert demo.notice == ""


def test_explorer_explains_bad_input(small_model):
    """Does typing letters give a sentence instead of an error?"""
    demo = demos.AttentionExplorer(small_model)
    demo.controls["sequence"].value = "a b c"
    assert "digits" in demo.notice


def test_figures_explain_unfinished_exercises_quietly(monkeypatch, small_model):
    """With attention_forward a stub, do the figures name the exercise without warnings?"""
    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 12.1: implement attention_forward (chapter 12, section 'x')")

    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(attention_forward=stub,
                                                                          positional_encoding=stub))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = demos.plot_lookup()
        assert any("Exercise 12.1" in t.get_text() for ax in fig.axes for t in ax.texts)
        fig = demos.plot_positional_encoding()
        assert any("Exercise 12.1" in t.get_text() for ax in fig.axes for t in ax.texts)
    monkeypatch.setattr(A, "attention_forward", stub)
    fig = demos.plot_attention_maps(small_model, [1, 2, 3])
    assert any("Exercise 12.1" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_attention_maps_show_every_block_and_head(small_model):
    """Does plot_attention_maps draw one panel per block and head?"""
    fig = demos.plot_attention_maps(small_model, [3, 1, 4, 1, 5, 9, 2, 6])
    assert len(fig.axes) == len(small_model["blocks"]) * small_model["heads"]
