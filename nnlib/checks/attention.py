"""Visible checks for chapter 12 (``nnlib/attention.py``).

The small examples can be worked out by hand; the comments show how. A
useful fact for attention: when every score of a row is equal (all queries
zero, or all keys equal), the softmax gives equal weights and the output is
the plain average of the values. With ``ln 3`` in the right place a row's
weights become 3/4 and 1/4.

Backward functions are compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`, with a loss ``L = sum(out * R)`` for a
fixed array R (so ``dout = R``); the forward used there is *yours*, so these
checks ask whether your backward is the derivative of your forward (the
forward has its own checks).
"""

import numpy as np

from nnlib.testing import (  # copying, forward_cache, forward_then_backward: the hidden checks use them too
    CheckFailure,
    assert_close,
    assert_float32,
    assert_that,
    assert_unchanged,
    check,
    check_gradient,
    copying,
    forward_cache,
    forward_then_backward,
    leaves_inputs_alone,
    quick,
)

LN3 = np.log(3.0)
ATTENTION_KEYS = ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo")
BLOCK_KEYS = ("ln1_gamma", "ln1_beta", *ATTENTION_KEYS, "ln2_gamma", "ln2_beta", "W1", "b1", "W2", "b2")


def _dtype_kept(got, what):
    assert_float32(got, what, (
        "a float64 constant (np.sqrt(E) is a float64 scalar: use E ** -0.5, a Python float) or an "
        "array made without dtype= upcasts everything"
    ))


def _pair(got, what, n=2):
    """Fail unless ``got`` is a tuple (or list) of ``n`` values."""
    assert_that(
        isinstance(got, tuple | list) and len(got) == n,
        f"{what} should return a tuple of {n} values, got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )


def _softmax(z, axis=-1):
    """A plain softmax (the checks' own, not yours)."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _grads_dict(grads, keys, what):
    """Fail unless ``grads`` is a dict with exactly ``keys``."""
    assert_that(isinstance(grads, dict), f"{what} should be a dict of gradients, got {type(grads).__name__}")
    missing = [k for k in keys if k not in grads]
    assert_that(not missing, f"{what} is missing the gradients of {missing}")


def _params(rng, E, H=None, dtype=np.float64, keys=ATTENTION_KEYS):
    """Random parameters for attention (and a block, with H): every entry nonzero."""
    shapes = {"W1": (E, H), "b1": (H,), "W2": (H, E)}
    out = {}
    for key in keys:
        shape = shapes.get(key, (E, E) if key.startswith("W") else (E,))
        value = rng.normal(scale=0.6, size=shape)
        if key.endswith("gamma"):
            value = 1.0 + 0.3 * value
        out[key] = value.astype(dtype)
    return out


# --------------------------------------------------------------------------
# 12.1 attention_forward
# --------------------------------------------------------------------------


def _lookup():
    """Two queries, two keys, two values (E = 2, so the scale is 1/sqrt(2)).

    Query 0 is zero: both scores are 0, the weights 1/2 and 1/2.
    Query 1 is (sqrt(2) ln 3, 0): its scores are ln 3 and 0, the weights 3/4 and 1/4.
    """
    q = np.array([[[0.0, 0.0], [np.sqrt(2.0) * LN3, 0.0]]])  # (N=1, T=2, E=2)
    k = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    v = np.array([[[2.0, 0.0], [0.0, 4.0]]])
    return q, k, v


@check("12.1", "a soft look-up: weights 1/2, 1/2 and 3/4, 1/4 on a hand example")
def _(nn):
    nn = copying(nn)
    q, k, v = _lookup()
    got = nn.attention_forward(q, k, v)
    _pair(got, "attention_forward")
    out, cache = got
    scores = q @ k.transpose(0, 2, 1)  # unscaled
    mistakes = [
        ("the 1/sqrt(E) scale was forgotten: scores = q @ k^T / sqrt(E), E = q.shape[-1]",
         _softmax(scores) @ v),
        ("the scores were divided by E instead of sqrt(E)", _softmax(scores / 2.0) @ v),
        ("the softmax ran over the queries (axis -2): each query's weights over the keys (axis -1) "
         "must sum to 1", _softmax(scores / np.sqrt(2.0), axis=-2) @ v),
        ("the scale was applied to the values (or the output) instead of the scores",
         _softmax(scores) @ v / np.sqrt(2.0)),
        ("the keys were not transposed the right way, or q and k are swapped: scores[t, s] = q[t] . k[s]",
         _softmax(k @ q.transpose(0, 2, 1) / np.sqrt(2.0)) @ v),
    ]
    # query 0: (v0 + v1) / 2 = [1, 2]; query 1: 3/4 v0 + 1/4 v1 = [1.5, 1]
    assert_close(out, [[[1.0, 2.0], [1.5, 1.0]]], what="out of attention_forward on the hand example",
                 mistakes=mistakes)
    assert_that(isinstance(cache, tuple) and len(cache) == 4,
                "the cache should be the tuple (q, k, v, weights)")
    assert_close(cache[3], [[[0.5, 0.5], [0.75, 0.25]]], what="the attention weights, cache[3]")


@check("12.1", "a mask gives exactly zero weight, and a fully masked row zeros, not NaN")
def _(nn):
    nn = copying(nn)
    q, k, v = _lookup()
    mask = np.array([[True, False], [False, False]])  # query 0 sees key 0 only; query 1 sees nothing
    out, cache = nn.attention_forward(q, k, v, mask)
    weights = np.asarray(cache[3], dtype=float)
    assert_that(not np.isnan(weights).any() and not np.isnan(np.asarray(out, dtype=float)).any(),
                "a fully masked row gave NaN: with -inf scores the softmax computes 0/0 there. Give masked "
                "scores a large negative number (e.g. -1e9) and multiply the weights by the mask, so a row "
                "with nothing to look at gets zero weights")
    unmasked = _softmax(q @ k.transpose(0, 2, 1) / np.sqrt(2.0))
    assert_close(weights, [[[1.0, 0.0], [0.0, 0.0]]], what="the weights with mask [[T, F], [F, F]]",
                 mistakes=[
                     ("the mask was applied after the softmax without renormalising: set masked scores to "
                      "a large negative number before the softmax", unmasked * mask),
                     ("the mask is inverted: True means 'may attend'", [[[0.0, 0.5], [0.75, 0.25]]]),
                     ("masked positions get weight 0 but a fully masked row still gets uniform weights: "
                      "multiply the weights by the mask after the softmax", [[[1.0, 0.0], [0.5, 0.5]]]),
                 ])
    assert_close(out, [[[2.0, 0.0], [0.0, 0.0]]], what="out with mask [[T, F], [F, F]]")


@check("12.1", "a causal mask with equal keys gives running means of the values")
def _(nn):
    nn = copying(nn)
    T = 4
    q = np.array([[[1.0, -2.0, 0.5]] * T])  # any queries
    k = np.ones((1, T, 3))  # equal keys: equal scores, equal weights over the allowed keys
    v = np.array([[[4.0], [0.0], [2.0], [-2.0]]])
    mask = np.tril(np.ones((T, T), dtype=bool))
    out, _ = nn.attention_forward(q, k, v, mask)
    # position t averages v[0..t]: 4, (4 + 0) / 2, (4 + 0 + 2) / 3, (4 + 0 + 2 - 2) / 4
    assert_close(out, [[[4.0], [2.0], [2.0], [1.0]]], what="out with a causal mask and equal keys",
                 mistakes=[("the mask is transposed: position t may look at 0..t, not t..T-1",
                            [[[1.0], [0.0], [0.0], [-2.0]]]),
                           ("the mask was ignored: every position averages all values",
                            [[[1.0], [1.0], [1.0], [1.0]]])])


@check("12.1", "any leading axes (N, h), float32 kept, inputs unchanged")
def _(nn):
    rng = np.random.default_rng(121)
    q = np.zeros((2, 3, 4, 5), dtype=np.float32)  # zero queries: uniform weights
    k = rng.normal(size=(2, 3, 6, 5)).astype(np.float32)
    v = rng.normal(size=(2, 3, 6, 2)).astype(np.float32)
    before = q.copy(), k.copy(), v.copy()
    out, _ = nn.attention_forward(q, k, v)
    for name, old, new in zip("qkv", before, (q, k, v), strict=True):
        assert_unchanged(old, new, what=name)
    _dtype_kept(out, "out of attention_forward")
    # every query averages the 6 values of its own (n, head)
    assert_close(out, np.repeat(before[2].astype(np.float64).mean(axis=2, keepdims=True), 4, axis=2),
                 what="out for zero queries, shape (2, 3, 4, 2)", rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------
# 12.2 causal_mask
# --------------------------------------------------------------------------


@check("12.2", "T = 3: True on and below the diagonal")
def _(nn):
    nn = copying(nn)
    got = nn.causal_mask(3)
    lower = np.tril(np.ones((3, 3)))
    assert_close(got, lower, what="causal_mask(3)", mistakes=[
        ("the mask is transposed: row t (the query) may see columns 0..t (earlier keys)", lower.T),
        ("the diagonal is missing: a position may look at itself", np.tril(np.ones((3, 3)), -1)),
        ("the mask is inverted: True means 'may attend'", 1 - lower),
        ("this is an additive mask (0 allowed, -inf not): return booleans, True where allowed",
         np.where(lower > 0, 0.0, -np.inf)),
    ])


@check("12.2", "booleans of shape (T, T), for T = 1 and T = 6")
def _(nn):
    nn = copying(nn)
    for T in (1, 6):
        got = nn.causal_mask(T)
        assert_that(getattr(got, "dtype", None) == np.bool_,
                    f"causal_mask({T}) should have dtype bool (True where a query may attend), "
                    f"got {getattr(got, 'dtype', type(got).__name__)}: return booleans, not numbers (not an "
                    "additive mask of 0 and -inf)")
        assert_that(got.shape == (T, T), f"causal_mask({T}) should have shape ({T}, {T}), got {got.shape}")
    got = nn.causal_mask(6)
    # row t has t + 1 allowed keys: 1 + 2 + ... + 6 = 21
    assert_that(int(got.sum()) == 21 and bool(got[5].all()) and int(got[0].sum()) == 1,
                "causal_mask(6) should allow 21 pairs: 1 for the first query, all 6 for the last")


# --------------------------------------------------------------------------
# 12.3 softmax_backward
# --------------------------------------------------------------------------


@check("12.3", "p * (dout - sum(dout * p)) on two hand rows")
def _(nn):
    nn = copying(nn)
    p = np.array([[0.5, 0.25, 0.25], [0.2, 0.3, 0.5]])
    dout = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, -1.0]])
    # row 0: sum(dout * p) = 0.5, so p * (dout - 0.5) = [0.25, -0.125, -0.125]
    # row 1: sum = 0.3 - 0.5 = -0.2, so p * (dout + 0.2) = [0.04, 0.36, -0.4]
    got = nn.softmax_backward(dout, p)
    assert_close(got, [[0.25, -0.125, -0.125], [0.04, 0.36, -0.4]],
                 what="softmax_backward(dout, p) on the hand rows", mistakes=[
                     ("only the diagonal of the Jacobian was used, dout * p * (1 - p): every output "
                      "depends on every input, so subtract sum(dout * p) over the row", dout * p * (1 - p)),
                     ("the sum ran over the wrong axis (axis 0): sum over each row, axis=-1, keepdims=True",
                      p * (dout - np.sum(dout * p, axis=0, keepdims=True))),
                     ("the sign is flipped", -p * (dout - np.sum(dout * p, axis=-1, keepdims=True))),
                 ])


@check("12.3", "matches central differences of a softmax (check_gradient), on a 3-D array")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(123)
    z = rng.normal(size=(2, 3, 4))
    R = rng.normal(size=(2, 3, 4))
    got = nn.softmax_backward(R, _softmax(z))
    check_gradient(lambda v: np.sum(_softmax(v) * R), z, got, name="z (softmax_backward)")


@check("12.3", "a constant dout gives zero (softmax ignores shifts); float32 kept; inputs unchanged")
def _(nn):
    p = np.array([[0.1, 0.2, 0.7], [0.25, 0.25, 0.5]], dtype=np.float32)
    dout = np.full((2, 3), 5.0, dtype=np.float32)
    before = p.copy(), dout.copy()
    got = nn.softmax_backward(dout, p)
    assert_unchanged(before[0], p, what="p")
    assert_unchanged(before[1], dout, what="dout")
    _dtype_kept(got, "softmax_backward(dout, p)")
    assert_close(got, np.zeros((2, 3)), what="softmax_backward(dout = 5 everywhere, p)", atol=1e-6,
                 mistakes=[("only the diagonal of the Jacobian was used, dout * p * (1 - p)",
                            before[1] * before[0] * (1 - before[0]))])


# --------------------------------------------------------------------------
# 12.4 attention_backward
# --------------------------------------------------------------------------


def _attention_problem(rng, T=3, S=4, E=2, mask=None):
    """Random q (1, T, E), k and v (1, S, E), their attention weights, and an upstream gradient R."""
    q, k, v = rng.normal(size=(1, T, E)), rng.normal(size=(1, S, E)), rng.normal(size=(1, S, E))
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(E)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = _softmax(scores) * (1 if mask is None else mask)
    return q, k, v, weights, rng.normal(size=(1, T, E))


@check("12.4", "zero queries: dv averages dout, dk is zero")
def _(nn):
    nn = copying(nn)
    q = np.zeros((1, 2, 2))
    k = np.array([[[1.0, 2.0], [-1.0, 0.5], [3.0, 0.0]]])  # S = 3 keys
    v = np.array([[[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]])
    weights = np.full((1, 2, 3), 1.0 / 3.0)  # zero queries: equal weights
    dout = np.array([[[3.0, 0.0], [0.0, 6.0]]])
    got = nn.attention_backward(dout, (q, k, v, weights))
    _pair(got, "attention_backward", 3)
    dq, dk, dv = got
    # every value received weight 1/3 from both queries: dv[s] = (dout[0] + dout[1]) / 3 = [1, 2]
    assert_close(dv, [[[1.0, 2.0]] * 3], what="dv for equal weights 1/3",
                 mistakes=[("dv is scaled by 1/sqrt(E): the scale belongs to the scores, not to v",
                            [[[1.0 / np.sqrt(2.0), 2.0 / np.sqrt(2.0)]] * 3])])
    # dk[s] = sum_t dscores[t, s] q[t] / sqrt(E), and every q[t] is 0
    assert_close(dk, np.zeros((1, 3, 2)), what="dk for zero queries")
    assert_that(np.shape(dq) == (1, 2, 2), f"dq should have the shape (1, 2, 2) of q, got {np.shape(dq)}")


@check("12.4", "dq, dk, dv match central differences through your forward (check_gradient)")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(124)
    q, k, v, weights, R = _attention_problem(rng)
    dq, dk, dv = nn.attention_backward(R, (q, k, v, weights))
    scale = 1.0 / np.sqrt(2.0)
    dscores = weights * ((R @ v.transpose(0, 2, 1))
                         - np.sum(weights * (R @ v.transpose(0, 2, 1)), axis=-1, keepdims=True))
    assert_close(dq, dscores @ k * scale, what="dq", rtol=1e-6, mistakes=[
        ("dq is missing the 1/sqrt(E) of the scores (the scale is part of the forward)", dscores @ k),
        ("dq is divided by E instead of sqrt(E)", dscores @ k / 2.0),
    ])
    check_gradient(lambda a: np.sum(_forward(nn, a, k, v) * R), q, dq, name="q (dq)")
    check_gradient(lambda a: np.sum(_forward(nn, q, a, v) * R), k, dk, name="k (dk)")
    check_gradient(lambda a: np.sum(_forward(nn, q, k, a) * R), v, dv, name="v (dv)")


def _forward(nn, q, k, v, mask=None):
    """Your attention_forward's output, for central differences."""
    return nn.attention_forward(q, k, v, mask)[0]


@check("12.4", "through a causal mask: gradients right, nothing flows to hidden keys, no NaN")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(125)
    mask = np.tril(np.ones((3, 3), dtype=bool))
    mask[0, 0] = False  # query 0 sees nothing at all
    q, k, v, weights, R = _attention_problem(rng, T=3, S=3, mask=mask)
    dq, dk, dv = nn.attention_backward(R, (q, k, v, weights))
    for name, grad in (("dq", dq), ("dk", dk), ("dv", dv)):
        assert_that(not np.isnan(np.asarray(grad, dtype=float)).any(), f"{name} contains NaN with a mask")
    # query 0 sees nothing: its output is 0 whatever q[0] is, so dq[0] = 0
    assert_close(dq[0, 0], [0.0, 0.0], what="dq of a fully masked query")
    # key 2 is seen only by query 2 (it is masked for queries 0 and 1)
    check_gradient(lambda a: np.sum(_forward(nn, a, k, v, mask) * R), q, dq, name="q (dq) with a mask")
    check_gradient(lambda a: np.sum(_forward(nn, q, a, v, mask) * R), k, dk, name="k (dk) with a mask")
    check_gradient(lambda a: np.sum(_forward(nn, q, k, a, mask) * R), v, dv, name="v (dv) with a mask")

@check("12.4", "dout and the cache are left unchanged")
def _(nn):
    rng = np.random.default_rng(126)
    q, k, v, weights, R = _attention_problem(rng)
    leaves_inputs_alone(nn, "attention_backward", (R, (q, k, v, weights)), ("dout", "cache"))


# --------------------------------------------------------------------------
# 12.5 split_heads and 12.6 merge_heads
# --------------------------------------------------------------------------

#: x = arange(8).reshape(1, 2, 4): two positions, E = 4, split into h = 2 heads of size 2
_X8 = [[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]]
#: head 0 holds the first half of every position, head 1 the second half
_HEADS8 = [[[[0.0, 1.0], [4.0, 5.0]], [[2.0, 3.0], [6.0, 7.0]]]]


@check("12.5", "x of shape (1, 2, 4), h = 2: head i holds slice i of every position")
def _(nn):
    nn = copying(nn)
    x = np.array(_X8)
    got = nn.split_heads(x, 2)
    assert_close(got, _HEADS8, what="split_heads(arange(8).reshape(1, 2, 4), h=2)", mistakes=[
        ("the heads were made by a reshape to (N, h, T, E/h) without a transpose: that cuts the sequence, "
         "not the embedding. Reshape to (N, T, h, E/h), then transpose to (N, h, T, E/h)",
         x.reshape(1, 2, 2, 2)),
        ("the embedding was cut into strided pieces (reshape to (N, T, E/h, h)): head i should hold the "
         "contiguous slice i*E/h:(i+1)*E/h", x.reshape(1, 2, 2, 2).transpose(0, 3, 1, 2)),
    ])


@check("12.5", "shape (2, 4, 3, 3) from (2, 3, 12) with h = 4; float32 kept; x unchanged")
def _(nn):
    x = np.arange(72, dtype=np.float32).reshape(2, 3, 12)
    before = x.copy()
    got = nn.split_heads(x, 4)
    assert_unchanged(before, x, what="x")
    assert_that(np.shape(got) == (2, 4, 3, 3), f"split_heads(x of shape (2, 3, 12), h=4) should have shape "
                f"(2, 4, 3, 3) = (N, h, T, E/h), got {np.shape(got)}")
    _dtype_kept(got, "split_heads(x, h)")
    # head 2 of example 1, position 0 is x[1, 0, 6:9] = 36 + [6, 7, 8]
    assert_close(got[1, 2, 0], [42.0, 43.0, 44.0], what="split_heads(x, 4)[1, 2, 0]")
    assert_close(got[0, 3, 2], [33.0, 34.0, 35.0], what="split_heads(x, 4)[0, 3, 2]")


@check("12.6", "merges (1, 2, 2, 2) back into the x of shape (1, 2, 4)")
def _(nn):
    nn = copying(nn)
    heads = np.array(_HEADS8)
    got = nn.merge_heads(heads)
    assert_close(got, _X8, what="merge_heads on the split of arange(8).reshape(1, 2, 4)", mistakes=[
        ("the heads were merged by a reshape without the transpose back: transpose (N, h, T, E/h) to "
         "(N, T, h, E/h), then reshape to (N, T, E)", heads.reshape(1, 2, 4)),
        ("the heads were interleaved (strided) instead of put side by side",
         heads.transpose(0, 2, 3, 1).reshape(1, 2, 4)),
    ])


@check("12.6", "shape (N, T, E) from (N, h, T, E/h); float32 kept; input unchanged")
def _(nn):
    heads = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)  # N=2, h=3, T=4, E/h=5
    before = heads.copy()
    got = nn.merge_heads(heads)
    assert_unchanged(before, heads, what="x")
    assert_that(np.shape(got) == (2, 4, 15), f"merge_heads(x of shape (2, 3, 4, 5)) should have shape "
                f"(2, 4, 15) = (N, T, E), got {np.shape(got)}")
    _dtype_kept(got, "merge_heads(x)")
    # position 1 of example 0: head 0's row 1, then head 1's row 1, then head 2's row 1
    assert_close(got[0, 1], np.concatenate([before[0, 0, 1], before[0, 1, 1], before[0, 2, 1]]),
                 what="merge_heads(x)[0, 1]")


