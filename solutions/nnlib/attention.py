"""Chapter 12, Transformers and attention: attention, heads, layer norm, the block.

Attention lets every position of a sequence look at every other position and
take a weighted average of what it finds there; the weights come from how
well a *query* matches each *key*. Everything here is a forward/backward pair
in the CS231n style of chapter 6: ``forward(...) -> (out, cache)`` and
``backward(dout, cache) -> gradients``, in the order of the forward's inputs.

Shapes use the course letters: N batch, T time steps (positions), E embedding
size, h heads (each of size E/h), H hidden units of the feed-forward layer,
V vocabulary size. Parameters of multi-head attention and of a block live in
plain dicts of arrays (see :func:`init_block`).

The last part of the module (not graded) assembles your functions into a
small transformer for sequences of tokens and trains it: read it, it is the
whole model.
"""

import contextlib

import numpy as np

from .functions import relu
from .layers import dense_backward, dense_forward, relu_backward
from .losses import cross_entropy
from .neurons import softmax  # noqa: F401 (chapter 2's softmax, for attention_forward)
from .optim import adam_step

#: Score given to masked positions before the softmax: exp(-1e9 - max) is
#: exactly 0 in float32 and float64, and -1e9 cannot overflow.
MASKED = -1e9

#: Keys of the attention parameters and of a whole block, in a fixed order.
ATTENTION_KEYS = ("Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo")
BLOCK_KEYS = ("ln1_gamma", "ln1_beta", *ATTENTION_KEYS, "ln2_gamma", "ln2_beta", "W1", "b1", "W2", "b2")


# --------------------------------------------------------------------------
# Scaled dot-product attention
# --------------------------------------------------------------------------


def softmax_backward(dout, p):
    """Gradient through a softmax over the last axis, from its output ``p``.

    With ``p = softmax(z)``, ``dz = p * (dout - sum(dout * p, axis=-1))``
    (the sum kept as a column, so it broadcasts). Taught in chapter 12,
    section 'The softmax, backwards'.

    Parameters
    ----------
    dout : ndarray of shape (..., T)
        Gradient of the loss with respect to ``p``.
    p : ndarray of the same shape
        The softmax's output in the forward pass (rows summing to 1, or 0
        for a fully masked row).

    Returns
    -------
    dz : ndarray of the same shape
        Gradient with respect to the softmax's input.
    """
    ### BEGIN SOLUTION
    inner = np.einsum("...t,...t->...", dout, p)[..., None]  # row-wise dot products: (..., T) -> (..., 1)
    dz = dout - inner  # (..., T) - (..., 1) -> (..., T), the one new array
    dz *= p  # in place
    return dz
    ### END SOLUTION


def causal_mask(T):
    """The mask of a language model: position t may look at positions 0..t only.

    Taught in chapter 12, section 'Masks: not looking ahead'.

    Parameters
    ----------
    T : int
        Number of positions.

    Returns
    -------
    mask : ndarray of shape (T, T), bool
        ``mask[t, s]`` is True when query t may attend to key s, i.e. s <= t
        (True on and below the diagonal).
    """
    ### BEGIN SOLUTION
    return np.tril(np.ones((T, T), dtype=bool))  # (T, T)
    ### END SOLUTION


def _scores(a, b):
    """``a @ b^T`` of shape (..., T, S), stored key-major: the S axis outermost in memory.

    The softmax reduces every row of scores over the keys, the last axis.
    NumPy reduces a short row of adjacent numbers with one call of its inner
    loop per row; with the keys outermost it reduces all rows at once, and
    the maximum over the keys (T = S = 64) takes a third of the time. Matrix
    products read either layout equally fast.
    """
    return np.swapaxes(b @ np.swapaxes(a, -1, -2), -1, -2)  # ((..., S, E) @ (..., E, T))^T -> (..., T, S)


def _matmul_like(a, b, like):
    """``a @ b`` in a new array laid out in memory like ``like`` (its strides in the same order).

    :func:`split_heads` returns a view of (N, T, E) memory; an output laid out
    the same way makes :func:`merge_heads` of it a view too, instead of a copy.
    """
    shape = (*np.broadcast_shapes(a.shape[:-2], b.shape[:-2]), a.shape[-2], b.shape[-1])
    out = np.empty_like(like, dtype=np.result_type(a, b), shape=shape)  # order="K": like's layout
    return np.matmul(a, b, out=out)


def attention_forward(q, k, v, mask=None):
    """Scaled dot-product attention: ``softmax(q k^T / sqrt(E)) v``.

    Every query row is compared with every key row by a dot product, divided
    by ``sqrt(E)`` (E the size of a query), turned into weights by a softmax
    over the keys (your :func:`nnlib.neurons.softmax` of chapter 2), and the
    output is the weighted average of the value rows. Where ``mask`` is False
    the weight is exactly 0; a query whose whole row is masked gets all-zero
    weights (and a zero output), never NaN. Taught in chapter 12, section
    'Scaled dot-product attention'.

    Parameters
    ----------
    q : ndarray of shape (..., T, E)
        Queries; the leading axes ``...`` are anything, e.g. (N,) or (N, h).
    k : ndarray of shape (..., S, E)
        Keys (S = T in self-attention).
    v : ndarray of shape (..., S, E)
        Values, one per key.
    mask : ndarray of bool, broadcastable to (..., T, S), optional
        True where query t may attend to key s (e.g. :func:`causal_mask`).

    Returns
    -------
    out : ndarray of shape (..., T, E)
    cache : tuple
        ``(q, k, v, weights)``, where ``weights`` of shape (..., T, S) are the
        attention weights (each row sums to 1, or 0 if fully masked).
    """
    ### BEGIN SOLUTION
    scale = q.shape[-1] ** -0.5  # a Python float: keeps float32 float32
    scores = _scores(q, k)  # q @ k^T: (..., T, E) @ (..., E, S) -> (..., T, S)
    # the scores are a new array of our own, so everything up to the weights happens in place
    scores *= scale
    if mask is not None:
        np.copyto(scores, MASKED, where=np.logical_not(mask))  # masked scores -> -1e9, exp() of them -> 0
    # chapter 2's softmax over the keys (the last axis), without its temporaries
    scores -= scores.max(axis=-1, keepdims=True)  # (..., T, S) - (..., T, 1)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    weights = scores
    if mask is not None:
        weights *= mask  # exact zeros; a fully masked row becomes 0 instead of uniform
    out = _matmul_like(weights, v, like=q)  # (..., T, S) @ (..., S, E) -> (..., T, E)
    return out, (q, k, v, weights)
    ### END SOLUTION


def attention_backward(dout, cache):
    """Gradients of scaled dot-product attention with respect to q, k and v.

    Taught in chapter 12, section 'Attention, backwards'.

    Parameters
    ----------
    dout : ndarray of shape (..., T, E)
        Gradient of the loss with respect to the output.
    cache : tuple
        ``(q, k, v, weights)`` from :func:`attention_forward`.

    Returns
    -------
    dq : ndarray of shape (..., T, E)
    dk : ndarray of shape (..., S, E)
    dv : ndarray of shape (..., S, E)
        (The mask has no gradient: masked weights are 0, so the softmax's
        backward sends nothing to their scores.)
    """
    ### BEGIN SOLUTION
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = _matmul_like(np.swapaxes(weights, -1, -2), dout, like=v)  # (..., S, T) @ (..., T, E) -> (..., S, E)
    dweights = _scores(dout, v)  # dout @ v^T: (..., T, E) @ (..., E, S) -> (..., T, S), laid out like weights
    dscores = softmax_backward(dweights, weights)  # (..., T, S)
    del dweights  # (..., T, S) arrays are the big ones: free it now
    dscores *= scale  # through the scale, in place (dscores is ours)
    dq = _matmul_like(dscores, k, like=q)  # (..., T, S) @ (..., S, E) -> (..., T, E)
    dk = _matmul_like(np.swapaxes(dscores, -1, -2), q, like=k)  # (..., S, T) @ (..., T, E) -> (..., S, E)
    return dq, dk, dv
    ### END SOLUTION


# --------------------------------------------------------------------------
# Multi-head attention
# --------------------------------------------------------------------------


