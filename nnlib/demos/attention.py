"""Chapter 12 demos: a soft look-up, positional encodings, attention heat maps.

Everything that computes attention calls your functions (``attention_forward``,
``positional_encoding``, and through ``nnlib.attention.transformer_forward``
all of the chapter's). Until an exercise is done, the figure that needs it
says which one to finish instead of failing.
"""

from __future__ import annotations

import importlib

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.demos.base import Demo, attempt, say


def _attention_module():
    """Your ``nnlib/attention.py`` (the model helpers at its end call your exercises)."""
    return importlib.import_module("nnlib.attention")


# --------------------------------------------------------------------------
# Attention as a soft dictionary look-up
# --------------------------------------------------------------------------

#: Four keys in the plane (unit vectors at these angles) and their values (one number each).
LOOKUP_KEY_ANGLES = (0.0, 100.0, 180.0, 260.0)
LOOKUP_VALUES = (4.0, 1.0, -2.0, 3.0)


def _lookup_keys():
    angles = np.radians(LOOKUP_KEY_ANGLES)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (4, 2)


def draw_lookup(axes, angle, length, nn, hard=False):
    """Draw a query (at ``angle`` degrees, of ``length``), the keys, and the weights it gives them.

    Left: the keys (grey arrows, labelled with their values) and the query
    (red). Right: the attention weights over the four keys and the output,
    the weighted average of the values. Returns the weights (or None).
    """
    keys = _lookup_keys()
    values = np.array(LOOKUP_VALUES)
    query = length * np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    left, right = axes
    for (kx, ky), value in zip(keys, values, strict=True):
        left.annotate("", xy=(kx, ky), xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": "grey", "lw": 2})
        left.text(1.18 * kx, 1.18 * ky, f"value {value:g}", ha="center", va="center", fontsize=9, color="dimgrey")
    left.annotate("", xy=tuple(query / max(1.0, length / 1.6)), xytext=(0, 0),
                  arrowprops={"arrowstyle": "->", "color": "firebrick", "lw": 2.5})
    left.set_xlim(-1.7, 1.7)
    left.set_ylim(-1.7, 1.7)
    left.set_aspect("equal")
    left.set_xticks([])
    left.set_yticks([])
    left.set_title("keys (grey) and the query (red)", fontsize=10)
    # attention_forward divides by sqrt(E) = sqrt(2): undo it so that the slider is the raw length
    result, problem = attempt(nn.attention_forward, (query * np.sqrt(2.0))[None, None, :], keys[None],
                              values[None, :, None])
    if problem is not None:
        say(right, problem)
        right.set_axis_off()
        return None
    out, cache = result
    weights = np.asarray(cache[3]).reshape(-1)
    labels = [f"key {i}\n(value {v:g})" for i, v in enumerate(values)]
    right.bar(range(4), weights, color="tab:blue")
    right.set_xticks(range(4), labels, fontsize=8)
    right.set_ylim(0, 1.05)
    right.set_ylabel("attention weight")
    hard_pick = values[int(np.argmax(keys @ query))]
    right.set_title(f"output = weighted average = {float(np.ravel(out)[0]):.2f}"
                    + (f"  (hard look-up: {hard_pick:g})" if hard else ""), fontsize=10)
    return weights


def plot_lookup(angle=20.0, length=2.0):
    """The soft look-up for one query, as a figure."""
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.6))
    draw_lookup(axes, angle, length, learner_functions(), hard=True)
    fig.tight_layout()
    plt.close(fig)
    return fig


class SoftLookup(Demo):
    """Turn the query and change its length; watch the weights and the output.

    The query's direction decides which keys match; its length is how sharp
    the softmax is (a long query gives nearly all the weight to the best key,
    a hard look-up; a short one averages everything).
    """

    def __init__(self, angle=20.0, length=2.0):
        self.nn = learner_functions()
        controls = {
            "angle": widgets.FloatSlider(value=angle, min=-180.0, max=180.0, step=5.0, description="direction",
                                         continuous_update=False),
            "length": widgets.FloatSlider(value=length, min=0.0, max=12.0, step=0.25, description="length",
                                          continuous_update=False),
        }
        super().__init__(controls, figsize=(9.0, 3.6), ncols=2)

    def draw(self) -> None:
        """Redraw the keys, the query and the weights."""
        draw_lookup(self.axes, self.value("angle"), self.value("length"), self.nn, hard=True)
        self.fig.tight_layout()


# --------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------


def plot_positional_encoding(T=64, E=32):
    """Your ``positional_encoding(T, E)`` as an image (rows: positions, columns: embedding entries)."""
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    pe, problem = attempt(learner_functions().positional_encoding, T, E)
    if problem is not None:
        say(ax, problem, width=60)
        ax.set_axis_off()
    else:
        image = ax.imshow(np.asarray(pe).T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, origin="lower")
        ax.set_xlabel("position t")
        ax.set_ylabel("embedding entry")
        fig.colorbar(image, ax=ax, label="value")
        ax.set_title(f"positional_encoding({T}, {E}): fast waves in the first entries, slow ones in the last",
                     fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


# --------------------------------------------------------------------------
# Training and heat maps
# --------------------------------------------------------------------------


def plot_losses(losses):
    """The training loss per step, on a log scale."""
    fig, ax = plt.subplots(figsize=(6.0, 3.2))
    ax.semilogy(np.arange(1, len(losses) + 1), losses)
    ax.set_xlabel("training step")
    ax.set_ylabel("cross-entropy (log scale)")
    ax.grid(alpha=0.3)
    ax.set_title("loss of the transformer on fresh random batches", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


def draw_heat_map(ax, weights, inputs, outputs=None, title=None, colorbar=False):
    """One attention map: row t (a query position) shows how it spreads its attention over the inputs.

    ``inputs`` label the columns (the keys' tokens); ``outputs``, if given,
    label the rows (for example the model's prediction at each position).
    """
    T = len(inputs)
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(T), [str(int(t)) for t in inputs], fontsize=8)
    rows = [f"{t}" if outputs is None else f"{t}: {int(o)}" for t, o in zip(range(T), outputs if outputs is not None
                                                                           else range(T), strict=True)]
    ax.set_yticks(range(T), rows, fontsize=8)
    ax.set_xlabel("key: input token", fontsize=8)
    ax.set_ylabel("query position" + ("" if outputs is None else ": output"), fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046)


def run_model(model, tokens):
    """Your transformer on ``tokens`` (N, T): ``(predictions (N, T), maps (layers, N, h, T, T))``."""
    attention = _attention_module()
    logits, cache = attention.transformer_forward(np.asarray(tokens), model)
    return np.argmax(logits, axis=-1), attention.attention_maps(cache)


def plot_attention_maps(model, tokens):
    """Every head of every block for one input sequence (a grid: blocks down, heads across)."""
    tokens = np.asarray(tokens).reshape(1, -1)
    result, problem = attempt(run_model, model, tokens, timeout=10.0)
    if problem is not None:
        fig, ax = plt.subplots(figsize=(6.0, 2.0))
        say(ax, problem, width=70)
        ax.set_axis_off()
        plt.close(fig)
        return fig
    predicted, maps = result
    layers, _, heads = maps.shape[:3]
    fig, axes = plt.subplots(layers, heads, figsize=(2.9 * heads + 0.6, 2.8 * layers), squeeze=False)
    for layer in range(layers):
        for head in range(heads):
            draw_heat_map(axes[layer, head], maps[layer, 0, head], tokens[0], predicted[0],
                          title=f"block {layer + 1}, head {head + 1}")
    fig.suptitle(f"input {' '.join(map(str, tokens[0]))}  ->  output {' '.join(map(str, predicted[0]))}",
                 fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


class AttentionExplorer(Demo):
    """Type a sequence of digits, pick a block and a head, and see where every position looks.

    The heat map's row t is the attention of output position t over the
    input tokens (columns); the row label is what the model outputs there.
    """

    def __init__(self, model, sequence="3 1 4 1 5 9 2 6", layer=2, head=1):
        self.model = model
        self.num_layers = len(model["blocks"])
        controls = {
            "sequence": widgets.Text(value=sequence, description="digits", continuous_update=False,
                                     layout=widgets.Layout(width="260px")),
            "layer": widgets.Dropdown(options=list(range(1, self.num_layers + 1)), value=layer,
                                      description="block", layout=widgets.Layout(width="150px")),
            "head": widgets.Dropdown(options=list(range(1, int(model["heads"]) + 1)), value=head,
                                     description="head", layout=widgets.Layout(width="150px")),
        }
        super().__init__(controls, figsize=(4.8, 4.4))

    def tokens(self):
        """The typed digits as an int array of shape (1, T), or a reason why not."""
        text = str(self.value("sequence")).replace(",", " ")
        digits = [c for c in text if not c.isspace()]
        if not digits or not all(c.isdigit() for c in digits):
            return None, "type digits 0-9, separated by spaces"
        return np.array([[int(c) for c in digits]]), None

    def draw(self) -> None:
        """Run the model on the typed sequence and draw the chosen head's map."""
        tokens, problem = self.tokens()
        if problem is None:
            result, problem = attempt(run_model, self.model, tokens, timeout=10.0)
        if problem is not None:
            self.notice = problem
            self.ax.set_axis_off()
            return
        predicted, maps = result
        layer, head = self.value("layer") - 1, self.value("head") - 1
        right = "sorted correctly" if np.array_equal(predicted[0], np.sort(tokens[0])) else "not sorted"
        draw_heat_map(self.ax, maps[layer, 0, head], tokens[0], predicted[0],
                      title=f"block {layer + 1}, head {head + 1}: output {' '.join(map(str, predicted[0]))} "
                            f"({right})")
        self.fig.tight_layout()
