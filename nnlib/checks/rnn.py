"""Visible checks for chapter 9 (``nnlib/rnn.py``).

The small examples can be worked out by hand; the comments show how. Every
backward function is also compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`, using a loss ``L = sum(out * R)`` for a
fixed array R (so ``dout = R``). All data is built inside each check.
"""

import numpy as np

from nnlib.testing import (
    CheckFailure,
    assert_all_unchanged,
    assert_close,
    assert_float32,
    assert_that,
    assert_unchanged,
    check,
    check_gradient,
    copied,
    quick,
)


def _dtype_kept(got, what):
    assert_float32(got, what)


def _pair(got, name, first):
    """Fail unless ``got`` is the pair (first, cache) a forward function returns."""
    assert_that(
        isinstance(got, tuple) and len(got) == 2,
        f"{name} should return a pair ({first}, cache), got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )


def _tuple_of(got, n, name, names):
    """Fail unless ``got`` is a tuple (or list) of n values."""
    assert_that(
        isinstance(got, tuple | list) and len(got) == n,
        f"{name} should return {n} values ({names}), got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )


def _gradients_agree(f, point, analytic, name, hint):
    """check_gradient, with a hint on the usual mistake added to its message."""
    try:
        check_gradient(f, point, analytic, name=name)
    except CheckFailure as failure:
        raise CheckFailure(f"{failure}\\n    hint: {hint}") from None


# --------------------------------------------------------------------------
# 9.1 rnn_step_forward
# --------------------------------------------------------------------------


def _rnn_step_example():
    """N = 2, D = 2, H = 2, with a Wh that is not symmetric (a transpose shows)."""
    x = np.array([[1.0, 0.0], [0.0, 2.0]])
    h_prev = np.array([[0.5, -0.5], [1.0, 0.0]])
    Wx = np.array([[0.2, -0.1], [0.3, 0.4]])
    Wh = np.array([[0.0, 1.0], [-1.0, 0.5]])
    b = np.array([0.1, -0.2])
    return x, h_prev, Wx, Wh, b


@check("9.1", "h_next = tanh(x @ Wx + h_prev @ Wh + b) on a small example")
def _(nn):
    x, h_prev, Wx, Wh, b = _rnn_step_example()
    # x @ Wx = [[0.2, -0.1], [0.6, 0.8]]; h_prev @ Wh = [[0.5, 0.25], [0, 1]]; plus b:
    z = np.array([[0.8, -0.05], [0.7, 1.6]])
    got = nn.rnn_step_forward(x, h_prev, Wx, Wh, b)
    _pair(got, "rnn_step_forward", "h_next")
    assert_close(
        got[0], np.tanh(z), what="h_next of rnn_step_forward on the small example",
        mistakes=[
            ("tanh is missing: h_next = tanh(z), not z", z),
            ("the sigmoid was used: a plain RNN squashes with tanh", 1 / (1 + np.exp(-z))),
            ("h_prev @ Wh is missing: the new state depends on the previous one",
             np.tanh(np.array([[0.3, -0.3], [0.7, 0.6]]))),
            ("Wh was transposed: the product is h_prev @ Wh, with Wh of shape (H, H)",
             np.tanh(np.array([[-0.2, -0.55], [0.7, -0.2]]))),
        ],
    )


@check("9.1", "shapes (N, D), (N, H) -> (N, H); the cache; float32 kept; inputs unchanged")
def _(nn):
    rng = np.random.default_rng(901)
    x = rng.normal(size=(3, 4)).astype(np.float32)  # N = 3, D = 4
    h_prev = rng.normal(size=(3, 2)).astype(np.float32)  # H = 2
    Wx, Wh, b = (rng.normal(size=s).astype(np.float32) for s in [(4, 2), (2, 2), (2,)])
    before = [a.copy() for a in (x, h_prev, Wx, Wh, b)]
    h_next, cache = nn.rnn_step_forward(x, h_prev, Wx, Wh, b)
    for name, old, new in zip(("x", "h_prev", "Wx", "Wh", "b"), before, (x, h_prev, Wx, Wh, b), strict=True):
        assert_unchanged(old, new, what=name)
    assert_close(h_next, np.tanh(x @ Wx + h_prev @ Wh + b), what="h_next for N = 3, D = 4, H = 2", rtol=1e-5)
    _dtype_kept(h_next, "h_next")
    assert_that(isinstance(cache, tuple) and len(cache) == 5,
                "the cache should be the tuple (x, h_prev, Wx, Wh, h_next)")
    assert_that(np.array_equal(cache[4], h_next) and np.array_equal(cache[1], h_prev),
                "the cache should hold (x, h_prev, Wx, Wh, h_next) in that order")


@quick("rnn_step_forward")
def _quick_rnn_step_forward(nn):
    got, _ = nn.rnn_step_forward(np.array([[1.0]]), np.array([[1.0]]), np.array([[0.5]]), np.array([[-1.0]]),
                                 np.array([0.25]))
    assert_close(got, np.tanh([[-0.25]]), what="rnn_step_forward(x=1, h_prev=1, Wx=0.5, Wh=-1, b=0.25)[0]")


# --------------------------------------------------------------------------
# 9.2 rnn_step_backward
# --------------------------------------------------------------------------


@check("9.2", "the five gradients of one step with D = H = 1, worked by hand")
def _(nn):
    # z = x Wx + h_prev Wh + b = 2 * 0.5 + 1 * (-0.5) + 0 = 0.5, h_next = tanh(0.5)
    h_next = np.tanh(0.5)
    dz = 2.0 * (1 - h_next**2)  # dout = 2 times tanh's slope at z
    cache = (np.array([[2.0]]), np.array([[1.0]]), np.array([[0.5]]), np.array([[-0.5]]), np.array([[h_next]]))
    got = nn.rnn_step_backward(np.array([[2.0]]), cache)
    _tuple_of(got, 5, "rnn_step_backward", "dx, dh_prev, dWx, dWh, db")
    slope_mistakes = [
        ("tanh's slope is missing: multiply dout by 1 - h_next ** 2 first", 2.0),
        ("the slope was taken as 1 - z ** 2, or tanh was applied again: use 1 - h_next ** 2 "
         "(h_next is already tanh(z))", 2.0 * (1 - np.tanh(h_next) ** 2)),
    ]
    assert_close(got[4], [dz], what="db", mistakes=[(d, [v]) for d, v in slope_mistakes])
    assert_close(got[0], [[dz * 0.5]], what="dx (= dz * Wx)",
                 mistakes=[(d, [[v * 0.5]]) for d, v in slope_mistakes])
    assert_close(got[1], [[dz * -0.5]], what="dh_prev (= dz * Wh)",
                 mistakes=[("dh_prev used Wx: the previous state enters through Wh", [[dz * 0.5]])])
    assert_close(got[2], [[dz * 2.0]], what="dWx (= x * dz)")
    assert_close(got[3], [[dz * 1.0]], what="dWh (= h_prev * dz)",
                 mistakes=[("dWh used h_next: the weights Wh multiply h_prev", [[dz * h_next]])])


@check("9.2", "all five gradients match central differences (N = 3, D = 4, H = 2)")
def _(nn):
    rng = np.random.default_rng(902)
    x, h_prev = rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    Wx, Wh, b = rng.normal(size=(4, 2)) * 0.5, rng.normal(size=(2, 2)) * 0.5, rng.normal(size=2) * 0.1
    R = rng.normal(size=(3, 2))

    def loss(x=x, h_prev=h_prev, Wx=Wx, Wh=Wh, b=b):
        return np.sum(np.tanh(x @ Wx + h_prev @ Wh + b) * R)  # L = sum(h_next * R)

    cache = (x, h_prev, Wx, Wh, np.tanh(x @ Wx + h_prev @ Wh + b))
    got = nn.rnn_step_backward(R.copy(), cache)
    _tuple_of(got, 5, "rnn_step_backward", "dx, dh_prev, dWx, dWh, db")
    for k, name in enumerate(("x", "h_prev", "Wx", "Wh", "b")):
        point = (x, h_prev, Wx, Wh, b)[k]
        _gradients_agree(lambda v, name=name: loss(**{name: v}), point, got[k], name,
                         "every gradient goes through dz = dout * (1 - h_next ** 2); dx = dz @ Wx.T, "
                         "dWx = x.T @ dz, and the same for h_prev and Wh; db sums dz over the batch")


@quick("rnn_step_backward")
def _quick_rnn_step_backward(nn):
    cache = (np.array([[1.0]]), np.array([[1.0]]), np.array([[2.0]]), np.array([[3.0]]), np.array([[0.5]]))
    got = nn.rnn_step_backward(np.array([[1.0]]), cache)  # dz = 0.75
    assert_close(got, (np.array([[1.5]]), np.array([[2.25]]), np.array([[0.75]]), np.array([[0.75]]),
                       np.array([0.75])), what="rnn_step_backward on a one-number example")


# --------------------------------------------------------------------------
# 9.3 rnn_forward
# --------------------------------------------------------------------------


@check("9.3", "three steps of a one-unit RNN, each state fed into the next")
def _(nn):
    x = np.array([[[1.0], [0.0], [-1.0]]])  # N = 1, T = 3, D = 1
    h0, Wx, Wh, b = np.array([[0.5]]), np.array([[1.0]]), np.array([[2.0]]), np.array([0.0])
    h1 = np.tanh(1.0 + 2.0 * 0.5)
    h2 = np.tanh(0.0 + 2.0 * h1)
    h3 = np.tanh(-1.0 + 2.0 * h2)
    got = nn.rnn_forward(x, h0, Wx, Wh, b)
    _pair(got, "rnn_forward", "h")
    assert_close(
        got[0], [[[h1], [h2], [h3]]], what="h of rnn_forward (h_t = tanh(x_t + 2 h_(t-1)), h0 = 0.5)",
        mistakes=[
            ("every step started from h0: feed each new state into the next step",
             [[[h1], [np.tanh(1.0)], [np.tanh(0.0)]]]),
            ("the states are shifted by one: h[:, t] is the state after reading x[:, t] (h0 is not stored)",
             [[[0.5], [h1], [h2]]]),
        ],
    )


@check("9.3", "shapes (N, T, D) -> (N, T, H) with N, T, D, H all different; the cache; float32")
def _(nn):
    rng = np.random.default_rng(903)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)  # N = 2, T = 5, D = 3
    h0 = rng.normal(size=(2, 4)).astype(np.float32)  # H = 4
    Wx, Wh, b = (rng.normal(size=s).astype(np.float32) * 0.5 for s in [(3, 4), (4, 4), (4,)])
    before = x.copy(), h0.copy()
    h, cache = nn.rnn_forward(x, h0, Wx, Wh, b)
    assert_unchanged(before[0], x, what="x")
    assert_unchanged(before[1], h0, what="h0")
    assert_that(getattr(h, "shape", None) == (2, 5, 4), f"h should have shape (N, T, H) = (2, 5, 4), got "
                f"{getattr(h, 'shape', type(h).__name__)}")
    state = h0
    for t in range(5):  # the same recurrence, written out
        state = np.tanh(x[:, t] @ Wx + state @ Wh + b)
        assert_close(h[:, t], state, what=f"h[:, {t}]", rtol=1e-4, atol=1e-6)
    _dtype_kept(h, "h")
    assert_that(isinstance(cache, tuple) and len(cache) == 5 and np.array_equal(cache[4], h)
                and np.array_equal(cache[1], h0), "the cache should be the tuple (x, h0, Wx, Wh, h)")


@quick("rnn_forward")
def _quick_rnn_forward(nn):
    got, _ = nn.rnn_forward(np.ones((1, 2, 1)), np.zeros((1, 1)), np.array([[1.0]]), np.array([[1.0]]),
                            np.array([0.0]))
    assert_close(got, [[[np.tanh(1.0)], [np.tanh(1.0 + np.tanh(1.0))]]], what="rnn_forward on two steps")


# --------------------------------------------------------------------------
# 9.4 rnn_backward
# --------------------------------------------------------------------------


@check("9.4", "two steps with D = H = 1, worked by hand: the upstream gradient is added to the carried one")
def _(nn):
    x = np.array([[[1.0], [2.0]]])  # N = 1, T = 2
    h0, Wx, Wh = np.array([[0.5]]), np.array([[0.5]]), np.array([[-1.0]])
    h1 = np.tanh(0.5 - 0.5)  # = 0
    h2 = np.tanh(1.0 - h1)
    dh = np.array([[[1.0], [2.0]]])  # upstream gradients of h1 and h2
    dz2 = 2.0 * (1 - h2**2)
    dz1 = (1.0 + dz2 * -1.0) * (1 - h1**2)  # upstream 1 plus what flows back from step 2 through Wh
    got = nn.rnn_backward(dh.copy(), (x, h0, Wx, Wh, np.array([[[h1], [h2]]])))
    _tuple_of(got, 5, "rnn_backward", "dx, dh0, dWx, dWh, db")
    only_upstream = 1.0 * (1 - h1**2)
    only_carried = dz2 * -1.0 * (1 - h1**2)
    assert_close(
        got[0], [[[dz1 * 0.5], [dz2 * 0.5]]], what="dx of rnn_backward",
        mistakes=[
            ("the gradient carried back from step t + 1 was dropped: at each step use dh[:, t] + carried",
             [[[only_upstream * 0.5], [dz2 * 0.5]]]),
            ("dh[:, t] replaced the carried gradient only at the last step: at every step the upstream "
             "dh[:, t] is ADDED to the gradient carried back from step t + 1",
             [[[only_carried * 0.5], [dz2 * 0.5]]]),
        ],
    )
    assert_close(got[1], [[dz1 * -1.0]], what="dh0 (the gradient of the initial state)",
                 mistakes=[("dh0 is zero: it is the gradient carried out of the first step", [[0.0]])])
    assert_close(got[2], [[dz1 * 1.0 + dz2 * 2.0]], what="dWx (the sum over both steps of x_t dz_t)",
                 mistakes=[("only one step's dWx was kept: add up the weight gradients of every step",
                            [[dz1 * 1.0]])])
    assert_close(got[3], [[dz1 * 0.5 + dz2 * h1]], what="dWh (the sum over both steps of h_(t-1) dz_t)")
    assert_close(got[4], [dz1 + dz2], what="db (the sum over both steps of dz_t)")


@check("9.4", "all five gradients match central differences (N = 2, T = 4, D = 3, H = 5)")
def _(nn):
    rng = np.random.default_rng(904)
    args = [rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5)), rng.normal(size=(3, 5)) * 0.5,
            rng.normal(size=(5, 5)) * 0.4, rng.normal(size=5) * 0.1]
    R = rng.normal(size=(2, 4, 5))

    def states(x, h0, Wx, Wh, b):
        h, state = [], h0
        for t in range(x.shape[1]):  # the recurrence of rnn_forward, written out
            state = np.tanh(x[:, t] @ Wx + state @ Wh + b)
            h.append(state)
        return np.stack(h, axis=1)  # (N, T, H)

    got = nn.rnn_backward(R.copy(), (*args[:4], states(*args)))
    _tuple_of(got, 5, "rnn_backward", "dx, dh0, dWx, dWh, db")
    for k, name in enumerate(("x", "h0", "Wx", "Wh", "b")):
        def loss(v, k=k):
            trial = list(args)
            trial[k] = v
            return np.sum(states(*trial) * R)

        _gradients_agree(loss, args[k], got[k], name,
                         "go from the last step to the first; at step t pass dh[:, t] + carried to "
                         "rnn_step_backward, carry its dh_prev, and add up dWx, dWh and db over the steps")


