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
    raise NotImplementedError("Exercise 3.1: implement perceptron_predict (chapter 3, section 'The decision rule')")


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
    raise NotImplementedError("Exercise 3.2: implement perceptron_update (chapter 3, section 'The learning rule')")


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
    raise NotImplementedError("Exercise 3.3: implement train_perceptron (chapter 3, section 'Training loop')")
