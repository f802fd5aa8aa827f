"""Realistic wrong implementations of chapter 6 (nnlib/layers.py), for tests/test_mistakes.py."""

MISTAKES = [
    ("6.1", "W transposed (x @ W.T)", "W was transposed", '''
def dense_forward(x, W, b):
    return x @ W.T + b, (x, W)
'''),
    ("6.1", "the bias left out", "bias was left out", '''
def dense_forward(x, W, b):
    return x @ W, (x, W)
'''),
    ("6.1", "the cache holds (W, x)", "in that order", '''
def dense_forward(x, W, b):
    return x @ W + b, (W, x)
'''),
    ("6.1", "the cache is a dict", "plain tuple", '''
def dense_forward(x, W, b):
    return x @ W + b, {"x": x, "W": W}
'''),
    ("6.2", "dense_backward with db summed over axis 1", "axis=1", '''
def dense_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=1)
'''),
    ("6.2", "the transpose of W missing in dx", "missing its transpose", '''
def dense_backward(dout, cache):
    x, W = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)
'''),
    ("6.2", "dW = dout @ x, factors the wrong way round", "transposed", '''
def dense_backward(dout, cache):
    x, W = cache
    return dout @ W.T, (dout.T @ x), dout.sum(axis=0)
'''),
    ("6.2", "dW and db averaged over the batch", "averaged over the batch", '''
def dense_backward(dout, cache):
    x, W = cache
    n = x.shape[0]
    return dout @ W.T, x.T @ dout / n, dout.mean(axis=0)
'''),
    ("6.3", "the mask from dout instead of z", "mask came from dout", '''
def relu_backward(dout, z):
    return dout * (dout > 0)
'''),
    ("6.3", "z >= 0 lets the gradient through at the kink", "z = 0", '''
def relu_backward(dout, z):
    return dout * (z >= 0)
'''),
    ("6.3", "dout modified in place (dout[z <= 0] = 0)", "modified in place", '''
def relu_backward(dout, z):
    dout[z <= 0] = 0
    return dout
'''),
    ("6.4", "the sigmoid applied to s again", "applied again", '''
def sigmoid_backward(dout, s):
    t = 1.0 / (1.0 + np.exp(-s))
    return dout * t * (1 - t)
'''),
    ("6.4", "dout left out", "dout was not multiplied in", '''
def sigmoid_backward(dout, s):
    return s * (1 - s)
'''),
    ("6.4", "tanh's slope used for the sigmoid", "tanh's slope", '''
def sigmoid_backward(dout, s):
    return dout * (1 - s * s)
'''),
    ("6.5", "tanh applied to t again", "tanh was applied again", '''
def tanh_backward(dout, t):
    return dout * (1 - np.tanh(t) ** 2)
'''),
    ("6.5", "t not squared", "t was not squared", '''
def tanh_backward(dout, t):
    return dout * (1 - t)
'''),
    ("6.5", "a float64 constant array upcasts float32", "float32", '''
def tanh_backward(dout, t):
    return dout * (np.ones(np.shape(t)) - t * t)
'''),
    ("6.6", "the absolute error, not divided by max(|a|, |n|, 0.01)", "absolute error", '''
def gradient_check(f, x, analytic, eps=1e-6):
    numeric = numerical_gradient(f, x, eps)
    return float(np.max(np.abs(np.asarray(analytic, dtype=np.float64) - numeric)))
'''),
    ("6.6", "the mean relative error instead of the largest", "averages the errors", '''
def gradient_check(f, x, analytic, eps=1e-6):
    numeric = numerical_gradient(f, x, eps)
    exact = np.asarray(analytic, dtype=np.float64)
    scale = np.maximum(1.0, np.maximum(np.abs(exact), np.abs(numeric)))
    return float(np.mean(np.abs(exact - numeric) / scale))
'''),
    ("6.6", "eps not passed on (always 1e-6)", "eps was ignored", '''
def gradient_check(f, x, analytic, eps=1e-6):
    numeric = numerical_gradient(f, x)
    exact = np.asarray(analytic, dtype=np.float64)
    scale = np.maximum(1.0, np.maximum(np.abs(exact), np.abs(numeric)))
    return float(np.max(np.abs(exact - numeric) / scale))
'''),
    ("6.6", "no floor in the denominator (0/0 where both slopes are 0)", "no floor", '''
def gradient_check(f, x, analytic, eps=1e-6):
    numeric = numerical_gradient(f, x, eps)
    exact = np.asarray(analytic, dtype=np.float64)
    scale = np.maximum(np.abs(exact), np.abs(numeric))
    return float(np.max(np.abs(exact - numeric) / scale))
'''),
    ("6.6", "a floor of 1 (absolute error below 1: a small, 100%-wrong gradient scores small)",
     "max(1, |a|, |n|)", '''
def gradient_check(f, x, analytic, eps=1e-6):
    numeric = numerical_gradient(f, x, eps)
    exact = np.asarray(analytic, dtype=np.float64)
    scale = np.maximum(1.0, np.maximum(np.abs(exact), np.abs(numeric)))
    return float(np.max(np.abs(exact - numeric) / scale))
'''),
    ("6.6", "a floor of 1e-12 (rounding noise around a zero gradient looks like a large error)", None, '''
def gradient_check(f, x, analytic, eps=1e-6):
    numeric = numerical_gradient(f, x, eps)
    exact = np.asarray(analytic, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(exact), np.abs(numeric)), 1e-12)
    return float(np.max(np.abs(exact - numeric) / scale))
'''),
]