# --------------------------------------------------------------------------
# 9.5 clip_gradients
# --------------------------------------------------------------------------


@check("9.5", "one global norm for all arrays: [3, 4] and [12] have norm 13")
def _(nn):
    grads = [np.array([3.0, 4.0]), np.array([12.0])]
    got = nn.clip_gradients([g.copy() for g in grads], 6.5)
    _pair(got, "clip_gradients", "clipped")
    clipped, norm = got
    assert_close(norm, 13.0, what="the norm returned by clip_gradients([[3, 4], [12]], max_norm=6.5)",
                 mistakes=[("the norm after clipping was returned: return the norm BEFORE clipping", 6.5),
                           ("the squared norm was returned: take the square root", 169.0),
                           ("only the first array's norm was used: the global norm covers every array", 5.0)])
    assert_that(isinstance(clipped, list | tuple) and len(clipped) == 2,
                "clipped should be a list with one array per gradient")
    # 6.5 / 13 = 0.5: both arrays are halved
    assert_close(clipped[0], [1.5, 2.0], what="clipped[0]",
                 mistakes=[("each array was clipped on its own: scale ALL arrays by one factor "
                            "max_norm / global_norm", [3.0, 4.0])])
    assert_close(clipped[1], [6.0], what="clipped[1]",
                 mistakes=[("each array was clipped on its own: scale ALL arrays by one factor "
                            "max_norm / global_norm", [6.5])])


