"""Chapter 6 demos: computational graphs with their forward values and backward gradients.

The tiny network's numbers are computed by your functions: ``dense_forward``
and ``dense_backward``, the activations of chapters 1-2 and their backward
functions, and ``mse_loss`` from chapter 4. Until one of them is done, the
graph shows "?" where its numbers would be and says which exercise to finish.
"""

from __future__ import annotations

import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.demos.base import Demo, attempt

#: Colours of the two passes: forward values and backward gradients.
FORWARD, BACKWARD = "black", "firebrick"
#: Each activation of the demo: (forward function, backward function, what the backward needs).
ACTIVATIONS = {
    "sigmoid": ("sigmoid", "sigmoid_backward", "output"),
    "tanh": ("tanh", "tanh_backward", "output"),
    "relu": ("relu", "relu_backward", "input"),
}


def _num(value, digits: int = 3) -> str:
    """A number for the figure (with a true minus sign), or "?" when it is not known yet."""
    if value is None:
        return "?"
    value = float(value)
    if not np.isfinite(value):
        return "nan" if np.isnan(value) else "inf"
    text = f"{value:.{digits}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")  # no "-0.000" for a tiny negative number
    return text.replace("-", "\u2212")


def draw_graph(ax, nodes: dict, edges: list, *, xlim=None, ylim=None) -> None:
    """Draw a computational graph with a value and a gradient on every node.

    Parameters
    ----------
    ax : matplotlib Axes
    nodes : dict
        name -> ``(x, y, label, value, grad)``; ``value`` and ``grad`` are
        numbers or None (drawn as "?"). ``label`` names the node ("z1 = x w").
    edges : list of (source, target) or (source, target, label)
        Arrows from one node to another; a label (e.g. a weight and its
        gradient) is written a third of the way along.
    """
    for edge in edges:
        (x0, y0), (x1, y1) = nodes[edge[0]][:2], nodes[edge[1]][:2]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "color": "0.55", "lw": 1.2,
                                "shrinkA": 30, "shrinkB": 30})
        if len(edge) > 2:
            ax.text(x0 + 0.36 * (x1 - x0), y0 + 0.36 * (y1 - y0), edge[2], ha="center", va="center",
                    fontsize=7.5, bbox={"fc": "white", "ec": "0.8", "boxstyle": "round,pad=0.2"})
    for x, y, label, value, grad in nodes.values():
        ax.text(x, y + 0.12, label, ha="center", va="bottom", fontsize=9, weight="bold",
                bbox={"fc": "#eef3fb", "ec": "0.4", "boxstyle": "round,pad=0.35"})
        ax.text(x, y + 0.02, _num(value), ha="center", va="top", fontsize=9, color=FORWARD)
        ax.text(x, y - 0.2, "grad " + _num(grad), ha="center", va="top", fontsize=8.5, color=BACKWARD)
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.axis("off")


def plot_expression_graph(w=0.5, x=3.0, b=-1.0, y=2.0):
    """The graph of ``L = (w x + b - y)**2`` with its forward values and gradients.

    Every step is one elementary operation, so its local slope is easy; the
    gradients are products of local slopes along the path back from L.
    Returns the figure.
    """
    u = w * x  # multiply
    z = u + b  # add
    e = z - y  # subtract
    loss = e * e  # square
    d_e = 2 * e  # slope of e**2
    d_z, d_y = d_e, -d_e  # subtraction: +1 and -1
    d_u, d_b = d_z, d_z  # addition passes the gradient on unchanged
    d_w, d_x = d_u * x, d_u * w  # multiplication: each factor gets the other one
    nodes = {
        "w": (0.0, 2.0, "w", w, d_w),
        "x": (0.0, 0.6, "x", x, d_x),
        "u": (1.6, 1.3, "u = w x", u, d_u),
        "b": (1.6, -0.2, "b", b, d_b),
        "z": (3.2, 0.6, "z = u + b", z, d_z),
        "y": (3.2, -0.9, "y", y, d_y),
        "e": (4.8, -0.1, "e = z \u2212 y", e, d_e),
        "L": (6.4, -0.1, "L = e\u00b2", loss, 1.0),
    }
    edges = [("w", "u"), ("x", "u"), ("u", "z"), ("b", "z"), ("z", "e"), ("y", "e"), ("e", "L")]
    fig, ax = plt.subplots(figsize=(9.0, 3.6))
    draw_graph(ax, nodes, edges, xlim=(-0.6, 7.0), ylim=(-1.4, 2.5))
    ax.set_title("forward values (black, left to right), gradients dL/d\u00b7 (red, right to left)",
                 fontsize=10)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


