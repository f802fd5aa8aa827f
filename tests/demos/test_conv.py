"""The chapter 8 demos: the filter editor reacts to its controls; the figures draw; stubs are named."""

import warnings
from types import SimpleNamespace

import numpy as np
import pytest

import nnlib.demos.conv as demos
from nnlib.datasets import load_digits


@pytest.fixture(scope="module")
def images():
    return load_digits(rng=0)[2][:5]


@pytest.mark.parametrize(("control", "value"), [("preset", "blur"), ("digit", 4), ("w11", -3.0)])
def test_each_control_changes_the_figure(images, control, value):
    """Does moving this control change the kernel or the feature map drawn?"""
    editor = demos.FilterEditor(images)
    before = editor.snapshot()
    editor.controls[control].value = value
    assert editor.snapshot() != before
    assert editor.notice == ""


def test_a_preset_sets_the_sliders_and_the_map_is_the_convolution(images):
    """After choosing 'sharpen', do the sliders hold its kernel and the map equal a plain NumPy convolution?"""
    editor = demos.FilterEditor(images, index=2)
    editor.controls["preset"].value = "sharpen"
    kernel = np.array(demos.PRESETS["sharpen"], dtype=float)
    np.testing.assert_allclose(editor.kernel(), kernel)
    padded = np.pad(editor.images[2].astype(float), 1)
    expected = sum(kernel[i, j] * padded[i : i + 8, j : j + 8] for i in range(3) for j in range(3))
    np.testing.assert_allclose(np.asarray(editor.axes[2].images[0].get_array()), expected, atol=1e-5)


REAL = demos.learner_functions()


def _without(name, message, base=REAL):
    def stub(*args, **kwargs):
        raise NotImplementedError(message)

    return SimpleNamespace(**{**vars(base), name: stub})


def test_editor_falls_back_to_the_loops_then_names_the_exercise(images, monkeypatch):
    """With conv2d_forward a stub, does the editor use conv2d_forward_naive, and with both stubs say so?"""
    fast = "Exercise 8.4: implement conv2d_forward (chapter 8, section 'Convolution as one matrix product')"
    monkeypatch.setattr(demos, "learner_functions", lambda: _without("conv2d_forward", fast))
    editor = demos.FilterEditor(images)
    assert len(editor.axes[2].images) == 1
    no_loops = _without("conv2d_forward_naive", "Exercise 8.1: implement conv2d_forward_naive",
                        base=_without("conv2d_forward", fast))
    monkeypatch.setattr(demos, "learner_functions", lambda: no_loops)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        editor = demos.FilterEditor(images)
    assert any("Exercise 8.4" in t.get_text() for t in editor.axes[2].texts)


def test_static_figures(images):
    """Do the page's figures draw: the sliding window, sixteen filters, feature maps of three digits?"""
    window = demos.plot_sliding_window()
    assert len(window.axes[2].images) == 1 and len(window.axes[0].patches) == 1
    nn = demos.learner_functions()
    params = demos.init_cnn(np.random.default_rng(0))
    assert sum(len(ax.images) for ax in demos.plot_filters(params[0]).axes) == demos.FILTERS
    maps = demos.plot_feature_maps(nn, params, images, n=3, maps=4)
    assert len(maps.axes) == 3 * 5
    assert demos.count_parameters(params) == 16 * 9 + 16 + 256 * 32 + 32 + 32 * 10 + 10
