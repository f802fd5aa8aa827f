"""Visible checks for chapter 10 (``nnlib/vae.py``).

The small examples can be worked out by hand; the comments show how. Handy
values: ``sigmoid(ln 3) = 3/4``, ``sigmoid(0) = 1/2``; the KL term of a code
with ``mu = 0`` and ``logvar = 0`` is exactly 0. Backward functions are also
compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`, with losses of the form
``L = sum(out * R)`` for a fixed array R (so ``dout = R``).
"""

import numpy as np

from nnlib.testing import (
    _HIDDEN,
    CheckFailure,
    assert_all_unchanged,
    assert_close,
    assert_float32,
    assert_that,
    assert_unchanged,
    check,
    check_gradient,
    copied,
    quick,
)

LN2, LN3 = np.log(2.0), np.log(3.0)


def _pair(got, what, size=2):
    """Fail with advice unless ``got`` is a tuple of ``size`` values (hidden checks use it too)."""
    # A hidden check never repeats a length the student chose: it could carry a hidden input.
    length = "" if not isinstance(got, tuple | list) else " of another length" if _HIDDEN[0] else f" of length {len(got)}"
    assert_that(
        isinstance(got, tuple | list) and len(got) == size,
        f"{what} should return a tuple of {size} values, got {type(got).__name__}{length}",
    )
    return got


def _dtype_kept(got, what):
    assert_float32(got, what, (
        "an array made without dtype= (np.zeros, np.array) or a float64 array in the formula "
        "upcasts it"
    ))


def _float(value, what):
    assert_that(np.ndim(value) == 0, f"{what} should be one number, got an array of shape {np.shape(value)}: "
                "sum over the pixels (or latent dimensions) and average over the examples")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what} should be a number, got a {type(value).__name__}") from None


# --------------------------------------------------------------------------
# 10.1 reconstruction_loss
# --------------------------------------------------------------------------


def _recon_example():
    # row 1: p = sigmoid([0, ln 3]) = [1/2, 3/4], x = [1, 0]: -log(1/2) - log(1/4) = ln 2 + ln 4 = 3 ln 2
    # row 2: p = [1/4, 1/2], x = [0, 1/2]: -log(3/4) + ln 2 = ln(4/3) + ln 2 = ln(8/3)
    logits = np.array([[0.0, LN3], [-LN3, 0.0]])
    x = np.array([[1.0, 0.0], [0.0, 0.5]])
    return logits, x


@check("10.1", "summed over the pixels, averaged over the images, with its gradient")
def _(nn):
    logits, x = _recon_example()
    got = _pair(nn.reconstruction_loss(logits, x), "reconstruction_loss(logits, x)")
    per_image = np.array([3 * LN2, np.log(8 / 3)])
    assert_close(
        _float(got[0], "the loss"), per_image.mean(),
        what="the loss of reconstruction_loss(logits=[[0, ln 3], [-ln 3, 0]], x=[[1, 0], [0, 0.5]])",
        mistakes=[
            ("the loss was averaged over the pixels too: sum over the D pixels of an image, then average "
             "over the N images (the ELBO is per image)", per_image.mean() / 2),
            ("the loss was summed over the images: divide by N", per_image.sum()),
            ("the sign is flipped: the loss is minus the log-likelihood, a positive number", -per_image.mean()),
        ],
    )
    # (p - x) / N = ([1/2, 3/4] - [1, 0]) / 2 and ([1/4, 1/2] - [0, 1/2]) / 2
    p = np.array([[0.5, 0.75], [0.25, 0.5]])
    assert_close(
        got[1], [[-0.25, 0.375], [0.125, 0.0]], what="dlogits",
        mistakes=[
            ("dlogits was not divided by N: the loss averages over the images", p - x),
            ("the sign is flipped: dlogits = (sigmoid(logits) - x) / N", (x - p) / 2),
            ("dlogits was divided by N * D: the loss sums over the pixels", (p - x) / 4),
            ("this is the gradient with respect to p, not the logits: through the sigmoid it "
             "simplifies to (p - x) / N", (p - x) / (p * (1 - p)) / 2),
        ],
    )


