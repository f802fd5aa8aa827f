"""Chapter 9, Recurrent networks: layers that remember, run forward and backward in time.

A recurrent network reads a sequence one step at a time and carries a
**hidden state** from each step to the next, so its output at step t can
depend on everything it has read so far. Every function follows the
conventions of chapter 6: ``forward(...) -> (out, cache)`` and
``backward(dout, cache) -> gradients`` in the order of the forward's inputs.
Caches are plain tuples of arrays, laid out as each docstring says.

Shapes are batch first: inputs ``(N, T, D)``, hidden states ``(N, T, H)``;
token ids ``(N, T)``, an embedding table ``(V, E)`` for a vocabulary of V
symbols. An LSTM stacks its four gates along one axis of length 4H, always
in the order **(i, f, o, g)**: input gate ``[:, :H]``, forget gate
``[:, H:2H]``, output gate ``[:, 2H:3H]``, candidate ``[:, 3H:]``.
"""

import numpy as np

from .layers import sigmoid_backward, tanh_backward
from .losses import cross_entropy
from .neurons import sigmoid, softmax, tanh

# --------------------------------------------------------------------------
# The plain (Elman) RNN
# --------------------------------------------------------------------------


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One step of a plain RNN: ``h_next = tanh(x @ Wx + h_prev @ Wh + b)``.

    Taught in chapter 9, section 'One step of a recurrent network'.

    Parameters
    ----------
    x : ndarray of shape (N, D)
        The inputs at this time step.
    h_prev : ndarray of shape (N, H)
        The hidden state after the previous step.
    Wx : ndarray of shape (D, H)
    Wh : ndarray of shape (H, H)
    b : ndarray of shape (H,)

    Returns
    -------
    h_next : ndarray of shape (N, H)
    cache : tuple
        ``(x, h_prev, Wx, Wh, h_next)``, for :func:`rnn_step_backward`.
    """
    ### BEGIN SOLUTION
    z = x @ Wx + h_prev @ Wh + b  # (N, D) @ (D, H) + (N, H) @ (H, H) + (H,) -> (N, H)
    h_next = tanh(z).astype(z.dtype, copy=False)  # chapter 2's tanh returns float64
    return h_next, (x, h_prev, Wx, Wh, h_next)
    ### END SOLUTION


def rnn_step_backward(dh_next, cache):
    """Gradients of one RNN step with respect to x, h_prev, Wx, Wh and b.

    Taught in chapter 9, section 'One step of a recurrent network'.

    Parameters
    ----------
    dh_next : ndarray of shape (N, H)
        Gradient of the loss with respect to ``h_next``.
    cache : tuple
        ``(x, h_prev, Wx, Wh, h_next)`` from :func:`rnn_step_forward`.

    Returns
    -------
    dx : ndarray of shape (N, D)
    dh_prev : ndarray of shape (N, H)
    dWx : ndarray of shape (D, H)
    dWh : ndarray of shape (H, H)
    db : ndarray of shape (H,)
    """
    ### BEGIN SOLUTION
    x, h_prev, Wx, Wh, h_next = cache
    dz = tanh_backward(dh_next, h_next)  # (N, H), through tanh: * (1 - h_next ** 2)
    dx = dz @ Wx.T  # (N, H) @ (H, D) -> (N, D)
    dh_prev = dz @ Wh.T  # (N, H) @ (H, H) -> (N, H)
    dWx = x.T @ dz  # (D, N) @ (N, H) -> (D, H)
    dWh = h_prev.T @ dz  # (H, N) @ (N, H) -> (H, H)
    db = dz.sum(axis=0)  # (N, H) -> (H,)
    return dx, dh_prev, dWx, dWh, db
    ### END SOLUTION


def rnn_forward(x, h0, Wx, Wh, b):
    """Run a plain RNN over whole sequences, one :func:`rnn_step_forward` per step.

    Taught in chapter 9, section 'Unrolling the loop'.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
        N sequences of T inputs.
    h0 : ndarray of shape (N, H)
        The initial hidden state.
    Wx : ndarray of shape (D, H)
    Wh : ndarray of shape (H, H)
    b : ndarray of shape (H,)

    Returns
    -------
    h : ndarray of shape (N, T, H)
        The hidden state after every step: ``h[:, t]`` has read ``x[:, :t + 1]``.
    cache : tuple
        ``(x, h0, Wx, Wh, h)``, for :func:`rnn_backward`.
    """
    ### BEGIN SOLUTION
    n, steps, _ = x.shape
    h = np.empty((n, steps, h0.shape[1]), dtype=np.result_type(x, h0, Wx))  # (N, T, H)
    h_t = h0
    for t in range(steps):
        h_t, _ = rnn_step_forward(x[:, t], h_t, Wx, Wh, b)  # (N, D), (N, H) -> (N, H)
        h[:, t] = h_t
    return h, (x, h0, Wx, Wh, h)
    ### END SOLUTION


def rnn_backward(dh, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    ``dh[:, t]`` is the gradient of the loss with respect to ``h[:, t]``
    coming from above (the outputs at step t). The gradient reaching
    ``h[:, t]`` is that **plus** the gradient carried back from step t + 1;
    go from the last step to the first, and add up the weight gradients of
    all steps. Taught in chapter 9, section 'Backpropagation through time'.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H)
        Upstream gradients of every hidden state.
    cache : tuple
        ``(x, h0, Wx, Wh, h)`` from :func:`rnn_forward`.

    Returns
    -------
    dx : ndarray of shape (N, T, D)
    dh0 : ndarray of shape (N, H)
        Gradient with respect to the initial state.
    dWx : ndarray of shape (D, H)
    dWh : ndarray of shape (H, H)
    db : ndarray of shape (H,)
    """
    ### BEGIN SOLUTION
    x, h0, Wx, Wh, h = cache
    dx = np.zeros(x.shape, dtype=dh.dtype)  # (N, T, D)
    dWx, dWh = np.zeros(Wx.shape, dtype=dh.dtype), np.zeros(Wh.shape, dtype=dh.dtype)
    db = np.zeros(Wh.shape[0], dtype=dh.dtype)
    carried = np.zeros_like(h0, dtype=dh.dtype)  # (N, H): gradient flowing back from step t + 1
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1] if t > 0 else h0
        step = (x[:, t], h_prev, Wx, Wh, h[:, t])
        dx[:, t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carried, step)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried, dWx, dWh, db
    ### END SOLUTION