def split_heads(x, h):
    """Cut the last axis into h heads and move the heads next to the batch.

    Taught in chapter 12, section 'Many heads'.

    Parameters
    ----------
    x : ndarray of shape (N, T, E)
        E must be a multiple of h.
    h : int
        Number of heads.

    Returns
    -------
    ndarray of shape (N, h, T, E/h)
        ``out[n, i, t]`` is ``x[n, t, i*E/h:(i+1)*E/h]``, the i-th slice of
        the embedding of position t.
    """
    ### BEGIN SOLUTION
    N, T, E = x.shape
    if E % h:
        raise ValueError(f"the embedding size E = {E} is not a multiple of the number of heads h = {h}")
    return x.reshape(N, T, h, E // h).transpose(0, 2, 1, 3)  # (N, T, h, E/h) -> (N, h, T, E/h), a view
    ### END SOLUTION


def merge_heads(x):
    """Undo :func:`split_heads`: put the heads side by side again.

    Taught in chapter 12, section 'Many heads'.

    Parameters
    ----------
    x : ndarray of shape (N, h, T, E/h)

    Returns
    -------
    ndarray of shape (N, T, E)
        ``out[n, t, i*E/h:(i+1)*E/h]`` is ``x[n, i, t]``.
    """
    ### BEGIN SOLUTION
    N, h, T, Eh = x.shape
    # a view when x is laid out as (N, T, h, E/h) in memory, as split_heads leaves it; else a copy
    return x.transpose(0, 2, 1, 3).reshape(N, T, h * Eh)  # (N, T, h, E/h) -> (N, T, E)
    ### END SOLUTION


def _dense3(x, W, b):
    """Chapter 6's dense layer applied to every position: (N, T, D) -> (N, T, H)."""
    N, T, D = x.shape
    out, cache = dense_forward(x.reshape(N * T, D), W, b)  # (N*T, D) @ (D, H) -> (N*T, H)
    return out.reshape(N, T, -1), cache


def _dense3_backward(dout, cache):
    """Backward of :func:`_dense3`: (dx of shape (N, T, D), dW, db)."""
    N, T, H = dout.shape
    dx, dW, db = dense_backward(dout.reshape(N * T, H), cache)  # (N*T, H) -> (N*T, D)
    return dx.reshape(N, T, -1), dW, db


def mha_forward(x, params, h, mask=None):
    """Multi-head self-attention: project, split into heads, attend, merge, project.

    ``q, k, v = x Wq + bq, x Wk + bk, x Wv + bv`` (dense layers of chapter 6,
    applied to every position), each split into h heads
    (:func:`split_heads`); :func:`attention_forward` runs on all heads at
    once; the heads are merged (:func:`merge_heads`) and projected,
    ``out = merged Wo + bo``. Taught in chapter 12, section 'Many heads'.

    Parameters
    ----------
    x : ndarray of shape (N, T, E)
    params : dict
        ``"Wq", "Wk", "Wv", "Wo"`` of shape (E, E) and ``"bq", "bk", "bv",
        "bo"`` of shape (E,) (other keys are ignored).
    h : int
        Number of heads (a divisor of E).
    mask : ndarray of bool, broadcastable to (N, h, T, T), optional
        For example ``causal_mask(T)`` of shape (T, T).

    Returns
    -------
    out : ndarray of shape (N, T, E)
    cache : tuple
        Everything :func:`mha_backward` needs; ``cache[3][3]`` holds the
        attention weights of shape (N, h, T, T).
    """
    ### BEGIN SOLUTION
    # the three projections as one dense layer with the weights side by side: one larger product
    W = np.concatenate([params["Wq"], params["Wk"], params["Wv"]], axis=1)  # (E, 3E)
    b = np.concatenate([params["bq"], params["bk"], params["bv"]])  # (3E,)
    qkv, cache_qkv = _dense3(x, W, b)  # (N, T, E) @ (E, 3E) -> (N, T, 3E)
    q, k, v = np.split(qkv, 3, axis=-1)  # three (N, T, E) views
    heads, cache_att = attention_forward(split_heads(q, h), split_heads(k, h), split_heads(v, h), mask)
    out, cache_o = _dense3(merge_heads(heads), params["Wo"], params["bo"])  # (N, T, E) @ (E, E) -> (N, T, E)
    return out, (cache_qkv, cache_o, h, cache_att)  # cache[3]: the attention's cache, with its weights
    ### END SOLUTION


def mha_backward(dout, cache):
    """Gradients of multi-head self-attention with respect to x and every parameter.

    Taught in chapter 12, section 'Many heads'.

    Parameters
    ----------
    dout : ndarray of shape (N, T, E)
    cache : tuple
        From :func:`mha_forward`.

    Returns
    -------
    dx : ndarray of shape (N, T, E)
        The sum of the three paths, through q, k and v.
    grads : dict
        ``"Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo"``, each shaped like
        its parameter.
    """
    ### BEGIN SOLUTION
    cache_qkv, cache_o, h, cache_att = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)  # (N, T, E)
    dq, dk, dv = attention_backward(split_heads(dmerged, h), cache_att)  # merge's backward is a split
    dqkv = np.concatenate([merge_heads(dq), merge_heads(dk), merge_heads(dv)], axis=-1)  # split's is a merge
    # x fed all three projections: dx = dq Wq^T + dk Wk^T + dv Wv^T, the sum over paths in one product
    dx, dW, db = _dense3_backward(dqkv, cache_qkv)  # (N, T, 3E) @ (3E, E) -> (N, T, E)
    dWq, dWk, dWv = np.split(dW, 3, axis=1)  # (E, 3E) -> three (E, E)
    dbq, dbk, dbv = np.split(db, 3)
    grads = {"Wq": dWq, "bq": dbq, "Wk": dWk, "bk": dbk, "Wv": dWv, "bv": dbv, "Wo": dWo, "bo": dbo}
    return dx, grads
    ### END SOLUTION