# --------------------------------------------------------------------------
# 12.7 mha_forward and 12.8 mha_backward
# --------------------------------------------------------------------------


@check("12.7", "zero Wq: every position gets the mean of the projected values")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(127)
    x = rng.normal(size=(2, 3, 4))
    P = _params(rng, 4)
    P["Wq"], P["bq"] = np.zeros((4, 4)), np.zeros(4)  # zero queries: equal weights in every head
    got = nn.mha_forward(x, P, 2)
    _pair(got, "mha_forward")
    # the mean of the values, (mean_t x) Wv + bv, projected by Wo and bo, in every position
    mean_value = x.mean(axis=1, keepdims=True) @ P["Wv"] + P["bv"]  # (2, 1, 4)
    expected = np.repeat(mean_value @ P["Wo"] + P["bo"], 3, axis=1)
    assert_close(got[0], expected, what="mha_forward(x, params with Wq = 0, h=2)", mistakes=[
        ("the output projection Wo, bo is missing", np.repeat(mean_value, 3, axis=1)),
    ])


@check("12.7", "with a causal mask, a position's output ignores every later position")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(1271)
    x = rng.normal(size=(1, 4, 6))
    P = _params(rng, 6)
    mask = np.tril(np.ones((4, 4), dtype=bool))
    out, _ = nn.mha_forward(x, P, 3, mask)
    changed = x.copy()
    changed[0, 2:] += 5.0  # change positions 2 and 3
    out2, _ = nn.mha_forward(changed, P, 3, mask)
    assert_close(out2[0, :2], out[0, :2], what="outputs of positions 0 and 1 after changing positions 2, 3",
                 rtol=1e-9, atol=1e-9)
    assert_that(not np.allclose(out2[0, 2:], out[0, 2:]),
                "the outputs of positions 2 and 3 should change when their inputs change")


