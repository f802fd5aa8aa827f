"""Visible checks for chapter 1 (``nnlib/functions.py``)."""

import numpy as np

from nnlib.testing import assert_close, check


@check("1.1", "matches max(z, 0) on a few numbers")
def _(nn):
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    assert_close(
        nn.relu(z),
        [0.0, 0.0, 0.0, 0.5, 3.0],
        what="relu(z)",
        mistakes=[("the negative and positive parts are swapped", [2.0, 0.5, 0.0, 0.0, 0.0])],
    )


@check("1.1", "keeps the shape of a 2-D input")
def _(nn):
    z = np.array([[1.0, -1.0, 2.0], [-3.0, 0.25, 0.0]])
    assert_close(nn.relu(z), [[1.0, 0.0, 2.0], [0.0, 0.25, 0.0]], what="relu(z)")


@check("1.2", "one hinge is a bent line")
def _(nn):
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    got = nn.sum_of_relus(x, np.array([1.0]), np.array([-1.0]), np.array([2.0]))
    # 2 * relu(x - 1)
    assert_close(got, [0.0, 0.0, 0.0, 2.0], what="sum_of_relus(x, w=[1], b=[-1], v=[2])")


@check("1.2", "three hinges add up")
def _(nn):
    x = np.array([-2.0, 0.0, 1.5])
    w = np.array([1.0, -1.0, 2.0])
    b = np.array([0.0, 1.0, -1.0])
    v = np.array([1.0, 0.5, -1.0])
    # hinges at x=-2: [0, 3, 0]; x=0: [0, 1, 0]; x=1.5: [1.5, 0, 2]
    assert_close(
        nn.sum_of_relus(x, w, b, v),
        [1.5, 0.5, -0.5],
        what="sum_of_relus(x, w, b, v)",
        mistakes=[("relu was left out (the hinges never bend)", (np.outer(x, w) + b) @ v)],
    )
