"""Chapter 8 demos: a filter editor, feature maps, and a small CNN trained on digits.

The network and the figures call your functions (``conv2d_forward``,
``conv2d_backward``, ``maxpool2d_forward``, ``maxpool2d_backward``, and from
earlier chapters ``relu``, ``relu_backward``, ``dense_forward``,
``dense_backward``, ``cross_entropy``, ``adam_step``,
``iterate_minibatches``, ``accuracy``). Until an exercise is done, the
figure that needs it says which one to finish instead of failing.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.demos.base import Demo, attempt, say

#: The chapter's network (see the page, section 'A CNN for digits').
FILTERS = 16
HIDDEN = 32
SCHEDULE = (5e-3,) * 10 + (5e-4,) * 4  # Adam's learning rate in each epoch
BATCH_SIZE = 32

#: Hand-made 3 x 3 kernels for the filter editor.
PRESETS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "vertical edges": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "horizontal edges": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
}


# --------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------


def init_cnn(rng, filters=FILTERS, hidden=HIDDEN, num_classes=10, side=8, dtype=np.float32):
    """Parameters of conv(3 x 3, pad 1) -> ReLU -> 2 x 2 max-pool -> dense -> ReLU -> dense.

    He initialisation (variance 2 / fan_in) for every weight, zero biases.
    Returns the list ``[W1, b1, W2, b2, W3, b3]``: ``W1`` of shape
    (filters, 1, 3, 3), ``W2`` of shape (filters * (side // 2) ** 2, hidden),
    ``W3`` of shape (hidden, num_classes).
    """
    flat = filters * (side // 2) ** 2

    def he(shape, fan_in):
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape).astype(dtype)

    return [he((filters, 1, 3, 3), 9), np.zeros(filters, dtype=dtype),
            he((flat, hidden), flat), np.zeros(hidden, dtype=dtype),
            he((hidden, num_classes), hidden), np.zeros(num_classes, dtype=dtype)]


def count_parameters(params):
    """Number of numbers in a list of arrays (or of (W, b) pairs)."""
    return int(sum(np.size(p) if isinstance(p, np.ndarray) else count_parameters(p) for p in params))


def cnn_forward(nn, X, params, side=8):
    """Scores of the chapter's CNN for images X of shape (N, side * side); returns (scores, caches)."""
    W1, b1, W2, b2, W3, b3 = params
    x = X.reshape(-1, 1, side, side)  # (N, 64) -> (N, C=1, 8, 8)
    z1, conv_cache = nn.conv2d_forward(x, W1, b1, 1, 1)  # (N, F, 8, 8)
    h1 = nn.relu(z1)
    p1, pool_cache = nn.maxpool2d_forward(h1, 2, 2)  # (N, F, 4, 4)
    flat = p1.reshape(p1.shape[0], -1)  # flatten: (N, F, 4, 4) -> (N, F * 16)
    z2, dense2_cache = nn.dense_forward(flat, W2, b2)  # (N, F*16) @ (F*16, H) -> (N, H)
    h2 = nn.relu(z2)
    scores, dense3_cache = nn.dense_forward(h2, W3, b3)  # (N, H) @ (H, 10) -> (N, 10)
    return scores, (conv_cache, z1, pool_cache, p1.shape, dense2_cache, z2, dense3_cache)


def cnn_backward(nn, dscores, caches):
    """Gradients ``[dW1, db1, dW2, db2, dW3, db3]`` of the chapter's CNN."""
    conv_cache, z1, pool_cache, pooled_shape, dense2_cache, z2, dense3_cache = caches
    dh2, dW3, db3 = nn.dense_backward(dscores, dense3_cache)
    dflat, dW2, db2 = nn.dense_backward(nn.relu_backward(dh2, z2), dense2_cache)
    dp1 = dflat.reshape(pooled_shape)  # un-flatten: (N, F * 16) -> (N, F, 4, 4)
    dz1 = nn.relu_backward(nn.maxpool2d_backward(dp1, pool_cache), z1)
    _, dW1, db1 = nn.conv2d_backward(dz1, conv_cache)  # the images' own gradient dx is not used
    return [dW1, db1, dW2, db2, dW3, db3]


def predict_scores(nn, X, params, batch=512):
    """Scores for many images, a batch at a time."""
    return np.concatenate([cnn_forward(nn, X[i : i + batch], params)[0] for i in range(0, len(X), batch)])


def train_cnn(nn, data, schedule=SCHEDULE, batch_size=BATCH_SIZE, seed=0, filters=FILTERS, hidden=HIDDEN,
              on_epoch=None):
    """Train the chapter's CNN with Adam; return ``(params, history)``.

    ``schedule`` holds one learning rate per epoch.
    ``data`` is ``(X_train, y_train, X_test, y_test)`` with images as rows of
    64 pixels. ``history`` holds per epoch the mean training loss ("loss")
    and the train and test accuracies ("train", "test").
    ``on_epoch(epoch, history)`` is called after each epoch (a progress bar).
    """
    X_train, y_train, X_test, y_test = data
    rng = np.random.default_rng(seed)
    params = init_cnn(rng, filters, hidden, dtype=X_train.dtype)
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    history = {"loss": [], "train": [], "test": []}
    step = 0
    for epoch, lr in enumerate(schedule, start=1):
        losses = []
        for X_batch, y_batch in nn.iterate_minibatches(X_train, y_train, batch_size, rng):
            scores, caches = cnn_forward(nn, X_batch, params)
            loss, dscores = nn.cross_entropy(scores, y_batch)
            grads = cnn_backward(nn, dscores, caches)
            step += 1
            updated = [nn.adam_step(p, g, m, v, step, lr) for p, g, (m, v) in zip(params, grads, moments, strict=True)]
            params = [u[0] for u in updated]
            moments = [(u[1], u[2]) for u in updated]
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train"].append(nn.accuracy(predict_scores(nn, X_train, params), y_train))
        history["test"].append(nn.accuracy(predict_scores(nn, X_test, params), y_test))
        if on_epoch is not None:
            on_epoch(epoch, history)
    return params, history


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def _grid(ax, values, title, cmap="gray_r", vmin=None, vmax=None, numbers=False):
    """Draw a 2-D array as an image, optionally with its values written in."""
    values = np.asarray(values, dtype=float)
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    if numbers:
        for (i, j), v in np.ndenumerate(values):
            shade = image.norm(v)  # 0..1 along the colour map: white text on the dark ends
            dark = shade > 0.75 if cmap in ("Greys", "gray_r") else not 0.2 < shade < 0.8
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8, color="white" if dark else "black")


def plot_sliding_window(nn=None, i=1, j=2):
    """A 5 x 5 image, a 3 x 3 filter and the 3 x 3 output; the window for output (i, j) is outlined.

    The output is computed with your ``conv2d_forward_naive``. Returns the figure.
    """
    nn = nn or learner_functions()
    x = np.array([[0, 1, 2, 1, 0], [1, 3, 4, 3, 1], [2, 4, 5, 4, 2], [1, 3, 4, 3, 1], [0, 1, 2, 1, 0]], dtype=float)
    W = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float)
    fig, axes = plt.subplots(1, 3, figsize=(8.0, 2.9), gridspec_kw={"width_ratios": [5, 3, 3]})
    _grid(axes[0], x, "image x (5 x 5)", cmap="Greys", vmin=0, vmax=8, numbers=True)
    axes[0].add_patch(plt.Rectangle((j - 0.5, i - 0.5), 3, 3, fill=False, lw=2.5, color="tab:blue"))
    _grid(axes[1], W, "filter W (3 x 3)", cmap="coolwarm", vmin=-2, vmax=2, numbers=True)
    out, problem = attempt(nn.conv2d_forward_naive, x[None, None], W[None, None], np.zeros(1), 1, 0)
    if problem is None and np.shape(out) == (1, 1, 3, 3):
        _grid(axes[2], out[0, 0], "output (3 x 3)", cmap="coolwarm", vmin=-8, vmax=8, numbers=True)
        axes[2].add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=2.5, color="tab:blue"))
    else:
        axes[2].set_axis_off()
        say(axes[2], problem, width=24)
    fig.tight_layout()
    plt.close(fig)
    return fig


