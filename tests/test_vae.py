"""Properties of the reference ``nnlib/vae.py``, and the chapter's stated results.

Hypothesis draws shapes and values; each test's docstring is the question it
answers. Gradients are compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`. The last section trains the page's two
models with the page's settings and checks what the page says about them.
"""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.datasets import load_digits
from nnlib.mlp import init_params, mlp_forward
from nnlib.testing import check_gradient
from nnlib.vae import (
    decoder_backward,
    decoder_forward,
    kl_divergence,
    negative_elbo,
    reconstruction_loss,
    reparameterize,
    reparameterize_backward,
    train_autoencoder,
    train_vae,
    vae_loss,
    vae_loss_backward,
)

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=25, deadline=None)
sizes = st.integers(1, 6)
seeds = st.integers(0, 2**32 - 1)


def _net(rng, widths):
    return [(rng.normal(scale=0.6, size=(a, b)), rng.normal(scale=0.2, size=b)) for a, b in zip(widths[:-1], widths[1:], strict=True)]


# --------------------------------------------------------------------------
# 10.1 reconstruction_loss
# --------------------------------------------------------------------------


@pytest.mark.ex10_1
@FAST
@given(sizes, sizes, seeds, st.floats(0.1, 30.0))
def test_reconstruction_loss_equals_the_bernoulli_log_likelihood(n, d, seed, scale):
    """Is the loss -mean_n sum_d [x log p + (1 - x) log(1 - p)] (where that is finite), with dlogits by differences?"""
    rng = np.random.default_rng(seed)
    logits, x = rng.normal(scale=scale, size=(n, d)), rng.random((n, d))
    loss, dlogits = reconstruction_loss(logits, x)
    p = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))
    if scale <= 10:
        direct = -np.sum(x * np.log(p) + (1 - x) * np.log1p(-p)) / n
        assert loss == pytest.approx(direct, rel=1e-9)
    assert np.isfinite(loss) and loss > 0
    check_gradient(lambda v: reconstruction_loss(v, x)[0], logits, dlogits, name="logits")


@pytest.mark.ex10_1
def test_reconstruction_loss_of_huge_logits_is_the_size_of_the_mistake():
    """For logits of +-1e4, is each confidently wrong pixel worth |logit| nats, with a finite gradient?"""
    logits = np.array([[1e4, -1e4], [-1e4, 1e4]])
    loss, dlogits = reconstruction_loss(logits, np.array([[1.0, 1.0], [0.0, 0.0]]))
    assert loss == pytest.approx(1e4)  # (0 + 1e4 + 0 + 1e4) / 2
    np.testing.assert_allclose(dlogits, [[0.0, -0.5], [0.0, 0.5]])


# --------------------------------------------------------------------------
# 10.2-10.3 reparameterize
# --------------------------------------------------------------------------


@pytest.mark.ex10_2
@pytest.mark.ex10_3
@FAST
@given(sizes, sizes, seeds)
def test_reparameterize_is_differentiable_with_the_cached_noise(n, latent, seed):
    """With the noise fixed, do dmu and dlogvar equal central differences of sum(z * R)?"""
    rng = np.random.default_rng(seed)
    mu, logvar, R = (rng.normal(size=(n, latent)) for _ in range(3))
    z, cache = reparameterize(mu, logvar, np.random.default_rng(seed + 1))
    eps = np.random.default_rng(seed + 1).standard_normal((n, latent))
    np.testing.assert_allclose(z, mu + np.exp(0.5 * logvar) * eps, rtol=1e-12)
    dmu, dlogvar = reparameterize_backward(R, cache)
    check_gradient(lambda v: np.sum((v + np.exp(0.5 * logvar) * eps) * R), mu, dmu, name="mu")
    check_gradient(lambda v: np.sum((mu + np.exp(0.5 * v) * eps) * R), logvar, dlogvar, name="logvar")


