"""Chapter 7 demos: digits, training curves, confusion matrices, a training replay.

Everything that trains or predicts calls your functions (``init_params``,
``iterate_minibatches``, ``train_step``, ``mlp_forward``, ``accuracy``,
``dense_forward``, ``relu``). Until an exercise is done, the figure that
needs it says which one to finish instead of failing.
"""

from __future__ import annotations

import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from nnlib.checking import learner_functions
from nnlib.demos.base import Demo, attempt

#: The chapter's network and training schedule (see the page, section 'Training the network').
LAYER_SIZES = (64, 128, 64, 10)
SCHEDULE = (0.1,) * 15 + (0.01,) * 10
BATCH_SIZE = 16


def _say(ax, problem, width=40):
    """Write why a panel is empty (an exercise to finish, an error) in its middle."""
    ax.text(0.5, 0.5, textwrap.fill(problem or "the function returned something unexpected", width),
            ha="center", va="center", transform=ax.transAxes, fontsize=9, color="firebrick")


def plot_digits(X, y, predicted=None, n=10, side=8, title=None):
    """The first ``n`` images of ``X`` (rows of side*side pixels) with their labels.

    With ``predicted``, each title reads "true -> predicted" and wrong ones are red.
    Returns the figure.
    """
    n = min(n, len(X))
    fig, axes = plt.subplots(1, max(n, 1), figsize=(1.1 * max(n, 1), 1.5))
    for i, ax in enumerate(np.atleast_1d(axes)):
        ax.set_axis_off()
        if i >= n:
            continue
        ax.imshow(np.asarray(X[i]).reshape(side, side), cmap="gray_r", vmin=0.0, vmax=1.0)  # (side*side,) -> (side, side)
        if predicted is None:
            ax.set_title(str(int(y[i])), fontsize=10)
        else:
            right = int(y[i]) == int(predicted[i])
            ax.set_title(f"{int(y[i])} -> {int(predicted[i])}", fontsize=9, color="black" if right else "firebrick")
    if title:
        fig.suptitle(title, fontsize=10, y=1.08)
    plt.close(fig)  # shown once, as the value returned to the notebook
    return fig


def confusion_matrix(y_true, y_pred, num_classes=10):
    """Counts ``M[i, j]`` of examples of true class i predicted as class j."""
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    return counts


def draw_confusion(ax, counts):
    """Draw a confusion matrix with its counts written in the cells."""
    ax.imshow(counts, cmap="Blues")
    num_classes = len(counts)
    for i in range(num_classes):
        for j in range(num_classes):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set_xticks(range(num_classes))
    ax.set_yticks(range(num_classes))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")


def plot_confusion(y_true, y_pred, num_classes=10):
    """A confusion matrix as a figure (rows: true class, columns: predicted class)."""
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    draw_confusion(ax, confusion_matrix(y_true, y_pred, num_classes))
    correct = float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
    ax.set_title(f"{correct:.1%} on the diagonal", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


def draw_history(ax, history, upto=None):
    """Loss (left axis) and accuracies (right axis) per epoch; a vertical line at ``upto``."""
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], color="black", lw=2, label="training loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cross-entropy loss")
    ax.set_ylim(bottom=0.0)
    right = ax.twinx()
    held_out = "validation" if "validation" in history else "test"
    right.plot(epochs, history["train"], color="tab:blue", label="train accuracy")
    right.plot(epochs, history[held_out], color="tab:orange", label=f"{held_out} accuracy")
    right.set_ylim(0.8, 1.005)
    right.set_ylabel("accuracy")
    if upto is not None:
        ax.axvline(upto, color="grey", lw=1, ls="--")
    lines = ax.get_lines()[:1] + right.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="center right", fontsize=8)
    return right


