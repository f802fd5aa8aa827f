"""Chapter 11, GANs: a generator and a discriminator trained against each other.

A generative adversarial network (Goodfellow et al., 2014) is two networks.
The **generator** G turns random noise ``z`` into samples; the
**discriminator** D reads a sample and returns one number, a *logit*: large
and positive for "this looks real", large and negative for "this is fake".
D learns to tell the training data from G's samples, and G learns to fool D.

Both networks are the MLPs of chapter 7 (``mlp_forward``/``mlp_backward``,
parameters as lists of ``(W, b)`` pairs), trained with the Adam update of
chapter 5. The losses are written from logits with ``softplus``, so they stay
finite for logits of any size. Optimiser states are plain data:
``(t, m, v)``, the number of steps taken so far and two lists of ``(W, b)``-
shaped moment arrays (see :func:`adam_init`).
"""

import numpy as np

from .layers import dense_backward, relu_backward
from .mlp import mlp_backward, mlp_forward
from .neurons import sigmoid
from .optim import adam_step

# --------------------------------------------------------------------------
# Data: a ring of Gaussians (not an exercise)
# --------------------------------------------------------------------------


def ring_centers(modes=8, radius=2.0):
    """The centres of ``modes`` Gaussians spaced evenly on a circle.

    Returns
    -------
    ndarray of shape (modes, 2)
        Centre k is at angle ``2 pi k / modes``.
    """
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (modes, 2)


def make_ring(n, rng, modes=8, radius=2.0, std=0.05, dtype=np.float32):
    """``n`` points from a mixture of Gaussians on a ring, each mode equally likely.

    Parameters
    ----------
    n : int
    rng : numpy.random.Generator
    modes : int
        Number of Gaussians (the *modes* of the distribution).
    radius, std : float
        Radius of the ring and standard deviation of each Gaussian.
    dtype : numpy dtype

    Returns
    -------
    ndarray of shape (n, 2)
    """
    which = rng.integers(0, modes, size=n)
    points = ring_centers(modes, radius)[which] + std * rng.standard_normal((n, 2))
    return points.astype(dtype)


# --------------------------------------------------------------------------
# Optimiser state for many parameters (not an exercise: it calls your adam_step)
# --------------------------------------------------------------------------


def adam_init(params):
    """A fresh Adam state for ``params``: ``(0, m, v)`` with zero moments.

    Parameters
    ----------
    params : list of (W, b) tuples

    Returns
    -------
    tuple
        ``(t, m, v)``: ``t = 0`` steps taken, ``m`` and ``v`` lists of
        ``(zeros_like(W), zeros_like(b))``.
    """
    zeros = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    return 0, zeros, [(mW.copy(), mb.copy()) for mW, mb in zeros]


def adam_update(params, grads, state, lr, beta1=0.5, beta2=0.999):
    """One Adam step (your ``adam_step``, chapter 5) on every weight and bias.

    Parameters
    ----------
    params, grads : list of (W, b) tuples
        Parameters and their gradients, in the same order.
    state : tuple
        ``(t, m, v)`` from :func:`adam_init` or an earlier call.
    lr, beta1, beta2 : float
        Adam's settings; GANs usually use ``beta1 = 0.5`` (Radford et al., 2016).

    Returns
    -------
    new_params : list of (W, b) tuples
    new_state : tuple
        ``(t + 1, m, v)`` with the updated moments. Nothing is modified in place.
    """
    t, m, v = state
    t += 1
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, m, v, strict=True):
        W, mW, vW = adam_step(W, dW, mW, vW, t, lr, beta1, beta2)
        b, mb, vb = adam_step(b, db, mb, vb, t, lr, beta1, beta2)
        new_params.append((W, b))
        new_m.append((mW, mb))
        new_v.append((vW, vb))
    return new_params, (t, new_m, new_v)


# --------------------------------------------------------------------------
# Exercises
# --------------------------------------------------------------------------


