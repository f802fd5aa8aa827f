"""Properties of the reference ``nnlib/gan.py``, and the chapter's stated results.

Each test's docstring is the question it answers. The training runs are the
page's own (same seeds, same settings, through ``nnlib.demos.gan.train_gan``),
so every number the page states about them is checked here.
"""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import gan
from nnlib.checking import learner_functions
from nnlib.datasets import load_digits
from nnlib.demos import gan as demos
from nnlib.mlp import accuracy, init_params, mlp_backward, mlp_forward, train_step
from nnlib.optim import adam_step, iterate_minibatches
from nnlib.testing import check_gradient

FAST = settings(max_examples=30, deadline=None)
logits = arrays(np.float64, st.tuples(st.integers(1, 6), st.just(1)), elements=st.floats(-60, 60))


@pytest.fixture(scope="module")
def reference():
    return learner_functions("nnlib", reload=False)


# --------------------------------------------------------------------------
# The page's results
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ring_runs(reference):
    measure = demos.ring_measure(nn=reference)
    common = {"measure": measure, "nn": reference, "seed": 0, "gen_lr": 3e-3, "disc_lr": 3e-3}
    started = time.process_time()
    main = demos.train_gan(demos.ring_sampler(), 3000, [2, 32, 32, 2], [2, 32, 32, 1], beta1=0.5, **common)
    elapsed = time.process_time() - started
    collapsed = demos.train_gan(demos.ring_sampler(), 2000, [2, 32, 32, 2], [2, 32, 32, 1], beta1=0.9, **common)
    packed = demos.train_gan(demos.ring_sampler(), 2000, [2, 32, 32, 2], [4, 32, 32, 1], beta1=0.9, pack=2,
                             **common)
    return {"main": main, "collapsed": collapsed, "packed": packed, "elapsed": elapsed}


@pytest.mark.ex11_5
@pytest.mark.ex11_6
def test_ring_gan_reaches_the_target(ring_runs):
    """Does the page's GAN (seed 0, 3,000 steps) cover at least 7 of 8 modes with at least 80% high quality?"""
    covered, quality = ring_runs["main"]["coverage"][-1]
    assert covered >= 7 and quality >= 0.8
    assert ring_runs["main"]["steps"][-1] == 3000
    assert ring_runs["elapsed"] < 30  # about a second of CPU on two cores; the page says "a second or two"


@pytest.mark.ex11_5
def test_ring_gan_story_told_by_the_page(ring_runs):
    """Do the snapshots say what the page says: spread by step 600, D's loss a little below 2 ln 2?"""
    main = ring_runs["main"]
    at = dict(zip(main["steps"], main["coverage"], strict=True))
    assert at[0][0] <= 1 and at[300][0] < 8 and at[600][0] == 8
    late = float(np.mean(main["d_loss"][-1000:]))
    assert 1.2 < late < 2 * np.log(2)
    assert 0.69 < float(np.mean(main["g_loss"][-1000:])) < 1.0


@pytest.mark.ex11_5
def test_momentum_collapses_and_packing_repairs_it(ring_runs):
    """With beta1 = 0.9, is at most one mode covered at every checkpoint; with pack = 2, all 8 by step 2000?"""
    collapsed, packed = ring_runs["collapsed"], ring_runs["packed"]
    assert max(c for c, _ in collapsed["coverage"]) <= 1
    assert packed["coverage"][-1][0] == 8
    # the page: packed samples are still less precise at step 2000 than those of the beta1 = 0.5 run
    main_at_2000 = dict(zip(ring_runs["main"]["steps"], ring_runs["main"]["coverage"], strict=True))[2000]
    assert packed["coverage"][-1][1] < main_at_2000[1]


