"""Realistic wrong implementations of chapter 4 (nnlib/losses.py), for tests/test_mistakes.py."""

MISTAKES = [
    ("4.1", "the squares summed instead of averaged", "summed instead of averaged", '''
def mse_loss(y_hat, y):
    diff = y_hat - y
    return float(np.sum(diff**2)), 2.0 * diff
'''),
    ("4.1", "the gradient without the division by N", "division by N is missing", '''
def mse_loss(y_hat, y):
    diff = y_hat - y
    return float(np.mean(diff**2)), 2.0 * diff
'''),
    ("4.1", "the gradient with the wrong sign (y - y_hat)", "sign is flipped", '''
def mse_loss(y_hat, y):
    diff = y_hat - y
    return float(np.mean(diff**2)), 2.0 * (y - y_hat) / diff.size
'''),
    ("4.1", "divided by the number of rows only", "divided by N (rows) only", '''
def mse_loss(y_hat, y):
    diff = y_hat - y
    n = len(diff)
    return float(np.sum(diff**2) / n), 2.0 * diff / n
'''),
    ("4.2", "no clipping: log(0) is -inf", "Clip p", '''
def binary_cross_entropy(p, y, eps=1e-12):
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, (p - y) / (p * (1 - p)) / p.size
'''),
    ("4.2", "the gradient with respect to the logit, (p - y) / N", "gradient with respect to the logit", '''
def binary_cross_entropy(p, y, eps=1e-12):
    p = np.clip(p, eps, 1.0 - eps)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, (p - y) / p.size
'''),
    ("4.2", "the labels swapped in the formula", "labels are swapped", '''
def binary_cross_entropy(p, y, eps=1e-12):
    p = np.clip(p, eps, 1.0 - eps)
    loss = float(-np.mean((1 - y) * np.log(p) + y * np.log(1 - p)))
    return loss, (y - p) / (p * (1 - p)) / p.size
'''),
    ("4.2", "the eps argument ignored (always 1e-12)", "eps argument was ignored", '''
def binary_cross_entropy(p, y, eps=1e-12):
    p = np.clip(p, 1e-12, 1.0 - 1e-12)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, (p - y) / (p * (1 - p)) / p.size
'''),
    ("4.2", "float32 p clipped with eps = 1e-12 (1 - 1e-12 rounds to 1)", "rounds to exactly 1", '''
def binary_cross_entropy(p, y, eps=1e-12):
    p = np.clip(p, eps, 1.0 - eps)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, (p - y) / (p * (1 - p)) / p.size
'''),
    ("4.3", "log of softmax without the shift (overflows, and log(0) = -inf)", "floating-point error", '''
def log_softmax(z):
    exps = np.exp(z)
    return np.log(exps / np.sum(exps, axis=-1, keepdims=True))
'''),
    ("4.3", "the maximum not added back", "add the maximum back", '''
def log_softmax(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
'''),
    ("4.3", "normalised over axis 0", "axis 0", '''
def log_softmax(z):
    shifted = z - np.max(z, axis=0, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
'''),
    ("4.3", "the shift done in place (z -= max)", "modified in place", '''
def log_softmax(z):
    z -= np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
'''),
    ("4.4", "cross_entropy not averaged over the batch", "summed instead of averaged", '''
def cross_entropy(logits, y):
    n = logits.shape[0]
    log_p = log_softmax(logits)
    rows = np.arange(n)
    loss = float(-np.sum(log_p[rows, y]))
    dlogits = np.exp(log_p)
    dlogits[rows, y] -= 1.0
    return loss, dlogits
'''),
    ("4.4", "log_p[:, y] picks an N x N block", "N x N block", '''
def cross_entropy(logits, y):
    n = logits.shape[0]
    log_p = log_softmax(logits)
    loss = float(-np.mean(log_p[:, y]))
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits / n
'''),
    ("4.4", "np.log of a softmax (underflows for huge logits)", "log(softmax)", '''
def cross_entropy(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(-np.mean(np.log(probs[rows, y])))
    dlogits = probs.copy()
    dlogits[rows, y] -= 1.0
    return loss, dlogits / n
'''),
    ("4.4", "a float64 one-hot (np.eye) upcasts a float32 gradient", "float32", '''
def cross_entropy(logits, y):
    n, c = logits.shape
    log_p = log_softmax(logits)
    loss = float(-np.mean(log_p[np.arange(n), y]))
    return loss, (np.exp(log_p) - np.eye(c)[y]) / n
'''),
    ("4.3", "the global maximum subtracted instead of each row's", "each row's own maximum", '''
def log_softmax(z):
    shifted = z - np.max(z)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
'''),
    ("4.1", "the root of the mean squared error", "leave out np.sqrt", '''
def mse_loss(y_hat, y):
    diff = y_hat - y
    loss = np.sqrt(np.mean(diff**2))
    return float(loss), diff / (diff.size * loss)
'''),
    ("4.1", "the gradient without the factor 2", "factor 2", '''
def mse_loss(y_hat, y):
    diff = y_hat - y
    return float(np.mean(diff**2)), diff / diff.size
'''),
    ("4.2", "the minus sign forgotten (and the gradient of that)", "minus sign is missing", '''
def binary_cross_entropy(p, y, eps=1e-12):
    p = np.clip(p, eps, 1.0 - eps)
    loss = float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, -(p - y) / (p * (1 - p)) / p.size
'''),
    ("4.3", "the row sum without keepdims", "keepdims", '''
def log_softmax(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1))
'''),
    ("4.4", "the gradient without the one-hot subtraction", "subtract 1 at each row's true class", '''
def cross_entropy(logits, y):
    n = logits.shape[0]
    log_p = log_softmax(logits)
    loss = float(-np.mean(log_p[np.arange(n), y]))
    return loss, np.exp(log_p) / n
'''),
    ("4.4", "the gradient with the wrong sign (onehot - softmax)", "sign is flipped", '''
def cross_entropy(logits, y):
    n = logits.shape[0]
    log_p = log_softmax(logits)
    rows = np.arange(n)
    loss = float(-np.mean(log_p[rows, y]))
    dlogits = -np.exp(log_p)
    dlogits[rows, y] += 1.0
    return loss, dlogits / n
'''),
    ("4.3", "axis=1 hard-coded (fails for one example of shape (C,))", "axis=-1", '''
def log_softmax(z):
    shifted = z - np.max(z, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
'''),
    ("4.4", "the loss averaged over all N * C entries of onehot * log p", "all N * C entries", '''
def cross_entropy(logits, y):
    n, c = logits.shape
    log_p = log_softmax(logits)
    onehot = np.zeros_like(logits)
    onehot[np.arange(n), y] = 1.0
    return float(-np.mean(onehot * log_p)), (np.exp(log_p) - onehot) / n
'''),
]

