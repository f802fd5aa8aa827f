"""Realistic wrong implementations of chapter 1 (nnlib/functions.py), for tests/test_mistakes.py."""

MISTAKES = [
    ("1.1", "np.max instead of np.maximum (one number for the whole array)", "np.maximum", '''
def relu(z):
    return np.max(z, 0)
'''),
    ("1.1", "Python's max on an array", "truth value of an array is ambiguous", '''
def relu(z):
    return max(z, 0)
'''),
    ("1.1", "in place: z[z < 0] = 0 modifies the input", "modified in place", '''
def relu(z):
    z[z < 0] = 0.0
    return z
'''),
    ("1.1", "min instead of max", "min(z, 0)", '''
def relu(z):
    return np.minimum(z, 0.0)
'''),
    ("1.2", "relu left out (the hinges never bend)", "relu was left out", '''
def sum_of_relus(x, w, b, v):
    return (np.outer(x, w) + b) @ v
'''),
    ("1.2", "relu applied after the weighted sum", "relu is applied after the weighted sum", '''
def sum_of_relus(x, w, b, v):
    return relu((np.outer(x, w) + b) @ v)
'''),
    ("1.2", "v left out", "v is missing", '''
def sum_of_relus(x, w, b, v):
    return relu(np.outer(x, w) + b).sum(axis=1)
'''),
    ("1.2", "the bias subtracted", "b is subtracted instead of added", '''
def sum_of_relus(x, w, b, v):
    return relu(np.outer(x, w) - b) @ v
'''),
    ("1.1", "the indicator z > 0 instead of z itself", "whether z is positive", '''
def relu(z):
    return np.where(z > 0, 1.0, 0.0)
'''),
    ("1.1", "np.abs(z): negatives flipped instead of zeroed", "|z|", '''
def relu(z):
    return np.abs(z)
'''),
    ("1.2", "summed over the points (axis 0) instead of the hinges", "one value per hinge", '''
def sum_of_relus(x, w, b, v):
    return np.sum(v * relu(x[:, None] * w + b), axis=0)
'''),
    ("1.2", "relu applied after multiplying by v", "v * relu(w * x + b)", '''
def sum_of_relus(x, w, b, v):
    return relu(x[:, None] * w * v + b * v).sum(axis=1)
'''),
    ("1.1", "the result cast to integers", "converted to integers", '''
def relu(z):
    return np.maximum(z, 0).astype(int)
'''),
    ("1.2", "w and b swapped", "w and b are swapped", '''
def sum_of_relus(x, w, b, v):
    return relu(np.outer(x, b) + w) @ v
'''),
    ("1.2", "the weighted hinges averaged instead of summed", "averaged instead of summed", '''
def sum_of_relus(x, w, b, v):
    return np.mean(relu(np.outer(x, w) + b) * v, axis=1)
'''),
]

#: Right implementations that differ from the reference: each must keep full marks.
CORRECT = [
    ("1.1", "z * (z > 0)", '''
def relu(z):
    return z * (z > 0)
'''),
    ("1.1", "np.where(z > 0, z, 0.0)", '''
def relu(z):
    return np.where(z > 0, z, 0.0)
'''),
    ("1.2", "a Python loop over the hinges", '''
def sum_of_relus(x, w, b, v):
    total = np.zeros(x.shape[0])
    for h in range(w.shape[0]):
        total = total + v[h] * relu(w[h] * x + b[h])
    return total
'''),
]