@check("12.7", "heads are independent: one head's weights only move its own slice of the output")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(1272)
    x = rng.normal(size=(2, 3, 4))
    P = _params(rng, 4)
    P["Wo"], P["bo"] = np.eye(4), np.zeros(4)  # no mixing at the end: the merged heads come out as they are
    out, cache = nn.mha_forward(x, P, 2)
    moved = {**P, "Wq": P["Wq"].copy()}
    moved["Wq"][:, 2:] *= -3.0  # change the queries of head 1 only (columns 2:4)
    out2, _ = nn.mha_forward(x, moved, 2)
    assert_close(out2[..., :2], out[..., :2], what="head 0's slice of the output after changing head 1's "
                 "queries (it should not move: split the projected q, k, v into contiguous slices of E/h)",
                 rtol=1e-9, atol=1e-9)
    assert_that(not np.allclose(out2[..., 2:], out[..., 2:]),
                "head 1's slice of the output should change when head 1's queries change")
    weights = np.asarray(cache[3][3]) if isinstance(cache, tuple) and len(cache) > 3 else None
    assert_that(weights is not None and weights.shape == (2, 2, 3, 3),
                "mha_forward's cache[3] should be attention_forward's cache, whose [3] holds the weights of "
                "shape (N, h, T, T) (the chapter's heat maps read them there)")