def softplus(x):
    """``softplus(x) = log(1 + exp(x))``, elementwise, finite for any x.

    Softplus is a smooth ReLU: about 0 for very negative x, about x for very
    positive x. Written as ``max(x, 0) + log1p(exp(-|x|))`` it never
    exponentiates a positive number, so ``softplus(1000) = 1000`` with no
    overflow. It is the loss of a logit: ``-log sigmoid(x) = softplus(-x)``
    and ``-log(1 - sigmoid(x)) = softplus(x)``. Taught in chapter 11,
    section 'Losses from logits'.

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the shape and dtype of x
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    ### END SOLUTION


def discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss from its logits, and the gradients.

    The discriminator should say "real" (label 1) for the data and "fake"
    (label 0) for the generator's samples. Its loss is the binary
    cross-entropy of both, each averaged over its own batch:
    ``mean(-log sigmoid(real)) + mean(-log(1 - sigmoid(fake)))
    = mean(softplus(-real_logits)) + mean(softplus(fake_logits))``.
    Taught in chapter 11, section 'The discriminator's loss'.

    Parameters
    ----------
    real_logits : ndarray of shape (N, 1)
        D's logits for N training examples.
    fake_logits : ndarray of shape (M, 1)
        D's logits for M generated samples.

    Returns
    -------
    loss : float
    dreal : ndarray of shape (N, 1)
        Gradient of the loss with respect to ``real_logits``:
        ``-sigmoid(-real_logits) / N``.
    dfake : ndarray of shape (M, 1)
        Gradient with respect to ``fake_logits``: ``sigmoid(fake_logits) / M``.
    """
    ### BEGIN SOLUTION
    real_logits, fake_logits = np.asarray(real_logits), np.asarray(fake_logits)
    loss = float(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)))
    dreal = (-sigmoid(-real_logits) / real_logits.size).astype(real_logits.dtype)
    dfake = (sigmoid(fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dreal, dfake
    ### END SOLUTION


def generator_loss(fake_logits):
    """The generator's non-saturating loss from D's logits, and its gradient.

    The generator wants D to call its samples real:
    ``loss = mean(-log sigmoid(fake_logits)) = mean(softplus(-fake_logits))``.
    (The *saturating* loss of the original minimax game,
    ``mean(log(1 - sigmoid(fake)))``, has almost no gradient exactly when D
    rejects the samples confidently, which is at the start of training.)
    Taught in chapter 11, section 'The generator's loss'.

    Parameters
    ----------
    fake_logits : ndarray of shape (M, 1)
        D's logits for M generated samples.

    Returns
    -------
    loss : float
    dfake : ndarray of shape (M, 1)
        Gradient with respect to ``fake_logits``: ``-sigmoid(-fake_logits) / M``.
    """
    ### BEGIN SOLUTION
    fake_logits = np.asarray(fake_logits)
    loss = float(np.mean(softplus(-fake_logits)))
    dfake = (-sigmoid(-fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dfake
    ### END SOLUTION


def mlp_input_gradient(dscores, caches):
    """Gradient of the loss with respect to an MLP's *input*, from your ``mlp_forward`` caches.

    The same walk as ``mlp_backward`` (chapter 7), from the last layer to the
    first, but it keeps ``dx`` of every layer, including the first one, and
    throws the weight gradients away. The generator learns through this: the
    gradient of its loss flows back through the discriminator (which is not
    changed) into the generated samples. Uses your ``dense_backward`` and
    ``relu_backward`` (chapter 6). Taught in chapter 11, section 'Gradients
    through the discriminator'.

    Parameters
    ----------
    dscores : ndarray of shape (N, C)
        Gradient of the loss with respect to the MLP's outputs.
    caches : list of tuples
        As returned by your ``mlp_forward(X, params)``.

    Returns
    -------
    dX : ndarray of shape (N, D)
        Gradient of the loss with respect to X.
    """
    ### BEGIN SOLUTION
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache, *relu_input = caches[layer]  # hidden layers also keep their ReLU's input z
        dz = relu_backward(dh, relu_input[0]) if relu_input else dh
        dh, _, _ = dense_backward(dz, dense_cache)  # (N, H_out) @ (H_out, H_in) -> (N, H_in)
    return dh
    ### END SOLUTION


def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    """One step of GAN training: first the discriminator, then the generator.

    1. Generate ``fake = G(z)`` with ``mlp_forward``. Update D with one
       :func:`adam_update` on the gradient of :func:`discriminator_loss` on
       ``D(X_real)`` and ``D(fake)`` (G's parameters do not move).
    2. Run the *updated* D on the same ``fake`` samples, take the gradient of
       :func:`generator_loss` back through D into ``fake``
       (:func:`mlp_input_gradient`), then through G (``mlp_backward``), and
       update G with one :func:`adam_update` (D's parameters do not move).

    With ``pack = k`` (PacGAN, Lin et al. 2018) D judges k samples at once:
    real and fake rows are reshaped from (N, D) to (N / k, k * D) before they
    go into D, and the gradient with respect to the packed fakes is reshaped
    back to (M, D) before it goes into G. Taught in chapter 11, section
    'One training step'.

    Parameters
    ----------
    X_real : ndarray of shape (N, D)
        A minibatch of training data.
    z : ndarray of shape (M, E)
        Noise for M generated samples.
    gen_params, disc_params : list of (W, b) tuples
        G maps E inputs to D outputs; D maps ``pack * D`` inputs to 1 logit.
    gen_opt, disc_opt : tuple
        Adam states ``(t, m, v)`` of G and D (from :func:`adam_init`).
    gen_lr, disc_lr : float
        Adam's learning rates for G and for D.
    beta1 : float
        Adam's first-moment decay, for both networks.
    pack : int
        Number of samples D sees at once; N and M must be multiples of it.

    Returns
    -------
    gen_params, disc_params : list of (W, b) tuples
        Both networks after the step (new arrays; the inputs are unchanged).
    gen_opt, disc_opt : tuple
        Their Adam states after the step.
    d_loss : float
        The discriminator's loss before its update.
    g_loss : float
        The generator's loss, measured with the updated D, before G's update.
    """
    ### BEGIN SOLUTION
    fake, gen_caches = mlp_forward(z, gen_params)  # (M, E) -> (M, D)
    m, d = fake.shape
    packed_real = X_real.reshape(len(X_real) // pack, pack * d)  # (N, D) -> (N / k, k D)
    packed_fake = fake.reshape(m // pack, pack * d)  # (M, D) -> (M / k, k D)
    n = len(packed_real)
    # 1. The discriminator, on real and fake rows in one batch.
    both = np.concatenate([packed_real, packed_fake], axis=0)  # (N / k + M / k, k D)
    logits, disc_caches = mlp_forward(both, disc_params)  # (N / k + M / k, 1)
    d_loss, dreal, dfake = discriminator_loss(logits[:n], logits[n:])
    disc_grads = mlp_backward(np.concatenate([dreal, dfake], axis=0), disc_caches)
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    # 2. The generator, through the updated discriminator.
    fake_logits, disc_caches = mlp_forward(packed_fake, disc_params)  # (M / k, 1)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, disc_caches).reshape(m, d)  # (M / k, k D) -> (M, D)
    gen_grads = mlp_backward(dfake_x, gen_caches)
    gen_params, gen_opt = adam_update(gen_params, gen_grads, gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
    ### END SOLUTION


def mode_coverage(samples, centers, std, min_count=20):
    """How many modes a generator covers, and its share of high-quality samples.

    A sample is *high quality* when it lies within three standard deviations
    (``3 * std``) of its nearest centre. A mode is *covered* when at least
    ``min_count`` high-quality samples have it as their nearest centre.
    (These are the measures of Srivastava et al., 2017, VEEGAN.) Taught in
    chapter 11, section 'Measuring a GAN'.

    Parameters
    ----------
    samples : ndarray of shape (N, D)
    centers : ndarray of shape (K, D)
        Centres of the K modes.
    std : float
        Standard deviation of each mode.
    min_count : int

    Returns
    -------
    covered : int
        Number of covered modes, 0 to K.
    quality : float
        Fraction of the samples that are high quality, 0 to 1.
    """
    ### BEGIN SOLUTION
    diff = samples[:, None, :] - centers[None, :, :]  # (N, 1, D) - (1, K, D) -> (N, K, D)
    dist = np.sqrt(np.sum(diff**2, axis=-1))  # (N, K)
    nearest = np.argmin(dist, axis=1)  # (N,)
    good = dist[np.arange(len(samples)), nearest] <= 3 * std  # (N,)
    counts = np.bincount(nearest[good], minlength=len(centers))  # (K,)
    return int(np.sum(counts >= min_count)), float(np.mean(good))
    ### END SOLUTION
