"""Chapter 1 demo and figures: bend a straight line into a curve with ReLU hinges.

Everything drawn here goes through your ``sum_of_relus`` (exercise 1.2); until
it works, the figure says which exercise to finish instead of a plot.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from nnlib.checking import learner_functions
from nnlib.datasets import CURVES, make_curve
from nnlib.demos.base import Demo, attempt

LOW, HIGH = -3.0, 3.0


def knot_hinges(f, num_hinges, low=LOW, high=HIGH):
    """Weights of H hinges whose sum joins the points ``(t, f(t))`` by straight lines.

    The construction of chapter 1, section 'Bending a line into a sine': H
    evenly spaced knots t_0 < ... < t_{H-1} on [low, high]; hinge 0 is the
    constant 1 (w = 0, b = 1); hinge k >= 1 bends at knot t_{k-1} and its
    weight is the change of slope there.

    Parameters
    ----------
    f : callable
        Maps an array of points to the values of the curve there.
    num_hinges : int
        H, at least 2.

    Returns
    -------
    w, b, v : ndarray of shape (H,)
    """
    if num_hinges < 2:
        raise ValueError("the construction needs at least 2 hinges (a constant and one slope)")
    knots = np.linspace(low, high, num_hinges)  # (H,)
    values = f(knots)  # (H,)
    slopes = np.diff(values) / np.diff(knots)  # (H - 1,) slope of each segment
    w = np.concatenate([[0.0], np.ones(num_hinges - 1)])
    b = np.concatenate([[1.0], -knots[:-1]])
    v = np.concatenate([[values[0]], [slopes[0]], np.diff(slopes)])
    return w, b, v


def hinge_parts(nn, x, w, b, v):
    """Each hinge on its own, as rows of an (H, N) array, or ``(None, reason)``.

    Calls ``nn.sum_of_relus`` with one hinge at a time.
    """
    parts = []
    for h in range(len(w)):
        part, problem = attempt(nn.sum_of_relus, x, w[h : h + 1], b[h : h + 1], v[h : h + 1])
        if problem:
            return None, problem
        parts.append(np.asarray(part, dtype=float))
    return np.array(parts), None


def plot_fit(ax, x, target, w, b, v, nn=None, *, show_parts=True, highlight=None, title=True):
    """Draw a target curve, the sum of hinges (w, b, v) and, optionally, each hinge.

    Returns the largest absolute error of the sum on ``x``, or None with a
    notice written on the axes when ``sum_of_relus`` does not work yet.
    """
    nn = nn or learner_functions()
    total, problem = attempt(nn.sum_of_relus, x, w, b, v)
    parts = None
    if problem is None and (show_parts or highlight is not None):
        parts, problem = hinge_parts(nn, x, w, b, v)
    ax.plot(x, target, color="black", lw=1, ls="--", label="target")
    if problem is not None:
        ax.text(
            0.5,
            0.5,
            problem,
            ha="center",
            va="center",
            wrap=True,
            transform=ax.transAxes,
            fontsize=9,
            color="firebrick",
        )
        return None
    if show_parts:
        for h, part in enumerate(parts):
            ax.plot(x, part, color="0.6", lw=0.8, alpha=0.7, label="one hinge" if h == 0 else None)
    if highlight is not None:
        ax.plot(x, parts[highlight], color="tab:orange", lw=2, label=f"hinge {highlight}")
    ax.plot(x, total, color="tab:blue", lw=2, label="sum of hinges")
    error = float(np.max(np.abs(np.asarray(total, dtype=float) - target)))
    if title:
        ax.set_title(f"H = {len(w)} hinges, largest error {error:.3f}")
    ax.set_xlabel("x")
    return error


class HingeDemo(Demo):
    """Place H hinges at evenly spaced knots, then reshape any one of them.

    Controls: the target curve, the number of hinges H, which hinge to edit,
    and that hinge's slope w, offset b and weight v. Changing the curve or H
    places the hinges again by the knot construction (``knot_hinges``).
    """

    def __init__(self, nn=None, curve="sine", num_hinges=6):
        self.nn = nn or learner_functions()
        self.x, _ = make_curve(curve, n=301, low=LOW, high=HIGH)
        self._syncing = False
        self.w, self.b, self.v = knot_hinges(CURVES[curve], num_hinges)
        slider = dict(
            continuous_update=False,
            readout_format=".2f",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="220px"),
        )
        controls = {
            "curve": widgets.Dropdown(options=sorted(CURVES), value=curve, description="curve"),
            "hinges": widgets.IntSlider(
                value=num_hinges, min=2, max=24, description="hinges H", continuous_update=False
            ),
            "pick": widgets.IntSlider(
                value=1, min=0, max=num_hinges - 1, description="edit hinge", continuous_update=False
            ),
            "w": widgets.FloatSlider(min=-3.0, max=3.0, step=0.05, description="slope w", **slider),
            "b": widgets.FloatSlider(min=-4.0, max=4.0, step=0.05, description="offset b", **slider),
            "v": widgets.FloatSlider(min=-4.0, max=4.0, step=0.05, description="weight v", **slider),
        }
        self.controls = controls
        self._load_picked()
        super().__init__(controls, figsize=(7.0, 4.2))

    def _load_picked(self):
        """Show the picked hinge's parameters on the w, b, v sliders (without redrawing)."""
        h = self.controls["pick"].value
        self._syncing = True
        try:
            for name, values in (("w", self.w), ("b", self.b), ("v", self.v)):
                self.controls[name].value = float(values[h])
        finally:
            self._syncing = False

    def _on_change(self, change) -> None:
        if self._syncing:
            return
        owner = change["owner"]
        if owner in (self.controls["curve"], self.controls["hinges"]):
            H = self.value("hinges")
            self.w, self.b, self.v = knot_hinges(CURVES[self.value("curve")], H)
            self._syncing = True
            try:
                self.controls["pick"].max = H - 1  # clips pick's value if needed
            finally:
                self._syncing = False
            self._load_picked()
        elif owner is self.controls["pick"]:
            self._load_picked()
        else:  # one of the picked hinge's sliders: copy it into the parameters
            name = next(k for k in ("w", "b", "v") if self.controls[k] is owner)
            getattr(self, name)[self.value("pick")] = float(change["new"])
        self.redraw()

    def draw(self) -> None:
        """Target, hinges (the picked one in orange) and their sum; error and formula in the title."""
        target = CURVES[self.value("curve")](self.x)
        error = plot_fit(
            self.ax,
            self.x,
            target,
            self.w,
            self.b,
            self.v,
            self.nn,
            highlight=self.value("pick"),
            title=False,
        )
        h = self.value("pick")
        sign = "-" if self.b[h] < 0 else "+"
        formula = f"hinge {h}: {self.v[h]:.2f} * relu({self.w[h]:.2f} x {sign} {abs(self.b[h]):.2f})"
        if error is not None:
            self.ax.set_title(f"H = {len(self.w)} hinges, largest error {error:.3f}\n{formula}", fontsize=10)
            self.ax.legend(loc="upper left", fontsize=8)
        self.ax.set_ylim(-2.5, 2.5)
        self.ax.set_xlim(LOW, HIGH)