@check("12.7", "x, params and the mask are left unchanged")
def _(nn):
    rng = np.random.default_rng(1273)
    x = rng.normal(size=(2, 3, 4))
    leaves_inputs_alone(nn, "mha_forward", (x, _params(rng, 4), 2, np.tril(np.ones((3, 3), dtype=bool))),
                        ("x", "params", "h", "mask"))


@check("12.8", "dx and every parameter's gradient match central differences through your forward")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(128)
    x = rng.normal(size=(2, 3, 4))
    P = _params(rng, 4)
    R = rng.normal(size=(2, 3, 4))
    _, got = forward_then_backward(nn, "mha_forward", "mha_backward", (x, P, 2), R)
    _pair(got, "mha_backward")
    dx, grads = got
    _grads_dict(grads, ATTENTION_KEYS, "mha_backward's second result")
    check_gradient(lambda a: np.sum(nn.mha_forward(a, P, 2)[0] * R), x, dx, name="x (dx)")
    for key in ATTENTION_KEYS:
        check_gradient(lambda a, key=key: np.sum(nn.mha_forward(x, {**P, key: a}, 2)[0] * R), P[key],
                       grads[key], name=f"{key} (grads['{key}'])")


@check("12.8", "through a causal mask and with one head; float32 kept")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(1281)
    x = rng.normal(size=(1, 4, 2))
    P = _params(rng, 2)
    mask = np.tril(np.ones((4, 4), dtype=bool))
    R = rng.normal(size=(1, 4, 2))
    _, (dx, grads) = forward_then_backward(nn, "mha_forward", "mha_backward", (x, P, 1, mask), R)
    check_gradient(lambda a: np.sum(nn.mha_forward(a, P, 1, mask)[0] * R), x, dx, name="x (dx) with a mask")
    check_gradient(lambda a: np.sum(nn.mha_forward(x, {**P, "Wk": a}, 1, mask)[0] * R), P["Wk"], grads["Wk"],
                   name="Wk with a mask")
    P32 = {key: value.astype(np.float32) for key, value in P.items()}
    dx32, grads32 = nn.mha_backward(R.astype(np.float32), nn.mha_forward(x.astype(np.float32), P32, 1, mask)[1])
    _dtype_kept(dx32, "dx")
    for key in ATTENTION_KEYS:
        _dtype_kept(grads32[key], f"grads['{key}']")

@check("12.8", "dout and the cache are left unchanged")
def _(nn):
    rng = np.random.default_rng(1282)
    x, P = rng.normal(size=(2, 3, 4)), _params(rng, 4)
    _, cache = forward_cache(copying(nn), "mha_forward", "mha_backward", (x, P, 2))
    leaves_inputs_alone(nn, "mha_backward", (rng.normal(size=(2, 3, 4)), cache), ("dout", "cache"))


# --------------------------------------------------------------------------
# 12.9 positional_encoding
# --------------------------------------------------------------------------


@check("12.9", "T = 2, E = 4: sin and cos interleaved, rates 1 and 1/100")
def _(nn):
    nn = copying(nn)
    got = nn.positional_encoding(2, 4)
    # 10000^(2i/E) for i = 0, 1 and E = 4 is 1 and 100
    expected = [[0.0, 1.0, 0.0, 1.0], [np.sin(1.0), np.cos(1.0), np.sin(0.01), np.cos(0.01)]]
    assert_close(got, expected, what="positional_encoding(2, 4)", mistakes=[
        ("sin and cos are swapped: even columns are sines, odd columns cosines",
         [[1.0, 0.0, 1.0, 0.0], [np.cos(1.0), np.sin(1.0), np.cos(0.01), np.sin(0.01)]]),
        ("the sines and cosines are in two halves [sin..., cos...]; they are interleaved (sin, cos, sin, cos)",
         [[0.0, 0.0, 1.0, 1.0], [np.sin(1.0), np.sin(0.01), np.cos(1.0), np.cos(0.01)]]),
        ("the exponent uses the column index j (10000^(j/E)) instead of 2i/E for the pair i = j // 2",
         [[0.0, 1.0, 0.0, 1.0], [np.sin(1.0), np.cos(0.1), np.sin(0.01), np.cos(0.001)]]),
        ("the rate is 10000^(2i/E) instead of 1 / 10000^(2i/E)",
         [[0.0, 1.0, 0.0, 1.0], [np.sin(1.0), np.cos(1.0), np.sin(100.0), np.cos(100.0)]]),
    ])


@check("12.9", "shape (T, E), every (sin, cos) pair on the unit circle, all positions different")
def _(nn):
    nn = copying(nn)
    got = nn.positional_encoding(50, 16)
    assert_that(np.shape(got) == (50, 16), f"positional_encoding(50, 16) should have shape (50, 16), "
                f"got {np.shape(got)}")
    pairs = np.asarray(got, dtype=float).reshape(50, 8, 2)  # (T, E/2, 2): (sin, cos) of one angle
    assert_close((pairs**2).sum(axis=-1), np.ones((50, 8)), what="sin^2 + cos^2 of every pair",
                 rtol=1e-9, atol=1e-9)
    distances = np.linalg.norm(got[:, None, :] - got[None, :, :], axis=-1) + np.eye(50)
    assert_that(distances.min() > 1e-3, "two positions got the same encoding: each row must be different")
    assert_close(got[:, 0], np.sin(np.arange(50.0)), what="column 0, sin(t)")


# --------------------------------------------------------------------------
# 12.10 layer_norm_forward and 12.11 layer_norm_backward
# --------------------------------------------------------------------------


@check("12.10", "each row to mean 0 and variance 1, then gamma and beta")
def _(nn):
    nn = copying(nn)
    x = np.array([[1.0, 2.0, 3.0], [2.0, 10.0, 6.0]])
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 1.0])
    got = nn.layer_norm_forward(x, gamma, beta, eps=0.0)
    _pair(got, "layer_norm_forward")
    # row 0: mean 2, variance 2/3; row 1: mean 6, variance 32/3, so both normalise to
    # [-1, 0, 1] * sqrt(3/2) and [-1, 1, 0] * sqrt(3/2)
    s = np.sqrt(1.5)
    expected = np.array([[-s, 0.0, 3 * s + 1.0], [-s, 2 * s, 1.0]])
    by_column = (x - x.mean(axis=0)) / x.std(axis=0)
    assert_close(got[0], expected, what="layer_norm_forward(x, gamma=[1, 2, 3], beta=[0, 0, 1], eps=0)",
                 mistakes=[
                     ("it normalised over the batch (axis 0), which is batch norm: layer norm uses the "
                      "mean and variance of each row, axis=-1", by_column * gamma + beta),
                     ("it used the unbiased variance (ddof=1): layer norm divides by E",
                      (x - x.mean(-1, keepdims=True)) / x.std(-1, ddof=1, keepdims=True) * gamma + beta),
                     ("gamma and beta are swapped", (expected - beta) / gamma * beta + gamma),
                 ])


