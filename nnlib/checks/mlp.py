"""Visible checks for chapter 7 (``nnlib/mlp.py``).

Most expected values come from one tiny network you can follow with pencil
and paper (2 inputs, 2 hidden units, 2 outputs):

    X = [[1, 2]]
    W1 = [[1, 0], [0, 1]], b1 = [0, -3]    ->  z = [1, -1],  h = relu(z) = [1, 0]
    W2 = [[1, 2], [3, 4]], b2 = [-2.5, 0.5] ->  scores = [1 - 2.5, 2 + 0.5] = [-1.5, 2.5]

The functions of this chapter call your functions from earlier chapters
(``relu``, ``dense_forward``, ``dense_backward``, ``relu_backward``,
``cross_entropy``, ``sgd_step``). When a check of 7.2-7.4 fails, it also tries
those functions on a quick example and, if one of them is wrong, says which
one to fix first: :func:`needs` does that, and the hidden checks use it too.
"""

from __future__ import annotations

import numpy as np

from nnlib.testing import (
    CheckFailure,
    assert_close,
    assert_that,
    assert_unchanged,
    check,
    check_gradient,
    forward_cache,
    needs,
    quick,
)

# --------------------------------------------------------------------------
# Which earlier function is to blame?
# --------------------------------------------------------------------------


def tiny_net():
    """The pencil-and-paper network of the module docstring, in float64."""
    X = np.array([[1.0, 2.0]])
    params = [
        (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.0, -3.0])),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([-2.5, 0.5])),
    ]
    return X, params


def two_hidden_layers():
    """A 2-2-2-2 network, float64, in which each hidden layer has one active and one dead unit.

    z1 = [1, -1], h1 = [1, 0]; z2 = [1, -0.5], h2 = [1, 0]: a mask taken from the wrong layer shows.
    """
    X = np.array([[1.0, 2.0]])
    params = [
        (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.0, -3.0])),
        (np.array([[1.0, -1.0], [2.0, 1.0]]), np.array([0.0, 0.5])),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.0, 0.0])),
    ]
    return X, params


@quick("mlp_forward")
def _quick_mlp_forward(nn):
    X, params = tiny_net()
    scores, _ = nn.mlp_forward(X, params)
    assert_close(scores, [[-1.5, 2.5]], what="mlp_forward on the tiny network")


@quick("mlp_backward")
def _quick_mlp_backward(nn):
    X, params = tiny_net()
    _, caches = nn.mlp_forward(X, params)
    grads = nn.mlp_backward(np.array([[1.0, -1.0]]), caches)
    assert_close(grads[0][1], [-1.0, 0.0], what="db1 on the tiny network")


def forward_then_backward(nn, X, params, dscores):
    """Run your mlp_forward then your mlp_backward; name an unfinished one, or a ReLU mask on the wrong layer.

    An unfinished one is named by :func:`nnlib.testing.forward_cache`.
    """
    _, caches = forward_cache(nn, "mlp_forward", "mlp_backward", (X, params), probe=(dscores, []))
    try:
        return nn.mlp_backward(dscores, caches)
    except ValueError as exc:
        if "broadcast" not in str(exc):
            raise
        raise CheckFailure(
            "mlp_backward raised ValueError (arrays of shapes that do not broadcast): most likely "
            + WRONG_LAYER
        ) from None


def backprop_variant(X, params, dscores, how="right"):
    """Backpropagation through dense-ReLU layers in plain NumPy, done right or with a known mistake.

    ``how``: "right"; "skip" (no ReLU mask at all); "after" (each layer's dense step first, then
    the mask of that layer's own z on the gradient passed down, i.e. on the layer below);
    "below" (each layer masked with the z of the layer below it, the output layer included).
    Returns the list of (dW, db), or None when the mistake's shapes cannot meet.
    """
    hs, zs = [X], []
    for W, b in params[:-1]:
        zs.append(hs[-1] @ W + b)
        hs.append(np.maximum(zs[-1], 0.0))
    grads = [None] * len(params)
    dh = dscores
    for k in range(len(params) - 1, -1, -1):
        if how == "right" and k < len(params) - 1:
            dh = dh * (zs[k] > 0)
        if how == "below" and k > 0:
            if dh.shape != zs[k - 1].shape:
                return None
            dh = dh * (zs[k - 1] > 0)
        grads[k] = (hs[k].T @ dh, dh.sum(axis=0))
        dh = dh @ params[k][0].T
        if how == "after" and k < len(params) - 1:
            if dh.shape != zs[k].shape:
                return None
            dh = dh * (zs[k] > 0)
    return grads