@check("10.1", "finite and right for logits of +-1000 (no log of 0)")
def _(nn):
    logits = np.array([[1000.0, -1000.0, 1000.0, -1000.0]])
    x = np.array([[1.0, 0.0, 0.0, 1.0]])
    # right and confident: cost 0; wrong and confident: cost |logit| = 1000 each
    got = _pair(nn.reconstruction_loss(logits, x), "reconstruction_loss(logits, x)")
    loss = _float(got[0], "the loss")
    assert_that(np.isfinite(loss), f"reconstruction_loss for logits of +-1000 is {loss}: p = sigmoid(1000) "
                "rounds to exactly 1, so log(1 - p) is log(0) = -inf. Work with the logits: "
                "max(l, 0) - x * l + log(1 + exp(-|l|)) never takes the log of 0 or overflows")
    assert_close(
        loss, 2000.0, what="the loss for logits [[1000, -1000, 1000, -1000]] and x [[1, 0, 0, 1]]",
        mistakes=[("the probabilities were clipped (like binary_cross_entropy's eps): a logit of 1000 on "
                   "the wrong side costs 1000 nats, not -log(eps); use the logits formula",
                   -2 * np.log(1e-12)),
                  ("the probabilities were clipped to [1e-7, 1 - 1e-7]: use the logits formula",
                   -2 * np.log(1e-7))],
    )
    assert_close(got[1], [[0.0, 0.0, 1.0, -1.0]], what="dlogits for logits of +-1000")


@check("10.1", "dlogits matches central differences; float32 stays float32; inputs unchanged")
def _(nn):
    logits = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]])
    x = np.array([[1.0, 0.25, 0.0], [0.5, 1.0, 0.75]])
    before = logits.copy(), x.copy()
    _, grad = _pair(nn.reconstruction_loss(logits, x), "reconstruction_loss(logits, x)")
    assert_unchanged(before[0], logits, what="logits")
    assert_unchanged(before[1], x, what="x")
    check_gradient(lambda v: nn.reconstruction_loss(v, x)[0], logits, grad, name="logits (dlogits)")
    _, grad32 = nn.reconstruction_loss(logits.astype(np.float32), x.astype(np.float32))
    _dtype_kept(grad32, "dlogits")


@quick("reconstruction_loss")
def _quick_reconstruction_loss(nn):
    logits, x = _recon_example()
    loss, grad = nn.reconstruction_loss(logits, x)
    assert_close(loss, (3 * LN2 + np.log(8 / 3)) / 2, what="reconstruction_loss on a small example")
    assert_close(grad, [[-0.25, 0.375], [0.125, 0.0]], what="dlogits of reconstruction_loss")


# --------------------------------------------------------------------------
# 10.2 reparameterize
# --------------------------------------------------------------------------


@check("10.2", "z = mu + exp(logvar / 2) * eps, eps = rng.standard_normal(mu.shape)")
def _(nn):
    mu = np.array([[0.0, 1.0, -1.0], [2.0, 0.0, 0.5]])
    logvar = np.array([[0.0, 2 * LN2, -2 * LN2], [0.0, 0.0, 2 * LN3]])  # std = [[1, 2, 1/2], [1, 1, 3]]
    eps = np.random.default_rng(10).standard_normal((2, 3))
    before = mu.copy(), logvar.copy()
    got = _pair(nn.reparameterize(mu, logvar, np.random.default_rng(10)), "reparameterize(mu, logvar, rng)")
    assert_unchanged(before[0], mu, what="mu")
    assert_unchanged(before[1], logvar, what="logvar")
    mu, logvar = before  # the expected values come from the arrays as they were before the call
    std = np.array([[1.0, 2.0, 0.5], [1.0, 1.0, 3.0]])
    assert_close(
        got[0], mu + std * eps,
        what="z of reparameterize(mu, logvar, np.random.default_rng(10)) (eps = rng.standard_normal(mu.shape))",
        mistakes=[
            ("exp(logvar) was used as the standard deviation: that is the variance; sigma = exp(logvar / 2)",
             mu + np.exp(logvar) * eps),
            ("logvar was used as if it were sigma: sigma = exp(logvar / 2)", mu + logvar * eps),
            ("the noise is missing: z = mu + sigma * eps", mu),
            ("mu and the noise were swapped: z = mu + sigma * eps", eps + std * mu),
        ],
    )
    cache = _pair(got[1], "the cache of reparameterize")
    assert_close(cache[0], eps, what="cache[0], the noise eps (draw it as rng.standard_normal(mu.shape))")
    assert_close(cache[1], std, what="cache[1], the standard deviation exp(logvar / 2)")