@check("9.5", "a gradient below max_norm is unchanged; inputs are not modified; float32 kept")
def _(nn):
    grads = [np.array([[0.5, -0.5]], dtype=np.float32), np.array([0.5, 0.5], dtype=np.float32)]  # norm 1
    before = [g.copy() for g in grads]
    clipped, norm = nn.clip_gradients(grads, 2.0)
    assert_close(norm, 1.0, what="the norm of [[0.5, -0.5]] and [0.5, 0.5]")
    assert_close(clipped[0], before[0], what="clipped[0] (norm 1 < max_norm 2: nothing to clip)",
                 mistakes=[("the gradient was scaled up to max_norm: only clip when the norm is too large",
                            before[0] * 2.0)])
    assert_close(clipped[1], before[1], what="clipped[1]")
    _dtype_kept(clipped[0], "clipped[0]")
    big = [np.array([30.0, 40.0], dtype=np.float32)]
    kept = big[0].copy()
    nn.clip_gradients(big, 5.0)
    assert_unchanged(kept, big[0], what="the gradient passed to clip_gradients")
    for old, new in zip(before, grads, strict=True):
        assert_unchanged(old, new, what="a gradient passed to clip_gradients")


# --------------------------------------------------------------------------
# 9.6 lstm_step_forward
# --------------------------------------------------------------------------


def _sig(z):
    """The logistic sigmoid, for the small examples below."""
    return 1.0 / (1.0 + np.exp(-z))


def _one_unit_lstm():
    """H = 1, D = 1, x = 1, h_prev = 0: each gate's pre-activation is one entry of Wx + b."""
    pre = np.array([1.0, -0.5, 2.0, 0.75])  # a_i, a_f, a_o, a_g: all different
    x, h_prev, c_prev = np.array([[1.0]]), np.array([[0.0]]), np.array([[0.8]])
    return x, h_prev, c_prev, pre[None, :] - 0.25, np.array([[0.3, -0.2, 0.1, 0.4]]), np.full(4, 0.25), pre


def _lstm_by_formula(pre, c_prev, order=(0, 1, 2, 3), tanh_on_c=True, with_i=True):
    """C and h of a one-unit LSTM whose gate pre-activations are ``pre`` (read in ``order``)."""
    i, f, o = (_sig(pre[k]) for k in order[:3])
    g = np.tanh(pre[order[3]])
    c = f * c_prev + (i * g if with_i else g)
    return c, o * (np.tanh(c) if tanh_on_c else c)


@check("9.6", "one unit, gates in the order (i, f, o, g): c = f c_prev + i g, h = o tanh(c)")
def _(nn):
    x, h_prev, c_prev, Wx, Wh, b, pre = _one_unit_lstm()
    c, h = _lstm_by_formula(pre, 0.8)
    got = nn.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    _tuple_of(got, 3, "lstm_step_forward", "h_next, c_next, cache")
    orders = {"(i, f, g, o)": (0, 1, 3, 2), "(f, i, o, g)": (1, 0, 2, 3), "(i, o, f, g)": (0, 2, 1, 3),
              "(g, i, f, o)": (1, 2, 3, 0), "(i, f, o, g) read backwards": (3, 2, 1, 0)}
    mistakes = [(f"the gates were read in the order {name}: the course's order along 4H is (i, f, o, g) = "
                 "input, forget, output, candidate", _lstm_by_formula(pre, 0.8, order)) for name, order in orders.items()]
    mistakes += [("h_next = o * c_next: the cell state goes through tanh first", _lstm_by_formula(pre, 0.8, tanh_on_c=False)),
                 ("c_next = f * c_prev + g: the candidate must be scaled by the input gate i",
                  _lstm_by_formula(pre, 0.8, with_i=False))]
    assert_close(got[1], [[c]], what="c_next of the one-unit LSTM (a = [1, -0.5, 2, 0.75], c_prev = 0.8)",
                 mistakes=[(d, [[m[0]]]) for d, m in mistakes])
    assert_close(got[0], [[h]], what="h_next of the one-unit LSTM",
                 mistakes=[(d, [[m[1]]]) for d, m in mistakes])


@check("9.6", "shapes with N, D, H all different; the gates in the cache; float32 kept; inputs unchanged")
def _(nn):
    rng = np.random.default_rng(906)
    x = rng.normal(size=(2, 3)).astype(np.float32)  # N = 2, D = 3
    h_prev, c_prev = (rng.normal(size=(2, 4)).astype(np.float32) for _ in range(2))  # H = 4
    Wx, Wh, b = (rng.normal(size=s).astype(np.float32) for s in [(3, 16), (4, 16), (16,)])
    before = [a.copy() for a in (x, h_prev, c_prev, Wx, Wh, b)]
    got = nn.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    _tuple_of(got, 3, "lstm_step_forward", "h_next, c_next, cache")
    h_next, c_next, cache = got
    for name, old, new in zip(("x", "h_prev", "c_prev", "Wx", "Wh", "b"), before,
                              (x, h_prev, c_prev, Wx, Wh, b), strict=True):
        assert_unchanged(old, new, what=name)
    assert_that(getattr(h_next, "shape", None) == (2, 4) and getattr(c_next, "shape", None) == (2, 4),
                "h_next and c_next should both have shape (N, H) = (2, 4)")
    _dtype_kept(h_next, "h_next")
    _dtype_kept(c_next, "c_next")
    assert_that(isinstance(cache, tuple) and len(cache) == 7,
                "the cache should be the tuple (x, h_prev, c_prev, Wx, Wh, gates, c_next)")
    gates = np.asarray(cache[5])
    assert_that(gates.shape == (2, 16), f"gates in the cache should have shape (N, 4H) = (2, 16), got {gates.shape}")
    assert_that(np.all((gates[:, :12] > 0) & (gates[:, :12] < 1)),
                "gates[:, :3H] (i, f, o) should be sigmoids, between 0 and 1")
    i, f, g = gates[:, :4], gates[:, 4:8], gates[:, 12:]
    assert_close(c_next, f * c_prev + i * g, what="c_next compared with f * c_prev + i * g from the cached gates",
                 rtol=1e-5, atol=1e-6)