CACHE_FORMAT = ("((h_prev, W), z) for each hidden layer, where (h_prev, W) is what dense_forward returned and "
                "z the input of the layer's ReLU, and ((h_prev, W),) for the output layer")


def cache_format_problem(caches, X, params, hidden=False):
    """What is wrong with ``caches`` as the documented format of mlp_forward's caches, or None.

    The format: one tuple per layer, first layer first; ``((h_prev, W), z)`` for a hidden layer and
    ``((h_prev, W),)`` for the output layer. With ``hidden`` the message names no layer index.
    """
    if not isinstance(caches, list | tuple):
        return f"caches should be a list with one tuple per layer, got a {type(caches).__name__}"
    if len(caches) != len(params):
        return "caches should hold exactly one tuple per layer (len(caches) == len(params)), in the format " \
            + CACHE_FORMAT
    h = np.asarray(X, dtype=float)
    last = len(params) - 1
    for k, (W, b) in enumerate(params):
        name = ("the output layer's cache" if k == last else "a hidden layer's cache") if hidden \
            else f"caches[{k}] ({'the output layer' if k == last else 'a hidden layer'})"
        entry = caches[k]
        size = 1 if k == last else 2
        if not isinstance(entry, tuple | list) or len(entry) != size:
            what = "(dense_cache,), a tuple of one element" if k == last else "(dense_cache, z)"
            return f"{name} should be {what}; the format is {CACHE_FORMAT}"
        dense_cache = entry[0]
        if not isinstance(dense_cache, tuple | list) or len(dense_cache) != 2:
            return (f"{name} should start with dense_cache, the tuple (h_prev, W) that dense_forward returned "
                    "(keep it as it is, not unpacked)")
        z = h @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)  # (N, H_in) @ (H_in, H_out) -> (N, H_out)
        for got, want, part in ((dense_cache[0], h, "h_prev, the layer's input"),
                                (dense_cache[1], W, "W, the layer's weight matrix")):
            got_arr = np.asarray(got, dtype=float) if isinstance(got, np.ndarray | list | tuple) else None
            if got_arr is None or got_arr.shape != np.shape(want) or not np.allclose(got_arr, want, rtol=1e-5,
                                                                                      atol=1e-6):
                return f"in {name}, dense_cache should be (h_prev, W): the entry for {part} is not it"
        if k < last:
            got_z = entry[1]
            z_arr = np.asarray(got_z, dtype=float) if isinstance(got_z, np.ndarray | list | tuple) else None
            if z_arr is None or z_arr.shape != z.shape or not np.allclose(z_arr, z, rtol=1e-5, atol=1e-6):
                relu_out = np.maximum(z, 0.0)
                if z_arr is not None and z_arr.shape == z.shape and np.allclose(z_arr, relu_out, rtol=1e-5,
                                                                                 atol=1e-6):
                    return (f"{name} holds relu(z), the layer's output; the format needs z, the input of its "
                            "ReLU (relu_backward(dh, z) reads it)")
                return f"{name} should be (dense_cache, z), with z = h_prev @ W + b, the input of the layer's ReLU"
            h = np.maximum(z, 0.0)
    return None


WRONG_LAYER = (
    "the ReLU mask was applied to the wrong layer: a hidden layer's dz = relu_backward(dh, z) uses "
    "the gradient of that layer's output and that same layer's z, and comes before its dense_backward"
)


