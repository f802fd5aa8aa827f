"""Chapter 5 demos: loss surfaces, the paths optimisers take on them, and the chapter's figures.

The surfaces are plain functions of a point ``p`` of shape (..., 2) (a single
point or a whole grid of them), each with its gradient. Every path drawn here
is computed by your functions from ``nnlib/optim.py``; until an exercise is
done, the figure that needs it says which one to finish instead of failing.
"""

from __future__ import annotations

import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.demos.base import Demo, attempt

# --------------------------------------------------------------------------
# Loss surfaces
# --------------------------------------------------------------------------


def bowl(p):
    """The round bowl ``f(x, y) = x^2 + y^2``, minimum 0 at (0, 0)."""
    p = np.asarray(p, dtype=float)
    return p[..., 0] ** 2 + p[..., 1] ** 2


def bowl_grad(p):
    """Gradient of :func:`bowl`: ``(2x, 2y)``."""
    return 2.0 * np.asarray(p, dtype=float)


def ravine(p):
    """The elongated bowl ``f(x, y) = (x^2 + 50 y^2) / 2``: gentle along x, steep along y."""
    p = np.asarray(p, dtype=float)
    return 0.5 * (p[..., 0] ** 2 + 50.0 * p[..., 1] ** 2)


def ravine_grad(p):
    """Gradient of :func:`ravine`: ``(x, 50 y)``."""
    p = np.asarray(p, dtype=float)
    return np.stack([p[..., 0], 50.0 * p[..., 1]], axis=-1)


def rosenbrock(p):
    """Rosenbrock's function ``(1 - x)^2 + 100 (y - x^2)^2``, minimum 0 at (1, 1)."""
    p = np.asarray(p, dtype=float)
    x, y = p[..., 0], p[..., 1]
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def rosenbrock_grad(p):
    """Gradient of :func:`rosenbrock`: ``(-2 (1 - x) - 400 x (y - x^2), 200 (y - x^2))``."""
    p = np.asarray(p, dtype=float)
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2.0 * (1.0 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)], axis=-1)


#: name -> (loss, gradient, start, x range, y range, minimum). Every minimum value is 0.
SURFACES = {
    "bowl": (bowl, bowl_grad, (-2.0, 1.5), (-3.0, 3.0), (-2.5, 2.5), (0.0, 0.0)),
    "elongated bowl": (ravine, ravine_grad, (-4.0, 0.6), (-5.0, 5.0), (-1.2, 1.2), (0.0, 0.0)),
    "rosenbrock": (rosenbrock, rosenbrock_grad, (-1.2, 1.0), (-2.0, 2.0), (-1.0, 3.0), (1.0, 1.0)),
}
OPTIMISERS = ("gradient descent", "momentum", "rmsprop", "adam")
_COLOURS = {"gradient descent": "tab:blue", "momentum": "tab:orange", "rmsprop": "tab:purple", "adam": "tab:green"}
#: A loss this many times the starting loss counts as "diverged".
_BLOW_UP = 1e3


def _say(ax, problem, y=0.5, width=40):
    """Write why a panel is empty (an exercise to finish, an error) in the middle of it."""
    ax.text(0.5, y, textwrap.fill(str(problem), width), ha="center", va="center",
            transform=ax.transAxes, fontsize=8, color="firebrick")


# --------------------------------------------------------------------------
# Running an optimiser with the learner's functions
# --------------------------------------------------------------------------


def _diverging(x, start_loss, loss):
    """True once a point is no longer finite or its loss has exploded."""
    with np.errstate(all="ignore"):
        value = loss(x)
    return not (np.all(np.isfinite(x)) and np.isfinite(value) and value <= _BLOW_UP * max(start_loss, 1.0))


def _run_steps(step, grad, x0, steps, loss):
    """Apply ``step(x, g, state) -> (x, state)`` ``steps`` times; stop early once it blows up."""
    x, state = np.array(x0, dtype=float), None
    path, start_loss = [x], float(loss(x))
    for _ in range(steps):
        x, state = step(x, grad(x), state)
        x = np.asarray(x, dtype=float).reshape(2)
        path.append(x)
        if _diverging(x, start_loss, loss):
            break
    return np.array(path)  # (steps taken + 1, 2)


