"""Chapter 10, Autoencoders and VAEs: networks that compress and generate.

An **autoencoder** is two MLPs back to back: an encoder squeezes each image
into a short code, a decoder turns the code back into an image, and the
loss compares the image with its reconstruction. A **variational
autoencoder** (VAE) makes the code random: the encoder outputs the mean and
the log-variance of a Gaussian for each image, a code is drawn from it (the
reparameterisation trick), and a KL term keeps those Gaussians close to the
standard normal, so that codes drawn from the standard normal decode into
new, plausible images. The loss, the negative ELBO, is the reconstruction
term plus the KL term, averaged over the examples.

The networks are your chapter-7 MLPs (:func:`nnlib.mlp.init_params`,
:func:`nnlib.mlp.mlp_forward`, :func:`nnlib.mlp.mlp_backward`) trained with
your Adam step from chapter 5. The decoder's backward pass must also return
the gradient with respect to its *input*, the code, which ``mlp_backward``
skips; :func:`decoder_forward` and :func:`decoder_backward` are that MLP
written out with your chapter-6 layers so the gradient can go through.
"""

import numpy as np

from .functions import relu
from .layers import dense_backward, dense_forward, relu_backward
from .mlp import init_params, mlp_backward, mlp_forward
from .neurons import sigmoid
from .optim import adam_step

# --------------------------------------------------------------------------
# The exercises
# --------------------------------------------------------------------------


def reconstruction_loss(logits, x):
    """Bernoulli cross-entropy of images against the decoder's logits, and its gradient.

    Each pixel ``x[n, d]`` in [0, 1] is scored against the probability
    ``p = sigmoid(logits[n, d])``; the loss is summed over the D pixels of an
    image and averaged over the N images:
    ``loss = (1 / N) sum_n sum_d [max(l, 0) - x l + log(1 + exp(-|l|))]``,
    which equals ``-(1 / N) sum [x log p + (1 - x) log(1 - p)]`` but never
    takes the log of 0 and never overflows, even for logits of +-1000. The
    gradient is ``(sigmoid(logits) - x) / N``. Taught in chapter 10, section
    'Measuring a reconstruction'.

    Parameters
    ----------
    logits : ndarray of shape (N, D)
        The decoder's outputs, any real numbers.
    x : ndarray of shape (N, D)
        The images the decoder should reproduce, pixels in [0, 1].

    Returns
    -------
    loss : float
    dlogits : ndarray of shape (N, D)
        Gradient of the loss with respect to ``logits``, in their dtype.
    """
    ### BEGIN SOLUTION
    n = logits.shape[0]
    per_pixel = np.maximum(logits, 0) - x * logits + np.log1p(np.exp(-np.abs(logits)))  # (N, D)
    loss = float(per_pixel.sum() / n)
    dlogits = ((sigmoid(logits) - x) / n).astype(logits.dtype)  # your stable sigmoid (chapter 2)
    return loss, dlogits
    ### END SOLUTION


def reparameterize(mu, logvar, rng):
    """Draw codes ``z = mu + exp(logvar / 2) * eps`` with ``eps`` standard normal.

    The randomness is moved into ``eps``, drawn as
    ``rng.standard_normal(mu.shape)`` and cast to mu's dtype, so that ``z``
    is a smooth function of ``mu`` and ``logvar`` and gradients can flow
    through it. Taught in chapter 10, section 'The reparameterisation trick'.

    Parameters
    ----------
    mu : ndarray of shape (N, Z)
        Means of the codes (Z is the size of the latent space).
    logvar : ndarray of shape (N, Z)
        Log-variances, ``log sigma ** 2``.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    z : ndarray of shape (N, Z)
    cache : tuple
        ``(eps, std)``, the noise and ``std = exp(logvar / 2)``, both of
        shape (N, Z), for :func:`reparameterize_backward`.
    """
    ### BEGIN SOLUTION
    eps = rng.standard_normal(mu.shape).astype(mu.dtype)  # (N, Z)
    std = np.exp(0.5 * logvar)  # sigma = exp(log sigma**2 / 2)
    return mu + std * eps, (eps, std)
    ### END SOLUTION


def reparameterize_backward(dz, cache):
    """Gradients of the reparameterised codes with respect to mu and logvar.

    With ``z = mu + std * eps`` and ``std = exp(logvar / 2)``:
    ``dmu = dz`` and ``dlogvar = dz * eps * std / 2``, using the very noise
    of the forward pass (drawing new noise here would differentiate a
    different sample). Taught in chapter 10, section 'The reparameterisation
    trick'.

    Parameters
    ----------
    dz : ndarray of shape (N, Z)
        Gradient of the loss with respect to z.
    cache : tuple
        ``(eps, std)`` from :func:`reparameterize`.

    Returns
    -------
    dmu : ndarray of shape (N, Z)
    dlogvar : ndarray of shape (N, Z)
    """
    ### BEGIN SOLUTION
    eps, std = cache
    return dz.copy(), dz * eps * std * 0.5  # dz/dlogvar = eps * d(std)/dlogvar = eps * std / 2
    ### END SOLUTION


def kl_divergence(mu, logvar):
    """KL divergence of diagonal Gaussians from the standard normal, and its gradient.

    For each example, ``KL(N(mu, sigma**2) || N(0, 1)) =
    0.5 * sum_j (mu**2 + exp(logvar) - 1 - logvar)``, summed over the Z
    latent dimensions; the result is averaged over the N examples. It is 0
    exactly when ``mu = 0`` and ``logvar = 0``. Gradients:
    ``dmu = mu / N``, ``dlogvar = (exp(logvar) - 1) / (2 N)``. Taught in
    chapter 10, section 'Keeping the codes close to the standard normal'.

    Parameters
    ----------
    mu : ndarray of shape (N, Z)
    logvar : ndarray of shape (N, Z)
        Log-variances, ``log sigma ** 2`` (not sigma, not log sigma).

    Returns
    -------
    kl : float
    dmu : ndarray of shape (N, Z)
    dlogvar : ndarray of shape (N, Z)
    """
    ### BEGIN SOLUTION
    n = mu.shape[0]
    var = np.exp(logvar)  # sigma**2, (N, Z)
    kl = float(0.5 * np.sum(mu * mu + var - 1.0 - logvar) / n)
    return kl, mu / n, (var - 1.0) / (2 * n)
    ### END SOLUTION


def vae_loss(x, encoder, decoder, rng):
    """Forward pass of a VAE and its loss, the negative ELBO averaged per example.

    The encoder (an MLP, :func:`nnlib.mlp.mlp_forward`) maps each image to
    2Z numbers: the first Z are ``mu``, the last Z are ``logvar``. Codes are
    drawn with :func:`reparameterize`, decoded with :func:`decoder_forward`
    into logits, and the loss is ``reconstruction_loss(logits, x)`` plus
    ``kl_divergence(mu, logvar)``. Taught in chapter 10, section 'The VAE's
    loss, forwards and backwards'.

    Parameters
    ----------
    x : ndarray of shape (N, D)
        A batch of images, pixels in [0, 1].
    encoder : list of (W, b) tuples
        An MLP from D inputs to 2Z outputs.
    decoder : list of (W, b) tuples
        An MLP from Z inputs to D outputs (logits).
    rng : numpy.random.Generator
        Passed to :func:`reparameterize`, the only random step.

    Returns
    -------
    loss : float
        The negative ELBO of the batch, per example.
    cache : tuple
        Everything :func:`vae_loss_backward` needs (plain arrays and tuples).
    """
    ### BEGIN SOLUTION
    h, encoder_caches = mlp_forward(x, encoder)  # (N, D) -> (N, 2Z)
    latent = h.shape[1] // 2
    mu, logvar = h[:, :latent], h[:, latent:]  # (N, Z) each
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(z, decoder)  # (N, Z) -> (N, D)
    rec, dlogits = reconstruction_loss(logits, x)
    kl, dmu_kl, dlogvar_kl = kl_divergence(mu, logvar)
    cache = (encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl)
    return rec + kl, cache
    ### END SOLUTION


