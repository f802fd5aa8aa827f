"""Chapter 3, The perceptron: a step neuron and the rule that trains it.

Rosenblatt's perceptron (1957-58) is one neuron with a step activation,
``predict 1 where x @ w + b >= 0, else 0``, together with a learning rule:
after every example it gets wrong, move the weights towards (label 1) or
away from (label 0) that example. On linearly separable data this stops
after finitely many mistakes (Novikoff, 1962); on XOR it never does.
"""

import numpy as np


def perceptron_predict(X, w, b):
    """Class (0 or 1) that a perceptron gives to each row of ``X``.

    This is the step neuron of chapter 2, ``step(weighted_sum(X, w, b))``,
    written out with NumPy so that this chapter stands on its own: the
    perceptron says 1 where ``X @ w + b >= 0`` (a point on the line counts
    as class 1) and 0 elsewhere. Taught in chapter 3, section 'The decision
    rule'.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        N examples with D features each.
    w : ndarray of shape (D,)
        Weights.
    b : float
        Bias.

    Returns
    -------
    ndarray of shape (N,)
        1.0 where ``X @ w + b >= 0``, 0.0 elsewhere.
    """
    ### BEGIN SOLUTION
    z = X @ w + b  # (N, D) @ (D,) -> (N,)
    return np.where(z >= 0, 1.0, 0.0)
    ### END SOLUTION


def perceptron_update(x, y, w, b, lr=1.0):
    """One step of Rosenblatt's learning rule on one example.

    With ``error = y - prediction`` (0 when the example is classified
    correctly, +1 or -1 when it is not), the new parameters are
    ``w + lr * error * x`` and ``b + lr * error``. ``w`` is not modified:
    new values are returned. Taught in chapter 3, section 'The learning rule'.

    Parameters
    ----------
    x : ndarray of shape (D,)
        One example.
    y : int or float
        Its label, 0 or 1.
    w : ndarray of shape (D,)
        Current weights.
    b : float
        Current bias.
    lr : float, optional
        Learning rate: how far one mistake moves the parameters.

    Returns
    -------
    w_new : ndarray of shape (D,)
        Updated weights (a new array).
    b_new : float
        Updated bias.
    """
    ### BEGIN SOLUTION
    prediction = perceptron_predict(x[np.newaxis, :], w, b)[0]  # (1, D) -> (1,) -> scalar
    error = y - prediction
    w_new = w + lr * error * x
    b_new = float(b + lr * error)
    return w_new, b_new
    ### END SOLUTION


def train_perceptron(X, y, epochs=10, lr=1.0):
    """Train a perceptron with Rosenblatt's rule, counting mistakes per epoch.

    Starts from ``w = 0`` and ``b = 0``. Each epoch visits the examples in
    the order given (no shuffling), and for each one counts a mistake if the
    current parameters misclassify it, then applies
    :func:`perceptron_update`. All ``epochs`` epochs run, even after an epoch
    without mistakes (nothing changes after one). Taught in chapter 3,
    section 'Training loop'.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        Training examples.
    y : ndarray of shape (N,)
        Labels, 0 or 1.
    epochs : int, optional
        Number of passes over the data.
    lr : float, optional
        Learning rate passed to :func:`perceptron_update`.

    Returns
    -------
    w : ndarray of shape (D,)
        Final weights.
    b : float
        Final bias.
    mistakes : ndarray of shape (epochs,), int
        ``mistakes[e]`` is the number of examples misclassified during epoch
        ``e`` (each checked just before its update).
    """
    ### BEGIN SOLUTION
    w = np.zeros(X.shape[1])
    b = 0.0
    mistakes = np.zeros(epochs, dtype=int)
    for e in range(epochs):
        for n in range(X.shape[0]):
            if perceptron_predict(X[n : n + 1], w, b)[0] != y[n]:  # (1, D) -> (1,)
                mistakes[e] += 1
            w, b = perceptron_update(X[n], y[n], w, b, lr)
    return w, b, mistakes
    ### END SOLUTION
