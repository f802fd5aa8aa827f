"""Chapter 7, Feedforward networks (MLP): layers stacked into a classifier.

A multilayer perceptron is the dense layers and ReLUs of chapter 6 put one
after another, trained with the loss of chapter 4 and the update of
chapter 5. Parameters are a list of ``(W, b)`` pairs, one per layer, and
every function here returns new arrays: nothing is modified in place.

Everything keeps the dtype it is given. Pass float32 data and float32
parameters (the default of :func:`init_params`) and the whole training step
runs in float32, which is about twice as fast as float64 and what deep
learning libraries use.
"""

import numpy as np

from .functions import relu
from .layers import dense_backward, dense_forward, relu_backward
from .losses import cross_entropy
from .optim import sgd_step


def init_params(layer_sizes, rng, method="he", dtype=np.float32):
    """Random weights and zero biases for a network with these layer sizes.

    Each weight is drawn from a normal distribution with mean 0 and variance
    ``2 / fan_in`` ("he", He et al. 2015, for layers followed by a ReLU) or
    ``2 / (fan_in + fan_out)`` ("xavier", Glorot and Bengio 2010), where
    ``fan_in`` and ``fan_out`` are the layer's numbers of inputs and outputs.
    Biases start at 0. Taught in chapter 7, section 'Initialising the weights'.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[D, H1, H2, ..., C]``: inputs, hidden units of each hidden layer,
        outputs. At least two numbers.
    rng : numpy.random.Generator
        Source of the random weights (draw them with ``rng.normal`` or
        ``rng.standard_normal``, one layer after the other).
    method : {"he", "xavier"}
        Which variance to use. Anything else raises ValueError.
    dtype : numpy dtype
        dtype of every returned array (float32 by default).

    Returns
    -------
    list of (W, b) tuples
        One per layer: ``W`` of shape (layer_sizes[i], layer_sizes[i + 1]) and
        ``b`` of shape (layer_sizes[i + 1],), both of dtype ``dtype``.

    Raises
    ------
    ValueError
        If ``method`` is not "he" or "xavier".
    """
    raise NotImplementedError("Exercise 7.1: implement init_params (chapter 7, section 'Initialising the weights')")


def mlp_forward(X, params):
    """Forward pass of an MLP: dense then ReLU for each hidden layer, then a dense output.

    With M layers the network computes ``h_0 = X``,
    ``h_l = relu(h_{l-1} @ W_l + b_l)`` for l = 1 .. M-1, and
    ``scores = h_{M-1} @ W_M + b_M`` (no activation on the output: the
    scores go to the softmax inside the cross-entropy). Uses your
    ``dense_forward`` (chapter 6) and ``relu`` (chapter 1). Taught in
    chapter 7, section 'The forward pass'.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        A batch of inputs.
    params : list of (W, b) tuples
        As returned by :func:`init_params`; the first ``W`` has D rows, the
        last ``W`` has C columns.

    Returns
    -------
    scores : ndarray of shape (N, C)
        One score (logit) per class for each example, in the dtype of X.
    caches : list of tuples
        Exactly one tuple per layer, first layer first (``len(caches) ==
        len(params)``), in this format:

        - hidden layer ``l`` (every layer but the last): ``(dense_cache, z)``,
          where ``dense_cache`` is the tuple ``(h_prev, W)`` that
          ``dense_forward`` returned (the layer's input, of shape (N, H_in),
          and its weight matrix) and ``z`` is the layer's weighted sum, the
          input of its ReLU, of shape (N, H_out);
        - output layer: ``(dense_cache,)``, a tuple holding only its
          ``(h_prev, W)``.

        :func:`mlp_backward` reads exactly this, and nothing else.
    """
    raise NotImplementedError("Exercise 7.2: implement mlp_forward (chapter 7, section 'The forward pass')")


def mlp_backward(dscores, caches):
    """Backward pass of an MLP: the gradient of the loss for every parameter.

    Walks the layers from the last to the first: the output layer's
    ``dense_backward``, then for each hidden layer ``relu_backward`` followed
    by ``dense_backward``. Uses your functions from chapter 6. Taught in
    chapter 7, section 'The backward pass'.

    Parameters
    ----------
    dscores : ndarray of shape (N, C)
        Gradient of the loss with respect to the scores (from
        ``cross_entropy``).
    caches : list of tuples
        As returned by :func:`mlp_forward`: one per layer, first layer first;
        ``((h_prev, W), z)`` for a hidden layer (``z`` the input of its ReLU)
        and ``((h_prev, W),)`` for the output layer.

    Returns
    -------
    list of (dW, db) tuples
        In the same order as ``params``: ``dW`` has the shape of ``W`` and
        ``db`` the shape of ``b``.
    """
    raise NotImplementedError("Exercise 7.3: implement mlp_backward (chapter 7, section 'The backward pass')")


