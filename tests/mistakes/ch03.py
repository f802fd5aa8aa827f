"""Realistic wrong implementations of chapter 3 (nnlib/perceptron.py), for tests/test_mistakes.py."""

MISTAKES = [
    ("3.1", "z > 0 where the rule is z >= 0", "z > 0 was used", '''
def perceptron_predict(X, w, b):
    return np.where(X @ w + b > 0, 1.0, 0.0)
'''),
    ("3.1", "returns booleans", "True/False", '''
def perceptron_predict(X, w, b):
    return X @ w + b >= 0
'''),
    ("3.1", "the bias subtracted", None, '''
def perceptron_predict(X, w, b):
    return np.where(X @ w - b >= 0, 1.0, 0.0)
'''),
    ("3.1", "the classes swapped", "classes are swapped", '''
def perceptron_predict(X, w, b):
    return np.where(X @ w + b >= 0, 0.0, 1.0)
'''),
    ("3.1", "np.sign(z): -1/0/+1 labels", "np.sign was used", '''
def perceptron_predict(X, w, b):
    return np.sign(X @ w + b)
'''),
    ("3.1", "(np.sign(z) + 1) / 2: 0.5 on the line", "np.sign(0)", '''
def perceptron_predict(X, w, b):
    return (np.sign(X @ w + b) + 1.0) / 2.0
'''),
    ("3.2", "the error with the wrong sign (prediction - y)", "wrong sign", '''
def perceptron_update(x, y, w, b, lr=1.0):
    prediction = perceptron_predict(x[np.newaxis, :], w, b)[0]
    error = prediction - y
    return w + lr * error * x, float(b + lr * error)
'''),
    ("3.2", "the bias never updated", "bias was not updated", '''
def perceptron_update(x, y, w, b, lr=1.0):
    prediction = perceptron_predict(x[np.newaxis, :], w, b)[0]
    error = y - prediction
    return w + lr * error * x, b
'''),
    ("3.2", "w updated in place (w += ...)", "modified in place", '''
def perceptron_update(x, y, w, b, lr=1.0):
    prediction = perceptron_predict(x[np.newaxis, :], w, b)[0]
    error = y - prediction
    w += lr * error * x
    return w, float(b + lr * error)
'''),
    ("3.2", "b_new returned as a 1-element array", "single number", '''
def perceptron_update(x, y, w, b, lr=1.0):
    prediction = perceptron_predict(x[np.newaxis, :], w, b)
    error = y - prediction
    return w + lr * error[0] * x, b + lr * error
'''),
    ("3.3", "the mistake count never reset between epochs", "reset the count", '''
def train_perceptron(X, y, epochs=10, lr=1.0):
    w = np.zeros(X.shape[1])
    b = 0.0
    mistakes = np.zeros(epochs, dtype=int)
    count = 0
    for e in range(epochs):
        for n in range(X.shape[0]):
            if perceptron_predict(X[n : n + 1], w, b)[0] != y[n]:
                count += 1
            w, b = perceptron_update(X[n], y[n], w, b, lr)
        mistakes[e] = count
    return w, b, mistakes
'''),
    ("3.3", "lr never passed on to perceptron_update", "lr was not passed on", '''
def train_perceptron(X, y, epochs=10, lr=1.0):
    w = np.zeros(X.shape[1])
    b = 0.0
    mistakes = np.zeros(epochs, dtype=int)
    for e in range(epochs):
        for n in range(X.shape[0]):
            if perceptron_predict(X[n : n + 1], w, b)[0] != y[n]:
                mistakes[e] += 1
            w, b = perceptron_update(X[n], y[n], w, b)
    return w, b, mistakes
'''),
    ("3.3", "mistakes as a float array", "whole numbers", '''
def train_perceptron(X, y, epochs=10, lr=1.0):
    w = np.zeros(X.shape[1])
    b = 0.0
    mistakes = np.zeros(epochs)
    for e in range(epochs):
        for n in range(X.shape[0]):
            if perceptron_predict(X[n : n + 1], w, b)[0] != y[n]:
                mistakes[e] += 1
            w, b = perceptron_update(X[n], y[n], w, b, lr)
    return w, b, mistakes
'''),
    ("3.3", "the examples shuffled in place before each epoch", "modified in place", '''
def train_perceptron(X, y, epochs=10, lr=1.0):
    w = np.zeros(X.shape[1])
    b = 0.0
    mistakes = np.zeros(epochs, dtype=int)
    rng = np.random.default_rng(0)
    for e in range(epochs):
        order = rng.permutation(len(X))
        X[:] = X[order]
        y[:] = y[order]
        for n in range(X.shape[0]):
            if perceptron_predict(X[n : n + 1], w, b)[0] != y[n]:
                mistakes[e] += 1
            w, b = perceptron_update(X[n], y[n], w, b, lr)
    return w, b, mistakes
'''),
    ("3.1", "np.maximum(np.sign(z), 0): np.sign(0) = 0 puts the line in class 0", "np.sign(0) = 0", '''
def perceptron_predict(X, w, b):
    return np.maximum(np.sign(X @ w + b), 0.0)
'''),
    ("3.2", "the error taken from z (the delta rule), not from the prediction", "delta rule", '''
def perceptron_update(x, y, w, b, lr=1.0):
    error = y - (x @ w + b)
    return w + lr * error * x, float(b + lr * error)
'''),
    ("3.2", "lr applied to the weights but not to the bias", "bias moved by error instead of lr * error", '''
def perceptron_update(x, y, w, b, lr=1.0):
    prediction = perceptron_predict(x[np.newaxis, :], w, b)[0]
    error = y - prediction
    return w + lr * error * x, float(b + error)
'''),
    ("3.2", "the prediction made with z > 0", "z > 0", '''
def perceptron_update(x, y, w, b, lr=1.0):
    prediction = 1.0 if x @ w + b > 0 else 0.0
    error = y - prediction
    return w + lr * error * x, float(b + lr * error)
'''),
    ("3.3", "mistakes counted after each epoch with the epoch's final weights", "during the epoch", '''
def train_perceptron(X, y, epochs=10, lr=1.0):
    w = np.zeros(X.shape[1])
    b = 0.0
    mistakes = np.zeros(epochs, dtype=int)
    for e in range(epochs):
        for n in range(X.shape[0]):
            w, b = perceptron_update(X[n], y[n], w, b, lr)
        mistakes[e] = int(np.sum(perceptron_predict(X, w, b) != y))
    return w, b, mistakes
'''),
    ("3.2", "the label used in place of the error (w and b change even when right)", "instead of the error", '''
def perceptron_update(x, y, w, b, lr=1.0):
    return w + lr * y * x, float(b + lr * y)
'''),
]

