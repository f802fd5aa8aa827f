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
    raise NotImplementedError("Exercise 9.1: implement rnn_step_forward (chapter 9, section 'One step of a recurrent network')")


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
    raise NotImplementedError("Exercise 9.2: implement rnn_step_backward (chapter 9, section 'One step of a recurrent network')")


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
    raise NotImplementedError("Exercise 9.3: implement rnn_forward (chapter 9, section 'Unrolling the loop')")


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
    raise NotImplementedError("Exercise 9.4: implement rnn_backward (chapter 9, section 'Backpropagation through time')")


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
    raise NotImplementedError("Exercise 9.5: implement clip_gradients (chapter 9, section 'Exploding gradients and clipping')")


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
    raise NotImplementedError("Exercise 9.6: implement lstm_step_forward (chapter 9, section 'Gates: the LSTM')")


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
    raise NotImplementedError("Exercise 9.7: implement lstm_step_backward (chapter 9, section 'Gates: the LSTM')")


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
    raise NotImplementedError("Exercise 9.8: implement lstm_forward (chapter 9, section 'A whole sequence through the LSTM')")


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
    raise NotImplementedError("Exercise 9.9: implement lstm_backward (chapter 9, section 'A whole sequence through the LSTM')")


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
    raise NotImplementedError("Exercise 9.10: implement embedding_forward (chapter 9, section 'Characters as vectors')")


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
    raise NotImplementedError("Exercise 9.11: implement embedding_backward (chapter 9, section 'Characters as vectors')")


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
    raise NotImplementedError("Exercise 9.12: implement temporal_softmax_loss (chapter 9, section 'A loss at every step')")


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
    raise NotImplementedError("Exercise 9.13: implement sample (chapter 9, section 'Generating text')")