def run_optimiser(nn, name, surface, lr, steps, beta=0.9):
    """The path of optimiser ``name`` on ``surface`` with learning rate ``lr``.

    Uses your ``gradient_descent``, ``momentum_step``, ``rmsprop_step`` or ``adam_step``.
    Returns ``(path, problem)``: ``path`` of shape (K, 2), the start first, or
    ``None`` and a sentence saying what to finish or fix.
    """
    loss, grad, start = SURFACES[surface][:3]
    x0 = np.array(start)
    if name == "gradient descent":
        out, problem = attempt(nn.gradient_descent, grad, x0, lr, steps)
        if problem is None:
            path = np.asarray(out[1], dtype=float) if isinstance(out, tuple) and len(out) == 2 else None
            if path is None or path.ndim != 2 or path.shape[1] != 2:
                return None, "gradient_descent should return (x, path) with path of shape (steps + 1, 2)"
            return path, None
        return None, problem
    if name == "momentum":

        def step(x, g, velocity):
            return nn.momentum_step(x, g, np.zeros(2) if velocity is None else velocity, lr, beta)

    elif name == "rmsprop":

        def step(x, g, average):
            return nn.rmsprop_step(x, g, np.zeros(2) if average is None else average, lr)

    else:
        count = [0]

        def step(x, g, moments):
            count[0] += 1
            m, v = (np.zeros(2), np.zeros(2)) if moments is None else moments
            x, m, v = nn.adam_step(x, g, m, v, count[0], lr=lr)
            return x, (m, v)

    return attempt(_run_steps, step, grad, x0, steps, loss, timeout=10.0)


def _losses(path, loss):
    """Loss at every point of a path, cut at the first point that diverged."""
    with np.errstate(all="ignore"):
        values = loss(path)
    fine = np.isfinite(values) & (values <= _BLOW_UP * max(float(values[0]), 1.0))
    end = len(values) if fine.all() else int(np.argmin(fine))
    return values[:end], end < len(values)


def _contours(ax, surface, n=201):
    """Log-spaced contour lines of a surface, its minimum as a star."""
    loss, _, _, (x_lo, x_hi), (y_lo, y_hi), best = SURFACES[surface]
    xs, ys = np.linspace(x_lo, x_hi, n), np.linspace(y_lo, y_hi, n)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)  # (n, n, 2)
    values = loss(grid)  # (n, n)
    levels = np.logspace(-2, np.log10(values.max()), 14)
    ax.contour(xs, ys, values, levels=levels, colors="grey", linewidths=0.6)
    ax.plot(*best, marker="*", color="black", markersize=11, linestyle="none")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")


def _draw_path(ax, path, surface, colour, label=None):
    """Draw a path on the contour plot, as far as it stays finite."""
    values, _ = _losses(path, SURFACES[surface][0])
    shown = path[: max(len(values), 1)]
    style = "-o" if len(shown) <= 150 else "-"  # dots for each step, unless there are too many to see
    ax.plot(shown[:, 0], shown[:, 1], style, color=colour, markersize=2.5, lw=1.5, alpha=0.85, label=label)
    ax.plot(shown[-1, 0], shown[-1, 1], "o", color=colour, markersize=7, markeredgecolor="white")  # where it ended


def _describe(path, surface):
    """One word for what happened: diverged, converged or still on its way."""
    values, diverged = _losses(path, SURFACES[surface][0])
    if diverged:
        return f"diverged after {len(values)} steps"
    return f"loss {values[-1]:.2g} after {len(path) - 1} steps"


# --------------------------------------------------------------------------
# The widget
# --------------------------------------------------------------------------


class LearningRateExplorer(Demo):
    """An optimiser on a 2-D loss surface: move the learning rate and watch the path.

    Left: contour lines of the loss and the path the optimiser takes from the
    start (the star is the minimum). Right: the loss after every step, on a
    log scale. Controls: learning rate (log scale), surface, optimiser, steps.
    """

    def __init__(self, lr=0.03, surface="elongated bowl", optimiser="gradient descent", steps=50):
        self.nn = learner_functions()
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-4, max=0.5, step=0.05,
                                         description="learning rate", readout_format=".2g",
                                         continuous_update=False, style={"description_width": "initial"},
                                         layout=widgets.Layout(width="330px")),
            "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface",
                                        layout=widgets.Layout(width="210px")),
            "optimiser": widgets.Dropdown(options=list(OPTIMISERS), value=optimiser, description="optimiser",
                                          layout=widgets.Layout(width="240px")),
            "steps": widgets.Dropdown(options=[10, 20, 50, 100, 200, 500, 1000, 2000], value=steps,
                                      description="steps", layout=widgets.Layout(width="160px")),
        }
        super().__init__(controls, figsize=(11.0, 4.2), ncols=2)

    def draw(self) -> None:
        """Run the chosen optimiser with your functions and draw its path and losses."""
        surface, name = self.value("surface"), self.value("optimiser")
        lr, steps = float(self.value("lr")), int(self.value("steps"))
        left, right = self.axes
        _contours(left, surface)
        path, problem = run_optimiser(self.nn, name, surface, lr, steps)
        right.set_xlabel("step")
        right.set_ylabel("loss (log scale)")
        if problem is not None:
            self.notice = problem
            left.set_title(f"{name} on the {surface}")
            return
        colour = _COLOURS[name]
        _draw_path(left, path, surface, colour)
        left.set_title(f"{name}, lr = {lr:.2g}: {_describe(path, surface)}", fontsize=10)
        values, diverged = _losses(path, SURFACES[surface][0])
        right.semilogy(np.arange(len(values)), np.maximum(values, 1e-16), color=colour, lw=1.5)
        right.set_xlim(0, steps)
        right.set_title("diverged: the loss grows without limit" if diverged else "loss after each step",
                        fontsize=10)


# --------------------------------------------------------------------------
# Figures for the page
# --------------------------------------------------------------------------