def _convolve(nn, image, kernel):
    """Feature map of one image under one 3 x 3 kernel (pad 1), with your fastest working function."""
    x, W, b = image[None, None], np.asarray(kernel, dtype=image.dtype)[None, None], np.zeros(1, dtype=image.dtype)
    got, problem = attempt(nn.conv2d_forward, x, W, b, 1, 1)
    if problem is None and isinstance(got, tuple) and np.shape(got[0]) == (1, 1, *image.shape):
        return got[0][0, 0], None
    naive, naive_problem = attempt(nn.conv2d_forward_naive, x, W, b, 1, 1)
    if naive_problem is None and np.shape(naive) == (1, 1, *image.shape):
        return naive[0, 0], None
    return None, problem or naive_problem


class FilterEditor(Demo):
    """A 3 x 3 kernel applied to a digit: presets, nine sliders, and the feature map live.

    Left: the digit (8 x 8, zero-padded by 1). Middle: the kernel. Right: the
    feature map, your ``conv2d_forward`` (or ``conv2d_forward_naive``) of the
    digit with the kernel, stride 1, pad 1. Red is positive, blue negative.
    """

    def __init__(self, images, preset="vertical edges", index=0):
        self.nn = learner_functions()
        self.images = np.asarray(images, dtype=np.float32).reshape(-1, 8, 8)  # (N, 64) -> (N, 8, 8)
        self._quiet = False
        kernel = PRESETS[preset]
        controls = {"preset": widgets.Dropdown(options=list(PRESETS), value=preset, description="preset"),
                    "digit": widgets.IntSlider(value=index, min=0, max=len(self.images) - 1, description="digit")}
        for r in range(3):
            for c in range(3):
                controls[f"w{r}{c}"] = widgets.FloatSlider(value=float(kernel[r][c]), min=-8.0, max=8.0, step=0.05,
                                                            description=f"W[{r},{c}]", continuous_update=False,
                                                            layout=widgets.Layout(width="230px"))
        super().__init__(controls, figsize=(8.0, 2.9), ncols=3)

    def kernel(self):
        """The kernel the sliders show, shape (3, 3)."""
        return np.array([[self.value(f"w{r}{c}") for c in range(3)] for r in range(3)], dtype=np.float32)

    def _on_change(self, change) -> None:
        if self._quiet:
            return
        if change["owner"] is self.controls["preset"]:
            self._quiet = True  # move the nine sliders, then draw once
            try:
                for r, row in enumerate(PRESETS[change["new"]]):
                    for c, v in enumerate(row):
                        self.controls[f"w{r}{c}"].value = float(v)
            finally:
                self._quiet = False
        self.redraw()

    def draw(self) -> None:
        """Digit, kernel and feature map for the current controls."""
        image = self.images[self.value("digit")]
        kernel = self.kernel()
        _grid(self.axes[0], image, "digit (8 x 8)", vmin=0, vmax=1)
        limit = max(float(np.abs(kernel).max()), 1e-6)
        _grid(self.axes[1], kernel, "kernel W (3 x 3)", cmap="coolwarm", vmin=-limit, vmax=limit, numbers=True)
        fmap, problem = _convolve(self.nn, image, kernel)
        if fmap is None:
            self.axes[2].set_axis_off()
            say(self.axes[2], problem, width=26)
            return
        top = max(float(np.abs(fmap).max()), 1e-6)
        _grid(self.axes[2], fmap, f"feature map, range [{fmap.min():.2g}, {fmap.max():.2g}]",
              cmap="coolwarm", vmin=-top, vmax=top)

    @property
    def widget(self) -> widgets.Widget:
        """Preset and digit on top, the nine kernel sliders as a 3 x 3 grid, then the figure."""
        sliders = [self.controls[f"w{r}{c}"] for r in range(3) for c in range(3)]
        grid = widgets.GridBox(sliders, layout=widgets.Layout(grid_template_columns="repeat(3, 240px)"))
        return widgets.VBox([widgets.HBox([self.controls["preset"], self.controls["digit"]]), grid, self.image])

    def snapshot(self) -> list:
        """The titles and the images' pixel data, so a test can tell that the figure changed."""
        shown = super().snapshot()
        for ax in self.axes:
            shown += [np.asarray(im.get_array()).round(6).tolist() for im in ax.images]
        return shown


def plot_filters(W, title="learned 3 x 3 filters"):
    """The first-layer filters W of shape (F, 1, 3, 3), each on its own colour scale. Returns the figure."""
    W = np.asarray(W)
    n = W.shape[0]
    cols = min(n, 8)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.0 * cols, 1.05 * rows + 0.3))
    for k, ax in enumerate(np.atleast_1d(axes).ravel()):
        ax.set_axis_off()
        if k < n:
            limit = float(np.abs(W[k, 0]).max()) or 1.0
            ax.imshow(W[k, 0], cmap="coolwarm", vmin=-limit, vmax=limit)
            ax.set_title(f"{k}", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_feature_maps(nn, params, X, n=3, maps=8):
    """For ``n`` digits: the image, then the first ``maps`` feature maps after conv + ReLU. Returns the figure."""
    W1, b1 = params[0], params[1]
    x = np.asarray(X[:n]).reshape(-1, 1, 8, 8)  # (n, 64) -> (n, 1, 8, 8)
    z, _ = nn.conv2d_forward(x, W1, b1, 1, 1)  # (n, F, 8, 8)
    h = nn.relu(z)
    fig, axes = plt.subplots(n, maps + 1, figsize=(0.95 * (maps + 1), 1.0 * n + 0.3))
    axes = np.atleast_2d(axes)
    for r in range(n):
        _grid(axes[r, 0], x[r, 0], "digit" if r == 0 else "", vmin=0, vmax=1)
        for k in range(maps):
            _grid(axes[r, k + 1], h[r, k], f"map {k}" if r == 0 else "", cmap="magma")
    fig.tight_layout()
    plt.close(fig)
    return fig
