"""Realistic wrong implementations of chapter 12 (nnlib/attention.py), for tests/test_mistakes.py."""

MISTAKES = [
    # 12.1 attention_forward
    ("12.1", "the 1/sqrt(E) scale forgotten", "scale was forgotten", '''
def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
'''),
    ("12.1", "the scale applied to the values", "applied to the values", '''
def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ (v * q.shape[-1] ** -0.5), (q, k, v, weights)
'''),
    ("12.1", "the softmax over the queries (axis -2)", "over the queries", '''
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    shifted = np.exp(scores - scores.max(axis=-2, keepdims=True))
    weights = shifted / shifted.sum(axis=-2, keepdims=True)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
'''),
    ("12.1", "the mask applied after the softmax", "after the softmax", '''
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
'''),
    ("12.1", "-inf for masked scores: NaN for a fully masked row", "NaN", '''
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores)
    return weights @ v, (q, k, v, weights)
'''),
    ("12.1", "np.sqrt(E) upcasts float32", "float32", '''
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) / np.sqrt(np.float64(q.shape[-1]))
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
'''),
    # 12.2 causal_mask
    ("12.2", "the mask transposed (upper triangle)", "transposed", '''
def causal_mask(T):
    return np.triu(np.ones((T, T), dtype=bool))
'''),
    ("12.2", "the diagonal left out", "diagonal is missing", '''
def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool), -1)
'''),
    ("12.2", "an additive mask of 0 and -inf", "additive mask", '''
def causal_mask(T):
    return np.where(np.tril(np.ones((T, T))) > 0, 0.0, -np.inf)
'''),
    # 12.3 softmax_backward
    ("12.3", "only the diagonal of the Jacobian", "diagonal of the Jacobian", '''
def softmax_backward(dout, p):
    return dout * p * (1 - p)
'''),
    ("12.3", "the sum over the wrong axis", "wrong axis", '''
def softmax_backward(dout, p):
    return p * (dout - np.sum(dout * p, axis=0, keepdims=True))
'''),
    ("12.3", "the sign flipped", "sign is flipped", '''
def softmax_backward(dout, p):
    return -p * (dout - np.sum(dout * p, axis=-1, keepdims=True))
'''),
    # 12.4 attention_backward
    ("12.4", "the scale left out of dq and dk", "1/sqrt(E)", '''
def attention_backward(dout, cache):
    q, k, v, weights = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = softmax_backward(dout @ np.swapaxes(v, -1, -2), weights)
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
'''),
    ("12.4", "dv scaled by 1/sqrt(E) as well", "scale belongs to the scores", '''
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = np.swapaxes(weights, -1, -2) @ dout * scale
    dscores = softmax_backward(dout @ np.swapaxes(v, -1, -2), weights) * scale
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
'''),
    ("12.4", "the softmax's backward skipped (dscores = dweights)", "backward was skipped", '''
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = (dout @ np.swapaxes(v, -1, -2)) * scale
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
'''),
    ("12.4", "dk without the transpose of dscores", "transpose of dscores", '''
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = softmax_backward(dout @ np.swapaxes(v, -1, -2), weights) * scale
    return dscores @ k, dscores @ q, dv
'''),
    # 12.5 split_heads
    ("12.5", "a reshape without the transpose", "without a transpose", '''
def split_heads(x, h):
    N, T, E = x.shape
    return x.reshape(N, h, T, E // h)
'''),
    ("12.5", "strided heads (reshape to (N, T, E/h, h))", "strided", '''
def split_heads(x, h):
    N, T, E = x.shape
    return x.reshape(N, T, E // h, h).transpose(0, 3, 1, 2)
'''),
    # 12.6 merge_heads
    ("12.6", "a reshape without the transpose back", "without the transpose back", '''
def merge_heads(x):
    N, h, T, Eh = x.shape
    return x.reshape(N, T, h * Eh)
'''),
    ("12.6", "heads interleaved", "interleaved", '''
def merge_heads(x):
    N, h, T, Eh = x.shape
    return x.transpose(0, 2, 3, 1).reshape(N, T, h * Eh)
'''),
    # 12.7 mha_forward
    ("12.7", "heads split by a reshape without a transpose", "no transpose", '''
def mha_forward(x, params, h, mask=None):
    N, T, E = x.shape
    q, cache_q = _dense3(x, params["Wq"], params["bq"])
    k, cache_k = _dense3(x, params["Wk"], params["bk"])
    v, cache_v = _dense3(x, params["Wv"], params["bv"])
    heads, cache_att = attention_forward(*(a.reshape(N, h, T, E // h) for a in (q, k, v)), mask)
    out, cache_o = _dense3(heads.reshape(N, T, E), params["Wo"], params["bo"])
    return out, (cache_q, cache_k, cache_v, cache_att, cache_o, h)
'''),
    ("12.7", "the output projection Wo, bo left out", "output projection", '''
def mha_forward(x, params, h, mask=None):
    q, cache_q = _dense3(x, params["Wq"], params["bq"])
    k, cache_k = _dense3(x, params["Wk"], params["bk"])
    v, cache_v = _dense3(x, params["Wv"], params["bv"])
    heads, cache_att = attention_forward(split_heads(q, h), split_heads(k, h), split_heads(v, h), mask)
    out = merge_heads(heads)
    return out, (cache_q, cache_k, cache_v, cache_att, None, h)
'''),
    ("12.7", "the mask not passed on", "not passed on", '''
def mha_forward(x, params, h, mask=None):
    q, cache_q = _dense3(x, params["Wq"], params["bq"])
    k, cache_k = _dense3(x, params["Wk"], params["bk"])
    v, cache_v = _dense3(x, params["Wv"], params["bv"])
    heads, cache_att = attention_forward(split_heads(q, h), split_heads(k, h), split_heads(v, h))
    out, cache_o = _dense3(merge_heads(heads), params["Wo"], params["bo"])
    return out, (cache_q, cache_k, cache_v, cache_att, cache_o, h)
'''),
    # 12.8 mha_backward
    ("12.8", "dx only through the queries", "only went through the queries", '''
def mha_backward(dout, cache):
    cache_qkv, cache_o, h, cache_att = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)
    dq, dk, dv = attention_backward(split_heads(dmerged, h), cache_att)
    dqkv = np.concatenate([merge_heads(dq), merge_heads(dk), merge_heads(dv)], axis=-1)
    _, dW, db = _dense3_backward(dqkv, cache_qkv)
    E = dout.shape[-1]
    dx = merge_heads(dq) @ cache_qkv[1][:, :E].T
    dWq, dWk, dWv = np.split(dW, 3, axis=1)
    dbq, dbk, dbv = np.split(db, 3)
    return dx, {"Wq": dWq, "bq": dbq, "Wk": dWk, "bk": dbk, "Wv": dWv, "bv": dbv, "Wo": dWo, "bo": dbo}
'''),
    ("12.8", "the gradient of the merge merged again instead of split", "merged again", '''
def mha_backward(dout, cache):
    cache_qkv, cache_o, h, cache_att = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)
    N, T, E = dmerged.shape
    dq, dk, dv = attention_backward(dmerged.reshape(N, h, T, E // h), cache_att)
    dqkv = np.concatenate([merge_heads(dq), merge_heads(dk), merge_heads(dv)], axis=-1)
    dx, dW, db = _dense3_backward(dqkv, cache_qkv)
    dWq, dWk, dWv = np.split(dW, 3, axis=1)
    dbq, dbk, dbv = np.split(db, 3)
    return dx, {"Wq": dWq, "bq": dbq, "Wk": dWk, "bk": dbk, "Wv": dWv, "bv": dbv, "Wo": dWo, "bo": dbo}
'''),
    ("12.8", "the gradients of Wk and Wv swapped", "Wk and Wv are swapped", '''
def mha_backward(dout, cache):
    cache_qkv, cache_o, h, cache_att = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)
    dq, dk, dv = attention_backward(split_heads(dmerged, h), cache_att)
    dqkv = np.concatenate([merge_heads(dq), merge_heads(dk), merge_heads(dv)], axis=-1)
    dx, dW, db = _dense3_backward(dqkv, cache_qkv)
    dWq, dWk, dWv = np.split(dW, 3, axis=1)
    dbq, dbk, dbv = np.split(db, 3)
    return dx, {"Wq": dWq, "bq": dbq, "Wk": dWv, "bk": dbv, "Wv": dWk, "bv": dbk, "Wo": dWo, "bo": dbo}
'''),
    # 12.9 positional_encoding
    ("12.9", "sin and cos swapped", "swapped", '''
def positional_encoding(T, E):
    angles = np.arange(T)[:, None] / 10000.0 ** (np.arange(0, E, 2) / E)
    pe = np.zeros((T, E))
    pe[:, 0::2] = np.cos(angles)
    pe[:, 1::2] = np.sin(angles)
    return pe
'''),
    ("12.9", "sines and cosines in two halves", "two halves", '''
def positional_encoding(T, E):
    angles = np.arange(T)[:, None] / 10000.0 ** (np.arange(0, E, 2) / E)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
'''),
    ("12.9", "the exponent uses the column index", "column index", '''
def positional_encoding(T, E):
    angles = np.arange(T)[:, None] / 10000.0 ** (np.arange(E) / E)
    return np.where(np.arange(E) % 2 == 0, np.sin(angles), np.cos(angles))
'''),
    # 12.10 layer_norm_forward
    ("12.10", "normalising over the batch (batch norm)", "over the batch", '''
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=0, keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, (xhat, inv_std, gamma)
'''),
    ("12.10", "the unbiased variance (ddof=1)", "ddof=1", '''
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=-1, ddof=1, keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, (xhat, inv_std, gamma)
'''),
    ("12.10", "eps added after the square root", "after the square root", '''
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / (np.sqrt(x.var(axis=-1, keepdims=True)) + eps)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, (xhat, inv_std, gamma)
'''),
    # 12.11 layer_norm_backward
    ("12.11", "the mean and variance treated as constants", "treats the mean and the variance", '''
def layer_norm_backward(dout, cache):
    xhat, inv_std, gamma = cache
    rows = tuple(range(dout.ndim - 1))
    return dout * gamma * inv_std, (dout * xhat).sum(axis=rows), dout.sum(axis=rows)
'''),
    ("12.11", "dgamma and dbeta summed over the batch axis only", "every axis but the last", '''
def layer_norm_backward(dout, cache):
    xhat, inv_std, gamma = cache
    dxhat = dout * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                    - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
'''),
    ("12.11", "only the mean correction (the variance term left out)", "variance's correction", '''
def layer_norm_backward(dout, cache):
    xhat, inv_std, gamma = cache
    rows = tuple(range(dout.ndim - 1))
    dxhat = dout * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=-1, keepdims=True))
    return dx, (dout * xhat).sum(axis=rows), dout.sum(axis=rows)
'''),
    # 12.12 transformer_block_forward
    ("12.12", "no residual connections", "residual connections are missing", '''
def transformer_block_forward(x, params, h, mask=None):
    normed1, cache_ln1 = layer_norm_forward(x, params["ln1_gamma"], params["ln1_beta"])
    x1, cache_mha = mha_forward(normed1, params, h, mask)
    normed2, cache_ln2 = layer_norm_forward(x1, params["ln2_gamma"], params["ln2_beta"])
    z, cache_ff1 = _dense3(normed2, params["W1"], params["b1"])
    fed, cache_ff2 = _dense3(relu(z), params["W2"], params["b2"])
    return fed, (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
'''),
    ("12.12", "the ReLU left out of the feed-forward part", "ReLU is missing", '''
def transformer_block_forward(x, params, h, mask=None):
    normed1, cache_ln1 = layer_norm_forward(x, params["ln1_gamma"], params["ln1_beta"])
    attended, cache_mha = mha_forward(normed1, params, h, mask)
    x1 = x + attended
    normed2, cache_ln2 = layer_norm_forward(x1, params["ln2_gamma"], params["ln2_beta"])
    z, cache_ff1 = _dense3(normed2, params["W1"], params["b1"])
    fed, cache_ff2 = _dense3(z, params["W2"], params["b2"])
    return x1 + fed, (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
'''),
    ("12.12", "a post-norm block", "post-norm", '''
def transformer_block_forward(x, params, h, mask=None):
    attended, cache_mha = mha_forward(x, params, h, mask)
    x1, cache_ln1 = layer_norm_forward(x + attended, params["ln1_gamma"], params["ln1_beta"])
    z, cache_ff1 = _dense3(x1, params["W1"], params["b1"])
    fed, cache_ff2 = _dense3(relu(z), params["W2"], params["b2"])
    out, cache_ln2 = layer_norm_forward(x1 + fed, params["ln2_gamma"], params["ln2_beta"])
    return out, (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
'''),
    ("12.12", "the mask not passed on to the attention", "not passed on", '''
def transformer_block_forward(x, params, h, mask=None):
    normed1, cache_ln1 = layer_norm_forward(x, params["ln1_gamma"], params["ln1_beta"])
    attended, cache_mha = mha_forward(normed1, params, h)
    x1 = x + attended
    normed2, cache_ln2 = layer_norm_forward(x1, params["ln2_gamma"], params["ln2_beta"])
    z, cache_ff1 = _dense3(normed2, params["W1"], params["b1"])
    fed, cache_ff2 = _dense3(relu(z), params["W2"], params["b2"])
    return x1 + fed, (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
'''),
    # 12.13 transformer_block_backward
    ("12.13", "the residual paths dropped in the backward pass", "residual paths are missing", '''
def transformer_block_backward(dout, cache):
    cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2 = cache
    drelu, dW2, db2 = _dense3_backward(dout, cache_ff2)
    dnormed2, dW1, db1 = _dense3_backward(relu_backward(drelu, z), cache_ff1)
    dx1, dgamma2, dbeta2 = layer_norm_backward(dnormed2, cache_ln2)
    dnormed1, grads = mha_backward(dx1, cache_mha)
    dx, dgamma1, dbeta1 = layer_norm_backward(dnormed1, cache_ln1)
    grads.update({"ln1_gamma": dgamma1, "ln1_beta": dbeta1, "ln2_gamma": dgamma2, "ln2_beta": dbeta2,
                  "W1": dW1, "b1": db1, "W2": dW2, "b2": db2})
    return dx, grads
'''),
    ("12.13", "the attention part gets dout instead of dx1", "instead of dx1", '''
def transformer_block_backward(dout, cache):
    cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2 = cache
    drelu, dW2, db2 = _dense3_backward(dout, cache_ff2)
    dnormed2, dW1, db1 = _dense3_backward(relu_backward(drelu, z), cache_ff1)
    dx1_ln, dgamma2, dbeta2 = layer_norm_backward(dnormed2, cache_ln2)
    dx1 = dout + dx1_ln
    dnormed1, grads = mha_backward(dout, cache_mha)
    dx_ln, dgamma1, dbeta1 = layer_norm_backward(dnormed1, cache_ln1)
    grads.update({"ln1_gamma": dgamma1, "ln1_beta": dbeta1, "ln2_gamma": dgamma2, "ln2_beta": dbeta2,
                  "W1": dW1, "b1": db1, "W2": dW2, "b2": db2})
    return dx1 + dx_ln, grads
'''),
    ("12.13", "the ReLU's gate skipped in the backward pass", "gate was skipped", '''
def transformer_block_backward(dout, cache):
    cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2 = cache
    drelu, dW2, db2 = _dense3_backward(dout, cache_ff2)
    dnormed2, dW1, db1 = _dense3_backward(drelu, cache_ff1)
    dx1_ln, dgamma2, dbeta2 = layer_norm_backward(dnormed2, cache_ln2)
    dx1 = dout + dx1_ln
    dnormed1, grads = mha_backward(dx1, cache_mha)
    dx_ln, dgamma1, dbeta1 = layer_norm_backward(dnormed1, cache_ln1)
    grads.update({"ln1_gamma": dgamma1, "ln1_beta": dbeta1, "ln2_gamma": dgamma2, "ln2_beta": dbeta2,
                  "W1": dW1, "b1": db1, "W2": dW2, "b2": db2})
    return dx1 + dx_ln, grads
'''),
]

