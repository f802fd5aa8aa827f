"""Figures, trained models and widgets for chapter 9 (recurrent networks).

Everything here calls the learner's functions through ``nn`` (a namespace
from :func:`nnlib.checking.learner_functions`), so the models on the page are
trained by the reader's own ``rnn_forward``, ``lstm_backward``,
``adam_step`` and the rest.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.demos.base import Demo, attempt

try:  # small matrices: one BLAS thread is faster than several fighting over the cores
    from threadpoolctl import threadpool_limits

    def _one_thread():
        return threadpool_limits(1)
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn

    def _one_thread():
        return contextlib.nullcontext()


def _single_threaded(fn):
    """Run ``fn`` with one BLAS thread (its matrices are small; the build machine has two cores)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with _one_thread():
            return fn(*args, **kwargs)

    return run

# --------------------------------------------------------------------------
# Shared training pieces
# --------------------------------------------------------------------------


def _adam(nn, params, grads, state, lr):
    """One Adam step (chapter 5's adam_step) on every array of the dict ``params``."""
    state["t"] += 1
    for name in params:
        m, v = state.setdefault(name, (np.zeros_like(params[name]), np.zeros_like(params[name])))
        params[name], m, v = nn.adam_step(params[name], grads[name], m, v, state["t"], lr=lr)
        state[name] = (m, v)


def _clip(nn, grads, max_norm):
    """Clip the dict ``grads`` by its global norm with the learner's clip_gradients."""
    names = list(grads)
    clipped, norm = nn.clip_gradients([grads[k] for k in names], max_norm)
    return dict(zip(names, clipped, strict=True)), norm


def _dense_over_time(nn, h, W, b):
    """A dense layer applied at every step: (N, T, H) -> (N, T, K), and its cache."""
    n, steps, hidden = h.shape
    out, cache = nn.dense_forward(h.reshape(n * steps, hidden), W, b)  # (N T, H) @ (H, K) -> (N T, K)
    return out.reshape(n, steps, -1), cache


def _dense_over_time_backward(nn, dout, cache, shape):
    """Backward of :func:`_dense_over_time`: (dh of ``shape``, dW, db)."""
    n, steps, k = dout.shape
    dh, dW, db = nn.dense_backward(dout.reshape(n * steps, k), cache)  # (N T, K) -> (N T, H)
    return dh.reshape(shape), dW, db


# --------------------------------------------------------------------------
# The unrolled graph
# --------------------------------------------------------------------------