def _one_unit_cache():
    """The cache of lstm_step_forward on the one-unit example, from the formulas."""
    x, h_prev, c_prev, Wx, Wh, _, pre = _one_unit_lstm()
    gates = np.array([[_sig(pre[0]), _sig(pre[1]), _sig(pre[2]), np.tanh(pre[3])]])
    c_next = gates[:, 1:2] * c_prev + gates[:, 0:1] * gates[:, 3:4]
    return x, h_prev, c_prev, Wx, Wh, gates, c_next


def _first_try_backward(nn, sequence=False):
    """Call the backward function once on a hand-made cache (a stub then names its own exercise)."""
    x, h_prev, c_prev, Wx, Wh, gates, c_next = _one_unit_cache()
    if sequence:  # one step from h0 = 0 and c0 = 0: c_prev = 0
        c_next = gates[:, 0:1] * gates[:, 3:4]
        h = gates[:, 2:3] * np.tanh(c_next)
        nn.lstm_backward(np.ones((1, 1, 1)), (x[:, None], h_prev, Wx, Wh, gates[:, None], c_next[:, None], h[:, None]))
    else:
        nn.lstm_step_backward(np.ones((1, 1)), np.ones((1, 1)), (x, h_prev, c_prev, Wx, Wh, gates, c_next))


@quick("lstm_step_forward")
def _quick_lstm_step_forward(nn):
    x, h_prev, c_prev, Wx, Wh, b, pre = _one_unit_lstm()
    c, h = _lstm_by_formula(pre, 0.8)
    got = nn.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    assert_close((got[0], got[1]), (np.array([[h]]), np.array([[c]])), what="lstm_step_forward on one unit")


# --------------------------------------------------------------------------
# 9.7 lstm_step_backward
# --------------------------------------------------------------------------


_LSTM_HINT = ("c_next receives dc_next PLUS dh_next * o * (1 - tanh(c_next) ** 2); the gate gradients "
              "are then multiplied by their own slopes (i, f, o: s * (1 - s); g: 1 - g ** 2) and stacked in "
              "the order (i, f, o, g)")


@check("9.7", "all six gradients match central differences of your lstm_step_forward; "
              "dh_next, dc_next and the cache unchanged")
def _(nn):
    rng = np.random.default_rng(907)
    args = [rng.normal(size=(2, 3)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2)),
            rng.normal(size=(3, 8)) * 0.5, rng.normal(size=(2, 8)) * 0.5, rng.normal(size=8) * 0.3]
    Rh, Rc = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    _first_try_backward(nn)
    _, _, cache = nn.lstm_step_forward(*[a.copy() for a in args])
    dh_next, dc_next, kept = Rh.copy(), Rc.copy(), copied(cache)
    got = nn.lstm_step_backward(dh_next, dc_next, cache)
    _tuple_of(got, 6, "lstm_step_backward", "dx, dh_prev, dc_prev, dWx, dWh, db")
    for k, name in enumerate(("x", "h_prev", "c_prev", "Wx", "Wh", "b")):
        def loss(v, k=k):
            trial = list(args)
            trial[k] = v
            h, c, _ = nn.lstm_step_forward(*copied(trial))
            return np.sum(h * Rh) + np.sum(c * Rc)  # L = sum(h_next * Rh) + sum(c_next * Rc)

        _gradients_agree(loss, args[k], got[k], name, _LSTM_HINT)
    assert_unchanged(Rh, dh_next, what="dh_next")
    assert_unchanged(Rc, dc_next, what="dc_next")
    assert_all_unchanged(kept, cache, "the cache")


@check("9.7", "the cell path alone: with dh_next = 0, dc_prev = dc_next * f")
def _(nn):
    pre = _one_unit_lstm()[-1]
    got = nn.lstm_step_backward(np.array([[0.0]]), np.array([[2.0]]), _one_unit_cache())
    _tuple_of(got, 6, "lstm_step_backward", "dx, dh_prev, dc_prev, dWx, dWh, db")
    f, i, g = _sig(pre[1]), _sig(pre[0]), np.tanh(pre[3])
    assert_close(got[2], [[2.0 * f]], what="dc_prev for dh_next = 0, dc_next = 2 (one unit)",
                 mistakes=[("dc_next was not passed back: dc_prev = (dc_next + ...) * f", [[0.0]])])
    # only the cell path: the output gate gets no gradient; i, f, g get dc * (g, c_prev, i) times their slopes
    expected_db = [2.0 * g * i * (1 - i), 2.0 * 0.8 * f * (1 - f), 0.0, 2.0 * i * (1 - g**2)]
    assert_close(got[5], expected_db, what="db for dh_next = 0, dc_next = 2, in the order (i, f, o, g)",
                 mistakes=[("the candidate's tanh slope (1 - g ** 2) is missing",
                            expected_db[:3] + [2.0 * i]),
                           ("the sigmoid slopes s * (1 - s) of the gates are missing",
                            [2.0 * g, 2.0 * 0.8, 0.0, expected_db[3]])])


# --------------------------------------------------------------------------
# 9.8 lstm_forward
# --------------------------------------------------------------------------