# Session 3, an independent hunt: mistakes written without looking at the checks first.
MISTAKES += [
    ("12.1", "the scores divided by sqrt(T), the number of queries, not sqrt(E)", "sqrt(T)", """
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-2] ** -0.5
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
"""),
    ("12.1", "masked scores set to 0 instead of -1e9 (then the weights multiplied by the mask)", "set to 0", """
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
"""),
    ("12.1", "q scaled in place", "modified in place", """
def attention_forward(q, k, v, mask=None):
    q *= q.shape[-1] ** -0.5
    scores = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
"""),
    ("12.1", "the scores cached instead of the weights", "scores before the softmax", """
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, scores)
"""),
    ("12.2", "np.tri: ones and zeros as floats, not booleans", "booleans", """
def causal_mask(T):
    return np.tri(T)
"""),
    ("12.2", "one key ahead allowed (np.tril with k=1)", "one key ahead", """
def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool), k=1)
"""),
    ("12.3", "the row sums not kept as a column (no keepdims)", "keepdims", """
def softmax_backward(dout, p):
    return p * (dout - np.sum(dout * p, axis=-1))
"""),
    ("12.3", "dout changed in place", "modified in place", """
def softmax_backward(dout, p):
    dout -= np.sum(dout * p, axis=-1, keepdims=True)
    dout *= p
    return dout
"""),
    ("12.3", "p taken for the softmax's input: softmax(p) recomputed", "softmax's output", """
def softmax_backward(dout, p):
    s = softmax(p)
    return s * (dout - np.sum(dout * s, axis=-1, keepdims=True))
"""),
    ("12.4", "dv without the transpose of the weights", "transpose of the weights", """
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = weights @ dout
    dscores = softmax_backward(dout @ np.swapaxes(v, -1, -2), weights) * scale
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
"""),
    ("12.4", "the cached weights overwritten by the softmax's backward", "modified in place", """
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights
    dscores *= dweights - np.sum(dweights * weights, axis=-1, keepdims=True)
    dscores *= scale
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
"""),
    ("12.4", "1/np.sqrt(E) upcasts float32 gradients", "float32", """
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = 1 / np.sqrt(q.shape[-1])
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = softmax_backward(dout @ np.swapaxes(v, -1, -2), weights) * scale
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
"""),
    ("12.6", "the wrong axes swapped back (1 and 3)", "wrong axes", """
def merge_heads(x):
    N, h, T, Eh = x.shape
    return x.swapaxes(1, 3).reshape(N, T, h * Eh)
"""),
    ("12.7", "k projected with Wq (copy and paste)", "copy-and-paste", """
def mha_forward(x, params, h, mask=None):
    q, cache_q = _dense3(x, params["Wq"], params["bq"])
    k, cache_k = _dense3(x, params["Wq"], params["bk"])
    v, cache_v = _dense3(x, params["Wv"], params["bv"])
    heads, cache_att = attention_forward(split_heads(q, h), split_heads(k, h), split_heads(v, h), mask)
    out, cache_o = _dense3(merge_heads(heads), params["Wo"], params["bo"])
    return out, (cache_q, cache_o, h, cache_att)
"""),
    ("12.7", "the biases of q, k and v left out", "biases", """
def mha_forward(x, params, h, mask=None):
    E = x.shape[-1]
    q, k, v = (x @ params[name] for name in ("Wq", "Wk", "Wv"))
    heads, cache_att = attention_forward(split_heads(q, h), split_heads(k, h), split_heads(v, h), mask)
    out, cache_o = _dense3(merge_heads(heads), params["Wo"], params["bo"])
    return out, (None, cache_o, h, cache_att, E)
"""),
    ("12.9", "the exponent i/E instead of 2i/E", "exponent is i/E", """
def positional_encoding(T, E):
    angles = np.arange(T)[:, None] / 10000.0 ** (np.arange((E + 1) // 2) / E)
    pe = np.zeros((T, E))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : E // 2])
    return pe
"""),
    ("12.9", "positions counted from 1", "from 1", """
def positional_encoding(T, E):
    angles = np.arange(1, T + 1)[:, None] / 10000.0 ** (np.arange(0, E, 2) / E)
    pe = np.zeros((T, E))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : E // 2])
    return pe
"""),
    ("12.9", "the rate 10000^(2i/E) instead of its inverse", "instead of 1 / 10000", """
def positional_encoding(T, E):
    angles = np.arange(T)[:, None] * 10000.0 ** (np.arange(0, E, 2) / E)
    pe = np.zeros((T, E))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : E // 2])
    return pe
"""),
    ("12.10", "gamma and beta swapped", "gamma and beta are swapped", """
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    return beta * xhat + gamma, (xhat, inv_std, gamma)
"""),
    ("12.10", "the mean of the whole array subtracted, the variance per position", "whole array", """
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    centred = x - x.mean()
    inv_std = 1.0 / np.sqrt((centred**2).mean(axis=-1, keepdims=True) + eps)
    xhat = centred * inv_std
    return gamma * xhat + beta, (xhat, inv_std, gamma)
"""),
    ("12.11", "dgamma and dbeta swapped", "dgamma and dbeta are swapped", """
def layer_norm_backward(dout, cache):
    xhat, inv_std, gamma = cache
    rows = tuple(range(dout.ndim - 1))
    dxhat = dout * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                    - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, dout.sum(axis=rows), (dout * xhat).sum(axis=rows)
"""),
    ("12.10", "x centred in place (x -= mean)", "modified in place", """
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    x -= x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps)
    xhat = x * inv_std
    return gamma * xhat + beta, (xhat, inv_std, gamma)
"""),
    ("12.10", "the eps argument ignored (1e-5 written in)", "eps argument was ignored", """
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(((x - mean) ** 2).mean(axis=-1, keepdims=True) + 1e-5)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, (xhat, inv_std, gamma)
"""),
    ("12.1", "the mask cast to float64 before multiplying the weights", "float32", """
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) * q.shape[-1] ** -0.5
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask.astype(float)
    return weights @ v, (q, k, v, weights)
"""),
    ("12.12", "a ReLU after W2 as well", "also applied after W2", """
def transformer_block_forward(x, params, h, mask=None):
    normed1, cache_ln1 = layer_norm_forward(x, params["ln1_gamma"], params["ln1_beta"])
    attended, cache_mha = mha_forward(normed1, params, h, mask)
    x1 = x + attended
    normed2, cache_ln2 = layer_norm_forward(x1, params["ln2_gamma"], params["ln2_beta"])
    z, cache_ff1 = _dense3(normed2, params["W1"], params["b1"])
    fed, cache_ff2 = _dense3(relu(z), params["W2"], params["b2"])
    return x1 + relu(fed), (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
"""),
    ("12.11", "dgamma and dbeta averaged instead of summed", "averaged over the positions", """
def layer_norm_backward(dout, cache):
    xhat, inv_std, gamma = cache
    rows = tuple(range(dout.ndim - 1))
    dxhat = dout * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                    - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, (dout * xhat).mean(axis=rows), dout.mean(axis=rows)
"""),
    ("12.11", "gamma forgotten in dx (dxhat = dout)", "gamma is missing", """
def layer_norm_backward(dout, cache):
    xhat, inv_std, gamma = cache
    rows = tuple(range(dout.ndim - 1))
    dxhat = dout
    dx = inv_std * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                    - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, (dout * xhat).sum(axis=rows), dout.sum(axis=rows)
"""),
    ("12.12", "the residual adds the normalised x, not x", "normalised", """
def transformer_block_forward(x, params, h, mask=None):
    normed1, cache_ln1 = layer_norm_forward(x, params["ln1_gamma"], params["ln1_beta"])
    attended, cache_mha = mha_forward(normed1, params, h, mask)
    x1 = normed1 + attended
    normed2, cache_ln2 = layer_norm_forward(x1, params["ln2_gamma"], params["ln2_beta"])
    z, cache_ff1 = _dense3(normed2, params["W1"], params["b1"])
    fed, cache_ff2 = _dense3(relu(z), params["W2"], params["b2"])
    return normed2 + fed, (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
"""),
    ("12.12", "the second layer norm with ln1's gamma and beta", "ln1's", """
def transformer_block_forward(x, params, h, mask=None):
    normed1, cache_ln1 = layer_norm_forward(x, params["ln1_gamma"], params["ln1_beta"])
    attended, cache_mha = mha_forward(normed1, params, h, mask)
    x1 = x + attended
    normed2, cache_ln2 = layer_norm_forward(x1, params["ln1_gamma"], params["ln1_beta"])
    z, cache_ff1 = _dense3(normed2, params["W1"], params["b1"])
    fed, cache_ff2 = _dense3(relu(z), params["W2"], params["b2"])
    return x1 + fed, (cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2)
"""),
    ("12.13", "the two layer norms' gradients swapped", "layer norms' gradients are swapped", """
def transformer_block_backward(dout, cache):
    cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2 = cache
    drelu, dW2, db2 = _dense3_backward(dout, cache_ff2)
    dnormed2, dW1, db1 = _dense3_backward(relu_backward(drelu, z), cache_ff1)
    dx1_ln, dgamma2, dbeta2 = layer_norm_backward(dnormed2, cache_ln2)
    dx1 = dout + dx1_ln
    dnormed1, grads = mha_backward(dx1, cache_mha)
    dx_ln, dgamma1, dbeta1 = layer_norm_backward(dnormed1, cache_ln1)
    grads.update({"ln1_gamma": dgamma2, "ln1_beta": dbeta2, "ln2_gamma": dgamma1, "ln2_beta": dbeta1,
                  "W1": dW1, "b1": db1, "W2": dW2, "b2": db2})
    return dx1 + dx_ln, grads
"""),
    ("12.13", "the attention's gradients lost: grads rebuilt as a new dict", "every parameter of the block", """
def transformer_block_backward(dout, cache):
    cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2 = cache
    drelu, dW2, db2 = _dense3_backward(dout, cache_ff2)
    dnormed2, dW1, db1 = _dense3_backward(relu_backward(drelu, z), cache_ff1)
    dx1_ln, dgamma2, dbeta2 = layer_norm_backward(dnormed2, cache_ln2)
    dx1 = dout + dx1_ln
    dnormed1, grads = mha_backward(dx1, cache_mha)
    dx_ln, dgamma1, dbeta1 = layer_norm_backward(dnormed1, cache_ln1)
    grads = {"ln1_gamma": dgamma1, "ln1_beta": dbeta1, "ln2_gamma": dgamma2, "ln2_beta": dbeta2,
             "W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    return dx1 + dx_ln, grads
"""),
    ("12.13", "the residual around the feed-forward part dropped in the backward pass", "residual paths are missing", """
def transformer_block_backward(dout, cache):
    cache_ln1, cache_mha, cache_ln2, cache_ff1, z, cache_ff2 = cache
    drelu, dW2, db2 = _dense3_backward(dout, cache_ff2)
    dnormed2, dW1, db1 = _dense3_backward(relu_backward(drelu, z), cache_ff1)
    dx1, dgamma2, dbeta2 = layer_norm_backward(dnormed2, cache_ln2)
    dnormed1, grads = mha_backward(dx1, cache_mha)
    dx_ln, dgamma1, dbeta1 = layer_norm_backward(dnormed1, cache_ln1)
    grads.update({"ln1_gamma": dgamma1, "ln1_beta": dbeta1, "ln2_gamma": dgamma2, "ln2_beta": dbeta2,
                  "W1": dW1, "b1": db1, "W2": dW2, "b2": db2})
    return dx1 + dx_ln, grads
"""),
]