def name_backprop_mistake(grads, X, params, dscores):
    """Raise CheckFailure naming the mistake when ``grads`` are, all of them, those of a known mistake."""
    variants = (
        ("the ReLU's gradient was skipped: dz must be 0 where z <= 0", "skip"),
        (WRONG_LAYER + " (here each mask was applied after dense_backward, to the layer below)", "after"),
        (WRONG_LAYER + " (here each layer was masked with the z of the layer below it)", "below"),
    )
    try:
        got = [(np.asarray(dW, dtype=float), np.asarray(db, dtype=float)) for dW, db in grads]
    except (TypeError, ValueError):
        return
    right = backprop_variant(X, params, dscores)
    if len(got) == len(right) > 1 and all(
            g.shape == w.shape and np.allclose(g, w, rtol=1e-6, atol=1e-8)
            for pair, wrong_pair in zip(got, right[::-1], strict=True) for g, w in zip(pair, wrong_pair, strict=True)):
        raise CheckFailure("mlp_backward's gradients are in reverse order: grads[0] belongs to the first layer "
                           "(fill a list of len(caches) from the back, or reverse it at the end)")

    def same(first, second):
        return len(first) == len(second) and all(
            np.shape(g) == np.shape(w) and np.allclose(g, w, rtol=1e-6, atol=1e-8)
            for pair, wrong_pair in zip(first, second, strict=True) for g, w in zip(pair, wrong_pair, strict=True))

    for description, how in variants:
        wrong = backprop_variant(X, params, dscores, how)
        if wrong is None or len(wrong) != len(got) or same(wrong, right):  # no hidden layer: nothing to mask
            continue
        if all(g.shape == np.shape(w) and np.allclose(g, w, rtol=1e-6, atol=1e-8)
               for pair, wrong_pair in zip(got, wrong, strict=True) for g, w in zip(pair, wrong_pair, strict=True)):
            raise CheckFailure(f"mlp_backward's gradients have the wrong values; it looks like {description}")


# --------------------------------------------------------------------------
# 7.1 init_params
# --------------------------------------------------------------------------


@check("7.1", "one (W, b) per layer, with the right shapes, dtype and zero biases")
def _(nn):
    params = nn.init_params([3, 5, 2], np.random.default_rng(0))
    assert_that(
        isinstance(params, list | tuple) and len(params) == 2,
        "init_params([3, 5, 2], rng) should return a list of 2 (W, b) pairs (3 -> 5 -> 2 is two layers), "
        f"got {type(params).__name__} of length {len(params) if hasattr(params, '__len__') else '?'}",
    )
    (W1, b1), (W2, b2) = params
    for name, array, shape in [("W1", W1, (3, 5)), ("b1", b1, (5,)), ("W2", W2, (5, 2)), ("b2", b2, (2,))]:
        assert_that(np.shape(array) == shape, f"{name} has shape {np.shape(array)}, expected {shape}: "
                    "W_i is (layer_sizes[i], layer_sizes[i + 1]) and b_i is (layer_sizes[i + 1],)")
        assert_that(np.asarray(array).dtype == np.float32, f"{name} has dtype {np.asarray(array).dtype}, "
                    "expected float32 (the default dtype): convert with .astype(dtype)")
    assert_close(b1, np.zeros(5), what="b1")
    assert_close(b2, np.zeros(2), what="b2")
    assert_that(np.all(W1 != 0) and np.all(W2 != 0), "the weights should be random numbers, not zeros: "
                "with equal weights every hidden unit computes the same thing and they never become different")


@check("7.1", "every layer gets its own random draw from rng")
def _(nn):
    first = nn.init_params([6, 6, 6], np.random.default_rng(7))
    again = nn.init_params([6, 6, 6], np.random.default_rng(7))
    other = nn.init_params([6, 6, 6], np.random.default_rng(8))
    assert_close(again[0][0], first[0][0], what="W1 from the same seed twice",
                 mistakes=[("the weights do not come from the rng argument", other[0][0])])
    assert_that(not np.allclose(first[0][0], other[0][0]),
                "different seeds gave the same W1: draw the weights with the rng you are given")
    assert_that(not np.allclose(first[0][0], first[1][0]),
                "W1 and W2 (both 6 x 6) are equal: draw each layer's weights once from the same rng, "
                "one layer after the other, without re-seeding")


@check("7.1", "He uses variance 2 / fan_in, Xavier 2 / (fan_in + fan_out)")
def _(nn):
    rng = np.random.default_rng(1)
    for method, expected in [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / (400 + 300)))]:
        W = nn.init_params([400, 300], rng, method=method)[0][0]
        # 120,000 draws: the spread of the sample is within 1% of the true one
        assert_close(
            float(np.std(W)),
            expected,
            what=f"the standard deviation of W with method={method!r}, layer 400 -> 300",
            rtol=0.02,
            mistakes=[
                ("the variance was used as the standard deviation: take np.sqrt of it", expected**2),
                ("the variance is 1 / fan_in instead of 2 / fan_in", np.sqrt(1 / 400)),
                ("fan_out (300) was used where fan_in (400) belongs", np.sqrt(2 / 300)),
                ("He's 2 / fan_in was used for Xavier too", np.sqrt(2 / 400)),
            ],
        )
        assert_close(float(np.mean(W)), 0.0, what=f"the mean of W ({method})", atol=2e-3)