@check("10.2", "the noise comes from the rng it is given, which moves on; float32 stays float32")
def _(nn):
    def zeros():  # fresh arrays for every call: mu = 0, logvar = 0
        return np.zeros((4, 2)), np.zeros((4, 2))

    first, _ = nn.reparameterize(*zeros(), np.random.default_rng(3))
    again, _ = nn.reparameterize(*zeros(), np.random.default_rng(3))
    other, _ = nn.reparameterize(*zeros(), np.random.default_rng(99))
    for same_seed, agree in ((True, np.array_equal(first, again)), (False, not np.array_equal(first, other))):
        assert_that(agree, f"reparameterize gave {'different' if same_seed else 'the same'} z for two generators "
                    f"{'with the same seed' if same_seed else 'in different states'}: draw the noise from the rng "
                    "argument (rng.standard_normal), never from np.random or a new generator")
    # with mu = 0 and logvar = 0 the code is the noise itself
    assert_close(first, np.random.default_rng(3).standard_normal((4, 2)),
                 what="z for mu = 0, logvar = 0 (it should be eps = rng.standard_normal(mu.shape))")
    rng = np.random.default_rng(4)
    one, _ = nn.reparameterize(*zeros(), rng)
    two, _ = nn.reparameterize(*zeros(), rng)
    assert_that(not np.array_equal(one, two), "two calls with the same generator gave the same z: the rng "
                "should move on (do not re-seed it or copy it inside the function)")
    mu, logvar = zeros()
    z32, _ = nn.reparameterize(mu.astype(np.float32), logvar.astype(np.float32), np.random.default_rng(5))
    _dtype_kept(z32, "z")


@quick("reparameterize")
def _quick_reparameterize(nn):
    mu, logvar = np.array([[1.0, -1.0]]), np.array([[0.0, 2 * LN2]])
    z, _ = nn.reparameterize(mu, logvar, np.random.default_rng(0))
    eps = np.random.default_rng(0).standard_normal((1, 2))
    assert_close(z, mu + np.array([[1.0, 2.0]]) * eps, what="reparameterize on a small example")


# --------------------------------------------------------------------------
# 10.3 reparameterize_backward
# --------------------------------------------------------------------------


@check("10.3", "dmu = dz and dlogvar = dz * eps * std / 2 on a hand example")
def _(nn):
    eps, std = np.array([[1.0, -2.0, 0.5]]), np.array([[2.0, 0.5, 4.0]])
    dz = np.array([[3.0, 4.0, -1.0]])
    # dlogvar = [3 * 1 * 2 / 2, 4 * (-2) * 0.5 / 2, -1 * 0.5 * 4 / 2] = [3, -2, -1]
    got = _pair(nn.reparameterize_backward(dz.copy(), (eps.copy(), std.copy())), "reparameterize_backward")
    assert_close(got[0], dz, what="dmu", mistakes=[("dmu was multiplied by std: z = mu + std * eps, so dz/dmu = 1",
                                                    dz * std)])
    assert_close(
        got[1], [[3.0, -2.0, -1.0]], what="dlogvar for dz=[[3, 4, -1]], eps=[[1, -2, 0.5]], std=[[2, 0.5, 4]]",
        mistakes=[
            ("this is the gradient with respect to sigma (dz * eps); logvar needs one more link: "
             "d sigma / d logvar = sigma / 2", dz * eps),
            ("the 1/2 of sigma = exp(logvar / 2) is missing", dz * eps * std),
            ("it was divided by std: d sigma / d logvar = exp(logvar / 2) / 2 = std / 2", dz * eps / std / 2),
            ("std was squared: d sigma / d logvar = std / 2, not the variance", dz * eps * std**2 / 2),
        ],
    )


