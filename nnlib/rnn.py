"""Chapter 9, Recurrent networks: layers that remember, run forward and backward in time.

A recurrent network reads a sequence one step at a time and carries a
**hidden state** from each step to the next, so its output at step t can
depend on everything it has read so far. Every function follows the
conventions of chapter 6: ``forward(...) -> (out, cache)`` and
``backward(dout, cache) -> gradients`` in the order of the forward's inputs.

Shapes are batch first: inputs ``(N, T, D)``, hidden states ``(N, T, H)``;
token ids ``(N, T)``, embeddings ``(V, E)`` for a vocabulary of V symbols.
An LSTM stacks its four gates along one axis of length 4H, always in the
order **(i, f, o, g)**: input gate, forget gate, output gate, candidate.
"""

import numpy as np


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