@check("7.1", "the dtype argument is respected, and an unknown method is refused")
def _(nn):
    params = nn.init_params([4, 3, 2], np.random.default_rng(2), method="xavier", dtype=np.float64)
    dtypes = {np.asarray(a).dtype for pair in params for a in pair}
    assert_that(dtypes == {np.dtype(np.float64)}, f"with dtype=np.float64 every array should be float64, got {dtypes}")
    try:
        nn.init_params([4, 3], np.random.default_rng(2), method="uniform")
    except ValueError as exc:
        assert_that("he" in str(exc) and "xavier" in str(exc),
                    f"the ValueError should name the valid choices 'he' and 'xavier'; its message was: {exc}")
    else:
        raise CheckFailure("init_params(..., method='uniform') should raise ValueError naming 'he' and 'xavier'")


# --------------------------------------------------------------------------
# 7.2 mlp_forward
# --------------------------------------------------------------------------


@check("7.2", "the pencil-and-paper network: dense, relu, dense")
@needs("dense_forward", "relu")
def _(nn):
    X, params = tiny_net()
    got = nn.mlp_forward(X, params)
    assert_that(isinstance(got, tuple) and len(got) == 2, "mlp_forward should return (scores, caches)")
    assert_close(
        got[0],
        [[-1.5, 2.5]],
        what="scores of the tiny network (see the top of nnlib/checks/mlp.py)",
        mistakes=[
            ("the hidden ReLU is missing: h should be relu(z) = [1, 0], not z = [1, -1]", [[-4.5, -1.5]]),
            ("a ReLU was applied to the output too: the last layer has no activation", [[0.0, 2.5]]),
        ],
    )


@check("7.2", "two hidden layers, a batch, float32 in and float32 out")
@needs("dense_forward", "relu")
def _(nn):
    X = np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 0.0]], dtype=np.float32)
    params = [
        (np.array([[1.0, -1.0], [-1.0, 1.0]], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32)),
        (np.array([[1.0], [2.0]], dtype=np.float32), np.array([-1.0], dtype=np.float32)),
        (np.array([[2.0, -1.0, 0.0]], dtype=np.float32), np.array([0.0, 0.0, 1.0], dtype=np.float32)),
    ]
    # layer 1: z = [[2, -1], [2, -1], [0, 1]] -> h = [[2, 0], [2, 0], [0, 1]]
    # layer 2: z = [[1], [1], [1]]            -> h = [[1], [1], [1]]
    # output:  [[2, -1, 1]] for every row
    scores, caches = nn.mlp_forward(X, params)
    assert_close(scores, [[2.0, -1.0, 1.0]] * 3, what="mlp_forward(X, params) with two hidden layers")
    assert_that(scores.dtype == np.float32, f"float32 inputs and parameters gave {scores.dtype} scores: "
                "something converted to float64 (a float64 array or np.zeros without dtype?)")
    assert_that(len(caches) == 3, f"caches should hold one entry per layer (3 here), got {len(caches)}")


@check("7.2", "does not modify X or the parameters")
@needs("dense_forward", "relu")
def _(nn):
    X, params = tiny_net()
    X_before = X.copy()
    before = [(W.copy(), b.copy()) for W, b in params]
    scores, _ = nn.mlp_forward(X, params)
    assert_unchanged(X_before, X, what="X")
    for i, ((W, b), (W0, b0)) in enumerate(zip(params, before, strict=True), start=1):
        assert_unchanged(W0, W, what=f"W{i}")
        assert_unchanged(b0, b, what=f"b{i}")
    assert_close(scores, [[-1.5, 2.5]], what="scores of the tiny network")


@check("7.2", "the caches are in the documented format: ((h_prev, W), z) per hidden layer, then ((h_prev, W),)")
@needs("dense_forward", "relu")
def _(nn):
    X, params = two_hidden_layers()
    # expected: [((X, W1), [[1, -1]]), (([[1, 0]], W2), [[1, -0.5]]), (([[1, 0]], W3),)]
    _, caches = nn.mlp_forward(X.copy(), [(W.copy(), b.copy()) for W, b in params])
    problem = cache_format_problem(caches, X, params)
    assert_that(problem is None, f"mlp_forward's caches are not in the documented format: {problem}")