# --------------------------------------------------------------------------
# Layer normalisation and positions
# --------------------------------------------------------------------------


def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """Normalise every position's vector to mean 0 and variance 1, then scale and shift.

    ``xhat = (x - mean) / sqrt(var + eps)`` with the mean and (biased)
    variance taken over the last axis, E, of each position separately (never
    over the batch); ``out = gamma * xhat + beta``. Taught in chapter 12,
    section 'Layer normalisation'.

    Parameters
    ----------
    x : ndarray of shape (..., E)
    gamma, beta : ndarray of shape (E,)
    eps : float

    Returns
    -------
    out : ndarray of shape (..., E)
    cache : tuple
        ``(xhat, inv_std, gamma)`` with ``inv_std`` of shape (..., 1).
    """
    ### BEGIN SOLUTION
    mean = x.mean(axis=-1, keepdims=True)  # (..., E) -> (..., 1)
    centred = x - mean
    inv_std = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps)  # (..., 1)
    xhat = centred * inv_std  # (..., E)
    return gamma * xhat + beta, (xhat, inv_std, gamma)
    ### END SOLUTION


def layer_norm_backward(dout, cache):
    """Gradients of layer normalisation with respect to x, gamma and beta.

    Taught in chapter 12, section 'Layer normalisation'.

    Parameters
    ----------
    dout : ndarray of shape (..., E)
    cache : tuple
        ``(xhat, inv_std, gamma)`` from :func:`layer_norm_forward`.

    Returns
    -------
    dx : ndarray of shape (..., E)
    dgamma, dbeta : ndarray of shape (E,)
        Summed over every position of every example.
    """
    ### BEGIN SOLUTION
    xhat, inv_std, gamma = cache
    rows = tuple(range(dout.ndim - 1))  # every axis but E
    dbeta = dout.sum(axis=rows)  # (..., E) -> (E,)
    dgamma = (dout * xhat).sum(axis=rows)
    dxhat = dout * gamma
    # xhat's mean and variance depend on every entry of the row: two correction terms
    dx = inv_std * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                    - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, dgamma, dbeta
    ### END SOLUTION


def positional_encoding(T, E):
    """The sinusoidal position signals of "Attention is all you need".

    ``PE[t, 2i] = sin(t / 10000^(2i/E))`` and
    ``PE[t, 2i+1] = cos(t / 10000^(2i/E))``: every position gets a unique
    pattern of waves, from fast (first columns) to very slow (last ones).
    Taught in chapter 12, section 'Where is everybody? Positions'.

    Parameters
    ----------
    T : int
        Number of positions.
    E : int
        Embedding size (odd sizes end with a sine column).

    Returns
    -------
    ndarray of shape (T, E), float64
    """
    ### BEGIN SOLUTION
    positions = np.arange(T)[:, None]  # (T, 1)
    rates = 1.0 / 10000.0 ** (np.arange(0, E, 2) / E)  # (ceil(E/2),)
    angles = positions * rates  # (T, 1) * (E/2,) -> (T, E/2)
    pe = np.zeros((T, E))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : E // 2])
    return pe
    ### END SOLUTION


# --------------------------------------------------------------------------
# The transformer block
# --------------------------------------------------------------------------


