"""Realistic wrong implementations of chapter 11 (nnlib/gan.py), for tests/test_mistakes.py."""

MISTAKES = [
    # 11.1 softplus
    ("11.1", "the formula as written: log(1 + exp(x)) overflows at 1000", "overflow", '''
def softplus(x):
    return np.log(1.0 + np.exp(x))
'''),
    ("11.1", "only the ReLU part max(x, 0)", "ReLU", '''
def softplus(x):
    return np.maximum(x, 0.0)
'''),
    ("11.1", "the sign of x flipped (softplus(-x))", "sign of x is flipped", '''
def softplus(x):
    return np.maximum(-x, 0.0) + np.log1p(np.exp(-np.abs(x)))
'''),
    ("11.1", "float64 forced (np.logaddexp on x.astype(float))", "float32", '''
def softplus(x):
    return np.logaddexp(0.0, np.asarray(x, dtype=float))
'''),
    # 11.2 discriminator_loss
    ("11.2", "labels swapped: the data labelled fake, the samples real", "labels are swapped", '''
def discriminator_loss(real_logits, fake_logits):
    loss = float(np.mean(softplus(real_logits)) + np.mean(softplus(-fake_logits)))
    dreal = (sigmoid(real_logits) / real_logits.size).astype(real_logits.dtype)
    dfake = (-sigmoid(-fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dreal, dfake
'''),
    ("11.2", "real and fake averaged together over N + M", "averaged together", '''
def discriminator_loss(real_logits, fake_logits):
    total = real_logits.size + fake_logits.size
    loss = float((np.sum(softplus(-real_logits)) + np.sum(softplus(fake_logits))) / total)
    dreal = (-sigmoid(-real_logits) / total).astype(real_logits.dtype)
    dfake = (sigmoid(fake_logits) / total).astype(fake_logits.dtype)
    return loss, dreal, dfake
'''),
    ("11.2", "through probabilities with chapter 4's clipped cross-entropy", "clipped", '''
def discriminator_loss(real_logits, fake_logits):
    from .losses import binary_cross_entropy
    p_real, p_fake = sigmoid(real_logits), sigmoid(fake_logits)
    loss_real, _ = binary_cross_entropy(p_real, np.ones_like(p_real))
    loss_fake, _ = binary_cross_entropy(p_fake, np.zeros_like(p_fake))
    dreal = ((p_real - 1.0) / real_logits.size).astype(real_logits.dtype)
    dfake = (p_fake / fake_logits.size).astype(fake_logits.dtype)
    return loss_real + loss_fake, dreal, dfake
'''),
    ("11.2", "the gradients summed over the batch instead of averaged", "summed", '''
def discriminator_loss(real_logits, fake_logits):
    loss = float(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)))
    dreal = (-sigmoid(-real_logits)).astype(real_logits.dtype)
    dfake = sigmoid(fake_logits).astype(fake_logits.dtype)
    return loss, dreal, dfake
'''),
    # 11.3 generator_loss
    ("11.3", "the saturating minimax loss log(1 - D(G(z)))", "saturating", '''
def generator_loss(fake_logits):
    loss = float(-np.mean(softplus(fake_logits)))
    dfake = (-sigmoid(fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dfake
'''),
    ("11.3", "the gradient's sign flipped", "wrong way", '''
def generator_loss(fake_logits):
    loss = float(np.mean(softplus(-fake_logits)))
    dfake = (sigmoid(-fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dfake
'''),
    ("11.3", "-log(sigmoid(f)) through the probability: log(0) at -1000", "inf", '''
def generator_loss(fake_logits):
    p = sigmoid(fake_logits)
    loss = float(-np.mean(np.log(p)))
    dfake = ((p - 1.0) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dfake
'''),
    # 11.4 mlp_input_gradient
    ("11.4", "the ReLU's gradient skipped", "ReLU's gradient was skipped", '''
def mlp_input_gradient(dscores, caches):
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache = caches[layer][0]
        dh, _, _ = dense_backward(dh, dense_cache)
    return dh
'''),
    ("11.4", "stops one layer early: the gradient of the first hidden layer's output", "stopped before the first", '''
def mlp_input_gradient(dscores, caches):
    dh = dscores
    for layer in range(len(caches) - 1, 0, -1):
        dense_cache, *relu_input = caches[layer]
        dz = relu_backward(dh, relu_input[0]) if relu_input else dh
        dh, _, _ = dense_backward(dz, dense_cache)
    return dh
'''),
    ("11.4", "returns the first layer's weight gradient instead of dX", "not its dW", '''
def mlp_input_gradient(dscores, caches):
    dh, dW = dscores, None
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache, *relu_input = caches[layer]
        dz = relu_backward(dh, relu_input[0]) if relu_input else dh
        dh, dW, _ = dense_backward(dz, dense_cache)
    return dW
'''),
    # 11.5 gan_train_step
    ("11.5", "labels swapped in the discriminator's update", "labels are swapped", '''
def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    fake, gen_caches = mlp_forward(z, gen_params)
    m, d = fake.shape
    packed_real = X_real.reshape(len(X_real) // pack, pack * d)
    packed_fake = fake.reshape(m // pack, pack * d)
    n = len(packed_real)
    logits, disc_caches = mlp_forward(np.concatenate([packed_real, packed_fake]), disc_params)
    d_loss, dfake, dreal = discriminator_loss(logits[n:], logits[:n])
    disc_grads = mlp_backward(np.concatenate([dreal, dfake]), disc_caches)
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    fake_logits, disc_caches = mlp_forward(packed_fake, disc_params)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, disc_caches).reshape(m, d)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.5", "the generator's gradient through the stale (not yet updated) discriminator", "stale", '''
def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    fake, gen_caches = mlp_forward(z, gen_params)
    m, d = fake.shape
    packed_real = X_real.reshape(len(X_real) // pack, pack * d)
    packed_fake = fake.reshape(m // pack, pack * d)
    n = len(packed_real)
    logits, disc_caches = mlp_forward(np.concatenate([packed_real, packed_fake]), disc_params)
    d_loss, dreal, dfake = discriminator_loss(logits[:n], logits[n:])
    disc_grads = mlp_backward(np.concatenate([dreal, dfake]), disc_caches)
    old_disc = disc_params
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    fake_logits, old_caches = mlp_forward(packed_fake, old_disc)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, old_caches).reshape(m, d)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.5", "both networks updated from one loss: G follows the gradient of D's loss", "moved away from the data", '''
def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    fake, gen_caches = mlp_forward(z, gen_params)
    m, d = fake.shape
    packed_real = X_real.reshape(len(X_real) // pack, pack * d)
    packed_fake = fake.reshape(m // pack, pack * d)
    n = len(packed_real)
    logits, disc_caches = mlp_forward(np.concatenate([packed_real, packed_fake]), disc_params)
    d_loss, dreal, dfake = discriminator_loss(logits[:n], logits[n:])
    disc_grads = mlp_backward(np.concatenate([dreal, dfake]), disc_caches)
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    fake_logits, disc_caches = mlp_forward(packed_fake, disc_params)
    g_loss, _, dlogits = discriminator_loss(fake_logits, fake_logits)
    dfake_x = mlp_input_gradient(dlogits, disc_caches).reshape(m, d)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.5", "the discriminator also updated during the generator's step", "updated again", '''
def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    fake, gen_caches = mlp_forward(z, gen_params)
    m, d = fake.shape
    packed_real = X_real.reshape(len(X_real) // pack, pack * d)
    packed_fake = fake.reshape(m // pack, pack * d)
    n = len(packed_real)
    logits, disc_caches = mlp_forward(np.concatenate([packed_real, packed_fake]), disc_params)
    d_loss, dreal, dfake = discriminator_loss(logits[:n], logits[n:])
    disc_grads = mlp_backward(np.concatenate([dreal, dfake]), disc_caches)
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    fake_logits, disc_caches = mlp_forward(packed_fake, disc_params)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, disc_caches).reshape(m, d)
    disc_params, disc_opt = adam_update(disc_params, mlp_backward(dlogits, disc_caches), disc_opt, disc_lr, beta1)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.5", "the two learning rates swapped", "learning rates are swapped", '''
def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    fake, gen_caches = mlp_forward(z, gen_params)
    m, d = fake.shape
    packed_real = X_real.reshape(len(X_real) // pack, pack * d)
    packed_fake = fake.reshape(m // pack, pack * d)
    n = len(packed_real)
    logits, disc_caches = mlp_forward(np.concatenate([packed_real, packed_fake]), disc_params)
    d_loss, dreal, dfake = discriminator_loss(logits[:n], logits[n:])
    disc_grads = mlp_backward(np.concatenate([dreal, dfake]), disc_caches)
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, gen_lr, beta1)
    fake_logits, disc_caches = mlp_forward(packed_fake, disc_params)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, disc_caches).reshape(m, d)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, disc_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    # 11.6 mode_coverage
    ("11.6", "every sample counted for its nearest mode, high quality or not", "even those too far", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist = np.sqrt(((samples[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1))
    nearest = dist.argmin(axis=1)
    good = dist.min(axis=1) <= 3 * std
    counts = np.bincount(nearest, minlength=len(centers))
    return int(np.sum(counts >= min_count)), float(np.mean(good))
'''),
    ("11.6", "the threshold std instead of 3 std", "threshold was std", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist = np.sqrt(((samples[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1))
    nearest = dist.argmin(axis=1)
    good = dist.min(axis=1) <= std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return int(np.sum(counts >= min_count)), float(np.mean(good))
'''),
    ("11.6", "squared distances compared with 3 std", "squared distance", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist2 = ((samples[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1)
    nearest = dist2.argmin(axis=1)
    good = dist2.min(axis=1) <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return int(np.sum(counts >= min_count)), float(np.mean(good))
'''),
    ("11.6", "min_count compared with > instead of >=", "instead of >=", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist = np.sqrt(((samples[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1))
    nearest = dist.argmin(axis=1)
    good = dist.min(axis=1) <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return int(np.sum(counts > min_count)), float(np.mean(good))
'''),
]

_STEP_HEAD = '''
def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    fake, gen_caches = mlp_forward(z, gen_params)
    m, d = fake.shape
    packed_real = X_real.reshape(len(X_real) // pack, pack * d)
    packed_fake = fake.reshape(m // pack, pack * d)
    n = len(packed_real)
    logits, disc_caches = mlp_forward(np.concatenate([packed_real, packed_fake]), disc_params)
    d_loss, dreal, dfake = discriminator_loss(logits[:n], logits[n:])
    disc_grads = mlp_backward(np.concatenate([dreal, dfake]), disc_caches)
'''

# Session 3, an independent hunt: mistakes written without looking at the checks first.
MISTAKES += [
    ("11.1", "the two halves written into x itself (in place)", "modified in place", '''
def softplus(x):
    out = x
    negative = out < 0
    out[negative] = np.log1p(np.exp(out[negative]))
    out[~negative] = out[~negative] + np.log1p(np.exp(-out[~negative]))
    return out
'''),
    ("11.2", "dreal without the inner minus sign: sigmoid(-r) / N", "minus sign", '''
def discriminator_loss(real_logits, fake_logits):
    loss = float(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)))
    dreal = (sigmoid(-real_logits) / real_logits.size).astype(real_logits.dtype)
    dfake = (sigmoid(fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dreal, dfake
'''),
    ("11.2", "the gradients left in float64 (sigmoid's dtype, no cast)", "dtype of the logits", '''
def discriminator_loss(real_logits, fake_logits):
    loss = float(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)))
    return loss, -sigmoid(-real_logits) / real_logits.size, sigmoid(fake_logits) / fake_logits.size
'''),
    ("11.2", "each gradient divided by the other batch's size", "other batch's size", '''
def discriminator_loss(real_logits, fake_logits):
    loss = float(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)))
    dreal = (-sigmoid(-real_logits) / fake_logits.size).astype(real_logits.dtype)
    dfake = (sigmoid(fake_logits) / real_logits.size).astype(fake_logits.dtype)
    return loss, dreal, dfake
'''),
    ("11.2", "the loss as a one-element array (mean over axis 0)", "Python float", '''
def discriminator_loss(real_logits, fake_logits):
    loss = softplus(-real_logits).mean(axis=0) + softplus(fake_logits).mean(axis=0)
    dreal = (-sigmoid(-real_logits) / real_logits.size).astype(real_logits.dtype)
    dfake = (sigmoid(fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dreal, dfake
'''),
    ("11.3", "the gradient of softplus(f), D's fake term, instead of softplus(-f)", "softplus(f)", '''
def generator_loss(fake_logits):
    loss = float(np.mean(softplus(-fake_logits)))
    dfake = (sigmoid(fake_logits) / fake_logits.size).astype(fake_logits.dtype)
    return loss, dfake
'''),
    ("11.3", "summed over the batch instead of averaged", "summed over the batch", '''
def generator_loss(fake_logits):
    loss = float(np.sum(softplus(-fake_logits)))
    dfake = (-sigmoid(-fake_logits)).astype(fake_logits.dtype)
    return loss, dfake
'''),
    ("11.4", "the layers walked from the first to the last", "first to the last", '''
def mlp_input_gradient(dscores, caches):
    dh = dscores
    for layer in range(len(caches)):
        dense_cache, *relu_input = caches[layer]
        dz = relu_backward(dh, relu_input[0]) if relu_input else dh
        dh, _, _ = dense_backward(dz, dense_cache)
    return dh
'''),
    ("11.4", "each hidden layer's ReLU mask applied after its dense backward", "after the dense", '''
def mlp_input_gradient(dscores, caches):
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache, *relu_input = caches[layer]
        dh, _, _ = dense_backward(dh, dense_cache)
        if relu_input:
            dh = relu_backward(dh, relu_input[0])
    return dh
'''),
    ("11.5", "the Adam states passed in are returned, not the new ones", "t + 1", _STEP_HEAD + '''
    new_disc, _ = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    fake_logits, caches = mlp_forward(packed_fake, new_disc)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, caches).reshape(m, d)
    new_gen, _ = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return new_gen, new_disc, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.5", "beta1 not passed on to adam_update", "beta1", _STEP_HEAD + '''
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr)
    fake_logits, caches = mlp_forward(packed_fake, disc_params)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, caches).reshape(m, d)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.5", "d_loss reported after D's update", "after D's update", _STEP_HEAD + '''
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    after, _ = mlp_forward(np.concatenate([packed_real, packed_fake]), disc_params)
    d_loss = discriminator_loss(after[:n], after[n:])[0]
    fake_logits, caches = mlp_forward(packed_fake, disc_params)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, caches).reshape(m, d)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.5", "the gradient for the packed fakes reshaped column-first (order='F')", "reshaped", _STEP_HEAD + '''
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    fake_logits, caches = mlp_forward(packed_fake, disc_params)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, caches).reshape(m, d, order="F")
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.6", "the nearest sample of each centre (argmin over the samples)", "over the samples", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist = np.sqrt(((samples[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1))
    nearest = dist.argmin(axis=0)
    good = dist.min(axis=0) <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return int(np.sum(counts >= min_count)), float(np.mean(good))
'''),
    ("11.6", "quality as a count of samples, not a share", "instead of their share", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist = np.sqrt(((samples[:, None, :] - centers[None, :, :]) ** 2).sum(axis=-1))
    nearest = dist.argmin(axis=1)
    good = dist.min(axis=1) <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return int(np.sum(counts >= min_count)), float(np.sum(good))
'''),
    ("11.6", "Manhattan distance (sum of absolute differences)", "Manhattan", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist = np.abs(samples[:, None, :] - centers[None, :, :]).sum(axis=-1)
    nearest = dist.argmin(axis=1)
    good = dist.min(axis=1) <= 3 * std
    counts = np.bincount(nearest[good], minlength=len(centers))
    return int(np.sum(counts >= min_count)), float(np.mean(good))
'''),
]

#: Right implementations that differ from the reference: they must pass every check.
CORRECT = [
    ("11.1", "np.where of the two stable halves (overflow warnings in the branch not taken)", '''
def softplus(x):
    x = np.asarray(x)
    return np.where(x > 0, x + np.log1p(np.exp(-x)), np.log1p(np.exp(x)))
'''),
    ("11.1", "softplus by np.logaddexp(0, x)", '''
def softplus(x):
    return np.logaddexp(0, x)
'''),
    ("11.2", "dreal as (sigmoid(r) - 1) / N", '''
def discriminator_loss(real_logits, fake_logits):
    loss = float(np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits)))
    dreal = ((sigmoid(real_logits) - 1.0) / real_logits.shape[0]).astype(real_logits.dtype)
    dfake = (sigmoid(fake_logits) / fake_logits.shape[0]).astype(fake_logits.dtype)
    return loss, dreal, dfake
'''),
    ("11.5", "D run on the real and the fake rows separately, its two gradients added", '''
def gan_train_step(X_real, z, gen_params, disc_params, gen_opt, disc_opt, gen_lr=1e-3, disc_lr=1e-3, beta1=0.5,
                   pack=1):
    fake, gen_caches = mlp_forward(z, gen_params)
    m, d = fake.shape
    packed_real = X_real.reshape(-1, pack * d)
    packed_fake = fake.reshape(-1, pack * d)
    real_logits, real_caches = mlp_forward(packed_real, disc_params)
    fake_logits, fake_caches = mlp_forward(packed_fake, disc_params)
    d_loss, dreal, dfake = discriminator_loss(real_logits, fake_logits)
    grads_real = mlp_backward(dreal, real_caches)
    grads_fake = mlp_backward(dfake, fake_caches)
    disc_grads = [(a + c, b + e) for (a, b), (c, e) in zip(grads_real, grads_fake)]
    disc_params, disc_opt = adam_update(disc_params, disc_grads, disc_opt, disc_lr, beta1)
    fake_logits, caches = mlp_forward(packed_fake, disc_params)
    g_loss, dlogits = generator_loss(fake_logits)
    dfake_x = mlp_input_gradient(dlogits, caches).reshape(fake.shape)
    gen_params, gen_opt = adam_update(gen_params, mlp_backward(dfake_x, gen_caches), gen_opt, gen_lr, beta1)
    return gen_params, disc_params, gen_opt, disc_opt, d_loss, g_loss
'''),
    ("11.6", "distances with np.linalg.norm, nearest by np.take_along_axis", '''
def mode_coverage(samples, centers, std, min_count=20):
    dist = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    nearest = np.argmin(dist, axis=1)
    good = np.take_along_axis(dist, nearest[:, None], axis=1)[:, 0] <= 3 * std
    covered = sum(int(np.count_nonzero(good & (nearest == k)) >= min_count) for k in range(len(centers)))
    return covered, float(np.count_nonzero(good) / len(samples))
'''),
]