# --------------------------------------------------------------------------
# 7.3 mlp_backward
# --------------------------------------------------------------------------


@check("7.3", "the pencil-and-paper network, backwards")
@needs("dense_forward", "relu", "dense_backward", "relu_backward", "mlp_forward")
def _(nn):
    X, params = tiny_net()
    # dscores = [[1, -1]]:  dW2 = h.T @ dscores = [[1, -1], [0, 0]], db2 = [1, -1]
    # dh = dscores @ W2.T = [[-1, -1]], dz = dh where z > 0 = [[-1, 0]]
    # dW1 = X.T @ dz = [[-1, 0], [-2, 0]], db1 = [-1, 0]
    grads = forward_then_backward(nn, X, params, np.array([[1.0, -1.0]]))
    assert_that(isinstance(grads, list | tuple) and len(grads) == 2,
                "mlp_backward should return a list with one (dW, db) pair per layer (2 here)")
    assert_close(grads[1][0], [[1.0, -1.0], [0.0, 0.0]], what="dW2, the last layer's weight gradient (grads[1][0])",
                 mistakes=[("the gradients are in reverse order: grads[0] belongs to the first layer",
                            [[-1.0, 0.0], [-2.0, 0.0]])])
    assert_close(grads[1][1], [1.0, -1.0], what="db2 (grads[1][1])")
    # (with one hidden layer, no mask and a mask applied after dense_backward give the same dW1)
    assert_close(grads[0][0], [[-1.0, 0.0], [-2.0, 0.0]], what="dW1 (grads[0][0])", mistakes=[
        ("the ReLU's gradient was skipped, or applied after dense_backward (to the layer below): "
         "dz = relu_backward(dh, z) must be 0 where z <= 0, before the layer's dense_backward",
         [[-1.0, -1.0], [-2.0, -2.0]])])
    assert_close(grads[0][1], [-1.0, 0.0], what="db1 (grads[0][1])",
                 mistakes=[("the ReLU's gradient was skipped, or applied after dense_backward (to the layer "
                            "below)", [-1.0, -1.0])])


@check("7.3", "two hidden layers: each ReLU mask belongs to its own layer")
@needs("dense_forward", "relu", "dense_backward", "relu_backward", "mlp_forward")
def _(nn):
    X, params = two_hidden_layers()
    dscores = np.array([[1.0, -1.0]])
    # dW3 = h2.T @ dscores = [[1, -1], [0, 0]]; dh2 = dscores @ W3.T = [-1, -1], masked by z2 > 0: [-1, 0]
    # dW2 = h1.T @ [-1, 0] = [[-1, 0], [0, 0]], db2 = [-1, 0]; dh1 = [-1, 0] @ W2.T = [-1, -2]
    # masked by z1 > 0: [-1, 0]; dW1 = X.T @ [-1, 0] = [[-1, 0], [-2, 0]], db1 = [-1, 0]
    expected = [([[-1.0, 0.0], [-2.0, 0.0]], [-1.0, 0.0]), ([[-1.0, 0.0], [0.0, 0.0]], [-1.0, 0.0]),
                ([[1.0, -1.0], [0.0, 0.0]], [1.0, -1.0])]
    grads = forward_then_backward(nn, X.copy(), [(W.copy(), b.copy()) for W, b in params], dscores.copy())
    assert_that(isinstance(grads, list | tuple) and len(grads) == 3,
                "mlp_backward should return a list with one (dW, db) pair per layer (3 here)")
    name_backprop_mistake(grads, X, params, dscores)
    for layer in (2, 1, 0):
        for k, name in enumerate(("dW", "db")):
            assert_close(grads[layer][k], expected[layer][k], what=f"{name}{layer + 1} (grads[{layer}][{k}])")