def clip_gradients(grads, max_norm):
    """Scale a list of gradients down together when their global norm exceeds ``max_norm``.

    The global norm is ``sqrt(sum over all arrays of sum(g ** 2))``. When it
    is above ``max_norm``, every array is multiplied by the same factor
    ``max_norm / norm``, so the direction of the whole gradient is kept and
    its norm becomes ``max_norm``; otherwise nothing changes. Taught in
    chapter 9, section 'Exploding gradients and clipping'.

    Parameters
    ----------
    grads : list of ndarray
        Gradients of any shapes (left unchanged).
    max_norm : float
        Largest global norm allowed (> 0).

    Returns
    -------
    clipped : list of ndarray
        New arrays, same shapes and dtypes.
    norm : float
        The global norm **before** clipping.
    """
    ### BEGIN SOLUTION
    norm = float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))
    scale = max_norm / norm if norm > max_norm else 1.0
    return [(g * scale).astype(g.dtype, copy=False) for g in grads], norm
    ### END SOLUTION


# --------------------------------------------------------------------------
# The LSTM
# --------------------------------------------------------------------------


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One step of an LSTM; the four gates come from one matrix product.

    With ``a = x @ Wx + h_prev @ Wh + b`` of shape (N, 4H), split in the
    order (i, f, o, g): ``i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)``
    and ``g = tanh(a_g)``; then ``c_next = f * c_prev + i * g`` and
    ``h_next = o * tanh(c_next)``. Taught in chapter 9, section 'Gates: the
    LSTM'.

    Parameters
    ----------
    x : ndarray of shape (N, D)
    h_prev : ndarray of shape (N, H)
    c_prev : ndarray of shape (N, H)
        The previous cell state (the LSTM's long-term memory).
    Wx : ndarray of shape (D, 4H)
    Wh : ndarray of shape (H, 4H)
    b : ndarray of shape (4H,)

    Returns
    -------
    h_next : ndarray of shape (N, H)
    c_next : ndarray of shape (N, H)
    cache : tuple
        ``(x, h_prev, c_prev, Wx, Wh, gates, c_next)`` with ``gates`` of
        shape (N, 4H) holding the activated ``[i, f, o, g]``, for
        :func:`lstm_step_backward`.
    """
    ### BEGIN SOLUTION
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b  # (N, D) @ (D, 4H) + (N, H) @ (H, 4H) + (4H,) -> (N, 4H)
    gates = np.concatenate([sigmoid(a[:, : 3 * H]), tanh(a[:, 3 * H :])], axis=1).astype(a.dtype)  # (N, 4H)
    i, f, o, g = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H : 3 * H], gates[:, 3 * H :]
    c_next = f * c_prev + i * g  # (N, H)
    h_next = o * tanh(c_next).astype(a.dtype, copy=False)  # (N, H)
    return h_next, c_next, (x, h_prev, c_prev, Wx, Wh, gates, c_next)
    ### END SOLUTION


def lstm_step_backward(dh_next, dc_next, cache):
    """Gradients of one LSTM step.

    The cell state receives ``dc_next`` from the next step **plus** what
    flows in through ``h_next = o * tanh(c_next)``. Taught in chapter 9,
    section 'Gates: the LSTM'.

    Parameters
    ----------
    dh_next : ndarray of shape (N, H)
        Gradient of the loss with respect to ``h_next``.
    dc_next : ndarray of shape (N, H)
        Gradient of the loss with respect to ``c_next``.
    cache : tuple
        ``(x, h_prev, c_prev, Wx, Wh, gates, c_next)`` from
        :func:`lstm_step_forward`.

    Returns
    -------
    dx : ndarray of shape (N, D)
    dh_prev : ndarray of shape (N, H)
    dc_prev : ndarray of shape (N, H)
    dWx : ndarray of shape (D, 4H)
    dWh : ndarray of shape (H, 4H)
    db : ndarray of shape (4H,)
    """
    ### BEGIN SOLUTION
    x, h_prev, c_prev, Wx, Wh, gates, c_next = cache
    H = h_prev.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H : 3 * H], gates[:, 3 * H :]
    tanh_c = tanh(c_next).astype(c_next.dtype, copy=False)  # (N, H)
    dc = dc_next + tanh_backward(dh_next * o, tanh_c)  # (N, H): both paths into c_next
    da = np.concatenate(
        [
            sigmoid_backward(dc * g, i),  # input gate
            sigmoid_backward(dc * c_prev, f),  # forget gate
            sigmoid_backward(dh_next * tanh_c, o),  # output gate
            tanh_backward(dc * i, g),  # candidate
        ],
        axis=1,
    )  # (N, 4H)
    dx = da @ Wx.T  # (N, 4H) @ (4H, D) -> (N, D)
    dh_prev = da @ Wh.T  # (N, 4H) @ (4H, H) -> (N, H)
    dc_prev = dc * f  # (N, H)
    dWx = x.T @ da  # (D, N) @ (N, 4H) -> (D, 4H)
    dWh = h_prev.T @ da  # (H, N) @ (N, 4H) -> (H, 4H)
    db = da.sum(axis=0)  # (N, 4H) -> (4H,)
    return dx, dh_prev, dc_prev, dWx, dWh, db
    ### END SOLUTION


def lstm_forward(x, h0, Wx, Wh, b):
    """Run an LSTM over whole sequences; the cell state starts at zero.

    The same computation as :func:`lstm_step_forward` applied T times, but
    faster: the input projection ``x @ Wx + b`` is computed for all T steps
    in one matrix product, so each step needs only ``h_prev @ Wh``, one
    product for all four gates. Taught in chapter 9, section 'A whole
    sequence through the LSTM'.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H)
        The initial hidden state (the initial cell state is zero).
    Wx : ndarray of shape (D, 4H)
    Wh : ndarray of shape (H, 4H)
    b : ndarray of shape (4H,)

    Returns
    -------
    h : ndarray of shape (N, T, H)
    cache : tuple
        ``(x, h0, Wx, Wh, gates, c, h)`` with ``gates`` of shape (N, T, 4H)
        (activated, in the order i, f, o, g) and the cell states ``c`` of
        shape (N, T, H), for :func:`lstm_backward`.
    """
    ### BEGIN SOLUTION
    # lstm_step_forward written out for speed. The arrays are filled time-major, (T, N, ...), so that each
    # step works on contiguous memory (the batch-first arrays returned are views of them); x @ Wx + b is one
    # product for all steps (b as the last row of Wx, times a column of ones appended to x); each step makes
    # one product and one np.tanh call for all four gates, since sigmoid(a) = (1 + tanh(a / 2)) / 2 (the i, f,
    # o columns of the weights are halved beforehand), and writes into arrays allocated once.
    n, steps, D = x.shape
    H = h0.shape[1]
    dtype = np.result_type(x, h0, Wx)
    half = np.ones(4 * H, dtype=dtype)
    half[: 3 * H] = 0.5  # i, f, o: tanh(a / 2); g: tanh(a)
    x1 = np.ones((steps, n, D + 1), dtype=dtype)  # (T, N, D + 1): x time-major, then a column of ones
    x1[:, :, :D] = x.transpose(1, 0, 2)
    Wxb = np.concatenate([Wx, b[None]]) * half  # (D + 1, 4H): Wx with b as its last row
    gates = np.empty((steps, n, 4 * H), dtype=dtype)  # (T, N, 4H)
    np.matmul(x1.reshape(steps * n, D + 1), Wxb, out=gates.reshape(steps * n, 4 * H))  # (T N, D+1) @ (D+1, 4H)
    Wh_half = Wh * half  # (H, 4H)
    scale = np.tile(half, (n, 1))  # (N, 4H): sigmoid = 0.5 * tanh + 0.5 on i, f, o; g unchanged
    shift = 1 - scale
    c, h = np.empty((steps, n, H), dtype=dtype), np.empty((steps, n, H), dtype=dtype)  # (T, N, H)
    a = np.empty((n, 4 * H), dtype=dtype)  # h_prev @ Wh of the current step
    ig = np.empty((n, H), dtype=dtype)  # i * g of the current step
    h_t, c_t = h0, np.zeros((n, H), dtype=dtype)
    for gates_t, c_new, h_new in zip(gates, c, h, strict=True):  # step t: (N, 4H), (N, H), (N, H) views
        # gates_t holds x_t @ Wx + b (halved where a sigmoid follows)
        np.matmul(h_t, Wh_half, out=a)  # (N, H) @ (H, 4H) -> (N, 4H)
        gates_t += a
        np.tanh(gates_t, out=gates_t)
        gates_t *= scale
        gates_t += shift  # i, f, o = sigmoid, g = tanh
        i, f, o, g = gates_t[:, :H], gates_t[:, H : 2 * H], gates_t[:, 2 * H : 3 * H], gates_t[:, 3 * H :]
        np.multiply(f, c_t, out=c_new)
        np.multiply(i, g, out=ig)
        c_new += ig  # c_t = f * c_prev + i * g
        np.tanh(c_new, out=h_new)
        h_new *= o  # h_t = o * tanh(c_t)
        h_t, c_t = h_new, c_new
    # (T, N, .) -> (N, T, .) views; the cache keeps x as its time-major copy, which saves lstm_backward a copy
    x, gates, c, h = (arr.transpose(1, 0, 2) for arr in (x1[:, :, :D], gates, c, h))
    return h, (x, h0, Wx, Wh, gates, c, h)
    ### END SOLUTION


def lstm_backward(dh, cache):
    """Backpropagation through time for :func:`lstm_forward`.

    Both carried gradients, of the hidden state and of the cell state, flow
    from the last step to the first; the upstream ``dh[:, t]`` is **added**
    to the carried hidden-state gradient. The weight gradients of all steps
    add up: they are computed after the loop, in one matrix product each,
    so the loop keeps only what needs the carried gradients (the gradient of
    the gates' pre-activations and one product with Wh per step). Taught in
    chapter 9, section 'A whole sequence through the LSTM'.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H)
        Upstream gradients of every hidden state.
    cache : tuple
        ``(x, h0, Wx, Wh, gates, c, h)`` from :func:`lstm_forward`.

    Returns
    -------
    dx : ndarray of shape (N, T, D)
    dh0 : ndarray of shape (N, H)
    dWx : ndarray of shape (D, 4H)
    dWh : ndarray of shape (H, 4H)
    db : ndarray of shape (4H,)
    """
    ### BEGIN SOLUTION
    # Time-major like lstm_forward. The loop fills da, the gradient of the four gates' pre-activations
    # (T, N, 4H), carrying dh and dc back; dx and the weight gradients are one product each after it.
    # Apart from da, every array the loop needs is allocated once, (N, H) or (N, 4H).
    x, h0, Wx, Wh, gates, c, h = cache
    n, steps, D = x.shape
    H = h0.shape[1]
    dtype = np.result_type(dh, gates)
    x, gates, c, h, dh = (arr.transpose(1, 0, 2) for arr in (x, gates, c, h, dh))  # (N, T, .) -> (T, N, .)
    is_g = np.zeros((n, 4 * H), dtype=dtype)
    is_g[:, 3 * H :] = 1  # (N, 4H): (1 - s) (s + is_g) is the slope s (1 - s) of a sigmoid s, 1 - g^2 for g
    WhT = np.ascontiguousarray(Wh.T, dtype=dtype)  # (4H, H)
    da = np.empty((steps, n, 4 * H), dtype=dtype)  # (T, N, 4H): gradients of the pre-activations
    partners = np.empty((n, 4 * H), dtype=dtype)  # what multiplies each gate's slope in the chain rule
    p_i, p_f, p_o, p_g = (partners[:, k * H : (k + 1) * H] for k in range(4))  # (N, H) views
    dh_t, dc_t = np.zeros((n, H), dtype=dtype), np.zeros((n, H), dtype=dtype)  # carried from step t + 1
    c_zero, tanh_c, tmp = np.zeros((n, H), dtype=dtype), np.empty((n, H), dtype=dtype), np.empty((n, H), dtype=dtype)
    for t in reversed(range(steps)):
        gates_t, da_t = gates[t], da[t]  # (N, 4H) each
        i, f, o, g = gates_t[:, :H], gates_t[:, H : 2 * H], gates_t[:, 2 * H : 3 * H], gates_t[:, 3 * H :]
        dh_t += dh[t]  # upstream plus carried
        np.tanh(c[t], out=tanh_c)
        np.multiply(tanh_c, tanh_c, out=tmp)
        np.subtract(1, tmp, out=tmp)
        tmp *= o
        tmp *= dh_t
        dc_t += tmp  # both paths into c_t: dc + dh * o * (1 - tanh(c_t)^2)
        np.subtract(1, gates_t, out=da_t)
        np.add(gates_t, is_g, out=partners)
        da_t *= partners  # each gate's slope
        np.multiply(g, dc_t, out=p_i)  # da_i = dc * g * i (1 - i)
        np.multiply(c[t - 1] if t else c_zero, dc_t, out=p_f)  # da_f = dc * c_prev * f (1 - f)
        np.multiply(tanh_c, dh_t, out=p_o)  # da_o = dh * tanh(c) * o (1 - o)
        np.multiply(i, dc_t, out=p_g)  # da_g = dc * i * (1 - g^2)
        da_t *= partners
        np.matmul(da_t, WhT, out=dh_t)  # (N, 4H) @ (4H, H) -> (N, H)
        dc_t *= f
    flat = da.reshape(steps * n, 4 * H)  # (T N, 4H)
    dx = (flat @ Wx.T).reshape(steps, n, D).transpose(1, 0, 2)  # (T N, 4H) @ (4H, D) -> (N, T, D) view
    dWx = x.reshape(steps * n, D).T @ flat  # (D, T N) @ (T N, 4H) -> (D, 4H)
    h_prev = h[:-1].reshape((steps - 1) * n, H)  # ((T - 1) N, H): the states read by steps 1 .. T - 1
    dWh = h0.T @ da[0] + h_prev.T @ flat[n:]  # (H, N) @ (N, 4H) + (H, (T-1) N) @ ((T-1) N, 4H) -> (H, 4H)
    db = flat.sum(axis=0)  # (4H,)
    return dx, dh_t, dWx, dWh, db
    ### END SOLUTION


# --------------------------------------------------------------------------
# Tokens: embeddings, a loss at every step, sampling
# --------------------------------------------------------------------------


def embedding_forward(x, W):
    """Look up the vector of every token id: ``out[n, t] = W[x[n, t]]``.

    Taught in chapter 9, section 'Characters as vectors'.

    Parameters
    ----------
    x : ndarray of shape (N, T), int
        Token ids, each between 0 and V - 1.
    W : ndarray of shape (V, E)
        One row (an embedding of size E) per token of the vocabulary.

    Returns
    -------
    out : ndarray of shape (N, T, E)
        The embeddings, in W's dtype.
    cache : tuple
        ``(x, V)``: the ids and the vocabulary size, for
        :func:`embedding_backward`.
    """
    ### BEGIN SOLUTION
    out = W[x]  # (V, E)[(N, T)] -> (N, T, E), a new array
    return out, (x, W.shape[0])
    ### END SOLUTION


def embedding_backward(dout, cache):
    """Gradient of an embedding lookup with respect to the table W.

    Row v of ``dW`` is the sum of ``dout[n, t]`` over every position where
    ``x[n, t] == v``: a token that occurs twice collects both gradients, so
    the sum must accumulate (``np.add.at``), not overwrite. Taught in chapter
    9, section 'Characters as vectors'.

    Parameters
    ----------
    dout : ndarray of shape (N, T, E)
        Gradient of the loss with respect to the embeddings.
    cache : tuple
        ``(x, V)`` from :func:`embedding_forward`.

    Returns
    -------
    dW : ndarray of shape (V, E)
        In dout's dtype; zero rows for tokens that do not occur.
    """
    ### BEGIN SOLUTION
    x, vocab = cache
    dW = np.zeros((vocab, dout.shape[-1]), dtype=dout.dtype)  # (V, E)
    np.add.at(dW, x, dout)  # dW[x[n, t]] += dout[n, t], repeats accumulate
    return dW
    ### END SOLUTION


def temporal_softmax_loss(scores, y, mask=None):
    """Mean cross-entropy over every (unmasked) time step, and its gradient.

    Every position ``(n, t)`` is one classification: the scores
    ``scores[n, t]`` of V tokens against the true token ``y[n, t]``. The
    positions are flattened into one batch of N T rows for chapter 4's
    :func:`nnlib.losses.cross_entropy`; where ``mask`` is False (padding) a
    position counts for nothing and gets zero gradient. The loss is the mean
    over the counted positions: the loss per token. Taught in chapter 9,
    section 'A loss at every step'.

    Parameters
    ----------
    scores : ndarray of shape (N, T, V)
    y : ndarray of shape (N, T), int
        The true next token at every position.
    mask : ndarray of shape (N, T), bool, optional
        Which positions count (all of them when None; at least one must).

    Returns
    -------
    loss : float
    dscores : ndarray of shape (N, T, V)
        In the dtype of scores.
    """
    ### BEGIN SOLUTION
    n, steps, vocab = scores.shape
    flat = scores.reshape(n * steps, vocab)  # (N, T, V) -> (N T, V)
    keep = np.ones(n * steps, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(-1)
    loss, dkept = cross_entropy(flat[keep], y.reshape(-1)[keep])  # mean over the kept rows
    dflat = np.zeros_like(flat)  # (N T, V): zero for masked rows
    dflat[keep] = dkept
    return float(loss), dflat.reshape(n, steps, vocab)  # (N T, V) -> (N, T, V)
    ### END SOLUTION


def sample(params, start, length, rng, temperature=1.0):
    """Generate ``length`` tokens from a character-level LSTM.

    The model reads ``start`` (at least one id) from a zero state, then, at
    every step, turns its scores ``h @ W_out + b_out`` into probabilities
    ``p = softmax(scores / temperature)`` (computed in float64), draws the
    next id with ``rng.choice(V, p=p)``, and feeds it back as the next input.
    A temperature below 1 sharpens the distribution (safer, more repetitive
    text); above 1 it flattens it (more surprising text, more mistakes). The
    temperature divides the scores **before** the softmax. Taught in chapter
    9, section 'Generating text'.

    Parameters
    ----------
    params : dict of ndarray
        ``"W_embed"`` (V, E), ``"Wx"`` (E, 4H), ``"Wh"`` (H, 4H), ``"b"``
        (4H,), ``"W_out"`` (H, V), ``"b_out"`` (V,).
    start : sequence of int
        The prompt: token ids read before generating.
    length : int
        How many tokens to generate.
    rng : numpy.random.Generator
        The only source of randomness (one ``rng.choice`` per token).
    temperature : float
        > 0.

    Returns
    -------
    ndarray of shape (length,), int
        The generated ids (the prompt not included).
    """
    ### BEGIN SOLUTION
    Wh = params["Wh"]
    H = Wh.shape[0]
    vocab = params["W_out"].shape[1]
    h = np.zeros((1, H), dtype=Wh.dtype)  # (1, H): one sequence
    c = np.zeros((1, H), dtype=Wh.dtype)
    out = np.empty(length, dtype=np.int64)
    token = None
    for k in range(len(start) + length):
        if k < len(start):
            token = int(start[k])
        else:
            scores = h @ params["W_out"] + params["b_out"]  # (1, H) @ (H, V) -> (1, V)
            p = softmax(scores[0].astype(np.float64) / temperature)  # (V,)
            token = int(rng.choice(vocab, p=p))
            out[k - len(start)] = token
            if k == len(start) + length - 1:
                break  # the last token need not be fed back
        x, _ = embedding_forward(np.array([[token]]), params["W_embed"])  # (1, 1, E)
        h, c, _ = lstm_step_forward(x[:, 0], h, c, params["Wx"], Wh, params["b"])
    return out
    ### END SOLUTION
