"""Realistic wrong implementations of chapter 7 (nnlib/mlp.py), for tests/test_mistakes.py."""

MISTAKES = [
    ("7.1", "the variance used as the standard deviation", "variance was used as the standard deviation", '''
def init_params(layer_sizes, rng, method="he", dtype=np.float32):
    if method not in ("he", "xavier"):
        raise ValueError("choose 'he' or 'xavier'")
    layers = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        var = 2.0 / fan_in if method == "he" else 2.0 / (fan_in + fan_out)
        layers.append((rng.normal(0.0, var, size=(fan_in, fan_out)).astype(dtype), np.zeros(fan_out, dtype=dtype)))
    return layers
'''),
    ("7.1", "the weights drawn from np.random, not from rng", "rng", '''
def init_params(layer_sizes, rng, method="he", dtype=np.float32):
    if method not in ("he", "xavier"):
        raise ValueError("choose 'he' or 'xavier'")
    layers = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = np.sqrt(2.0 / fan_in if method == "he" else 2.0 / (fan_in + fan_out))
        layers.append((np.random.normal(0.0, std, size=(fan_in, fan_out)).astype(dtype),
                       np.zeros(fan_out, dtype=dtype)))
    return layers
'''),
    ("7.1", "float64 weights (dtype ignored)", "float32", '''
def init_params(layer_sizes, rng, method="he", dtype=np.float32):
    if method not in ("he", "xavier"):
        raise ValueError("choose 'he' or 'xavier'")
    layers = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = np.sqrt(2.0 / fan_in if method == "he" else 2.0 / (fan_in + fan_out))
        layers.append((rng.normal(0.0, std, size=(fan_in, fan_out)), np.zeros(fan_out)))
    return layers
'''),
    ("7.1", "fan_out used for He", "was used where fan_in", '''
def init_params(layer_sizes, rng, method="he", dtype=np.float32):
    if method not in ("he", "xavier"):
        raise ValueError("choose 'he' or 'xavier'")
    layers = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        std = np.sqrt(2.0 / fan_out if method == "he" else 2.0 / (fan_in + fan_out))
        layers.append((rng.normal(0.0, std, size=(fan_in, fan_out)).astype(dtype), np.zeros(fan_out, dtype=dtype)))
    return layers
'''),
    ("7.2", "float64 mlp_forward (the input cast to float64)", "float32", '''
def mlp_forward(X, params):
    caches = []
    h = np.asarray(X, dtype=np.float64)
    for W, b in params[:-1]:
        z, dense_cache = dense_forward(h, W, b)
        h = relu(z)
        caches.append((dense_cache, z))
    W, b = params[-1]
    scores, dense_cache = dense_forward(h, W, b)
    caches.append((dense_cache,))
    return scores, caches
'''),
    ("7.2", "a ReLU after the output layer too", "last layer has no activation", '''
def mlp_forward(X, params):
    caches = []
    h = X
    for W, b in params:
        z, dense_cache = dense_forward(h, W, b)
        h = relu(z)
        caches.append((dense_cache, z))
    return h, caches
'''),
    ("7.2", "the hidden ReLU forgotten", "hidden ReLU is missing", '''
def mlp_forward(X, params):
    caches = []
    h = X
    for W, b in params:
        h, dense_cache = dense_forward(h, W, b)
        caches.append((dense_cache,))
    return h, caches
'''),
    ("7.2", "the ReLU's output h cached instead of its input z", "holds relu(z)", '''
def mlp_forward(X, params):
    caches = []
    h = X
    for W, b in params[:-1]:
        z, dense_cache = dense_forward(h, W, b)
        h = relu(z)
        caches.append((dense_cache, h))
    W, b = params[-1]
    scores, dense_cache = dense_forward(h, W, b)
    caches.append((dense_cache,))
    return scores, caches
'''),
    ("7.2", "the dense cache unpacked into the layer's tuple (x, W, z)", "should be (dense_cache, z)", '''
def mlp_forward(X, params):
    caches = []
    h = X
    for W, b in params[:-1]:
        z, (x_in, W_in) = dense_forward(h, W, b)
        h = relu(z)
        caches.append((x_in, W_in, z))
    W, b = params[-1]
    scores, dense_cache = dense_forward(h, W, b)
    caches.append(dense_cache)
    return scores, caches
'''),
    ("7.3", "the gradients returned last layer first", "reverse order", '''
def mlp_backward(dscores, caches):
    grads = []
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache, *relu_input = caches[layer]
        dz = relu_backward(dh, relu_input[0]) if relu_input else dh
        dh, dW, db = dense_backward(dz, dense_cache)
        grads.append((dW, db))
    return grads
'''),
    ("7.3", "the ReLU's gradient skipped", "ReLU's gradient was skipped", '''
def mlp_backward(dscores, caches):
    grads = [None] * len(caches)
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dh, dW, db = dense_backward(dh, caches[layer][0])
        grads[layer] = (dW, db)
    return grads
'''),
    ("7.3", "each ReLU mask applied after the layer's dense_backward (to the layer below)", "wrong layer", '''
def mlp_backward(dscores, caches):
    grads = [None] * len(caches)
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache, *relu_input = caches[layer]
        dh, dW, db = dense_backward(dh, dense_cache)
        if relu_input:
            dh = relu_backward(dh, relu_input[0])
        grads[layer] = (dW, db)
    return grads
'''),
    ("7.3", "each layer masked with the z of the layer below (an index off by one)", "wrong layer", '''
def mlp_backward(dscores, caches):
    grads = [None] * len(caches)
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache = caches[layer][0]
        dz = relu_backward(dh, caches[layer - 1][1]) if layer > 0 else dh
        dh, dW, db = dense_backward(dz, dense_cache)
        grads[layer] = (dW, db)
    return grads
'''),
    ("7.3", "float64 gradients (dscores cast to float64)", "float32", '''
def mlp_backward(dscores, caches):
    grads = [None] * len(caches)
    dh = np.asarray(dscores, dtype=np.float64)
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache, *relu_input = caches[layer]
        dz = relu_backward(dh, relu_input[0]) if relu_input else dh
        dh, dW, db = dense_backward(dz, dense_cache)
        grads[layer] = (dW, db)
    return grads
'''),
    ("7.4", "the step goes uphill (w + lr * grad)", "uphill", '''
def train_step(X, y, params, lr):
    scores, caches = mlp_forward(X, params)
    loss, dscores = cross_entropy(scores, y)
    grads = mlp_backward(dscores, caches)
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)], float(loss)
'''),
    ("7.4", "the loss after the update returned (a second forward pass)", "loss after the update", '''
def train_step(X, y, params, lr):
    scores, caches = mlp_forward(X, params)
    loss, dscores = cross_entropy(scores, y)
    grads = mlp_backward(dscores, caches)
    stepped = [(sgd_step(W, dW, lr), sgd_step(b, db, lr)) for (W, b), (dW, db) in zip(params, grads)]
    new_loss, _ = cross_entropy(mlp_forward(X, stepped)[0], y)
    return stepped, float(new_loss)
'''),
    ("7.4", "the parameters updated in place", "modified in place", '''
def train_step(X, y, params, lr):
    scores, caches = mlp_forward(X, params)
    loss, dscores = cross_entropy(scores, y)
    grads = mlp_backward(dscores, caches)
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db
    return params, float(loss)
'''),
    ("7.4", "the loss returned as a NumPy array", "Python float", '''
def train_step(X, y, params, lr):
    scores, caches = mlp_forward(X, params)
    loss, dscores = cross_entropy(scores, y)
    grads = mlp_backward(dscores, caches)
    stepped = [(sgd_step(W, dW, lr), sgd_step(b, db, lr)) for (W, b), (dW, db) in zip(params, grads)]
    return stepped, np.array([loss])
'''),
    ("7.6", "dropout without the 1/(1-p) scale", "not scaled", '''
def dropout_forward(x, p, rng):
    mask = (rng.random(x.shape) >= p).astype(x.dtype)
    return x * mask, mask
'''),
    ("7.6", "the entries with a random number < p kept", "random number < p were kept", '''
def dropout_forward(x, p, rng):
    if p == 0:
        return x, np.ones_like(x)
    mask = ((rng.random(x.shape) < p) / (1.0 - p)).astype(x.dtype)
    return x * mask, mask
'''),
    ("7.6", "a float64 mask for float32 x", "float32", '''
def dropout_forward(x, p, rng):
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, mask
'''),
    ("7.6", "multiplied by 1 - p instead of divided", "multiplied by 1 - p", '''
def dropout_forward(x, p, rng):
    mask = ((rng.random(x.shape) >= p) * (1.0 - p)).astype(x.dtype)
    return x * mask, mask
'''),
    ("7.7", "the mask's scale dropped (a 0/1 mask)", "scale 1 / (1 - p) was dropped", '''
def dropout_backward(dout, mask):
    return dout * (mask != 0)
'''),
    ("7.7", "dout returned unchanged", "returned unchanged", '''
def dropout_backward(dout, mask):
    return dout
'''),
    ("7.7", "dout masked in place", "modified in place", '''
def dropout_backward(dout, mask):
    dout *= mask
    return dout
'''),
    ("7.5", "the error rate instead of the accuracy", "error rate", '''
def accuracy(scores, y):
    return float(np.mean(np.argmax(scores, axis=1) != y))
'''),
    ("7.5", "the count of correct rows, not the fraction", "number of correct rows", '''
def accuracy(scores, y):
    return float(np.sum(np.argmax(scores, axis=1) == y))
'''),
    ("7.5", "argmax over axis 0", None, '''
def accuracy(scores, y):
    return float(np.mean(np.argmax(scores, axis=0) == y))
'''),
    ("7.6", "the global np.random instead of the rng it is given", "np.random.*", '''
def dropout_forward(x, p, rng):
    if p == 0:
        return x, np.ones_like(x)
    mask = ((np.random.random(x.shape) >= p) / (1.0 - p)).astype(x.dtype)
    return x * mask, mask
'''),
]

#: Right implementations that differ from the reference: each must keep full marks.
CORRECT = [
    ("7.3", "the mask of the layer below applied right after each dense_backward", '''
def mlp_backward(dscores, caches):
    grads = [None] * len(caches)
    dh = dscores
    for layer in range(len(caches) - 1, -1, -1):
        dh, dW, db = dense_backward(dh, caches[layer][0])
        if layer > 0:
            dh = relu_backward(dh, caches[layer - 1][1])
        grads[layer] = (dW, db)
    return grads
'''),
    ("7.3", "a list built backwards and reversed at the end, dx computed for every layer", '''
def mlp_backward(dscores, caches):
    grads = []
    dh = dscores
    for cache in reversed(caches):
        dz = relu_backward(dh, cache[1]) if len(cache) > 1 else dh
        dh, dW, db = dense_backward(dz, cache[0])
        grads.append((dW, db))
    return grads[::-1]
'''),
    ("7.2", "the caches built with np.maximum for the ReLU and the output layer outside the loop", '''
def mlp_forward(X, params):
    caches, h = [], X
    for W, b in params[:-1]:
        z, cache = dense_forward(h, W, b)
        caches.append((cache, z))
        h = np.maximum(z, 0)
    scores, cache = dense_forward(h, *params[-1])
    return scores, caches + [(cache,)]
'''),
    ("7.6", "the mask built with np.where from the same random numbers", '''
def dropout_forward(x, p, rng):
    if not 0.0 <= p < 1.0:
        raise ValueError("p must be in [0, 1)")
    if p == 0:
        return x, np.ones_like(x)
    mask = np.where(rng.random(x.shape) < p, 0.0, 1.0 / (1.0 - p)).astype(x.dtype)
    return x * mask, mask
'''),
    ("7.4", "the new parameters built with a loop and the loss taken with .item()", '''
def train_step(X, y, params, lr):
    scores, caches = mlp_forward(X, params)
    loss, dscores = cross_entropy(scores, y)
    new_params = []
    for (W, b), (dW, db) in zip(params, mlp_backward(dscores, caches)):
        new_params.append((sgd_step(W, dW, lr), sgd_step(b, db, lr)))
    return new_params, float(np.asarray(loss).item())
'''),
]