@check("7.3", "reads caches built by hand in the documented format (without your mlp_forward)")
@needs("dense_backward", "relu_backward")
def _(nn):
    X, params = tiny_net()
    (W1, _), (W2, _) = params
    # z = [[1, -1]], h = [[1, 0]]: the caches mlp_forward documents, written out
    caches = [((X.copy(), W1.copy()), np.array([[1.0, -1.0]])), ((np.array([[1.0, 0.0]]), W2.copy()),)]
    # dscores = [[1, -1]]: dW2 = [[1, -1], [0, 0]], db2 = [1, -1]; dh = [[-1, -1]], dz = [[-1, 0]]
    # dW1 = X.T @ dz = [[-1, 0], [-2, 0]], db1 = [-1, 0]
    grads = nn.mlp_backward(np.array([[1.0, -1.0]]), caches)
    assert_that(isinstance(grads, list | tuple) and len(grads) == 2,
                "mlp_backward should return a list with one (dW, db) pair per layer (2 here)")
    assert_close(tuple(grads[1]), ([[1.0, -1.0], [0.0, 0.0]], [1.0, -1.0]),
                 what="(dW2, db2) from caches in the format " + CACHE_FORMAT)
    assert_close(tuple(grads[0]), ([[-1.0, 0.0], [-2.0, 0.0]], [-1.0, 0.0]), what="(dW1, db1)")


@check("7.3", "every gradient matches central differences (float64)")
@needs("dense_forward", "relu", "dense_backward", "relu_backward", "mlp_forward")
def _(nn):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 3))
    params = [(rng.normal(size=(3, 5)), rng.normal(size=5)), (rng.normal(size=(5, 4)), rng.normal(size=4)),
              (rng.normal(size=(4, 2)), rng.normal(size=2))]
    G = rng.normal(size=(4, 2))  # the loss is sum(scores * G), so dloss/dscores = G
    grads = forward_then_backward(nn, X.copy(), [(W.copy(), b.copy()) for W, b in params], G.copy())
    for layer in range(3):
        for k, name in enumerate(("W", "b")):
            def loss(value, layer=layer, k=k):
                changed = [list(pair) for pair in params]
                changed[layer][k] = value
                return float(np.sum(nn.mlp_forward(X.copy(), [tuple(np.copy(a) for a in p) for p in changed])[0] * G))

            check_gradient(loss, params[layer][k], grads[layer][k], name=f"{name}{layer + 1}")


@check("7.3", "float32 gradients for float32 parameters, and dscores left unchanged")
@needs("dense_forward", "relu", "dense_backward", "relu_backward", "mlp_forward")
def _(nn):
    X, params = tiny_net()
    X32 = X.astype(np.float32)
    params32 = [(W.astype(np.float32), b.astype(np.float32)) for W, b in params]
    dscores = np.array([[1.0, -1.0]], dtype=np.float32)
    grads = forward_then_backward(nn, X32, params32, dscores)
    assert_unchanged(np.array([[1.0, -1.0]], dtype=np.float32), dscores, what="dscores")
    for i, (dW, db) in enumerate(grads, start=1):
        assert_that(dW.dtype == np.float32 and db.dtype == np.float32,
                    f"dW{i}, db{i} have dtypes {dW.dtype}, {db.dtype}: float32 in should give float32 out")
    assert_close(grads[0][1], [-1.0, 0.0], what="db1")


# --------------------------------------------------------------------------
# 7.4 train_step
# --------------------------------------------------------------------------


@check("7.4", "one step on the pencil-and-paper network (zero output weights)")
@needs("dense_forward", "relu", "cross_entropy", "dense_backward", "relu_backward", "sgd_step",
       "mlp_forward", "mlp_backward")
def _(nn):
    X, params = tiny_net()
    params[1] = (np.zeros((2, 2)), np.zeros(2))
    # scores = [[0, 0]], so the loss is ln 2 and dscores = softmax - onehot(0) = [[-0.5, 0.5]]
    # h = [1, 0]: dW2 = [[-0.5, 0.5], [0, 0]], db2 = [-0.5, 0.5]; dh = dscores @ W2.T = 0, so layer 1 stays
    # with lr = 0.1: W2 = -0.1 * dW2 = [[0.05, -0.05], [0, 0]], b2 = [0.05, -0.05]
    new_params, loss = nn.train_step(X, np.array([0]), params, 0.1)
    assert_close(loss, np.log(2.0), what="the loss returned by train_step (before the update)")
    assert_close(new_params[1][0], [[0.05, -0.05], [0.0, 0.0]], what="W2 after one step with lr = 0.1", mistakes=[
        ("the step went uphill: subtract lr * gradient", [[-0.05, 0.05], [0.0, 0.0]]),
        ("W2 did not move: are the new parameters built from sgd_step's results?", [[0.0, 0.0], [0.0, 0.0]])])
    assert_close(new_params[1][1], [0.05, -0.05], what="b2 after one step with lr = 0.1",
                 mistakes=[("the biases were not updated", [0.0, 0.0])])
    assert_close(tuple(new_params[0]), tuple(params[0]), what="(W1, b1), which get a zero gradient here")