@check("12.10", "on (N, T, E) every position separately; eps inside the square root; float32 kept; x unchanged")
def _(nn):
    rng = np.random.default_rng(1210)
    x = (rng.normal(size=(2, 3, 5)) * np.array([[[1.0]], [[50.0]]])).astype(np.float32)
    before = x.copy()
    out, _ = nn.layer_norm_forward(x, np.ones(5, dtype=np.float32), np.zeros(5, dtype=np.float32))
    assert_unchanged(before, x, what="x")
    _dtype_kept(out, "out of layer_norm_forward")
    assert_close(np.mean(out, axis=-1), np.zeros((2, 3)), what="the mean of every position's output",
                 atol=1e-5)
    assert_close(np.var(np.asarray(out, dtype=float), axis=-1), np.ones((2, 3)),
                 what="the variance of every position's output", rtol=1e-3)
    # a constant row has variance 0: its output is (x - mean) / sqrt(0 + eps) = 0, not NaN
    flat, _ = nn.layer_norm_forward(np.full((1, 4), 3.0), np.ones(4), np.zeros(4), eps=1e-5)
    assert_close(flat, np.zeros((1, 4)), what="layer_norm_forward of a constant row (eps keeps it finite)")
    tiny, _ = nn.layer_norm_forward(np.array([[0.0, 1e-3]]), np.ones(2), np.zeros(2), eps=1e-5)
    # variance 2.5e-7, so (x - mean) / sqrt(2.5e-7 + 1e-5) = +-5e-4 / 3.2016e-3
    assert_close(tiny, [[-5e-4 / np.sqrt(1.025e-5), 5e-4 / np.sqrt(1.025e-5)]],
                 what="layer_norm_forward([[0, 0.001]], eps=1e-5)", rtol=1e-6, mistakes=[
                     ("eps was added after the square root: it is 1 / sqrt(var + eps)",
                      [[-5e-4 / (5e-4 + 1e-5), 5e-4 / (5e-4 + 1e-5)]]),
                     ("eps was ignored", [[-1.0, 1.0]]),
                 ])


@check("12.11", "dout = 1 everywhere: dx = 0, dbeta counts the positions, dgamma sums xhat")
def _(nn):
    nn = copying(nn)
    x = np.array([[[1.0, 2.0, 3.0], [0.0, 4.0, 2.0]], [[5.0, 5.0, 8.0], [1.0, -1.0, 0.0]]])  # (2, 2, 3)
    gamma, beta = np.ones(3), np.zeros(3)
    _, got = forward_then_backward(nn, "layer_norm_forward", "layer_norm_backward", (x, gamma, beta),
                                   np.ones((2, 2, 3)))
    _pair(got, "layer_norm_backward", 3)
    dx, dgamma, dbeta = got
    assert_that(np.shape(dgamma) == (3,) and np.shape(dbeta) == (3,),
                f"dgamma and dbeta should have shape (E,) = (3,), got {np.shape(dgamma)} and {np.shape(dbeta)}: "
                "sum over every axis but the last (the batch and the positions)")
    # beta is added at all 4 positions
    assert_close(dbeta, [4.0, 4.0, 4.0], what="dbeta for dout = ones((2, 2, 3))",
                 mistakes=[("dbeta was averaged: sum it", [1.0, 1.0, 1.0])])
    xhat = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    assert_close(dgamma, xhat.reshape(4, 3).sum(axis=0), what="dgamma for dout = ones: the sum of xhat",
                 rtol=1e-6, atol=1e-9)
    # with gamma = 1, L = sum(out) = sum(xhat) is 0 whatever x is (each row of xhat sums to 0): dx = 0
    naive = np.ones_like(x) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    assert_close(dx, np.zeros_like(x), what="dx for dout = ones and gamma = 1", atol=1e-7, mistakes=[
        ("dx = dout * gamma / sqrt(var + eps) treats the mean and the variance as constants: they depend "
         "on every entry of the row, which adds two correction terms", naive),
    ])


@check("12.11", "dx, dgamma, dbeta match central differences through your forward (check_gradient)")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(1211)
    x = rng.normal(size=(2, 3, 4))
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    R = rng.normal(size=(2, 3, 4))
    _, (dx, dgamma, dbeta) = forward_then_backward(nn, "layer_norm_forward", "layer_norm_backward",
                                                   (x, gamma, beta), R)
    xhat = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    inv = 1.0 / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    assert_that(np.shape(dx) == x.shape, f"dx should have the shape {x.shape} of x, got {np.shape(dx)}")
    if np.allclose(dx, R * gamma * inv):
        raise CheckFailure("dx = dout * gamma / sqrt(var + eps) treats the mean and variance as constants: "
                           "they depend on every entry of the row, which adds two correction terms")
    check_gradient(lambda a: np.sum(nn.layer_norm_forward(a, gamma, beta)[0] * R), x, dx, name="x (dx)")
    check_gradient(lambda a: np.sum(nn.layer_norm_forward(x, a, beta)[0] * R), gamma, dgamma, name="gamma")
    check_gradient(lambda a: np.sum(nn.layer_norm_forward(x, gamma, a)[0] * R), beta, dbeta, name="beta")
    assert_close(dgamma, np.sum(R * xhat, axis=(0, 1)), what="dgamma", rtol=1e-6, atol=1e-9)

@check("12.11", "dout and the cache are left unchanged")
def _(nn):
    rng = np.random.default_rng(1212)
    _, cache = forward_cache(copying(nn), "layer_norm_forward", "layer_norm_backward",
                             (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=4)))
    leaves_inputs_alone(nn, "layer_norm_backward", (rng.normal(size=(3, 4)), cache), ("dout", "cache"))


