"""Properties of the reference ``nnlib/rnn.py`` that calculus and algebra guarantee.

Each test's docstring is the question it answers. Backward functions are
compared with central differences in float64 by
:func:`nnlib.testing.check_gradient`, on shapes with N, T, D, H all different.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.rnn import embedding_backward, embedding_forward
from nnlib.testing import check_gradient

FAST = settings(max_examples=20, deadline=None)


# --------------------------------------------------------------------------
# embedding
# --------------------------------------------------------------------------


@pytest.mark.ex9_10
@FAST
@given(st.integers(1, 4), st.integers(1, 6), st.integers(1, 7), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_embedding_forward_is_row_lookup(n, t, v, e, seed):
    """Is out[n, t] the row W[x[n, t]], for every position?"""
    rng = np.random.default_rng(seed)
    x, W = rng.integers(0, v, size=(n, t)), rng.normal(size=(v, e))
    out, cache = embedding_forward(x, W)
    assert out.shape == (n, t, e)
    for i in range(n):
        for j in range(t):
            np.testing.assert_array_equal(out[i, j], W[x[i, j]])
    assert cache[1] == v


@pytest.mark.ex9_11
@FAST
@given(st.integers(1, 4), st.integers(1, 6), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_embedding_backward_matches_central_differences(n, t, v, e, seed):
    """Does dW match central differences of sum(W[x] * R), repeated ids included?"""
    rng = np.random.default_rng(seed)
    x, W, R = rng.integers(0, v, size=(n, t)), rng.normal(size=(v, e)), rng.normal(size=(n, t, e))
    _, cache = embedding_forward(x, W)
    dW = embedding_backward(R, cache)
    check_gradient(lambda w: np.sum(embedding_forward(x, w)[0] * R), W, dW, name="W")


@pytest.mark.ex9_11
def test_embedding_backward_keeps_float32():
    """Does a float32 upstream gradient give a float32 dW, with rows summed for repeats?"""
    dW = embedding_backward(np.ones((2, 3, 4), dtype=np.float32), (np.zeros((2, 3), dtype=int), 2))
    assert dW.dtype == np.float32
    np.testing.assert_array_equal(dW, [[6.0] * 4, [0.0] * 4])


# --------------------------------------------------------------------------
# RNN, LSTM, loss, clipping, sampling
# --------------------------------------------------------------------------

from nnlib.rnn import (  # noqa: E402
    clip_gradients,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    sample,
    temporal_softmax_loss,
)

sizes = st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**32 - 1))


def _args(shapes, seed, scale=0.6):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s) * scale for s in shapes], rng


@pytest.mark.ex9_1
@pytest.mark.ex9_2
@FAST
@given(sizes)
def test_rnn_step_gradients(dims):
    """Do the five gradients of one RNN step match central differences?"""
    n, _, d, h, seed = dims
    args, rng = _args([(n, d), (n, h), (d, h), (h, h), (h,)], seed)
    R = rng.normal(size=(n, h))
    grads = rnn_step_backward(R, rnn_step_forward(*args)[1])
    for k in range(5):
        def loss(v, k=k):
            trial = list(args)
            trial[k] = v
            return np.sum(rnn_step_forward(*trial)[0] * R)

        check_gradient(loss, args[k], grads[k], name=str(k))


@pytest.mark.ex9_3
@pytest.mark.ex9_4
@FAST
@given(sizes)
def test_rnn_bptt_gradients(dims):
    """Does backpropagation through time match central differences, dh0 included?"""
    n, t, d, h, seed = dims
    args, rng = _args([(n, t, d), (n, h), (d, h), (h, h), (h,)], seed)
    R = rng.normal(size=(n, t, h))
    grads = rnn_backward(R, rnn_forward(*args)[1])
    for k in range(5):
        def loss(v, k=k):
            trial = list(args)
            trial[k] = v
            return np.sum(rnn_forward(*trial)[0] * R)

        check_gradient(loss, args[k], grads[k], name=str(k))


@pytest.mark.ex9_6
@pytest.mark.ex9_7
@FAST
@given(sizes)
def test_lstm_step_gradients(dims):
    """Do the six gradients of one LSTM step match central differences along both outputs?"""
    n, _, d, h, seed = dims
    args, rng = _args([(n, d), (n, h), (n, h), (d, 4 * h), (h, 4 * h), (4 * h,)], seed, 1.0)
    Rh, Rc = rng.normal(size=(n, h)), rng.normal(size=(n, h))
    grads = lstm_step_backward(Rh, Rc, lstm_step_forward(*args)[2])
    for k in range(6):
        def loss(v, k=k):
            trial = list(args)
            trial[k] = v
            out = lstm_step_forward(*trial)
            return np.sum(out[0] * Rh) + np.sum(out[1] * Rc)

        check_gradient(loss, args[k], grads[k], name=str(k))


@pytest.mark.ex9_8
@pytest.mark.ex9_9
@FAST
@given(sizes)
def test_lstm_sequence_gradients_and_steps(dims):
    """Is lstm_forward the step applied T times, and does lstm_backward match central differences?"""
    n, t, d, h, seed = dims
    args, rng = _args([(n, t, d), (n, h), (d, 4 * h), (h, 4 * h), (4 * h,)], seed)
    out, cache = lstm_forward(*args)
    state, cell = args[1], np.zeros((n, h))
    for k in range(t):
        state, cell, _ = lstm_step_forward(args[0][:, k], state, cell, *args[2:])
        np.testing.assert_allclose(out[:, k], state, rtol=1e-10, atol=1e-12)
    R = rng.normal(size=(n, t, h))
    grads = lstm_backward(R, cache)
    for k in range(5):
        def loss(v, k=k):
            trial = list(args)
            trial[k] = v
            return np.sum(lstm_forward(*trial)[0] * R)

        check_gradient(loss, args[k], grads[k], name=str(k))


@pytest.mark.ex9_8
@pytest.mark.ex9_9
@pytest.mark.parametrize(("dtype", "tol"), [(np.float64, 1e-10), (np.float32, 2e-5)])
def test_lstm_sequence_is_the_step_exercises_step_by_step(dtype, tol):
    """Do lstm_forward/backward (the step written out, time-major) give what lstm_step_forward/backward give
    step by step, in float32 too, and the same gradients from a batch-first contiguous copy of the cache?"""
    rng = np.random.default_rng(98)
    n, t, d, h = 3, 7, 4, 5
    x, h0, Wx, Wh, b = (rng.normal(size=s).astype(dtype) for s in [(n, t, d), (n, h), (d, 4 * h), (h, 4 * h), (4 * h,)])
    dh = rng.normal(size=(n, t, h)).astype(dtype)
    out, cache = lstm_forward(x, h0, Wx, Wh, b)
    grads = lstm_backward(dh, cache)

    state, cell, steps = h0, np.zeros((n, h), dtype=dtype), []
    for k in range(t):
        state, cell, step_cache = lstm_step_forward(x[:, k], state, cell, Wx, Wh, b)
        steps.append(step_cache)
        np.testing.assert_allclose(out[:, k], state, rtol=tol, atol=tol)
        np.testing.assert_allclose(cache[4][:, k], step_cache[5], rtol=tol, atol=tol)  # gates, order i, f, o, g
        np.testing.assert_allclose(cache[5][:, k], cell, rtol=tol, atol=tol)
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    carried_h, carried_c = np.zeros((n, h), dtype=dtype), np.zeros((n, h), dtype=dtype)
    for k in reversed(range(t)):
        dx[:, k], carried_h, carried_c, dWx_k, dWh_k, db_k = lstm_step_backward(dh[:, k] + carried_h, carried_c, steps[k])
        dWx, dWh, db = dWx + dWx_k, dWh + dWh_k, db + db_k
    for got, expected in zip(grads, (dx, carried_h, dWx, dWh, db), strict=True):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=10 * tol, atol=10 * tol)
    batch_first = lstm_backward(dh.copy(), tuple(np.ascontiguousarray(a) for a in cache))
    for got, expected in zip(batch_first, grads, strict=True):
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.ex9_8
@pytest.mark.ex9_9
@pytest.mark.parametrize("fn", ["rnn", "lstm"])
def test_float32_in_float32_out(fn):
    """Do the sequence functions keep float32 inputs float32 all the way through the backward?"""
    rng = np.random.default_rng(0)
    k = 4 if fn == "lstm" else 1
    args = [rng.normal(size=s).astype(np.float32) for s in [(2, 3, 4), (2, 5), (4, 5 * k), (5, 5 * k), (5 * k,)]]
    forward, backward = (lstm_forward, lstm_backward) if fn == "lstm" else (rnn_forward, rnn_backward)
    h, cache = forward(*args)
    assert h.dtype == np.float32
    assert all(g.dtype == np.float32 for g in backward(np.ones_like(h), cache))


@pytest.mark.ex9_5
@FAST
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.floats(0.1, 10.0), st.integers(0, 2**32 - 1))
def test_clipping_keeps_direction_and_caps_norm(lengths, max_norm, seed):
    """Is the clipped gradient parallel to the original, with norm min(norm, max_norm)?"""
    rng = np.random.default_rng(seed)
    grads = [rng.normal(size=n) * 3 for n in lengths]
    clipped, norm = clip_gradients(grads, max_norm)
    flat, flat_clipped = np.concatenate(grads), np.concatenate(clipped)
    assert norm == pytest.approx(np.linalg.norm(flat))
    assert np.linalg.norm(flat_clipped) == pytest.approx(min(norm, max_norm))
    np.testing.assert_allclose(flat_clipped * norm, flat * np.linalg.norm(flat_clipped), rtol=1e-9, atol=1e-12)


@pytest.mark.ex9_12
@FAST
@given(st.integers(1, 3), st.integers(1, 4), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_temporal_loss_gradient_and_mask(n, t, v, seed):
    """Does dscores match central differences, and is a masked position ignored entirely?"""
    rng = np.random.default_rng(seed)
    scores, y = rng.normal(size=(n, t, v)), rng.integers(0, v, size=(n, t))
    mask = rng.random((n, t)) > 0.4
    mask[0, 0] = True
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    check_gradient(lambda s: temporal_softmax_loss(s, y, mask)[0], scores, dscores, name="scores")
    assert np.all(dscores[~mask] == 0)
    changed = scores.copy()
    changed[~mask] += 100.0
    assert temporal_softmax_loss(changed, y, mask)[0] == pytest.approx(loss)


@pytest.mark.ex9_13
def test_sample_is_reproducible_and_temperature_sharpens():
    """Does the same seed give the same text, and does a low temperature repeat the likeliest token?"""
    rng = np.random.default_rng(3)
    H, V, E = 4, 6, 3
    params = {"W_embed": rng.normal(size=(V, E)), "Wx": rng.normal(size=(E, 4 * H)), "Wh": rng.normal(size=(H, 4 * H)),
              "b": np.zeros(4 * H), "W_out": np.zeros((H, V)), "b_out": np.arange(V, dtype=float)}
    a = sample(params, [0], 30, np.random.default_rng(1), 1.0)
    b = sample(params, [0], 30, np.random.default_rng(1), 1.0)
    np.testing.assert_array_equal(a, b)
    cold = sample(params, [0], 30, np.random.default_rng(1), 0.01)
    assert np.all(cold == V - 1)
    hot = sample(params, [0], 300, np.random.default_rng(1), 100.0)
    assert len(set(hot.tolist())) == V


# --------------------------------------------------------------------------
# The results the page states
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nn():
    from nnlib.checking import learner_functions

    return learner_functions("nnlib", reload=False)


@pytest.mark.ex9_4
def test_sine_forecast_beats_the_baseline_five_times(nn):
    """Is the RNN's held-out forecast error at least 5 times below repeating the last value?"""
    from nnlib.demos.rnn import train_sine_rnn

    result = train_sine_rnn(nn)
    assert result["baseline_mse"] / result["test_mse"] >= 5.0


@pytest.mark.ex9_9
def test_gradient_decay_figure_says_what_the_page_says(nn):
    """Does the small-W_h RNN's gradient vanish, the large one's explode, and the LSTM's stay within 20x?"""
    from nnlib.demos.rnn import gradient_decay

    small, large, lstm = gradient_decay(nn).values()
    assert small[-1] < 1e-6 * small[0]
    assert large[-1] > 100 * large[0]
    assert lstm.max() / lstm.min() < 20.0


@pytest.mark.ex9_13
def test_zen_character_model_is_text_like(nn):
    """Does the character LSTM reach < 1 bit per character and write mostly real words of the Zen?"""
    from nnlib.demos.rnn import generate, real_word_fraction, train_char_lstm, zen_text

    text = zen_text()
    assert text.startswith("The Zen of Python")
    model = train_char_lstm(nn, text)
    assert model["bits_per_char"] < 1.0
    final = generate(nn, model, "Beautiful ", 400, temperature=0.7, seed=1)
    assert real_word_fraction(final, text) >= 0.7
    first_step, first_sample = model["samples"][0]
    assert first_step == 0 and real_word_fraction(first_sample, text) < 0.5
