"""The chapter 10 demos: the latent-space explorer follows its sliders, the figures draw what they say."""

import warnings
from statistics import NormalDist

import numpy as np
import pytest

from nnlib.demos import vae as demos
from nnlib.mlp import init_params


@pytest.fixture(scope="module")
def decoder():
    """An untrained 2 -> 8 -> 64 decoder: enough to tell decoded digits apart."""
    return init_params([2, 8, 64], np.random.default_rng(0))


@pytest.fixture(scope="module")
def codes():
    rng = np.random.default_rng(1)
    return rng.normal(size=(40, 2)), np.arange(40) % 10


@pytest.mark.parametrize(("control", "value"), [("z1", 1.5), ("z2", -2.0)])
def test_each_slider_moves_the_point_and_changes_the_decoded_digit(decoder, codes, control, value):
    """Does moving a slider move the cross and change the decoded digit's pixels?"""
    demo = demos.LatentExplorer(decoder, *codes)
    before, pixels = demo.snapshot(), demo.pixels.copy()
    demo.controls[control].value = value
    assert demo.snapshot() != before
    assert not np.allclose(demo.pixels, pixels)
    assert demo.notice == ""


def test_the_explorer_shows_the_decoder_output_at_the_point(decoder, codes):
    """Are the drawn pixels sigmoid(decoder(z)) at the sliders' point, computed independently in NumPy?"""
    demo = demos.LatentExplorer(decoder, *codes, z1=0.7, z2=-1.3)
    (W1, b1), (W2, b2) = decoder
    logits = np.maximum(np.array([[0.7, -1.3]]) @ W1 + b1, 0) @ W2 + b2
    np.testing.assert_allclose(demo.pixels, (1 / (1 + np.exp(-logits))).reshape(8, 8), rtol=1e-5, atol=1e-6)


def test_unfinished_exercises_are_named_not_raised(decoder, codes, monkeypatch):
    """With dense_forward still a stub, do the explorer and the grid say which exercise to finish, quietly?"""
    import nnlib.vae

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 6.1: implement dense_forward (chapter 6, section 'A dense layer')")

    monkeypatch.setattr(nnlib.vae, "dense_forward", stub)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        demo = demos.LatentExplorer(decoder, *codes)
        fig = demos.plot_latent_grid(decoder, n=4)
    assert "Exercise 6.1" in demo.notice
    assert any("Exercise 6.1" in " ".join(t.get_text().split()) for t in fig.axes[0].texts)


def test_the_grid_decodes_standard_normal_quantiles(decoder):
    """Is the grid symmetric quantiles of N(0, 1) (about +-1.96 at 95%), each tile the decoded digit?"""
    image, z1, z2 = demos.latent_grid(decoder, n=5)
    assert image.shape == (50, 50)
    # quantiles 2.5%, 26.25%, 50%, 73.75%, 97.5%
    quantiles = [NormalDist().inv_cdf(q) for q in (0.025, 0.2625, 0.5, 0.7375, 0.975)]
    np.testing.assert_allclose(z1, quantiles, atol=1e-9)
    assert z1[-1] == pytest.approx(1.959964, abs=1e-6)
    np.testing.assert_allclose(z2, z1[::-1])
    (W1, b1), (W2, b2) = decoder
    top_left = 1 / (1 + np.exp(-(np.maximum(np.array([[z1[0], z2[0]]]) @ W1 + b1, 0) @ W2 + b2)))
    np.testing.assert_allclose(image[1:9, 1:9], top_left.reshape(8, 8), rtol=1e-5, atol=1e-6)


def test_static_figures(codes):
    """Do the KL, history, reconstruction and code figures have the panels and lines they should?"""
    assert len(demos.plot_kl_terms().axes[0].lines) == 4  # three means and the axis line at logvar = 0
    assert len(demos.plot_history({"a": [3.0, 2.0], "b": [4.0, 1.0]}).axes[0].lines) == 2
    X = np.random.default_rng(0).random((12, 64))
    assert len(demos.plot_reconstructions([X, X], ["one", "two"], n=6).axes) == 12
    fig = demos.plot_codes([(codes[0], codes[1], "codes")])
    assert len(fig.axes[0].collections) == 1 and len(fig.axes[0].texts) == 10
