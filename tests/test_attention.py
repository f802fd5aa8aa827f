"""Properties of the reference ``nnlib/attention.py``, and the chapter's training target.

Every backward function is compared with central differences in float64 by
:func:`nnlib.testing.check_gradient` on random shapes in which N, T, E, h and
H all differ; the forward functions are compared with plain NumPy or with
algebraic properties (equivariance, invariances, masks).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import attention as A
from nnlib.testing import check_gradient

FAST = settings(max_examples=20, deadline=None)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# --------------------------------------------------------------------------
# The target stated on the page
# --------------------------------------------------------------------------


@pytest.mark.ex12_13
def test_sorting_transformer_reaches_the_target():
    """Does the page's recipe (seed 0) sort at least 99% of the page's 2,000 held-out sequences exactly?"""
    model, losses = A.train_toy_transformer(seed=0)
    tokens, targets = A.toy_task(2000, np.random.default_rng(12345))
    logits, _ = A.transformer_forward(tokens, model)
    assert A.sequence_accuracy(logits, targets) >= 0.99
    assert losses[-1] < 0.05 < losses[0]
    assert model["embed"].dtype == np.float32 and logits.dtype == np.float32


def test_toy_tasks_answer_correctly():
    """Are the sort, reverse and copy targets what their names say, and unknown kinds refused?"""
    rng = np.random.default_rng(0)
    tokens, targets = A.toy_task(5, rng, "sort")
    np.testing.assert_array_equal(targets, np.sort(tokens, axis=1))
    tokens, targets = A.toy_task(5, rng, "reverse")
    np.testing.assert_array_equal(targets, tokens[:, ::-1])
    with pytest.raises(ValueError):
        A.toy_task(5, rng, "shuffle")


def test_whole_model_gradients_match_central_differences():
    """Are the gradients of transformer_backward (embeddings to output layer) right, in float64?"""
    rng = np.random.default_rng(1)
    model = A.init_transformer(5, 4, 2, 6, 2, rng, dtype=np.float64)
    tokens, targets = rng.integers(0, 5, size=(2, 3)), rng.integers(0, 5, size=(2, 3))
    mask = A.causal_mask(3)
    logits, cache = A.transformer_forward(tokens, model, mask)
    _, dlogits = A.sequence_loss(logits, targets)
    grads = A.transformer_backward(dlogits, cache)

    def loss_with(path, value):
        import copy
        changed = copy.deepcopy(model)
        A._set(changed, path, value)
        return A.sequence_loss(A.transformer_forward(tokens, changed, mask)[0], targets)[0]

    for path, grad in A._leaves(grads):
        check_gradient(lambda v, path=path: loss_with(path, v), A._get(model, path), grad, name=str(path))


# --------------------------------------------------------------------------
# attention, masks, softmax backward
# --------------------------------------------------------------------------


@st.composite
def attention_problems(draw):
    n, t, s, e = (draw(st.integers(1, 4)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    q, k, v = rng.normal(size=(n, t, e)), rng.normal(size=(n, s, e)), rng.normal(size=(n, s, e))
    mask = rng.random((t, s)) < 0.6 if draw(st.booleans()) else None
    return q, k, v, mask, rng.normal(size=(n, t, e))


@pytest.mark.ex12_1
@FAST
@given(attention_problems())
def test_attention_forward_is_a_masked_softmax_average(problem):
    """Is out = softmax(q k^T / sqrt(E)) v with exact zeros where masked and zero rows where all is masked?"""
    q, k, v, mask, _ = problem
    out, (_, _, _, weights) = A.attention_forward(q, k, v, mask)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    if mask is None:
        np.testing.assert_allclose(weights, _softmax(scores), rtol=1e-12)
    else:
        assert np.all(weights[:, ~mask] == 0.0)
        rows = mask.any(axis=1)
        np.testing.assert_allclose(weights.sum(-1)[:, rows], 1.0, rtol=1e-12)
        np.testing.assert_array_equal(weights.sum(-1)[:, ~rows], 0.0)
    np.testing.assert_allclose(out, weights @ v, rtol=1e-12, atol=1e-14)


@pytest.mark.ex12_4
@FAST
@given(attention_problems())
def test_attention_backward_matches_central_differences(problem):
    """For L = sum(out * R), do dq, dk, dv equal central differences, with and without a mask?"""
    q, k, v, mask, R = problem
    _, cache = A.attention_forward(q, k, v, mask)
    dq, dk, dv = A.attention_backward(R, cache)
    check_gradient(lambda a: np.sum(A.attention_forward(a, k, v, mask)[0] * R), q, dq, name="q")
    check_gradient(lambda a: np.sum(A.attention_forward(q, a, v, mask)[0] * R), k, dk, name="k")
    check_gradient(lambda a: np.sum(A.attention_forward(q, k, a, mask)[0] * R), v, dv, name="v")


@pytest.mark.ex12_3
@FAST
@given(st.integers(0, 2**32 - 1))
def test_softmax_backward_matches_central_differences(seed):
    """Is softmax_backward the gradient of sum(softmax(z) * R), rows of dz summing to 0?"""
    rng = np.random.default_rng(seed)
    z, R = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 3, 5))
    dz = A.softmax_backward(R, _softmax(z))
    check_gradient(lambda a: np.sum(_softmax(a) * R), z, dz, name="z")
    np.testing.assert_allclose(dz.sum(-1), 0.0, atol=1e-12)


@pytest.mark.ex12_2
def test_causal_mask_is_the_lower_triangle():
    """Is causal_mask(T) boolean, True exactly where s <= t?"""
    mask = A.causal_mask(5)
    assert mask.dtype == bool
    rows, cols = np.indices((5, 5))
    np.testing.assert_array_equal(mask, cols <= rows)


@pytest.mark.ex12_1
@pytest.mark.ex12_4
def test_attention_keeps_float32():
    """Do float32 inputs give float32 outputs, weights and gradients?"""
    rng = np.random.default_rng(2)
    q, k, v = (rng.normal(size=(2, 3, 4)).astype(np.float32) for _ in range(3))
    out, cache = A.attention_forward(q, k, v, A.causal_mask(3))
    assert out.dtype == cache[3].dtype == np.float32
    assert all(g.dtype == np.float32 for g in A.attention_backward(out, cache))


# --------------------------------------------------------------------------
# heads, multi-head attention, layer norm, positions, the block
# --------------------------------------------------------------------------


@pytest.mark.ex12_5
@pytest.mark.ex12_6
@FAST
@given(st.integers(1, 3), st.integers(1, 4), st.sampled_from([(6, 1), (6, 2), (6, 3), (8, 4)]))
def test_merge_undoes_split_and_heads_are_contiguous_slices(n, t, sizes):
    """Is merge_heads(split_heads(x, h)) == x, and head i the slice i*E/h:(i+1)*E/h?"""
    e, h = sizes
    x = np.random.default_rng(n * t).normal(size=(n, t, e))
    heads = A.split_heads(x, h)
    assert heads.shape == (n, h, t, e // h)
    np.testing.assert_array_equal(heads[:, -1], x[:, :, e - e // h:])
    np.testing.assert_array_equal(A.merge_heads(heads), x)


@pytest.mark.ex12_8
@FAST
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_mha_backward_matches_central_differences(seed, masked):
    """Do dx and the eight parameter gradients of multi-head attention equal central differences?"""
    rng = np.random.default_rng(seed)
    N, T, E, h = 2, 3, 6, 3
    x, R = rng.normal(size=(N, T, E)), rng.normal(size=(N, T, E))
    P = {key: rng.normal(scale=0.5, size=(E, E) if key[0] == "W" else E) for key in A.ATTENTION_KEYS}
    mask = A.causal_mask(T) if masked else None
    dx, grads = A.mha_backward(R, A.mha_forward(x, P, h, mask)[1])
    check_gradient(lambda a: np.sum(A.mha_forward(a, P, h, mask)[0] * R), x, dx, name="x")
    for key in A.ATTENTION_KEYS:
        check_gradient(lambda a, key=key: np.sum(A.mha_forward(x, {**P, key: a}, h, mask)[0] * R), P[key],
                       grads[key], name=key)


def _plain_mha(x, P, h):
    """Multi-head attention and its gradients for dout = 1, written plainly: copies, one formula a line."""
    N, T, E = x.shape
    q, k, v = (x @ P["W" + c] + P["b" + c] for c in "qkv")
    q, k, v = (a.reshape(N, T, h, E // h).transpose(0, 2, 1, 3).copy() for a in (q, k, v))  # (N, h, T, E/h)
    weights = _softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(E // h))
    merged = (weights @ v).transpose(0, 2, 1, 3).reshape(N, T, E)
    out = merged @ P["Wo"] + P["bo"]
    dmerged = np.ones_like(out) @ P["Wo"].T
    dheads = dmerged.reshape(N, T, h, E // h).transpose(0, 2, 1, 3)
    dweights = dheads @ v.transpose(0, 1, 3, 2)
    dscores = weights * (dweights - np.sum(dweights * weights, axis=-1, keepdims=True)) / np.sqrt(E // h)
    dq, dk, dv = dscores @ k, dscores.transpose(0, 1, 3, 2) @ q, weights.transpose(0, 1, 3, 2) @ dheads
    dx = sum(d.transpose(0, 2, 1, 3).reshape(N, T, E) @ P["W" + c].T for d, c in zip((dq, dk, dv), "qkv", strict=True))
    return out, weights, dx


@pytest.mark.ex12_7
@pytest.mark.ex12_8
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mha_on_head_views_equals_the_plain_formulas(dtype):
    """Does the reference, which works on views of the heads and in place, equal the plain formulas, dtype kept?"""
    rng = np.random.default_rng(12)
    N, T, E, h = 3, 5, 8, 2
    x = rng.normal(size=(N, T, E))
    P = {key: rng.normal(scale=0.5, size=(E, E) if key[0] == "W" else E) for key in A.ATTENTION_KEYS}
    expected_out, expected_weights, expected_dx = _plain_mha(x, P, h)
    out, cache = A.mha_forward(x.astype(dtype), {key: a.astype(dtype) for key, a in P.items()}, h)
    dx, grads = A.mha_backward(np.ones_like(out), cache)
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == np.float64 else {"rtol": 1e-4, "atol": 1e-5}
    np.testing.assert_allclose(out, expected_out, **tol)
    np.testing.assert_allclose(cache[3][3], expected_weights, **tol)
    np.testing.assert_allclose(dx, expected_dx, **tol)
    assert out.dtype == cache[3][3].dtype == dx.dtype == dtype
    assert all(g.dtype == dtype for g in grads.values())


@pytest.mark.ex12_1
@pytest.mark.ex12_4
@pytest.mark.ex12_6
def test_attention_outputs_on_split_heads_merge_without_a_copy():
    """On heads from split_heads, are out, dq, dk and dv laid out so that merge_heads of them is a view?"""
    rng = np.random.default_rng(4)
    q, k, v, dout = (A.split_heads(rng.normal(size=(2, 3, 8)).astype(np.float32), 2) for _ in range(4))
    out, cache = A.attention_forward(q, k, v)
    for a in (out, *A.attention_backward(dout, cache)):
        assert np.shares_memory(A.merge_heads(a), a)


@pytest.mark.ex12_7
def test_mha_is_permutation_equivariant_without_positions():
    """Does permuting the positions of x permute mha_forward's output the same way?"""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 4))
    P = A.init_block(4, 8, rng, dtype=np.float64)
    order = rng.permutation(5)
    np.testing.assert_allclose(A.mha_forward(x[:, order], P, 2)[0], A.mha_forward(x, P, 2)[0][:, order],
                               rtol=1e-10, atol=1e-12)


