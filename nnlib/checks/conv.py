"""Visible checks for chapter 8 (``nnlib/conv.py``).

The small examples can be worked out by hand; the comments show how. Most use
the 3 x 3 image and 2 x 2 filter of the chapter:

    x = [[1, 2, 3],         W = [[1, 2],        out[i, j] = x[i, j] + 2 x[i, j + 1] + b
         [4, 5, 6],              [0, 0]]            = [[5, 8], [14, 17]] + b
         [7, 8, 9]]

All data is built inside each check, so a function that modifies its inputs
cannot spoil another check.
"""

import numpy as np

from nnlib.testing import (
    CheckFailure,
    assert_close,
    assert_float32,
    assert_that,
    assert_unchanged,
    check,
    quick,
)


def _image():
    """The chapter's 3 x 3 image as a batch of one, shape (1, 1, 3, 3)."""
    return np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])[None, None]


def _filter():
    """The chapter's 2 x 2 filter as a bank of one, shape (1, 1, 2, 2)."""
    return np.array([[1.0, 2.0], [0.0, 0.0]])[None, None]


def _dtype_kept(got, what):
    assert_float32(got, what, (
        "an array created with np.zeros/np.ones/np.empty without dtype=, or a float64 constant "
        "array, upcasts everything to float64"
    ))


def _pair(got, name, first="out"):
    """Fail unless ``got`` is the pair (first, cache) a forward function returns."""
    assert_that(
        isinstance(got, tuple) and len(got) == 2,
        f"{name} should return a pair ({first}, cache), got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )


def size_mistakes(h, w, k, stride, pad):
    """(description, (H_out, W_out)) for the usual mistakes in the output-size formula."""
    right = ((h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1)
    candidates = [
        ("the padding was added twice (pad 2 * pad on each side): pad once, with np.pad or in "
         "the formula, not both", ((h + 4 * pad - k) // stride + 1, (w + 4 * pad - k) // stride + 1)),
        ("the padding was ignored: the output size is (H + 2 pad - K) // stride + 1",
         ((h - k) // stride + 1, (w - k) // stride + 1)),
        ("the padding was counted on one side only: it goes on both sides, 2 * pad",
         ((h + pad - k) // stride + 1, (w + pad - k) // stride + 1)),
        ("the stride was ignored: the filter moves `stride` pixels at a time, "
         "H_out = (H + 2 pad - K) // stride + 1", (h + 2 * pad - k + 1, w + 2 * pad - k + 1)),
        ("the + 1 is missing from the output size: H_out = (H + 2 pad - K) // stride + 1",
         ((h + 2 * pad - k) // stride, (w + 2 * pad - k) // stride)),
        ("the output size divides the whole size by the stride: it is (H + 2 pad - K) // stride + 1",
         ((h + 2 * pad) // stride, (w + 2 * pad) // stride)),
        ("H and W are swapped", right[::-1]),
    ]
    return [(description, size) for description, size in candidates if size != right]


def out_size_problem(got_shape, n, f, h, w, k, stride, pad):
    """Name the output-size mistake behind a wrong (N, F, H_out, W_out), or None."""
    if len(got_shape) != 4:
        return None
    right = ((h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1)
    got = tuple(got_shape[2:])
    for description, size in size_mistakes(h, w, k, stride, pad):
        if got == size and size != right:
            return f"the output has shape {tuple(got_shape)}, expected {(n, f, *right)}: it looks like {description}"
    return None


def check_out_shape(out, n, f, h, w, k, stride, pad, what, hidden=False):
    """Fail with a named output-size mistake when ``out`` has the wrong shape."""
    shape = np.shape(out)
    right = (n, f, (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1)
    if shape == right:
        return
    problem = out_size_problem(shape, n, f, h, w, k, stride, pad)
    if problem is None:
        problem = f"{what} has the wrong shape" + ("" if hidden else f" {shape}, expected {right}")
        problem += ": the output is (N, F, H_out, W_out) with H_out = (H + 2 pad - K) // stride + 1"
    elif hidden:
        problem = "the output has the wrong shape: it looks like" + problem.split("it looks like")[1]
    raise CheckFailure(problem)


# --------------------------------------------------------------------------
# 8.1 conv2d_forward_naive and 8.4 conv2d_forward: the same forward checks
# --------------------------------------------------------------------------


def _forward(nn, name, *args):
    """Call nn.<name>; return ``out`` (and check the pair for conv2d_forward)."""
    got = getattr(nn, name)(*args)
    if name == "conv2d_forward":
        _pair(got, name)
        return got[0]
    if isinstance(got, tuple) and len(got) == 2 and np.ndim(got[0]) == 4:
        raise CheckFailure(f"{name} should return only out (an array), not a pair (out, cache)")
    return got


def _by_hand(nn, name):
    x, W = _image(), _filter()
    out = _forward(nn, name, x, W, np.array([0.5]), 1, 0)
    check_out_shape(out, 1, 1, 3, 3, 2, 1, 0, f"out of {name}")
    # out[i, j] = x[i, j] + 2 x[i, j + 1] + 0.5
    assert_close(
        out,
        [[[[5.5, 8.5], [14.5, 17.5]]]],
        what=f"out of {name}(x=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], W=[[1, 2], [0, 0]], b=[0.5])",
        mistakes=[
            ("the filter was flipped (a true convolution): deep learning's 'convolution' is a "
             "cross-correlation, out[i, j] = sum of x[i + ki, j + kj] * W[ki, kj], no flip",
             [[[[13.5, 16.5], [22.5, 25.5]]]]),
            ("the filter was transposed (W[kj, ki] instead of W[ki, kj])", [[[[9.5, 12.5], [18.5, 21.5]]]]),
            ("the bias was left out", [[[[5.0, 8.0], [14.0, 17.0]]]]),
        ],
    )


def _pad_and_stride(nn, name):
    # ones everywhere: each output counts the real (not padding) pixels under its 3 x 3 window
    out = _forward(nn, name, np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.zeros(1), 2, 1)
    check_out_shape(out, 1, 1, 4, 4, 3, 2, 1, f"out of {name}")
    # window (0, 0) covers padded rows/cols 0..2, i.e. real pixels 0..1 x 0..1: 4; (0, 1): 2 x 3 = 6; (1, 1): 9
    assert_close(
        out,
        [[[[4.0, 6.0], [6.0, 9.0]]]],
        what=f"out of {name}(x=ones((1, 1, 4, 4)), W=ones((1, 1, 3, 3)), b=[0], stride=2, pad=1)",
        mistakes=[
            ("the image was padded with ones instead of zeros (use np.pad, whose default is 0)",
             [[[[9.0, 9.0], [9.0, 9.0]]]]),
        ],
    )


def _channels(nn, name):
    # a 1 x 1 filter mixes channels at each pixel: out[n, f] = sum over c of W[f, c] * x[n, c] + b[f]
    x = np.array([[[[1.0, 2.0]], [[10.0, 20.0]]], [[[3.0, 4.0]], [[30.0, 40.0]]]])  # (N=2, C=2, H=1, W=2)
    W = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, -1.0]])[:, :, None, None]  # (F=3, C=2, 1, 1)
    b = np.array([0.0, 0.0, 100.0])
    out = _forward(nn, name, x, W, b, 1, 0)
    check_out_shape(out, 2, 3, 1, 2, 1, 1, 0, f"out of {name}")
    # filter 0 copies channel 0, filter 1 adds both channels, filter 2 is 100 minus channel 1
    expected = [[[[1.0, 2.0]], [[11.0, 22.0]], [[90.0, 80.0]]], [[[3.0, 4.0]], [[33.0, 44.0]], [[70.0, 60.0]]]]
    assert_close(
        out,
        expected,
        what=f"out of {name} with N = 2 images, C = 2 channels, F = 3 filters of size 1 x 1",
        mistakes=[
            ("each filter looked at one channel only: a filter spans all C input channels, and its "
             "products are summed over channels too",
             [[[[1.0, 2.0]], [[10.0, 20.0]], [[100.0, 100.0]]], [[[3.0, 4.0]], [[30.0, 40.0]], [[100.0, 100.0]]]]),
        ],
    )


def _float32(nn, name):
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4) / 4  # pixels 0, 0.25, ..., 3.75
    W = np.ones((2, 1, 2, 2), dtype=np.float32)
    W[1] = -1
    b = np.array([0.0, 1.0], dtype=np.float32)
    saved = x.copy(), W.copy(), b.copy()
    out = _forward(nn, name, x, W, b, 2, 0)
    for label, old, new in zip(("x", "W", "b"), saved, (x, W, b), strict=True):
        assert_unchanged(old, new, what=label)
    _dtype_kept(out, f"out of {name}")
    # stride 2, K = 2: the four 2 x 2 blocks; block (0, 0) holds 0, 0.25, 1, 1.25 (sum 2.5), etc.
    assert_close(out, [[[[2.5, 4.5], [10.5, 12.5]], [[-1.5, -3.5], [-9.5, -11.5]]]],
                 what=f"out of {name} in float32", rtol=1e-6)


for _exercise, _name in (("8.1", "conv2d_forward_naive"), ("8.4", "conv2d_forward")):

    @check(_exercise, "the 3 x 3 image and 2 x 2 filter of the chapter, by hand (no flip)")
    def _(nn, _name=_name):
        _by_hand(nn, _name)

    @check(_exercise, "padding (with zeros) and stride, and the output size (H + 2 pad - K) // stride + 1")
    def _(nn, _name=_name):
        _pad_and_stride(nn, _name)

    @check(_exercise, "every filter sums over every channel; images and filters stay apart")
    def _(nn, _name=_name):
        _channels(nn, _name)

    @check(_exercise, "float32 stays float32, and x, W, b are not modified")
    def _(nn, _name=_name):
        _float32(nn, _name)


@check("8.4", "the cache is (x, W, stride, pad, cols) with cols = im2col(x, K, stride, pad)")
def _(nn):
    x, W = _image(), _filter()
    got = nn.conv2d_forward(x, W, np.zeros(1), 1, 0)
    _pair(got, "conv2d_forward")
    cache = got[1]
    assert_that(
        isinstance(cache, tuple) and len(cache) == 5,
        "the cache should be the plain tuple (x, W, stride, pad, cols): conv2d_backward reads "
        f"exactly those from it; got {type(cache).__name__}"
        + (f" of length {len(cache)}" if isinstance(cache, tuple | list) else ""),
    )
    assert_that(np.array_equal(cache[0], x) and np.array_equal(cache[1], W),
                "the cache should start with x and W, unchanged")
    assert_that(cache[2] == 1 and cache[3] == 0, "the cache's third and fourth entries should be stride and pad")
    # the four 2 x 2 patches of x, one per column, read row by row
    assert_close(cache[4], [[[1.0, 2.0, 4.0, 5.0], [2.0, 3.0, 5.0, 6.0], [4.0, 5.0, 7.0, 8.0], [5.0, 6.0, 8.0, 9.0]]],
                 what="cols in the cache of conv2d_forward (im2col(x, 2, 1, 0))")


@quick("conv2d_forward")
def _(nn):
    got = nn.conv2d_forward(_image(), _filter(), np.array([0.5]), 1, 0)
    assert_that(isinstance(got, tuple) and len(got) == 2, "conv2d_forward should return (out, cache)")
    assert_close(got[0], [[[[5.5, 8.5], [14.5, 17.5]]]], what="conv2d_forward on the chapter's example")


# --------------------------------------------------------------------------
# 8.2 im2col
# --------------------------------------------------------------------------


def check_cols_shape(cols, n, c, h, w, k, stride, pad, what, hidden=False):
    """Fail with a named mistake when im2col's result has the wrong shape."""
    shape = np.shape(cols)
    h_out, w_out = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    right = (n, c * k * k, h_out * w_out)
    if shape == right:
        return
    shown = "" if hidden else f" {shape}, expected {right}"
    if shape == (n, h_out * w_out, c * k * k) and right[1] != right[2]:
        raise CheckFailure(f"{what} has the wrong shape{shown}: the layout is (N, C*K*K, H_out*W_out), one "
                           "patch per column (yours has one patch per row: transpose the last two axes)")
    if len(shape) == 3 and shape[:2] == right[:2]:
        for description, (ho, wo) in size_mistakes(h, w, k, stride, pad):
            if ho * wo == shape[2]:
                raise CheckFailure(f"{what} has the wrong number of columns (output positions){shown}: "
                                   f"it looks like {description}")
    if len(shape) == 6 or len(shape) == 4:
        raise CheckFailure(f"{what} has the wrong shape{shown}: reshape the patches to (N, C*K*K, H_out*W_out)")
    raise CheckFailure(f"{what} has the wrong shape{shown}: it should be (N, C*K*K, H_out*W_out) with "
                       "H_out = (H + 2 pad - K) // stride + 1")


@check("8.2", "the patches of a 3 x 4 image, one per column, in reading order")
def _(nn):
    x = np.arange(12.0).reshape(1, 1, 3, 4)  # rows [0 1 2 3], [4 5 6 7], [8 9 10 11]
    got = nn.im2col(x, 2, 1, 0)
    # H_out = 2, W_out = 3: six patches; row r = ki * 2 + kj holds x[i + ki, j + kj] for (i, j) in reading order
    expected = [[[0.0, 1.0, 2.0, 4.0, 5.0, 6.0], [1.0, 2.0, 3.0, 5.0, 6.0, 7.0],
                 [4.0, 5.0, 6.0, 8.0, 9.0, 10.0], [5.0, 6.0, 7.0, 9.0, 10.0, 11.0]]]
    exp = np.array(expected)
    check_cols_shape(got, 1, 1, 3, 4, 2, 1, 0, "cols")
    assert_close(
        got,
        expected,
        what="im2col(x=arange(12).reshape(1, 1, 3, 4), K=2, stride=1, pad=0)",
        mistakes=[
            ("the kernel offsets are in the order (kj, ki): the row index is ki * K + kj, "
             "as in W.reshape(F, C*K*K)", exp[:, [0, 2, 1, 3]]),
            ("the output positions are read column by column: the column index is i * W_out + j",
             exp.reshape(1, 4, 2, 3).transpose(0, 1, 3, 2).reshape(1, 4, 6)),
        ],
    )


@check("8.2", "rows go channel by channel, (c, ki, kj), like W.reshape(F, C * K * K)")
def _(nn):
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]], [[10.0, 20.0], [30.0, 40.0]]]])  # (1, C=2, 2, 2)
    got = nn.im2col(x, 2, 1, 0)
    # one patch (H_out = W_out = 1): channel 0's four pixels, then channel 1's
    assert_close(
        got,
        [[[1.0], [2.0], [3.0], [4.0], [10.0], [20.0], [30.0], [40.0]]],
        what="im2col(x of shape (1, 2, 2, 2), K=2, stride=1, pad=0)",
        mistakes=[("the channels are interleaved, (ki, kj, c): the row index is c*K*K + ki*K + kj",
                   [[[1.0], [10.0], [2.0], [20.0], [3.0], [30.0], [4.0], [40.0]]])],
    )


@check("8.2", "padding with zeros and a stride of 2")
def _(nn):
    got = nn.im2col(np.ones((1, 1, 3, 3)), 3, 2, 1)
    # padded image 5 x 5 with ones inside; four 3 x 3 windows at offsets (0, 0), (0, 2), (2, 0), (2, 2).
    # Row ki * 3 + kj is 1 where the window's pixel (ki, kj) is inside the image.
    expected = [[[0.0, 0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0],
                 [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 0.0, 1.0, 0.0],
                 [0.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]]]
    check_cols_shape(got, 1, 1, 3, 3, 3, 2, 1, "cols")
    assert_close(got, expected, what="im2col(x=ones((1, 1, 3, 3)), K=3, stride=2, pad=1)",
                 mistakes=[("the image was padded with ones instead of zeros", np.ones((1, 9, 4)))])


@check("8.2", "float32 stays float32, images stay apart, x is not modified")
def _(nn):
    x = np.arange(8, dtype=np.float32).reshape(2, 1, 2, 2)  # two images
    saved = x.copy()
    got = nn.im2col(x, 1, 1, 0)  # K = 1: each pixel is its own patch
    assert_unchanged(saved, x, what="x")
    _dtype_kept(got, "im2col(x)")
    assert_close(got, [[[0.0, 1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0, 7.0]]], what="im2col(x, K=1) of two 2 x 2 images",
                 mistakes=[("the images of the batch were mixed up: cols[n] holds the patches of image n",
                            [[[0.0, 1.0, 4.0, 5.0]], [[2.0, 3.0, 6.0, 7.0]]])])


@quick("im2col")
def _(nn):
    got = nn.im2col(np.arange(12.0).reshape(1, 1, 3, 4), 2, 1, 0)
    assert_close(got, [[[0.0, 1.0, 2.0, 4.0, 5.0, 6.0], [1.0, 2.0, 3.0, 5.0, 6.0, 7.0],
                        [4.0, 5.0, 6.0, 8.0, 9.0, 10.0], [5.0, 6.0, 7.0, 9.0, 10.0, 11.0]]],
                 what="im2col(arange(12).reshape(1, 1, 3, 4), K=2)")


# --------------------------------------------------------------------------
# 8.3 col2im
# --------------------------------------------------------------------------


@check("8.3", "overlapping patches add up: ones give each pixel's number of windows")
def _(nn):
    got = nn.col2im(np.ones((1, 4, 4)), (1, 1, 3, 3), 2, 1, 0)
    # the corner pixels are in one 2 x 2 window, the edge ones in two, the centre in all four
    assert_close(
        got,
        [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]],
        what="col2im(ones((1, 4, 4)), x_shape=(1, 1, 3, 3), K=2)",
        mistakes=[
            ("the entries were assigned (=) instead of added (+=), or divided by their number of copies: "
             "a pixel that lies in several patches receives the sum of all its copies", np.ones((1, 1, 3, 3))),
        ],
    )


@check("8.3", "stride 2: every entry goes back to exactly one pixel")
def _(nn):
    cols = np.arange(16.0).reshape(1, 4, 4)  # row ki * 2 + kj, column i * 2 + j
    got = nn.col2im(cols, (1, 1, 4, 4), 2, 2, 0)
    # pixel (2 i + ki, 2 j + kj) receives cols[0, ki * 2 + kj, i * 2 + j] = 4 (2 ki + kj) + 2 i + j
    assert_close(
        got,
        [[[[0.0, 4.0, 1.0, 5.0], [8.0, 12.0, 9.0, 13.0], [2.0, 6.0, 3.0, 7.0], [10.0, 14.0, 11.0, 15.0]]]],
        what="col2im(arange(16).reshape(1, 4, 4), x_shape=(1, 1, 4, 4), K=2, stride=2)",
        mistakes=[("the roles of rows and columns were swapped: rows are kernel offsets (ki, kj), "
                   "columns are output positions (i, j)",
                   [[[[0.0, 1.0, 4.0, 5.0], [2.0, 3.0, 6.0, 7.0], [8.0, 9.0, 12.0, 13.0], [10.0, 11.0, 14.0, 15.0]]]])],
    )


@check("8.3", "entries on the padding are dropped: the result has the shape of x")
def _(nn):
    got = nn.col2im(np.ones((1, 9, 4)), (1, 1, 2, 2), 3, 1, 1)
    # pad 1 around a 2 x 2 image: four 3 x 3 windows, each covering all four real pixels
    assert_that(np.shape(got) != (1, 1, 4, 4),
                "col2im returned shape (1, 1, 4, 4), the padded image: cut the padding off at the end, "
                "xp[:, :, pad:pad + H, pad:pad + W]")
    assert_close(got, [[[[4.0, 4.0], [4.0, 4.0]]]], what="col2im(ones((1, 9, 4)), x_shape=(1, 1, 2, 2), K=3, pad=1)")


@check("8.3", "float32 stays float32, cols is not modified")
def _(nn):
    cols = np.arange(1, 9, dtype=np.float32).reshape(2, 1, 4)  # N = 2, C = 1, K = 1, four pixels each
    saved = cols.copy()
    got = nn.col2im(cols, (2, 1, 2, 2), 1, 1, 0)
    assert_unchanged(saved, cols, what="cols")
    _dtype_kept(got, "col2im(cols)")
    assert_close(got, [[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]],
                 what="col2im with K = 1 (each entry is one pixel) for two images")


@quick("col2im")
def _(nn):
    got = nn.col2im(np.ones((1, 4, 4)), (1, 1, 3, 3), 2, 1, 0)
    assert_close(got, [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]],
                 what="col2im(ones((1, 4, 4)), (1, 1, 3, 3), K=2)")


# --------------------------------------------------------------------------
# 8.5 conv2d_backward
# --------------------------------------------------------------------------


def _hand_cache():
    """The cache conv2d_forward makes for the chapter's example (stride 1, pad 0)."""
    cols = np.array([[[1.0, 2.0, 4.0, 5.0], [2.0, 3.0, 5.0, 6.0], [4.0, 5.0, 7.0, 8.0], [5.0, 6.0, 8.0, 9.0]]])
    return (_image(), _filter(), 1, 0, cols)


def check_db(db, dout, what, hidden=False):
    """Name the usual wrong axes of db's sum from the shape it came back in."""
    n, f, h, w = dout.shape
    shape = np.shape(db)
    if shape == (f,):
        if n != f or not np.allclose(np.asarray(db, dtype=float), dout.sum(axis=(1, 2, 3))):
            return
    wrong = {(n,): "summed per image (axes 1, 2, 3)", (f, h, w): "summed over the batch only (axis 0)",
             (n, f): "summed over the positions only (axes 2, 3)", (): "summed over everything, filters included",
             (h, w): "summed over images and filters (axes 0, 1)", (f,): "summed per image (axes 1, 2, 3)"}
    if shape in wrong:
        raise CheckFailure(f"{what} has the wrong " + ("values" if shape == (f,) else "shape") + ": db was "
                           f"summed over the wrong axes, {wrong[shape]}. The bias of filter f is added at every position of every image: "
                           "sum dout over axes (0, 2, 3) and keep the filter axis, shape (F,)")


def _three(got, name="conv2d_backward"):
    assert_that(
        isinstance(got, tuple | list) and len(got) == 3,
        f"{name} should return three gradients (dx, dW, db), got {type(got).__name__}"
        + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""),
    )
    return got


@check("8.5", "the chapter's example by hand, with dout = ones")
def _(nn):
    dx, dW, db = _three(nn.conv2d_backward(np.ones((1, 1, 2, 2)), _hand_cache()))
    # db: the bias is added at all 4 positions. dW[ki, kj]: the sum of the pixels that met W[ki, kj],
    # the 2 x 2 block of x starting at (ki, kj). dx: each pixel gets W[ki, kj] from every window it is in.
    assert_close(db, [4.0], what="db", mistakes=[("db was averaged instead of summed", [1.0])])
    assert_close(
        dW,
        [[[[12.0, 16.0], [24.0, 28.0]]]],
        what="dW",
        mistakes=[("dW is flipped: dW[ki, kj] sums x[i + ki, j + kj] * dout[i, j]", [[[[28.0, 24.0], [16.0, 12.0]]]]),
                  ("dW was averaged over the positions instead of summed", [[[[3.0, 4.0], [6.0, 7.0]]]])],
    )
    assert_close(
        dx,
        [[[[1.0, 3.0, 2.0], [1.0, 3.0, 2.0], [0.0, 0.0, 0.0]]]],
        what="dx",
        mistakes=[
            ("dx used the flipped filter: going back through a cross-correlation, each pixel collects "
             "W[ki, kj] from the window where it sat at (ki, kj)", [[[[0.0, 0.0, 0.0], [2.0, 3.0, 1.0], [2.0, 3.0, 1.0]]]]),
            ("the patches overwrote each other in dx instead of adding up (check col2im)",
             [[[[1.0, 2.0, 2.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]]),
        ],
    )


@check("8.5", "db sums over images and positions, one number per filter; dW and dx for 1 x 1 filters")
def _(nn):
    # K = 1: cols is x itself, reshaped to (N, C, H*W); out[n, f] = sum over c of W[f, c] x[n, c]
    x = np.array([[[[1.0, 2.0]], [[3.0, 4.0]]], [[[5.0, 6.0]], [[7.0, 8.0]]]])  # (N=2, C=2, 1, 2)
    W = np.array([[1.0, 0.0], [2.0, -1.0], [0.0, 3.0]])[:, :, None, None]  # (F=3, C=2, 1, 1)
    dout = np.array([[[[1.0, 0.0]], [[0.0, 1.0]], [[1.0, 1.0]]], [[[2.0, 0.0]], [[0.0, 0.0]], [[0.0, 1.0]]]])
    dx, dW, db = _three(nn.conv2d_backward(dout, (x, W, 1, 0, x.reshape(2, 2, 2))))
    check_db(db, dout, "db for dout of shape (N=2, F=3, 1, 2)")
    assert_close(db, [3.0, 1.0, 3.0], what="db for dout of shape (N=2, F=3, 1, 2)",
                 mistakes=[("db was averaged over the batch instead of summed", [1.5, 0.5, 1.5]),
                           ("db was averaged instead of summed", [0.75, 0.25, 0.75])])
    # dW[f, c] = sum over n and positions of dout[n, f] * x[n, c]
    assert_close(dW, [[[[11.0]], [[17.0]]], [[[2.0]], [[4.0]]], [[[9.0]], [[15.0]]]], what="dW for 1 x 1 filters",
                 mistakes=[("dW was averaged over the batch instead of summed",
                            [[[[5.5]], [[8.5]]], [[[1.0]], [[2.0]]], [[[4.5]], [[7.5]]]])])
    # dx[n, c] = sum over f of W[f, c] * dout[n, f]
    assert_close(dx, [[[[1.0, 2.0]], [[3.0, 2.0]]], [[[2.0, 0.0]], [[0.0, 3.0]]]], what="dx for 1 x 1 filters")


@check("8.5", "stride 2 with 2 x 2 windows side by side: dx is dout[i, j] * W on each block")
def _(nn):
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    cols = np.array([[[0.0, 2.0, 8.0, 10.0], [1.0, 3.0, 9.0, 11.0], [4.0, 6.0, 12.0, 14.0], [5.0, 7.0, 13.0, 15.0]]])
    W = np.array([[1.0, -1.0], [2.0, 0.5]])[None, None]
    dout = np.array([[1.0, 2.0], [0.0, -1.0]])[None, None]
    dx, dW, db = _three(nn.conv2d_backward(dout, (x, W, 2, 0, cols)))
    # the windows do not overlap, so block (i, j) of dx is dout[i, j] * W: np.kron(dout, W)
    assert_close(dx, np.kron(dout[0, 0], W[0, 0])[None, None], what="dx with stride 2, K = 2")
    # dW[ki, kj] = sum over (i, j) of dout[i, j] * x[2 i + ki, 2 j + kj] = cols row (ki, kj) @ dout.ravel()
    assert_close(dW, (cols[0] @ dout.ravel()).reshape(1, 1, 2, 2), what="dW with stride 2, K = 2")
    assert_close(db, [2.0], what="db with stride 2")


@check("8.5", "float32 stays float32; dout and the cache are not modified")
def _(nn):
    x, W, stride, pad, cols = _hand_cache()
    x, W, cols = x.astype(np.float32), W.astype(np.float32), cols.astype(np.float32)
    dout = np.array([[[[1.0, -1.0], [2.0, 0.5]]]], dtype=np.float32)
    saved = dout.copy(), x.copy(), W.copy(), cols.copy()
    grads = _three(nn.conv2d_backward(dout, (x, W, stride, pad, cols)))
    for label, old, new in zip(("dout", "x", "W", "cols"), saved, (dout, x, W, cols), strict=True):
        assert_unchanged(old, new, what=label)
    for label, grad in zip(("dx", "dW", "db"), grads, strict=True):
        _dtype_kept(grad, label)


@quick("conv2d_backward")
def _(nn):
    dx, dW, db = nn.conv2d_backward(np.ones((1, 1, 2, 2)), _hand_cache())
    assert_close(db, [4.0], what="conv2d_backward's db on the chapter's example")
    assert_close(dW, [[[[12.0, 16.0], [24.0, 28.0]]]], what="conv2d_backward's dW on the chapter's example")
    assert_close(dx, [[[[1.0, 3.0, 2.0], [1.0, 3.0, 2.0], [0.0, 0.0, 0.0]]]],
                 what="conv2d_backward's dx on the chapter's example")


# --------------------------------------------------------------------------
# 8.6 maxpool2d_forward
# --------------------------------------------------------------------------


def _pool_image():
    """A 4 x 4 image whose 2 x 2 blocks have their maxima in different corners."""
    return np.array([[1.0, 3.0, 0.0, -1.0], [2.0, 0.0, -2.0, -3.0], [5.0, 1.0, 0.0, 2.0], [1.0, 1.0, 7.0, 1.0]])[None, None]


@check("8.6", "2 x 2 windows, stride 2, by hand; the cache is (x, size, stride)")
def _(nn):
    x = _pool_image()
    got = nn.maxpool2d_forward(x, 2, 2)
    _pair(got, "maxpool2d_forward")
    out, cache = got
    assert_close(
        out,
        [[[[3.0, 0.0], [5.0, 7.0]]]],
        what="maxpool2d_forward(x, size=2, stride=2)",
        mistakes=[("this is the mean of each window (average pooling): take the maximum", [[[[1.5, -1.5], [2.0, 2.5]]]]),
                  ("the windows were the rows' maxima only", [[[[3.0, 0.0], [5.0, 2.0]]]])],
    )
    assert_that(isinstance(cache, tuple) and len(cache) == 3 and np.array_equal(cache[0], x)
                and cache[1] == 2 and cache[2] == 2,
                "the cache should be the plain tuple (x, size, stride)")


@check("8.6", "overlapping windows (size 2, stride 1) and uncovered rows (size 2 on 5 x 5)")
def _(nn):
    x = np.array([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0], [0.0, 6.0, 1.0]])[None, None]
    out, _ = nn.maxpool2d_forward(x, 2, 1)
    # windows at (0, 0), (0, 1), (1, 0), (1, 1): maxima 5, 5, 6, 6
    assert_close(out, [[[[5.0, 5.0], [6.0, 6.0]]]], what="maxpool2d_forward(3 x 3 image, size=2, stride=1)")
    out, _ = nn.maxpool2d_forward(np.arange(25.0).reshape(1, 1, 5, 5), 2, 2)
    # (5 - 2) // 2 + 1 = 2 windows per side; the last row and column belong to no window
    assert_close(out, [[[[6.0, 8.0], [16.0, 18.0]]]], what="maxpool2d_forward(arange(25).reshape(5, 5), size=2)")


@check("8.6", "channels and images are pooled separately; float32 kept, x unchanged")
def _(nn):
    x = np.zeros((2, 3, 2, 2), dtype=np.float32)
    x[:, :, 1, 0] = np.arange(6, dtype=np.float32).reshape(2, 3) + 1  # one bright pixel per channel
    saved = x.copy()
    out, _ = nn.maxpool2d_forward(x, 2, 2)
    assert_unchanged(saved, x, what="x")
    _dtype_kept(out, "out of maxpool2d_forward")
    assert_close(out, [[[[1.0]], [[2.0]], [[3.0]]], [[[4.0]], [[5.0]], [[6.0]]]],
                 what="maxpool2d_forward of x with shape (2, 3, 2, 2)",
                 mistakes=[("the maximum was taken over the channels too: pool each channel on its own",
                            np.full((2, 3, 1, 1), 6.0))])


@quick("maxpool2d_forward")
def _(nn):
    out, _ = nn.maxpool2d_forward(_pool_image(), 2, 2)
    assert_close(out, [[[[3.0, 0.0], [5.0, 7.0]]]], what="maxpool2d_forward on a 4 x 4 example")


# --------------------------------------------------------------------------
# 8.7 maxpool2d_backward
# --------------------------------------------------------------------------


@check("8.7", "each window's gradient goes to its maximum, the rest get 0")
def _(nn):
    x = _pool_image()
    dout = np.array([[10.0, 20.0], [30.0, 40.0]])[None, None]
    got = nn.maxpool2d_backward(dout, (x, 2, 2))
    # the maxima sit at (0, 1), (0, 2), (2, 0), (3, 2)
    expected = [[[[0.0, 10.0, 20.0, 0.0], [0.0, 0.0, 0.0, 0.0], [30.0, 0.0, 0.0, 0.0], [0.0, 0.0, 40.0, 0.0]]]]
    assert_close(
        got,
        expected,
        what="maxpool2d_backward(dout=[[10, 20], [30, 40]], cache=(x, 2, 2))",
        mistakes=[
            ("the gradient was sent to every entry of the window: only the maximum influenced the output",
             np.kron(dout[0, 0], np.ones((2, 2)))[None, None]),
            ("the gradient was shared out equally over the window (average pooling's backward)",
             np.kron(dout[0, 0], np.full((2, 2), 0.25))[None, None]),
        ],
    )


@check("8.7", "ties: the first maximum in reading order gets all of the gradient")
def _(nn):
    x = np.array([[2.0, 2.0], [2.0, 1.0]])[None, None]  # three equal maxima in one window
    got = nn.maxpool2d_backward(np.array([[[[6.0]]]]), (x, 2, 2))
    assert_close(
        got,
        [[[[6.0, 0.0], [0.0, 0.0]]]],
        what="maxpool2d_backward for the window [[2, 2], [2, 1]] and dout = 6",
        mistakes=[
            ("every tied maximum got the whole gradient: that counts it three times. Give it to the "
             "first maximum in reading order only (np.argmax of the flattened window)",
             [[[[6.0, 6.0], [6.0, 0.0]]]]),
            ("the gradient was split over the tied maxima: give all of it to the first one (np.argmax)",
             [[[[2.0, 2.0], [2.0, 0.0]]]]),
            ("the last maximum got the gradient: on a tie it goes to the first in reading order",
             [[[[0.0, 0.0], [6.0, 0.0]]]]),
            ("the gradient was sent to every entry of the window", [[[[6.0, 6.0], [6.0, 6.0]]]]),
        ],
    )


@check("8.7", "overlapping windows add up their gradients")
def _(nn):
    x = np.array([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0], [0.0, 6.0, 1.0]])[None, None]
    dout = np.array([[1.0, 2.0], [3.0, 4.0]])[None, None]
    got = nn.maxpool2d_backward(dout, (x, 2, 1))
    # the 5 is the maximum of windows (0, 0) and (0, 1): 1 + 2; the 6 of windows (1, 0) and (1, 1): 3 + 4
    assert_close(got, [[[[0.0, 3.0, 0.0], [0.0, 0.0, 0.0], [0.0, 7.0, 0.0]]]],
                 what="maxpool2d_backward with size 2, stride 1",
                 mistakes=[("a later window overwrote an earlier one's gradient: add them (+=)",
                            [[[[0.0, 2.0, 0.0], [0.0, 0.0, 0.0], [0.0, 4.0, 0.0]]]]),
                           ("a later window overwrote an earlier one's gradient: add them (+=)",
                            [[[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0]]]])])


@check("8.7", "float32 stays float32; dout and x are not modified; shape of x, uncovered rows get 0")
def _(nn):
    x = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
    dout = np.ones((1, 1, 2, 2), dtype=np.float32)
    saved = x.copy(), dout.copy()
    got = nn.maxpool2d_backward(dout, (x, 2, 2))
    assert_unchanged(saved[0], x, what="x")
    assert_unchanged(saved[1], dout, what="dout")
    _dtype_kept(got, "maxpool2d_backward(dout, cache)")
    expected = np.zeros((1, 1, 5, 5))
    expected[0, 0, [1, 1, 3, 3], [1, 3, 1, 3]] = 1.0  # the maxima 6, 8, 16, 18
    assert_close(got, expected, what="maxpool2d_backward on a 5 x 5 image, size 2")


@quick("maxpool2d_backward")
def _(nn):
    got = nn.maxpool2d_backward(np.array([[[[6.0]]]]), (np.array([[[[1.0, 3.0], [2.0, 0.0]]]]), 2, 2))
    assert_close(got, [[[[0.0, 6.0], [0.0, 0.0]]]], what="maxpool2d_backward on a 2 x 2 window")
