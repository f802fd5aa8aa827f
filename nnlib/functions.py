"""Chapter 1, Problems as functions: a network is a function you can bend.

A one-hidden-layer ReLU network is a sum of "hinges": each hidden unit
contributes a bent line, and adding enough of them approximates any
continuous curve on an interval.
"""

import numpy as np


def relu(z):
    """Rectified linear unit, applied elementwise: ``max(z, 0)``.

    Taught in chapter 1, section 'A kink you can bend'.

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as z
        ``z`` where it is positive, 0 elsewhere.
    """
    raise NotImplementedError("Exercise 1.1: implement relu (chapter 1, section 'A kink you can bend')")


def sum_of_relus(x, w, b, v):
    """A weighted sum of H hinges: ``sum_h v[h] * relu(w[h] * x + b[h])``.

    This is a one-hidden-layer network with one input and one output, written
    out by hand. Taught in chapter 1, section 'Adding hinges'.

    Parameters
    ----------
    x : ndarray of shape (N,)
        Points at which to evaluate the function.
    w, b, v : ndarray of shape (H,)
        Slope and offset of each hinge, and the weight of each in the sum.

    Returns
    -------
    ndarray of shape (N,)
    """
    raise NotImplementedError("Exercise 1.2: implement sum_of_relus (chapter 1, section 'Adding hinges')")