def vae_loss_backward(cache):
    """Gradients of the VAE's loss with respect to every encoder and decoder parameter.

    Backwards through the decoder (:func:`decoder_backward`, which also
    gives the gradient with respect to the codes z), through
    :func:`reparameterize_backward`, adding the KL term's own gradients to
    those of mu and logvar, and through the encoder
    (:func:`nnlib.mlp.mlp_backward`). Taught in chapter 10, section 'The
    VAE's loss, forwards and backwards'.

    Parameters
    ----------
    cache : tuple
        From :func:`vae_loss`.

    Returns
    -------
    encoder_grads : list of (dW, db) tuples
        One per encoder layer, shaped like the parameters.
    decoder_grads : list of (dW, db) tuples
        One per decoder layer.
    """
    ### BEGIN SOLUTION
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)  # dz: (N, Z)
    dmu, dlogvar = reparameterize_backward(dz, noise_cache)
    dh = np.concatenate([dmu + dmu_kl, dlogvar + dlogvar_kl], axis=1)  # (N, Z) twice -> (N, 2Z)
    encoder_grads = mlp_backward(dh, encoder_caches)
    return encoder_grads, decoder_grads
    ### END SOLUTION


# --------------------------------------------------------------------------
# Given: the decoder, whose backward pass reaches its input
# --------------------------------------------------------------------------


def decoder_forward(z, params):
    """An MLP (dense and ReLU for every hidden layer, a dense output), written out.

    The same network as :func:`nnlib.mlp.mlp_forward`, built from your
    ``dense_forward`` and ``relu``, with a cache that this module reads
    itself. Given (not an exercise).

    Parameters
    ----------
    z : ndarray of shape (N, Z)
        Codes.
    params : list of (W, b) tuples

    Returns
    -------
    logits : ndarray of shape (N, D)
    caches : list of tuples
        ``(dense_cache, pre_activation)`` per hidden layer and
        ``(dense_cache, None)`` for the output layer.
    """
    caches = []
    h = z
    for weight, bias in params[:-1]:
        pre, dense_cache = dense_forward(h, weight, bias)  # (N, H_in) @ (H_in, H_out) -> (N, H_out)
        caches.append((dense_cache, pre))
        h = relu(pre)
    logits, dense_cache = dense_forward(h, *params[-1])  # (N, H) @ (H, D) -> (N, D)
    caches.append((dense_cache, None))
    return logits, caches


def decoder_backward(dlogits, caches):
    """Backward pass of :func:`decoder_forward`, down to the gradient of its input.

    Given (not an exercise). Uses your ``dense_backward`` and
    ``relu_backward``.

    Parameters
    ----------
    dlogits : ndarray of shape (N, D)
    caches : list of tuples
        From :func:`decoder_forward`.

    Returns
    -------
    grads : list of (dW, db) tuples
        One per layer, in the order of the parameters.
    dz : ndarray of shape (N, Z)
        Gradient with respect to the codes.
    """
    grads = []
    dh = dlogits
    for dense_cache, pre in reversed(caches):  # from the output layer back to the first
        if pre is not None:
            dh = relu_backward(dh, pre)
        dh, dW, db = dense_backward(dh, dense_cache)
        grads.insert(0, (dW, db))
    return grads, dh


# --------------------------------------------------------------------------
# Given: training and evaluation, as the chapter runs them
# --------------------------------------------------------------------------


class Adam:
    """Your ``adam_step`` applied to a list of (W, b) pairs, with its moments kept here."""

    def __init__(self, params, lr=1e-3):
        self.lr = lr
        self.t = 0
        self.m = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
        self.v = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]

    def step(self, params, grads):
        """Return the parameters after one Adam step (the moments are updated in place here)."""
        self.t += 1
        stepped = []
        for i, ((W, b), (dW, db)) in enumerate(zip(params, grads, strict=True)):
            (mW, mb), (vW, vb) = self.m[i], self.v[i]
            W, mW, vW = adam_step(W, dW, mW, vW, self.t, lr=self.lr)
            b, mb, vb = adam_step(b, db, mb, vb, self.t, lr=self.lr)
            self.m[i], self.v[i] = (mW, mb), (vW, vb)
            stepped.append((W, b))
        return stepped


