"""Chapter 2, The neuron: a weighted sum followed by an activation function.

An artificial neuron multiplies each input by a weight, adds the products and
a bias, ``z = x @ w + b``, and passes ``z`` through an activation function.
With two inputs, ``z = 0`` is a straight line that splits the plane in two:
the weights turn the line, the bias slides it. The activation decides what
the neuron says on either side: 0 or 1 (step), a probability (sigmoid), a
value in (-1, 1) (tanh), or a ramp (ReLU, chapter 1). Softmax turns C scores
into C probabilities. Written carelessly, sigmoid, tanh and softmax overflow
for large inputs; the versions here never exponentiate a large positive
number.
"""

import numpy as np


def weighted_sum(x, w, b):
    """The neuron's linear function: ``z = x @ w + b``.

    Each example's D inputs are multiplied by the D weights, the products are
    added up, and the bias is added once.
    Taught in chapter 2, section 'The linear function'.

    Parameters
    ----------
    x : ndarray of shape (N, D) or (D,)
        A batch of N examples with D features each, one per row, or a single
        example.
    w : ndarray of shape (D,)
        One weight per input.
    b : float
        Bias, added to every example's sum.

    Returns
    -------
    ndarray of shape (N,), or a scalar for a single example of shape (D,)
        ``z[n] = sum_d x[n, d] * w[d] + b``.
    """
    ### BEGIN SOLUTION
    return x @ w + b  # (N, D) @ (D,) -> (N,), or (D,) @ (D,) -> scalar
    ### END SOLUTION


def step(z):
    """Heaviside step, elementwise: 1.0 where ``z >= 0``, else 0.0.

    Note that ``step(0)`` is 1.0: a point exactly on the decision boundary
    counts as "firing" (the perceptron of chapter 3 relies on this).
    Taught in chapter 2, section 'Activation functions'.

    Parameters
    ----------
    z : ndarray of any shape, or a scalar

    Returns
    -------
    ndarray of float, same shape as z
        1.0 where ``z >= 0`` and 0.0 elsewhere (floats, not booleans).
    """
    ### BEGIN SOLUTION
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)
    ### END SOLUTION


def sigmoid(z):
    """Logistic sigmoid, elementwise: ``1 / (1 + exp(-z))``, without overflow.

    Squashes any real number into (0, 1): large negative z gives almost 0,
    large positive z almost 1, and ``sigmoid(0) = 0.5``. It must give finite,
    correct values and no overflow warning even for ``z = -1000`` or
    ``z = 1000``, where ``exp(-z)`` or ``exp(z)`` would overflow: compute
    ``exp(-|z|)``, which is never larger than 1, and use
    ``sigmoid(z) = exp(z) / (1 + exp(z))`` for negative z.
    Taught in chapter 2, section 'Activation functions'.

    Parameters
    ----------
    z : ndarray of any shape, or a scalar

    Returns
    -------
    ndarray of float, same shape as z
        Values in [0, 1] (strictly inside for moderate z).
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    small = np.exp(-np.abs(z))  # in (0, 1]: exp of a number <= 0 never overflows
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    ### END SOLUTION


def tanh(z):
    """Hyperbolic tangent, elementwise, without overflow.

    ``tanh(z) = (exp(z) - exp(-z)) / (exp(z) + exp(-z)) = 2 * sigmoid(2 z) - 1``:
    an S-shaped curve like the sigmoid, but centred on 0 with values in
    (-1, 1). It must give finite, correct values and no overflow warning for
    ``z = -1000`` or ``z = 1000`` (the first formula gives inf / inf = NaN
    there). Do not call ``np.tanh``: build it from exponentials or from your
    sigmoid.
    Taught in chapter 2, section 'Activation functions'.

    Parameters
    ----------
    z : ndarray of any shape, or a scalar

    Returns
    -------
    ndarray of float, same shape as z
        Values in [-1, 1].
    """
    ### BEGIN SOLUTION
    return 2.0 * sigmoid(2.0 * np.asarray(z, dtype=float)) - 1.0
    ### END SOLUTION


def softmax(z):
    """Turn C scores per example into C probabilities, along the last axis.

    ``softmax(z)[n, c] = exp(z[n, c]) / sum_k exp(z[n, k])``: every entry is
    positive and every row sums to 1. Subtracting each row's maximum first
    changes nothing mathematically (the factor ``exp(-max)`` cancels) but
    keeps every exponent <= 0, so nothing overflows even for scores of 1000.
    The input is not modified.
    Taught in chapter 2, section 'Softmax'.

    Parameters
    ----------
    z : ndarray of shape (N, C) or (C,)
        Scores ("logits") of C classes for each of N examples, or for one.

    Returns
    -------
    ndarray of shape (N, C) or (C,), same shape as z
        Probabilities: positive, summing to 1 along the last axis.
    """
    ### BEGIN SOLUTION
    shifted = z - np.max(z, axis=-1, keepdims=True)  # (N, C) - (N, 1) -> (N, C)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=-1, keepdims=True)  # (N, C) / (N, 1) -> (N, C)
    ### END SOLUTION


def neuron(x, w, b, activation):
    """A whole neuron: the activation applied to the weighted sum.

    ``neuron(x, w, b, sigmoid)`` is ``sigmoid(x @ w + b)``. The activation is
    any function that maps an array of sums to an array of outputs (step,
    sigmoid, tanh, relu, or one of your own); it is called once, on all N
    sums together.
    Taught in chapter 2, section 'Putting the neuron together'.

    Parameters
    ----------
    x : ndarray of shape (N, D) or (D,)
        A batch of examples, or a single example.
    w : ndarray of shape (D,)
        Weights.
    b : float
        Bias.
    activation : callable
        Elementwise function applied to the sums.

    Returns
    -------
    ndarray of shape (N,), or a scalar for a single example
        The neuron's output for each example.
    """
    ### BEGIN SOLUTION
    return activation(weighted_sum(x, w, b))
    ### END SOLUTION