@check("10.3", "matches central differences through reparameterize, and reuses the cached noise")
def _(nn):
    mu = np.array([[0.5, -1.0], [1.0, 0.25], [0.0, 2.0]])
    logvar = np.array([[0.0, -1.0], [0.5, 1.0], [-0.5, 0.25]])
    eps = np.array([[1.0, -0.5], [0.25, 2.0], [-1.5, 0.75]])
    R = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, -2.0]])
    std = np.exp(0.5 * logvar)
    dz, cache = R.copy(), (eps.copy(), std.copy())
    first = _pair(nn.reparameterize_backward(dz, cache), "reparameterize_backward")
    assert_unchanged(R, dz, what="dz")
    assert_unchanged(eps, cache[0], what="eps in the cache")
    assert_unchanged(std, cache[1], what="std in the cache")
    again = nn.reparameterize_backward(R.copy(), (eps.copy(), std.copy()))
    assert_that(all(np.array_equal(a, b) for a, b in zip(first, again, strict=True)),
                "reparameterize_backward gave two different answers for the same dz and cache: it draws "
                "new noise. Use the eps stored in the cache, the very noise of the forward pass")
    check_gradient(lambda v: np.sum((v + np.exp(0.5 * logvar) * eps) * R), mu, first[0], name="mu (dmu)")
    check_gradient(lambda v: np.sum((mu + np.exp(0.5 * v) * eps) * R), logvar, first[1], name="logvar (dlogvar)")


@quick("reparameterize_backward")
def _quick_reparameterize_backward(nn):
    dmu, dlogvar = nn.reparameterize_backward(np.array([[3.0, 4.0]]), (np.array([[1.0, -2.0]]), np.array([[2.0, 0.5]])))
    assert_close(dmu, [[3.0, 4.0]], what="dmu of reparameterize_backward")
    assert_close(dlogvar, [[3.0, -2.0]], what="dlogvar of reparameterize_backward")


# --------------------------------------------------------------------------
# 10.4 kl_divergence
# --------------------------------------------------------------------------


@check("10.4", "exactly 0, with zero gradients, at mu = 0 and logvar = 0")
def _(nn):
    got = nn.kl_divergence(np.zeros((3, 2)), np.zeros((3, 2)))
    assert_that(isinstance(got, tuple | list) and len(got) == 3,
                "kl_divergence should return three values (kl, dmu, dlogvar)")
    kl = _float(got[0], "kl")
    assert_that(np.isfinite(kl), f"kl_divergence(mu=0, logvar=0) is {kl}: it looks like logvar was used as sigma "
                "(log(0) = -inf). logvar is log sigma**2 itself: the variance is exp(logvar), and the "
                "-log sigma**2 of the formula is simply -logvar")
    assert_that(kl == 0.0, f"kl_divergence(mu=0, logvar=0) is {kl:.6g}, expected exactly 0: N(0, 1) does not "
                "differ from itself. With sigma = 1, logvar = 0: 0.5 * (mu**2 + exp(logvar) - 1 - logvar) = 0. "
                "(If you got a nonzero value, check the -1 and whether logvar is used as log sigma**2)")
    assert_close(got[1], np.zeros((3, 2)), what="dmu at mu = 0")
    assert_close(got[2], np.zeros((3, 2)), what="dlogvar at logvar = 0")


@check("10.4", "per example: summed over the latent dimensions, averaged over the batch")
def _(nn):
    mu = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    logvar = np.array([[0.0, LN2], [0.0, 0.0], [0.0, 0.0]])  # variances [[1, 2], [1, 1], [1, 1]]
    # row 1: 0.5 * [(1 + 1 - 1 - 0) + (0 + 2 - 1 - ln 2)] = 1 - ln(2) / 2
    # row 2: 0.5 * [(0 + 1 - 1 - 0) + (4 + 1 - 1 - 0)] = 2; row 3: 0
    rows = np.array([1 - LN2 / 2, 2.0, 0.0])
    got = nn.kl_divergence(mu.copy(), logvar.copy())
    assert_that(isinstance(got, tuple | list) and len(got) == 3,
                "kl_divergence should return three values (kl, dmu, dlogvar)")
    kl, dmu, dlogvar = got
    assert_close(
        _float(kl, "kl"), rows.mean(), what="kl for mu=[[1, 0], [0, 2], [0, 0]], logvar=[[0, ln 2], [0, 0], [0, 0]]",
        mistakes=[
            ("the KL was summed over the batch: average it over the N examples", rows.sum()),
            ("the KL was averaged over the latent dimensions too: sum over them", rows.mean() / 2),
            ("the factor 1/2 is missing", 2 * rows.mean()),
            ("logvar was used as log sigma (so the variance became exp(2 logvar)): it is log sigma**2",
             0.5 * np.sum(mu**2 + np.exp(2 * logvar) - 1 - 2 * logvar) / 3),
        ],
    )
    var = np.exp(logvar)
    assert_close(dmu, mu / 3, what="dmu", mistakes=[("dmu was not divided by N", mu),
                                                    ("dmu has a factor 1/2 too many: d(mu**2 / 2)/dmu = mu",
                                                     mu / 6)])
    assert_close(
        dlogvar, (var - 1) / 6, what="dlogvar",
        mistakes=[("dlogvar was not divided by N", (var - 1) / 2),
                  ("the factor 1/2 is missing from dlogvar: d(exp(logvar) / 2)/dlogvar = exp(logvar) / 2",
                   (var - 1) / 3),
                  ("the sign of dlogvar is flipped: it is (exp(logvar) - 1) / (2 N)", (1 - var) / 6)],
    )


@check("10.4", "gradients match central differences; float32 stays float32; inputs unchanged")
def _(nn):
    mu = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]])
    logvar = np.array([[0.0, -1.0, 0.5], [1.0, -0.5, 0.25]])
    before = mu.copy(), logvar.copy()
    _, dmu, dlogvar = nn.kl_divergence(mu, logvar)
    assert_unchanged(before[0], mu, what="mu")
    assert_unchanged(before[1], logvar, what="logvar")
    check_gradient(lambda v: nn.kl_divergence(v, logvar)[0], mu, dmu, name="mu (dmu)")
    check_gradient(lambda v: nn.kl_divergence(mu, v)[0], logvar, dlogvar, name="logvar (dlogvar)")
    _, dmu32, dlogvar32 = nn.kl_divergence(mu.astype(np.float32), logvar.astype(np.float32))
    _dtype_kept(dmu32, "dmu")
    _dtype_kept(dlogvar32, "dlogvar")


@quick("kl_divergence")
def _quick_kl_divergence(nn):
    kl, dmu, dlogvar = nn.kl_divergence(np.array([[1.0, 0.0]]), np.array([[0.0, LN2]]))
    assert_close(kl, 1 - LN2 / 2, what="kl_divergence(mu=[[1, 0]], logvar=[[0, ln 2]])")
    assert_close(dmu, [[1.0, 0.0]], what="dmu of kl_divergence")
    assert_close(dlogvar, [[0.0, 0.5]], what="dlogvar of kl_divergence")


# --------------------------------------------------------------------------
# 10.5 vae_loss
# --------------------------------------------------------------------------


def _tiny_vae(mu=0.0, w_dec=0.0):
    """D = 2 pixels, Z = 1 latent dimension, one dense layer each way.

    The encoder's weights are 0, so every image gets mu = ``mu`` and
    logvar = 0 from its biases. The decoder's logits are ``z * w_dec`` for
    both pixels: with ``w_dec = 0`` they are 0, p = 1/2, and each pixel costs
    ln 2 whatever the image and the noise.
    """
    encoder = [(np.zeros((2, 2)), np.array([mu, 0.0]))]
    decoder = [(np.full((1, 2), w_dec), np.zeros(2))]
    x = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    return x, encoder, decoder


def _inputs_unchanged(before, after):
    """Fail unless ``x``, the encoder's and the decoder's arrays are as they were (``(x, encoder, decoder)`` each)."""
    assert_unchanged(before[0], after[0], what="x")
    for name, old_net, new_net in (("encoder", before[1], after[1]), ("decoder", before[2], after[2])):
        for layer, ((W0, b0), (W1, b1)) in enumerate(zip(old_net, new_net, strict=True)):
            assert_unchanged(W0, W1, what=f"the {name}'s W{layer + 1}")
            assert_unchanged(b0, b1, what=f"the {name}'s b{layer + 1}")


def _loss_and_cache(got, what="vae_loss(x, encoder, decoder, rng)"):
    got = _pair(got, what)
    return _float(got[0], "the loss of " + what), got[1]


@check("10.5", "with zero weights: D ln 2 per image, and no KL at mu = 0, logvar = 0")
def _(nn):
    x, encoder, decoder = _tiny_vae()
    before = _tiny_vae()
    loss, _ = _loss_and_cache(nn.vae_loss(x, encoder, decoder, np.random.default_rng(0)))
    _inputs_unchanged(before, (x, encoder, decoder))
    assert_close(
        loss, 2 * LN2, what="the loss of a VAE whose weights and biases are all 0 (2 pixels, 3 images)",
        mistakes=[
            ("the reconstruction was averaged over the pixels: sum over them (per image)", LN2),
            ("the loss was summed over the 3 images: average over them", 6 * LN2),
        ],
    )


@check("10.5", "the KL term is added, per image, for mu = 1 from the encoder's bias")
def _(nn):
    x, encoder, decoder = _tiny_vae(mu=1.0)
    # reconstruction 2 ln 2 (the decoder ignores z); KL = 0.5 * (1 + 1 - 1 - 0) = 0.5 per image
    loss, _ = _loss_and_cache(nn.vae_loss(x, encoder, decoder, np.random.default_rng(0)))
    assert_close(
        loss, 2 * LN2 + 0.5, what="the loss with mu = 1, logvar = 0 and a decoder that ignores z",
        mistakes=[
            ("the KL term is missing: loss = reconstruction + KL", 2 * LN2),
            ("the KL term was summed over the 3 images: average it", 2 * LN2 + 1.5),
            ("mu and logvar were swapped: the first Z encoder outputs are mu, the last Z logvar",
             2 * LN2 + 0.5 * (np.e - 1 - 1)),
        ],
    )


@check("10.5", "the code is drawn with your reparameterize and the rng, and decoded")
def _(nn):
    x, encoder, decoder = _tiny_vae(mu=0.5, w_dec=2.0)
    # every image: z = 0.5 + eps_n (logvar = 0), logits = [2 z, 2 z]; loss per image
    # sum_d [softplus(l) - x_d l], averaged over the 3 images, plus KL 0.5 * 0.25 = 0.125
    eps = np.random.default_rng(7).standard_normal((3, 1))
    images = x.copy()

    def expected(z):
        logits = 2.0 * z * np.ones((1, 2))
        return float(np.mean(np.sum(np.logaddexp(0.0, logits) - images * logits, axis=1))) + 0.125

    right, with_mu, with_eps = expected(0.5 + eps), expected(0.5), expected(eps)  # before the call
    loss, _ = _loss_and_cache(nn.vae_loss(x, encoder, decoder, np.random.default_rng(7)))
    assert_close(
        loss, right,
        what="the loss with z = 0.5 + eps (eps = np.random.default_rng(7).standard_normal((3, 1)))",
        mistakes=[("the decoder got mu instead of the sampled z: draw z with reparameterize", with_mu),
                  ("the decoder got the noise eps instead of z = mu + sigma * eps", with_eps)],
    )


@quick("vae_loss")
def _quick_vae_loss(nn):
    x, encoder, decoder = _tiny_vae(mu=1.0)
    loss, _ = nn.vae_loss(x, encoder, decoder, np.random.default_rng(0))
    assert_close(loss, 2 * LN2 + 0.5, what="vae_loss of a tiny VAE")


# --------------------------------------------------------------------------
# 10.6 vae_loss_backward
# --------------------------------------------------------------------------


def vae_cache(nn, x, encoder, decoder, seed):
    """The cache of your vae_loss (noise from ``default_rng(seed)``); a stub vae_loss_backward speaks first."""
    try:
        _, cache = _pair(nn.vae_loss(x, encoder, decoder, np.random.default_rng(seed)), "vae_loss")
    except NotImplementedError:
        try:
            nn.vae_loss_backward(())  # a stub vae_loss_backward says so first
        except NotImplementedError:
            raise
        except Exception:  # a finished vae_loss_backward cannot read an empty cache
            pass
        raise
    return cache