@check("7.4", "returns new float32 arrays and a float; leaves its inputs alone")
@needs("dense_forward", "relu", "cross_entropy", "dense_backward", "relu_backward", "sgd_step",
       "mlp_forward", "mlp_backward")
def _(nn):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(6, 3)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    params = [(rng.normal(size=(3, 4)).astype(np.float32), np.zeros(4, np.float32)),
              (rng.normal(size=(4, 3)).astype(np.float32), np.zeros(3, np.float32))]
    before = [(W.copy(), b.copy()) for W, b in params]
    X_before = X.copy()
    new_params, loss = nn.train_step(X, y, params, 0.5)
    assert_that(isinstance(loss, float), f"the loss should be a Python float, got {type(loss).__name__}: "
                "convert with float(loss)")
    assert_unchanged(X_before, X, what="X")
    for i, ((W, b), (W0, b0)) in enumerate(zip(params, before, strict=True), start=1):
        assert_unchanged(W0, W, what=f"W{i}")
        assert_unchanged(b0, b, what=f"b{i}")
    for i, (W, b) in enumerate(new_params, start=1):
        assert_that(W.dtype == np.float32 and b.dtype == np.float32,
                    f"the new W{i}, b{i} have dtypes {W.dtype}, {b.dtype}: float32 in should give float32 out")
    assert_that(not np.allclose(new_params[0][0], before[0][0]), "W1 did not change after a training step")


@check("7.4", "repeated steps on one batch drive its loss down")
@needs("dense_forward", "relu", "cross_entropy", "dense_backward", "relu_backward", "sgd_step",
       "mlp_forward", "mlp_backward")
def _(nn):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(8, 2))
    y = (X[:, 0] > 0).astype(int)
    params = [(rng.normal(size=(2, 8)), np.zeros(8)), (rng.normal(size=(8, 2)), np.zeros(2))]
    losses = []
    for _ in range(30):
        params, loss = nn.train_step(X, y, params, 0.5)
        losses.append(loss)
    assert_that(losses[-1] < 0.5 * losses[0], f"after 30 steps with lr = 0.5 the loss went from {losses[0]:.3f} "
                f"to {losses[-1]:.3f}; it should at least halve. Is the update subtracting lr * gradient, "
                "and are the new parameters the ones returned?")


# --------------------------------------------------------------------------
# 7.6 dropout_forward
# --------------------------------------------------------------------------


@check("7.6", "keeps entries whose random number is >= p, scaled by 1 / (1 - p)")
def _(nn):
    # np.random.default_rng(0).random(6) = [0.637, 0.270, 0.041, 0.017, 0.813, 0.913]:
    # with p = 0.25 the 3rd and 4th are dropped, the others scaled by 1 / 0.75 = 4/3
    # Two generators in the same state must give the same mask (64 entries: no coincidence).
    first = nn.dropout_forward(np.ones((8, 8)), 0.25, np.random.default_rng(7))
    second = nn.dropout_forward(np.ones((8, 8)), 0.25, np.random.default_rng(7))
    assert_that(isinstance(first, tuple) and isinstance(second, tuple) and len(first) == len(second) == 2,
                "dropout_forward should return (out, mask)")
    other = nn.dropout_forward(np.ones((8, 8)), 0.25, np.random.default_rng(8))
    for same_state, agree in ((True, np.array_equal(first[1], second[1])),
                              (False, not np.array_equal(first[1], np.asarray(other[1])))):
        assert_that(agree, f"two generators {'in the same state' if same_state else 'in different states'} gave "
                    f"{'different' if same_state else 'the same'} masks: draw the random numbers from the rng you "
                    "are given (rng.random(x.shape)), not from np.random.*, NumPy's global generator")
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out, mask = nn.dropout_forward(x.copy(), 0.25, np.random.default_rng(0))
    keep = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    assert_close(
        mask,
        keep / 0.75,
        what="the mask of dropout_forward(x, p=0.25, rng=np.random.default_rng(0))",
        mistakes=[
            ("the kept entries are not scaled: divide the mask by 1 - p", keep),
            ("the kept entries were multiplied by 1 - p instead of divided", keep * 0.75),
            ("the entries with random number < p were kept: keep those >= p", (1 - keep) / 0.75),
        ],
    )
    assert_close(out, x * keep / 0.75, what="out = x * mask")


