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
    ### BEGIN SOLUTION
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    H_out = (H + 2 * pad - K) // stride + 1
    W_out = (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))  # (N, C, H + 2 pad, W + 2 pad)
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, W, b))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    patch = xp[n, :, i * stride : i * stride + K, j * stride : j * stride + K]  # (C, K, K)
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    N, C, H, Wd = x.shape
    H_out = (H + 2 * pad - K) // stride + 1
    W_out = (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x  # (N, C, Hp, Wp)
    # every K x K window, as a view (no copy): (N, C, Hp - K + 1, Wp - K + 1, K, K)
    windows = sliding_window_view(xp, (K, K), axis=(2, 3))[:, :, ::stride, ::stride]  # (N, C, H_out, W_out, K, K)
    patches = windows.transpose(0, 1, 4, 5, 2, 3)  # (N, C, K, K, H_out, W_out), still a view
    cols = patches.reshape(N, C * K * K, H_out * W_out)  # the one copy: (N, C*K*K, H_out*W_out)
    return cols if cols.flags.writeable else cols.copy()  # (K = 1 and stride 1 reshape to a view of x)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    N, C, H, Wd = x_shape
    H_out = (H + 2 * pad - K) // stride + 1
    W_out = (Wd + 2 * pad - K) // stride + 1
    patches = cols.reshape(N, C, K, K, H_out, W_out)  # (N, C*K*K, H_out*W_out) -> (N, C, K, K, H_out, W_out)
    xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad), dtype=cols.dtype)
    for ki in range(K):  # K * K vectorised additions, one per position in the kernel
        for kj in range(K):
            xp[:, :, ki : ki + stride * H_out : stride, kj : kj + stride * W_out : stride] += patches[:, :, ki, kj]
    return xp[:, :, pad : pad + H, pad : pad + Wd].copy() if pad else xp  # (N, C, H, W)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    H_out = (H + 2 * pad - K) // stride + 1
    W_out = (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)  # (N, C*K*K, H_out*W_out)
    out = W.reshape(F, C * K * K) @ cols  # (F, C*K*K) @ (N, C*K*K, P) -> (N, F, P), one product per image
    out += b[:, None]  # in place: one bias per filter, added at every position
    return out.reshape(N, F, H_out, W_out), (x, W, stride, pad, cols)  # (N, F, P) -> (N, F, H_out, W_out)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, W, stride, pad, cols = cache
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    _, _, H_out, W_out = dout.shape
    dout_flat = dout.reshape(N, F, -1)  # (N, F, H_out, W_out) -> (N, F, P)
    db = dout_flat.sum(axis=(0, 2))  # one bias per filter, used at every position of every image
    # dW = sum over images of dout_flat[n] @ cols[n].T, computed transposed, with dout_flat's
    # transpose copied: OpenBLAS runs these plain products 1.6 times faster on the 16 -> 32 layer
    dout_t = dout_flat.transpose(0, 2, 1).copy()  # (N, P, F), contiguous
    dW = (cols @ dout_t).sum(axis=0).T  # (N, CKK, P) @ (N, P, F) -> (N, CKK, F) -> (CKK, F) -> (F, CKK)
    # dx = col2im(W_rows.T @ dout_flat), one kernel row ki at a time: the same sums, with a
    # temporary K times smaller than the whole dcols. (A dcols that big makes malloc give its
    # memory back, and every call then pays the kernel for fresh zeroed pages.)
    W_by_row = W.transpose(2, 3, 1, 0).reshape(K, K * C, F)  # (F, C, K, K) -> (K, K*C, F): [ki] is ((kj, c), f)
    dtype = np.result_type(dout, W)
    dxp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad), dtype=dtype)  # gradient of the padded images
    dpatches = np.empty((N, K, C, H_out, W_out), dtype=dtype)  # one kernel row of dcols, reused
    for ki in range(K):
        np.matmul(W_by_row[ki], dout_flat, out=dpatches.reshape(N, K * C, -1))  # (K*C, F) @ (N, F, P) -> (N, K*C, P)
        for kj in range(K):  # col2im's additions for this kernel row
            dxp[:, :, ki : ki + stride * H_out : stride, kj : kj + stride * W_out : stride] += dpatches[:, kj]
    dx = dxp[:, :, pad : pad + H, pad : pad + Wd]  # drop the padding's gradient (a view)
    return dx, dW.reshape(W.shape), db
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]  # (N, C, Ho, Wo, s, s)
    return windows.max(axis=(4, 5)), (x, size, stride)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, size, stride = cache
    N, C, H_out, W_out = dout.shape
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]  # (N, C, Ho, Wo, s, s)
    winner = windows.reshape(N, C, H_out, W_out, size * size).argmax(axis=-1)  # (N, C, Ho, Wo), first max wins
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for k in range(size * size):  # one vectorised addition per position in the window
        di, dj = divmod(k, size)
        dx[:, :, di : di + stride * H_out : stride, dj : dj + stride * W_out : stride] += dout * (winner == k)
    return dx
    ### END SOLUTION
