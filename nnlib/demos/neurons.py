"""Chapter 2 demos: the neuron playground and the chapter's figures.

Everything here calls your functions from ``nnlib/neurons.py`` (and ``relu``
from chapter 1). Until an exercise is done, the figure that needs it says
which one to finish instead of failing.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.datasets import make_blobs
from nnlib.demos.base import Demo, attempt, say

#: Activations offered by the playground: name -> function name in nnlib.
ACTIVATIONS = ("step", "sigmoid", "tanh", "relu")
#: Colour range of each activation's output, so colours mean the same thing as you move sliders.
_RANGE = {"step": (0.0, 1.0), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 4.0)}
#: Class colours: class 0 blue, class 1 red, as in the heat maps' colour map.
_CLASS_COLOURS = np.array(["tab:blue", "tab:red"])


def _grid(lim: float, n: int = 121):
    """Points of a square grid on [-lim, lim]^2, as an (n*n, 2) array, and the axis values."""
    ticks = np.linspace(-lim, lim, n)
    x1, x2 = np.meshgrid(ticks, ticks)  # (n, n) each
    return np.column_stack([x1.ravel(), x2.ravel()]), ticks  # (n*n, 2)


def draw_boundary(ax, w, b, lim: float = 3.0, arrow: bool = True) -> None:
    """Draw the line ``w[0] x1 + w[1] x2 + b = 0`` and the weight vector as an arrow.

    The arrow starts at the point of the line closest to the origin,
    ``-b w / |w|^2``, and points to the side where ``w . x + b > 0``.
    """
    w1, w2 = float(w[0]), float(w[1])
    norm2 = w1 * w1 + w2 * w2
    if norm2 < 1e-12:
        ax.text(
            0.02,
            0.02,
            "w = 0: no line (the output is the same everywhere)",
            transform=ax.transAxes,
            fontsize=8,
        )
        return
    ticks = np.linspace(-lim, lim, 2)
    if abs(w2) > abs(w1):  # solve for x2 = -(w1 x1 + b) / w2
        ax.plot(ticks, -(w1 * ticks + b) / w2, color="black", lw=2)
    else:  # steep line: solve for x1 = -(w2 x2 + b) / w1
        ax.plot(-(w2 * ticks + b) / w1, ticks, color="black", lw=2)
    if arrow:
        foot = -b / norm2 * np.array([w1, w2])
        ax.annotate(
            "",
            xy=foot + np.array([w1, w2]) / np.sqrt(norm2),
            xytext=foot,
            arrowprops={"arrowstyle": "->", "lw": 2, "color": "black"},
        )
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)


def _heat_map(ax, values, lim, vmin, vmax):
    """Show values on the grid made by :func:`_grid` as a coloured background."""
    n = int(round(np.sqrt(values.size)))
    return ax.imshow(
        values.reshape(n, n),
        origin="lower",
        extent=(-lim, lim, -lim, lim),  # (n*n,) -> (n, n)
        cmap="coolwarm",
        vmin=vmin,
        vmax=vmax,
        alpha=0.75,
        aspect="auto",
    )


class NeuronPlayground(Demo):
    """A two-input neuron over two blobs of points.

    Left: the plane coloured by the neuron's output, the decision boundary
    ``w1 x1 + w2 x2 + b = 0`` (black line) and the weight vector (arrow).
    Right: the activation function, with every data point placed at its
    weighted sum z and its output.
    """

    def __init__(self, w1=1.0, w2=0.5, b=0.0, activation="sigmoid", lim=3.0, rng=0):
        self.nn = learner_functions()
        self.lim = lim
        self.X, self.y = make_blobs(n=40, centers=((-1.2, -0.8), (1.2, 1.0)), spread=0.7, rng=rng)
        self.grid, _ = _grid(lim)

        def slider(name, value):
            return widgets.FloatSlider(
                value=value,
                min=-3.0,
                max=3.0,
                step=0.1,
                description=name,
                continuous_update=False,
                layout=widgets.Layout(width="230px"),
            )

        controls = {
            "w1": slider("w1", w1),
            "w2": slider("w2", w2),
            "b": slider("b", b),
            "activation": widgets.Dropdown(
                options=list(ACTIVATIONS),
                value=activation,
                description="activation",
                layout=widgets.Layout(width="200px"),
            ),
        }
        super().__init__(controls, figsize=(10.0, 4.2), ncols=2)

    def draw(self) -> None:
        """Redraw both panels from the sliders."""
        w = np.array([self.value("w1"), self.value("w2")])
        b = float(self.value("b"))
        name = self.value("activation")
        act = getattr(self.nn, name)
        vmin, vmax = _RANGE[name]
        left, right = self.axes

        out, problem = attempt(self.nn.neuron, self.grid, w, b, act)
        if problem is None and np.shape(out) == (len(self.grid),):
            _heat_map(left, np.asarray(out, dtype=float), self.lim, vmin, vmax)
        else:
            self.notice = problem or f"neuron returned shape {np.shape(out)}, expected ({len(self.grid)},)"
        left.scatter(self.X[:, 0], self.X[:, 1], c=_CLASS_COLOURS[self.y], s=18, edgecolors="white", lw=0.5)
        draw_boundary(left, w, b, self.lim)
        left.set_xlim(-self.lim, self.lim)
        left.set_ylim(-self.lim, self.lim)
        left.set_xlabel("$x_1$")
        left.set_ylabel("$x_2$")
        left.set_title(f"{name}({w[0]:.1f} x1 + {w[1]:.1f} x2 + {b:.1f})")

        z, problem = attempt(self.nn.weighted_sum, self.X, w, b)
        if problem is None and np.shape(z) == (len(self.X),):
            z = np.array(z, dtype=float)  # the learner's sums, as floats
            on_side = np.mean((z >= 0) == (self.y == 1))
            left.text(
                0.02,
                0.97,
                f"{on_side:.0%} of points on their class's side",
                va="top",
                transform=left.transAxes,
                fontsize=8,
                bbox={"fc": "white", "alpha": 0.8, "lw": 0},
            )
        else:
            z = None
            self.notice = self.notice or problem

        zs = np.linspace(-6.0, 6.0, 241)
        curve, problem = attempt(act, zs)
        right.axhline(0.0, color="grey", lw=0.5)
        right.axvline(0.0, color="grey", lw=0.5)
        if problem is None and np.shape(curve) == zs.shape:
            right.plot(zs, curve, color="black", lw=2)
            if z is not None:
                points, _ = attempt(act, np.clip(z, -6.0, 6.0))
                if points is not None and np.shape(points) == z.shape:
                    right.scatter(
                        np.clip(z, -6.0, 6.0),
                        points,
                        c=_CLASS_COLOURS[self.y],
                        s=18,
                        edgecolors="white",
                        lw=0.5,
                        zorder=3,
                    )
        else:
            say(right, problem, width=45)
        right.set_xlim(-6.0, 6.0)
        right.set_ylim(min(vmin, 0.0) - 0.1, vmax + 0.1)
        right.set_xlabel("weighted sum z")
        right.set_title(f"output = {name}(z)")

    def snapshot(self) -> list:
        """Lines, points and texts (as in Demo), plus the heat map's pixels."""
        shown = super().snapshot()
        for ax in self.axes:
            shown += [np.asarray(im.get_array()).round(9).tolist() for im in ax.images]
        return shown


def plot_activations(lim: float = 5.0):
    """The four activations of the chapter side by side, computed by your functions.

    Returns the matplotlib figure; a panel whose function is not done yet
    says which exercise to finish.
    """
    nn = learner_functions()
    z = np.linspace(-lim, lim, 401)
    fig, axes = plt.subplots(1, 4, figsize=(12.0, 2.8), sharex=True)
    for ax, name in zip(axes, ACTIVATIONS, strict=True):
        out, problem = attempt(getattr(nn, name), z)
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.axvline(0.0, color="grey", lw=0.5)
        if problem is None and np.shape(out) == z.shape:
            ax.plot(z, out, lw=2)
        else:
            say(ax, problem, width=30)
        ax.set_title(f"{name}(z)")
        ax.set_xlabel("z")
        ax.set_ylim(-1.2, 1.2 if name != "relu" else lim)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def plot_lines(settings, lim: float = 3.0):
    """One panel per ``(w, b)`` pair: the line ``w . x + b = 0`` and its two half-planes.

    The side where ``w . x + b >= 0`` is shaded red, the other blue (the
    shading uses your ``weighted_sum``). Returns the figure.
    """
    nn = learner_functions()
    grid, _ = _grid(lim, 101)
    fig, axes = plt.subplots(1, len(settings), figsize=(3.3 * len(settings), 3.3))
    for ax, (w, b) in zip(np.atleast_1d(axes), settings, strict=True):
        w = np.asarray(w, dtype=float)
        z, problem = attempt(nn.weighted_sum, grid, w, b)
        if problem is None and np.shape(z) == (len(grid),):
            _heat_map(ax, (np.asarray(z) >= 0).astype(float), lim, -0.5, 1.5)
        else:
            say(ax, problem, y=0.15)
        draw_boundary(ax, w, b, lim)
        ax.set_aspect("equal")
        ax.set_title(f"w = ({w[0]:g}, {w[1]:g}), b = {b:g}", fontsize=10)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def plot_regions(functions, titles, X=None, y=None, lim: float = 3.0):
    """Panels showing where each ``f(X) >= 0``, for functions of (N, 2) points.

    ``functions`` map an (N, 2) array to N numbers; the boundary ``f = 0`` is
    drawn in black. Optional points ``X`` (N, 2) with labels ``y`` are
    scattered on top. Returns the figure.
    """
    grid, ticks = _grid(lim, 201)
    fig, axes = plt.subplots(1, len(functions), figsize=(4.0 * len(functions), 3.6))
    for ax, f, title in zip(np.atleast_1d(axes), functions, titles, strict=True):
        values, problem = attempt(f, grid)
        if problem is None and np.shape(values) == (len(grid),):
            values = np.asarray(values, dtype=float)
            _heat_map(ax, (values >= 0).astype(float), lim, -0.5, 1.5)
            ax.contour(
                ticks,
                ticks,
                values.reshape(len(ticks), len(ticks)),
                levels=[0.0],  # (n*n,) -> (n, n)
                colors="black",
                linewidths=2,
            )
        else:
            say(ax, problem, width=30)
        if X is not None:
            ax.scatter(X[:, 0], X[:, 1], c=_CLASS_COLOURS[np.asarray(y)], s=14, edgecolors="white", lw=0.5)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig
