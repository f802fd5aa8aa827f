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
    ("10.6", "noise drawn again in the backward pass", "drawn again", '''
def vae_loss_backward(cache):
    encoder_caches, (eps, std), decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    fresh = np.random.default_rng().standard_normal(std.shape).astype(std.dtype)
    dmu, dlogvar = reparameterize_backward(dz, (fresh, std))
    dh = np.concatenate([dmu + dmu_kl, dlogvar + dlogvar_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
'''),
    ("10.6", "mu's and logvar's gradients concatenated in the wrong order", "concatenated in the wrong order", '''
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dmu, dlogvar = reparameterize_backward(dz, noise_cache)
    dh = np.concatenate([dlogvar + dlogvar_kl, dmu + dmu_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
'''),
    ("10.6", "the reconstruction's path through logvar forgotten (only dz reaches mu)", "does not reach logvar", '''
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dh = np.concatenate([dz + dmu_kl, dlogvar_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
'''),
]

# Session 3, an independent hunt: mistakes written without looking at the checks first.
MISTAKES += [
    ("10.1", "log(1 + exp(-l)) without the absolute value", "absolute value", """
def reconstruction_loss(logits, x):
    n = logits.shape[0]
    per_pixel = np.maximum(logits, 0) - x * logits + np.log1p(np.exp(-logits))
    return float(per_pixel.sum() / n), ((sigmoid(logits) - x) / n).astype(logits.dtype)
"""),
    ("10.1", "averaged over the pixels and summed over the images (axes swapped)", "the wrong way round", """
def reconstruction_loss(logits, x):
    per_pixel = np.maximum(logits, 0) - x * logits + np.log1p(np.exp(-np.abs(logits)))
    d = logits.shape[1]
    return float(per_pixel.mean(axis=1).sum()), ((sigmoid(logits) - x) / d).astype(logits.dtype)
"""),
    ("10.1", "the gradient's sign flipped: (x - sigmoid(l)) / N", "sign is flipped", """
def reconstruction_loss(logits, x):
    n = logits.shape[0]
    per_pixel = np.maximum(logits, 0) - x * logits + np.log1p(np.exp(-np.abs(logits)))
    return float(per_pixel.sum() / n), ((x - sigmoid(logits)) / n).astype(logits.dtype)
"""),
    ("10.1", "float64 gradient for float32 logits (the cast forgotten)", "float32", """
def reconstruction_loss(logits, x):
    n = logits.shape[0]
    per_pixel = np.maximum(logits, 0) - x * logits + np.log1p(np.exp(-np.abs(logits)))
    return float(per_pixel.sum() / n), (sigmoid(logits) - x) / n
"""),
    ("10.2", "one row of noise shared by every example", "same noise", """
def reparameterize(mu, logvar, rng):
    eps = rng.standard_normal(mu.shape[1:]).astype(mu.dtype)
    std = np.exp(0.5 * logvar)
    return mu + std * eps, (np.broadcast_to(eps, mu.shape).copy(), std)
"""),
    ("10.2", "a new generator with a constant seed instead of rng", "rng argument", """
def reparameterize(mu, logvar, rng):
    eps = np.random.default_rng(0).standard_normal(mu.shape).astype(mu.dtype)
    std = np.exp(0.5 * logvar)
    return mu + std * eps, (eps, std)
"""),
    ("10.2", "the noise not cast: float64 z for float32 mu", "float32", """
def reparameterize(mu, logvar, rng):
    eps = rng.standard_normal(mu.shape)
    std = np.exp(0.5 * logvar)
    return mu + std * eps, (eps, std)
"""),
    ("10.2", "the noise drawn in float32 (standard_normal(..., dtype=mu.dtype))", "dtype=float32", """
def reparameterize(mu, logvar, rng):
    eps = rng.standard_normal(mu.shape, dtype=mu.dtype)
    std = np.exp(0.5 * logvar)
    return mu + std * eps, (eps, std)
"""),
    ("10.2", "the variance cached instead of the standard deviation", "variance", """
def reparameterize(mu, logvar, rng):
    eps = rng.standard_normal(mu.shape).astype(mu.dtype)
    return mu + np.exp(0.5 * logvar) * eps, (eps, np.exp(logvar))
"""),
    ("10.3", "the cache read as (eps, logvar): std recomputed from std", "treated as logvar", """
def reparameterize_backward(dz, cache):
    eps, logvar = cache
    std = np.exp(0.5 * logvar)
    return dz.copy(), dz * eps * std * 0.5
"""),
    ("10.3", "dmu scaled by std (dz/deps mixed up with dz/dmu)", "dz itself", """
def reparameterize_backward(dz, cache):
    eps, std = cache
    return dz * std, dz * eps * std * 0.5
"""),
    ("10.3", "dz itself returned as dmu (no copy)", "dmu is dz itself", """
def reparameterize_backward(dz, cache):
    eps, std = cache
    return dz, dz * eps * std * 0.5
"""),
    ("10.4", "the -1 forgotten: the KL of N(0, 1) is not 0", "the -1", """
def kl_divergence(mu, logvar):
    n = mu.shape[0]
    var = np.exp(logvar)
    return float(0.5 * np.sum(mu * mu + var - logvar) / n), mu / n, (var - 1.0) / (2 * n)
"""),
    ("10.4", "the sign of logvar flipped in the KL", "sign of logvar", """
def kl_divergence(mu, logvar):
    n = mu.shape[0]
    var = np.exp(logvar)
    return float(0.5 * np.sum(mu * mu + var - 1.0 + logvar) / n), mu / n, (var + 1.0) / (2 * n)
"""),
    ("10.4", "only dmu divided by N", "not divided by N", """
def kl_divergence(mu, logvar):
    n = mu.shape[0]
    var = np.exp(logvar)
    return float(0.5 * np.sum(mu * mu + var - 1.0 - logvar) / n), mu / n, (var - 1.0) / 2
"""),
    ("10.5", "reconstruction_loss called with its arguments swapped", "arguments swapped", """
def vae_loss(x, encoder, decoder, rng):
    h, encoder_caches = mlp_forward(x, encoder)
    size = h.shape[1] // 2
    mu, logvar = h[:, :size], h[:, size:]
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(z, decoder)
    rec, dlogits = reconstruction_loss(x, logits)
    kl, dmu, dlogvar = kl_divergence(mu, logvar)
    return rec + kl, (encoder_caches, noise_cache, decoder_caches, dlogits, dmu, dlogvar)
"""),
    ("10.5", "mu and logvar from interleaved columns (even and odd)", "interleaved", """
def vae_loss(x, encoder, decoder, rng):
    h, encoder_caches = mlp_forward(x, encoder)
    mu, logvar = h[:, 0::2], h[:, 1::2]
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(z, decoder)
    rec, dlogits = reconstruction_loss(logits, x)
    kl, dmu, dlogvar = kl_divergence(mu, logvar)
    return rec + kl, (encoder_caches, noise_cache, decoder_caches, dlogits, dmu, dlogvar)
"""),
    ("10.5", "the decoder's output squashed by sigmoid before reconstruction_loss", "sigmoid", """
def vae_loss(x, encoder, decoder, rng):
    h, encoder_caches = mlp_forward(x, encoder)
    size = h.shape[1] // 2
    mu, logvar = h[:, :size], h[:, size:]
    z, noise_cache = reparameterize(mu, logvar, rng)
    logits, decoder_caches = decoder_forward(z, decoder)
    rec, dlogits = reconstruction_loss(sigmoid(logits), x)
    kl, dmu, dlogvar = kl_divergence(mu, logvar)
    return rec + kl, (encoder_caches, noise_cache, decoder_caches, dlogits, dmu, dlogvar)
"""),
    ("10.6", "the KL gradients added before reparameterize_backward (KL's dmu scaled into dlogvar)", "went through reparameterize_backward", """
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dmu, dlogvar = reparameterize_backward(dz + dmu_kl, noise_cache)
    dh = np.concatenate([dmu, dlogvar + dlogvar_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
"""),
    ("10.6", "the KL's two gradients swapped (dlogvar_kl added to dmu)", "swapped", """
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dmu, dlogvar = reparameterize_backward(dz, noise_cache)
    dh = np.concatenate([dmu + dlogvar_kl, dlogvar + dmu_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
"""),
    ("10.6", "encoder and decoder gradients returned in the wrong order", "wrong order", """
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dmu, dlogvar = reparameterize_backward(dz, noise_cache)
    dh = np.concatenate([dmu + dmu_kl, dlogvar + dlogvar_kl], axis=1)
    return decoder_grads, mlp_backward(dh, encoder_caches)
"""),
]

#: Right implementations that differ from the reference: they must pass every check.
CORRECT = [
    ("10.1", "the loss by np.logaddexp(0, l) - x l, the gradient by tanh", '''
def reconstruction_loss(logits, x):
    n = logits.shape[0]
    loss = float(np.sum(np.logaddexp(0.0, logits) - x * logits) / n)
    return loss, ((0.5 * (1.0 + np.tanh(0.5 * logits)) - x) / n).astype(logits.dtype)
'''),
    ("10.2", "the noise drawn with rng.normal(size=mu.shape), std by np.sqrt(np.exp(logvar))", '''
def reparameterize(mu, logvar, rng):
    eps = rng.normal(size=mu.shape).astype(mu.dtype)
    std = np.sqrt(np.exp(logvar))
    return mu + std * eps, (eps, std)
'''),
    ("10.4", "the mean over the examples of each example's sum", '''
def kl_divergence(mu, logvar):
    n = mu.shape[0]
    kl = float(np.mean(0.5 * np.sum(mu**2 + np.exp(logvar) - 1 - logvar, axis=1)))
    return kl, mu / n, 0.5 * (np.exp(logvar) - 1) / n
'''),
    ("10.6", "the KL's gradients added after concatenating", '''
def vae_loss_backward(cache):
    encoder_caches, noise_cache, decoder_caches, dlogits, dmu_kl, dlogvar_kl = cache
    decoder_grads, dz = decoder_backward(dlogits, decoder_caches)
    dmu, dlogvar = reparameterize_backward(dz, noise_cache)
    dh = np.concatenate([dmu, dlogvar], axis=1) + np.concatenate([dmu_kl, dlogvar_kl], axis=1)
    return mlp_backward(dh, encoder_caches), decoder_grads
'''),
]