def loss_then_backward(nn, x, encoder, decoder, seed, unchanged=False):
    """Run your vae_loss (noise from ``default_rng(seed)``), then your vae_loss_backward.

    With ``unchanged``, also fail if vae_loss_backward changed an array of the cache.
    """
    cache = vae_cache(nn, x, encoder, decoder, seed)
    kept = copied(cache) if unchanged else None
    got = nn.vae_loss_backward(cache)
    if unchanged:
        assert_all_unchanged(kept, cache, "the cache")
    encoder_grads, decoder_grads = _pair(got, "vae_loss_backward(cache)")
    for name, grads, params in (("encoder", encoder_grads, encoder), ("decoder", decoder_grads, decoder)):
        assert_that(isinstance(grads, list | tuple) and len(grads) == len(params),
                    f"the {name} gradients should be a list with one (dW, db) pair per layer")
    return encoder_grads, decoder_grads


def copy_vae(x, encoder, decoder):
    """Copies of the images and of every parameter array, in the same lists of (W, b) tuples."""
    return copied((x, encoder, decoder))


def whole_loss_gradient_check(nn, x, encoder, decoder, seed):
    """Compare every gradient of vae_loss_backward with central differences of vae_loss.

    The noise is drawn again from ``default_rng(seed)`` on every evaluation,
    so the loss is a fixed function of the parameters. The central
    differences are taken at copies made before any call (the cache may hold
    the very arrays it was given), and every evaluation gets fresh copies.
    """
    x, encoder, decoder = copy_vae(x, encoder, decoder)
    encoder_grads, decoder_grads = loss_then_backward(nn, *copy_vae(x, encoder, decoder), seed)
    for net, grads, name in ((encoder, encoder_grads, "encoder"), (decoder, decoder_grads, "decoder")):
        for layer, ((W, b), (dW, db)) in enumerate(zip(net, grads, strict=True)):
            for which, array, grad in (("W", W, dW), ("b", b, db)):

                def f(v, layer=layer, which=which, net=net, name=name):
                    params = [list(p) for p in net]
                    params[layer][0 if which == "W" else 1] = v
                    params = [tuple(p) for p in params]
                    enc, dec = (params, decoder) if name == "encoder" else (encoder, params)
                    return nn.vae_loss(*copy_vae(x, enc, dec), np.random.default_rng(seed))[0]

                check_gradient(f, array, grad, name=f"the {name}'s {which}{layer + 1}", tol=1e-5)


@check("10.6", "every gradient matches central differences of the whole loss (same noise)")
def _(nn):
    gen = np.random.default_rng(106)
    x = gen.random((3, 4))
    encoder = [(gen.normal(scale=0.5, size=(4, 3)), gen.normal(scale=0.1, size=3)),
               (gen.normal(scale=0.5, size=(3, 4)), gen.normal(scale=0.1, size=4))]  # 4 -> 3 -> mu, logvar (Z = 2)
    decoder = [(gen.normal(scale=0.5, size=(2, 5)), gen.normal(scale=0.1, size=5)),
               (gen.normal(scale=0.5, size=(5, 4)), gen.normal(scale=0.1, size=4))]  # 2 -> 5 -> 4
    whole_loss_gradient_check(nn, x, encoder, decoder, seed=11)


@check("10.6", "the KL term's gradient reaches the encoder even when the decoder ignores z")
def _(nn):
    x, encoder, decoder = _tiny_vae(mu=1.0)
    decoder_db = (0.5 - x).sum(axis=0) / 3  # before the calls (see below)
    # the decoder's W is 0, so only the KL term depends on the encoder: mu = 1, logvar = 0 for all
    # 3 images, dmu = mu / N = 1/3 each and dlogvar = (exp(0) - 1) / (2 N) = 0; db sums over the batch
    encoder_grads, decoder_grads = loss_then_backward(nn, x, encoder, decoder, seed=0, unchanged=True)
    assert_close(
        encoder_grads[0][1], [1.0, 0.0], what="the encoder's db (the gradient of mu's and logvar's biases)",
        mistakes=[("the KL term's gradient was not added to dmu and dlogvar", [0.0, 0.0]),
                  ("the KL gradient of mu was not divided by N (the loss averages over images)", [3.0, 0.0])],
    )
    # decoder: p = 1/2 everywhere, dlogits = (1/2 - x) / 3, db = its sum over the images
    assert_close(decoder_grads[0][1], decoder_db, what="the decoder's db")
