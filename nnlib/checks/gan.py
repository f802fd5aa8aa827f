"""Visible checks for chapter 11 (``nnlib/gan.py``).

The small examples can be worked out by hand; the comments show how. Two
facts make the training step's example hand-computable:

- a discriminator whose weights are all zero gives logit 0, so
  ``sigmoid = 1/2``, for every input;
- Adam's *first* step moves every parameter whose gradient is not zero by
  ``lr`` (up to 1e-8) against the sign of its gradient, because then
  ``m_hat = g`` and ``sqrt(v_hat) = |g|``; a parameter with gradient exactly 0
  does not move.

Each check builds its data afresh, so a function that modifies its inputs
cannot spoil the other checks.
"""

import numpy as np

from nnlib.checks.mlp import tiny_net
from nnlib.testing import (
    CheckFailure,
    assert_close,
    assert_float32,
    assert_that,
    assert_unchanged,
    check,
    check_gradient,
    forward_cache,
    quick,
)

LN2 = np.log(2.0)
LN3 = np.log(3.0)


def _sigmoid(z):
    """A plain sigmoid for moderate z (the checks' own, not yours)."""
    return 1.0 / (1.0 + np.exp(-z))


def _dtype_kept(got, what):
    assert_float32(got, what, "convert with .astype(x.dtype) (chapter 2's sigmoid returns float64)")


def _tuple_of(got, n, call):
    """Fail clearly unless ``got`` is a tuple (or list) of ``n`` values."""
    assert_that(
        isinstance(got, tuple | list) and len(got) == n,
        f"{call} should return a tuple of {n} values, got "
        + (f"{len(got)} values" if isinstance(got, tuple | list) else f"a {type(got).__name__}"),
    )


# --------------------------------------------------------------------------
# 11.1 softplus
# --------------------------------------------------------------------------


@check("11.1", "log(1 + exp(x)) for moderate x")
def _(nn):
    x = np.array([-2.0, -1.0, 0.0, 1.0, 3.0])
    expected = np.log(1.0 + np.exp(x))  # softplus(0) = ln 2
    assert_close(
        nn.softplus(x),
        expected,
        what="softplus([-2, -1, 0, 1, 3])",
        mistakes=[
            ("softplus(-x) was computed: the sign of x is flipped", np.log(1.0 + np.exp(-x))),
            ("the '1 +' is missing (log(exp(x)) is just x)", x),
            ("it is a ReLU, max(x, 0): the log1p(exp(-|x|)) term is missing", np.maximum(x, 0.0)),
        ],
    )


@check("11.1", "finite at x = -1000 and 1000, float32 kept")
def _(nn):
    got = nn.softplus(np.array([-1000.0, 1000.0]))
    # softplus(-1000) = log(1 + e^-1000) = 0 (to float precision); softplus(1000) = 1000 + log(1 + e^-1000)
    assert_close(got, [0.0, 1000.0], what="softplus([-1000, 1000])")
    small = nn.softplus(np.array([-1.0, 0.0, 50.0], dtype=np.float32))
    _dtype_kept(small, "softplus of a float32 array")
    assert_close(small, [np.log1p(np.exp(-1.0)), LN2, 50.0], what="softplus([-1, 0, 50]) in float32", rtol=1e-5)


@check("11.1", "softplus(x) - softplus(-x) = x, and x is left alone")
def _(nn):
    x = np.array([[-30.0, -0.5], [0.25, 700.0]])
    saved = x.copy()
    plus, minus = nn.softplus(x), nn.softplus(-x)
    assert_unchanged(saved, x, what="x")
    assert_close(plus - minus, saved, what="softplus(x) - softplus(-x)", rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------
# 11.2 discriminator_loss
# --------------------------------------------------------------------------


@check("11.2", "an undecided discriminator (all logits 0), N = 2 real and M = 4 fake")
def _(nn):
    real, fake = np.zeros((2, 1)), np.zeros((4, 1))
    # sigmoid(0) = 1/2: each term costs ln 2, so loss = ln 2 + ln 2;
    # dreal = -sigmoid(-0) / N = -1/4 for each of the N = 2 rows, dfake = sigmoid(0) / M = 1/8
    got = nn.discriminator_loss(real, fake)
    _tuple_of(got, 3, "discriminator_loss(real_logits, fake_logits)")
    loss, dreal, dfake = got
    assert_close(loss, 2 * LN2, what="the loss at logits 0", mistakes=[
        ("the two terms were averaged together (divided by 2) instead of added", LN2)])
    assert_close(dreal, np.full((2, 1), -0.25), what="dreal", mistakes=[
        ("the labels are swapped, or the minus sign of softplus(-r)'s inner derivative is missing: the data "
         "should get label 1 (real), so its gradient is negative", np.full((2, 1), 0.25)),
        ("real and fake were averaged together over N + M = 6 rows: average each over its own batch",
         np.full((2, 1), -0.5 / 6)),
        ("the loss was summed over the batch instead of averaged", np.full((2, 1), -0.5)),
    ])
    assert_close(dfake, np.full((4, 1), 0.125), what="dfake", mistakes=[
        ("the labels are swapped: the generated samples get label 0 (fake), so their gradient is positive",
         np.full((4, 1), -0.125)),
        ("real and fake were averaged together over N + M = 6 rows", np.full((4, 1), 0.5 / 6)),
        ("the loss was summed over the batch instead of averaged", np.full((4, 1), 0.5)),
    ])


@check("11.2", "a discriminator that is 3 to 1 sure, both ways")
def _(nn):
    real, fake = np.array([[LN3]]), np.array([[-LN3], [-LN3]])
    # sigmoid(ln 3) = 3/4: D gives the real example 3/4 and the fakes 1/4 of being real.
    # loss = -ln(3/4) - ln(3/4) = 2 ln(4/3); dreal = -(1 - 3/4) / 1, dfake = (1/4) / 2
    loss, dreal, dfake = nn.discriminator_loss(real, fake)
    assert_close(loss, 2 * np.log(4 / 3), what="the loss", mistakes=[
        ("the labels are swapped (real should be 1, fake 0)", 2 * np.log(4.0)),
        ("the loss is the negative of the cross-entropy: a sign is missing", -2 * np.log(4 / 3))])
    assert_close(dreal, [[-0.25]], what="dreal", mistakes=[
        ("dreal used sigmoid(real) where 1 - sigmoid(real) = sigmoid(-real) belongs", [[-0.75]])])
    assert_close(dfake, [[0.125], [0.125]], what="dfake", mistakes=[
        ("dfake used 1 - sigmoid(fake) where sigmoid(fake) belongs", [[0.375], [0.375]])])


@check("11.2", "logits of -1000 and 1000 give finite values (from logits, not probabilities)")
def _(nn):
    real, fake = np.array([[1000.0], [-1000.0]]), np.array([[-1000.0], [1000.0]])
    # real: softplus(-1000) = 0 and softplus(1000) = 1000, mean 500; fake: the same, mean 500
    loss, dreal, dfake = nn.discriminator_loss(real, fake)
    assert_close(loss, 1000.0, what="the loss at logits of +-1000", mistakes=[
        ("the probabilities were clipped (as binary_cross_entropy does) before the log: compute from the "
         "logits with softplus instead", 0.5 * (-np.log(1e-12)) * 2)])
    assert_close(dreal, [[0.0], [-0.5]], what="dreal at logits of +-1000")
    assert_close(dfake, [[0.0], [0.5]], what="dfake at logits of +-1000")


@check("11.2", "float32 stays float32, shapes kept, inputs left alone")
def _(nn):
    real = np.array([[0.5], [-1.0], [2.0]], dtype=np.float32)
    fake = np.array([[1.5]], dtype=np.float32)
    saved_real, saved_fake = real.copy(), fake.copy()
    loss, dreal, dfake = nn.discriminator_loss(real, fake)
    assert_unchanged(saved_real, real, what="real_logits")
    assert_unchanged(saved_fake, fake, what="fake_logits")
    assert_that(isinstance(loss, float), f"the loss should be a Python float, got {type(loss).__name__}")
    assert_that(np.shape(dreal) == (3, 1) and np.shape(dfake) == (1, 1),
                f"dreal and dfake should have the shapes of their logits, (3, 1) and (1, 1), got "
                f"{np.shape(dreal)} and {np.shape(dfake)}")
    _dtype_kept(dreal, "dreal")
    _dtype_kept(dfake, "dfake")
    assert_close(dfake, _sigmoid(saved_fake.astype(np.float64)), what="dfake", rtol=1e-5)


# --------------------------------------------------------------------------
# 11.3 generator_loss
# --------------------------------------------------------------------------


@check("11.3", "an undecided discriminator (logits 0), M = 4")
def _(nn):
    got = nn.generator_loss(np.zeros((4, 1)))
    _tuple_of(got, 2, "generator_loss(fake_logits)")
    loss, dfake = got
    # loss = -log sigmoid(0) = ln 2; dfake = -sigmoid(-0) / M = -1/8
    assert_close(loss, LN2, what="generator_loss at logits 0", mistakes=[
        ("this is the saturating loss mean(log(1 - sigmoid(fake))) = -mean(softplus(fake)); the "
         "non-saturating loss is mean(softplus(-fake))", -LN2)])
    assert_close(dfake, np.full((4, 1), -0.125), what="dfake", mistakes=[
        ("the gradient points the wrong way: G wants its logits to go up, so dfake is negative",
         np.full((4, 1), 0.125)),
        ("the loss was summed over the batch instead of averaged", np.full((4, 1), -0.5))])


@check("11.3", "non-saturating: a strong gradient when D rejects the samples")
def _(nn):
    fake = np.array([[-10.0], [LN3]])
    # D is sure sample 0 is fake (sigmoid(-10) = 4.5e-5): -sigmoid(10) / 2 = almost -1/2, a strong push.
    # The saturating loss would give -sigmoid(-10) / 2 = -2.3e-5: almost nothing.
    saved = fake.copy()
    loss, dfake = nn.generator_loss(fake)
    assert_unchanged(saved, fake, what="fake_logits")
    expected = -_sigmoid(-saved) / 2
    assert_close(dfake, expected, what="dfake for logits [-10, ln 3]", mistakes=[
        ("this is the saturating loss's gradient (-sigmoid(fake) / M): it vanishes when D rejects the "
         "samples; use -log sigmoid(fake), whose gradient is -sigmoid(-fake) / M", -_sigmoid(fake) / 2),
        ("the labels are swapped: the generator wants D to say 'real' (label 1)", _sigmoid(saved) / 2)])
    assert_close(loss, float(np.mean(np.log1p(np.exp(-saved)))), what="the loss")


@check("11.3", "logits of -1000 and 1000 give finite values; float32 kept")
def _(nn):
    loss, dfake = nn.generator_loss(np.array([[-1000.0], [1000.0]]))
    # softplus(1000) = 1000 and softplus(-1000) = 0, mean 500
    assert_close(loss, 500.0, what="generator_loss at logits [-1000, 1000]")
    assert_close(dfake, [[-0.5], [0.0]], what="dfake at logits [-1000, 1000]")
    fake32 = np.array([[0.0], [2.0], [-3.0]], dtype=np.float32)
    saved = fake32.copy()
    loss32, d32 = nn.generator_loss(fake32)
    assert_unchanged(saved, fake32, what="fake_logits")
    assert_that(isinstance(loss32, float), f"the loss should be a Python float, got {type(loss32).__name__}")
    _dtype_kept(d32, "dfake")


# --------------------------------------------------------------------------
# 11.4 mlp_input_gradient
# --------------------------------------------------------------------------


def forward_caches(nn, X, params, dscores):
    """Your mlp_forward's caches for X; if mlp_forward is unfinished, say so (after a stub 11.4 says so)."""
    return forward_cache(nn, "mlp_forward", "mlp_input_gradient", (X, params), probe=(dscores, []))[1]


@check("11.4", "the pencil-and-paper network of chapter 7, back to its input")
def _(nn):
    X, params = tiny_net()
    # z = [1, -1], h = relu(z) = [1, 0].  dscores = [[1, -1]]:
    # dh = dscores @ W2.T = [[1 - 2, 3 - 4]] = [[-1, -1]];  dz = dh where z > 0 = [[-1, 0]]
    # dX = dz @ W1.T = [[-1, 0]]
    caches = forward_caches(nn, X, params, np.array([[1.0, -1.0]]))
    got = nn.mlp_input_gradient(np.array([[1.0, -1.0]]), caches)
    assert_close(got, [[-1.0, 0.0]], what="dX of the tiny network", mistakes=[
        ("the ReLU's gradient was skipped (dz must be 0 where z <= 0), or the walk stopped before the first "
         "layer (that is the gradient with respect to h, not X)", [[-1.0, -1.0]])])


@check("11.4", "matches central differences through a three-layer network")
def _(nn):
    rng = np.random.default_rng(11)
    X = rng.normal(size=(4, 3))
    params = [(rng.normal(size=(3, 5)), rng.normal(size=5)), (rng.normal(size=(5, 6)), rng.normal(size=6)),
              (rng.normal(size=(6, 2)), rng.normal(size=2))]
    G = rng.normal(size=(4, 2))  # the loss is sum(scores * G), so dloss/dscores = G
    caches = forward_caches(nn, X.copy(), [(W.copy(), b.copy()) for W, b in params], G.copy())
    dX = nn.mlp_input_gradient(G.copy(), caches)
    check_gradient(lambda v: float(np.sum(nn.mlp_forward(v, params)[0] * G)), X, dX, name="X")


@check("11.4", "one layer (no ReLU): dX = dscores @ W.T, in float32")
def _(nn):
    X = np.array([[1.0, 2.0, 0.0]], dtype=np.float32)
    W, b = np.array([[1.0], [-2.0], [0.5]], dtype=np.float32), np.array([3.0], dtype=np.float32)
    dscores = np.array([[2.0]], dtype=np.float32)
    caches = forward_caches(nn, X, [(W, b)], dscores.copy())
    got = nn.mlp_input_gradient(dscores, caches)
    # [[2]] @ [[1, -2, 0.5]] = [[2, -4, 1]]
    assert_close(got, [[2.0, -4.0, 1.0]], what="dX of a single dense layer",
                 mistakes=[("the gradient with respect to W was returned instead of X", [[2.0], [4.0], [0.0]])])
    _dtype_kept(got, "dX")
    assert_unchanged(np.array([[2.0]], dtype=np.float32), dscores, what="dscores")


# --------------------------------------------------------------------------
# 11.5 gan_train_step
# --------------------------------------------------------------------------


def _linear_gan(pack=1):
    """One-layer G (the identity) and a zero one-layer D, the data to the lower right of the noise.

    z has mean (0, 0), the data X_real has mean (3, -3).
    """
    X_real = np.array([[2.0, -4.0], [4.0, -2.0]])
    z = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    gen = [(np.eye(2), np.zeros(2))]
    disc = [(np.zeros((2 * pack, 1)), np.zeros(1))]
    return X_real, z, gen, disc


def _step(nn, X_real, z, gen, disc, **settings):
    got = nn.gan_train_step(X_real, z, gen, disc, _adam_init(gen), _adam_init(disc), **settings)
    _tuple_of(got, 6, "gan_train_step(...)")
    return got


def _adam_init(params):
    """A fresh Adam state (0, m, v), as nnlib.gan.adam_init makes it."""
    zeros = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    return 0, zeros, [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]


@check("11.5", "linear networks by hand: D learns to point at the data, then G follows it")
def _(nn):
    lr = 0.1
    X_real, z, gen, disc = _linear_gan()
    # 1. D's logits are all 0: d_loss = 2 ln 2, dreal = -1/4 (2 rows), dfake = 1/8 (4 rows).
    #    dW_D = X_real.T @ dreal + fake.T @ dfake = -mean(X_real)/2 + mean(fake)/2 = [[-1.5], [1.5]],
    #    db_D = -1/2 + 1/2 = 0. Adam's first step: W_D = lr * [[1], [-1]], b_D stays 0.
    # 2. The updated D gives fake row i the logit lr * (z_i1 - z_i2); G's loss pushes every fake
    #    along W_D = lr * (1, -1), so G's bias moves by lr * (1, -1) and, for this z,
    #    A = I - lr * [[1, -1], [-1, 1]].
    new_gen, new_disc, gen_opt, disc_opt, d_loss, g_loss = _step(nn, X_real, z, gen, disc, gen_lr=lr, disc_lr=lr)
    assert_close(d_loss, 2 * LN2, what="d_loss (before D's update, all logits 0)")
    assert_close(new_disc[0][0], [[lr], [-lr]], what="D's weights after the step", rtol=1e-4, mistakes=[
        ("D learned the wrong way round: the labels are swapped (real 1, fake 0)", [[-lr], [lr]]),
        ("D did not change: was its update applied (and returned)?", [[0.0], [0.0]])])
    assert_close(new_disc[0][1], [0.0], what="D's bias (its gradient is exactly 0 here)", atol=1e-6)
    assert_close(new_gen[0][1], [lr, -lr], what="G's bias after the step", rtol=1e-4, mistakes=[
        ("G did not move: its gradient went through D before D's update (a stale D with zero weights "
         "gives no gradient); run the updated D on the fakes again", [0.0, 0.0]),
        ("G moved away from the data: it was updated with D's loss (or with the opposite sign) instead "
         "of generator_loss", [-lr, lr])])
    softplus = np.log1p(np.exp(-lr)) + lr  # softplus(lr); softplus(-lr) = log1p(exp(-lr))
    assert_close(g_loss, (softplus + np.log1p(np.exp(-lr))) / 2, what="g_loss (measured with the updated D)",
                 rtol=1e-5, mistakes=[("g_loss was measured with D before its update (a stale D)", LN2)])
    assert_close(new_gen[0][0], [[1 - lr, lr], [lr, 1 - lr]], what="G's weights after the step", rtol=1e-4)
    assert_that(gen_opt[0] == 1 and disc_opt[0] == 1,
                f"each Adam state should count one step, t = 1, got t = {gen_opt[0]} (G) and {disc_opt[0]} (D)")


@check("11.5", "each network moves only with its own learning rate")
def _(nn):
    X_real, z, gen, _ = _linear_gan()
    disc = [(np.array([[1.0], [-1.0]]), np.zeros(1))]
    # disc_lr = 0: D stays as it is, and G still follows it: its bias moves by gen_lr * (1, -1)
    new_gen, new_disc, *_ = _step(nn, X_real, z, gen, disc, gen_lr=0.05, disc_lr=0.0)
    assert_close(new_gen[0][1], [0.05, -0.05], what="G's bias with gen_lr = 0.05, disc_lr = 0", rtol=1e-4,
                 mistakes=[("the two learning rates are swapped", [0.0, 0.0])])
    assert_close(tuple(new_disc[0]), (np.array([[1.0], [-1.0]]), np.zeros(1)), what="D with disc_lr = 0")
    # gen_lr = 0: G stays the identity, D moves
    new_gen, new_disc, *_ = _step(nn, X_real, z, gen, disc, gen_lr=0.0, disc_lr=0.05)
    assert_close(tuple(new_gen[0]), (np.eye(2), np.zeros(2)), what="G with gen_lr = 0")
    assert_that(not np.allclose(new_disc[0][0], [[1.0], [-1.0]]), "D did not move with disc_lr = 0.05")


@check("11.5", "pack = 2: D judges pairs of samples")
def _(nn):
    lr = 0.1
    X_real, z, gen, disc = _linear_gan(pack=2)
    # Packed real row: [2, -4, 4, -2]; packed fakes: [1, 0, -1, 0] and [0, 1, 0, -1], mean [.5, .5, -.5, -.5].
    # dW_D = -[2, -4, 4, -2] / 2 + [.5, .5, -.5, -.5] / 2 = [-.75, 2.25, -2.25, .75]: W_D = lr * [1, -1, 1, -1]
    new_gen, new_disc, _, _, d_loss, _ = _step(nn, X_real, z, gen, disc, gen_lr=lr, disc_lr=lr, pack=2)
    assert_close(d_loss, 2 * LN2, what="d_loss with pack = 2")
    assert_close(new_disc[0][0], [[lr], [-lr], [lr], [-lr]], what="D's (4, 1) weights with pack = 2", rtol=1e-4)
    assert_close(new_gen[0][1], [lr, -lr], what="G's bias with pack = 2", rtol=1e-4)


@check("11.5", "returns new float32 arrays, leaves every input alone")
def _(nn):
    rng = np.random.default_rng(5)
    X_real = rng.normal(size=(6, 2)).astype(np.float32)
    z = rng.normal(size=(4, 3)).astype(np.float32)
    gen = [(rng.normal(size=(3, 5)).astype(np.float32), np.zeros(5, np.float32)),
           (rng.normal(size=(5, 2)).astype(np.float32), np.zeros(2, np.float32))]
    disc = [(rng.normal(size=(2, 4)).astype(np.float32), np.zeros(4, np.float32)),
            (rng.normal(size=(4, 1)).astype(np.float32), np.zeros(1, np.float32))]
    saved = [a.copy() for pair in gen + disc for a in pair] + [X_real.copy(), z.copy()]
    new_gen, new_disc, gen_opt, disc_opt, d_loss, g_loss = _step(nn, X_real, z, gen, disc)
    for before, after in zip(saved, [a for pair in gen + disc for a in pair] + [X_real, z], strict=True):
        assert_unchanged(before, after, what="an input (X_real, z or a parameter)")
    assert_that(isinstance(d_loss, float) and isinstance(g_loss, float),
                "d_loss and g_loss should be Python floats (convert with float(...))")
    for W, b in new_gen + new_disc:
        _dtype_kept(W, "every new weight")
        _dtype_kept(b, "every new bias")
    if not all(np.all(np.isfinite(W)) for W, _ in new_gen + new_disc):
        raise CheckFailure("the new parameters contain NaN or inf")


# --------------------------------------------------------------------------
# 11.6 mode_coverage
# --------------------------------------------------------------------------


@check("11.6", "two modes by hand")
def _(nn):
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    # std = 1, so a high-quality sample is within 3 of its nearest centre.
    samples = np.array([
        [0.5, 0.0], [0.0, 2.5], [-1.0, 1.0],  # near mode 0: distances 0.5, 2.5, 1.41
        [10.0, 2.9],                         # near mode 1: distance 2.9
        [5.5, 0.0], [0.0, -4.0],             # too far from every centre: 4.5 and 4
    ])
    saved_samples, saved_centers = samples.copy(), centers.copy()
    got = nn.mode_coverage(samples, centers, 1.0, min_count=2)
    assert_unchanged(saved_samples, samples, what="samples")
    assert_unchanged(saved_centers, centers, what="centers")
    _tuple_of(got, 2, "mode_coverage(...)")
    covered, quality = got
    # mode 0 has 3 high-quality samples (>= 2): covered; mode 1 has 1: not covered.  quality = 4 / 6
    assert_close(quality, 4 / 6, what="the share of high-quality samples", mistakes=[
        ("the threshold was std, not 3 * std", 1 / 6),
        ("the squared distance was compared with 3 * std", 2 / 6),
        ("the count of high-quality samples was returned instead of their share", 4.0)])
    assert_close(covered, 1, what="modes covered (min_count = 2)", mistakes=[
        ("every sample was counted for its nearest mode, even those too far away to be high quality", 2)])
    assert_that(isinstance(covered, int | np.integer), f"covered should be an int, got {type(covered).__name__}")


@check("11.6", "all samples on the ring's centres, or all on one of them")
def _(nn):
    angles = 2 * np.pi * np.arange(8) / 8
    centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    spread = np.repeat(centers, 25, axis=0)  # 25 samples exactly on each of the 8 centres
    assert_close(nn.mode_coverage(spread, centers, 0.1), (8, 1.0), what="mode_coverage of 25 samples per centre")
    collapsed = np.repeat(centers[3:4], 200, axis=0)
    assert_close(nn.mode_coverage(collapsed, centers, 0.1), (1, 1.0),
                 what="mode_coverage of 200 samples all on one centre (mode collapse)")
    few = np.repeat(centers, 19, axis=0)  # 19 < min_count = 20 for every mode
    assert_close(nn.mode_coverage(few, centers, 0.1)[0], 0, what="modes covered with 19 samples per centre "
                 "(min_count = 20)", mistakes=[("min_count was ignored", 8)])
    enough = np.repeat(centers, 20, axis=0)  # exactly min_count = 20 for every mode: all covered
    assert_close(nn.mode_coverage(enough, centers, 0.1)[0], 8, what="modes covered with 20 samples per centre "
                 "(min_count = 20)", mistakes=[("the count was compared with > instead of >= min_count", 0)])


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("softplus")
def _quick_softplus(nn):
    assert_close(nn.softplus(np.array([-1000.0, 0.0, 1000.0])), [0.0, LN2, 1000.0],
                 what="softplus([-1000, 0, 1000])")


@quick("discriminator_loss")
def _quick_discriminator_loss(nn):
    got = nn.discriminator_loss(np.zeros((2, 1)), np.zeros((4, 1)))
    assert_close(tuple(got), (2 * LN2, np.full((2, 1), -0.25), np.full((4, 1), 0.125)),
                 what="discriminator_loss(zeros((2, 1)), zeros((4, 1)))")


@quick("generator_loss")
def _quick_generator_loss(nn):
    got = nn.generator_loss(np.array([[0.0], [-1000.0]]))
    assert_close(tuple(got), (500.0 + LN2 / 2, np.array([[-0.25], [-0.5]])),
                 what="generator_loss([[0], [-1000]])")


@quick("mlp_input_gradient")
def _quick_mlp_input_gradient(nn):
    X, params = tiny_net()
    _, caches = nn.mlp_forward(X, params)
    assert_close(nn.mlp_input_gradient(np.array([[1.0, -1.0]]), caches), [[-1.0, 0.0]],
                 what="mlp_input_gradient on chapter 7's tiny network")