class TinyNetGraph(Demo):
    """The graph of a 2-2-1 network and its squared error, drawn with every number on it.

    ``x (1, 2) -> dense(W1, b1) -> z (1, 2) -> activation -> h (1, 2) ->
    dense(W2, b2) -> y_hat (1, 1) -> L = (y_hat - y)**2``. Each node shows its
    forward value (black) and the gradient of L with respect to it (red);
    each weight's value and gradient sit on its arrow. The sliders change an
    input, one weight and the target.
    """

    def __init__(self, x1=1.0, x2=-0.5, w11=0.8, target=-0.5, activation="sigmoid"):
        self.nn = learner_functions()
        self.W1 = np.array([[w11, -0.6], [0.4, 1.2]])  # (D, H) = (2, 2)
        self.b1 = np.array([0.1, -0.3])  # (H,)
        self.W2 = np.array([[1.5], [-1.0]])  # (H, 1)
        self.b2 = np.array([0.2])  # (1,)

        def slider(name, value, low, high):
            return widgets.FloatSlider(value=value, min=low, max=high, step=0.1, description=name,
                                       continuous_update=False, layout=widgets.Layout(width="190px"))

        controls = {
            "x1": slider("x1", x1, -2.0, 2.0),
            "x2": slider("x2", x2, -2.0, 2.0),
            "w11": slider("W1[0,0]", w11, -2.0, 2.0),
            "target": slider("target y", target, -2.0, 2.0),
            "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                           description="activation", layout=widgets.Layout(width="180px")),
        }
        super().__init__(controls, figsize=(10.5, 4.0))

    def _step(self, fn, *args):
        """Call one of the learner's functions; remember the first problem; None on failure."""
        value, problem = attempt(fn, *args)
        if problem is not None:
            self.notice = self.notice or problem
            return None
        return value

    def compute(self) -> dict:
        """Forward and backward pass with the learner's functions: name -> array or None."""
        nn = self.nn
        act_name, back_name, needs = ACTIVATIONS[self.value("activation")]
        W1 = self.W1.copy()
        W1[0, 0] = self.value("w11")
        x = np.array([[self.value("x1"), self.value("x2")]])  # (N, D) = (1, 2)
        y = np.array([[self.value("target")]])  # (1, 1)
        v = dict.fromkeys(["x", "z", "h", "y_hat", "loss", "dy_hat", "dh", "dW2", "db2",
                           "dz", "dx", "dW1", "db1"])
        v.update(x=x, W1=W1, y=y)

        first = self._step(nn.dense_forward, x, W1, self.b1)
        if first is not None:
            v["z"], cache1 = first  # z: (1, 2)
            v["h"] = self._step(getattr(nn, act_name), v["z"])  # (1, 2)
        if v["h"] is not None:
            second = self._step(nn.dense_forward, v["h"], self.W2, self.b2)
            if second is not None:
                v["y_hat"], cache2 = second  # (1, 1)
        if v["y_hat"] is not None:
            loss = self._step(nn.mse_loss, v["y_hat"], y)
            if loss is not None:
                v["loss"], v["dy_hat"] = loss
        if v["dy_hat"] is not None:
            grads = self._step(nn.dense_backward, v["dy_hat"], cache2)
            if grads is not None:
                v["dh"], v["dW2"], v["db2"] = grads
        if v["dh"] is not None:
            local = v["z"] if needs == "input" else v["h"]  # relu needs z; sigmoid and tanh their output
            v["dz"] = self._step(getattr(nn, back_name), v["dh"], local)
        if v["dz"] is not None:
            grads = self._step(nn.dense_backward, v["dz"], cache1)
            if grads is not None:
                v["dx"], v["dW1"], v["db1"] = grads
        return v

    def draw(self) -> None:
        """Compute both passes and draw the graph with every number on it."""
        v = self.compute()

        def at(name, *index):
            """Entry ``index`` of v[name] as a float, or None if unknown or misshapen."""
            arr = v.get(name)
            try:
                return float(np.asarray(arr)[index]) if arr is not None else None
            except (IndexError, TypeError, ValueError):
                return None

        act = self.value("activation")
        nodes = {
            "x1": (0.0, 1.0, "x1", at("x", 0, 0), at("dx", 0, 0)),
            "x2": (0.0, -1.0, "x2", at("x", 0, 1), at("dx", 0, 1)),
            "z1": (2.6, 1.0, f"z1 (b1 = {self.b1[0]:g})", at("z", 0, 0), at("dz", 0, 0)),
            "z2": (2.6, -1.0, f"z2 (b1 = {self.b1[1]:g})", at("z", 0, 1), at("dz", 0, 1)),
            "h1": (4.6, 1.0, f"h1 = {act}(z1)", at("h", 0, 0), at("dh", 0, 0)),
            "h2": (4.6, -1.0, f"h2 = {act}(z2)", at("h", 0, 1), at("dh", 0, 1)),
            "y_hat": (7.0, 0.0, f"\u0177 (b2 = {self.b2[0]:g})", at("y_hat", 0, 0), at("dy_hat", 0, 0)),
            "L": (9.0, 0.0, f"L = (\u0177 \u2212 y)\u00b2, y = {self.value('target'):g}", at("loss"), 1.0),
        }

        def weight(name, grad, i, j):
            return f"{_num(v[name][i, j], 2)} | {_num(at(grad, i, j))}"

        edges = [
            ("x1", "z1", weight("W1", "dW1", 0, 0)),
            ("x1", "z2", weight("W1", "dW1", 0, 1)),
            ("x2", "z1", weight("W1", "dW1", 1, 0)),
            ("x2", "z2", weight("W1", "dW1", 1, 1)),
            ("z1", "h1"),
            ("z2", "h2"),
            ("h1", "y_hat", f"{_num(self.W2[0, 0], 2)} | {_num(at('dW2', 0, 0))}"),
            ("h2", "y_hat", f"{_num(self.W2[1, 0], 2)} | {_num(at('dW2', 1, 0))}"),
            ("y_hat", "L"),
        ]
        draw_graph(self.ax, nodes, edges, xlim=(-0.8, 10.2), ylim=(-1.45, 1.45))
        self.ax.set_title(
            f"values (black) and gradients of L (red); on arrows: weight | its gradient.   "
            f"db1 = [{_num(at('db1', 0))}, {_num(at('db1', 1))}], db2 = {_num(at('db2', 0))}",
            fontsize=9,
        )
        if self.notice:
            self.ax.text(0.5, -0.02, textwrap.fill(self.notice, 110), ha="center", va="top",
                         transform=self.ax.transAxes, fontsize=8, color="firebrick")
            self.problem, self.notice = self.notice, ""  # written below the graph, not on top of it
        else:
            self.problem = ""


def plot_activation_slopes(lim: float = 4.0):
    """Each activation (top) and its slope from your backward function (bottom).

    The slope is the backward function applied to ``dout = 1``; the grey dots
    are finite-difference slopes of the forward curve, for comparison.
    Returns the figure.
    """
    nn = learner_functions()
    z = np.linspace(-lim, lim, 161)
    fig, axes = plt.subplots(2, 3, figsize=(11.0, 4.6), sharex=True)
    for col, (name, (fwd, back, needs)) in enumerate(ACTIVATIONS.items()):
        top, bottom = axes[0, col], axes[1, col]
        out, problem = attempt(getattr(nn, fwd), z)
        if problem is None and np.shape(out) == z.shape:
            out = np.asarray(out, dtype=float)
            top.plot(z, out, lw=2)
            local = z if needs == "input" else out
            slope, problem = attempt(getattr(nn, back), np.ones_like(z), local)
            step = slice(None, None, 8)
            bottom.plot(z[step], np.gradient(out, z)[step], "o", color="0.6", ms=3.5, label="finite differences")
            if problem is None and np.shape(slope) == z.shape:
                bottom.plot(z, np.asarray(slope, dtype=float), lw=2, color=BACKWARD, label=f"{back}(1, ...)")
                bottom.legend(fontsize=7, loc="upper left")
            else:
                _say(bottom, problem)
        else:
            _say(top, problem)
        top.set_title(f"{name}(z)")
        bottom.set_title(f"slope: {back}", fontsize=10)
        bottom.set_xlabel("z")
        bottom.set_ylim(-0.1, 1.15)
        for ax in (top, bottom):
            ax.axhline(0.0, color="grey", lw=0.5)
            ax.axvline(0.0, color="grey", lw=0.5)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def _say(ax, problem, width=34):
    """Write why a panel is empty (an exercise to finish, an error) in the middle of it."""
    ax.text(0.5, 0.5, textwrap.fill(problem or "the function returned an array of the wrong shape", width),
            ha="center", va="center", transform=ax.transAxes, fontsize=8, color="firebrick")


# --------------------------------------------------------------------------
# The slow start of a sigmoid trained with the squared error
# --------------------------------------------------------------------------


def train_sigmoid_neuron(loss="mse", w=2.0, b=2.0, x=1.0, y=0.0, lr=0.15, epochs=300):
    """Train one sigmoid neuron ``p = sigmoid(w x + b)`` on one example with your functions.

    ``loss`` is "mse" (``mse_loss``) or "cross-entropy" (``binary_cross_entropy``); the gradient
    goes back through your ``sigmoid_backward`` and every step is your ``sgd_step``. Returns
    ``(outputs, problem)``: the neuron's output before each step and after the last, shape
    (epochs + 1,), or ``None`` and a sentence saying which exercise to finish.
    """
    nn = learner_functions()
    loss_fn = nn.mse_loss if loss == "mse" else nn.binary_cross_entropy

    def run():
        params = np.array([w, b])
        inputs, target = np.array([x]), np.array([y])
        outputs = []
        for _ in range(epochs + 1):
            p = np.asarray(nn.sigmoid(params[0] * inputs + params[1]), dtype=float)  # (1,)
            outputs.append(float(p[0]))
            if len(outputs) > epochs:
                break
            _, dp = loss_fn(p, target)
            dz = np.asarray(nn.sigmoid_backward(np.asarray(dp, dtype=float), p), dtype=float)  # (1,)
            params = np.asarray(nn.sgd_step(params, np.array([np.sum(dz * inputs), np.sum(dz)]), lr), dtype=float)
        return np.array(outputs)

    return attempt(run, timeout=10.0)


def plot_slow_start(w=2.0, b=2.0, lr=0.15, epochs=300):
    """The output of one sigmoid neuron (target 0) during training, with the squared error and with BCE.

    Both runs start from ``sigmoid(w + b)``, badly wrong, with the same learning rate. Returns the
    figure; its lines after the first (the axis at 0) hold the outputs, squared error first.
    """
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    ax.axhline(0.0, color="grey", lw=0.5)  # the first line; the curves follow
    for loss, colour, label in (("mse", "tab:red", "squared error (mse_loss)"),
                                ("cross-entropy", "tab:blue", "cross-entropy (binary_cross_entropy)")):
        outputs, problem = train_sigmoid_neuron(loss, w=w, b=b, lr=lr, epochs=epochs)
        if problem is not None:
            _say(ax, problem, width=50)
            break
        ax.plot(np.arange(len(outputs)), outputs, color=colour, lw=2, label=label)
    ax.set_ylim(-0.02, 1.0)
    ax.set_xlabel("epoch (one step on the one example)")
    ax.set_ylabel("output p (the target is 0)")
    ax.set_title(f"one sigmoid neuron from w = b = {w:g} (p = {1 / (1 + np.exp(-(w + b))):.2f}), lr = {lr:g}",
                 fontsize=10)
    if ax.lines[1:]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig
