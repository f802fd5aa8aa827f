"""Realistic wrong implementations of chapter 2 (nnlib/neurons.py), for tests/test_mistakes.py."""

MISTAKES = [
    ("2.1", "the bias left out", "the bias was left out", '''
def weighted_sum(x, w, b):
    return x @ w
'''),
    ("2.1", "elementwise product summed over the wrong axis", "one number per feature", '''
def weighted_sum(x, w, b):
    return np.sum(x * w, axis=0) + b
'''),
    ("2.1", "the bias added to every product before summing", "D times", '''
def weighted_sum(x, w, b):
    return np.sum(x * w + b, axis=-1)
'''),
    ("2.2", "z > 0 where the rule is z >= 0", "z > 0 was used", '''
def step(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)
'''),
    ("2.2", "returns booleans", "floats", '''
def step(z):
    return np.asarray(z) >= 0
'''),
    ("2.2", "0 and 1 swapped", "swapped", '''
def step(z):
    return np.where(np.asarray(z) >= 0, 0.0, 1.0)
'''),
    ("2.3", "the textbook sigmoid 1 / (1 + exp(-z)), which overflows", "floating-point error", '''
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
'''),
    ("2.3", "a stable-looking np.where whose discarded branch still overflows", "np.where", '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
'''),
    ("2.3", "the sign in exp flipped", "sign in exp is flipped", '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, small / (1.0 + small), 1.0 / (1.0 + small))
'''),
    ("2.4", "the textbook formula (e^z - e^-z) / (e^z + e^-z), which overflows", "overflow", '''
def tanh(z):
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
'''),
    ("2.4", "2 sigmoid(z) - 1: the argument should be 2z", "argument should be 2z", '''
def tanh(z):
    return 2.0 * sigmoid(np.asarray(z, dtype=float)) - 1.0
'''),
    ("2.4", "sigmoid(2z) without the 2 * ... - 1", "subtract 1 from twice it", '''
def tanh(z):
    return sigmoid(2.0 * np.asarray(z, dtype=float))
'''),
    ("2.5", "softmax without the max shift (overflows on large scores)", "floating-point error", '''
def softmax(z):
    exps = np.exp(z)
    return exps / np.sum(exps, axis=-1, keepdims=True)
'''),
    ("2.5", "softmax over axis 0", "axis 0", '''
def softmax(z):
    shifted = z - np.max(z, axis=0, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=0, keepdims=True)
'''),
    ("2.5", "the row sums without keepdims", "keepdims", '''
def softmax(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1)
'''),
    ("2.5", "shifting in place (z -= max) modifies the input", "modified in place", '''
def softmax(z):
    z -= np.max(z, axis=-1, keepdims=True)
    exps = np.exp(z)
    return exps / np.sum(exps, axis=-1, keepdims=True)
'''),
    ("2.6", "the bias added after the activation", "bias was added after the activation", '''
def neuron(x, w, b, activation):
    return activation(x @ w) + b
'''),
    ("2.6", "the activation not applied", "activation was not applied", '''
def neuron(x, w, b, activation):
    return weighted_sum(x, w, b)
'''),
    ("2.6", "the activation applied row by row in a loop", "exactly once", '''
def neuron(x, w, b, activation):
    sums = weighted_sum(x, w, b)
    if np.ndim(sums) == 0:
        return activation(sums)
    return np.array([activation(s) for s in sums])
'''),
    ("2.5", "the global maximum subtracted instead of each row's", "0 / 0", '''
def softmax(z):
    exps = np.exp(z - np.max(z))
    return exps / np.sum(exps, axis=-1, keepdims=True)
'''),
    ("2.4", "np.tanh, which the exercise forbids", "np.tanh", '''
def tanh(z):
    return np.tanh(z)
'''),
    ("2.4", "np.tanh behind a float conversion", "np.tanh", '''
def tanh(z):
    return np.tanh(np.asarray(z, dtype=float))
'''),
    ("2.5", "neither the maximum nor the sum keeps its axis", "keepdims", '''
def softmax(z):
    shifted = z - np.max(z, axis=-1)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1)
'''),
    ("2.3", "1 - 1 / (1 + exp(z)) for negative z: the tail rounds to 0", "too early", '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + small), 1.0 - 1.0 / (1.0 + small))
'''),
    ("2.1", "the bias subtracted", "bias was subtracted", '''
def weighted_sum(x, w, b):
    return x @ w - b
'''),
    ("2.2", "np.heaviside(z, 0): 0 at z = 0", "z > 0 was used", '''
def step(z):
    return np.heaviside(np.asarray(z, dtype=float), 0.0)
'''),
    ("2.2", "(np.sign(z) + 1) / 2: 0.5 at z = 0", "0.5", '''
def step(z):
    return (np.sign(np.asarray(z, dtype=float)) + 1.0) / 2.0
'''),
    ("2.2", "returns integers", "floats", '''
def step(z):
    return (np.asarray(z) >= 0).astype(int)
'''),
    ("2.6", "the bias left out", "bias was left out", '''
def neuron(x, w, b, activation):
    return activation(x @ w)
'''),
    ("2.6", "the activation applied to the inputs", "applied to the inputs", '''
def neuron(x, w, b, activation):
    return weighted_sum(activation(x), w, b)
'''),
    ("2.5", "axis=1 hard-coded (fails for one example of shape (C,))", "axis=-1", '''
def softmax(z):
    exps = np.exp(z - np.max(z, axis=1, keepdims=True))
    return exps / np.sum(exps, axis=1, keepdims=True)
'''),
    ("2.6", "the bias subtracted", "bias was subtracted", '''
def neuron(x, w, b, activation):
    return activation(x @ w - b)
'''),
]

#: Right implementations that differ from the reference: each must keep full marks.
CORRECT = [
    ("2.3", "the textbook formula with z clipped to [-500, 500] (error below 1e-217)", '''
def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=float), -500.0, 500.0)
    return 1.0 / (1.0 + np.exp(-z))
'''),
    ("2.3", "exp(z - logaddexp(0, z))", '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))
'''),
    ("2.4", "sigmoid(2z) - sigmoid(-2z)", '''
def tanh(z):
    z = np.asarray(z, dtype=float)
    return sigmoid(2.0 * z) - sigmoid(-2.0 * z)
'''),
    ("2.4", "sign(z) (1 - e) / (1 + e) with e = exp(-2|z|)", '''
def tanh(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-2.0 * np.abs(z))
    return np.sign(z) * (1.0 - e) / (1.0 + e)
'''),
    ("2.5", "the maximum subtracted, then exps normalised with a division by a (N, 1) reshape", '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    exps = np.exp(z - z.max(axis=-1, keepdims=True))
    total = exps.sum(axis=-1)
    return exps / total[..., None]
'''),
    ("2.5", "exp(z - logsumexp(z)) per row", '''
def softmax(z):
    z = np.asarray(z, dtype=float)
    top = np.max(z, axis=-1, keepdims=True)
    return np.exp(z - top - np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True)))
'''),
    ("2.2", "np.heaviside(z, 1.0)", '''
def step(z):
    return np.heaviside(np.asarray(z, dtype=float), 1.0)
'''),
    ("2.6", "activation(np.dot(x, w) + b)", '''
def neuron(x, w, b, activation):
    return activation(np.dot(x, w) + b)
'''),
]
