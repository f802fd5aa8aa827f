"""Chapter 11 demos: GAN training on a ring of Gaussians, replayed; mode collapse; digits.

Everything that trains or measures calls your functions (``init_params``,
``mlp_forward``, ``gan_train_step``, ``mode_coverage``, ``generator_loss``,
...). Until an exercise is done, the figure that needs it says which one to
finish instead of failing.
"""

from __future__ import annotations

import contextlib

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.demos.base import Demo, attempt, say
from nnlib.gan import adam_init, make_ring, ring_centers

#: The ring of the chapter: 8 Gaussians of standard deviation 0.1 on a circle of radius 2.
MODES, RADIUS, STD = 8, 2.0, 0.1


def one_thread():
    """Run NumPy's matrix products on one thread (for these small matrices, threads only cost time)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, nothing changes
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def ring_sampler(std=STD):
    """A function ``(n, rng) -> (n, 2)`` drawing from the chapter's ring."""
    return lambda n, rng: make_ring(n, rng, MODES, RADIUS, std)


def train_gan(sample_real, steps, gen_sizes, disc_sizes, *, seed=0, batch=128, gen_lr=3e-3, disc_lr=3e-3,
              beta1=0.5, pack=1, record_every=100, show=1000, measure=None, nn=None):
    """Train a GAN with your ``gan_train_step``; record what the generator makes.

    Parameters
    ----------
    sample_real : callable
        ``sample_real(n, rng)`` returns n training examples, shape (n, D).
    steps : int
    gen_sizes, disc_sizes : list of int
        Layer sizes of G (noise size E first, D last) and of D (``pack * D``
        first, 1 last).
    seed : int
        Seeds one generator for the weights, the data and the noise, in that order.
    batch : int
        Real and generated samples per step.
    gen_lr, disc_lr, beta1, pack
        As in ``gan_train_step``.
    record_every : int
        Every so many steps (and at step 0), G's samples for ``show`` fixed
        noise vectors are kept, with both networks' parameters.
    measure : callable, optional
        ``measure(samples) -> (modes covered, quality)``, recorded too.
    nn : namespace of functions, optional
        Your functions (the default), or others with the same names.

    Returns
    -------
    dict
        ``steps``, ``samples``, ``gen``, ``disc``, ``coverage`` (lists, one
        entry per record), and ``d_loss``, ``g_loss`` (one entry per step).
    """
    nn = learner_functions() if nn is None else nn
    rng = np.random.default_rng(seed)
    gen = nn.init_params(list(gen_sizes), rng)
    disc = nn.init_params(list(disc_sizes), rng)
    gen_opt, disc_opt = adam_init(gen), adam_init(disc)
    z_show = np.random.default_rng(1).standard_normal((show, gen_sizes[0])).astype(np.float32)
    history = {"steps": [], "samples": [], "gen": [], "disc": [], "coverage": [], "d_loss": [], "g_loss": []}

    def record(step):
        samples = nn.mlp_forward(z_show, gen)[0]
        history["steps"].append(step)
        history["samples"].append(samples)
        history["gen"].append(gen)
        history["disc"].append(disc)
        if measure is not None:
            history["coverage"].append(measure(samples))

    with one_thread():
        record(0)
        for step in range(1, steps + 1):
            X_real = sample_real(batch, rng)
            z = rng.standard_normal((batch, gen_sizes[0])).astype(np.float32)
            gen, disc, gen_opt, disc_opt, d_loss, g_loss = nn.gan_train_step(
                X_real, z, gen, disc, gen_opt, disc_opt, gen_lr=gen_lr, disc_lr=disc_lr, beta1=beta1, pack=pack)
            history["d_loss"].append(d_loss)
            history["g_loss"].append(g_loss)
            if step % record_every == 0:
                record(step)
    return history


