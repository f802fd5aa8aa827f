"""Chapter 10 demos: reconstructions, latent spaces, decoded grids and the latent-space explorer.

Everything that encodes or decodes calls your functions through
:mod:`nnlib.vae` (``mlp_forward``, ``dense_forward``, ``relu``, ``sigmoid``).
Until one of them is done, the figure that needs it says which exercise to
finish instead of failing.
"""

from __future__ import annotations

import textwrap
from statistics import NormalDist

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.demos.base import Demo, attempt


def _vae():
    import nnlib.vae

    return nnlib.vae


def _say(ax, problem, width=40):
    """Write why a panel is empty (an exercise to finish, an error) in its middle."""
    ax.text(0.5, 0.5, textwrap.fill(problem or "the function returned something unexpected", width),
            ha="center", va="center", transform=ax.transAxes, fontsize=9, color="firebrick")


def _decode(z, decoder):
    """Pixel probabilities for codes z of shape (N, Z), or (None, reason)."""
    probs, problem = attempt(_vae().decode, np.asarray(z, dtype=np.float32), decoder)
    if problem is None and (probs is None or np.shape(probs)[-1] != 64):
        return None, "the decoder returned something of the wrong shape"
    return probs, problem


def plot_kl_terms():
    """One latent dimension's KL term against log-variance, for three means.

    The term ``0.5 * (mu**2 + exp(logvar) - 1 - logvar)`` is smallest at
    ``logvar = 0`` (sigma = 1) and grows with ``mu**2``; its minimum, 0, is
    reached only at ``mu = 0, logvar = 0``. Plain NumPy (the formula on the
    page), not your function. Returns the figure.
    """
    logvar = np.linspace(-4.0, 3.0, 300)
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    for mu, style in ((0.0, "-"), (1.0, "--"), (2.0, ":")):
        ax.plot(logvar, 0.5 * (mu**2 + np.exp(logvar) - 1.0 - logvar), style, label=f"mu = {mu:g}")
    ax.axvline(0.0, color="grey", lw=0.5)
    ax.set_ylim(0.0, 4.0)
    ax.set_xlabel("log-variance  log sigma\u00b2")
    ax.set_ylabel("KL to N(0, 1), nats")
    ax.set_title("the KL term of one latent dimension", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_history(histories):
    """Training loss per epoch of several models: ``{"name": [loss per epoch], ...}``."""
    fig, ax = plt.subplots(figsize=(5.6, 3.2))
    for name, history in histories.items():
        ax.plot(np.arange(1, len(history) + 1), history, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss per image (nats)")
    ax.set_title("training loss", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_reconstructions(rows, names, n=10):
    """Images side by side: one row per entry of ``rows`` (each (N, 64)), labelled by ``names``."""
    fig, axes = plt.subplots(len(rows), n, figsize=(1.0 * n, 1.1 * len(rows)), squeeze=False)
    for r, (images, name) in enumerate(zip(rows, names, strict=True)):
        for i in range(n):
            ax = axes[r, i]
            ax.set_xticks([])
            ax.set_yticks([])
            if images is None:
                continue
            ax.imshow(np.asarray(images[i]).reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)  # (64,) -> (8, 8)
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    plt.close(fig)
    return fig


def draw_codes(ax, codes, labels, title):
    """Scatter 2-D codes coloured by digit, with the digits' names at their centres."""
    codes = np.asarray(codes)
    ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5, s=7, alpha=0.7)
    for digit in range(10):
        centre = codes[labels == digit].mean(axis=0)
        ax.text(centre[0], centre[1], str(digit), fontsize=11, weight="bold", ha="center", va="center",
                bbox={"fc": "white", "ec": plt.get_cmap("tab10")(digit), "alpha": 0.85, "boxstyle": "round,pad=0.2"})
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("z1")
    ax.set_ylabel("z2")


def plot_codes(panels):
    """One scatter per entry of ``panels``: ``[(codes (N, 2), labels (N,), title), ...]``."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels), 4.0), squeeze=False)
    for ax, (codes, labels, title) in zip(axes[0], panels, strict=True):
        draw_codes(ax, codes, np.asarray(labels), title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def latent_grid(decoder, n=15, coverage=0.95):
    """Decode an n-by-n grid of codes; returns ``(image (10n, 10n), z1 values, z2 values)`` or raises.

    The grid's values are quantiles of the standard normal from
    ``(1 - coverage) / 2`` to ``(1 + coverage) / 2``, so it covers the part of
    the plane where the prior puts most of its mass, as in Kingma and
    Welling's figures.
    """
    edge = (1.0 - coverage) / 2
    values = np.array([NormalDist().inv_cdf(q) for q in np.linspace(edge, 1.0 - edge, n)])
    z1, z2 = np.meshgrid(values, values[::-1])  # top row: largest z2
    probs = _vae().decode(np.stack([z1.ravel(), z2.ravel()], axis=1).astype(np.float32), decoder)  # (n*n, 64)
    tiles = np.zeros((n, n, 10, 10))  # each 8x8 digit with a white border of one pixel
    tiles[:, :, 1:9, 1:9] = np.asarray(probs).reshape(n, n, 8, 8)  # (n*n, 64) -> (row, column, 8, 8)
    image = tiles.transpose(0, 2, 1, 3).reshape(10 * n, 10 * n)  # (n, 10, n, 10) -> (10n, 10n)
    return image, values, values[::-1]


def plot_latent_grid(decoder, n=15, coverage=0.95, title="digits decoded over the latent plane"):
    """The static grid of decoded digits over the 2-D latent plane. Returns the figure."""
    fig, ax = plt.subplots(figsize=(5.6, 5.6))
    result, problem = attempt(latent_grid, decoder, n, coverage)
    if problem is not None:
        _say(ax, problem)
        ax.set_axis_off()
    else:
        image, values, _ = result
        half = (values[1] - values[0]) / 2
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest",
                  extent=(values[0] - half, values[-1] + half, values[0] - half, values[-1] + half))
        ax.set_xlabel("z1")
        ax.set_ylabel("z2")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


class LatentExplorer(Demo):
    """Two sliders walk the 2-D latent plane; the decoder draws the digit at that point.

    Left: the codes (means) of held-out digits, coloured by digit, with a
    cross at the current point (z1, z2). Right: ``sigmoid(decoder(z))``, the
    decoded digit's pixel probabilities.
    """

    def __init__(self, decoder, codes, labels, z1=0.0, z2=0.0, limit=3.0):
        self.decoder = decoder
        self.codes = np.asarray(codes)
        self.labels = np.asarray(labels)

        def slider(name, value):
            return widgets.FloatSlider(value=value, min=-limit, max=limit, step=0.1, description=name,
                                       continuous_update=True, layout=widgets.Layout(width="260px"))

        super().__init__({"z1": slider("z1", z1), "z2": slider("z2", z2)}, figsize=(8.4, 4.0), ncols=2)

    def draw(self) -> None:
        """Draw the codes with the current point, and the decoded digit."""
        left, right = self.axes
        z = np.array([[self.value("z1"), self.value("z2")]])
        draw_codes(left, self.codes, self.labels, "held-out digits' codes (means)")
        left.plot(z[0, 0], z[0, 1], "x", color="black", markersize=14, markeredgewidth=3)
        probs, problem = _decode(z, self.decoder)
        right.set_xticks([])
        right.set_yticks([])
        if problem is not None:
            self.notice = problem
            return
        right.imshow(np.asarray(probs).reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)  # (1, 64) -> (8, 8)
        right.set_title(f"decoded at z = ({z[0, 0]:.1f}, {z[0, 1]:.1f})", fontsize=10)
        self.pixels = np.asarray(probs).reshape(8, 8)