#: Right implementations that differ from the reference: each must keep full marks.
CORRECT = [
    ("3.1", "np.heaviside(z, 1.0)", '''
def perceptron_predict(X, w, b):
    return np.heaviside(X @ w + b, 1.0)
'''),
    ("3.1", "(np.sign(z) >= 0) as floats, with an einsum", '''
def perceptron_predict(X, w, b):
    return (np.sign(np.einsum("nd,d->n", X, w) + b) >= 0).astype(float)
'''),
    ("3.2", "the update written with an if: nothing changes unless the example is misclassified", '''
def perceptron_update(x, y, w, b, lr=1.0):
    if (x @ w + b >= 0) == bool(y):
        return w.copy(), float(b)
    sign = 1.0 if y == 1 else -1.0
    return w + lr * sign * x, float(b + lr * sign)
'''),
    ("3.3", "mistakes kept in a Python list, converted at the end", '''
def train_perceptron(X, y, epochs=10, lr=1.0):
    w, b = np.zeros(X.shape[1]), 0.0
    counts = []
    for _ in range(epochs):
        wrong = 0
        for x_n, y_n in zip(X, y):
            wrong += int(perceptron_predict(x_n[None, :], w, b)[0] != y_n)
            w, b = perceptron_update(x_n, y_n, w, b, lr)
        counts.append(wrong)
    return w, b, np.array(counts)
'''),
]