def ring_measure(std=STD, nn=None):
    """``samples -> (modes covered, share of high-quality samples)`` with your ``mode_coverage``."""
    nn = learner_functions() if nn is None else nn
    centers = ring_centers(MODES, RADIUS)
    return lambda samples: nn.mode_coverage(samples, centers, std)


def draw_ring(ax, samples, real=None, title="", std=STD):
    """Generated samples (blue) over the data (grey) and circles of 3 std around each mode."""
    if real is not None:
        ax.scatter(real[:, 0], real[:, 1], s=3, color="0.75", label="data")
    ax.scatter(samples[:, 0], samples[:, 1], s=3, color="tab:blue", alpha=0.6, label="generated")
    for cx, cy in ring_centers(MODES, RADIUS):
        ax.add_patch(plt.Circle((cx, cy), 3 * std, fill=False, color="tab:red", lw=0.8))
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-3.2, 3.2)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)


def plot_ring(samples, title="the training data: 8 Gaussians on a ring"):
    """One panel with points of the ring (or of a generator). Returns the figure."""
    fig, ax = plt.subplots(figsize=(3.6, 3.6))
    draw_ring(ax, samples, title=title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def _coverage_title(history, i):
    step = history["steps"][i]
    if history["coverage"]:
        covered, quality = history["coverage"][i]
        return f"step {step}: {covered} of {MODES} modes, {quality:.0%} high quality"
    return f"step {step}"


def plot_snapshots(runs, at, real=None):
    """Rows of snapshots: one row per run (``{label: history}``), one column per step in ``at``."""
    fig, axes = plt.subplots(len(runs), len(at), figsize=(2.3 * len(at), 2.8 * len(runs)), squeeze=False)
    for row, (label, history) in zip(axes, runs.items(), strict=True):
        for ax, step in zip(row, at, strict=True):
            i = history["steps"].index(step)
            draw_ring(ax, history["samples"][i], real, _coverage_title(history, i).replace(": ", ":\n"))
        row[0].set_ylabel(label, fontsize=9)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_coverage(runs):
    """Modes covered and high-quality share against the training step, one line per run."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.2))
    for label, history in runs.items():
        covered, quality = zip(*history["coverage"], strict=True)
        left.plot(history["steps"], covered, label=label)
        right.plot(history["steps"], quality, label=label)
    left.set_ylabel("modes covered (of 8)")
    left.set_ylim(-0.3, MODES + 0.3)
    right.set_ylabel("share of high-quality samples")
    right.set_ylim(0.0, 1.0)
    right.axhline(0.8, color="grey", ls="--", lw=0.8)
    left.axhline(7, color="grey", ls="--", lw=0.8)
    for ax in (left, right):
        ax.set_xlabel("training step")
    left.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_losses(history, smooth=50):
    """Both losses during training (moving averages over ``smooth`` steps)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.0))
    kernel = np.ones(smooth) / smooth
    for key, label in (("d_loss", "discriminator loss"), ("g_loss", "generator loss")):
        values = np.convolve(history[key], kernel, mode="valid")
        ax.plot(np.arange(len(values)) + smooth, values, label=label)
    ax.axhline(2 * np.log(2), color="tab:blue", ls=":", lw=1, label="2 ln 2: D cannot tell")
    ax.axhline(np.log(2), color="tab:orange", ls=":", lw=1, label="ln 2")
    ax.set_xlabel("training step")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_generator_losses():
    """The saturating and the non-saturating generator loss against D's output on a fake.

    Both are computed with your ``generator_loss`` (the saturating one from
    ``log(1 - D) = -softplus(logit)``, with your ``softplus``), as functions of
    ``D(G(z)) = sigmoid(logit)``.
    """
    nn = learner_functions()
    logits = np.linspace(-7.0, 7.0, 281).reshape(-1, 1)  # (281, 1)
    prob = 1.0 / (1.0 + np.exp(-logits[:, 0]))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.4))
    per_sample, problem = attempt(lambda: [nn.generator_loss(row[None, :]) for row in logits])
    saturating, problem2 = attempt(nn.softplus, logits[:, 0])
    problem = problem or problem2
    if problem is not None:
        say(left, problem)
        return fig
    non_sat = np.array([loss for loss, _ in per_sample])
    grad_non_sat = np.array([float(d[0, 0]) for _, d in per_sample]) * -1.0  # the push on the logit, upwards
    left.plot(prob, non_sat, label="non-saturating: $-\\log D(G(z))$")
    left.plot(prob, -saturating, label="saturating: $\\log(1 - D(G(z)))$")
    left.set_xlabel("D(G(z)): how real D finds the fake")
    left.set_ylabel("generator's loss")
    left.legend(fontsize=8)
    right.plot(prob, grad_non_sat, label="non-saturating")
    right.plot(prob, prob, label="saturating")  # d/dlogit of -log(1 - sigmoid) ... = sigmoid(logit)
    right.set_xlabel("D(G(z))")
    right.set_ylabel("push on the logit (minus the gradient)")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.axvspan(0.0, 0.1, color="0.92")
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_digit_grid(images, rows=4, cols=10, title=None):
    """``rows * cols`` 8x8 images (rows of 64 pixels), pixels clipped to [0, 1]."""
    fig, axes = plt.subplots(rows, cols, figsize=(0.8 * cols, 0.8 * rows))
    for ax, image in zip(axes.flat, images, strict=False):
        ax.imshow(np.clip(np.asarray(image).reshape(8, 8), 0.0, 1.0), cmap="gray_r", vmin=0.0, vmax=1.0)
    for ax in axes.flat:
        ax.set_axis_off()
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


