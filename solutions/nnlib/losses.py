"""Chapter 4, Measuring error: losses and their gradients.

A loss turns "how wrong is the network?" into one number that training can
push down. Each function here returns the loss and its gradient with respect
to the prediction, the first link of the backward pass (chapter 6).
"""

import numpy as np


def mse_loss(y_hat, y):
    """Mean squared error and its gradient.

    ``loss = mean((y_hat - y) ** 2)`` over every element. Taught in chapter 4,
    section 'Mean squared error'.

    Parameters
    ----------
    y_hat : ndarray of shape (N,) or (N, D)
        Predictions.
    y : ndarray of the same shape
        Targets.

    Returns
    -------
    loss : float
    dy_hat : ndarray of the same shape as y_hat
        Gradient of the loss with respect to ``y_hat``.
    """
    ### BEGIN SOLUTION
    diff = y_hat - y
    loss = float(np.mean(diff**2))
    dy_hat = 2.0 * diff / diff.size
    return loss, dy_hat
    ### END SOLUTION


def binary_cross_entropy(p, y, eps=1e-12):
    """Binary cross-entropy of predicted probabilities, and its gradient.

    ``loss = -mean(y log p + (1 - y) log(1 - p))``, with p clipped to
    ``[eps, 1 - eps]`` so that a confident wrong answer costs a large but
    finite amount. In float32, ``1 - 1e-12`` rounds to exactly 1, so the
    margin is never smaller than the dtype's resolution (about 6e-8 for
    float32). Taught in chapter 4, section 'Binary cross-entropy'.

    Parameters
    ----------
    p : ndarray of shape (N,)
        Predicted probability of class 1 for each example.
    y : ndarray of shape (N,)
        True labels, 0 or 1 (soft labels between 0 and 1 also work).
    eps : float
        Clipping margin.

    Returns
    -------
    loss : float
    dp : ndarray of shape (N,)
        Gradient of the loss with respect to ``p`` (at the clipped p), in
        the dtype of ``p``.
    """
    ### BEGIN SOLUTION
    p = np.asarray(p)
    if p.dtype.kind == "f":  # float32 cannot hold 1 - 1e-12: widen the margin to its resolution
        eps = max(eps, float(np.finfo(p.dtype).epsneg))
    p = np.clip(p, eps, 1.0 - eps)
    y = np.asarray(y, dtype=p.dtype)
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    dp = (p - y) / (p * (1 - p)) / p.size
    return loss, dp
    ### END SOLUTION


def log_softmax(z):
    """Logarithm of the softmax along the last axis, computed stably.

    ``log_softmax(z) = z - max(z) - log(sum(exp(z - max(z))))``: subtracting
    the maximum keeps every exponent at most 0, so nothing overflows and the
    largest score's log-probability is exact. Taught in chapter 4, section
    'Cross-entropy for many classes'.

    Parameters
    ----------
    z : ndarray of shape (N, C) or (C,)
        Scores (logits).

    Returns
    -------
    ndarray of the same shape as z
        Log-probabilities; ``exp`` of each row sums to 1.
    """
    ### BEGIN SOLUTION
    shifted = z - np.max(z, axis=-1, keepdims=True)  # (N, C) - (N, 1)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    ### END SOLUTION


def cross_entropy(logits, y):
    """Mean cross-entropy of class scores against integer labels, and its gradient.

    ``loss = -mean_n log_softmax(logits)[n, y[n]]``; the gradient with
    respect to the logits is ``(softmax(logits) - onehot(y)) / N``. Finite
    for scores of any size. Taught in chapter 4, section 'Cross-entropy for
    many classes'.

    Parameters
    ----------
    logits : ndarray of shape (N, C)
        Scores for each class (any real numbers).
    y : ndarray of shape (N,), int
        The true class of each example, 0 to C - 1.

    Returns
    -------
    loss : float
    dlogits : ndarray of shape (N, C)
        Gradient of the loss with respect to ``logits`` (same dtype).
    """
    ### BEGIN SOLUTION
    n = logits.shape[0]
    log_p = log_softmax(logits)  # (N, C)
    rows = np.arange(n)
    loss = float(-np.mean(log_p[rows, y]))
    dlogits = np.exp(log_p)  # softmax, (N, C)
    dlogits[rows, y] -= 1.0
    dlogits /= n
    return loss, dlogits
    ### END SOLUTION