# --------------------------------------------------------------------------
# 12.12 transformer_block_forward and 12.13 transformer_block_backward
# --------------------------------------------------------------------------


def _block_params(rng, E=4, H=5, dtype=np.float64):
    return _params(rng, E, H, dtype, BLOCK_KEYS)


@check("12.12", "with both branches switched off (Wo = W2 = 0, bo = b2 = 0) the block is the identity")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(1212)
    x = rng.normal(size=(2, 3, 4))
    P = _block_params(rng)
    for key in ("Wo", "bo", "W2", "b2"):
        P[key] = np.zeros_like(P[key])
    got = nn.transformer_block_forward(x, P, 2)
    _pair(got, "transformer_block_forward")
    assert_close(got[0], x, what="transformer_block_forward with both branches off", mistakes=[
        ("the residual connections are missing: out = x1 + ffn(...) with x1 = x + mha(...)", np.zeros_like(x)),
    ])


@check("12.12", "only the feed-forward branch on: out = x + relu(layer_norm(x) W1 + b1) W2 + b2")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(12121)
    x = rng.normal(size=(2, 3, 4))
    P = _block_params(rng)
    P["Wo"], P["bo"] = np.zeros((4, 4)), np.zeros(4)  # attention branch off: x1 = x
    normed = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    normed = normed * P["ln2_gamma"] + P["ln2_beta"]
    hidden = normed @ P["W1"] + P["b1"]
    fed = np.maximum(hidden, 0.0) @ P["W2"] + P["b2"]
    out, _ = nn.transformer_block_forward(x, P, 2)
    raw = np.maximum(x @ P["W1"] + P["b1"], 0.0) @ P["W2"] + P["b2"]
    post = x + fed
    post_ln = (post - post.mean(-1, keepdims=True)) / np.sqrt(post.var(-1, keepdims=True) + 1e-5)
    assert_close(out, x + fed, what="the block with the attention branch off", mistakes=[
        ("the feed-forward branch skipped its layer norm (pre-norm: normalise x1 first, with ln2)", x + raw),
        ("the ReLU is missing between W1 and W2", x + hidden @ P["W2"] + P["b2"]),
        ("this is a post-norm block (layer norm after the residual sum); the chapter's block normalises "
         "the input of each branch", post_ln * P["ln2_gamma"] + P["ln2_beta"]),
        ("the first layer norm's gamma/beta were used for the feed-forward branch: use ln2",
         x + np.maximum(((normed - P["ln2_beta"]) / P["ln2_gamma"] * P["ln1_gamma"] + P["ln1_beta"]) @ P["W1"]
                        + P["b1"], 0.0) @ P["W2"] + P["b2"]),
        ("the residual around the feed-forward branch is missing", fed),
    ])


@check("12.12", "with a causal mask, a position ignores every later position")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(12122)
    x = rng.normal(size=(1, 4, 4))
    P = _block_params(rng)
    mask = np.tril(np.ones((4, 4), dtype=bool))
    out, _ = nn.transformer_block_forward(x, P, 2, mask)
    changed = x.copy()
    changed[0, 3] -= 4.0
    out2, _ = nn.transformer_block_forward(changed, P, 2, mask)
    assert_close(out2[0, :3], out[0, :3], what="outputs of positions 0-2 after changing position 3 "
                 "(pass the mask on to mha_forward)", rtol=1e-9, atol=1e-9)
    assert_that(not np.allclose(out2[0, 3], out[0, 3]), "the output of position 3 should change with its input")

@check("12.12", "x, params and the mask are left unchanged")
def _(nn):
    rng = np.random.default_rng(12123)
    x = rng.normal(size=(2, 3, 4))
    leaves_inputs_alone(nn, "transformer_block_forward", (x, _block_params(rng), 2, np.tril(np.ones((3, 3), bool))),
                        ("x", "params", "h", "mask"))


@check("12.13", "switched-off branches pass dout straight through the residual paths")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(1213)
    x = rng.normal(size=(2, 3, 4))
    P = _block_params(rng)
    for key in ("Wo", "bo", "W2", "b2"):
        P[key] = np.zeros_like(P[key])
    R = rng.normal(size=(2, 3, 4))
    _, got = forward_then_backward(nn, "transformer_block_forward", "transformer_block_backward", (x, P, 2), R)
    _pair(got, "transformer_block_backward")
    dx, grads = got
    _grads_dict(grads, BLOCK_KEYS, "transformer_block_backward's second result")
    assert_close(dx, R, what="dx with both branches off (only the residual paths carry gradient)",
                 mistakes=[("the residual paths are missing in the backward pass: dx1 = dout + (the branch's "
                            "gradient), and dx = dx1 + (the attention branch's)", np.zeros_like(R))])
    # bo and b2 are added at all 6 positions: their gradients sum dout over the batch and the positions
    assert_close(grads["b2"], R.sum(axis=(0, 1)), what="grads['b2']")
    assert_close(grads["bo"], R.sum(axis=(0, 1)), what="grads['bo']")


@check("12.13", "dx and every parameter's gradient match central differences through your forward")
def _(nn):
    nn = copying(nn)
    rng = np.random.default_rng(12131)
    x = rng.normal(size=(2, 3, 4))
    P = _block_params(rng)
    mask = np.tril(np.ones((3, 3), dtype=bool))
    R = rng.normal(size=(2, 3, 4))
    _, (dx, grads) = forward_then_backward(nn, "transformer_block_forward", "transformer_block_backward",
                                           (x, P, 2, mask), R)
    check_gradient(lambda a: np.sum(nn.transformer_block_forward(a, P, 2, mask)[0] * R), x, dx, name="x (dx)")
    for key in BLOCK_KEYS:
        check_gradient(lambda a, key=key: np.sum(nn.transformer_block_forward(x, {**P, key: a}, 2, mask)[0] * R),
                       P[key], grads[key], name=f"{key} (grads['{key}'])")