@check("9.8", "the same as lstm_step_forward step after step, starting from c = 0")
def _(nn):
    rng = np.random.default_rng(908)
    x, h0 = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 4))  # N = 2, T = 3, D = 5, H = 4
    Wx, Wh, b = rng.normal(size=(5, 16)) * 0.5, rng.normal(size=(4, 16)) * 0.5, rng.normal(size=16) * 0.2
    got = nn.lstm_forward(x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy())
    _pair(got, "lstm_forward", "h")
    h_t, c_t, expected = h0, np.zeros((2, 4)), []
    for t in range(3):
        h_t, c_t, _ = nn.lstm_step_forward(*copied((x[:, t], h_t, c_t, Wx, Wh, b)))
        expected.append(h_t)
    assert_close(got[0], np.stack(expected, axis=1), what="h of lstm_forward (N = 2, T = 3, D = 5, H = 4)",
                 mistakes=[("the cell state was not carried: every step must start from the previous c",
                            np.stack(_run_steps(nn, x, h0, np.zeros((2, 4)), Wx, Wh, b, reset=True), axis=1)),
                           ("the cell state started at h0: it starts at zero",
                            np.stack(_run_steps(nn, x, h0, h0, Wx, Wh, b), axis=1))])


def _run_steps(nn, x, h0, c0, Wx, Wh, b, reset=False):
    """Hidden states of lstm_step_forward applied step after step from (h0, c0) (c0 every time: reset)."""
    h_t, c_t, out = h0, c0, []
    for t in range(x.shape[1]):
        h_t, c_t, _ = nn.lstm_step_forward(*copied((x[:, t], h_t, c0 if reset else c_t, Wx, Wh, b)))
        out.append(h_t)
    return out


@check("9.8", "the cache (x, h0, Wx, Wh, gates, c, h): shapes and consistency; float32 kept")
def _(nn):
    rng = np.random.default_rng(9081)
    x, h0 = rng.normal(size=(3, 2, 4)).astype(np.float32), rng.normal(size=(3, 5)).astype(np.float32)
    Wx, Wh, b = (rng.normal(size=s).astype(np.float32) * 0.5 for s in [(4, 20), (5, 20), (20,)])
    before = x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy()
    h, cache = nn.lstm_forward(x, h0, Wx, Wh, b)
    assert_unchanged(before[0], x, what="x")
    assert_unchanged(before[1], h0, what="h0")
    for name, old, new in zip(("Wx", "Wh", "b"), before[2:], (Wx, Wh, b), strict=True):
        assert_unchanged(old, new, what=name)
    _dtype_kept(h, "h")
    assert_that(isinstance(cache, tuple) and len(cache) == 7, "the cache should be the tuple (x, h0, Wx, Wh, gates, c, h)")
    gates, c, h_cached = (np.asarray(a) for a in cache[4:])
    assert_that(gates.shape == (3, 2, 20) and c.shape == (3, 2, 5),
                "the cache should hold gates of shape (N, T, 4H) = (3, 2, 20) and c of shape (N, T, H) = (3, 2, 5)")
    assert_close(h_cached, h, what="h in the cache")
    assert_close(h, gates[:, :, 10:15] * np.tanh(c), what="h compared with o * tanh(c) from the cache",
                 rtol=1e-5, atol=1e-6)


@quick("lstm_forward")
def _quick_lstm_forward(nn):
    x, h_prev, c_prev, Wx, Wh, b, pre = _one_unit_lstm()
    _, h = _lstm_by_formula(pre, 0.0)
    got, _ = nn.lstm_forward(x[:, None, :], h_prev, Wx, Wh, b)
    assert_close(got, [[[h]]], what="lstm_forward on one step of one unit")


# --------------------------------------------------------------------------
# 9.9 lstm_backward
# --------------------------------------------------------------------------


@check("9.9", "all five gradients match central differences of your lstm_forward; dh and the cache unchanged")
def _(nn):
    rng = np.random.default_rng(909)
    args = [rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 2)), rng.normal(size=(2, 8)) * 0.5,
            rng.normal(size=(2, 8)) * 0.5, rng.normal(size=8) * 0.3]  # N = 2, T = 3, D = 2, H = 2
    R = rng.normal(size=(2, 3, 2))
    _first_try_backward(nn, sequence=True)
    _, cache = nn.lstm_forward(*[a.copy() for a in args])
    dh, kept = R.copy(), copied(cache)
    got = nn.lstm_backward(dh, cache)
    _tuple_of(got, 5, "lstm_backward", "dx, dh0, dWx, dWh, db")
    for k, name in enumerate(("x", "h0", "Wx", "Wh", "b")):
        def loss(v, k=k):
            trial = list(args)
            trial[k] = v
            return np.sum(nn.lstm_forward(*copied(trial))[0] * R)

        _gradients_agree(loss, args[k], got[k], name,
                         "go from the last step to the first, carrying BOTH dh and dc; at each step the "
                         "upstream dh[:, t] is added to the carried dh; " + _LSTM_HINT)
    assert_unchanged(R, dh, what="dh")
    assert_all_unchanged(kept, cache, "the cache")


@check("9.9", "a gradient only at the last step reaches the first input; none flows forward in time")
def _(nn):
    rng = np.random.default_rng(9091)
    args = [rng.normal(size=(1, 4, 2)), np.zeros((1, 3)), rng.normal(size=(2, 12)),
            rng.normal(size=(3, 12)), np.zeros(12)]
    _first_try_backward(nn, sequence=True)
    _, cache = nn.lstm_forward(*copied(args))
    dh = np.zeros((1, 4, 3))
    dh[:, 0] = 1.0  # only the first output has a gradient
    got = nn.lstm_backward(dh, copied(cache))
    _tuple_of(got, 5, "lstm_backward", "dx, dh0, dWx, dWh, db")
    dx = np.asarray(got[0])
    assert_that(dx.shape == (1, 4, 2), "dx should have the shape (N, T, D) of x")
    assert_close(dx[:, 1:], np.zeros((1, 3, 2)),
                 what="dx[:, 1:] when only h[:, 0] has a gradient (later inputs cannot change an earlier state)")
    dh = np.zeros((1, 4, 3))
    dh[:, 3] = 1.0  # only the last output
    dx = np.asarray(nn.lstm_backward(dh, copied(cache))[0])
    assert_that(np.abs(dx[:, 0]).sum() > 0,
                "dx[:, 0] is zero although h[:, 3] depends on x[:, 0]: the gradient must be carried back "
                "through every step (both dh and dc)")


