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
    ("12.4", "the softmax's backward skipped (dscores = dweights)", None, '''
def attention_backward(dout, cache):
    q, k, v, weights = cache
    scale = q.shape[-1] ** -0.5
    dv = np.swapaxes(weights, -1, -2) @ dout
    dscores = (dout @ np.swapaxes(v, -1, -2)) * scale
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
'''),
    ("12.4", "dk without the transpose of dscores", None, '''
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
    ("12.7", "the output projection Wo, bo left out", None, '''
def mha_forward(x, params, h, mask=None):
    q, cache_q = _dense3(x, params["Wq"], params["bq"])
    k, cache_k = _dense3(x, params["Wk"], params["bk"])
    v, cache_v = _dense3(x, params["Wv"], params["bv"])
    heads, cache_att = attention_forward(split_heads(q, h), split_heads(k, h), split_heads(v, h), mask)
    out = merge_heads(heads)
    return out, (cache_q, cache_k, cache_v, cache_att, None, h)
'''),
    ("12.7", "the mask not passed on", None, '''
def mha_forward(x, params, h, mask=None):
    q, cache_q = _dense3(x, params["Wq"], params["bq"])
    k, cache_k = _dense3(x, params["Wk"], params["bk"])
    v, cache_v = _dense3(x, params["Wv"], params["bv"])
    heads, cache_att = attention_forward(split_heads(q, h), split_heads(k, h), split_heads(v, h))
    out, cache_o = _dense3(merge_heads(heads), params["Wo"], params["bo"])
    return out, (cache_q, cache_k, cache_v, cache_att, cache_o, h)
'''),
    # 12.8 mha_backward
    ("12.8", "dx only through the queries", None, '''
def mha_backward(dout, cache):
    cache_q, cache_k, cache_v, cache_att, cache_o, h = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)
    dq, dk, dv = attention_backward(split_heads(dmerged, h), cache_att)
    dxq, dWq, dbq = _dense3_backward(merge_heads(dq), cache_q)
    _, dWk, dbk = _dense3_backward(merge_heads(dk), cache_k)
    _, dWv, dbv = _dense3_backward(merge_heads(dv), cache_v)
    grads = {"Wq": dWq, "bq": dbq, "Wk": dWk, "bk": dbk, "Wv": dWv, "bv": dbv, "Wo": dWo, "bo": dbo}
    return dxq, grads
'''),
    ("12.8", "the gradient of the merge merged again instead of split", None, '''
def mha_backward(dout, cache):
    cache_q, cache_k, cache_v, cache_att, cache_o, h = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)
    N, T, E = dmerged.shape
    dq, dk, dv = attention_backward(dmerged.reshape(N, h, T, E // h), cache_att)
    dxq, dWq, dbq = _dense3_backward(merge_heads(dq), cache_q)
    dxk, dWk, dbk = _dense3_backward(merge_heads(dk), cache_k)
    dxv, dWv, dbv = _dense3_backward(merge_heads(dv), cache_v)
    grads = {"Wq": dWq, "bq": dbq, "Wk": dWk, "bk": dbk, "Wv": dWv, "bv": dbv, "Wo": dWo, "bo": dbo}
    return dxq + dxk + dxv, grads
'''),
    ("12.8", "the gradients of Wk and Wv swapped", None, '''
def mha_backward(dout, cache):
    cache_q, cache_k, cache_v, cache_att, cache_o, h = cache
    dmerged, dWo, dbo = _dense3_backward(dout, cache_o)
    dq, dk, dv = attention_backward(split_heads(dmerged, h), cache_att)
    dxq, dWq, dbq = _dense3_backward(merge_heads(dq), cache_q)
    dxk, dWk, dbk = _dense3_backward(merge_heads(dk), cache_k)
    dxv, dWv, dbv = _dense3_backward(merge_heads(dv), cache_v)
    grads = {"Wq": dWq, "bq": dbq, "Wk": dWv, "bk": dbv, "Wv": dWk, "bv": dbk, "Wo": dWo, "bo": dbo}
    return dxq + dxk + dxv, grads
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
    ("12.11", "only the mean correction (the variance term left out)", None, '''
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
    ("12.12", "the mask not passed on to the attention", None, '''
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
    ("12.13", "the attention part gets dout instead of dx1", None, '''
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
    ("12.13", "the ReLU's gate skipped in the backward pass", None, '''
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
