"""Every graded exercise of the course, in one table.

The table is the single place that says which function belongs to which
chapter, file and section, and how many points it is worth. The stub
generator, the check runner (``python -m nnlib check 2``), the nbgrader
assignment builder and the test suite all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    """A chapter of the book: its number, title and page name."""

    number: int
    title: str
    page: str  # file name under chapters/, without extension

    @property
    def assignment(self) -> str:
        """Name of the chapter's nbgrader assignment, e.g. ``ch02``."""
        return f"ch{self.number:02d}"


@dataclass(frozen=True)
class Exercise:
    """One graded function: ``nnlib/<module>.py::<function>``."""

    id: str  # "chapter.index", e.g. "2.5"
    function: str
    module: str  # module under nnlib/, e.g. "neurons"
    section: str  # section of the chapter that teaches it
    points: int = 1
    #: other exercises' functions this one usually calls: a failed check then
    #: also names the first of them that fails its quick test (nnlib.testing.needs)
    calls: tuple[str, ...] = ()

    @property
    def chapter(self) -> int:
        """Number of the chapter that teaches this exercise."""
        return int(self.id.split(".")[0])

    @property
    def marker(self) -> str:
        """Pytest marker that selects this exercise's tests, e.g. ``ex2_5``."""
        return "ex" + self.id.replace(".", "_")

    @property
    def path(self) -> str:
        """File the learner edits, relative to the repository root."""
        return f"nnlib/{self.module}.py"

    @property
    def todo(self) -> str:
        """The sentence every stub raises and every failed check repeats."""
        return (
            f"Exercise {self.id}: implement {self.function} "
            f"(chapter {self.chapter}, section '{self.section}')"
        )


CHAPTERS = (
    Chapter(1, "Problems as functions", "01_functions"),
    Chapter(2, "The neuron", "02_neuron"),
    Chapter(3, "The perceptron", "03_perceptron"),
    Chapter(4, "Measuring error: losses", "04_losses"),
    Chapter(5, "Gradient descent", "05_gradient_descent"),
    Chapter(6, "Backpropagation", "06_backpropagation"),
    Chapter(7, "Feedforward networks (MLP)", "07_mlp"),
    Chapter(8, "Convolutional networks", "08_cnn"),
    Chapter(9, "Recurrent networks", "09_rnn"),
    Chapter(10, "Autoencoders and VAEs", "10_vae"),
    Chapter(11, "GANs", "11_gan"),
    Chapter(12, "Transformers and attention", "12_transformer"),
)

EXERCISES = (
    Exercise("1.1", "relu", "functions", "A kink you can bend", 1),
    Exercise("1.2", "sum_of_relus", "functions", "Adding hinges", 2, ("relu",)),
    Exercise("2.1", "weighted_sum", "neurons", "The linear function", 1),
    Exercise("2.2", "step", "neurons", "Activation functions", 1),
    Exercise("2.3", "sigmoid", "neurons", "Activation functions", 1),
    Exercise("2.4", "tanh", "neurons", "Activation functions", 1, ("sigmoid",)),
    Exercise("2.5", "softmax", "neurons", "Softmax", 2),
    Exercise("2.6", "neuron", "neurons", "Putting the neuron together", 1, ("weighted_sum",)),
    Exercise("3.1", "perceptron_predict", "perceptron", "The decision rule", 1),
    Exercise("3.2", "perceptron_update", "perceptron", "The learning rule", 2,
             ("perceptron_predict",)),
    Exercise("3.3", "train_perceptron", "perceptron", "Training loop", 2,
             ("perceptron_predict", "perceptron_update")),
    Exercise("4.1", "mse_loss", "losses", "Mean squared error", 1),
    Exercise("4.2", "binary_cross_entropy", "losses", "Binary cross-entropy", 1),
    Exercise("4.3", "log_softmax", "losses", "Cross-entropy for many classes", 1),
    Exercise("4.4", "cross_entropy", "losses", "Cross-entropy for many classes", 2, ("log_softmax",)),
    Exercise("5.1", "numerical_gradient", "optim", "Slopes by nudging", 1),
    Exercise("5.2", "gradient_descent", "optim", "Walking downhill", 1),
    Exercise("5.3", "iterate_minibatches", "optim", "Minibatches", 1),
    Exercise("5.4", "sgd_step", "optim", "Stochastic gradient descent", 1),
    Exercise("5.5", "momentum_step", "optim", "Momentum", 1),
    Exercise("5.6", "adam_step", "optim", "Adam", 2),
    Exercise("5.7", "rmsprop_step", "optim", "Adam", 1),
    Exercise("6.1", "dense_forward", "layers", "A dense layer", 1),
    Exercise("6.2", "dense_backward", "layers", "A dense layer", 2),
    Exercise("6.3", "relu_backward", "layers", "Activations backwards", 1),
    Exercise("6.4", "sigmoid_backward", "layers", "Activations backwards", 1),
    Exercise("6.5", "tanh_backward", "layers", "Activations backwards", 1),
    Exercise("6.6", "gradient_check", "layers", "Checking gradients", 1),
    Exercise("7.1", "init_params", "mlp", "Initialising the weights", 1),
    Exercise("7.2", "mlp_forward", "mlp", "The forward pass", 2),
    Exercise("7.3", "mlp_backward", "mlp", "The backward pass", 2),
    Exercise("7.4", "train_step", "mlp", "One training step", 2),
    Exercise("7.5", "accuracy", "mlp", "Measuring accuracy", 1),
    Exercise("7.6", "dropout_forward", "mlp", "Dropout", 1),
    Exercise("7.7", "dropout_backward", "mlp", "Dropout", 1),
    Exercise("8.1", "conv2d_forward_naive", "conv", "A convolution, one loop at a time", 2),
    Exercise("8.2", "im2col", "conv", "Convolution as one matrix product", 2),
    Exercise("8.3", "col2im", "conv", "Convolution as one matrix product", 2),
    Exercise("8.4", "conv2d_forward", "conv", "Convolution as one matrix product", 2,
             ("im2col",)),
    Exercise("8.5", "conv2d_backward", "conv", "The convolution backwards", 3, ("col2im",)),
    Exercise("8.6", "maxpool2d_forward", "conv", "Pooling", 1),
    Exercise("8.7", "maxpool2d_backward", "conv", "Pooling", 2),
    Exercise("9.1", "rnn_step_forward", "rnn", "One step of a recurrent network", 1, ("tanh",)),
    Exercise("9.2", "rnn_step_backward", "rnn", "One step of a recurrent network", 2, ("tanh_backward",)),
    Exercise("9.3", "rnn_forward", "rnn", "Unrolling the loop", 1, ("rnn_step_forward",)),
    Exercise("9.4", "rnn_backward", "rnn", "Backpropagation through time", 3, ("rnn_step_backward",)),
    Exercise("9.5", "clip_gradients", "rnn", "Exploding gradients and clipping", 1),
    Exercise("9.6", "lstm_step_forward", "rnn", "Gates: the LSTM", 2, ("sigmoid", "tanh")),
    Exercise("9.7", "lstm_step_backward", "rnn", "Gates: the LSTM", 3,
             ("lstm_step_forward", "tanh", "sigmoid_backward", "tanh_backward")),
    Exercise("9.8", "lstm_forward", "rnn", "A whole sequence through the LSTM", 2, ("sigmoid", "tanh")),
    Exercise("9.9", "lstm_backward", "rnn", "A whole sequence through the LSTM", 3, ("lstm_forward", "tanh")),
    Exercise("9.10", "embedding_forward", "rnn", "Characters as vectors", 1),
    Exercise("9.11", "embedding_backward", "rnn", "Characters as vectors", 1),
    Exercise("9.12", "temporal_softmax_loss", "rnn", "A loss at every step", 2, ("cross_entropy",)),
    Exercise("9.13", "sample", "rnn", "Generating text", 2, ("embedding_forward", "lstm_step_forward", "softmax")),
    Exercise("10.1", "reconstruction_loss", "vae", "Measuring a reconstruction", 2, ("sigmoid",)),
    Exercise("10.2", "reparameterize", "vae", "The reparameterisation trick", 1),
    Exercise("10.3", "reparameterize_backward", "vae", "The reparameterisation trick", 2, ("reparameterize",)),
    Exercise("10.4", "kl_divergence", "vae", "Keeping the codes close to the standard normal", 2),
    Exercise("10.5", "vae_loss", "vae", "The VAE's loss, forwards and backwards", 2,
             ("dense_forward", "relu", "mlp_forward", "sigmoid", "reparameterize", "reconstruction_loss",
              "kl_divergence")),
    Exercise("10.6", "vae_loss_backward", "vae", "The VAE's loss, forwards and backwards", 3,
             ("dense_forward", "relu", "mlp_forward", "dense_backward", "relu_backward", "mlp_backward",
              "sigmoid", "reparameterize", "reparameterize_backward", "reconstruction_loss", "kl_divergence",
              "vae_loss")),
    Exercise("11.1", "softplus", "gan", "Losses from logits", 1),
    Exercise("11.2", "discriminator_loss", "gan", "The discriminator's loss", 2, ("softplus", "sigmoid")),
    Exercise("11.3", "generator_loss", "gan", "The generator's loss", 2, ("softplus", "sigmoid")),
    Exercise("11.4", "mlp_input_gradient", "gan", "Gradients through the discriminator", 2,
             ("dense_forward", "relu", "mlp_forward", "dense_backward", "relu_backward")),
    Exercise("11.5", "gan_train_step", "gan", "One training step", 3,
             ("dense_forward", "relu", "mlp_forward", "dense_backward", "relu_backward", "mlp_backward",
              "sigmoid", "softplus", "adam_step", "discriminator_loss", "generator_loss",
              "mlp_input_gradient")),
    Exercise("11.6", "mode_coverage", "gan", "Measuring a GAN", 1),
    Exercise("12.1", "attention_forward", "attention", "Scaled dot-product attention", 2, ("softmax",)),
    Exercise("12.2", "causal_mask", "attention", "Masks: not looking ahead", 1),
    Exercise("12.3", "softmax_backward", "attention", "The softmax, backwards", 1),
    Exercise("12.4", "attention_backward", "attention", "Attention, backwards", 3, ("softmax_backward",)),
    Exercise("12.5", "split_heads", "attention", "Many heads", 1),
    Exercise("12.6", "merge_heads", "attention", "Many heads", 1),
    Exercise("12.7", "mha_forward", "attention", "Many heads", 2,
             ("dense_forward", "softmax", "attention_forward", "split_heads", "merge_heads")),
    Exercise("12.8", "mha_backward", "attention", "Many heads", 3,
             ("dense_forward", "dense_backward", "softmax", "attention_forward", "softmax_backward",
              "attention_backward", "split_heads", "merge_heads", "mha_forward")),
    Exercise("12.9", "positional_encoding", "attention", "Where is everybody? Positions", 1),
    Exercise("12.10", "layer_norm_forward", "attention", "Layer normalisation", 1),
    Exercise("12.11", "layer_norm_backward", "attention", "Layer normalisation", 2, ("layer_norm_forward",)),
    Exercise("12.12", "transformer_block_forward", "attention", "The transformer block", 2,
             ("relu", "dense_forward", "softmax", "attention_forward", "split_heads", "merge_heads",
              "mha_forward", "layer_norm_forward")),
    Exercise("12.13", "transformer_block_backward", "attention", "The transformer block", 3,
             ("relu", "dense_forward", "dense_backward", "relu_backward", "softmax", "attention_forward",
              "softmax_backward", "attention_backward", "split_heads", "merge_heads", "mha_forward",
              "mha_backward", "layer_norm_forward", "layer_norm_backward", "transformer_block_forward")),
)

#: Modules that hold exercises, in the order the course teaches them.
MODULES = tuple(dict.fromkeys(ex.module for ex in EXERCISES))


def chapter(number: int) -> Chapter:
    """Return the chapter with this number (ValueError if there is none)."""
    for ch in CHAPTERS:
        if ch.number == number:
            return ch
    known = ", ".join(str(ch.number) for ch in CHAPTERS)
    raise ValueError(f"there is no chapter {number}; chapters with exercises: {known}")


def select(target: str | int | None = None) -> list[Exercise]:
    """Exercises named by ``target``.

    ``target`` may be a chapter number (``2`` or ``"2"``), an exercise id
    (``"2.5"``), a function name (``"softmax"``), or None/"all" for every
    exercise. Raises ValueError with the valid choices otherwise.
    """
    if target is None or str(target) == "all":
        return list(EXERCISES)
    text = str(target).strip()
    if text.isdigit():
        chapter(int(text))  # raises for an unknown chapter
        return [ex for ex in EXERCISES if ex.chapter == int(text)]
    found = [ex for ex in EXERCISES if text in (ex.id, ex.function)]
    if not found:
        raise ValueError(
            f"no exercise called {text!r}: give a chapter number (e.g. 2), "
            "an exercise id (e.g. 2.5) or a function name (e.g. softmax); "
            "`python -m nnlib list` shows them all"
        )
    return found


def by_function(name: str) -> Exercise:
    """The exercise that asks for the function ``name``."""
    for ex in EXERCISES:
        if ex.function == name:
            return ex
    raise KeyError(name)
