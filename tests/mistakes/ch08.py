"""Realistic wrong implementations of chapter 8 (nnlib/conv.py), for tests/test_mistakes.py."""

MISTAKES = [
    # 8.1 conv2d_forward_naive
    ("8.1", "a true convolution: the kernel flipped", "flipped", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K]
                    out[n, f, i, j] = np.sum(patch * W[f, :, ::-1, ::-1]) + b[f]
    return out
'''),
    ("8.1", "padding applied twice (np.pad with 2 * pad and 4 * pad in the size)", "padding was added twice", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 4 * pad - K) // stride + 1, (Wd + 4 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (2 * pad, 2 * pad), (2 * pad, 2 * pad)))
    out = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out
'''),
    ("8.1", "output size without the + 1", "+ 1 is missing", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride, (Wd + 2 * pad - K) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out
'''),
    ("8.1", "the bias left out", "bias was left out", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, f, i, j] = np.sum(xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K] * W[f])
    return out
'''),
    # 8.2 im2col
    ("8.2", "kernel offsets in the order (kj, ki)", "(kj, ki)", '''
def im2col(x, K, stride=1, pad=0):
    N, C, H, Wd = x.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (K, K), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.transpose(0, 1, 5, 4, 2, 3).reshape(N, C * K * K, Ho * Wo).copy()
'''),
    ("8.2", "one patch per row (N, H_out*W_out, C*K*K)", "one patch per column", '''
def im2col(x, K, stride=1, pad=0):
    N, C, H, Wd = x.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (K, K), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(N, Ho * Wo, C * K * K).copy()
'''),
    ("8.2", "channels interleaved, rows ordered (ki, kj, c)", "interleaved", '''
def im2col(x, K, stride=1, pad=0):
    N, C, H, Wd = x.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (K, K), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.transpose(0, 4, 5, 1, 2, 3).reshape(N, C * K * K, Ho * Wo).copy()
'''),
    ("8.2", "the padding ignored", "padding was ignored", '''
def im2col(x, K, stride=1, pad=0):
    N, C, H, Wd = x.shape
    win = sliding_window_view(x, (K, K), axis=(2, 3))[:, :, ::stride, ::stride]
    Ho, Wo = win.shape[2:4]
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * K * K, Ho * Wo).copy()
'''),
    # 8.3 col2im
    ("8.3", "entries assigned (=) instead of added", "assigned (=) instead of added", '''
def col2im(cols, x_shape, K, stride=1, pad=0):
    N, C, H, Wd = x_shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    patches = cols.reshape(N, C, K, K, Ho, Wo)
    xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad), dtype=cols.dtype)
    for ki in range(K):
        for kj in range(K):
            xp[:, :, ki:ki + stride * Ho:stride, kj:kj + stride * Wo:stride] = patches[:, :, ki, kj]
    return xp[:, :, pad:pad + H, pad:pad + Wd].copy()
'''),
    ("8.3", "the padding not cut off", "cut the padding off", '''
def col2im(cols, x_shape, K, stride=1, pad=0):
    N, C, H, Wd = x_shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    patches = cols.reshape(N, C, K, K, Ho, Wo)
    xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad), dtype=cols.dtype)
    for ki in range(K):
        for kj in range(K):
            xp[:, :, ki:ki + stride * Ho:stride, kj:kj + stride * Wo:stride] += patches[:, :, ki, kj]
    return xp
'''),
    ("8.3", "sums divided by the number of copies (an average)", "divided by their number of copies", '''
def col2im(cols, x_shape, K, stride=1, pad=0):
    N, C, H, Wd = x_shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    patches = cols.reshape(N, C, K, K, Ho, Wo)
    xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad), dtype=cols.dtype)
    counts = np.zeros_like(xp)
    for ki in range(K):
        for kj in range(K):
            xp[:, :, ki:ki + stride * Ho:stride, kj:kj + stride * Wo:stride] += patches[:, :, ki, kj]
            counts[:, :, ki:ki + stride * Ho:stride, kj:kj + stride * Wo:stride] += 1
    return (xp / np.maximum(counts, 1))[:, :, pad:pad + H, pad:pad + Wd]
'''),
    # 8.4 conv2d_forward
    ("8.4", "a true convolution: the kernel flipped", "flipped", '''
def conv2d_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)
    out = W[:, :, ::-1, ::-1].reshape(F, -1) @ cols + b[:, None]
    return out.reshape(N, F, Ho, Wo), (x, W, stride, pad, cols)
'''),
    ("8.4", "the bias left out", "bias was left out", '''
def conv2d_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)
    return (W.reshape(F, -1) @ cols).reshape(N, F, Ho, Wo), (x, W, stride, pad, cols)
'''),
    ("8.4", "the cache without cols", "(x, W, stride, pad, cols)", '''
def conv2d_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)
    out = W.reshape(F, -1) @ cols + b[:, None]
    return out.reshape(N, F, Ho, Wo), (x, W, stride, pad)
'''),
    ("8.4", "the (F, N, P) product reshaped instead of transposed to (N, F, ...)", None, '''
def conv2d_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)
    out = np.einsum("fk,nkp->fnp", W.reshape(F, -1), cols) + b[:, None, None]
    return out.reshape(N, F, Ho, Wo), (x, W, stride, pad, cols)
'''),
    # 8.5 conv2d_backward
    ("8.5", "db summed over the wrong axes (per image)", "wrong axes", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, F = dout.shape[:2]
    d = dout.reshape(N, F, -1)
    dW = (d @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, W.shape[2], stride, pad)
    return dx, dW, dout.sum(axis=(1, 2, 3))
'''),
    ("8.5", "db summed over the batch only", "wrong axes", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, F = dout.shape[:2]
    d = dout.reshape(N, F, -1)
    dW = (d @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, W.shape[2], stride, pad)
    return dx, dW, dout.sum(axis=0)
'''),
    ("8.5", "dx through the flipped kernel", "flipped filter", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, F = dout.shape[:2]
    d = dout.reshape(N, F, -1)
    dW = (d @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    dx = col2im(W[:, :, ::-1, ::-1].reshape(F, -1).T @ d, x.shape, W.shape[2], stride, pad)
    return dx, dW, dout.sum(axis=(0, 2, 3))
'''),
    ("8.5", "dW and db averaged over the batch", "averaged", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, F = dout.shape[:2]
    d = dout.reshape(N, F, -1)
    dW = (d @ cols.transpose(0, 2, 1)).mean(axis=0).reshape(W.shape)
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, W.shape[2], stride, pad)
    return dx, dW, dout.sum(axis=(0, 2, 3)) / N
'''),
    # 8.6 maxpool2d_forward
    ("8.6", "average pooling instead of max", "mean of each window", '''
def maxpool2d_forward(x, size=2, stride=2):
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return win.mean(axis=(4, 5)), (x, size, stride)
'''),
    ("8.6", "the maximum started from 0", "started from 0", '''
def maxpool2d_forward(x, size=2, stride=2):
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.maximum(win.max(axis=(4, 5)), 0), (x, size, stride)
'''),
    ("8.6", "pooled over the channels too", "over the channels", '''
def maxpool2d_forward(x, size=2, stride=2):
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    out = win.max(axis=(4, 5))
    return np.broadcast_to(out.max(axis=(0, 1), keepdims=True), out.shape).copy(), (x, size, stride)
'''),
    # 8.7 maxpool2d_backward
    ("8.7", "the gradient sent to every entry of the window", "every entry", '''
def maxpool2d_backward(dout, cache):
    x, size, stride = cache
    N, C, Ho, Wo = dout.shape
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for k in range(size * size):
        di, dj = divmod(k, size)
        dx[:, :, di:di + stride * Ho:stride, dj:dj + stride * Wo:stride] += dout
    return dx
'''),
    ("8.7", "every tied maximum gets the gradient (mask x == max)", "tied maximum", '''
def maxpool2d_backward(dout, cache):
    x, size, stride = cache
    N, C, Ho, Wo = dout.shape
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    top = win.max(axis=(4, 5))
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for k in range(size * size):
        di, dj = divmod(k, size)
        dx[:, :, di:di + stride * Ho:stride, dj:dj + stride * Wo:stride] += dout * (win[..., di, dj] == top)
    return dx
'''),
    ("8.7", "the last maximum wins a tie", "last maximum", '''
def maxpool2d_backward(dout, cache):
    x, size, stride = cache
    N, C, Ho, Wo = dout.shape
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    flat = win.reshape(N, C, Ho, Wo, size * size)[..., ::-1]
    winner = size * size - 1 - flat.argmax(axis=-1)
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for k in range(size * size):
        di, dj = divmod(k, size)
        dx[:, :, di:di + stride * Ho:stride, dj:dj + stride * Wo:stride] += dout * (winner == k)
    return dx
'''),
    ("8.7", "overlapping windows overwrite each other (=)", "overwrote", '''
def maxpool2d_backward(dout, cache):
    x, size, stride = cache
    N, C, Ho, Wo = dout.shape
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    winner = win.reshape(N, C, Ho, Wo, size * size).argmax(axis=-1)
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for k in range(size * size):
        di, dj = divmod(k, size)
        view = dx[:, :, di:di + stride * Ho:stride, dj:dj + stride * Wo:stride]
        view[winner == k] = dout[winner == k]
    return dx
'''),
]