def plot_history(history):
    """The loss curve and the accuracy curves of a training run. Returns the figure."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    draw_history(ax, history)
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_activation_scales(depth=10, width=256, n=500, rng=0):
    """How the spread of the activations changes from layer to layer, for four initialisations.

    A deep stack of dense + ReLU layers (your ``init_params``, ``dense_forward``
    and ``relu``) is fed random inputs; the plot shows the standard deviation
    of each layer's output. Returns the figure.
    """
    nn = learner_functions()
    gen = np.random.default_rng(rng)
    X = gen.standard_normal((n, width)).astype(np.float32)
    sizes = [width] * (depth + 1)
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    settings = [("He: variance 2 / fan_in", "he", 1.0), ("Xavier: 2 / (fan_in + fan_out)", "xavier", 1.0),
                ("He x 1.5 (too large)", "he", 1.5), ("He x 0.5 (too small)", "he", 0.5)]
    for label, method, factor in settings:
        params, problem = attempt(nn.init_params, sizes, np.random.default_rng(1), method=method)
        if problem is not None:
            _say(ax, problem)
            break
        h, spreads = X, [float(np.std(X))]
        for W, b in params:
            out, problem = attempt(nn.dense_forward, h, factor * W, b)
            if problem is None:
                h, problem = attempt(nn.relu, out[0])
            if problem is not None:
                break
            spreads.append(float(np.std(h)))
        if problem is not None:
            _say(ax, problem)
            break
        ax.plot(range(len(spreads)), spreads, marker="o", ms=3, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("std of the activations")
    if ax.lines:
        ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


#: The 784-input network of the section 'Bigger data: 784 inputs', and its schedule (one rate per epoch).
LAYER_SIZES_784 = (784, 128, 64, 10)
SCHEDULE_784 = (0.1,) * 7 + (0.01,) * 3
MNIST_SUBSET = 6000


def enlarge_digits(X, factor=3, pad=2):
    """8x8 digits (rows of 64 pixels) as 28x28 images (rows of 784): each pixel a 3x3 block, 2 blank pixels around.

    MNIST's digits, too, sit in a 20x20 box inside a blank 28x28 frame. The enlarged images carry exactly
    the information of the 8x8 ones, in 784 inputs.
    """
    images = np.asarray(X).reshape(len(X), 8, 8)                             # (N, 64) -> (N, 8, 8)
    big = np.kron(images, np.ones((factor, factor), dtype=images.dtype))      # (N, 8, 8) -> (N, 24, 24)
    big = np.pad(big, ((0, 0), (pad, pad), (pad, pad)))                       # (N, 24, 24) -> (N, 28, 28)
    return big.reshape(len(X), -1)                                            # (N, 28, 28) -> (N, 784)


def load_784(cache_dir=None, subset=MNIST_SUBSET):
    """Data with 784 inputs: MNIST if it is already on disk, else the 8x8 digits enlarged to 28x28.

    Nothing is downloaded (``load_mnist(download=False)``). With MNIST, the first ``subset`` training
    images and the whole test set are used, so training takes seconds. Returns
    ``(X_train, y_train, X_test, y_test, source)``, ``source`` saying which data it is.
    """
    from nnlib.datasets import DatasetError, load_digits, load_mnist

    try:
        X_train, y_train, X_test, y_test = load_mnist(cache_dir=cache_dir, download=False)
    except (DatasetError, OSError):
        X_train, y_train, X_test, y_test = load_digits(test_fraction=0.25, rng=0)
        return (enlarge_digits(X_train), y_train, enlarge_digits(X_test), y_test,
                "a stand-in for MNIST: the 8x8 digits enlarged to 28x28 (MNIST is not on this machine)")
    return (X_train[:subset], y_train[:subset], X_test, y_test,
            f"MNIST (the first {subset:,} training images, all 10,000 test images)")


def train_mlp(nn, data, layer_sizes=LAYER_SIZES, schedule=SCHEDULE, batch_size=BATCH_SIZE, seed=0,
              keep_params=False, on_epoch=None, held_out="test"):
    """Train an MLP with the functions in ``nn``; return ``(params, history)``.

    ``data`` is ``(X_train, y_train, X_held, y_held)``; ``schedule`` holds one
    learning rate per epoch. ``history`` has one entry per epoch: the mean
    training loss ("loss"), the accuracies on the training data ("train") and
    on the held-out data (under the key ``held_out``: "test" or "validation")
    and, with ``keep_params``, the parameters after that epoch ("params").
    ``on_epoch(epoch, history)`` is called after each epoch (a progress bar).
    """
    X_train, y_train, X_test, y_test = data
    rng = np.random.default_rng(seed)
    params = nn.init_params(list(layer_sizes), rng)
    history = {"loss": [], "train": [], held_out: [], "params": []}
    for epoch, lr in enumerate(schedule, start=1):
        losses = []
        for X_batch, y_batch in nn.iterate_minibatches(X_train, y_train, batch_size, rng):
            params, loss = nn.train_step(X_batch, y_batch, params, lr)
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        history["train"].append(nn.accuracy(nn.mlp_forward(X_train, params)[0], y_train))
        history[held_out].append(nn.accuracy(nn.mlp_forward(X_test, params)[0], y_test))
        if keep_params:
            history["params"].append(params)
        if on_epoch is not None:
            on_epoch(epoch, history)
    return params, history


class TrainingReplay(Demo):
    """Scrub through a recorded training run; pick the size of the hidden layers.

    Left: the loss and accuracy curves, with a dashed line at the chosen
    epoch. Right: the confusion matrix of the held-out data (``held_out``
    names it: "test" or "validation") after that epoch. Changing the hidden
    size trains a new network (about a second).
    """

    def __init__(self, data, epoch=1, hidden=128, held_out="test"):
        self.nn = learner_functions()
        self.data = data
        self.held_out = held_out
        self.runs = {}
        controls = {
            "epoch": widgets.IntSlider(value=epoch, min=1, max=len(SCHEDULE), description="epoch",
                                       continuous_update=False),
            "hidden": widgets.Dropdown(options=[8, 32, 128], value=hidden, description="hidden units"),
        }
        super().__init__(controls, figsize=(11.0, 4.2), ncols=2)

    def _run(self, hidden):
        """The recorded run for this hidden size (trained on first use), or the reason there is none."""
        if hidden not in self.runs:
            sizes = (LAYER_SIZES[0], hidden, hidden // 2, LAYER_SIZES[-1])
            self.runs[hidden] = attempt(train_mlp, self.nn, self.data, sizes, keep_params=True,
                                          held_out=self.held_out, timeout=60.0)
        return self.runs[hidden]

    def draw(self) -> None:
        """Redraw both panels for the chosen epoch and hidden size."""
        left, right = self.axes
        hidden, epoch = self.value("hidden"), self.value("epoch")
        result, problem = self._run(hidden)
        if problem is not None:
            self.notice = problem
            return
        _, history = result
        twin = draw_history(left, history, upto=epoch)
        self._twins = [twin]
        left.set_title(f"{LAYER_SIZES[0]}-{hidden}-{hidden // 2}-10: epoch {epoch} of {len(history['loss'])}",
                       fontsize=10)
        X_test, y_test = self.data[2], self.data[3]
        scores, problem = attempt(self.nn.mlp_forward, X_test, history["params"][epoch - 1])
        if problem is not None:
            _say(right, problem)
            return
        predicted = np.argmax(scores[0], axis=1)
        draw_confusion(right, confusion_matrix(y_test, predicted))
        right.set_title(f"{self.held_out} set after epoch {epoch}: {history[self.held_out][epoch - 1]:.1%} right",
                        fontsize=10)

    def redraw(self) -> None:
        """Remove the accuracy axis of the previous drawing, then draw again."""
        for twin in getattr(self, "_twins", []):
            twin.remove()
        self._twins = []
        super().redraw()

    def snapshot(self) -> list:
        """Lines, texts and titles (as in Demo), plus the confusion matrix's counts."""
        shown = super().snapshot()
        for ax in self.axes:
            shown += [np.asarray(im.get_array()).tolist() for im in ax.images]
            shown += [line.get_xydata().round(9).tolist() for line in ax.lines]
        return shown


def plot_regularization(runs):
    """Validation accuracy per epoch for several training runs, one line each. Returns the figure.

    ``runs`` maps a label ("no regularisation", "dropout p = 0.5", ...) to a
    list of validation accuracies, one per epoch.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for label, accuracies in runs.items():
        ax.plot(np.arange(1, len(accuracies) + 1), accuracies, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig
