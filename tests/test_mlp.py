"""Properties of the reference ``nnlib/mlp.py``, and the chapter's training target.

Each test's docstring is the question it answers. Gradients are checked
against central differences in float64; dtypes are checked in float32.
"""

import collections
import time
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import testing
from nnlib.checking import learner_functions, load_visible_checks
from nnlib.datasets import load_digits, logic_gate
from nnlib.losses import cross_entropy
from nnlib.mlp import (
    accuracy,
    dropout_backward,
    dropout_forward,
    init_params,
    mlp_backward,
    mlp_forward,
    regularized_train_step,
    train_step,
)
from nnlib.optim import iterate_minibatches

FAST = settings(max_examples=30, deadline=None)
widths = st.lists(st.integers(1, 6), min_size=2, max_size=5)


def random_params(rng, sizes, dtype=np.float64):
    return [(rng.normal(size=(a, b)).astype(dtype), rng.normal(size=b).astype(dtype))
            for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


# --------------------------------------------------------------------------
# The training target stated on the page
# --------------------------------------------------------------------------


@pytest.mark.ex7_4
def test_digits_network_reaches_the_target():
    """Does the page's recipe (64-128-64-10, seed 0) reach at least 96% test accuracy, in float32?"""
    X_train, y_train, X_test, y_test = load_digits(test_fraction=0.25, rng=0)
    rng = np.random.default_rng(0)
    params = init_params([64, 128, 64, 10], rng)
    started = time.perf_counter()
    for lr in [0.1] * 15 + [0.01] * 10:
        for X_batch, y_batch in iterate_minibatches(X_train, y_train, 16, rng):
            params, loss = train_step(X_batch, y_batch, params, lr)
    elapsed = time.perf_counter() - started
    scores, _ = mlp_forward(X_test, params)
    assert accuracy(scores, y_test) >= 0.96
    assert scores.dtype == np.float32 and all(W.dtype == b.dtype == np.float32 for W, b in params)
    assert elapsed < 30  # about 0.4 s on two cores; the page promises "well under a second"
    predicted = np.argmax(scores, axis=1)
    wrong = predicted != y_test
    pairs = collections.Counter(zip(y_test[wrong].tolist(), predicted[wrong].tolist(), strict=True))
    # the page: "the errors are few and spread thinly over many pairs of digits: even the most
    # frequent confusion happens only a handful of times"
    assert wrong.sum() <= 0.04 * len(y_test) and len(pairs) >= 5 and max(pairs.values()) <= 5


@pytest.mark.ex7_4
def test_784_input_network_trains_on_the_stand_in(tmp_path):
    """Without MNIST, does the page's 784-128-64-10 network reach 95% on the enlarged digits, within 2 points of the
    64-input network, with 784 inputs and a frame of blank pixels?"""
    import nnlib
    from nnlib.demos import mlp as demos

    X_train, y_train, X_test, y_test, source = demos.load_784(cache_dir=tmp_path)  # an empty folder: no MNIST
    assert "stand-in" in source and X_train.shape == (1347, 784) and X_test.shape == (450, 784)
    images = X_train.reshape(-1, 28, 28)
    assert not images[:, :2].any() and not images[:, -2:].any() and not images[:, :, :2].any()
    small, _, _, _ = load_digits(test_fraction=0.25, rng=0)
    assert np.array_equal(images[:, 2:-2:3, 2:-2:3].reshape(-1, 64), small)  # every 3x3 block is one pixel
    params, history = demos.train_mlp(nnlib, (X_train, y_train, X_test, y_test), layer_sizes=demos.LAYER_SIZES_784,
                                      schedule=demos.SCHEDULE_784, batch_size=32, seed=0)
    assert [W.shape for W, _ in params] == [(784, 128), (128, 64), (64, 10)]
    assert history["test"][-1] >= 0.95
    rng = np.random.default_rng(0)
    small_params = init_params([64, 128, 64, 10], rng)
    X_small, y_small, X_small_test, _ = load_digits(test_fraction=0.25, rng=0)
    for lr in [0.1] * 15 + [0.01] * 10:
        for X_batch, y_batch in iterate_minibatches(X_small, y_small, 16, rng):
            small_params, _ = train_step(X_batch, y_batch, small_params, lr)
    assert abs(history["test"][-1] - accuracy(mlp_forward(X_small_test, small_params)[0], y_test)) <= 0.02


# --------------------------------------------------------------------------
# init_params
# --------------------------------------------------------------------------


@pytest.mark.ex7_1
@pytest.mark.parametrize("method", ["he", "xavier"])
def test_init_variance_matches_the_formula(method):
    """Is every layer's sample variance within a few percent of 2/fan_in (He) or 2/(fan_in+fan_out)?"""
    sizes = [300, 400, 200]
    params = init_params(sizes, np.random.default_rng(0), method=method)
    for (fan_in, fan_out), (W, b) in zip(zip(sizes[:-1], sizes[1:], strict=True), params, strict=True):
        target = 2 / fan_in if method == "he" else 2 / (fan_in + fan_out)
        assert abs(W.var() / target - 1) < 0.03
        assert W.dtype == b.dtype == np.float32 and not b.any()


@pytest.mark.ex7_1
def test_init_rejects_unknown_methods():
    """Does an unknown method raise ValueError naming both choices?"""
    with pytest.raises(ValueError, match="he.*xavier"):
        init_params([2, 2], np.random.default_rng(0), method="lecun")


# --------------------------------------------------------------------------
# forward, backward, train_step
# --------------------------------------------------------------------------


@pytest.mark.ex7_3
@FAST
@given(widths, st.integers(1, 5), st.integers(0, 2**16))
def test_backward_matches_central_differences(sizes, n, seed):
    """For random architectures, does mlp_backward agree with central differences of sum(scores * G)?"""
    rng = np.random.default_rng(seed)
    params = random_params(rng, sizes)
    X = rng.normal(size=(n, sizes[0]))
    G = rng.normal(size=(n, sizes[-1]))
    grads = mlp_backward(G, mlp_forward(X, params)[1])
    assert len(grads) == len(params)
    for layer, (W, b) in enumerate(params):
        for k, value in enumerate((W, b)):
            def loss(v, layer=layer, k=k):
                changed = [list(p) for p in params]
                changed[layer][k] = v
                return float(np.sum(mlp_forward(X, [tuple(p) for p in changed])[0] * G))

            # a ReLU kink within eps of a pre-activation is vanishingly unlikely with these seeds' scales
            testing.check_gradient(loss, value, grads[layer][k], name=f"param {layer}.{k}", tol=1e-5)


@pytest.mark.ex7_4
@FAST
@given(widths.filter(lambda s: s[-1] >= 2), st.integers(1, 8), st.integers(0, 2**16))
def test_train_step_is_pure_and_keeps_float32(sizes, n, seed):
    """Does train_step leave its inputs alone, return float32 arrays and a float loss?"""
    rng = np.random.default_rng(seed)
    params = random_params(rng, sizes, np.float32)
    saved = [(W.copy(), b.copy()) for W, b in params]
    X = rng.normal(size=(n, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], size=n)
    new, loss = train_step(X, y, params, 0.1)
    assert isinstance(loss, float) and np.isfinite(loss)
    for (W, b), (W0, b0), (W1, b1) in zip(params, saved, new, strict=True):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
        assert W1.dtype == b1.dtype == np.float32 and W1 is not W


@pytest.mark.ex7_4
def test_train_step_is_a_gradient_step():
    """Is new_params exactly params - lr * grads, with the loss measured before the step?"""
    rng = np.random.default_rng(1)
    params = random_params(rng, [4, 5, 3])
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    scores, caches = mlp_forward(X, params)
    shifted = scores - scores.max(axis=1, keepdims=True)
    expected_loss = -np.mean(shifted[np.arange(6), y] - np.log(np.exp(shifted).sum(axis=1)))
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    p[np.arange(6), y] -= 1
    grads = mlp_backward(p / 6, caches)
    new, loss = train_step(X, y, params, 0.3)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    for (W, b), (dW, db), (W1, b1) in zip(params, grads, new, strict=True):
        np.testing.assert_allclose(W1, W - 0.3 * dW, rtol=1e-12)
        np.testing.assert_allclose(b1, b - 0.3 * db, rtol=1e-12)


# --------------------------------------------------------------------------
# dropout and accuracy
# --------------------------------------------------------------------------


@pytest.mark.ex7_6
@FAST
@given(st.floats(0.0, 0.9), st.integers(0, 2**16))
def test_dropout_keeps_the_expected_value(p, seed):
    """Is the mean of inverted dropout's output close to the input's, for any p?"""
    x = np.full((100, 100), 3.0, dtype=np.float32)
    out, mask = dropout_forward(x, p, np.random.default_rng(seed))
    assert out.dtype == mask.dtype == np.float32
    assert abs(out.mean() - 3.0) < 0.1 * 3.0 / (1 - p) ** 0.5
    assert set(np.unique(mask)) <= {0.0, np.float32(1 / (1 - p))}


@pytest.mark.ex7_6
@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_dropout_rejects_impossible_probabilities(p):
    """Is a drop probability outside [0, 1) refused?"""
    with pytest.raises(ValueError, match="p must be in"):
        dropout_forward(np.ones(3), p, np.random.default_rng(0))


@pytest.mark.ex7_7
def test_dropout_backward_is_the_adjoint_of_forward():
    """Is <dropout(x), g> = <x, dropout_backward(g)> for the same mask?"""
    rng = np.random.default_rng(2)
    x, g = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    out, mask = dropout_forward(x, 0.4, rng)
    assert np.sum(out * g) == pytest.approx(np.sum(x * dropout_backward(g, mask)))


@pytest.mark.ex7_5
@FAST
@given(st.integers(1, 30), st.integers(2, 10), st.integers(0, 2**16))
def test_accuracy_ignores_monotone_rescaling(n, c, seed):
    """Is accuracy unchanged by multiplying scores by a positive number and shifting each row?"""
    rng = np.random.default_rng(seed)
    scores, y = rng.normal(size=(n, c)), rng.integers(0, c, size=n)
    base = accuracy(scores, y)
    assert 0.0 <= base <= 1.0 and isinstance(base, float)
    assert accuracy(3.0 * scores + rng.normal(size=(n, 1)), y) == base


# --------------------------------------------------------------------------
# Carry-forward: a wrong earlier function is named by the chapter's checks
# --------------------------------------------------------------------------


@pytest.mark.ex7_2
@pytest.mark.parametrize(
    ("broken", "exercise", "checked"),
    [("dense_forward", "6.1", "7.2"), ("relu", "1.1", "7.2"), ("relu_backward", "6.3", "7.3"),
     ("dense_backward", "6.2", "7.3"), ("sgd_step", "5.4", "7.4"), ("cross_entropy", "4.4", "7.4")],
)
def test_checks_blame_a_broken_earlier_function(monkeypatch, broken, exercise, checked):
    """With a correct mlp.py but a wrong earlier function, does a failing check name that function?"""
    import nnlib.mlp as mlp

    load_visible_checks("nnlib", ("mlp",))
    nn = learner_functions("nnlib", reload=False)
    original = getattr(nn, broken)

    def wrong(*args, **kwargs):
        out = original(*args, **kwargs)
        if isinstance(out, tuple):
            return (out[0] * 2.0, *out[1:])
        return out * 2.0 - 1.0

    setattr(nn, broken, wrong)
    monkeypatch.setattr(mlp, broken, wrong)
    report = testing.run_checks([checked], nn)
    messages = [o.message for o in report.outcomes if not o.passed]
    assert messages, f"a wrong {broken} went unnoticed by the checks of {checked}"
    assert any(f"{broken} (exercise {exercise})" in m and f"check {exercise}" in m for m in messages)


@pytest.mark.ex7_2
def test_a_stub_is_reported_as_itself_not_as_a_prerequisite():
    """When mlp_forward is still a stub, does its check say so (and not blame dense_forward)?"""
    load_visible_checks("nnlib", ("mlp",))
    nn = learner_functions("nnlib", reload=False)

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 7.2: implement mlp_forward (chapter 7, section 'The forward pass')")

    nn = SimpleNamespace(**{**vars(nn), "mlp_forward": stub})
    report = testing.run_checks(["7.2"], nn)
    assert not report.passed
    assert all("Exercise 7.2: implement mlp_forward" in o.message and "6.1" not in o.message
               for o in report.outcomes)


# --------------------------------------------------------------------------
# The results the page states in 'Training the network', 'Overfitting,
# measured', 'XOR, learned' (the page prints them; these keep the prose true)
# --------------------------------------------------------------------------


def _train(X, y, sizes, schedule, seed, batch_size=16):
    rng = np.random.default_rng(seed)
    params = init_params(sizes, rng)
    for lr in schedule:
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng):
            params, _ = train_step(X_batch, y_batch, params, lr)
    return params


@pytest.mark.ex7_4
def test_validation_run_ends_within_a_point_of_its_best():
    """Trained on 1,147 digits, is the validation accuracy after 25 epochs within a point of its best?"""
    X_train, y_train, _, _ = load_digits(test_fraction=0.25, rng=0)
    X_fit, y_fit, X_val, y_val = X_train[:-200], y_train[:-200], X_train[-200:], y_train[-200:]
    rng = np.random.default_rng(0)
    params = init_params([64, 128, 64, 10], rng)
    history = []
    for lr in [0.1] * 15 + [0.01] * 10:
        for X_batch, y_batch in iterate_minibatches(X_fit, y_fit, 16, rng):
            params, _ = train_step(X_batch, y_batch, params, lr)
        history.append(accuracy(mlp_forward(X_val, params)[0], y_val))
    assert history[-1] >= max(history) - 0.01


def test_regularized_step_without_regularisation_is_train_step():
    """With p = 0 and no weight decay, does regularized_train_step compute what train_step computes?"""
    gen = np.random.default_rng(12)
    params = init_params([5, 7, 6, 3], gen, dtype=np.float64)
    X, y = gen.normal(size=(9, 5)), gen.integers(0, 3, size=9)
    plain, plain_loss = train_step(X, y, params, 0.3)
    same, same_loss = regularized_train_step(X, y, params, 0.3, np.random.default_rng(0))
    assert same_loss == pytest.approx(plain_loss)
    for (W, b), (W2, b2) in zip(plain, same, strict=True):
        np.testing.assert_allclose(W2, W, rtol=1e-12)
        np.testing.assert_allclose(b2, b, rtol=1e-12)
    decayed, _ = regularized_train_step(X, y, params, 0.3, np.random.default_rng(0), weight_decay=0.5)
    for (W, b), (Wd, bd), (W0, _) in zip(plain, decayed, params, strict=True):
        np.testing.assert_allclose(Wd, W - 0.3 * 0.5 * W0, rtol=1e-12)  # the extra lam * W in dW
        np.testing.assert_allclose(bd, b, rtol=1e-12)  # biases are not decayed


def test_regularized_step_gradient_with_a_fixed_mask():
    """With dropout, is the step the gradient of the loss of the thinned network the mask defines?"""
    gen = np.random.default_rng(13)
    params = init_params([4, 6, 3], gen, dtype=np.float64)
    X, y = gen.normal(size=(5, 4)), gen.integers(0, 3, size=5)
    mask = dropout_forward(np.ones((5, 6)), 0.5, np.random.default_rng(3))[1]
    stepped, _ = regularized_train_step(X, y, params, 1.0, np.random.default_rng(3), p=0.5)
    (W1, b1), (W2, b2) = params

    def loss(first):
        scores = np.maximum(X @ first + b1, 0) * mask @ W2 + b2
        return float(cross_entropy(scores, y)[0])

    testing.check_gradient(loss, W1.copy(), W1 - stepped[0][0], name="W1")


@pytest.mark.ex7_6
def test_noisy_label_experiment_shows_overfitting_and_its_remedies():
    """On 400 digits with 30% wrong labels, does the plain net memorise and fall, and do dropout and L2 help?"""
    X_train, y_train, _, _ = load_digits(test_fraction=0.25, rng=0)
    X_fit, y_fit, X_val, y_val = X_train[:-200], y_train[:-200], X_train[-200:], y_train[-200:]
    label_rng = np.random.default_rng(5)
    X_small, y_small = X_fit[:400], y_fit[:400].copy()
    flipped = label_rng.random(400) < 0.3
    y_small[flipped] = (y_small[flipped] + label_rng.integers(1, 10, flipped.sum())) % 10
    results = {}
    for p, weight_decay in ((0.0, 0.0), (0.5, 0.0), (0.0, 0.01)):
        rng = np.random.default_rng(1)
        params = init_params([64, 128, 128, 10], rng)
        curve = []
        for _ in range(100):
            for X_batch, y_batch in iterate_minibatches(X_small, y_small, 16, rng):
                params, _ = regularized_train_step(X_batch, y_batch, params, 0.05, rng, p=p,
                                                   weight_decay=weight_decay)
            curve.append(accuracy(mlp_forward(X_val, params)[0], y_val))
        results[p, weight_decay] = (accuracy(mlp_forward(X_small, params)[0], y_small), curve)
    fitted, curve = results[0.0, 0.0]
    # the page: "agreeing with more than 90% of its training labels ... falls steadily after its early best"
    assert fitted > 0.9 and curve[-1] <= max(curve) - 0.1
    for key in ((0.5, 0.0), (0.0, 0.01)):
        fitted_r, curve_r = results[key]
        # "fewer than 80% of their training labels ... at least 8 points higher on the validation set"
        assert fitted_r < 0.8 and curve_r[-1] >= curve[-1] + 0.08


@pytest.mark.parametrize("seed", range(10))
def test_an_mlp_learns_xor(seed):
    """Does a 2-8-2 network trained by train_step (300 full-batch steps, lr 0.5) get XOR right, for ten seeds?"""
    X, y = logic_gate("xor")
    params = init_params([2, 8, 2], np.random.default_rng(seed), dtype=np.float64)
    for _ in range(300):
        params, _ = train_step(X, y, params, 0.5)
    assert accuracy(mlp_forward(X, params)[0], y) == 1.0