# --------------------------------------------------------------------------
# 9.10 embedding_forward
# --------------------------------------------------------------------------


def _table():
    """A vocabulary of V = 3 tokens with E = 2: row v is [10 v, 10 v + 1]."""
    return np.array([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]])


@check("9.10", "each id picks its row of W")
def _(nn):
    W = _table()
    x = np.array([[2, 0, 2], [1, 1, 0]])  # N = 2, T = 3
    got = nn.embedding_forward(x, W)
    _pair(got, "embedding_forward", "out")
    expected = [[[20.0, 21.0], [0.0, 1.0], [20.0, 21.0]], [[10.0, 11.0], [10.0, 11.0], [0.0, 1.0]]]
    assert_close(
        got[0], expected, what="out of embedding_forward(x=[[2, 0, 2], [1, 1, 0]], W=[[0, 1], [10, 11], [20, 21]])",
    )
    cache = got[1]
    assert_that(isinstance(cache, tuple) and len(cache) == 2 and np.array_equal(cache[0], x)
                and np.ndim(cache[1]) == 0 and int(cache[1]) == 3,
                "the cache should be the tuple (x, V): the ids and the number V of rows of W (a number, not W)")


@check("9.10", "shape (N, T) -> (N, T, E); float32 kept; x and W unchanged")
def _(nn):
    W = np.arange(20, dtype=np.float32).reshape(5, 4)  # V = 5, E = 4, row v = [4v, ..., 4v + 3]
    x = np.array([[4, 0], [3, 3], [1, 2]])  # N = 3, T = 2
    before = x.copy(), W.copy()
    out, _ = nn.embedding_forward(x, W)
    assert_unchanged(before[0], x, what="x")
    assert_unchanged(before[1], W, what="W")
    assert_close(out[2, 1], [8.0, 9.0, 10.0, 11.0], what="out[2, 1] (the embedding of token 2)")
    assert_close(out, W[x], what="out of embedding_forward for x of shape (3, 2) and W of shape (5, 4)")
    _dtype_kept(out, "out")


# --------------------------------------------------------------------------
# 9.11 embedding_backward
# --------------------------------------------------------------------------


@check("9.11", "repeated ids add up their gradients")
def _(nn):
    x = np.array([[0, 2, 0]])  # N = 1, T = 3: token 0 twice, token 1 never
    dout = np.array([[[1.0, 2.0], [5.0, 6.0], [3.0, 4.0]]])  # (1, 3, 2)
    # row 0 = [1, 2] + [3, 4]; row 1 = 0 (unused); row 2 = [5, 6]
    got = nn.embedding_backward(dout.copy(), (x, 3))
    assert_close(
        got, [[4.0, 6.0], [0.0, 0.0], [5.0, 6.0]], what="dW of embedding_backward(dout, (x=[[0, 2, 0]], V=3))",
        mistakes=[
            ("dW[x] = dout (or dW[x] += dout) overwrites: a repeated token keeps only one gradient; "
             "accumulate with np.add.at(dW, x, dout)", [[3.0, 4.0], [0.0, 0.0], [5.0, 6.0]]),
            ("a repeated token kept only its first gradient; accumulate with np.add.at(dW, x, dout)",
             [[1.0, 2.0], [0.0, 0.0], [5.0, 6.0]]),
        ],
    )


@check("9.11", "shape (V, E), zero rows for unused tokens, float32 kept, dout unchanged")
def _(nn):
    x = np.array([[1, 1], [1, 3]])  # N = 2, T = 2, V = 5
    dout = np.ones((2, 2, 3), dtype=np.float32)
    before = dout.copy()
    dW = nn.embedding_backward(dout, (x, 5))
    assert_unchanged(before, dout, what="dout")
    # token 1 occurs three times, token 3 once, tokens 0, 2, 4 never
    assert_close(dW, [[0.0] * 3, [3.0] * 3, [0.0] * 3, [1.0] * 3, [0.0] * 3],
                 what="dW for dout = ones((2, 2, 3)), x = [[1, 1], [1, 3]], V = 5",
                 mistakes=[("a repeated token kept only one gradient: accumulate with np.add.at",
                            [[0.0] * 3, [1.0] * 3, [0.0] * 3, [1.0] * 3, [0.0] * 3])])
    _dtype_kept(dW, "dW")


@quick("embedding_forward")
def _quick_embedding_forward(nn):
    out, _ = nn.embedding_forward(np.array([[1, 0]]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert_close(out, [[[3.0, 4.0], [1.0, 2.0]]], what="embedding_forward(x=[[1, 0]], W=[[1, 2], [3, 4]])[0]")


@quick("embedding_backward")
def _quick_embedding_backward(nn):
    got = nn.embedding_backward(np.array([[[1.0], [2.0]]]), (np.array([[1, 1]]), 2))
    assert_close(got, [[0.0], [3.0]], what="embedding_backward(dout=[[[1], [2]]], (x=[[1, 1]], V=2))")


# --------------------------------------------------------------------------
# 9.12 temporal_softmax_loss
# --------------------------------------------------------------------------


@check("9.12", "all-zero scores: the loss is ln V per position, the gradient (1/V - onehot) / (N T)")
def _(nn):
    scores = np.zeros((2, 3, 4))  # N = 2, T = 3, V = 4
    y = np.array([[0, 1, 2], [3, 3, 0]])
    got = nn.temporal_softmax_loss(scores.copy(), y.copy())
    _pair(got, "temporal_softmax_loss", "loss")
    loss, dscores = got
    assert_close(loss, np.log(4.0), what="the loss for all-zero scores over V = 4 tokens",
                 mistakes=[("the losses were summed over time and averaged over N only: this course "
                            "averages over all N T positions (the loss per token)", 3 * np.log(4.0)),
                           ("the losses were summed, not averaged", 6 * np.log(4.0))])
    onehot = np.zeros((2, 3, 4))
    onehot[np.arange(2)[:, None], np.arange(3)[None, :], y] = 1.0
    assert_close(dscores, (0.25 - onehot) / 6, what="dscores for all-zero scores",
                 mistakes=[("the gradient is not divided by the number of positions N T = 6", 0.25 - onehot),
                           ("the gradient was divided by N only", (0.25 - onehot) / 2)])


@check("9.12", "masked positions count for nothing and get zero gradient; scores, y and mask unchanged")
def _(nn):
    scores = np.zeros((1, 4, 2))  # V = 2: every position has loss ln 2
    scores[0, 3] = [10.0, -10.0]  # a padded position with a huge loss for y = 1
    y = np.array([[0, 1, 0, 1]])
    mask = np.array([[True, True, True, False]])
    given = scores.copy(), y.copy(), mask.copy()
    loss, dscores = nn.temporal_softmax_loss(*given)
    assert_close(loss, np.log(2.0), what="the loss with the last position masked",
                 mistakes=[("the masked position was counted", (3 * np.log(2.0) + 20.0) / 4),
                           ("the sum over kept positions was divided by N T instead of the number kept",
                            3 * np.log(2.0) / 4)])
    assert_close(dscores[0, 3], [0.0, 0.0], what="dscores at the masked position")
    assert_close(dscores[0, 0], [-0.5 / 3, 0.5 / 3], what="dscores at a kept position (divided by 3 kept positions)")
    # softmax of [0, 0] is [0.5, 0.5]; minus the one-hot of y, divided by the 3 kept positions
    assert_close(dscores, [[[-0.5 / 3, 0.5 / 3], [0.5 / 3, -0.5 / 3], [-0.5 / 3, 0.5 / 3], [0.0, 0.0]]],
                 what="dscores for y = [[0, 1, 0, 1]] with the last position masked")
    for name, old, new in zip(("scores", "y", "mask"), (scores, y, mask), given, strict=True):
        assert_unchanged(old, new, what=name)


# --------------------------------------------------------------------------
# 9.13 sample
# --------------------------------------------------------------------------


def _counting_model(V=5):
    """An LSTM whose next token is always (token + 1) mod V, with probability ~1."""
    H = V
    return {
        "W_embed": np.eye(V),  # E = V: one-hot inputs
        "Wx": np.concatenate([np.zeros((V, 2 * H)), np.zeros((V, H)), 6.0 * np.eye(V)], axis=1),  # g = tanh(6 x)
        "Wh": np.zeros((H, 4 * H)),
        # i = o = sigmoid(20) ~ 1 (let everything in, show it), f = sigmoid(-20) ~ 0 (forget the past)
        "b": np.concatenate([np.full(H, 20.0), np.full(H, -20.0), np.full(H, 20.0), np.zeros(H)]),
        "W_out": 60.0 * np.roll(np.eye(V), 1, axis=1),  # unit v votes for token v + 1
        "b_out": np.zeros(V),
    }


@check("9.13", "a model that counts: prompt [2] gives 3, 4, 0, 1, 2, 3 (V = 5); params and prompt unchanged")
def _(nn):
    model, prompt = _counting_model(), [2]
    got = nn.sample(model, prompt, 6, np.random.default_rng(0), 1.0)
    assert_close(got, [3, 4, 0, 1, 2, 3], what="sample(counting model, start=[2], length=6)",
                 mistakes=[("the prompt was included in the output: return only the generated tokens",
                            [2, 3, 4, 0, 1, 2]),
                           ("the generated tokens were not fed back: each new token is the next input",
                            [3, 3, 3, 3, 3, 3])])
    got = nn.sample(_counting_model(), [4, 0, 1], 3, np.random.default_rng(0), 0.5)
    assert_close(got, [2, 3, 4], what="sample(counting model, start=[4, 0, 1], length=3, temperature=0.5)",
                 mistakes=[("only the first token of the prompt was read: read all of it", [0, 1, 2])])
    assert_all_unchanged(_counting_model(), model, "params")
    assert_that(prompt == [2], "the prompt list passed to sample was modified: copy it (tokens = list(start)) "
                "before appending the generated tokens")


def _constant_model(b_out):
    """An LSTM that ignores its input: every step's scores are b_out."""
    V, H = len(b_out), 2
    return {"W_embed": np.ones((V, 3)), "Wx": np.zeros((3, 4 * H)), "Wh": np.zeros((H, 4 * H)),
            "b": np.zeros(4 * H), "W_out": np.zeros((H, V)), "b_out": np.array(b_out, dtype=float)}


@check("9.13", "the temperature divides the scores before the softmax; rng.choice draws each token")
def _(nn):
    b_out = np.log([0.7, 0.2, 0.1])  # probabilities 0.7, 0.2, 0.1 at temperature 1
    for temperature in (0.5, 2.0):
        p = np.exp(b_out / temperature) / np.exp(b_out / temperature).sum()
        copy = np.random.default_rng(913)
        expected = [copy.choice(3, p=p) for _ in range(40)]
        plain = np.random.default_rng(913)
        after = [plain.choice(3, p=[0.7, 0.2, 0.1]) for _ in range(40)]
        got = nn.sample(_constant_model(b_out), [0], 40, np.random.default_rng(913), temperature)
        assert_close(got, expected, what=f"40 tokens at temperature {temperature} (scores log[0.7, 0.2, 0.1])",
                     mistakes=[("the temperature had no effect: divide the SCORES by it before the softmax "
                                "(dividing the probabilities changes nothing once they are renormalised)", after)])
