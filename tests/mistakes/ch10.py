"""Realistic wrong implementations of chapter 10's exercises (``nnlib/vae.py``).

Each entry is ``(exercise_id, what_the_mistake_is, expected_substring_or_None,
source)``: ``source`` is a complete replacement function, appended to the
reference module (so it may use ``np``, ``sigmoid``, ``mlp_forward``,
``decoder_forward`` and the module's other names). Every one must fail at least
one check of its exercise; when a substring is given, some failure message
must contain it (the checks name the mistake).
"""

MISTAKES = [
    # ---------------------------------------------------------------- 10.1
    ("10.1", "loss from probabilities: log(sigmoid(l)) gives log(0) for confident logits", "log(0)", '''
def reconstruction_loss(logits, x):
    n = logits.shape[0]
    p = sigmoid(logits)
    loss = float(-np.sum(x * np.log(p) + (1 - x) * np.log(1 - p)) / n)
    return loss, ((p - x) / n).astype(logits.dtype)
'''),
    ("10.1", "averaged over the pixels as well as the images", "averaged over the pixels", '''
def reconstruction_loss(logits, x):
    per_pixel = np.maximum(logits, 0) - x * logits + np.log1p(np.exp(-np.abs(logits)))
    return float(per_pixel.mean()), ((sigmoid(logits) - x) / x.size).astype(logits.dtype)
'''),
    ("10.1", "the gradient is not divided by N", "not divided by N", '''
def reconstruction_loss(logits, x):
    n = logits.shape[0]
    per_pixel = np.maximum(logits, 0) - x * logits + np.log1p(np.exp(-np.abs(logits)))
    return float(per_pixel.sum() / n), (sigmoid(logits) - x).astype(logits.dtype)
'''),
    ("10.1", "probabilities clipped to [1e-12, 1 - 1e-12] as in chapter 4", "clipped", '''
def reconstruction_loss(logits, x):
    n = logits.shape[0]
    p = np.clip(sigmoid(logits), 1e-12, 1 - 1e-12)
    loss = float(-np.sum(x * np.log(p) + (1 - x) * np.log(1 - p)) / n)
    return loss, ((sigmoid(logits) - x) / n).astype(logits.dtype)
'''),
    # ---------------------------------------------------------------- 10.2
    ("10.2", "exp(logvar), the variance, used as the standard deviation", "variance", '''
def reparameterize(mu, logvar, rng):
    eps = rng.standard_normal(mu.shape).astype(mu.dtype)
    std = np.exp(logvar)
    return mu + std * eps, (eps, std)
'''),
    ("10.2", "logvar used as if it were sigma", "used as if it were sigma", '''
def reparameterize(mu, logvar, rng):
    eps = rng.standard_normal(mu.shape).astype(mu.dtype)
    return mu + logvar * eps, (eps, logvar)
'''),
    ("10.2", "noise from numpy's global generator instead of rng", "rng argument", '''
def reparameterize(mu, logvar, rng):
    eps = np.random.standard_normal(mu.shape).astype(mu.dtype)
    std = np.exp(0.5 * logvar)
    return mu + std * eps, (eps, std)
'''),
    # ---------------------------------------------------------------- 10.3
    ("10.3", "gradient with respect to sigma returned as dlogvar", "gradient with respect to sigma", '''
def reparameterize_backward(dz, cache):
    eps, std = cache
    return dz.copy(), dz * eps
'''),
    ("10.3", "the 1/2 of exp(logvar / 2) forgotten", "1/2", '''
def reparameterize_backward(dz, cache):
    eps, std = cache
    return dz.copy(), dz * eps * std
'''),
    ("10.3", "noise resampled in the backward pass", "new noise", '''
def reparameterize_backward(dz, cache):
    _, std = cache
    eps = np.random.default_rng().standard_normal(dz.shape).astype(dz.dtype)
    return dz.copy(), dz * eps * std * 0.5
'''),
    # ---------------------------------------------------------------- 10.4
    ("10.4", "KL summed over the batch instead of averaged", "summed over the batch", '''
def kl_divergence(mu, logvar):
    var = np.exp(logvar)
    return float(0.5 * np.sum(mu * mu + var - 1.0 - logvar)), mu, (var - 1.0) / 2
'''),
    ("10.4", "logvar treated as log sigma (variance exp(2 logvar))", "log sigma", '''
def kl_divergence(mu, logvar):
    n = mu.shape[0]
    var = np.exp(2 * logvar)
    return float(0.5 * np.sum(mu * mu + var - 1.0 - 2 * logvar) / n), mu / n, (var - 1.0) / n
'''),
    ("10.4", "sigma used where the log-variance belongs", "logvar was used as sigma", '''
def kl_divergence(mu, logvar):
    n = mu.shape[0]
    sigma = logvar
    kl = float(0.5 * np.sum(mu * mu + sigma**2 - 1.0 - np.log(sigma**2)) / n)
    return kl, mu / n, (sigma - 1.0 / sigma) / n
'''),
    ("10.4", "the factor 1/2 dropped from dlogvar", "factor 1/2 is missing from dlogvar", '''
def kl_divergence(mu, logvar):
    n = mu.shape[0]
    var = np.exp(logvar)
    return float(0.5 * np.sum(mu * mu + var - 1.0 - logvar) / n), mu / n, (var - 1.0) / n
'''),
    # ---------------------------------------------------------------- 10.5
    ("10.5", "the KL term summed over the batch", "summed over the 3 images", '''
def vae_loss(x, encoder, decoder, rng):
    h, encoder_caches = mlp_forward(x, encoder)
    size = h.shape[1] // 2
    mu, logvar = h[:, :size], h[:, size:]
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(z, decoder)
    rec, dlogits = reconstruction_loss(logits, x)
    kl, dmu, dlogvar = kl_divergence(mu, logvar)
    n = x.shape[0]
    return rec + n * kl, (encoder_caches, noise_cache, decoder_caches, dlogits, n * dmu, n * dlogvar)
'''),
    ("10.5", "the decoder gets mu, not a sampled code", "instead of the sampled z", '''
def vae_loss(x, encoder, decoder, rng):
    h, encoder_caches = mlp_forward(x, encoder)
    size = h.shape[1] // 2
    mu, logvar = h[:, :size], h[:, size:]
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(mu, decoder)
    rec, dlogits = reconstruction_loss(logits, x)
    kl, dmu, dlogvar = kl_divergence(mu, logvar)
    return rec + kl, (encoder_caches, noise_cache, decoder_caches, dlogits, dmu, dlogvar)
'''),
    ("10.5", "mu and logvar taken from the wrong halves", "swapped", '''
def vae_loss(x, encoder, decoder, rng):
    h, encoder_caches = mlp_forward(x, encoder)
    size = h.shape[1] // 2
    logvar, mu = h[:, :size], h[:, size:]
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(z, decoder)
    rec, dlogits = reconstruction_loss(logits, x)
    kl, dmu, dlogvar = kl_divergence(mu, logvar)
    return rec + kl, (encoder_caches, noise_cache, decoder_caches, dlogits, dmu, dlogvar)
'''),
    ("10.5", "the KL term left out of the loss", "KL term is missing", '''
def vae_loss(x, encoder, decoder, rng):
    h, encoder_caches = mlp_forward(x, encoder)
    size = h.shape[1] // 2
    mu, logvar = h[:, :size], h[:, size:]
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(z, decoder)
    rec, dlogits = reconstruction_loss(logits, x)
    _, dmu, dlogvar = kl_divergence(mu, logvar)
    return rec, (encoder_caches, noise_cache, decoder_caches, dlogits, dmu, dlogvar)
'''),
    # ---------------------------------------------------------------- 10.6
    ("10.6", "the KL term's gradients not added to dmu and dlogvar", "KL term's gradient was not added", '''
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, _, _ = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dmu, dlogvar = reparameterize_backward(dz, noise_cache)
    return mlp_backward(np.concatenate([dmu, dlogvar], axis=1), encoder_caches), decoder_grads
'''),
    ("10.6", "noise drawn again in the backward pass", None, '''
def vae_loss_backward(cache):
    encoder_caches, (eps, std), decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    fresh = np.random.default_rng().standard_normal(std.shape).astype(std.dtype)
    dmu, dlogvar = reparameterize_backward(dz, (fresh, std))
    dh = np.concatenate([dmu + dmu_kl, dlogvar + dlogvar_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
'''),
    ("10.6", "mu's and logvar's gradients concatenated in the wrong order", None, '''
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dmu, dlogvar = reparameterize_backward(dz, noise_cache)
    dh = np.concatenate([dlogvar + dlogvar_kl, dmu + dmu_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
'''),
    ("10.6", "the reconstruction's path through logvar forgotten (only dz reaches mu)", None, '''
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dh = np.concatenate([dz + dmu_kl, dlogvar_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
'''),
]