def train_step(X, y, params, lr):
    """One step of minibatch gradient descent on an MLP.

    Forward pass, mean cross-entropy loss, backward pass, then ``sgd_step``
    on every weight and bias. Taught in chapter 7, section
    'One training step'.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        A minibatch of inputs.
    y : ndarray of shape (N,), int
        Their classes, 0 to C - 1.
    params : list of (W, b) tuples
        Current parameters (left unchanged).
    lr : float
        Learning rate.

    Returns
    -------
    new_params : list of (W, b) tuples
        The parameters after the step, new arrays of the same dtypes.
    loss : float
        The loss of this minibatch *before* the step.
    """
    raise NotImplementedError("Exercise 7.4: implement train_step (chapter 7, section 'One training step')")


def dropout_forward(x, p, rng):
    """Inverted dropout: zero each entry with probability p, scale the rest by 1 / (1 - p).

    The mask is ``(rng.random(x.shape) >= p) / (1 - p)`` in the dtype of x,
    so the expected value of every output equals its input and nothing needs
    rescaling at test time (when dropout is simply not applied). With
    ``p = 0`` nothing is dropped. Taught in chapter 7, section 'Dropout'.

    Parameters
    ----------
    x : ndarray of any shape, for example (N, H)
        Activations of a hidden layer.
    p : float
        Probability of dropping each entry, 0 <= p < 1.
    rng : numpy.random.Generator

    Returns
    -------
    out : ndarray of the shape and dtype of x
        ``x * mask``.
    mask : ndarray of the shape and dtype of x
        0 where an entry was dropped, ``1 / (1 - p)`` where it was kept.

    Raises
    ------
    ValueError
        If p is not in [0, 1).
    """
    raise NotImplementedError("Exercise 7.6: implement dropout_forward (chapter 7, section 'Dropout')")


def dropout_backward(dout, mask):
    """Gradient through dropout: dropped entries get none, kept ones are scaled.

    Taught in chapter 7, section 'Dropout'.

    Parameters
    ----------
    dout : ndarray
        Gradient of the loss with respect to dropout's output.
    mask : ndarray of the same shape
        The mask returned by :func:`dropout_forward`.

    Returns
    -------
    ndarray of the same shape: the gradient with respect to dropout's input.
    """
    raise NotImplementedError("Exercise 7.7: implement dropout_backward (chapter 7, section 'Dropout')")


def accuracy(scores, y):
    """Fraction of examples whose highest score is the true class.

    Taught in chapter 7, section 'Measuring accuracy'.

    Parameters
    ----------
    scores : ndarray of shape (N, C)
        Class scores (or probabilities) for each example.
    y : ndarray of shape (N,), int
        True classes.

    Returns
    -------
    float
        Between 0 and 1.
    """
    raise NotImplementedError("Exercise 7.5: implement accuracy (chapter 7, section 'Measuring accuracy')")


def regularized_train_step(X, y, params, lr, rng, p=0.0, weight_decay=0.0):
    """One SGD step with dropout after every hidden ReLU and L2 weight decay (not graded).

    The same forward pass, loss, backward pass and update as :func:`train_step`,
    with two additions. With ``p > 0`` each hidden layer's output goes through
    :func:`dropout_forward` (drawing from ``rng``) and its gradient back through
    :func:`dropout_backward`. With ``weight_decay = lam > 0`` the loss gains
    ``lam / 2 * sum(W ** 2)`` over every weight matrix (biases are not decayed),
    so every ``dW`` gains ``lam * W``. With ``p = 0`` and ``weight_decay = 0`` it
    computes what :func:`train_step` computes. Uses your functions of chapters
    1 to 7. Taught in chapter 7, section 'Overfitting, measured: dropout and weight decay'.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        A minibatch of inputs.
    y : ndarray of shape (N,), int
        Their classes.
    params : list of (W, b) tuples
        Current parameters (left unchanged).
    lr : float
        Learning rate.
    rng : numpy.random.Generator
        Source of the dropout masks.
    p : float
        Drop probability of every hidden unit, 0 <= p < 1.
    weight_decay : float
        The L2 coefficient lam.

    Returns
    -------
    new_params : list of (W, b) tuples
    loss : float
        The minibatch's cross-entropy before the step (without the penalty).
    """
    h, caches = X, []
    for W, b in params[:-1]:
        z, dense_cache = dense_forward(h, W, b)  # (N, H_in) @ (H_in, H_out) -> (N, H_out)
        h, mask = dropout_forward(relu(z), p, rng)
        caches.append((dense_cache, z, mask))
    scores, last_cache = dense_forward(h, *params[-1])  # (N, H) @ (H, C) -> (N, C)
    loss, dh = cross_entropy(scores, y)
    dh, dW, db = dense_backward(dh, last_cache)
    grads = [(dW, db)]
    for dense_cache, z, mask in reversed(caches):
        dz = relu_backward(dropout_backward(dh, mask), z)
        dh, dW, db = dense_backward(dz, dense_cache)
        grads.append((dW, db))
    grads.reverse()
    stepped = [(sgd_step(W, dW + weight_decay * W, lr), sgd_step(b, db, lr))
               for (W, b), (dW, db) in zip(params, grads, strict=True)]
    return stepped, float(loss)
