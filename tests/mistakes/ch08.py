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
    ("8.4", "the (F, N, P) product reshaped instead of transposed to (N, F, ...)", "moving the batch axis", '''
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
    # A second, independent hunt: mistakes found by writing each function wrongly again
    ("8.1", "np.pad(x, pad): the batch and channel axes padded too", "np.pad(x, pad) pads every axis", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, pad)
    out = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out
'''),
    ("8.1", "the stride ignored along the width (j instead of j * stride)", "the stride was used along one axis only", '''
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
                    patch = xp[n, :, i * stride:i * stride + K, j:j + K]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out
'''),
    ("8.1", "W_out computed from H (square images assumed)", "computed from the image's height", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (H + 2 * pad - K) // stride + 1
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
    ("8.1", "only the first image of the batch computed", "only the first image of the batch", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(1):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out
'''),
    ("8.2", "the stride ignored along the width (::stride on the rows only)", "the stride was used along one axis only", '''
def im2col(x, K, stride=1, pad=0):
    N, C, H, Wd = x.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (K, K), axis=(2, 3))[:, :, ::stride, :]
    Ho, Wo = win.shape[2:4]
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * K * K, Ho * Wo).copy()
'''),
    ("8.3", "the padding cut with xp[:, :, pad:-pad] (empty when pad = 0)", "is empty when pad = 0", '''
def col2im(cols, x_shape, K, stride=1, pad=0):
    N, C, H, Wd = x_shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    patches = cols.reshape(N, C, K, K, Ho, Wo)
    xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad), dtype=cols.dtype)
    for ki in range(K):
        for kj in range(K):
            xp[:, :, ki:ki + stride * Ho:stride, kj:kj + stride * Wo:stride] += patches[:, :, ki, kj]
    return xp[:, :, pad:-pad, pad:-pad]
'''),
    ("8.3", "the first image's columns given to every image", "first image's columns", '''
def col2im(cols, x_shape, K, stride=1, pad=0):
    N, C, H, Wd = x_shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    patches = cols[0].reshape(C, K, K, Ho, Wo)[None]
    xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad), dtype=cols.dtype)
    for ki in range(K):
        for kj in range(K):
            xp[:, :, ki:ki + stride * Ho:stride, kj:kj + stride * Wo:stride] += patches[:, :, ki, kj]
    return xp[:, :, pad:pad + H, pad:pad + Wd]
'''),
    ("8.2", "a view of x returned when K = 1, stride 1 and no padding (no copy)", "shares its memory with x", '''
def im2col(x, K, stride=1, pad=0):
    N, C, H, Wd = x.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    windows = sliding_window_view(xp, (K, K), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * K * K, Ho * Wo)
'''),
    ("8.4", "W reshaped in place (W.shape = (F, -1)) before the product", "W was modified in place", '''
def conv2d_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)
    W.shape = (F, C * K * K)
    out = W @ cols + b[:, None]
    return out.reshape(N, F, Ho, Wo), (x, W, stride, pad, cols)
'''),
    ("8.4", "the bias broadcast on the last axis (right only when W_out == F)", "added along the last axis", '''
def conv2d_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)
    out = (W.reshape(F, -1) @ cols).reshape(N, F, Ho, Wo) + b
    return out, (x, W, stride, pad, cols)
'''),
    ("8.4", "the (N, P, F) product reshaped to (N, F, H_out, W_out) without a transpose", "without moving the filter axis", '''
def conv2d_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    cols = im2col(x, K, stride, pad)
    out = (cols.transpose(0, 2, 1) @ W.reshape(F, -1).T + b).reshape(N, F, Ho, Wo)
    return out, (x, W, stride, pad, cols)
'''),
    ("8.5", "dW from the first image only", "first image only", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    d = dout.reshape(N, F, -1)
    dW = (d[0] @ cols[0].T).reshape(W.shape)
    db = dout.sum(axis=(0, 2, 3))
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, K, stride, pad)
    return dx, dW, db
'''),
    ("8.5", "dW of shape (C*K*K, F) reshaped to W's shape without a transpose", "without transposing it back", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    d = dout.reshape(N, F, -1)
    dW = (cols @ d.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    db = dout.sum(axis=(0, 2, 3))
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, K, stride, pad)
    return dx, dW, db
'''),
    ("8.5", "db summed with keepdims=True, shape (1, F, 1, 1)", "keepdims=True", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    d = dout.reshape(N, F, -1)
    dW = (d @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    db = dout.sum(axis=(0, 2, 3), keepdims=True)
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, K, stride, pad)
    return dx, dW, db
'''),
    ("8.5", "col2im called without the layer's pad", "give col2im the layer's stride and pad", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    d = dout.reshape(N, F, -1)
    dW = (d @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    db = dout.sum(axis=(0, 2, 3))
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, K, stride)
    return dx, dW, db
'''),
    ("8.5", "dx cut with dxp[:, :, pad:-pad] (empty when pad = 0)", "is empty when pad = 0", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    d = dout.reshape(N, F, -1)
    dW = (d @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    db = dout.sum(axis=(0, 2, 3))
    dx = _dx(W, d, x, K, stride, pad)
    return dx, dW, db

def _dx(W, d, x, K, stride, pad):
    N, C, H, Wd = x.shape
    xp_shape = (N, C, H + 2 * pad, Wd + 2 * pad)
    dxp = col2im(W.reshape(W.shape[0], -1).T @ d, xp_shape, K, stride, 0)
    return dxp[:, :, pad:-pad, pad:-pad]
'''),
    ("8.6", "the reshape trick (only right when stride == size divides H and W)", "do not tile the image", '''
def maxpool2d_forward(x, size=2, stride=2):
    N, C, H, Wd = x.shape
    out = x.reshape(N, C, H // size, size, Wd // size, size).max(axis=(3, 5))
    return out, (x, size, stride)
'''),
    ("8.6", "windows stepped by size instead of stride", "moved size pixels at a time", '''
def maxpool2d_forward(x, size=2, stride=2):
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::size, ::size]
    return win.max(axis=(4, 5)), (x, size, stride)
'''),
    ("8.6", "H_out rounded up (windows past the edge kept)", "rounded up", '''
def maxpool2d_forward(x, size=2, stride=2):
    N, C, H, Wd = x.shape
    Ho, Wo = -(-(H - size) // stride) + 1, -(-(Wd - size) // stride) + 1
    out = np.zeros((N, C, Ho, Wo), dtype=x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(2, 3))
    return out, (x, size, stride)
'''),
    ("8.7", "row and column inside the window swapped (dj, di = divmod(k, size))", "inside the window were swapped", '''
def maxpool2d_backward(dout, cache):
    x, size, stride = cache
    N, C, Ho, Wo = dout.shape
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    winner = win.reshape(N, C, Ho, Wo, size * size).argmax(axis=-1)
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for k in range(size * size):
        di, dj = divmod(k, size)[::-1]
        dx[:, :, di:di + stride * Ho:stride, dj:dj + stride * Wo:stride] += dout * (winner == k)
    return dx
'''),
    ("8.7", "dx slices stepped by size instead of stride", "stride differs from the window size", '''
def maxpool2d_backward(dout, cache):
    x, size, stride = cache
    N, C, Ho, Wo = dout.shape
    win = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    winner = win.reshape(N, C, Ho, Wo, size * size).argmax(axis=-1)
    dx = np.zeros(x.shape, dtype=dout.dtype)
    for k in range(size * size):
        di, dj = divmod(k, size)
        dx[:, :, di:di + size * Ho:size, dj:dj + size * Wo:size] += dout * (winner == k)
    return dx
'''),

    ("8.1", "out created with np.zeros without dtype= (float64 for float32 inputs)", "should be float32", '''
def conv2d_forward_naive(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    Ho, Wo = (H + 2 * pad - K) // stride + 1, (Wd + 2 * pad - K) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, Ho, Wo), dtype=float)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + K, j * stride:j * stride + K]
                    out[n, f, i, j] = np.sum(patch * W[f]) + b[f]
    return out
'''),
    ("8.5", "dW accumulated in np.zeros without dtype= (float64)", "should be float32", '''
def conv2d_backward(dout, cache):
    x, W, stride, pad, cols = cache
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    d = dout.reshape(N, F, -1)
    dW = _dw_loop(d, cols, W)
    db = dout.sum(axis=(0, 2, 3))
    dx = col2im(W.reshape(F, -1).T @ d, x.shape, K, stride, pad)
    return dx, dW, db

def _dw_loop(d, cols, W):
    dW = np.zeros((W.shape[0], cols.shape[1]))
    for n in range(d.shape[0]):
        dW += d[n] @ cols[n].T
    return dW.reshape(W.shape)
'''),

]