#: Right implementations that differ from the reference: they must pass every check.
CORRECT = [
    ("12.3", "the Jacobian built explicitly with einsum", '''
def softmax_backward(dout, p):
    eye = np.eye(p.shape[-1], dtype=p.dtype)
    jac = p[..., :, None] * (eye - p[..., None, :])
    return np.einsum("...i,...ij->...j", dout, jac)
'''),
    ("12.1", "np.where for the mask, chapter 2's softmax, the scale after the product", '''
def attention_forward(q, k, v, mask=None):
    scores = (q @ np.swapaxes(k, -1, -2)) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = np.where(mask, scores, MASKED)
    weights = softmax(scores)
    if mask is not None:
        weights = weights * mask
    return weights @ v, (q, k, v, weights)
'''),
    ("12.2", "a comparison of two aranges", '''
def causal_mask(T):
    return np.arange(T)[None, :] <= np.arange(T)[:, None]
'''),
    ("12.3", "p * dout minus p times the row sums", '''
def softmax_backward(dout, p):
    return p * dout - p * np.sum(p * dout, axis=-1, keepdims=True)
'''),
    ("12.4", "einsum for every product", '''
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = np.einsum("...ts,...te->...se", weights, dout)
    dweights = np.einsum("...te,...se->...ts", dout, v)
    dscores = softmax_backward(dweights, weights) * scale
    return np.einsum("...ts,...se->...te", dscores, k), np.einsum("...ts,...te->...se", dscores, q), dv
'''),
    ("12.8", "the three paths through x added one by one", '''
def mha_backward(dout, cache):
    cache_qkv, cache_o, h, cache_att = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)
    dq, dk, dv = attention_backward(split_heads(dmerged, h), cache_att)
    x_flat, W = cache_qkv
    N, T, E = dout.shape
    grads, dx = {"Wo": dWo, "bo": dbo}, np.zeros((N, T, E), dtype=dout.dtype)
    for i, (c, d) in enumerate(zip("qkv", (dq, dk, dv))):
        flat = merge_heads(d).reshape(N * T, E)
        grads["W" + c], grads["b" + c] = x_flat.T @ flat, flat.sum(axis=0)
        dx = dx + (flat @ W[:, i * E:(i + 1) * E].T).reshape(N, T, E)
    return dx, grads
'''),
    ("12.9", "the rates by exp(-log(10000) 2i / E)", '''
def positional_encoding(T, E):
    rates = np.exp(-np.log(10000.0) * np.arange(0, E, 2) / E)
    angles = np.arange(T)[:, None] * rates
    pe = np.zeros((T, E))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : E // 2])
    return pe
'''),
    ("12.10", "np.var and np.sqrt", '''
def layer_norm_forward(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(np.var(x, axis=-1, keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    return xhat * gamma + beta, (xhat, inv_std, gamma)
'''),
    ("12.11", "dx in the N-scaled textbook form", '''
def layer_norm_backward(dout, cache):
    xhat, inv_std, gamma = cache
    E = dout.shape[-1]
    rows = tuple(range(dout.ndim - 1))
    dxhat = dout * gamma
    dx = inv_std / E * (E * dxhat - dxhat.sum(axis=-1, keepdims=True)
                        - xhat * (dxhat * xhat).sum(axis=-1, keepdims=True))
    return dx, (dout * xhat).sum(axis=rows), dout.sum(axis=rows)
'''),
]
