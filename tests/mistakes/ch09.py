"""Realistic wrong implementations of chapter 9 (nnlib/rnn.py), for tests/test_mistakes.py."""

MISTAKES = [
    # 9.1 rnn_step_forward
    ("9.1", "tanh forgotten", "tanh is missing", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    h_next = x @ Wx + h_prev @ Wh + b
    return h_next, (x, h_prev, Wx, Wh, h_next)
'''),
    ("9.1", "Wh transposed", "Wh was transposed", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    h_next = np.tanh(x @ Wx + h_prev @ Wh.T + b)
    return h_next, (x, h_prev, Wx, Wh, h_next)
'''),
    ("9.1", "the previous state ignored", "h_prev @ Wh is missing", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    h_next = np.tanh(x @ Wx + b)
    return h_next, (x, h_prev, Wx, Wh, h_next)
'''),
    ("9.1", "float64 result from chapter 2's tanh not converted back", "float32", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    h_next = tanh(x @ Wx + h_prev @ Wh + b)
    return h_next, (x, h_prev, Wx, Wh, h_next)
'''),
    # 9.2 rnn_step_backward
    ("9.2", "tanh's slope forgotten", "tanh's slope", '''
def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    dz = dh_next
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
'''),
    ("9.2", "slope computed from tanh(h_next) (tanh applied twice)", "tanh was applied", '''
def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    dz = dh_next * (1 - np.tanh(h_next) ** 2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
'''),
    ("9.2", "dWh from h_next instead of h_prev", "dWh used h_next", '''
def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    dz = dh_next * (1 - h_next**2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_next.T @ dz, dz.sum(axis=0)
'''),
    # 9.3 rnn_forward
    ("9.3", "every step starts from h0", "started from h0", '''
def rnn_forward(x, h0, Wx, Wh, b):
    h = np.stack([rnn_step_forward(x[:, t], h0, Wx, Wh, b)[0] for t in range(x.shape[1])], axis=1)
    return h, (x, h0, Wx, Wh, h)
'''),
    ("9.3", "states shifted: h0 stored, last state dropped", "shifted by one", '''
def rnn_forward(x, h0, Wx, Wh, b):
    states, h_t = [], h0
    for t in range(x.shape[1]):
        states.append(h_t)
        h_t, _ = rnn_step_forward(x[:, t], h_t, Wx, Wh, b)
    h = np.stack(states, axis=1)
    return h, (x, h0, Wx, Wh, h)
'''),
    ("9.3", "float64 buffer for the states", "float32", '''
def rnn_forward(x, h0, Wx, Wh, b):
    h = np.zeros((x.shape[0], x.shape[1], h0.shape[1]))
    h_t = h0
    for t in range(x.shape[1]):
        h_t, _ = rnn_step_forward(x[:, t], h_t, Wx, Wh, b)
        h[:, t] = h_t
    return h, (x, h0, Wx, Wh, h)
'''),
    # 9.4 rnn_backward
    ("9.4", "the carried gradient dropped", "carried back from step t + 1 was dropped", '''
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    dprev = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], dprev, a, c, d = rnn_step_backward(dh[:, t], (x[:, t], prev, Wx, Wh, h[:, t]))
        dWx += a
        dWh += c
        db += d
    return dx, dprev, dWx, dWh, db
'''),
    ("9.4", "the upstream dh treated as the carried gradient", "ADD", '''
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    carried = dh[:, -1]
    for t in reversed(range(x.shape[1])):
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], carried, a, c, d = rnn_step_backward(carried, (x[:, t], prev, Wx, Wh, h[:, t]))
        dWx += a
        dWh += c
        db += d
    return dx, carried, dWx, dWh, db
'''),
    ("9.4", "only the last step's weight gradients kept", "of one step only", '''
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    dx = np.zeros_like(x)
    carried = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], carried, dWx, dWh, db = rnn_step_backward(dh[:, t] + carried, (x[:, t], prev, Wx, Wh, h[:, t]))
    return dx, carried, dWx, dWh, db
'''),
    ("9.4", "dh0 returned as zeros", "dh0 is zero", '''
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    carried = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], carried, a, c, d = rnn_step_backward(dh[:, t] + carried, (x[:, t], prev, Wx, Wh, h[:, t]))
        dWx += a
        dWh += c
        db += d
    return dx, np.zeros_like(h0), dWx, dWh, db
'''),
    # 9.5 clip_gradients
    ("9.5", "each array clipped on its own", "clipped on its own", '''
def clip_gradients(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    out = []
    for g in grads:
        n = np.sqrt(np.sum(g**2))
        out.append(g * (max_norm / n) if n > max_norm else g.copy())
    return out, norm
'''),
    ("9.5", "the norm after clipping returned", "BEFORE clipping", '''
def clip_gradients(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    scale = min(1.0, max_norm / norm)
    return [g * scale for g in grads], norm * scale
'''),
    ("9.5", "always rescaled to max_norm", "scaled up to max_norm", '''
def clip_gradients(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [g * (max_norm / norm) for g in grads], norm
'''),
    ("9.5", "clipped in place", "modified in place", '''
def clip_gradients(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return list(grads), norm
'''),
    # 9.6 lstm_step_forward
    ("9.6", "gates read in the order (i, f, g, o)", "order", '''
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c, (x, h_prev, c_prev, Wx, Wh, np.concatenate([i, f, o, g], axis=1), c)
'''),
    ("9.6", "h = o * c (tanh of the cell forgotten)", "tanh first", '''
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    c = f * c_prev + i * g
    h = o * c
    return h, c, (x, h_prev, c_prev, Wx, Wh, np.concatenate([i, f, o, g], axis=1), c)
'''),
    ("9.6", "the candidate not scaled by the input gate", "input gate", '''
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    c = f * c_prev + g
    h = o * np.tanh(c)
    return h, c, (x, h_prev, c_prev, Wx, Wh, np.concatenate([i, f, o, g], axis=1), c)
'''),
    ("9.6", "pre-activations cached instead of the gates", "pre-activations", '''
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    c = (f * c_prev + i * g).astype(a.dtype)
    h = (o * np.tanh(c)).astype(a.dtype)
    return h, c, (x, h_prev, c_prev, Wx, Wh, a, c)
'''),
    # 9.7 lstm_step_backward
    ("9.7", "dc_next not added to the cell gradient", "dc_next", '''
def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, gates, c_next = cache
    H = h_prev.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    tc = np.tanh(c_next)
    dc = dh_next * o * (1 - tc**2)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh_next * tc * o * (1 - o),
                         dc * i * (1 - g**2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''),
    ("9.7", "the candidate's tanh slope forgotten", "1 - g ** 2", '''
def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, gates, c_next = cache
    H = h_prev.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o * (1 - tc**2)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh_next * tc * o * (1 - o),
                         dc * i], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''),
    ("9.7", "the sigmoid slopes of the gates forgotten", "sigmoid slopes", '''
def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, gates, c_next = cache
    H = h_prev.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o * (1 - tc**2)
    da = np.concatenate([dc * g, dc * c_prev, dh_next * tc, dc * i * (1 - g**2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''),
    ("9.7", "the slope of tanh(c_next) forgotten on the path from dh_next", "slope of tanh(c_next)", '''
def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, gates, c_next = cache
    H = h_prev.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh_next * tc * o * (1 - o),
                         dc * i * (1 - g**2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''),
    # 9.8 lstm_forward
    ("9.8", "the cell state reset at every step", "cell state was not carried", '''
def lstm_forward(x, h0, Wx, Wh, b):
    n, steps, _ = x.shape
    H = h0.shape[1]
    hs, gs, cs, h_t = [], [], [], h0
    for t in range(steps):
        h_t, c_t, cache = lstm_step_forward(x[:, t], h_t, np.zeros_like(h0), Wx, Wh, b)
        hs.append(h_t)
        gs.append(cache[5])
        cs.append(c_t)
    h = np.stack(hs, axis=1)
    return h, (x, h0, Wx, Wh, np.stack(gs, axis=1), np.stack(cs, axis=1), h)
'''),
    ("9.8", "the cell state started at h0", "started at h0", '''
def lstm_forward(x, h0, Wx, Wh, b):
    hs, gs, cs, h_t, c_t = [], [], [], h0, h0
    for t in range(x.shape[1]):
        h_t, c_t, cache = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        hs.append(h_t)
        gs.append(cache[5])
        cs.append(c_t)
    h = np.stack(hs, axis=1)
    return h, (x, h0, Wx, Wh, np.stack(gs, axis=1), np.stack(cs, axis=1), h)
'''),
    ("9.8", "gates left out of the cache (c stored twice)", "where the gates belong", '''
def lstm_forward(x, h0, Wx, Wh, b):
    hs, cs, h_t, c_t = [], [], h0, np.zeros_like(h0)
    for t in range(x.shape[1]):
        h_t, c_t, cache = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        hs.append(h_t)
        cs.append(c_t)
    h = np.stack(hs, axis=1)
    c = np.stack(cs, axis=1)
    return h, (x, h0, Wx, Wh, c, c, h)
'''),
    # 9.9 lstm_backward
    ("9.9", "the upstream dh treated as the carried gradient", "ADD", '''
def lstm_backward(dh, cache):
    x, h0, Wx, Wh, gates, c, h = cache
    n, steps, _ = x.shape
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wx.shape[1])
    dh_t, dc_t = dh[:, -1], np.zeros_like(h0)
    for t in reversed(range(steps)):
        prev_h = h[:, t - 1] if t else h0
        prev_c = c[:, t - 1] if t else np.zeros_like(h0)
        step = (x[:, t], prev_h, prev_c, Wx, Wh, gates[:, t], c[:, t])
        dx[:, t], dh_t, dc_t, a, b_, d = lstm_step_backward(dh_t, dc_t, step)
        dWx += a
        dWh += b_
        db += d
    return dx, dh_t, dWx, dWh, db
'''),
    ("9.9", "the carried hidden-state gradient dropped", "carried back from step t + 1 was dropped", '''
def lstm_backward(dh, cache):
    x, h0, Wx, Wh, gates, c, h = cache
    n, steps, _ = x.shape
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wx.shape[1])
    dc_t = np.zeros_like(h0)
    for t in reversed(range(steps)):
        prev_h = h[:, t - 1] if t else h0
        prev_c = c[:, t - 1] if t else np.zeros_like(h0)
        step = (x[:, t], prev_h, prev_c, Wx, Wh, gates[:, t], c[:, t])
        dx[:, t], dh_prev, dc_t, a, b_, d = lstm_step_backward(dh[:, t], dc_t, step)
        dWx += a
        dWh += b_
        db += d
    return dx, dh_prev, dWx, dWh, db
'''),
    ("9.9", "the cell gradient not carried between steps", "cell gradient was not carried", '''
def lstm_backward(dh, cache):
    x, h0, Wx, Wh, gates, c, h = cache
    n, steps, _ = x.shape
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wx.shape[1])
    dh_t = np.zeros_like(h0)
    for t in reversed(range(steps)):
        prev_h = h[:, t - 1] if t else h0
        prev_c = c[:, t - 1] if t else np.zeros_like(h0)
        step = (x[:, t], prev_h, prev_c, Wx, Wh, gates[:, t], c[:, t])
        dx[:, t], dh_t, _, a, b_, d = lstm_step_backward(dh[:, t] + dh_t, np.zeros_like(h0), step)
        dWx += a
        dWh += b_
        db += d
    return dx, dh_t, dWx, dWh, db
'''),
    # 9.10 embedding_forward
    ("9.10", "one-hot times W with float64 one-hots (float32 lost)", "float32", '''
def embedding_forward(x, W):
    onehot = np.eye(W.shape[0])[x]
    return onehot @ W, (x, W.shape[0])
'''),
    ("9.10", "the cache holds W instead of V", "cache", '''
def embedding_forward(x, W):
    return W[x], (x, W)
'''),
    # 9.11 embedding_backward
    ("9.11", "dW[x] += dout overwrites repeated ids", "np.add.at", '''
def embedding_backward(dout, cache):
    x, V = cache
    dW = np.zeros((V, dout.shape[-1]), dtype=dout.dtype)
    dW[x] += dout
    return dW
'''),
    ("9.11", "float64 table gradient", "float32", '''
def embedding_backward(dout, cache):
    x, V = cache
    dW = np.zeros((V, dout.shape[-1]))
    np.add.at(dW, x, dout)
    return dW
'''),
    # 9.12 temporal_softmax_loss
    ("9.12", "summed over time, averaged over N only (CS231n's convention)", "averages over all N T", '''
def temporal_softmax_loss(scores, y, mask=None):
    n, t, v = scores.shape
    loss, d = cross_entropy(scores.reshape(n * t, v), y.reshape(-1))
    return loss * t, (d * t).reshape(n, t, v)
'''),
    ("9.12", "the mask ignored", "masked position was counted", '''
def temporal_softmax_loss(scores, y, mask=None):
    n, t, v = scores.shape
    loss, d = cross_entropy(scores.reshape(n * t, v), y.reshape(-1))
    return loss, d.reshape(n, t, v)
'''),
    ("9.12", "masked gradient zeroed but divided by N T", "divided by N T", '''
def temporal_softmax_loss(scores, y, mask=None):
    n, t, v = scores.shape
    m = np.ones((n, t), dtype=bool) if mask is None else mask
    loss, d = cross_entropy(scores.reshape(n * t, v), y.reshape(-1))
    flat = scores.reshape(n * t, v) - scores.reshape(n * t, v).max(axis=1, keepdims=True)
    per = np.log(np.exp(flat).sum(axis=1)) - flat[np.arange(n * t), y.reshape(-1)]
    return float((per * m.reshape(-1)).sum() / (n * t)), (d.reshape(n, t, v) * m[..., None])
'''),
    # 9.13 sample
    ("9.13", "temperature applied after the softmax", "temperature had no effect", '''
def sample(params, start, length, rng, temperature=1.0):
    H = params["Wh"].shape[0]
    V = params["W_out"].shape[1]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    for token in start:
        h, c, _ = lstm_step_forward(params["W_embed"][[int(token)]], h, c, params["Wx"], params["Wh"], params["b"])
    out = []
    for _ in range(length):
        p = softmax((h @ params["W_out"] + params["b_out"])[0].astype(float)) / temperature
        token = int(rng.choice(V, p=p / p.sum()))
        out.append(token)
        h, c, _ = lstm_step_forward(params["W_embed"][[token]], h, c, params["Wx"], params["Wh"], params["b"])
    return np.array(out)
'''),
    ("9.13", "the prompt included in the output", "prompt was included", '''
def sample(params, start, length, rng, temperature=1.0):
    H = params["Wh"].shape[0]
    V = params["W_out"].shape[1]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    for token in start:
        h, c, _ = lstm_step_forward(params["W_embed"][[int(token)]], h, c, params["Wx"], params["Wh"], params["b"])
    out = [int(t) for t in start]
    while len(out) < length:
        p = softmax((h @ params["W_out"] + params["b_out"])[0].astype(float) / temperature)
        token = int(rng.choice(V, p=p))
        out.append(token)
        h, c, _ = lstm_step_forward(params["W_embed"][[token]], h, c, params["Wx"], params["Wh"], params["b"])
    return np.array(out)
'''),
    ("9.13", "the drawn token not fed back (the last prompt token repeated)", "not fed back", '''
def sample(params, start, length, rng, temperature=1.0):
    H = params["Wh"].shape[0]
    V = params["W_out"].shape[1]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    for token in start:
        h, c, _ = lstm_step_forward(params["W_embed"][[int(token)]], h, c, params["Wx"], params["Wh"], params["b"])
    out = []
    for _ in range(length):
        p = softmax((h @ params["W_out"] + params["b_out"])[0].astype(float) / temperature)
        out.append(int(rng.choice(V, p=p)))
    return np.array(out)
'''),
    ("9.13", "NumPy's global random state instead of rng", "from the rng it is given", '''
def sample(params, start, length, rng, temperature=1.0):
    H = params["Wh"].shape[0]
    V = params["W_out"].shape[1]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    for token in start:
        h, c, _ = lstm_step_forward(params["W_embed"][[int(token)]], h, c, params["Wx"], params["Wh"], params["b"])
    out = []
    for _ in range(length):
        p = softmax((h @ params["W_out"] + params["b_out"])[0].astype(float) / temperature)
        token = int(np.random.choice(V, p=p))
        out.append(token)
        h, c, _ = lstm_step_forward(params["W_embed"][[token]], h, c, params["Wx"], params["Wh"], params["b"])
    return np.array(out)
'''),
    # A second, independent hunt: mistakes found by writing each function wrongly again
    ("9.2", "dh_prev = dz @ Wh: the transpose missing (Wh is square, so the shape is right)", "dz @ Wh.T", '''
def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    dz = dh_next * (1 - h_next ** 2)
    return dz @ Wx.T, dz @ Wh, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
'''),
    ("9.2", "tanh's slope from h_prev instead of h_next", "computed from h_prev", '''
def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    dz = dh_next * (1 - h_prev ** 2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)
'''),
    ("9.2", "db summed over the hidden units (axis 1) instead of the batch", "summed over the wrong axis", '''
def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    dz = dh_next * (1 - h_next ** 2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=1)
'''),
    ("9.3", "the loop over range(T - 1): the last step never computed", "the loop stops one step early", '''
def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]), dtype=x.dtype)
    h_t = h0
    for t in range(T - 1):
        h_t, _ = rnn_step_forward(x[:, t], h_t, Wx, Wh, b)
        h[:, t] = h_t
    return h, (x, h0, Wx, Wh, h)
'''),
    ("9.4", "BPTT loop run forward in time", "ran forward in time", '''
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    dx = np.zeros(x.shape, dtype=dh.dtype)
    dWx, dWh = np.zeros(Wx.shape, dtype=dh.dtype), np.zeros(Wh.shape, dtype=dh.dtype)
    db = np.zeros(Wh.shape[0], dtype=dh.dtype)
    carried = np.zeros_like(h0, dtype=dh.dtype)
    for t in range(x.shape[1]):
        h_prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carried, (x[:, t], h_prev, Wx, Wh, h[:, t]))
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried, dWx, dWh, db
'''),
    ("9.4", "h[:, t - 1] at t = 0 wraps round to the last state", "the LAST state", '''
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    dx = np.zeros(x.shape, dtype=dh.dtype)
    dWx, dWh = np.zeros(Wx.shape, dtype=dh.dtype), np.zeros(Wh.shape, dtype=dh.dtype)
    db = np.zeros(Wh.shape[0], dtype=dh.dtype)
    carried = np.zeros_like(h0, dtype=dh.dtype)
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1]
        dx[:, t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carried, (x[:, t], h_prev, Wx, Wh, h[:, t]))
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried, dWx, dWh, db
'''),
    ("9.5", "the arrays' norms added instead of the squares", "norms were added", '''
def clip_gradients(grads, max_norm):
    norm = sum(float(np.linalg.norm(g)) for g in grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return [g * scale for g in grads], norm
'''),
    ("9.5", "an np.float64 scale upcasts float32 gradients", "keep their dtype", '''
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g.astype(np.float64) ** 2) for g in grads))
    if norm > max_norm:
        return [g * (max_norm / norm) for g in grads], float(norm)
    return [g.copy() for g in grads], float(norm)
'''),
    ("9.6", "a sigmoid for the candidate g too", "went through a sigmoid", '''
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = sigmoid(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * tanh(c_next)
    gates = np.concatenate([i, f, o, g], axis=1).astype(a.dtype)
    return h_next.astype(a.dtype), c_next.astype(a.dtype), (x, h_prev, c_prev, Wx, Wh, gates, c_next.astype(a.dtype))
'''),
    ("9.6", "h_next = o * tanh(c_prev)", "used the old cell state", '''
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = tanh(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * tanh(c_prev)
    gates = np.concatenate([i, f, o, g], axis=1).astype(a.dtype)
    return h_next.astype(a.dtype), c_next.astype(a.dtype), (x, h_prev, c_prev, Wx, Wh, gates, c_next.astype(a.dtype))
'''),
    ("9.7", "dc_prev = dc_next * f (the path through h_next left out)", "leaves out what came in through h_next", '''
def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, gates, c_next = cache
    H = h_prev.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh_next * tc * o * (1 - o),
                         dc * i * (1 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc_next * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''),
    ("9.7", "the forget gate's partner c_next instead of c_prev", "forget gate's gradient used c_next", '''
def lstm_step_backward(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, gates, c_next = cache
    H = h_prev.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_next * f * (1 - f), dh_next * tc * o * (1 - o),
                         dc * i * (1 - g ** 2)], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''),
    ("9.8", "h0 ignored: the hidden state starts at zero", "the hidden state started at zero", '''
def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=x.dtype)
    c = np.zeros((N, T, H), dtype=x.dtype)
    gates = np.zeros((N, T, 4 * H), dtype=x.dtype)
    h_t, c_t = np.zeros((N, H), dtype=x.dtype), np.zeros((N, H), dtype=x.dtype)
    for t in range(T):
        h_t, c_t, step = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        h[:, t], c[:, t], gates[:, t] = h_t, c_t, step[5]
    return h, (x, h0, Wx, Wh, gates, c, h)
'''),
    ("9.9", "dWh from the state after the step, h[:, t]", "used the state after the step", '''
def lstm_backward(dh, cache):
    x, h0, Wx, Wh, gates, c, h = cache
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros(x.shape, dtype=dh.dtype)
    dWx, dWh, db = np.zeros(Wx.shape, dtype=dh.dtype), np.zeros(Wh.shape, dtype=dh.dtype), np.zeros(4 * H, dtype=dh.dtype)
    dh_t, dc_t = np.zeros((N, H), dtype=dh.dtype), np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        h_prev = h[:, t]
        c_prev = c[:, t - 1] if t > 0 else np.zeros((N, H), dtype=dh.dtype)
        step = (x[:, t], h_prev, c_prev, Wx, Wh, gates[:, t], c[:, t])
        dx[:, t], dh_t, dc_t, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_t, dc_t, step)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_t, dWx, dWh, db
'''),
    ("9.9", "h[:, t - 1] at t = 0 wraps round to the last state", "the LAST state", '''
def lstm_backward(dh, cache):
    x, h0, Wx, Wh, gates, c, h = cache
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros(x.shape, dtype=dh.dtype)
    dWx, dWh, db = np.zeros(Wx.shape, dtype=dh.dtype), np.zeros(Wh.shape, dtype=dh.dtype), np.zeros(4 * H, dtype=dh.dtype)
    dh_t, dc_t = np.zeros((N, H), dtype=dh.dtype), np.zeros((N, H), dtype=dh.dtype)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1]
        c_prev = c[:, t - 1] if t > 0 else np.zeros((N, H), dtype=dh.dtype)
        step = (x[:, t], h_prev, c_prev, Wx, Wh, gates[:, t], c[:, t])
        dx[:, t], dh_t, dc_t, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_t, dc_t, step)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_t, dWx, dWh, db
'''),
    ("9.11", "the table's size taken from x.max() + 1", "its size came from the ids", '''
def embedding_backward(dout, cache):
    x, vocab = cache
    dW = np.zeros((x.max() + 1, dout.shape[-1]), dtype=dout.dtype)
    np.add.at(dW, x, dout)
    return dW
'''),
    ("9.12", "the softmax over the time axis", "over the time axis", '''
def temporal_softmax_loss(scores, y, mask=None):
    n, steps, vocab = scores.shape
    keep = np.ones((n, steps), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    picked = np.take_along_axis(p, y[..., None], axis=-1)[..., 0]
    count = keep.sum()
    loss = -np.sum(np.log(picked) * keep) / count
    dscores = p.copy()
    np.put_along_axis(dscores, y[..., None], np.take_along_axis(p, y[..., None], axis=-1) - 1, axis=-1)
    return float(loss), (dscores * keep[..., None] / count).astype(scores.dtype)
'''),
    ("9.12", "dscores not divided by the number of counted positions", "was not divided by the number of counted positions", '''
def temporal_softmax_loss(scores, y, mask=None):
    n, steps, vocab = scores.shape
    keep = np.ones((n, steps), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]
    loss = -np.sum(picked * keep) / keep.sum()
    dscores = np.exp(logp)
    np.put_along_axis(dscores, y[..., None], np.take_along_axis(dscores, y[..., None], axis=-1) - 1, axis=-1)
    return float(loss), (dscores * keep[..., None]).astype(scores.dtype)
'''),
    ("9.13", "a constant seed: a fresh np.random.default_rng(0) instead of rng", "from the rng it is given", '''
def sample(params, start, length, rng, temperature=1.0):
    Wh = params["Wh"]
    H = Wh.shape[0]
    vocab = params["W_out"].shape[1]
    h = np.zeros((1, H), dtype=Wh.dtype)
    c = np.zeros((1, H), dtype=Wh.dtype)
    out = np.empty(length, dtype=np.int64)
    rng = np.random.default_rng(0)
    for k in range(len(start) + length):
        if k < len(start):
            token = int(start[k])
        else:
            scores = h @ params["W_out"] + params["b_out"]
            p = softmax(scores[0].astype(np.float64) / temperature)
            token = int(rng.choice(vocab, p=p))
            out[k - len(start)] = token
        x, _ = embedding_forward(np.array([[token]]), params["W_embed"])
        h, c, _ = lstm_step_forward(x[:, 0], h, c, params["Wx"], Wh, params["b"])
    return out
'''),
    ("9.13", "greedy argmax instead of a draw", "draw exactly one rng.choice", '''
def sample(params, start, length, rng, temperature=1.0):
    Wh = params["Wh"]
    H = Wh.shape[0]
    vocab = params["W_out"].shape[1]
    h = np.zeros((1, H), dtype=Wh.dtype)
    c = np.zeros((1, H), dtype=Wh.dtype)
    out = np.empty(length, dtype=np.int64)
    for k in range(len(start) + length):
        if k < len(start):
            token = int(start[k])
        else:
            scores = h @ params["W_out"] + params["b_out"]
            p = softmax(scores[0].astype(np.float64) / temperature)
            token = int(np.argmax(p))
            out[k - len(start)] = token
        x, _ = embedding_forward(np.array([[token]]), params["W_embed"])
        h, c, _ = lstm_step_forward(x[:, 0], h, c, params["Wx"], Wh, params["b"])
    return out
'''),
    ("9.13", "the scores multiplied by the temperature", "multiplied by the temperature", '''
def sample(params, start, length, rng, temperature=1.0):
    Wh = params["Wh"]
    H = Wh.shape[0]
    vocab = params["W_out"].shape[1]
    h = np.zeros((1, H), dtype=Wh.dtype)
    c = np.zeros((1, H), dtype=Wh.dtype)
    out = np.empty(length, dtype=np.int64)
    for k in range(len(start) + length):
        if k < len(start):
            token = int(start[k])
        else:
            scores = h @ params["W_out"] + params["b_out"]
            p = softmax(scores[0].astype(np.float64) * temperature)
            token = int(rng.choice(vocab, p=p))
            out[k - len(start)] = token
        x, _ = embedding_forward(np.array([[token]]), params["W_embed"])
        h, c, _ = lstm_step_forward(x[:, 0], h, c, params["Wx"], Wh, params["b"])
    return out
'''),
    ("9.13", "h and c reset to zero before every step", "the state was reset at every step", '''
def sample(params, start, length, rng, temperature=1.0):
    Wh = params["Wh"]
    H = Wh.shape[0]
    vocab = params["W_out"].shape[1]
    h = np.zeros((1, H), dtype=Wh.dtype)
    c = np.zeros((1, H), dtype=Wh.dtype)
    out = np.empty(length, dtype=np.int64)
    for k in range(len(start) + length):
        if k < len(start):
            token = int(start[k])
        else:
            scores = h @ params["W_out"] + params["b_out"]
            p = softmax(scores[0].astype(np.float64) / temperature)
            token = int(rng.choice(vocab, p=p))
            out[k - len(start)] = token
        h, c = np.zeros((1, H), dtype=Wh.dtype), np.zeros((1, H), dtype=Wh.dtype)
        x, _ = embedding_forward(np.array([[token]]), params["W_embed"])
        h, c, _ = lstm_step_forward(x[:, 0], h, c, params["Wx"], Wh, params["b"])
    return out
'''),

    ("9.1", "x[0] @ Wx: the first example's input for every row", "x[0] was used for every row", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    z = x[0] @ Wx + h_prev @ Wh + b
    h_next = np.tanh(z)
    return h_next, (x, h_prev, Wx, Wh, h_next)
'''),
    ("9.1", "the cache holds the pre-activation z instead of h_next", "the cache holds the pre-activation", '''
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    z = x @ Wx + h_prev @ Wh + b
    return np.tanh(z), (x, h_prev, Wx, Wh, z)
'''),
    ("9.10", "W[x.T]: out of shape (T, N, E)", "first two axes swapped", '''
def embedding_forward(x, W):
    return W[x.T], (x, W.shape[0])
'''),
    ("9.12", "the scores flattened time-major, the targets batch-major", "flattened in different orders", '''
def temporal_softmax_loss(scores, y, mask=None):
    n, steps, vocab = scores.shape
    flat = scores.transpose(1, 0, 2).reshape(n * steps, vocab)
    keep = np.ones(n * steps, dtype=bool) if mask is None else np.asarray(mask, dtype=bool).reshape(-1)
    loss, dkept = cross_entropy(flat[keep], y.reshape(-1)[keep])
    dflat = np.zeros_like(flat)
    dflat[keep] = dkept
    return float(loss), dflat.reshape(steps, n, vocab).transpose(1, 0, 2)
'''),
    ("9.13", "the first token drawn before the prompt's last token is read", "drawn before the prompt's last token", '''
def sample(params, start, length, rng, temperature=1.0):
    Wh = params["Wh"]
    H = Wh.shape[0]
    vocab = params["W_out"].shape[1]
    h = np.zeros((1, H), dtype=Wh.dtype)
    c = np.zeros((1, H), dtype=Wh.dtype)
    for token in start[:-1]:
        x, _ = embedding_forward(np.array([[int(token)]]), params["W_embed"])
        h, c, _ = lstm_step_forward(x[:, 0], h, c, params["Wx"], Wh, params["b"])
    out = np.empty(length, dtype=np.int64)
    for k in range(length):
        scores = h @ params["W_out"] + params["b_out"]
        p = softmax(scores[0].astype(np.float64) / temperature)
        out[k] = int(rng.choice(vocab, p=p))
        x, _ = embedding_forward(np.array([[out[k]]]), params["W_embed"])
        h, c, _ = lstm_step_forward(x[:, 0], h, c, params["Wx"], Wh, params["b"])
    return out
'''),
    ("9.4", "only the first step's weight gradients kept (= instead of +=)", "of one step only", '''
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    dx = np.zeros(x.shape, dtype=dh.dtype)
    carried = np.zeros_like(h0, dtype=dh.dtype)
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], carried, dWx, dWh, db = rnn_step_backward(dh[:, t] + carried, (x[:, t], h_prev, Wx, Wh, h[:, t]))
    return dx, carried, dWx, dWh, db
'''),

]


#: Right implementations that differ from the reference; each must pass every check of its exercise.
CORRECT = [
    ("9.10", "one-hot rows in W's dtype times W", '''
def embedding_forward(x, W):
    return np.eye(W.shape[0], dtype=W.dtype)[x] @ W, (x, W.shape[0])
'''),
]
