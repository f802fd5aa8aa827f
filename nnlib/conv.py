"""Chapter 8, Convolutional networks: convolution and max-pooling layers.

Images are stored NCHW: ``x[n, c, i, j]`` is pixel (i, j) of channel c of
example n. A convolution slides F filters of shape (C, K, K) over the image
and takes, at every position, the sum of the products of a filter with the
patch under it (a cross-correlation, as in every deep learning library: the
filter is *not* flipped). With stride S and zero padding P on every side, an
H x W image gives an output of

    H_out = (H + 2 P - K) // S + 1,    W_out = (W + 2 P - K) // S + 1.

The layers follow the same contract as chapter 6: ``forward(...) -> (out,
cache)`` and ``backward(dout, cache) -> gradients in the order of the
forward's inputs``, caches are plain tuples, and nothing is modified in
place. Everything keeps the dtype it is given (float32 in, float32 out).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    """A convolution layer written with plain loops (slow, for understanding).

    ``out[n, f, i, j] = sum over c, ki, kj of
    xp[n, c, i * stride + ki, j * stride + kj] * W[f, c, ki, kj] + b[f]``,
    where ``xp`` is x with ``pad`` zeros added on every side of each image.
    The kernel is not flipped (cross-correlation). Taught in chapter 8,
    section 'A convolution, one loop at a time'.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
        A batch of images.
    W : ndarray of shape (F, C, K, K)
        F filters, each spanning all C input channels.
    b : ndarray of shape (F,)
        One bias per filter.
    stride : int
        Step between neighbouring positions of the filter.
    pad : int
        Zeros added on each side of each image (top, bottom, left, right).

    Returns
    -------
    out : ndarray of shape (N, F, H_out, W_out)
        ``H_out = (H + 2 pad - K) // stride + 1`` and likewise ``W_out``, in
        the dtype of x.
    """
    raise NotImplementedError("Exercise 8.1: implement conv2d_forward_naive (chapter 8, section 'A convolution, one loop at a time')")


def im2col(x, K, stride=1, pad=0):
    """Every K x K patch of every image, as the columns of one matrix per image.

    ``cols[n, (c, ki, kj), (i, j)] = xp[n, c, i * stride + ki, j * stride + kj]``
    with ``xp`` the zero-padded x: the row index is ``c * K * K + ki * K + kj``
    (the order of ``W.reshape(F, C * K * K)``), the column index is
    ``i * W_out + j`` (the order of the output pixels). A convolution is then
    one matrix product, ``W.reshape(F, -1) @ cols``. Taught in chapter 8,
    section 'Convolution as one matrix product'.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    K : int
        Kernel size.
    stride, pad : int
        As in :func:`conv2d_forward_naive`.

    Returns
    -------
    cols : ndarray of shape (N, C * K * K, H_out * W_out)
        A new array (not a view of x), in the dtype of x.
    """
    raise NotImplementedError("Exercise 8.2: implement im2col (chapter 8, section 'Convolution as one matrix product')")


def col2im(cols, x_shape, K, stride=1, pad=0):
    """The adjoint of :func:`im2col`: add every column entry back onto its pixel.

    A pixel that lies in several patches receives the sum of all its copies,
    and entries that fall on the padding are dropped. So for any x and y of
    the right shapes, ``np.sum(im2col(x, K, stride, pad) * y) ==
    np.sum(x * col2im(y, x.shape, K, stride, pad))``. It turns the gradient
    with respect to ``cols`` into the gradient with respect to x. Taught in
    chapter 8, section 'Convolution as one matrix product'.

    Parameters
    ----------
    cols : ndarray of shape (N, C * K * K, H_out * W_out)
        Laid out as :func:`im2col` returns it.
    x_shape : tuple (N, C, H, W)
        Shape of the images the columns came from.
    K, stride, pad : int
        As given to :func:`im2col`.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W)
        In the dtype of cols.
    """
    raise NotImplementedError("Exercise 8.3: implement col2im (chapter 8, section 'Convolution as one matrix product')")


def conv2d_forward(x, W, b, stride=1, pad=0):
    """A convolution layer, vectorised: im2col, then one matrix product.

    Computes the same ``out`` as :func:`conv2d_forward_naive`, with no Python
    loop over examples or pixels. Taught in chapter 8, section 'Convolution
    as one matrix product'.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    W : ndarray of shape (F, C, K, K)
    b : ndarray of shape (F,)
    stride, pad : int

    Returns
    -------
    out : ndarray of shape (N, F, H_out, W_out)
    cache : tuple
        ``(x, W, stride, pad, cols)`` with ``cols = im2col(x, K, stride,
        pad)``, for :func:`conv2d_backward`.
    """
    raise NotImplementedError("Exercise 8.4: implement conv2d_forward (chapter 8, section 'Convolution as one matrix product')")


def conv2d_backward(dout, cache):
    """Gradients of a convolution layer with respect to x, W and b.

    Taught in chapter 8, section 'The convolution backwards'.

    Parameters
    ----------
    dout : ndarray of shape (N, F, H_out, W_out)
        Gradient of the loss with respect to the layer's output.
    cache : tuple
        ``(x, W, stride, pad, cols)`` from :func:`conv2d_forward`.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W)
    dW : ndarray of shape (F, C, K, K)
    db : ndarray of shape (F,)
    """
    raise NotImplementedError("Exercise 8.5: implement conv2d_backward (chapter 8, section 'The convolution backwards')")


def maxpool2d_forward(x, size=2, stride=2):
    """Max-pooling: the largest value of every size x size window, channel by channel.

    ``out[n, c, i, j] = max over di, dj < size of
    x[n, c, i * stride + di, j * stride + dj]``, with
    ``H_out = (H - size) // stride + 1`` (rows and columns that no window
    covers are ignored). Taught in chapter 8, section 'Pooling'.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    size : int
        Side of each window.
    stride : int
        Step between windows (``stride == size``: windows side by side).

    Returns
    -------
    out : ndarray of shape (N, C, H_out, W_out)
    cache : tuple
        ``(x, size, stride)``, for :func:`maxpool2d_backward`.
    """
    raise NotImplementedError("Exercise 8.6: implement maxpool2d_forward (chapter 8, section 'Pooling')")


def maxpool2d_backward(dout, cache):
    """Gradient through max-pooling: each window's gradient goes to its maximum.

    Only the entry that produced a window's maximum influenced the output,
    so it receives that window's ``dout``; every other entry gets 0. On a
    tie, the *first* maximum in reading order (row by row, as
    ``np.argmax`` of the flattened window) gets all of it, as in PyTorch.
    Where windows overlap (stride < size), an entry collects the gradients
    of every window it is the maximum of. Taught in chapter 8, section
    'Pooling'.

    Parameters
    ----------
    dout : ndarray of shape (N, C, H_out, W_out)
    cache : tuple
        ``(x, size, stride)`` from :func:`maxpool2d_forward`.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W), in the dtype of dout
    """
    raise NotImplementedError("Exercise 8.7: implement maxpool2d_backward (chapter 8, section 'Pooling')")