class RingReplay(Demo):
    """Scrub through a recorded GAN run on the ring.

    The **step** slider picks a recorded checkpoint: the generator's samples
    for fixed noise (blue) over the data (grey), with circles of three
    standard deviations around the modes and the two measures in the title.
    The **discriminator** checkbox shades the plane by what D thinks at that
    step: dark where D says "real", light where it says "fake".
    """

    def __init__(self, history, real, step=None):
        self.nn = learner_functions()
        self.history = history
        self.real = real
        steps = history["steps"]
        every = steps[1] - steps[0] if len(steps) > 1 else 1
        controls = {
            "step": widgets.IntSlider(value=steps[-1] if step is None else step, min=steps[0], max=steps[-1],
                                      step=every, description="step", continuous_update=False),
            "disc": widgets.Checkbox(value=False, description="discriminator"),
        }
        super().__init__(controls, figsize=(4.6, 4.6))

    def draw(self) -> None:
        """Draw the samples at the chosen step (and D's opinion, if asked)."""
        i = self.history["steps"].index(self.value("step"))
        if self.value("disc"):
            grid = np.linspace(-3.2, 3.2, 81, dtype=np.float32)
            gx, gy = np.meshgrid(grid, grid)
            points = np.stack([gx.ravel(), gy.ravel()], axis=1)  # (81 * 81, 2)
            logits, problem = attempt(self.nn.mlp_forward, points, self.history["disc"][i])
            if problem is not None:
                self.notice = problem
                return
            real_prob = 1.0 / (1.0 + np.exp(-np.clip(logits[0][:, 0], -30, 30)))
            self.ax.imshow(real_prob.reshape(gx.shape), extent=(-3.2, 3.2, -3.2, 3.2), origin="lower",
                           cmap="Greens", vmin=0.0, vmax=1.0, alpha=0.6)
        draw_ring(self.ax, self.history["samples"][i], self.real, _coverage_title(self.history, i))
        self.fig.tight_layout()

    def snapshot(self) -> list:
        """Point positions, titles and the shaded image (as in Demo, plus images)."""
        shown = super().snapshot()
        shown += [np.asarray(im.get_array()).round(6).tolist() for im in self.ax.images]
        return shown
