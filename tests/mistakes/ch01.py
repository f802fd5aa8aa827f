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
    ("1.2", "the bias subtracted", None, '''
def sum_of_relus(x, w, b, v):
    return relu(np.outer(x, w) - b) @ v
'''),
]