def plot_surfaces():
    """Contour maps of the chapter's three loss surfaces, with their starting points. Returns the figure."""
    fig, axes = plt.subplots(1, len(SURFACES), figsize=(11.0, 3.4))
    for ax, (name, (_, _, start, *_)) in zip(axes, SURFACES.items(), strict=True):
        _contours(ax, name)
        ax.plot(*start, "o", color="tab:red", markersize=6)
        ax.set_title(name, fontsize=10)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def plot_difference_errors(x=1.0):
    """Error of one-sided and central differences for the slope of sin at ``x``, against eps.

    The central one is your ``numerical_gradient``. Returns the figure.
    """
    nn = learner_functions()
    epsilons = np.logspace(-1, -12, 45)
    exact = np.cos(x)
    one_sided = np.abs((np.sin(x + epsilons) - np.sin(x)) / epsilons - exact)
    central, problem = [], None
    for eps in epsilons:
        got, problem = attempt(nn.numerical_gradient, lambda p: float(np.sin(p[0])), np.array([x]), eps)
        if problem is not None:
            break
        central.append(abs(float(np.ravel(got)[0]) - exact))
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    ax.loglog(epsilons, np.maximum(one_sided, 1e-17), "o-", ms=3, label="one-sided $(f(x+h) - f(x))/h$")
    if problem is None:
        ax.loglog(epsilons, np.maximum(central, 1e-17), "o-", ms=3,
                  label="central $(f(x+h) - f(x-h))/2h$ (yours)")
    else:
        _say(ax, problem, y=0.2)
    ax.loglog(epsilons, 0.5 * epsilons, ":", color="grey", label="slope 1: error $\\propto h$")
    ax.loglog(epsilons, 0.2 * epsilons**2, "--", color="grey", label="slope 2: error $\\propto h^2$")
    ax.set_ylim(1e-13, 1.0)
    ax.invert_xaxis()
    ax.set_xlabel("step $h$ (eps), getting smaller to the right")
    ax.set_ylabel("error of the slope")
    ax.set_title(f"slope of sin at x = {x:g}", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def plot_learning_rates(lrs, surface="elongated bowl", steps=40):
    """One panel per learning rate (your ``gradient_descent`` on ``surface``), then the losses.

    Returns the figure.
    """
    nn = learner_functions()
    fig, axes = plt.subplots(1, len(lrs) + 1, figsize=(3.1 * (len(lrs) + 1), 3.1))
    loss = SURFACES[surface][0]
    for ax, lr, colour in zip(axes, lrs, ["tab:blue", "tab:green", "tab:red", "tab:purple"], strict=False):
        _contours(ax, surface)
        path, problem = run_optimiser(nn, "gradient descent", surface, lr, steps)
        if problem is not None:
            _say(ax, problem, width=30)
            continue
        _draw_path(ax, path, surface, colour)
        ax.set_title(f"lr = {lr:g}: {_describe(path, surface)}", fontsize=9)
        values, _ = _losses(path, loss)
        axes[-1].semilogy(np.arange(len(values)), np.maximum(values, 1e-16), color=colour, label=f"lr = {lr:g}")
    axes[-1].set_xlabel("step")
    axes[-1].set_ylabel("loss (log scale)")
    axes[-1].set_xlim(0, steps)
    axes[-1].set_title("loss after each step", fontsize=9)
    if axes[-1].lines:
        axes[-1].legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def plot_optimisers(runs, surface="rosenbrock", steps=1000):
    """Several optimisers on one surface: paths on the contours, and losses.

    ``runs`` is a list of ``(optimiser name, learning rate)`` pairs, the names
    from ``OPTIMISERS``. Returns the figure.
    """
    nn = learner_functions()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    _contours(left, surface)
    loss = SURFACES[surface][0]
    problems = []
    for name, lr in runs:
        path, problem = run_optimiser(nn, name, surface, lr, steps)
        if problem is not None:
            problems.append(problem)
            continue
        label = f"{name}, lr = {lr:g}"
        _draw_path(left, path, surface, _COLOURS[name], label)
        values, _ = _losses(path, loss)
        right.semilogy(np.arange(len(values)), np.maximum(values, 1e-16), color=_COLOURS[name], label=label)
    if problems:
        _say(left, "\n".join(dict.fromkeys(problems)), y=0.15, width=50)
    if left.get_legend_handles_labels()[0]:
        left.legend(fontsize=8, loc="lower right")
        right.legend(fontsize=8)
    left.set_title(f"{steps} steps on the {surface} surface", fontsize=10)
    right.set_xlabel("step")
    right.set_ylabel("loss (log scale)")
    right.set_title("loss after each step", fontsize=10)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def make_line_data(n=200, slope=2.0, intercept=-1.0, noise=0.5, rng=0):
    """Noisy points around a line: ``x`` of shape (n, 1), ``y = slope x + intercept + noise``, shape (n,)."""
    rng = np.random.default_rng(rng)
    x = rng.uniform(-2.0, 2.0, size=(n, 1))
    y = slope * x[:, 0] + intercept + noise * rng.normal(size=n)
    return x, y


def line_loss_and_grad(params, x, y):
    """Mean squared error of the line ``y_hat = a x + c`` for ``params = (a, c)``, and its gradient.

    ``x`` has shape (N, 1), ``y`` shape (N,). Returns ``(loss, grad)`` with
    ``grad`` of shape (2,): ``(mean(2 r x), mean(2 r))`` where ``r = y_hat - y``.
    """
    a, c = params
    residual = a * x[:, 0] + c - y  # (N,)
    return float(np.mean(residual**2)), np.array([np.mean(2.0 * residual * x[:, 0]), np.mean(2.0 * residual)])


def train_line(x, y, batch_size, lr, epochs, rng=0):
    """Fit ``y_hat = a x + c`` with your ``iterate_minibatches`` and ``sgd_step``.

    Starts from ``(a, c) = (-1, 2)``. Returns ``(path, problem)``: the
    parameters after every step, shape (steps + 1, 2), or ``None`` and why.
    """
    nn = learner_functions()
    rng = np.random.default_rng(rng)

    def run():
        params = np.array([-1.0, 2.0])
        path = [params]
        for _ in range(epochs):
            for x_batch, y_batch in nn.iterate_minibatches(x, y, batch_size, rng):
                _, grad = line_loss_and_grad(params, x_batch, y_batch)
                params = np.asarray(nn.sgd_step(params, grad, lr), dtype=float)
                path.append(params)
        return np.array(path)  # (steps + 1, 2)

    return attempt(run, timeout=10.0)


def plot_minibatch_training(batch_sizes=(200, 20, 1), lr=0.05, epochs=5, rng=0):
    """Fitting a line with different batch sizes: paths in the (a, c) plane, and the loss per epoch.

    Uses your ``iterate_minibatches`` and ``sgd_step``. Returns the figure.
    """
    x, y = make_line_data(rng=rng)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    a_s, c_s = np.linspace(-1.5, 3.5, 121), np.linspace(-2.5, 2.5, 121)
    grid_a, grid_c = np.meshgrid(a_s, c_s)  # (121, 121) each
    residuals = grid_a[..., None] * x[:, 0] + grid_c[..., None] - y  # (121, 121, N)
    surface = np.mean(residuals**2, axis=-1)  # (121, 121)
    left.contour(a_s, c_s, surface, levels=np.logspace(np.log10(surface.min() + 0.01), np.log10(surface.max()), 12),
                 colors="grey", linewidths=0.6)
    best = np.linalg.lstsq(np.column_stack([x[:, 0], np.ones(len(y))]), y, rcond=None)[0]
    left.plot(*best, marker="*", color="black", markersize=11, linestyle="none")
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    for batch_size, colour in zip(batch_sizes, colours, strict=False):
        path, problem = train_line(x, y, batch_size, lr, epochs, rng=rng)
        if problem is not None:
            _say(left, problem, y=0.15)
            break
        steps_per_epoch = (len(path) - 1) // epochs
        label = f"batch size {batch_size}: {steps_per_epoch} step{'s' * (steps_per_epoch != 1)} per epoch"
        left.plot(path[:, 0], path[:, 1], "-", color=colour, lw=1.0, alpha=0.9, label=label)
        epoch_ends = path[::steps_per_epoch]  # the parameters at the end of each epoch
        right.semilogy(np.arange(len(epoch_ends)), [line_loss_and_grad(p, x, y)[0] for p in epoch_ends],
                       "o-", color=colour, label=label)
    left.set_xlim(a_s[0], a_s[-1])
    left.set_ylim(c_s[0], c_s[-1])
    left.set_xlabel("slope $a$")
    left.set_ylabel("intercept $c$")
    left.set_title(f"paths from (-1, 2), lr = {lr:g}", fontsize=10)
    right.set_xlabel("epoch")
    right.set_ylabel("loss on all the data (log scale)")
    right.set_title("loss at the end of each epoch", fontsize=10)
    if right.lines:
        left.legend(fontsize=8, loc="lower left")
        right.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


# --------------------------------------------------------------------------
# Learning-rate schedules (section 'Learning-rate schedules')
# --------------------------------------------------------------------------


def train_line_scheduled(x, y, lrs, batch_size=1, rng=0):
    """Fit the line with your ``iterate_minibatches`` and ``sgd_step``, step t using learning rate ``lrs[t]``.

    Starts from ``(a, c) = (-1, 2)``, takes ``len(lrs)`` steps (as many epochs as that needs). Returns
    ``(path, problem)``: the parameters after every step, shape (len(lrs) + 1, 2), or ``None`` and why.
    """
    nn = learner_functions()
    rng = np.random.default_rng(rng)

    def run():
        params = np.array([-1.0, 2.0])
        path = [params]
        while len(path) <= len(lrs):
            for x_batch, y_batch in nn.iterate_minibatches(x, y, batch_size, rng):
                if len(path) > len(lrs):
                    break
                _, grad = line_loss_and_grad(params, x_batch, y_batch)
                params = np.asarray(nn.sgd_step(params, grad, float(lrs[len(path) - 1])), dtype=float)
                path.append(params)
        return np.array(path)  # (steps + 1, 2)

    return attempt(run, timeout=10.0)


def plot_schedules(schedules, batch_size=1, rng=0):
    """SGD on the noisy line fit with several learning-rate schedules: the rates, and the excess loss.

    ``schedules`` maps a label to an array of learning rates, one per step (all of one length). The
    right panel shows, after every step, the loss on all the data minus the smallest loss possible
    (the least-squares line's), on a log scale. Returns the figure; the right panel's lines hold the
    excess losses, in the order of ``schedules``.
    """
    x, y = make_line_data(rng=rng)
    best = np.linalg.lstsq(np.column_stack([x[:, 0], np.ones(len(y))]), y, rcond=None)[0]
    floor = line_loss_and_grad(best, x, y)[0]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 3.8))
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    for (label, lrs), colour in zip(schedules.items(), colours, strict=False):
        left.plot(np.arange(len(lrs)), lrs, color=colour, label=label)
        path, problem = train_line_scheduled(x, y, lrs, batch_size=batch_size, rng=rng)
        if problem is not None:
            _say(right, problem)
            break
        excess = np.array([line_loss_and_grad(p, x, y)[0] for p in path[1:]]) - floor
        right.semilogy(np.arange(1, len(path)), np.maximum(excess, 1e-12), color=colour, lw=0.9, label=label)
    left.set_xlabel("step")
    left.set_ylabel("learning rate")
    left.set_title("the schedules", fontsize=10)
    left.legend(fontsize=8)
    right.set_xlabel("step")
    right.set_ylabel("loss - smallest possible loss (log scale)")
    right.set_title(f"SGD on the line fit, batches of {batch_size}", fontsize=10)
    if right.lines:
        right.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig
