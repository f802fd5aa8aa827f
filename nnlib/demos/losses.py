"""Chapter 4 demos: loss-versus-prediction curves and a softmax cross-entropy explorer.

Everything here calls your functions from ``nnlib/losses.py``
(``mse_loss``, ``binary_cross_entropy``, ``log_softmax``, ``cross_entropy``).
Until an exercise is done, the figure that needs it says which one to
finish instead of failing.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.demos.base import Demo, attempt, say

#: Predictions at which the curves are drawn (the ends 0 and 1 are left out).
P_GRID = np.linspace(0.005, 0.995, 199)
#: Colours of the two losses, the same in every figure.
COLOURS = {"MSE": "tab:blue", "BCE": "tab:red"}


def _legend(ax, **kwargs):
    """Add a legend if the axes have labelled curves (a stub leaves none)."""
    if any(not line.get_label().startswith("_") for line in ax.lines):
        ax.legend(**kwargs)


def pointwise(loss_fn, predictions, label):
    """Loss and gradient of one example at each prediction, from your ``loss_fn``.

    Calls ``loss_fn(np.array([p]), np.array([label]))`` for every p, a batch
    of one, so the mean is the example's own loss.

    Returns
    -------
    (losses, grads), None
        Two ndarrays of the shape of ``predictions``, on success.
    None, problem
        A sentence saying what went wrong, otherwise.
    """
    target = np.array([float(label)])

    def run():
        losses, grads = [], []
        for p in predictions:
            loss, grad = loss_fn(np.array([p]), target)
            losses.append(float(loss))
            grads.append(float(np.asarray(grad).reshape(-1)[0]))  # (1,) -> a number
        return np.array(losses), np.array(grads)

    return attempt(run)


def true_class_curve(cross_entropy, probabilities):
    """Cross-entropy of one example whose true class has each given probability.

    Uses two classes with logits ``[log q, log(1 - q)]``, whose softmax is
    exactly ``[q, 1 - q]``, and true class 0, so the loss is ``-log q``
    computed by your ``cross_entropy``. Returns ``(losses, None)`` or
    ``(None, problem)``.
    """
    label = np.array([0])

    def run():
        return np.array(
            [float(cross_entropy(np.log(np.array([[q, 1.0 - q]])), label)[0]) for q in probabilities]
        )

    return attempt(run)


def plot_loss_curves(ylim: float = 5.0):
    """MSE and BCE of one example as its prediction p moves from 0 to 1, for y = 0 and y = 1.

    Returns the figure; curves come from your ``mse_loss`` and
    ``binary_cross_entropy``.
    """
    nn = learner_functions()
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 3.4), sharey=True)
    for ax, label in zip(axes, (0, 1), strict=True):
        for row, (name, fn) in enumerate((("MSE", nn.mse_loss), ("BCE", nn.binary_cross_entropy))):
            curves, problem = pointwise(fn, P_GRID, label)
            if problem is None:
                ax.plot(P_GRID, curves[0], color=COLOURS[name], lw=2, label=f"{name} loss")
            else:
                say(ax, f"{name}: {problem}", y=0.7 - 0.4 * row)
        ax.axvline(label, color="grey", ls=":", lw=1)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, ylim)
        ax.set_xlabel("predicted probability p of class 1")
        ax.set_title(f"true label y = {label}")
        _legend(ax, loc="upper center")
    axes[0].set_ylabel("loss of one example")
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def plot_cross_entropy(marks=(0.9, 0.5, 0.1, 0.01)):
    """Cross-entropy -log q as a function of the probability q of the true class.

    The curve comes from your ``cross_entropy``; a few values of q are
    marked with their loss. Returns the figure.
    """
    nn = learner_functions()
    q = np.linspace(0.004, 1.0 - 1e-9, 300)
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    losses, problem = true_class_curve(nn.cross_entropy, q)
    if problem is None:
        ax.plot(q, losses, color="tab:purple", lw=2)
        marked, _ = true_class_curve(nn.cross_entropy, marks)
        for mark, loss in zip(marks, marked, strict=True):
            ax.plot([mark], [loss], "o", color="black", ms=4)
            right_half = mark > 0.5  # label to the left of points near q = 1, so it stays inside
            ax.annotate(f"q = {mark:g}: loss {loss:.2f}", (mark, loss), xytext=(-6 if right_half else 8, 6),
                        textcoords="offset points", fontsize=8, ha="right" if right_half else "left")
    else:
        say(ax, problem)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 6.0)
    ax.set_xlabel("probability q the network gives to the true class")
    ax.set_ylabel("cross-entropy  $-\\log q$")
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


class LossCurveDemo(Demo):
    """One example with label y and predicted probability p.

    Left: MSE and BCE as functions of p, a dot at the current p on each, and
    an arrow showing the way gradient descent would move p (downhill, against
    the gradient). Right: the gradient with respect to the logit z when
    ``p = sigmoid(z)``, the number that actually trains the network: for MSE
    it fades away at the wrong end, for BCE it does not.
    """

    def __init__(self, p=0.2, y=1):
        self.nn = learner_functions()
        controls = {
            "p": widgets.FloatSlider(
                value=p, min=0.01, max=0.99, step=0.01, description="prediction p",
                continuous_update=False, style={"description_width": "initial"},
                layout=widgets.Layout(width="320px"),
            ),
            "y": widgets.ToggleButtons(options=[0, 1], value=y, description="label y"),
        }
        super().__init__(controls, figsize=(10.0, 3.8), ncols=2)

    def draw(self) -> None:
        """Redraw both panels from the controls."""
        p, label = float(self.value("p")), int(self.value("y"))
        left, right = self.axes
        self.fig.subplots_adjust(bottom=0.16, wspace=0.25)
        summary = []
        for name, fn in (("MSE", self.nn.mse_loss), ("BCE", self.nn.binary_cross_entropy)):
            colour = COLOURS[name]
            curves, problem = pointwise(fn, P_GRID, label)
            here, problem_here = pointwise(fn, np.array([p]), label)
            if problem or problem_here:
                self.notice = self.notice or f"{name}: {problem or problem_here}"
                continue
            loss, grad = float(here[0][0]), float(here[1][0])
            left.plot(P_GRID, curves[0], color=colour, lw=2, label=f"{name}")
            left.plot([p], [loss], "o", color=colour, ms=7)
            step = -0.15 * np.sign(grad)  # downhill: against the gradient
            left.annotate("", xy=(p + step, loss), xytext=(p, loss),
                          arrowprops={"arrowstyle": "->", "lw": 2, "color": colour})
            # chain rule through the sigmoid: dL/dz = dL/dp * p (1 - p)
            right.plot(P_GRID, curves[1] * P_GRID * (1 - P_GRID), color=colour, lw=2, label=name)
            right.plot([p], [grad * p * (1 - p)], "o", color=colour, ms=7)
            summary.append(f"{name} {loss:.3f} (dL/dp {grad:+.2f})")
        left.axvline(label, color="grey", ls=":", lw=1)
        left.set_xlim(0.0, 1.0)
        left.set_ylim(0.0, 5.0)
        left.set_xlabel("predicted probability p")
        left.set_ylabel("loss")
        left.set_title("; ".join(summary) or "losses", fontsize=9)
        right.axhline(0.0, color="grey", lw=0.5)
        right.set_xlim(0.0, 1.0)
        right.set_ylim(-1.05, 1.05)
        right.set_xlabel("predicted probability p = sigmoid(z)")
        right.set_title("gradient with respect to the logit z", fontsize=9)
        for ax in (left, right):
            _legend(ax, loc="upper center", fontsize=8)

    def snapshot(self) -> list:
        """Lines, texts and titles (as in Demo), plus where the arrows point."""
        shown = super().snapshot()
        shown += [[round(float(v), 9) for v in getattr(a, "xy", a.get_position())] for a in self.axes[0].texts]
        return shown


class SoftmaxExplorer(Demo):
    """Three logits, their softmax probabilities, the cross-entropy and its gradient.

    Left: the probabilities ``exp(log_softmax(z))``, true class in red.
    Right: the gradient ``softmax - onehot`` of the cross-entropy with
    respect to each logit, with arrows for the way gradient descent moves
    each logit (against the gradient).
    """

    def __init__(self, z1=2.0, z2=1.0, z3=-1.0, true_class=1, lim=6.0):
        self.nn = learner_functions()

        def slider(name, value):
            return widgets.FloatSlider(
                value=value, min=-lim, max=lim, step=0.1, description=name,
                continuous_update=False, layout=widgets.Layout(width="230px"),
            )

        controls = {
            "z1": slider("logit 1", z1),
            "z2": slider("logit 2", z2),
            "z3": slider("logit 3", z3),
            "true_class": widgets.Dropdown(
                options=[("class 1", 0), ("class 2", 1), ("class 3", 2)], value=true_class,
                description="true class", layout=widgets.Layout(width="200px"),
            ),
        }
        super().__init__(controls, figsize=(10.0, 3.8), ncols=2)

    def draw(self) -> None:
        """Redraw both panels from the sliders."""
        logits = np.array([[self.value("z1"), self.value("z2"), self.value("z3")]])  # (1, 3)
        label = int(self.value("true_class"))
        left, right = self.axes
        self.fig.subplots_adjust(bottom=0.12, wspace=0.25)
        classes = np.arange(3)
        colours = ["tab:red" if k == label else "tab:grey" for k in classes]

        log_p, problem = attempt(self.nn.log_softmax, logits)
        if problem is None and np.shape(log_p) == (1, 3):
            probs = np.exp(np.asarray(log_p, dtype=float))[0]  # (1, 3) -> (3,)
            left.bar(classes, probs, color=colours)
            for k in classes:
                left.text(k, probs[k] + 0.02, f"{probs[k]:.3f}", ha="center", fontsize=9)
        else:
            say(left, problem or f"log_softmax returned shape {np.shape(log_p)}, expected (1, 3)")
        left.set_ylim(0.0, 1.1)
        left.set_xticks(classes, ["class 1", "class 2", "class 3"])
        left.set_ylabel("probability (softmax)")

        got, problem = attempt(self.nn.cross_entropy, logits, np.array([label]))
        if problem is None and isinstance(got, tuple) and np.shape(got[1]) == (1, 3):
            loss, grad = float(got[0]), np.asarray(got[1], dtype=float)[0]  # (1, 3) -> (3,)
            right.bar(classes, grad, color=colours, alpha=0.6)
            for k in classes:
                if abs(grad[k]) > 1e-3:
                    right.annotate("", xy=(k + 0.3, -grad[k]), xytext=(k + 0.3, 0.0),
                                   arrowprops={"arrowstyle": "->", "lw": 2, "color": colours[k]})
            left.set_title(f"cross-entropy = -log {np.exp(-loss):.3f} = {loss:.3f}", fontsize=10)
        else:
            say(right, problem or "cross_entropy should return (loss, dlogits of shape (1, 3))")
            left.set_title("cross-entropy: not available yet", fontsize=10)
        right.axhline(0.0, color="black", lw=0.5)
        right.set_ylim(-1.05, 1.05)
        right.set_xticks(classes, ["logit 1", "logit 2", "logit 3"])
        right.set_title("bars: gradient softmax - onehot; arrows: the step downhill", fontsize=9)

    def snapshot(self) -> list:
        """Lines, texts and titles (as in Demo), plus bar heights and arrow tips."""
        shown = super().snapshot()
        for ax in self.axes:
            shown += [round(float(bar.get_height()), 9) for bar in ax.patches]
            shown += [[round(float(v), 9) for v in getattr(a, "xy", a.get_position())] for a in ax.texts]
        return shown
