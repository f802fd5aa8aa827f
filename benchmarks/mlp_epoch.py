"""One training epoch of the same MLP three ways: nnlib, PyTorch, scikit-learn.

The network is the brief's shape at MNIST size, 784-256-128-10 with ReLU,
trained with plain SGD on minibatches of 128 in float32, for one epoch over
60,000 samples generated in this process (random pixels and labels: the
arithmetic is what is measured, not the learning). In the same run the
script measures this machine's float32 matrix-multiply peak, and reports how
much of it each trainer achieves.

Run from the repository root (PyTorch is optional: ``pip install torch==2.13.0``)::

    .venv/bin/python benchmarks/mlp_epoch.py            # the reference nnlib
    .venv/bin/python benchmarks/mlp_epoch.py --threads 2 --samples 60000

The last line is ``ratio nnlib/pytorch = X.XX`` (seconds per epoch of the
reference divided by PyTorch's; below 1 means nnlib is faster), or
``ratio nnlib/pytorch = n/a (...)`` without PyTorch. A quick run (a check that it
works, not a measurement)::

    .venv/bin/python benchmarks/mlp_epoch.py --samples 256 --repeats 1 --peak-size 256
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from timing import best_of, limit_threads  # noqa: E402 (beside this script)

SIZES = (784, 256, 128, 10)
BATCH = 128
LR = 0.01


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for BLAS and PyTorch")
    parser.add_argument("--samples", type=int, default=60_000)
    parser.add_argument("--repeats", type=int, default=3, help="epochs timed per trainer; the best counts")
    parser.add_argument("--peak-size", type=int, default=2048,
                        help="side of the square matrices that measure the peak (default 2048)")
    parser.add_argument("--library", default=str(ROOT / "solutions"),
                        help="folder holding the nnlib to time (default: the reference)")
    return parser.parse_args()


def matmul_peak(np, n: int = 2048) -> float:
    """Float32 GFLOP/s of a large square matrix product (``n`` x ``n``) on this machine."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm up
    seconds = best_of(5, lambda: np.matmul(a, b, out=out), warm_up=False)
    return 2 * n**3 / seconds / 1e9


def shape_peak(np, samples: int) -> float:
    """GFLOP/s of exactly the epoch's matrix products, timed alone (no other work).

    The same float32 products one epoch performs (forward x @ W per layer;
    backward dz @ W.T and h.T @ dz, with no gradient for the input images),
    at batch 128, into preallocated outputs: the best any trainer using this
    BLAS could do for this network. A large square product runs faster
    per FLOP than these thin ones, so both peaks are reported.
    """
    rng = np.random.default_rng(0)
    widths = list(SIZES)
    h = [rng.random((BATCH, w), dtype=np.float32) for w in widths]  # activations, (B, width)
    W = [rng.random((a, b), dtype=np.float32) for a, b in zip(widths[:-1], widths[1:], strict=True)]
    dW = [np.empty_like(w) for w in W]
    out = [np.empty_like(x) for x in h]
    batches = -(-samples // BATCH)

    def epoch():
        for _ in range(batches):
            for i, w in enumerate(W):
                np.matmul(h[i], w, out=out[i + 1])  # (B, D) @ (D, H) -> (B, H)
            for i in range(len(W) - 1, -1, -1):
                np.matmul(h[i].T, out[i + 1], out=dW[i])  # (D, B) @ (B, H) -> (D, H)
                if i > 0:
                    np.matmul(out[i + 1], W[i].T, out=out[i])  # (B, H) @ (H, D) -> (B, D)

    epoch()  # warm up
    return epoch_flops(batches * BATCH) / best_of(3, epoch, warm_up=False) / 1e9


def epoch_flops(samples: int) -> float:
    """Multiply-add FLOPs of one epoch: forward, and backward (dW and dx, no dx of the input)."""
    forward = sum(2 * a * b for a, b in zip(SIZES[:-1], SIZES[1:], strict=True))
    backward = 2 * forward - 2 * SIZES[0] * SIZES[1]
    return samples * (forward + backward)


def time_nnlib(np, X, y, repeats: int) -> float:
    """Seconds per epoch of nnlib's train_step over iterate_minibatches."""
    from nnlib.mlp import init_params, train_step
    from nnlib.optim import iterate_minibatches

    params = init_params(SIZES, np.random.default_rng(0), dtype=np.float32)
    rng = np.random.default_rng(1)

    def epoch():
        nonlocal params
        for X_batch, y_batch in iterate_minibatches(X, y, BATCH, rng):
            params, _ = train_step(X_batch, y_batch, params, LR)
        assert params[0][0].dtype == np.float32, "training left float32"

    return best_of(repeats, epoch, warm_up=False)


def time_numpy_loop(np, X, y, repeats: int) -> float:
    """Seconds per epoch of the same training written as one bare NumPy loop.

    No functions, no caches, updates in place: what the arithmetic costs
    without any library around it, to show what nnlib's abstractions cost.
    """
    rng = np.random.default_rng(0)
    Ws = [(rng.standard_normal((a, b), dtype=np.float32) * np.float32(np.sqrt(2 / a)))
          for a, b in zip(SIZES[:-1], SIZES[1:], strict=True)]
    bs = [np.zeros(b, dtype=np.float32) for b in SIZES[1:]]
    order_rng = np.random.default_rng(1)
    lr = np.float32(LR)

    def epoch():
        order = order_rng.permutation(len(X))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            hs = [X[idx]]
            for W, b in zip(Ws[:-1], bs[:-1], strict=True):
                z = hs[-1] @ W
                z += b
                np.maximum(z, 0, out=z)
                hs.append(z)
            scores = hs[-1] @ Ws[-1]
            scores += bs[-1]
            scores -= scores.max(axis=1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=1, keepdims=True)
            scores[np.arange(len(idx)), y[idx]] -= 1
            d = scores / np.float32(len(idx))
            for i in range(len(Ws) - 1, -1, -1):
                dW, db = hs[i].T @ d, d.sum(axis=0)
                if i:
                    d = d @ Ws[i].T
                    d *= hs[i] > 0
                Ws[i] -= lr * dW
                bs[i] -= lr * db

    return best_of(repeats, epoch, warm_up=False)


def time_pytorch(np, X, y, repeats: int, threads: int) -> float | None:
    """Seconds per epoch of the same network and SGD in PyTorch (CPU), or None."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )
    optimiser = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    generator = torch.Generator().manual_seed(1)

    def epoch():
        order = torch.randperm(len(X_t), generator=generator)
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            optimiser.zero_grad(set_to_none=True)
            loss = loss_fn(model(X_t[idx]), y_t[idx])
            loss.backward()
            optimiser.step()

    return best_of(repeats, epoch, warm_up=False)


def time_sklearn(np, X, y) -> float | None:
    """Seconds for one epoch of scikit-learn's MLPClassifier (SGD, no momentum), or None."""
    try:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    model = MLPClassifier(hidden_layer_sizes=SIZES[1:-1], solver="sgd", batch_size=BATCH, momentum=0.0,
                          learning_rate_init=LR, max_iter=1, shuffle=True, random_state=0, alpha=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return best_of(1, lambda: model.fit(X, y), warm_up=False)


def main() -> int:
    """Time the three trainers and print the report."""
    args = parse_args()
    limit_threads(args.threads)
    sys.path.insert(0, args.library)
    import numpy as np

    rng = np.random.default_rng(42)
    X = rng.random((args.samples, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], size=args.samples)

    square = matmul_peak(np, args.peak_size)
    peak = shape_peak(np, args.samples)
    flops = epoch_flops(args.samples)
    print(f"machine: {os.cpu_count()} cores, {args.threads} threads; numpy {np.__version__}")
    print(f"float32 matmul peak, {args.peak_size}x{args.peak_size} product:".ljust(45) + f"{square:6.1f} GFLOP/s")
    print(f"float32 matmul peak, this epoch's products:  {peak:6.1f} GFLOP/s  (the baseline below)")
    print(f"one epoch: {args.samples} samples, batch {BATCH}, {flops / 1e9:.1f} GFLOP")

    rows = [("nnlib (reference)", time_nnlib(np, X, y, args.repeats))]
    rows.append(("bare numpy loop", time_numpy_loop(np, X, y, args.repeats)))
    rows.append(("pytorch (cpu)", time_pytorch(np, X, y, args.repeats, args.threads)))
    rows.append(("scikit-learn", time_sklearn(np, X, y)))
    for name, seconds in rows:
        if seconds is None:
            print(f"{name:<20} not installed")
        else:
            rate = flops / seconds / 1e9
            print(f"{name:<20} {seconds:6.3f} s/epoch  {rate:6.1f} GFLOP/s  {rate / peak:5.0%} of peak")
    ours, bare, torch_seconds = rows[0][1], rows[1][1], rows[2][1]
    print(f"cost of nnlib's functions over the bare loop: {ours / bare - 1:+.0%}")
    print(f"ratio nnlib/pytorch = {ours / torch_seconds:.2f}" if torch_seconds
          else "ratio nnlib/pytorch = n/a (PyTorch is not installed: pip install torch==2.13.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