@check("12.13", "float32 stays float32 and nothing is modified")
def _(nn):
    rng = np.random.default_rng(12132)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    P = _block_params(rng, dtype=np.float32)
    R = rng.normal(size=(2, 3, 4)).astype(np.float32)
    saved = x.copy(), {key: value.copy() for key, value in P.items()}, R.copy()
    _, (dx, grads) = forward_then_backward(nn, "transformer_block_forward", "transformer_block_backward",
                                           (x, P, 2), R)
    assert_unchanged(saved[0], x, what="x")
    assert_unchanged(saved[2], R, what="dout")
    for key in BLOCK_KEYS:
        assert_unchanged(saved[1][key], P[key], what=f"params['{key}']")
        _dtype_kept(grads[key], f"grads['{key}']")
    _dtype_kept(dx, "dx")


# --------------------------------------------------------------------------
# Quick tests: used when a later exercise's check blames this module's functions
# --------------------------------------------------------------------------


@quick("attention_forward")
def _quick_attention_forward(nn):
    q, k, v = _lookup()
    out, _ = nn.attention_forward(q, k, v)
    assert_close(out, [[[1.0, 2.0], [1.5, 1.0]]], what="attention_forward on the chapter's hand example")
    out, _ = nn.attention_forward(q, k, v, np.array([[True, False], [True, True]]))
    assert_close(out, [[[2.0, 0.0], [1.5, 1.0]]], what="attention_forward with a mask")


@quick("softmax_backward")
def _quick_softmax_backward(nn):
    got = nn.softmax_backward(np.array([[1.0, 0.0, 0.0]]), np.array([[0.5, 0.25, 0.25]]))
    assert_close(got, [[0.25, -0.125, -0.125]], what="softmax_backward(dout=[[1, 0, 0]], p=[[0.5, 0.25, 0.25]])")


@quick("attention_backward")
def _quick_attention_backward(nn):
    q, k, v = np.zeros((1, 2, 2)), np.array([[[1.0, 2.0], [-1.0, 0.5]]]), np.array([[[1.0, 0.0], [0.0, 1.0]]])
    dq, dk, dv = nn.attention_backward(np.array([[[2.0, 0.0], [0.0, 2.0]]]), (q, k, v, np.full((1, 2, 2), 0.5)))
    # dv = weights^T dout = [[1, 1], [1, 1]]; dweights = dout v^T = [[2, 0], [0, 2]], so dscores = +-0.5,
    # dq = dscores k / sqrt(2) = [[1, 0.75], [-1, -0.75]] / sqrt(2); dk = dscores^T q / sqrt(2) = 0
    assert_close(dv, [[[1.0, 1.0], [1.0, 1.0]]], what="dv of attention_backward on a hand example")
    assert_close(dq, np.array([[[1.0, 0.75], [-1.0, -0.75]]]) / np.sqrt(2.0), what="dq on a hand example")
    assert_close(dk, np.zeros((1, 2, 2)), what="dk on a hand example")


@quick("split_heads")
def _quick_split_heads(nn):
    assert_close(nn.split_heads(np.array(_X8), 2), _HEADS8, what="split_heads(arange(8).reshape(1, 2, 4), 2)")


@quick("merge_heads")
def _quick_merge_heads(nn):
    assert_close(nn.merge_heads(np.array(_HEADS8)), _X8, what="merge_heads of the split of arange(8)")


@quick("mha_forward")
def _quick_mha_forward(nn):
    x = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    eye, zero = np.eye(2), np.zeros(2)
    P = {"Wq": np.zeros((2, 2)), "bq": zero, "Wk": eye, "bk": zero, "Wv": eye, "bv": zero, "Wo": eye,
         "bo": np.array([1.0, -1.0])}
    out, _ = nn.mha_forward(x, P, 2)
    # zero queries: every position averages the values [1, 0] and [0, 1]; plus bo
    assert_close(out, [[[1.5, -0.5], [1.5, -0.5]]], what="mha_forward with Wq = 0, identity Wk, Wv, Wo")


@quick("mha_backward")
def _quick_mha_backward(nn):
    x = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    eye, zero = np.eye(2), np.zeros(2)
    P = {"Wq": np.zeros((2, 2)), "bq": zero, "Wk": eye, "bk": zero, "Wv": eye, "bv": zero, "Wo": eye, "bo": zero}
    _, cache = nn.mha_forward(x, P, 1)
    _, grads = nn.mha_backward(np.ones((1, 2, 2)), cache)
    assert_close(grads["bo"], [2.0, 2.0], what="grads['bo'] of mha_backward for dout = ones((1, 2, 2))")
    assert_close(grads["bv"], [2.0, 2.0], what="grads['bv'] of mha_backward for dout = ones((1, 2, 2))")


@quick("layer_norm_forward")
def _quick_layer_norm_forward(nn):
    out, _ = nn.layer_norm_forward(np.array([[1.0, 3.0]]), np.array([2.0, 1.0]), np.array([0.0, 1.0]), eps=0.0)
    assert_close(out, [[-2.0, 2.0]], what="layer_norm_forward([[1, 3]], gamma=[2, 1], beta=[0, 1], eps=0)")


@quick("layer_norm_backward")
def _quick_layer_norm_backward(nn):
    _, cache = nn.layer_norm_forward(np.array([[1.0, 3.0], [0.0, 2.0]]), np.ones(2), np.zeros(2), eps=0.0)
    dx, dgamma, dbeta = nn.layer_norm_backward(np.array([[1.0, 1.0], [2.0, 0.0]]), cache)
    # xhat = [-1, 1] in both rows; a constant dout has no effect on xhat, and (2, 0) = 1 + (1, -1)
    assert_close(dbeta, [3.0, 1.0], what="dbeta of layer_norm_backward")
    assert_close(dgamma, [-3.0, 1.0], what="dgamma of layer_norm_backward")
    assert_close(dx, [[0.0, 0.0], [0.0, 0.0]], what="dx of layer_norm_backward (xhat = +-1 cannot move)")


@quick("transformer_block_forward")
def _quick_transformer_block_forward(nn):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 2, 2))
    P = _block_params(rng, E=2, H=3)
    for key in ("Wo", "bo", "W2", "b2"):
        P[key] = np.zeros_like(P[key])
    out, _ = nn.transformer_block_forward(x, P, 1)
    assert_close(out, x, what="transformer_block_forward with both branches off")