def _batches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[start : start + batch_size] for start in range(0, n, batch_size)]


def train_autoencoder(X, latent=2, hidden=128, epochs=60, batch_size=32, lr=2e-3, rng=0):
    """Train a plain autoencoder ``D -> hidden -> latent -> hidden -> D`` with Adam.

    The code is the encoder's (linear) output; the loss is
    :func:`reconstruction_loss`. Given (not an exercise).

    Returns
    -------
    encoder, decoder : lists of (W, b) tuples
    history : list of float
        The mean training loss of each epoch.
    """
    rng = np.random.default_rng(rng)
    D = X.shape[1]
    encoder = init_params([D, hidden, latent], rng)
    decoder = init_params([latent, hidden, D], rng)
    opt_enc, opt_dec = Adam(encoder, lr), Adam(decoder, lr)
    history = []
    for _ in range(epochs):
        losses = []
        for rows in _batches(len(X), batch_size, rng):
            x = X[rows]
            code, encoder_caches = mlp_forward(x, encoder)  # (N, D) -> (N, Z)
            logits, decoder_caches = decoder_forward(code, decoder)  # (N, Z) -> (N, D)
            loss, dlogits = reconstruction_loss(logits, x)
            decoder_grads, dcode = decoder_backward(dlogits, decoder_caches)
            encoder_grads = mlp_backward(dcode, encoder_caches)
            encoder, decoder = opt_enc.step(encoder, encoder_grads), opt_dec.step(decoder, decoder_grads)
            losses.append(loss)
        history.append(float(np.mean(losses)))
    return encoder, decoder, history


def train_vae(X, latent=2, hidden=128, epochs=60, batch_size=32, lr=2e-3, rng=0):
    """Train a VAE ``D -> hidden -> 2 latent``, ``latent -> hidden -> D`` with Adam.

    Each step is :func:`vae_loss`, :func:`vae_loss_backward` and one Adam step
    of every parameter. Given (not an exercise).

    Returns
    -------
    encoder, decoder : lists of (W, b) tuples
    history : list of float
        The mean training loss (negative ELBO per example) of each epoch.
    """
    rng = np.random.default_rng(rng)
    D = X.shape[1]
    encoder = init_params([D, hidden, 2 * latent], rng)
    decoder = init_params([latent, hidden, D], rng)
    opt_enc, opt_dec = Adam(encoder, lr), Adam(decoder, lr)
    history = []
    for _ in range(epochs):
        losses = []
        for rows in _batches(len(X), batch_size, rng):
            loss, cache = vae_loss(X[rows], encoder, decoder, rng)
            encoder_grads, decoder_grads = vae_loss_backward(cache)
            encoder, decoder = opt_enc.step(encoder, encoder_grads), opt_dec.step(decoder, decoder_grads)
            losses.append(loss)
        history.append(float(np.mean(losses)))
    return encoder, decoder, history


def encode(X, encoder):
    """The encoder's mean and log-variance for each image: ``(mu, logvar)``, each (N, Z)."""
    h, _ = mlp_forward(X, encoder)  # (N, D) -> (N, 2Z)
    size = h.shape[1] // 2
    return h[:, :size], h[:, size:]


def decode(z, decoder):
    """Pixel probabilities ``sigmoid(decoder(z))`` for codes z of shape (N, Z): shape (N, D)."""
    logits, _ = decoder_forward(z, decoder)
    return sigmoid(logits)


def negative_elbo(X, encoder, decoder, samples=10, rng=0):
    """Held-out negative ELBO per example, averaged over ``samples`` draws of the noise.

    Returns
    -------
    total, reconstruction, kl : float
        ``total = reconstruction + kl``.
    """
    rng = np.random.default_rng(rng)
    mu, logvar = encode(X, encoder)
    kl, _, _ = kl_divergence(mu, logvar)
    rec = 0.0
    for _ in range(samples):
        z, _ = reparameterize(mu, logvar, rng)
        logits, _ = decoder_forward(z, decoder)
        rec += reconstruction_loss(logits, X)[0] / samples
    return rec + kl, rec, kl