@pytest.mark.ex10_2
def test_reparameterize_keeps_float32_and_its_samples_have_the_right_moments():
    """Are float32 codes float32, with mean mu and standard deviation exp(logvar / 2) over many draws?"""
    mu = np.full((50_000, 1), -0.5, dtype=np.float32)
    logvar = np.full((50_000, 1), np.log(9.0), dtype=np.float32)
    z, (eps, std) = reparameterize(mu, logvar, np.random.default_rng(0))
    assert z.dtype == eps.dtype == std.dtype == np.float32
    assert z.mean() == pytest.approx(-0.5, abs=0.05)
    assert z.std() == pytest.approx(3.0, rel=0.02)


# --------------------------------------------------------------------------
# 10.4 kl_divergence
# --------------------------------------------------------------------------


@pytest.mark.ex10_4
@FAST
@given(sizes, sizes, seeds)
def test_kl_is_nonnegative_zero_only_at_the_prior_and_has_the_right_gradients(n, latent, seed):
    """Is the KL >= 0, 0 at mu = 0 and logvar = 0, and are its gradients the central differences?"""
    rng = np.random.default_rng(seed)
    mu, logvar = rng.normal(size=(n, latent)), rng.normal(size=(n, latent))
    kl, dmu, dlogvar = kl_divergence(mu, logvar)
    assert kl > 0
    assert kl_divergence(np.zeros((n, latent)), np.zeros((n, latent)))[0] == 0.0
    check_gradient(lambda v: kl_divergence(v, logvar)[0], mu, dmu, name="mu")
    check_gradient(lambda v: kl_divergence(mu, v)[0], logvar, dlogvar, name="logvar")


@pytest.mark.ex10_4
def test_kl_matches_a_monte_carlo_estimate():
    """Does the closed form equal E_q[log q(z) - log p(z)] estimated from 200,000 samples?"""
    mu, logvar = np.array([[0.7, -1.2]]), np.array([[np.log(0.3), np.log(2.0)]])
    rng = np.random.default_rng(1)
    z = mu + np.exp(0.5 * logvar) * rng.standard_normal((200_000, 2))
    log_q = -0.5 * (np.log(2 * np.pi) + logvar + (z - mu) ** 2 / np.exp(logvar))
    log_p = -0.5 * (np.log(2 * np.pi) + z**2)
    estimate = np.mean(np.sum(log_q - log_p, axis=1))
    assert kl_divergence(mu, logvar)[0] == pytest.approx(estimate, abs=0.01)


# --------------------------------------------------------------------------
# 10.5-10.6 vae_loss and its backward pass; the given decoder
# --------------------------------------------------------------------------


@pytest.mark.ex10_5
@pytest.mark.ex10_6
@FAST
@given(st.integers(1, 5), st.integers(2, 6), st.integers(1, 4), st.integers(1, 3), seeds)
def test_vae_loss_backward_matches_central_differences_of_vae_loss(n, d, h, latent, seed):
    """With the noise drawn again from the same seed, is every parameter's gradient the central difference?"""
    rng = np.random.default_rng(seed)
    encoder, decoder = _net(rng, [d, h, 2 * latent]), _net(rng, [latent, h + 1, d])
    x = rng.random((n, d))
    loss, cache = vae_loss(x, encoder, decoder, np.random.default_rng(seed))
    assert isinstance(loss, float)
    encoder_grads, decoder_grads = vae_loss_backward(cache)
    for net, grads, name in ((encoder, encoder_grads, "encoder"), (decoder, decoder_grads, "decoder")):
        for layer, (params, param_grads) in enumerate(zip(net, grads, strict=True)):
            for which in (0, 1):

                def f(v, net=net, layer=layer, which=which, name=name):
                    changed = [list(p) for p in net]
                    changed[layer][which] = v
                    changed = [tuple(p) for p in changed]
                    enc, dec = (changed, decoder) if name == "encoder" else (encoder, changed)
                    return vae_loss(x, enc, dec, np.random.default_rng(seed))[0]

                check_gradient(f, params[which], param_grads[which], name=f"{name} {layer} {which}", tol=1e-5)


@pytest.mark.ex10_5
def test_decoder_forward_is_the_chapter_7_mlp_and_its_backward_reaches_the_input():
    """Does decoder_forward equal mlp_forward, and decoder_backward's dz central differences?"""
    rng = np.random.default_rng(3)
    params = _net(rng, [3, 5, 4, 6])
    z, R = rng.normal(size=(4, 3)), rng.normal(size=(4, 6))
    logits, caches = decoder_forward(z, params)
    np.testing.assert_allclose(logits, mlp_forward(z, params)[0], rtol=1e-12)
    grads, dz = decoder_backward(R, caches)
    check_gradient(lambda v: np.sum(decoder_forward(v, params)[0] * R), z, dz, name="z")
    check_gradient(lambda v: np.sum(decoder_forward(z, [(v, params[0][1]), *params[1:]])[0] * R),
                   params[0][0], grads[0][0], name="W1")


@pytest.mark.ex10_5
@pytest.mark.ex10_6
def test_vae_training_step_keeps_float32():
    """With float32 images and init_params' float32 weights, are the loss a float and all gradients float32?"""
    rng = np.random.default_rng(0)
    encoder, decoder = init_params([64, 16, 4], rng), init_params([2, 16, 64], rng)
    x = rng.random((8, 64)).astype(np.float32)
    loss, cache = vae_loss(x, encoder, decoder, rng)
    grads = vae_loss_backward(cache)
    assert isinstance(loss, float)
    assert {g.dtype for net in grads for pair in net for g in pair} == {np.dtype(np.float32)}


# --------------------------------------------------------------------------
# The page's results
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained():
    """The page's two models: a 2-D autoencoder and a 2-D VAE, 100 epochs each, seed 0."""
    X_train, _, X_test, _ = load_digits(rng=0)
    ae = train_autoencoder(X_train, latent=2, epochs=100, rng=0)
    model = train_vae(X_train, latent=2, epochs=100, rng=0)
    return X_test, ae, model


@pytest.mark.ex10_5
@pytest.mark.ex10_6
def test_the_vae_reaches_the_stated_held_out_negative_elbo(trained):
    """Is the VAE's held-out negative ELBO below 25.5 nats per image, with a KL of two to three nats?"""
    X_test, _, (encoder, decoder, history) = trained
    total, rec, kl = negative_elbo(X_test, encoder, decoder, samples=10, rng=0)
    assert total < 25.5
    assert 2.0 < kl < 3.0
    assert history[-1] < history[0]


@pytest.mark.ex10_1
@pytest.mark.ex10_5
def test_the_vae_reconstructs_a_little_worse_than_the_autoencoder(trained):
    """Is the VAE's reconstruction term above the plain autoencoder's held-out reconstruction loss?"""
    X_test, (ae_encoder, ae_decoder, _), (encoder, decoder, _) = trained
    codes, _ = mlp_forward(X_test, ae_encoder)
    ae_loss, _ = reconstruction_loss(decoder_forward(codes, ae_decoder)[0], X_test)
    _, rec, _ = negative_elbo(X_test, encoder, decoder, samples=10, rng=0)
    assert ae_loss < rec < ae_loss + 3.0


@pytest.mark.ex10_5
@pytest.mark.ex10_6
def test_pytorch_trained_the_same_way_agrees_within_five_percent(trained):
    """Is the reference's held-out negative ELBO within 5% of the same VAE's trained by PyTorch?"""
    pytest.importorskip("torch")
    import importlib.util

    spec = importlib.util.spec_from_file_location("vae_torch", ROOT / "benchmarks" / "vae_torch.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    X_test, _, (encoder, decoder, _) = trained
    X_train, _, _, _ = load_digits(rng=0)
    ours = negative_elbo(X_test, encoder, decoder, samples=10, rng=0)[0]
    theirs = negative_elbo(X_test, *bench.train_torch(X_train), samples=10, rng=0)[0]
    assert abs(ours / theirs - 1) < 0.05