#: Right implementations that differ from the reference: each must keep full marks.
CORRECT = [
    ("4.2", "computed in float64 with eps as given, the gradient cast back to p's dtype", '''
def binary_cross_entropy(p, y, eps=1e-12):
    p = np.asarray(p)
    q = np.clip(p.astype(np.float64), eps, 1.0 - eps)
    t = np.asarray(y, dtype=np.float64)
    loss = float(-np.mean(t * np.log(q) + (1 - t) * np.log1p(-q)))
    dp = (-t / q + (1 - t) / (1 - q)) / q.size
    return loss, dp.astype(p.dtype if p.dtype.kind == "f" else np.float64)
'''),
    ("4.2", "the margin widened with np.finfo(dtype).eps and the clip done by np.minimum / np.maximum", '''
def binary_cross_entropy(p, y, eps=1e-12):
    p = np.asarray(p)
    if p.dtype.kind == "f":
        eps = max(eps, float(np.finfo(p.dtype).eps))
    p = np.minimum(np.maximum(p, eps), 1.0 - eps).astype(p.dtype if p.dtype.kind == "f" else float)
    y = np.asarray(y, dtype=p.dtype)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    return loss, (p - y) / (p * (1 - p)) / p.size
'''),
    ("4.1", "np.square and an explicit count of the elements", '''
def mse_loss(y_hat, y):
    count = np.size(y_hat)
    return float(np.square(y_hat - y).sum() / count), (2.0 / count) * (y_hat - y)
'''),
    ("4.3", "z minus a logsumexp computed with np.logaddexp.reduce", '''
def log_softmax(z):
    return z - np.logaddexp.reduce(z, axis=-1, keepdims=True)
'''),
    ("4.4", "a one-hot built in the logits' dtype", '''
def cross_entropy(logits, y):
    n, c = logits.shape
    log_p = log_softmax(logits)
    onehot = np.zeros_like(logits)
    onehot[np.arange(n), y] = 1
    return float(-np.mean(np.sum(onehot * log_p, axis=1))), (np.exp(log_p) - onehot) / n
'''),
]