@check("7.6", "p = 0 changes nothing, float32 stays float32, and x is left unchanged")
def _(nn):
    x = np.array([[1.5, -2.0], [0.0, 3.0]], dtype=np.float32)
    x_before = x.copy()
    out, mask = nn.dropout_forward(x, 0.0, np.random.default_rng(1))
    assert_unchanged(x_before, x, what="x")
    assert_close(out, x_before, what="dropout_forward(x, p=0)")
    assert_close(mask, np.ones((2, 2)), what="the mask for p=0")
    out, mask = nn.dropout_forward(x, 0.5, np.random.default_rng(1))
    assert_that(out.dtype == np.float32 and mask.dtype == np.float32,
                f"float32 x gave out {out.dtype} and mask {mask.dtype}: convert the mask with .astype(x.dtype)")


@check("7.6", "on average the output equals the input")
def _(nn):
    x = np.full((200, 250), 2.0)
    out, _ = nn.dropout_forward(x, 0.3, np.random.default_rng(2))
    dropped = float(np.mean(out == 0))
    assert_close(dropped, 0.3, what="the fraction of entries dropped with p = 0.3", atol=0.01)
    assert_close(float(np.mean(out)), 2.0, what="the mean of dropout_forward(x = 2 everywhere, p = 0.3)",
                 rtol=0.02, mistakes=[("the kept entries are not scaled up by 1 / (1 - p)", 1.4)])


# --------------------------------------------------------------------------
# 7.7 dropout_backward
# --------------------------------------------------------------------------


@check("7.7", "the gradient flows only where the entry was kept, scaled like it; dout and mask unchanged")
def _(nn):
    dout, mask = np.array([[1.0, 2.0, 3.0]]), np.array([[0.0, 2.0, 2.0]])
    got = nn.dropout_backward(dout, mask)
    assert_unchanged(np.array([[1.0, 2.0, 3.0]]), dout, what="dout")
    assert_unchanged(np.array([[0.0, 2.0, 2.0]]), mask, what="mask")
    assert_close(got, [[0.0, 4.0, 6.0]], what="dropout_backward(dout=[[1, 2, 3]], mask=[[0, 2, 2]])",
                 mistakes=[("the mask's scale 1 / (1 - p) was dropped", [[0.0, 2.0, 3.0]])])


@check("7.7", "matches central differences of x -> sum(x * mask * G)")
def _(nn):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 4))
    mask = (rng.random((3, 4)) >= 0.5) / 0.5
    G = rng.normal(size=(3, 4))
    check_gradient(lambda v: float(np.sum(v * mask * G)), x, nn.dropout_backward(G.copy(), mask.copy()), name="x")


# --------------------------------------------------------------------------
# 7.5 accuracy
# --------------------------------------------------------------------------


@check("7.5", "three of four rows have their highest score at the true class")
def _(nn):
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    # argmax of each row: [1, 0, 1, 0]; true classes [1, 0, 0, 0]: 3 of 4 right
    got = nn.accuracy(scores, np.array([1, 0, 0, 0]))
    assert_close(got, 0.75, what="accuracy(scores, y=[1, 0, 0, 0])",
                 mistakes=[("this is the error rate, not the accuracy", 0.25),
                           ("the number of correct rows was returned, not the fraction", 3.0)])


@check("7.5", "returns a float between 0 and 1, for any number of classes")
def _(nn):
    scores = np.array([[-1.0, 5.0, 2.0], [3.0, -2.0, 0.0], [0.0, 1.0, 7.0]])
    got_all = nn.accuracy(scores, np.array([1, 0, 2]))
    got_none = nn.accuracy(scores, np.array([0, 2, 1]))
    assert_that(isinstance(got_all, float), f"accuracy should return a float, got {type(got_all).__name__}")
    assert_close(got_all, 1.0, what="accuracy when every row is right")
    assert_close(got_none, 0.0, what="accuracy when every row is wrong")
