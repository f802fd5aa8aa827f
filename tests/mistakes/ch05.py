"""Realistic wrong implementations of chapter 5 (nnlib/optim.py), for tests/test_mistakes.py."""

MISTAKES = [
    ("5.1", "a one-sided difference (f(x + eps) - f(x)) / eps", "one-sided difference", '''
def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    base = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (f(x) - base) / eps
        x[i] = old
    return grad
'''),
    ("5.1", "divided by eps instead of 2 eps", "dividing by eps instead of 2 eps", '''
def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / eps
    return grad
'''),
    ("5.1", "nudges x itself and never puts it back", "nudge a copy", '''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        grad[i] = (up - down) / (2 * eps)
    return grad
'''),
    ("5.2", "the steps go uphill (x + lr * grad)", "uphill", '''
def gradient_descent(grad_fn, x0, lr, steps):
    path = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] + lr * grad_fn(path[-1]))
    return path[-1], np.stack(path)
'''),
    ("5.2", "x0 left out of the path", "starts with x0", '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.asarray(x0, dtype=float)
    path = []
    for _ in range(steps):
        x = x - lr * grad_fn(x)
        path.append(x)
    return x, np.stack(path) if path else np.zeros((0, x.size))
'''),
    ("5.2", "x updated in place with -=, so every row of the path is the same array", "updated in place", '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        x -= lr * grad_fn(x)
        path.append(x)
    return x, np.stack(path)
'''),
    ("5.2", "x0 itself updated in place (x = x0; x -= ...): the caller's x0 moves", "x0 was modified in place", '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = x0
    path = [x0.copy()]
    for _ in range(steps):
        x -= lr * grad_fn(x)
        path.append(x.copy())
    return x, np.stack(path)
'''),
    ("5.3", "in-place shuffle rng.shuffle(X) (changes the caller's data)", "modified in place", '''
def iterate_minibatches(X, y, batch_size, rng):
    order = rng.permutation(X.shape[0])
    X[:] = X[order]
    y[:] = y[order]
    return [(X[s : s + batch_size], y[s : s + batch_size]) for s in range(0, len(X), batch_size)]
'''),
    ("5.3", "X and y shuffled with two different permutations", "one permutation", '''
def iterate_minibatches(X, y, batch_size, rng):
    order_x, order_y = rng.permutation(X.shape[0]), rng.permutation(X.shape[0])
    return [(X[order_x[s : s + batch_size]], y[order_y[s : s + batch_size]]) for s in range(0, len(X), batch_size)]
'''),
    ("5.3", "the last, smaller batch dropped", "last, smaller batch is missing", '''
def iterate_minibatches(X, y, batch_size, rng):
    order = rng.permutation(X.shape[0])
    full = len(order) // batch_size * batch_size
    return [(X[order[s : s + batch_size]], y[order[s : s + batch_size]]) for s in range(0, full, batch_size)]
'''),
    ("5.3", "no shuffling at all", "not shuffled", '''
def iterate_minibatches(X, y, batch_size, rng):
    return [(X[s : s + batch_size], y[s : s + batch_size]) for s in range(0, len(X), batch_size)]
'''),
    ("5.4", "the gradient added", "gradient was added", '''
def sgd_step(w, dw, lr):
    return w + lr * dw
'''),
    ("5.4", "updated in place (w -= lr * dw)", "modified in place", '''
def sgd_step(w, dw, lr):
    w -= lr * dw
    return w
'''),
    ("5.4", "a float64 learning-rate array upcasts float32 weights", "float32", '''
def sgd_step(w, dw, lr):
    return w - np.array(lr, dtype=np.float64) * dw.astype(np.float64)
'''),
    ("5.5", "velocity = beta * velocity + (1 - beta) * dw (another convention)", "(1 - beta) * dw", '''
def momentum_step(w, dw, velocity, lr, beta=0.9):
    velocity = beta * velocity + (1 - beta) * dw
    return w - lr * velocity, velocity
'''),
    ("5.5", "w updated with the old velocity", "old velocity", '''
def momentum_step(w, dw, velocity, lr, beta=0.9):
    new_velocity = beta * velocity + dw
    return w - lr * velocity, new_velocity
'''),
    ("5.5", "the velocity updated in place", "modified in place", '''
def momentum_step(w, dw, velocity, lr, beta=0.9):
    velocity *= beta
    velocity += dw
    return w - lr * velocity, velocity
'''),
    ("5.5", "the old velocity returned (the new one used for the step only)", "old velocity was returned", '''
def momentum_step(w, dw, velocity, lr, beta=0.9):
    new_velocity = beta * velocity + dw
    return w - lr * new_velocity, velocity
'''),
    ("5.6", "adam without bias correction", "bias correction is missing", '''
def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    return w - lr * m / (np.sqrt(v) + eps), m, v
'''),
    ("5.6", "eps inside the square root", "inside the square root", '''
def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v
'''),
    ("5.6", "the bias-corrected m_hat and v_hat returned as the state", "bias-corrected m_hat was returned", '''
def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
'''),
    ("5.6", "the bias correction with t + 1", "t + 1", '''
def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
'''),
    ("5.7", "rho and 1 - rho swapped", "rho and 1 - rho are swapped", '''
def rmsprop_step(w, dw, s, lr, rho=0.9, eps=1e-8):
    s = (1 - rho) * s + rho * dw * dw
    return w - lr * dw / (np.sqrt(s) + eps), s
'''),
    ("5.7", "the square root forgotten (divided by s)", "square root is missing", '''
def rmsprop_step(w, dw, s, lr, rho=0.9, eps=1e-8):
    s = rho * s + (1 - rho) * dw * dw
    return w - lr * dw / (s + eps), s
'''),
    ("5.7", "the old running average returned", "old s was returned", '''
def rmsprop_step(w, dw, s, lr, rho=0.9, eps=1e-8):
    new_s = rho * s + (1 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(new_s) + eps), s
'''),
    ("5.7", "s updated in place (s *= rho; s += ...)", "modified in place", '''
def rmsprop_step(w, dw, s, lr, rho=0.9, eps=1e-8):
    s *= rho
    s += (1 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(s) + eps), s
'''),
    ("5.1", "a copy of x that keeps its dtype (a float32 x loses most of the nudge)", "float64", '''
def numerical_gradient(f, x, eps=1e-6):
    x = x.copy()
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
'''),
    ("5.3", "the global np.random instead of the rng it is given", "rng.permutation", '''
def iterate_minibatches(X, y, batch_size, rng):
    order = np.random.permutation(X.shape[0])
    return [(X[order[s : s + batch_size]], y[order[s : s + batch_size]]) for s in range(0, len(order), batch_size)]
'''),
]

#: Right implementations that differ from the reference: each must keep full marks.
CORRECT = [
    ("5.2", "a preallocated path filled row by row", '''
def gradient_descent(grad_fn, x0, lr, steps):
    x0 = np.asarray(x0, dtype=float)
    path = np.empty((steps + 1, x0.size))
    path[0] = x0
    for k in range(steps):
        path[k + 1] = path[k] - lr * np.asarray(grad_fn(path[k].copy()))
    return path[-1].copy(), path
'''),
    ("5.2", "a copy of x0 updated with -= and copied into the path", '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = [x.copy()]
    for _ in range(steps):
        x -= lr * grad_fn(x)
        path.append(x.copy())
    return x, np.array(path)
'''),
    ("5.3", "the order taken with np.take and batches sliced with a while loop", '''
def iterate_minibatches(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    batches, start = [], 0
    while start < len(order):
        chosen = order[start:start + batch_size]
        batches.append((np.take(X, chosen, axis=0), np.take(y, chosen, axis=0)))
        start += batch_size
    return batches
'''),
    ("5.5", "the velocity and the step written in one expression each, with np.add", '''
def momentum_step(w, dw, velocity, lr, beta=0.9):
    new_velocity = np.add(beta * velocity, dw)
    return np.subtract(w, lr * new_velocity), new_velocity
'''),
    ("5.6", "the bias corrections applied as one factor on the step", '''
def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * np.square(dw)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * (m_hat / (np.sqrt(v_hat) + eps)), m, v
'''),
    ("5.7", "np.square, np.divide and the step computed first", '''
def rmsprop_step(w, dw, s, lr, rho=0.9, eps=1e-8):
    new_s = np.add(rho * s, (1 - rho) * np.square(dw))
    step = lr * np.divide(dw, np.sqrt(new_s) + eps)
    return w - step, new_s
'''),
]
