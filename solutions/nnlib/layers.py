"""Chapter 6, Backpropagation: layers as forward/backward pairs.

Each layer is two functions. The forward function computes the output and a
``cache`` of what the backward function will need. The backward function
takes the gradient of the loss with respect to the output, ``dout``, and
returns the gradients with respect to the forward's inputs, in the same
order. Chaining backward functions from the loss back to the input is
backpropagation.
"""

import numpy as np

from .optim import numerical_gradient


def dense_forward(X, W, b):
    """A fully connected (dense) layer: ``out = X @ W + b``.

    Taught in chapter 6, section 'A dense layer'.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        A batch of N examples.
    W : ndarray of shape (D, H)
    b : ndarray of shape (H,)

    Returns
    -------
    out : ndarray of shape (N, H)
    cache : tuple
        ``(X, W)``, for :func:`dense_backward`.
    """
    ### BEGIN SOLUTION
    out = X @ W  # (N, D) @ (D, H) -> (N, H)
    out += b  # in place: no second (N, H) array
    return out, (X, W)
    ### END SOLUTION


def dense_backward(dout, cache):
    """Gradients of a dense layer with respect to X, W and b.

    Taught in chapter 6, section 'A dense layer'.

    Parameters
    ----------
    dout : ndarray of shape (N, H)
        Gradient of the loss with respect to the layer's output.
    cache : tuple
        ``(X, W)`` from :func:`dense_forward`.

    Returns
    -------
    dX : ndarray of shape (N, D)
    dW : ndarray of shape (D, H)
    db : ndarray of shape (H,)
    """
    ### BEGIN SOLUTION
    X, W = cache
    dX = dout @ W.T  # (N, H) @ (H, D) -> (N, D)
    dW = X.T @ dout  # (D, N) @ (N, H) -> (D, H)
    db = dout.sum(axis=0)  # (N, H) -> (H,)
    return dX, dW, db
    ### END SOLUTION


def relu_backward(dout, z):
    """Gradient through a ReLU: ``dout`` where its input was positive, else 0.

    Taught in chapter 6, section 'Activations backwards'.

    Parameters
    ----------
    dout : ndarray of any shape
        Gradient of the loss with respect to ``relu(z)``.
    z : ndarray of the same shape
        The input the ReLU received in the forward pass.

    Returns
    -------
    ndarray of the same shape: the gradient with respect to z.
    """
    ### BEGIN SOLUTION
    return dout * (z > 0)
    ### END SOLUTION


def sigmoid_backward(dout, s):
    """Gradient through a sigmoid, from its output: ``dout * s * (1 - s)``.

    Taught in chapter 6, section 'Activations backwards'.

    Parameters
    ----------
    dout : ndarray of any shape
        Gradient of the loss with respect to the sigmoid's output.
    s : ndarray of the same shape
        The sigmoid's output in the forward pass.

    Returns
    -------
    ndarray of the same shape: the gradient with respect to its input.
    """
    ### BEGIN SOLUTION
    return dout * s * (1 - s)
    ### END SOLUTION


def tanh_backward(dout, t):
    """Gradient through tanh, from its output: ``dout * (1 - t ** 2)``.

    Taught in chapter 6, section 'Activations backwards'.

    Parameters
    ----------
    dout : ndarray of any shape
        Gradient of the loss with respect to tanh's output.
    t : ndarray of the same shape
        tanh's output in the forward pass.

    Returns
    -------
    ndarray of the same shape: the gradient with respect to its input.
    """
    ### BEGIN SOLUTION
    return dout * (1 - t * t)
    ### END SOLUTION


def gradient_check(f, x, analytic, eps=1e-6):
    """Largest relative error between an analytic gradient and central differences.

    For every entry i the numerical slope is
    ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, computed in float64 (use
    your :func:`nnlib.optim.numerical_gradient` from chapter 5), and the
    relative error is ``|a - n| / max(|a|, |n|, 0.01)``: the difference as a
    fraction of the gradient's size, with sizes below 0.01 counted as 0.01 so
    that two zeros give 0 rather than 0/0 and rounding noise near a zero
    gradient stays small. Below 1e-6 the analytic gradient is right (the
    threshold of :func:`nnlib.testing.check_gradient`); far above, it has a
    bug. Taught in chapter 6, section 'Checking gradients'.

    Parameters
    ----------
    f : callable
        Maps an array shaped like x to a float.
    x : ndarray of any shape
        Where to check (left unchanged).
    analytic : ndarray of the same shape as x
        The gradient to check.
    eps : float
        The nudge, passed on to the numerical gradient.

    Returns
    -------
    float
        The largest relative error over all entries.
    """
    ### BEGIN SOLUTION
    numeric = numerical_gradient(f, x, eps)  # chapter 5's central differences
    exact = np.asarray(analytic, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(exact), np.abs(numeric)), 0.01)  # the floor: never 0/0
    return float(np.max(np.abs(exact - numeric) / scale))
    ### END SOLUTION