def transformer_block_forward(x, params, h, mask=None):
    """One (pre-norm) transformer block: attention and a feed-forward layer, each with a residual.

    ``x1 = x + mha(layer_norm(x))`` and then
    ``out = x1 + relu(layer_norm(x1) W1 + b1) W2 + b2``, the feed-forward
    part applied to every position on its own. Taught in chapter 12, section
    'The transformer block'.

    Parameters
    ----------
    x : ndarray of shape (N, T, E)
    params : dict
        ``"ln1_gamma", "ln1_beta", "ln2_gamma", "ln2_beta"`` of shape (E,),
        the attention parameters of :func:`mha_forward`, ``"W1"`` (E, H),
        ``"b1"`` (H,), ``"W2"`` (H, E), ``"b2"`` (E,).
    h : int
        Number of heads.
    mask : ndarray of bool, optional
        Passed on to :func:`mha_forward`.

    Returns
    -------
    out : ndarray of shape (N, T, E)
    cache : tuple
        Everything :func:`transformer_block_backward` needs; ``cache[1]`` is
        the cache of :func:`mha_forward`.
    """
    ### BEGIN SOLUTION
    normed1, cache_ln1 = layer_norm_forward(x, params["ln1_gamma"], params["ln1_beta"])
    attended, cache_mha = mha_forward(normed1, params, h, mask)
    x1 = x + attended  # residual: (N, T, E)
    normed2, cache_ln2 = layer_norm_forward(x1, params["ln2_gamma"], params["ln2_beta"])
    z, cache_ff1 = _dense3(normed2, params["W1"], params["b1"])  # (N, T, E) @ (E, H) -> (N, T, H)
    fed, cache_ff2 = _dense3(relu(z), params["W2"], params["b2"])  # (N, T, H) @ (H, E) -> (N, T, E)
    return x1 + fed, (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
    ### END SOLUTION


def transformer_block_backward(dout, cache):
    """Gradients of a transformer block with respect to x and every parameter.

    Taught in chapter 12, section 'The transformer block'.

    Parameters
    ----------
    dout : ndarray of shape (N, T, E)
    cache : tuple
        From :func:`transformer_block_forward`.

    Returns
    -------
    dx : ndarray of shape (N, T, E)
    grads : dict
        One gradient per key of ``params``, shaped like its parameter.
    """
    ### BEGIN SOLUTION
    cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2 = cache
    drelu, dW2, db2 = _dense3_backward(dout, cache_ff2)  # (N, T, H)
    dnormed2, dW1, db1 = _dense3_backward(relu_backward(drelu, z), cache_ff1)  # (N, T, E)
    dx1_ln, dgamma2, dbeta2 = layer_norm_backward(dnormed2, cache_ln2)
    dx1 = dout + dx1_ln  # the residual path adds dout unchanged
    dnormed1, grads = mha_backward(dx1, cache_mha)
    dx_ln, dgamma1, dbeta1 = layer_norm_backward(dnormed1, cache_ln1)
    grads.update({"ln1_gamma": dgamma1, "ln1_beta": dbeta1, "ln2_gamma": dgamma2, "ln2_beta": dbeta2,
                  "W1": dW1, "b1": db1, "W2": dW2, "b2": db2})
    return dx1 + dx_ln, grads
    ### END SOLUTION


# --------------------------------------------------------------------------
# A small transformer for sequences of tokens (not graded: it calls yours)
# --------------------------------------------------------------------------


def init_block(E, H, rng, dtype=np.float32):
    """Parameters of one block: small random weights, zero biases, gamma = 1, beta = 0.

    Weights are drawn from N(0, 1/fan_in) (Xavier-like, chapter 7), the
    output projections ``Wo`` and ``W2`` a little smaller so that each
    residual branch starts as a small correction.
    """
    params = {}
    for name, (fan_in, fan_out) in {"Wq": (E, E), "Wk": (E, E), "Wv": (E, E), "Wo": (E, E),
                                    "W1": (E, H), "W2": (H, E)}.items():
        scale = (0.5 if name in ("Wo", "W2") else 1.0) / np.sqrt(fan_in)
        params[name] = (scale * rng.standard_normal((fan_in, fan_out))).astype(dtype)
    for name, size in {"bq": E, "bk": E, "bv": E, "bo": E, "b1": H, "b2": E}.items():
        params[name] = np.zeros(size, dtype=dtype)
    for name in ("ln1", "ln2"):
        params[f"{name}_gamma"] = np.ones(E, dtype=dtype)
        params[f"{name}_beta"] = np.zeros(E, dtype=dtype)
    return {key: params[key] for key in BLOCK_KEYS}


def init_transformer(V, E, h, H, num_layers, rng, num_outputs=None, dtype=np.float32):
    """Parameters of a small transformer: embeddings, blocks, a final layer norm and output layer.

    Parameters
    ----------
    V : int
        Vocabulary size (token ids 0..V-1).
    E, h, H : int
        Embedding size, heads per block, hidden units of the feed-forward layers.
    num_layers : int
        Number of blocks.
    rng : numpy.random.Generator
    num_outputs : int, optional
        Classes predicted at every position (default V).

    Returns
    -------
    dict
        ``"embed"`` (V, E), ``"blocks"`` (a list of block dicts),
        ``"lnf_gamma"``, ``"lnf_beta"`` (E,), ``"W_out"`` (E, C), ``"b_out"`` (C,),
        and ``"heads"``, the number h (not trained).
    """
    C = V if num_outputs is None else num_outputs
    return {
        "embed": rng.standard_normal((V, E)).astype(dtype),
        "blocks": [init_block(E, H, rng, dtype) for _ in range(num_layers)],
        "lnf_gamma": np.ones(E, dtype=dtype),
        "lnf_beta": np.zeros(E, dtype=dtype),
        "W_out": (rng.standard_normal((E, C)) / np.sqrt(E)).astype(dtype),
        "b_out": np.zeros(C, dtype=dtype),
        "heads": h,
    }


def transformer_forward(tokens, model, mask=None):
    """Token ids to scores at every position: embed, add positions, blocks, norm, output layer.

    Parameters
    ----------
    tokens : ndarray of shape (N, T), int
    model : dict
        From :func:`init_transformer`.
    mask : ndarray of bool, optional
        For example ``causal_mask(T)`` for a language model.

    Returns
    -------
    logits : ndarray of shape (N, T, C)
    cache : tuple
        For :func:`transformer_backward`; :func:`attention_maps` reads the
        attention weights from it.
    """
    from .rnn import embedding_forward  # chapter 9's token embeddings

    N, T = tokens.shape
    x, cache_embed = embedding_forward(tokens, model["embed"])  # (N, T) -> (N, T, E)
    x = x + positional_encoding(T, x.shape[-1]).astype(x.dtype)  # (N, T, E) + (T, E)
    block_caches = []
    for block in model["blocks"]:
        x, cache_block = transformer_block_forward(x, block, model["heads"], mask)
        block_caches.append(cache_block)
    normed, cache_lnf = layer_norm_forward(x, model["lnf_gamma"], model["lnf_beta"])
    logits, cache_out = _dense3(normed, model["W_out"], model["b_out"])  # (N, T, E) @ (E, C) -> (N, T, C)
    return logits, (cache_embed, block_caches, cache_lnf, cache_out)


def transformer_backward(dlogits, cache):
    """Gradients of the model's parameters, in a dict shaped like the model (no ``"heads"``)."""
    from .rnn import embedding_backward

    cache_embed, block_caches, cache_lnf, cache_out = cache
    dnormed, dW_out, db_out = _dense3_backward(dlogits, cache_out)
    dx, dgamma, dbeta = layer_norm_backward(dnormed, cache_lnf)
    block_grads = []
    for cache_block in reversed(block_caches):
        dx, grads = transformer_block_backward(dx, cache_block)
        block_grads.append(grads)
    # the positions are constants: the whole gradient of the sum goes to the embeddings
    return {"embed": embedding_backward(dx, cache_embed), "blocks": block_grads[::-1],
            "lnf_gamma": dgamma, "lnf_beta": dbeta, "W_out": dW_out, "b_out": db_out}


def attention_maps(cache):
    """The attention weights of every block, from a :func:`transformer_forward` cache.

    Returns
    -------
    ndarray of shape (num_layers, N, h, T, T)
        ``maps[l, n, i, t, s]``: how much position t of example n looks at
        position s in head i of block l.
    """
    # block cache -> its mha cache (index 1) -> attention cache (index 3) -> weights (index 3)
    return np.stack([block_cache[1][3][3] for block_cache in cache[1]])


def sequence_loss(logits, targets):
    """Mean cross-entropy over every position (chapter 4's cross_entropy), and its gradient."""
    N, T, C = logits.shape
    loss, dlogits = cross_entropy(logits.reshape(N * T, C), targets.reshape(N * T))  # (N*T, C)
    return loss, dlogits.reshape(N, T, C)


def _leaves(tree, path=()):
    """(path, array) for every array in a nested dict/list of parameters."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            yield from _leaves(value, (*path, i))
    elif isinstance(tree, np.ndarray):
        yield path, tree


def _get(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def _set(tree, path, value):
    for key in path[:-1]:
        tree = tree[key]
    tree[path[-1]] = value


def adam_init(model):
    """Adam's state for ``model``: zero moments for every parameter and a step count of 0."""
    return {"t": 0, "m": {p: np.zeros_like(a) for p, a in _leaves(model)},
            "v": {p: np.zeros_like(a) for p, a in _leaves(model)}}


def transformer_train_step(tokens, targets, model, state, lr, mask=None):
    """One step of Adam (your ``adam_step`` of chapter 5) on a batch; returns the loss.

    ``model`` and ``state`` are updated in place (new arrays are stored in
    them). The arrays passed in are not modified.
    """
    logits, cache = transformer_forward(tokens, model, mask)
    loss, dlogits = sequence_loss(logits, targets)
    grads = transformer_backward(dlogits, cache)
    state["t"] += 1
    for path, dw in _leaves(grads):
        w, m, v = adam_step(_get(model, path), dw, state["m"][path], state["v"][path], state["t"], lr=lr)
        _set(model, path, w)
        state["m"][path], state["v"][path] = m, v
    return loss


# --------------------------------------------------------------------------
# The chapter's task: sort a sequence of digits
# --------------------------------------------------------------------------

#: The chapter's recipe (section 'Training a transformer to sort'): sequences of
#: T = 8 digits, a 2-block model with E = 32, h = 2, H = 64, trained with Adam
#: on fresh random batches.
TASK = {"V": 10, "T": 8}
RECIPE = {"task": "sort", "E": 32, "h": 2, "H": 64, "num_layers": 2, "steps": 1000, "batch_size": 64,
          "lr": 3e-3}


def toy_task(num, rng, kind="sort", V=TASK["V"], T=TASK["T"]):
    """``num`` random sequences of T tokens from 0..V-1, and what the model should answer.

    ``kind`` is ``"sort"`` (the digits in increasing order), ``"reverse"`` or
    ``"copy"``.

    Returns
    -------
    tokens, targets : ndarray of shape (num, T), int
    """
    tokens = rng.integers(0, V, size=(num, T))
    answers = {"sort": lambda: np.sort(tokens, axis=1), "reverse": lambda: tokens[:, ::-1].copy(),
               "copy": tokens.copy}
    if kind not in answers:
        raise ValueError(f"kind should be one of {sorted(answers)}, got {kind!r}")
    return tokens, answers[kind]()


def sequence_accuracy(logits, targets):
    """Fraction of sequences whose every position is predicted right (argmax of the scores)."""
    return float(np.mean(np.all(np.argmax(logits, axis=-1) == targets, axis=-1)))


def train_toy_transformer(seed=0, recipe=None, on_step=None):
    """Train the chapter's transformer on its toy task; return ``(model, losses)``.

    ``recipe`` overrides entries of :data:`RECIPE`. Every batch is made of
    fresh random sequences. The learning rate stays at ``recipe["lr"]`` for
    the first half and then falls linearly to 0. ``on_step(step, loss)`` is
    called after every step (a progress bar).
    """
    recipe = {**RECIPE, **(recipe or {})}
    rng = np.random.default_rng(seed)
    model = init_transformer(TASK["V"], recipe["E"], recipe["h"], recipe["H"], recipe["num_layers"], rng)
    state = adam_init(model)
    losses = []
    with one_blas_thread():
        for step in range(1, recipe["steps"] + 1):
            tokens, targets = toy_task(recipe["batch_size"], rng, recipe["task"])
            lr = recipe["lr"] * min(1.0, 2.0 * (1.0 - step / (recipe["steps"] + 1)))  # decay in the second half
            losses.append(transformer_train_step(tokens, targets, model, state, lr))
            if on_step is not None:
                on_step(step, losses[-1])
    return model, losses


def one_blas_thread():
    """A context in which NumPy's matrix products use one thread (when threadpoolctl is installed).

    The matrices of a small model are tiny: starting and synchronising
    threads costs more than it saves, much more on a busy machine.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # an optional speed-up only
        return contextlib.nullcontext()
    return threadpool_limits(1)
