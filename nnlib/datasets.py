"""Small data sets generated on the spot: nothing is downloaded.

Every function that draws random numbers takes a ``numpy.random.Generator``
(or a seed), so the same call gives the same data on every machine.
"""

import numpy as np


def _rng(rng):
    """Accept a Generator, a seed, or None (seed 0)."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(0 if rng is None else rng)


CURVES = {
    "sine": lambda x: np.sin(x),
    "bump": lambda x: np.exp(-(x**2)),
    "abs": lambda x: np.abs(x),
    "cubic": lambda x: 0.1 * x**3 - 0.5 * x,
}


def make_curve(name="sine", n=200, low=-3.0, high=3.0, noise=0.0, rng=None):
    """Points on a 1-D curve, optionally with Gaussian noise.

    Parameters
    ----------
    name : {"sine", "bump", "abs", "cubic"}
    n : int
        Number of points, evenly spaced on [low, high].
    noise : float
        Standard deviation of noise added to y.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    x : ndarray of shape (N,)
    y : ndarray of shape (N,)
    """
    if name not in CURVES:
        raise ValueError(f"unknown curve {name!r}; choose one of {sorted(CURVES)}")
    x = np.linspace(low, high, n)
    y = CURVES[name](x)
    if noise:
        y = y + _rng(rng).normal(0.0, noise, size=n)
    return x, y


def make_blobs(n=100, centers=((-1.0, -1.0), (1.0, 1.0)), spread=0.5, rng=None):
    """Gaussian blobs in the plane, one class per centre.

    Parameters
    ----------
    n : int
        Points per class.
    centers : sequence of C pairs
    spread : float
        Standard deviation of each blob.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    X : ndarray of shape (C * n, 2)
    y : ndarray of shape (C * n,), int
        Class of each point, 0 to C - 1.
    """
    rng = _rng(rng)
    centers = np.asarray(centers, dtype=float)  # (C, 2)
    X = np.concatenate([c + spread * rng.standard_normal((n, 2)) for c in centers])  # (C*n, 2)
    y = np.repeat(np.arange(len(centers)), n)
    return X, y


GATES = {
    "AND": [0, 0, 0, 1],
    "OR": [0, 1, 1, 1],
    "NAND": [1, 1, 1, 0],
    "XOR": [0, 1, 1, 0],
}


def logic_gate(name):
    """Truth table of a two-input logic gate.

    Returns
    -------
    X : ndarray of shape (4, 2)
        The inputs (0,0), (0,1), (1,0), (1,1).
    y : ndarray of shape (4,), int
    """
    key = name.upper()
    if key not in GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {sorted(GATES)}")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array(GATES[key])
