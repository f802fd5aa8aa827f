"""Visible checks for chapter 1 (``nnlib/functions.py``).

Every expected value here can be worked out by hand; the comments show how.
"""

import numpy as np

from nnlib.testing import CheckFailure, assert_close, assert_that, assert_unchanged, check, quick

# --------------------------------------------------------------------------
# 1.1 relu
# --------------------------------------------------------------------------


def _call_relu(nn, z):
    """Call nn.relu, turning the usual error of Python's max into advice."""
    try:
        return nn.relu(z)
    except ValueError as exc:
        if "truth value" in str(exc):
            raise CheckFailure(
                "relu raised ValueError: the truth value of an array is ambiguous. Python's "
                "built-in max (or an `if z > 0`) compares a whole array at once; use "
                "np.maximum(z, 0), which compares entry by entry"
            ) from None
        raise


@check("1.1", "matches max(z, 0) on a few numbers")
def _(nn):
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    got = _call_relu(nn, z)
    assert_that(
        got is None or np.ndim(got) != 0,
        "relu(z) returned a single number for an array of 5 entries: np.max(z, 0) takes the "
        "largest entry along axis 0; np.maximum(z, 0) compares each entry with 0",
    )
    assert_close(
        got,
        [0.0, 0.0, 0.0, 0.5, 3.0],
        what="relu(z)",
        mistakes=[
            ("the negative and positive parts are swapped", [2.0, 0.5, 0.0, 0.0, 0.0]),
            (
                "it returns whether z is positive (1 or 0), not z itself where it is positive",
                [0.0, 0.0, 0.0, 1.0, 1.0],
            ),
            ("it returns |z|: negative entries should become 0, not positive", [2.0, 0.5, 0.0, 0.5, 3.0]),
            ("it returns min(z, 0) instead of max(z, 0)", [-2.0, -0.5, 0.0, 0.0, 0.0]),
        ],
    )


@check("1.1", "keeps the shape of a 2-D input")
def _(nn):
    z = np.array([[1.0, -1.0, 2.0], [-3.0, 0.25, 0.0]])
    assert_close(_call_relu(nn, z), [[1.0, 0.0, 2.0], [0.0, 0.25, 0.0]], what="relu(z)")


@check("1.1", "leaves its input unchanged")
def _(nn):
    z = np.array([-1.0, 2.0, -3.0])
    before = z.copy()
    _call_relu(nn, z)
    assert_unchanged(before, z, what="z (the input of relu)")


# --------------------------------------------------------------------------
# 1.2 sum_of_relus
# --------------------------------------------------------------------------


@check("1.2", "one hinge is a bent line")
def _(nn):
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    got = nn.sum_of_relus(x, np.array([1.0]), np.array([-1.0]), np.array([2.0]))
    # 2 * relu(x - 1) = 2 * [0, 0, 0, 1]
    assert_close(
        got,
        [0.0, 0.0, 0.0, 2.0],
        what="sum_of_relus(x, w=[1], b=[-1], v=[2])",
        mistakes=[
            ("relu was left out (the hinge never bends)", [-4.0, -2.0, 0.0, 2.0]),
            ("b is subtracted instead of added: relu(w * x + b)", [0.0, 2.0, 4.0, 6.0]),
            ("v is missing: the hinges are summed without their weights", [0.0, 0.0, 0.0, 1.0]),
        ],
    )


@check("1.2", "three hinges add up, one value per point")
def _(nn):
    x = np.array([-2.0, 0.0, 1.5, 3.0])  # N = 4 points
    w = np.array([1.0, -1.0, 2.0])  # H = 3 hinges
    b = np.array([0.0, 1.0, -1.0])
    v = np.array([1.0, 0.5, -1.0])
    # w * x + b at each point, hinge by hinge, then relu:
    #   x=-2: [-2, 3, -5] -> [0, 3, 0]   -> 1*0 + 0.5*3 - 1*0 =  1.5
    #   x=0:  [0, 1, -1]  -> [0, 1, 0]   ->                      0.5
    #   x=1.5: [1.5, -0.5, 2] -> [1.5, 0, 2] -> 1.5 + 0 - 2    = -0.5
    #   x=3:  [3, -2, 5]  -> [3, 0, 5]   -> 3 + 0 - 5          = -2.0
    got = nn.sum_of_relus(x, w, b, v)
    pre = np.outer(x, w) + b
    assert_close(
        got,
        [1.5, 0.5, -0.5, -2.0],
        what="sum_of_relus(x, w, b, v) with N = 4 points and H = 3 hinges",
        mistakes=[
            ("relu was left out (the hinges never bend)", pre @ v),
            ("relu is applied after the weighted sum instead of to each hinge", np.maximum(pre @ v, 0.0)),
            (
                "relu is applied after multiplying by v: it should be v * relu(w * x + b)",
                np.maximum(pre * v, 0.0).sum(axis=1),
            ),
        ],
    )


@check("1.2", "leaves x, w, b and v unchanged")
def _(nn):
    x = np.array([-1.0, 0.5, 2.0])
    w = np.array([1.0, -2.0])
    b = np.array([-0.5, 1.0])
    v = np.array([2.0, -1.0])
    copies = [a.copy() for a in (x, w, b, v)]
    nn.sum_of_relus(x, w, b, v)
    for name, before, after in zip("xwbv", copies, (x, w, b, v), strict=True):
        assert_unchanged(before, after, what=f"{name} (an input of sum_of_relus)")


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("relu")
def _quick_relu(nn):
    got = nn.relu(np.array([-1.0, 0.5, 2.0]))
    assert_close(got, [0.0, 0.5, 2.0], what="relu([-1, 0.5, 2])")