@pytest.mark.ex12_10
@pytest.mark.ex12_11
@FAST
@given(st.integers(0, 2**32 - 1))
def test_layer_norm_normalises_each_position_and_its_gradients_are_right(seed):
    """Is every position of layer_norm's output mean 0, var ~1 (gamma=1, beta=0), with correct gradients?"""
    rng = np.random.default_rng(seed)
    x, R = rng.normal(size=(2, 3, 5)) * 3 + 1, rng.normal(size=(2, 3, 5))
    out, _ = A.layer_norm_forward(x, np.ones(5), np.zeros(5))
    np.testing.assert_allclose(out.mean(-1), 0.0, atol=1e-12)
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    dx, dgamma, dbeta = A.layer_norm_backward(R, A.layer_norm_forward(x, gamma, beta)[1])
    check_gradient(lambda a: np.sum(A.layer_norm_forward(a, gamma, beta)[0] * R), x, dx, name="x")
    check_gradient(lambda a: np.sum(A.layer_norm_forward(x, a, beta)[0] * R), gamma, dgamma, name="gamma")
    check_gradient(lambda a: np.sum(A.layer_norm_forward(x, gamma, a)[0] * R), beta, dbeta, name="beta")


@pytest.mark.ex12_9
def test_positional_encoding_dot_products_depend_only_on_distance():
    """Is PE[t] . PE[t + k] the same for every t, and PE[0] = (0, 1, 0, 1, ...)?"""
    pe = A.positional_encoding(30, 12)
    np.testing.assert_allclose(pe[0], np.tile([0.0, 1.0], 6))
    for k in (1, 5):
        dots = np.sum(pe[:-k] * pe[k:], axis=1)
        np.testing.assert_allclose(dots, dots[0], rtol=1e-12)


@pytest.mark.ex12_13
@FAST
@given(st.integers(0, 2**32 - 1))
def test_block_backward_matches_central_differences(seed):
    """Do dx and all sixteen gradients of a causal block equal central differences (H != E)?"""
    rng = np.random.default_rng(seed)
    x, R = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    P = {k: v + 0.2 * rng.normal(size=v.shape) for k, v in A.init_block(4, 5, rng, np.float64).items()}
    mask = A.causal_mask(3)
    dx, grads = A.transformer_block_backward(R, A.transformer_block_forward(x, P, 2, mask)[1])
    check_gradient(lambda a: np.sum(A.transformer_block_forward(a, P, 2, mask)[0] * R), x, dx, name="x")
    for key in A.BLOCK_KEYS:
        check_gradient(lambda a, key=key: np.sum(A.transformer_block_forward(x, {**P, key: a}, 2, mask)[0] * R),
                       P[key], grads[key], name=key)
