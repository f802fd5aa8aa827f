"""Chapter 3 demos: watch a perceptron learn (or fail to learn) a data set.

Everything here calls your functions from ``nnlib/perceptron.py``
(``perceptron_predict``, ``perceptron_update``, ``train_perceptron``); until
they are written, the figures say which exercise to finish first.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from nnlib.checking import learner_functions
from nnlib.datasets import logic_gate, make_blobs
from nnlib.demos.base import Demo, attempt

#: The data sets of the demo, and how many epochs it trains on each.
DATASETS = ("AND", "OR", "NAND", "XOR", "blobs")
EPOCHS = {"AND": 8, "OR": 8, "NAND": 8, "XOR": 8, "blobs": 12}
CLASS_COLOURS = ("tab:blue", "tab:orange")


def load(name: str):
    """The data set called ``name``: a logic gate, or two separable blobs.

    Returns
    -------
    X : ndarray of shape (N, 2)
    y : ndarray of shape (N,), int
    """
    if name == "blobs":
        # Two blobs close enough together that learning takes several epochs,
        # yet linearly separable (seed chosen so).
        return make_blobs(20, centers=((-0.7, -0.21), (0.7, 0.21)), spread=0.35, rng=6)
    return logic_gate(name)


def _limits(X):
    """Axis limits with a margin around the points."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.25 * (high - low) + 0.25
    return (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])


def draw_state(ax, X, y, w, b, nn=None, title="", highlight=None, limits=None):
    """Draw the data, the perceptron's regions and its line for (w, b) on ``ax``.

    Regions and misclassified points come from your ``perceptron_predict``.
    Returns a sentence saying what went wrong, or "" when everything worked.
    """
    nn = nn or learner_functions()
    (x0, x1), (y0, y1) = limits or _limits(X)
    problem = ""
    if w is not None:
        g1, g2 = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 120))
        grid = np.column_stack([g1.ravel(), g2.ravel()])  # (120*120, 2)
        regions, problem = attempt(nn.perceptron_predict, grid, w, b)
        if regions is not None and np.size(regions) == g1.size:
            ax.imshow(
                np.asarray(regions, dtype=float).reshape(g1.shape),
                origin="lower",  # (14400,) -> (120, 120)
                extent=(x0, x1, y0, y1),
                cmap="coolwarm",
                vmin=-0.5,
                vmax=1.5,
                alpha=0.25,
                aspect="auto",
            )
        if not _boundary(ax, w, b, (x0, x1), (y0, y1)):
            ax.text(
                0.5,
                0.04,
                "w = 0: no line, every point gets the same class",
                ha="center",
                transform=ax.transAxes,
                fontsize=8,
            )
    for label in (0, 1):
        if (y == label).any():
            ax.scatter(
                *X[y == label].T,
                color=CLASS_COLOURS[label],
                edgecolor="k",
                s=60,
                zorder=3,
                label=f"class {label}",
            )
    if w is not None:
        predicted, reason = attempt(nn.perceptron_predict, X, w, b)
        problem = problem or reason
        if predicted is not None and np.size(predicted) == len(y):
            wrong = np.asarray(predicted).ravel() != y
            ax.scatter(
                *X[wrong].T,
                facecolors="none",
                edgecolors="red",
                linewidths=2,
                s=260,
                zorder=4,
                label="misclassified",
            )
    if highlight is not None:
        ax.scatter(*X[highlight], marker="x", color="k", s=120, zorder=5, label="last example")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title, fontsize=10)
    return problem or ""


def _boundary(ax, w, b, xlim, ylim):
    """Draw the line w[0] x1 + w[1] x2 + b = 0; return False when w = 0 (no line)."""
    w = np.asarray(w, dtype=float).ravel()
    if len(w) != 2:
        return True  # not a 2-D perceptron: nothing sensible to draw
    if abs(w[1]) > 1e-12:
        xs = np.array(xlim)
        ax.plot(xs, -(w[0] * xs + b) / w[1], color="k", lw=2)
    elif abs(w[0]) > 1e-12:
        ax.plot([-b / w[0]] * 2, list(ylim), color="k", lw=2)
    else:
        return False
    return True


def replay(X, y, epochs, lr=1.0, nn=None):
    """Apply your ``perceptron_update`` example by example, remembering every state.

    Returns
    -------
    states : list of (w, b), length epochs * N + 1, or None
        ``states[k]`` holds the parameters after k examples were visited.
    problem : str
        Why the replay stopped, or "".
    """
    nn = nn or learner_functions()
    states = [(np.zeros(X.shape[1]), 0.0)]
    w, b = states[0]
    for _ in range(epochs):
        for example, label in zip(X, y, strict=True):
            result, problem = attempt(nn.perceptron_update, example, label, w, b, lr)
            if problem:
                return None, problem
            try:
                w, b = np.asarray(result[0], dtype=float).reshape(X.shape[1]), float(np.squeeze(result[1]))
            except (TypeError, ValueError, IndexError):
                return None, "perceptron_update should return a pair (w_new of shape (D,), b_new a number)"
            states.append((w, b))
    return states, ""


class PerceptronDemo(Demo):
    """Step through the perceptron's updates on a chosen data set.

    Controls: the data set (logic gates or two blobs) and the step, the
    number of examples visited so far. Left: the line after that many steps,
    the misclassified points circled. Right: mistakes per epoch from your
    ``train_perceptron``, with the current epoch marked.
    """

    def __init__(self, data: str = "AND", step: int = 8):
        self.nn = learner_functions()
        self._cache = {}
        self._adjusting = False
        n = len(load(data)[0]) * EPOCHS[data]
        controls = {
            "data": widgets.Dropdown(options=DATASETS, value=data, description="data"),
            "step": widgets.IntSlider(
                value=min(step, n), min=0, max=n, description="step", continuous_update=False
            ),
        }
        super().__init__(controls, figsize=(10.0, 4.0), ncols=2)

    def _run(self, name):
        """States and mistakes for data set ``name``, computed once."""
        if name not in self._cache:
            nn = self.nn
            X, y = load(name)
            states, problem = replay(X, y, EPOCHS[name], nn=nn)
            result, reason = attempt(nn.train_perceptron, X, y, EPOCHS[name], 1.0)
            try:
                mistakes = None if result is None else np.asarray(result[2], dtype=float)
            except (TypeError, ValueError, IndexError):
                mistakes, reason = None, "train_perceptron should return (w, b, mistakes)"
            self._cache[name] = (X, y, states, mistakes, problem or reason or "", nn)
        return self._cache[name]

    def _on_change(self, change) -> None:
        if self._adjusting:
            return
        if change["owner"] is self.controls["data"]:
            name = change["new"]
            n = len(load(name)[0]) * EPOCHS[name]
            self._adjusting = True
            try:
                self.controls["step"].max = n
                self.controls["step"].value = min(self.controls["step"].value, n)
            finally:
                self._adjusting = False
        self.redraw()

    def draw(self) -> None:
        """Draw the state after ``step`` examples and the mistakes curve."""
        name, k = self.value("data"), self.value("step")
        X, y, states, mistakes, problem, nn = self._run(name)
        n = len(X)
        left, right = self.axes
        if states is None:
            draw_state(left, X, y, None, None, nn, title=name)
            self.notice = problem
        else:
            w, b = states[k]
            if k == 0:
                title = f"{name}: start, w = {np.round(w, 2)}, b = {b:.2f}"
            else:
                moved = b != states[k - 1][1] or not np.array_equal(w, states[k - 1][0])
                title = (
                    f"{name}: step {k} (epoch {(k - 1) // n + 1}, example {(k - 1) % n + 1}), "
                    f"{'a mistake: the line moved' if moved else 'correct: no change'}\n"
                    f"w = {np.round(w, 2)}, b = {b:.2f}"
                )
            reason = draw_state(left, X, y, w, b, nn, title=title, highlight=None if k == 0 else (k - 1) % n)
            self.notice = problem or reason or ""
        right.set_xlabel("epoch")
        right.set_ylabel("mistakes in the epoch")
        if mistakes is not None and mistakes.ndim == 1:
            epochs = np.arange(1, len(mistakes) + 1)
            right.plot(epochs, mistakes, "o-", color="tab:purple")
            right.axvline(max(1, (k - 1) // n + 1), color="grey", ls="--")
            right.set_ylim(-0.3, max(1, mistakes.max()) * 1.15)
            verdict = (
                "learned: an epoch without mistakes"
                if (mistakes == 0).any()
                else "never an epoch without mistakes"
            )
            right.set_title(f"train_perceptron on {name}: {verdict}", fontsize=10)
        else:
            right.set_title("train_perceptron: not available yet", fontsize=10)
        right.set_xlim(0.5, EPOCHS[name] + 0.5)
        right.yaxis.set_major_locator(MaxNLocator(integer=True))
        left.legend(loc="upper left", fontsize=7, framealpha=0.8)


# --------------------------------------------------------------------------
# Static figures for the chapter page
# --------------------------------------------------------------------------


def plot_gates(names=("AND", "OR", "NAND", "XOR")):
    """The truth tables of logic gates as points in the plane (no functions needed)."""
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 2.7))
    for ax, name in zip(np.atleast_1d(axes), names, strict=True):
        X, y = logic_gate(name)
        for label in (0, 1):
            ax.scatter(*X[y == label].T, color=CLASS_COLOURS[label], edgecolor="k", s=90, label=f"{label}")
        ax.set_title(name)
        ax.set_xlim(-0.4, 1.4)
        ax.set_ylim(-0.4, 1.4)
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
        ax.set_xlabel("$x_1$")
    np.atleast_1d(axes)[0].set_ylabel("$x_2$")
    np.atleast_1d(axes)[0].legend(title="output", fontsize=8, loc="center")
    fig.tight_layout()
    return fig


def plot_update(x, y, w, b, lr=1.0, limits=((-2.5, 2.5), (-2.5, 2.5))):
    """Before and after one call of your ``perceptron_update`` on the example (x, y).

    The arrow is the weight vector w: it points across the line into the
    region of class 1.
    """
    nn = learner_functions()
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    X = x[np.newaxis, :]  # (D,) -> (1, D)
    labels = np.array([y])
    fig, axes = plt.subplots(1, 2, figsize=(8.5, 4.0))
    draw_state(axes[0], X, labels, w, b, nn, limits=limits, title=f"before: w = {w.tolist()}, b = {b:g}")
    states = [(axes[0], w)]
    result, problem = attempt(nn.perceptron_update, x, y, w, b, lr)
    if result is None:
        axes[1].text(
            0.5,
            0.5,
            problem,
            ha="center",
            va="center",
            wrap=True,
            color="firebrick",
            transform=axes[1].transAxes,
            fontsize=9,
        )
    else:
        w_new, b_new = np.asarray(result[0], dtype=float), float(np.squeeze(result[1]))
        draw_state(
            axes[1],
            X,
            labels,
            w_new,
            b_new,
            nn,
            limits=limits,
            title=f"after: w = {w_new.tolist()}, b = {b_new:g}",
        )
        states.append((axes[1], w_new))
    for ax, weights in states:
        ax.annotate(
            "",
            xy=tuple(weights),
            xytext=(0, 0),
            arrowprops={"arrowstyle": "->", "color": "tab:green", "lw": 2},
        )
        ax.text(*(weights * 1.08), "w", color="tab:green", fontsize=11)
    for ax in axes:
        ax.set_aspect("equal")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    return fig


def plot_mistakes(names=("AND", "OR", "NAND", "XOR", "blobs"), epochs=10):
    """Mistakes per epoch of your ``train_perceptron`` on several data sets."""
    nn = learner_functions()
    fig, ax = plt.subplots(figsize=(6.0, 3.2))
    for name in names:
        X, y = load(name)
        result, problem = attempt(nn.train_perceptron, X, y, epochs)
        if result is None:
            ax.text(
                0.5,
                0.5,
                problem,
                ha="center",
                va="center",
                wrap=True,
                color="firebrick",
                transform=ax.transAxes,
                fontsize=9,
            )
            break
        ax.plot(np.arange(1, epochs + 1), result[2], "o-", label=name, alpha=0.8)
    else:
        ax.legend(fontsize=8)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes in the epoch")
    fig.tight_layout()
    return fig


def plot_network_regions(net, title="", names=("XOR",)):
    """Shade where ``net`` (a function of X of shape (N, 2)) outputs 1, with the XOR points."""
    fig, ax = plt.subplots(figsize=(3.6, 3.4))
    g1, g2 = np.meshgrid(np.linspace(-0.5, 1.5, 200), np.linspace(-0.5, 1.5, 200))
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (200*200, 2)
    out = np.asarray(net(grid), dtype=float).reshape(g1.shape)  # (40000,) -> (200, 200)
    ax.imshow(
        out, origin="lower", extent=(-0.5, 1.5, -0.5, 1.5), cmap="coolwarm", vmin=-0.5, vmax=1.5, alpha=0.3
    )
    for name in names:
        X, y = logic_gate(name)
        for label in (0, 1):
            ax.scatter(*X[y == label].T, color=CLASS_COLOURS[label], edgecolor="k", s=90, zorder=3)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    fig.tight_layout()
    return fig