def plot_unrolled(steps=4):
    """Draw an RNN as a loop and unrolled into ``steps`` copies that share W_x, W_h and b."""
    fig, (loop, chain) = plt.subplots(1, 2, figsize=(10.0, 3.2), gridspec_kw={"width_ratios": [1, 3.2]})
    box = {"boxstyle": "round,pad=0.4", "fc": "#dbe9f6", "ec": "#1f4e79"}
    arrow = {"arrowstyle": "->", "color": "#1f4e79", "lw": 1.4}
    for ax in (loop, chain):
        ax.set_axis_off()
    loop.set_xlim(-1, 1)
    loop.set_ylim(-1.4, 1.4)
    loop.text(0, 0, "RNN", ha="center", va="center", bbox=box, fontsize=11)
    loop.text(0, -1.2, "$x_t$", ha="center", fontsize=12)
    loop.text(0, 1.15, "$h_t$", ha="center", fontsize=12)
    loop.annotate("", (0, -0.3), (0, -1.0), arrowprops=arrow)
    loop.annotate("", (0, 1.0), (0, 0.3), arrowprops=arrow)
    loop.annotate("", (0.3, 0.1), (0.3, -0.1), arrowprops={**arrow, "connectionstyle": "arc3,rad=-2.5"})
    loop.text(0.75, 0, "$W_h$", fontsize=11, va="center")
    loop.set_title("a loop: the state feeds itself", fontsize=10)
    chain.set_xlim(-0.8, steps * 1.6)
    chain.set_ylim(-1.4, 1.4)
    chain.text(-0.6, 0, "$h_0$", ha="center", va="center", fontsize=12)
    for t in range(steps):
        cx = t * 1.6 + 0.6
        chain.text(cx, 0, f"step {t + 1}", ha="center", va="center", bbox=box, fontsize=10)
        chain.text(cx, -1.2, f"$x_{t + 1}$", ha="center", fontsize=12)
        chain.text(cx, 1.15, f"$h_{t + 1}$", ha="center", fontsize=12)
        chain.annotate("", (cx, -0.3), (cx, -1.0), arrowprops=arrow)
        chain.annotate("", (cx, 1.0), (cx, 0.3), arrowprops=arrow)
        chain.annotate("", (cx - 0.55, 0), (cx - 1.05 if t else -0.4, 0), arrowprops=arrow)
        chain.text(cx - 0.8, 0.15, "$W_h$", ha="center", fontsize=9)
    chain.set_title(f"unrolled over {steps} steps: one deep network, the same weights at every step", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------
# Sine-wave forecasting with the plain RNN
# --------------------------------------------------------------------------


def make_sine_batch(n, steps=40, rng=0, noise=0.02):
    """N noisy sine waves with random frequency and phase: inputs and next-value targets.

    Returns ``x, y`` of shape (N, T, 1): ``y[:, t]`` is the value after ``x[:, t]``.
    """
    rng = np.random.default_rng(rng)
    omega = rng.uniform(0.15, 0.45, size=(n, 1))  # radians per step
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    series = np.sin(omega * np.arange(steps + 1)[None, :] + phase)
    series += noise * rng.normal(size=series.shape)
    series = series.astype(np.float32)[:, :, None]  # (N, T + 1, 1)
    return series[:, :-1], series[:, 1:]


def _sine_predict(nn, params, x):
    """Forecasts of the next value at every step, and the caches."""
    h0 = np.zeros((x.shape[0], params["Wh"].shape[0]), dtype=x.dtype)
    h, rnn_cache = nn.rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"])
    y_hat, out_cache = _dense_over_time(nn, h, params["Wy"], params["by"])
    return y_hat, (h, rnn_cache, out_cache)


@_single_threaded
def train_sine_rnn(nn, hidden=32, steps=400, batch_size=32, lr=0.01, seed=0):
    """Train a plain RNN to forecast sine waves; return its parameters and held-out errors.

    The result holds ``params``, the training ``losses``, and on 200 held-out
    sequences (another seed) the forecast's ``test_mse`` and the
    ``baseline_mse`` of repeating the last value, plus the held-out data
    (``x_test``, ``y_test``, ``y_hat``) for the plot.
    """
    rng = np.random.default_rng(seed)
    scale = np.float32(1.0 / np.sqrt(hidden))
    params = {
        "Wx": rng.normal(size=(1, hidden)).astype(np.float32),
        "Wh": (rng.normal(size=(hidden, hidden)) * scale).astype(np.float32),
        "b": np.zeros(hidden, dtype=np.float32),
        "Wy": (rng.normal(size=(hidden, 1)) * scale).astype(np.float32),
        "by": np.zeros(1, dtype=np.float32),
    }
    state, losses = {"t": 0}, []
    for _ in range(steps):
        x, y = make_sine_batch(batch_size, rng=rng)
        y_hat, (h, rnn_cache, out_cache) = _sine_predict(nn, params, x)
        loss, dy_hat = nn.mse_loss(y_hat, y)
        dh, dWy, dby = _dense_over_time_backward(nn, dy_hat, out_cache, h.shape)
        _, _, dWx, dWh, db = nn.rnn_backward(dh, rnn_cache)
        grads, _ = _clip(nn, {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}, 5.0)
        _adam(nn, params, grads, state, lr)
        losses.append(float(loss))
    x_test, y_test = make_sine_batch(200, rng=10_000 + seed)
    y_hat, _ = _sine_predict(nn, params, x_test)
    return {
        "params": params,
        "losses": losses,
        "steps": steps,
        "x_test": x_test,
        "y_test": y_test,
        "y_hat": y_hat,
        "test_mse": float(np.mean((y_hat - y_test) ** 2)),
        "baseline_mse": float(np.mean((x_test - y_test) ** 2)),
    }


def plot_forecast(result, n=3):
    """Held-out sequences, the RNN's next-value forecasts and the repeat-the-last-value baseline."""
    fig, axes = plt.subplots(1, n + 1, figsize=(12.0, 3.0))
    losses = np.asarray(result["losses"])
    axes[0].semilogy(losses, color="#1f4e79", lw=0.8)
    axes[0].set_title("training loss (MSE)", fontsize=10)
    axes[0].set_xlabel("step")
    for k, ax in enumerate(axes[1:]):
        t = np.arange(1, result["y_test"].shape[1] + 1)
        ax.plot(t, result["y_test"][k, :, 0], color="black", lw=1.5, label="true next value")
        ax.plot(t, result["y_hat"][k, :, 0], color="#d62728", lw=1.2, label="RNN forecast")
        ax.plot(t, result["x_test"][k, :, 0], color="gray", lw=1.0, ls=":", label="repeat last value")
        ax.set_title(f"held-out sequence {k + 1}", fontsize=10)
        ax.set_xlabel("step t")
    axes[1].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------
# Vanishing and exploding gradients
# --------------------------------------------------------------------------


@_single_threaded
def gradient_decay(nn, steps=40, hidden=32, seed=0):
    """Norm of d h_T / d x_t against the distance T - t, for two random RNNs and a random LSTM.

    Returns a dict: label -> array of ``steps`` norms (index k = distance k).
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(1, steps, 4))
    upstream = np.zeros((1, steps, hidden))
    upstream[0, -1] = rng.normal(size=hidden) / np.sqrt(hidden)  # a loss on the last state only
    h0 = np.zeros((1, hidden))
    curves = {}
    Wx = rng.normal(size=(4, hidden)) * 0.5
    base = rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)
    for label, scale in [("RNN, small W_h (x0.5)", 0.5), ("RNN, large W_h (x2.5)", 2.5)]:
        _, cache = nn.rnn_forward(x, h0, Wx, base * scale, np.zeros(hidden))
        dx = nn.rnn_backward(upstream, cache)[0]
        curves[label] = np.linalg.norm(dx[0], axis=1)[::-1]
    Wx4 = rng.normal(size=(4, 4 * hidden)) * 0.5
    Wh4 = rng.normal(size=(hidden, 4 * hidden)) / np.sqrt(hidden)
    b4 = np.zeros(4 * hidden)
    b4[hidden : 2 * hidden] = 3.0  # forget gates start nearly open
    _, cache = nn.lstm_forward(x, h0, Wx4, Wh4, b4)
    dx = nn.lstm_backward(upstream, cache)[0]
    curves["LSTM, forget bias 3"] = np.linalg.norm(dx[0], axis=1)[::-1]
    return curves


def plot_gradient_decay(curves):
    """Plot the curves of :func:`gradient_decay` on a log scale."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for (label, norms), color in zip(curves.items(), ["#1f77b4", "#d62728", "#2ca02c"], strict=False):
        ax.semilogy(np.arange(len(norms)), norms, label=label, color=color)
    ax.legend(fontsize=8)
    ax.set_xlabel("distance in time T - t between the input and the loss")
    ax.set_ylabel("norm of the gradient wrt x_t")
    ax.set_title("how much a loss at the last step still feels each earlier input", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------
# The character model
# --------------------------------------------------------------------------


def zen_text():
    """The Zen of Python (``import this``), decoded from the ROT13 text in the module ``this``."""
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the poem
        import this
    return codecs.decode(this.s, "rot13")


@_single_threaded
def _char_scores(nn, params, ids, h0=None):
    """Scores (N, T, V) of the character model on the ids (N, T), and the caches."""
    emb, emb_cache = nn.embedding_forward(ids, params["W_embed"])
    if h0 is None:
        h0 = np.zeros((ids.shape[0], params["Wh"].shape[0]), dtype=emb.dtype)
    h, lstm_cache = nn.lstm_forward(emb, h0, params["Wx"], params["Wh"], params["b"])
    scores, out_cache = _dense_over_time(nn, h, params["W_out"], params["b_out"])
    return scores, (emb_cache, h, lstm_cache, out_cache)


def init_char_model(vocab_size, embed=16, hidden=64, rng=0):
    """Parameters of an embedding -> LSTM -> dense character model (float32)."""
    rng = np.random.default_rng(rng)
    b = np.zeros(4 * hidden)
    b[hidden : 2 * hidden] = 1.0  # forget gates start half open
    shapes = {"W_embed": ((vocab_size, embed), 1.0), "Wx": ((embed, 4 * hidden), 1 / np.sqrt(embed)),
              "Wh": ((hidden, 4 * hidden), 1 / np.sqrt(hidden)), "W_out": ((hidden, vocab_size), 1 / np.sqrt(hidden))}
    params = {k: (rng.normal(size=s) * scale).astype(np.float32) for k, (s, scale) in shapes.items()}
    params["b"] = b.astype(np.float32)
    params["b_out"] = np.zeros(vocab_size, dtype=np.float32)
    return params


def encode(text, vocab):
    """Ids of the characters of ``text`` in ``vocab`` (a string of distinct characters)."""
    index = {ch: i for i, ch in enumerate(vocab)}
    return np.array([index[ch] for ch in text], dtype=np.int64)


@_single_threaded
def generate(nn, model, prompt, length, temperature=0.7, seed=0, params=None):
    """Text written by the learner's ``sample`` from ``model`` after reading ``prompt``."""
    vocab = model["vocab"]
    ids = nn.sample(params or model["params"], encode(prompt, vocab), length, np.random.default_rng(seed),
                    temperature)
    return prompt + "".join(vocab[int(i)] for i in ids)


def bits_per_char(nn, params, ids):
    """Mean loss per character, in bits, of the model reading ``ids`` (one long sequence)."""
    scores, _ = _char_scores(nn, params, ids[None, :-1])
    loss, _ = nn.temporal_softmax_loss(scores, ids[None, 1:])
    return loss / np.log(2.0)


def real_word_fraction(sample_text, text):
    """Fraction of the words of ``sample_text`` that occur as words of ``text`` (case-insensitive).

    A word is a run of letters (apostrophes included); the last word of the
    sample is left out when the sample ends inside it (it was cut off).
    """
    known = {w.lower() for w in re.findall(r"[A-Za-z']+", text)}
    words = re.findall(r"[A-Za-z']+", sample_text)
    if words and sample_text[-1:].isalpha():
        words = words[:-1]
    return sum(w.lower() in known for w in words) / max(len(words), 1)


@_single_threaded
def train_char_lstm(nn, text, steps=300, batch_size=24, window=48, lr=0.01, seed=0,
                    checkpoints=(0, 25, 50, 100, 200, 300), prompt="Beautiful ", sample_length=160):
    """Train the character LSTM on ``text`` with the learner's functions.

    Returns a dict with ``params``, ``vocab``, the training ``losses`` (nats
    per character), ``bits_per_char`` on the whole text after training,
    ``checkpoints`` (step -> a copy of the parameters) and ``samples``
    (step, text at temperature 0.7) recorded at the checkpoints.
    """
    vocab = "".join(sorted(set(text)))
    ids = encode(text, vocab)
    rng = np.random.default_rng(seed)
    params = init_char_model(len(vocab), rng=rng)
    model = {"vocab": vocab, "params": params}
    state, losses, saved, samples = {"t": 0}, [], {}, []
    for step in range(steps + 1):
        if step in checkpoints:
            saved[step] = {k: v.copy() for k, v in params.items()}
            samples.append((step, generate(nn, model, prompt, sample_length, 0.7, seed=step, params=saved[step])))
        if step == steps:
            break
        starts = rng.integers(0, len(ids) - window - 1, size=batch_size)
        batch = ids[starts[:, None] + np.arange(window + 1)[None, :]]  # (N, T + 1)
        scores, (emb_cache, h, lstm_cache, out_cache) = _char_scores(nn, params, batch[:, :-1])
        loss, dscores = nn.temporal_softmax_loss(scores, batch[:, 1:])
        dh, dW_out, db_out = _dense_over_time_backward(nn, dscores, out_cache, h.shape)
        demb, _, dWx, dWh, db = nn.lstm_backward(dh, lstm_cache)
        dW_embed = nn.embedding_backward(demb, emb_cache)
        grads, _ = _clip(nn, {"W_embed": dW_embed, "Wx": dWx, "Wh": dWh, "b": db, "W_out": dW_out,
                              "b_out": db_out}, 5.0)
        _adam(nn, params, grads, state, lr)
        losses.append(float(loss))
    model.update(losses=losses, steps=steps, checkpoints=saved, samples=samples,
                 bits_per_char=float(bits_per_char(nn, params, ids)))
    return model


# --------------------------------------------------------------------------
# Widgets
# --------------------------------------------------------------------------


class HiddenStateExplorer(Demo):
    """Move along a line of the text: hidden units so far, and the three likeliest next characters."""

    def __init__(self, nn, model, line="Beautiful is better than ugly.\nExplicit is better than implicit.",
                 units=24, position=12):
        self.nn, self.model, self.line, self.units = nn, model, line, units
        ids = encode(line, model["vocab"])
        result, self.problem = attempt(_char_scores, nn, model["params"], ids[None, :], timeout=10.0)
        if self.problem is None:
            scores, (_, h, _, _) = result
            self.h = np.asarray(h[0])  # (T, H)
            self.scores = np.asarray(scores[0])  # (T, V)
            # the units that change most along the line, for a readable picture
            self.shown = np.argsort(-self.h.std(axis=0))[:units]
        controls = {"t": widgets.IntSlider(value=min(position, len(line)), min=1, max=len(line),
                                           description="characters read", continuous_update=False,
                                           style={"description_width": "initial"})}
        super().__init__(controls, figsize=(10.0, 4.4), ncols=2)
        self.axes[0].set_position([0.06, 0.3, 0.66, 0.6])
        self.axes[1].set_position([0.8, 0.3, 0.17, 0.6])

    def draw(self) -> None:
        """Hidden units (rows) over the characters read so far (columns); next-character bars."""
        left, right = self.axes
        if self.problem is not None:
            self.notice = self.problem
            return
        t = self.value("t")
        shown = np.full((len(self.shown), len(self.line)), np.nan)
        shown[:, :t] = self.h[:t, self.shown].T
        left.imshow(shown, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
        labels = [repr(ch)[1:-1] if ch in "\n " else ch for ch in self.line]
        left.set_xticks(range(len(self.line)), labels, fontsize=7, family="monospace")
        left.set_yticks([])
        left.set_ylabel(f"{len(self.shown)} most active hidden units")
        left.set_title(f"read so far: {self.line[:t]!r}", fontsize=9, loc="left")
        p = np.exp(self.scores[t - 1] - self.scores[t - 1].max())
        p /= p.sum()
        top = np.argsort(-p)[:3][::-1]
        vocab = self.model["vocab"]
        right.barh(range(3), p[top], color="#1f4e79")
        right.set_yticks(range(3), [repr(vocab[k]) for k in top], family="monospace")
        right.set_xlim(0, 1)
        right.set_title("next character?", fontsize=9)

    def snapshot(self) -> list:
        """Titles, texts and the bar lengths."""
        shown = super().snapshot()
        for ax in self.axes:
            shown += [round(float(p.get_width()), 9) for p in ax.patches]
        return shown


class SampleReplay(Demo):
    """Text the model wrote at each recorded training step, at a chosen temperature."""

    def __init__(self, nn, model, prompt="Beautiful ", length=240):
        self.nn, self.model, self.prompt, self.length = nn, model, prompt, length
        steps = sorted(model["checkpoints"])
        controls = {
            "step": widgets.SelectionSlider(options=steps, value=steps[-1], description="training step",
                                            continuous_update=False, style={"description_width": "initial"}),
            "temperature": widgets.Dropdown(options=[0.3, 0.7, 1.0, 1.5], value=0.7, description="temperature"),
        }
        super().__init__(controls, figsize=(8.0, 3.6))

    def draw(self) -> None:
        """Write the sample of the chosen checkpoint and temperature."""
        ax = self.ax
        ax.set_axis_off()
        step, temperature = self.value("step"), self.value("temperature")
        params = self.model["checkpoints"][step]
        text, problem = attempt(generate, self.nn, self.model, self.prompt, self.length, temperature, 0, params)
        if problem is not None:
            self.notice = problem
            return
        ax.text(0.0, 1.0, text, family="monospace", fontsize=8, va="top", ha="left", transform=ax.transAxes, wrap=True)
        ax.set_title(f"after {step} training steps, temperature {temperature}", fontsize=10)