@pytest.mark.ex11_5
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_collapse_for_a_while_and_packing_spreads_them_early(reference, seed):
    """Seeds 1-3: unpacked at most 2 modes up to step 750, then at least 7 by 2000; packed all 8 by step 1250?"""
    measure = demos.ring_measure(nn=reference)
    common = {"measure": measure, "nn": reference, "seed": seed, "beta1": 0.9, "record_every": 250}
    plain = demos.train_gan(demos.ring_sampler(), 2000, [2, 32, 32, 2], [2, 32, 32, 1], **common)
    packed = demos.train_gan(demos.ring_sampler(), 1250, [2, 32, 32, 2], [4, 32, 32, 1], pack=2, **common)
    covered = dict(zip(plain["steps"], (c for c, _ in plain["coverage"]), strict=True))
    assert max(covered[step] for step in (0, 250, 500, 750)) <= 2 and covered[2000] >= 7
    assert packed["coverage"][-1][0] == 8


@pytest.mark.ex11_5
def test_digits_gan_makes_every_digit(reference):
    """Does chapter 7's classifier (>= 96% on real digits) read every digit at least 10 times in 500 fakes?"""
    X_train, y_train, X_test, y_test = load_digits(test_fraction=0.25, rng=0)

    def training_digits(n, rng):
        return X_train[rng.integers(0, len(X_train), size=n)]

    run = demos.train_gan(training_digits, 3000, [16, 64, 128, 64], [64, 128, 64, 1], seed=0, batch=64,
                          gen_lr=1e-3, disc_lr=1e-3, beta1=0.5, record_every=1000, show=500, nn=reference)
    fakes = np.clip(run["samples"][-1], 0.0, 1.0)
    rng = np.random.default_rng(0)
    classifier = init_params([64, 128, 64, 10], rng)
    with demos.one_thread():
        for lr in [0.1] * 15 + [0.01] * 10:
            for X_batch, y_batch in iterate_minibatches(X_train, y_train, 16, rng):
                classifier, _ = train_step(X_batch, y_batch, classifier, lr)
    assert accuracy(mlp_forward(X_test, classifier)[0], y_test) >= 0.96
    counts = np.bincount(np.argmax(mlp_forward(fakes, classifier)[0], axis=1), minlength=10)
    assert counts.min() >= 10 and counts.sum() == 500


# --------------------------------------------------------------------------
# softplus and the two losses
# --------------------------------------------------------------------------


@pytest.mark.ex11_1
@FAST
@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e4, 1e4)))
def test_softplus_is_logaddexp(x):
    """Is softplus(x) = log(1 + e^x) for any x, finite, and softplus(x) - softplus(-x) = x?"""
    got = gan.softplus(x)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, np.logaddexp(0.0, x), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(got - gan.softplus(-x), x, rtol=1e-9, atol=1e-9)


@pytest.mark.ex11_1
def test_softplus_keeps_float32():
    """Does float32 stay float32, even at +-1000?"""
    got = gan.softplus(np.array([-1000.0, 0.0, 1000.0], dtype=np.float32))
    assert got.dtype == np.float32 and np.allclose(got, [0.0, np.log(2.0), 1000.0])


@pytest.mark.ex11_2
@FAST
@given(logits, logits)
def test_discriminator_gradients_match_central_differences(real, fake):
    """Do dreal and dfake match central differences of the loss?"""
    loss, dreal, dfake = gan.discriminator_loss(real, fake)
    assert np.isclose(loss, np.mean(np.logaddexp(0, -real)) + np.mean(np.logaddexp(0, fake)))
    check_gradient(lambda r: gan.discriminator_loss(r, fake)[0], real, dreal, tol=1e-5)
    check_gradient(lambda f: gan.discriminator_loss(real, f)[0], fake, dfake, tol=1e-5)


@pytest.mark.ex11_2
def test_discriminator_loss_is_2_ln_2_when_undecided_and_finite_at_1000():
    """Is D's loss 2 ln 2 at logits 0, and exact (1000) at logits of +-1000?"""
    assert np.isclose(gan.discriminator_loss(np.zeros((3, 1)), np.zeros((5, 1)))[0], 2 * np.log(2))
    loss, dreal, dfake = gan.discriminator_loss(np.array([[-1000.0]]), np.array([[1000.0]]))
    assert loss == 2000.0 and dreal.tolist() == [[-1.0]] and dfake.tolist() == [[1.0]]


@pytest.mark.ex11_3
@FAST
@given(logits)
def test_generator_gradient_matches_central_differences(fake):
    """Does the non-saturating loss's gradient match central differences, and push hardest when D rejects?"""
    loss, dfake = gan.generator_loss(fake)
    check_gradient(lambda f: gan.generator_loss(f)[0], fake, dfake, tol=1e-5)
    assert np.all(dfake < 0)
    push = -dfake[:, 0] * len(fake)
    assert np.all(np.diff(push[np.argsort(fake[:, 0])]) <= 1e-12)  # larger logits, weaker push


# --------------------------------------------------------------------------
# mlp_input_gradient
# --------------------------------------------------------------------------


@pytest.mark.ex11_4
@FAST
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), st.integers(1, 4), st.integers(0, 2**16))
def test_input_gradient_matches_central_differences(sizes, rows, seed):
    """Is dX right for random MLPs (central differences, float64)?"""
    rng = np.random.default_rng(seed)
    params = [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    X, G = rng.normal(size=(rows, sizes[0])), rng.normal(size=(rows, sizes[-1]))
    _, caches = mlp_forward(X, params)
    dX = gan.mlp_input_gradient(G, caches)
    check_gradient(lambda v: float(np.sum(mlp_forward(v, params)[0] * G)), X, dX, tol=1e-5)


@pytest.mark.ex11_4
def test_input_gradient_agrees_with_mlp_backward():
    """Are the weight gradients mlp_backward computes from dX's caches unaffected (no in-place changes)?"""
    rng = np.random.default_rng(1)
    params = init_params([3, 4, 2], rng, dtype=np.float64)
    X, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    _, caches = mlp_forward(X, params)
    before = mlp_backward(G, caches)
    gan.mlp_input_gradient(G, caches)
    after = mlp_backward(G, caches)
    for (a, b), (c, d) in zip(before, after, strict=True):
        assert np.array_equal(a, c) and np.array_equal(b, d)


# --------------------------------------------------------------------------
# Adam helpers and gan_train_step
# --------------------------------------------------------------------------


def test_adam_update_applies_adam_step_to_every_array():
    """Does adam_update equal adam_step on each array, with t counted from the state?"""
    rng = np.random.default_rng(2)
    params = init_params([3, 4, 1], rng, dtype=np.float64)
    grads = [(rng.normal(size=W.shape), rng.normal(size=b.shape)) for W, b in params]
    state = gan.adam_init(params)
    assert state[0] == 0 and all(not m.any() for pair in state[1] + state[2] for m in pair)
    new, (t, m, v) = gan.adam_update(params, grads, state, 0.01, beta1=0.5)
    assert t == 1
    for (W, b), (dW, db), (W2, b2), (mW, _), (vW, _) in zip(params, grads, new, m, v, strict=True):
        expected = adam_step(W, dW, np.zeros_like(W), np.zeros_like(W), 1, 0.01, 0.5, 0.999)
        assert np.allclose(W2, expected[0]) and np.allclose(mW, expected[1]) and np.allclose(vW, expected[2])
        assert np.allclose(b2, adam_step(b, db, np.zeros_like(b), np.zeros_like(b), 1, 0.01, 0.5, 0.999)[0])


def _small_gan(seed, dtype=np.float32, pack=1):
    rng = np.random.default_rng(seed)
    gen = init_params([3, 8, 2], rng, dtype=dtype)
    disc = init_params([2 * pack, 8, 1], rng, dtype=dtype)
    X = gan.make_ring(8, rng).astype(dtype)
    z = rng.standard_normal((6, 3)).astype(dtype)
    return X, z, gen, disc


@pytest.mark.ex11_5
def test_train_step_is_pure_and_deterministic():
    """Does gan_train_step leave its inputs alone and give the same answer twice?"""
    X, z, gen, disc = _small_gan(3)
    saved = [a.copy() for pair in gen + disc for a in pair]
    first = gan.gan_train_step(X, z, gen, disc, gan.adam_init(gen), gan.adam_init(disc))
    second = gan.gan_train_step(X, z, gen, disc, gan.adam_init(gen), gan.adam_init(disc))
    assert all(np.array_equal(a, b) for a, b in zip(saved, [a for pair in gen + disc for a in pair], strict=True))
    for net_a, net_b in zip(first[:2], second[:2], strict=True):
        assert all(np.array_equal(a, b) for pa, pb in zip(net_a, net_b, strict=True) for a, b in zip(pa, pb, strict=True))
    assert first[4:] == second[4:]
    assert all(a.dtype == np.float32 for pair in first[0] + first[1] for a in pair)


@pytest.mark.ex11_5
def test_frozen_networks_do_not_move():
    """With disc_lr = 0 does D stay put (and with gen_lr = 0, G)?"""
    X, z, gen, disc = _small_gan(4)
    new_gen, new_disc, *_ = gan.gan_train_step(X, z, gen, disc, gan.adam_init(gen), gan.adam_init(disc),
                                               gen_lr=0.01, disc_lr=0.0)
    assert all(np.array_equal(a, b) for pa, pb in zip(disc, new_disc, strict=True) for a, b in zip(pa, pb, strict=True))
    assert not np.array_equal(gen[0][0], new_gen[0][0])
    new_gen, new_disc, *_ = gan.gan_train_step(X, z, gen, disc, gan.adam_init(gen), gan.adam_init(disc),
                                               gen_lr=0.0, disc_lr=0.01)
    assert all(np.array_equal(a, b) for pa, pb in zip(gen, new_gen, strict=True) for a, b in zip(pa, pb, strict=True))


@pytest.mark.ex11_5
def test_d_loss_is_the_loss_before_the_update():
    """Is d_loss the discriminator loss of the old D on real data and G's fakes?"""
    X, z, gen, disc = _small_gan(5, dtype=np.float64, pack=2)
    fake = mlp_forward(z, gen)[0]
    real_logits = mlp_forward(X.reshape(4, 4), disc)[0]
    fake_logits = mlp_forward(fake.reshape(3, 4), disc)[0]
    expected = gan.discriminator_loss(real_logits, fake_logits)[0]
    got = gan.gan_train_step(X, z, gen, disc, gan.adam_init(gen), gan.adam_init(disc), pack=2)[4]
    assert np.isclose(got, expected)


# --------------------------------------------------------------------------
# The ring and mode_coverage
# --------------------------------------------------------------------------


def test_ring_has_equal_modes_of_the_given_spread():
    """Are make_ring's points float32, spread over 8 equally likely modes with the given std?"""
    points = gan.make_ring(8000, np.random.default_rng(0), std=0.1)
    assert points.shape == (8000, 2) and points.dtype == np.float32
    centers = gan.ring_centers()
    assert np.allclose(np.linalg.norm(centers, axis=1), 2.0)
    nearest = np.argmin(np.linalg.norm(points[:, None] - centers[None], axis=2), axis=1)
    counts = np.bincount(nearest, minlength=8)
    assert counts.min() > 850 and counts.max() < 1150
    assert abs(float(np.std(points - centers[nearest])) - 0.1) < 0.005


@pytest.mark.ex11_6
@FAST
@given(st.integers(0, 2**16), st.integers(1, 40))
def test_coverage_counts_only_high_quality_samples(seed, min_count):
    """Does mode_coverage agree with a loop over samples, for random samples and min_count?"""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=4.0, size=(5, 2))
    samples = centers[rng.integers(0, 5, size=150)] + rng.normal(scale=rng.uniform(0.2, 2.0), size=(150, 2))
    covered, quality = gan.mode_coverage(samples, centers, 0.5, min_count=min_count)
    counts, good = np.zeros(5, int), 0
    for point in samples:
        distances = [float(np.hypot(*(point - c))) for c in centers]
        if min(distances) <= 1.5:
            good += 1
            counts[int(np.argmin(distances))] += 1
    assert covered == int(np.sum(counts >= min_count)) and np.isclose(quality, good / 150)
