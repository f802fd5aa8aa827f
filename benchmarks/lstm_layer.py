"""Forward plus backward of an LSTM over a batch of sequences: nnlib's reference and PyTorch's nn.LSTM.

Times, in float32 with the same number of threads for BLAS and PyTorch, one
``lstm_forward`` plus one ``lstm_backward`` (dx, dh0, dWx, dWh, db) of the
reference at N = 32, T = 50, D = 64, H = 128 (and the chapter's character
model, N = 24, T = 48, D = 16, H = 64), and the same computation with
``torch.nn.LSTM`` (batch_first, one layer, zero initial cell state) and
autograd, when PyTorch is installed. The two are first checked to agree (the
reference's weights are copied into the PyTorch module, whose gate order is
also i, f, g, o: the blocks are permuted). Also printed: the time of the
products that any implementation needs (the input projection, T products
with Wh forward and backward, and the weight gradients) at the same shapes.

Run from the repository root (PyTorch is optional: ``pip install torch==2.13.0``)::

    .venv/bin/python benchmarks/lstm_layer.py              # 1 thread
    .venv/bin/python benchmarks/lstm_layer.py --threads 2

The last line is ``ratio nnlib/pytorch = X.XX`` (the reference's total time
divided by PyTorch's; below 1 means nnlib is faster).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from timing import best_of, limit_threads  # noqa: E402 (beside this script)

#: (name, N, T, D, H)
SHAPES = (
    ("issue: N32 T50 D64 H128", 32, 50, 64, 128),
    ("chapter 9 model: N24 T48 D16 H64", 24, 48, 16, 64),
)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for BLAS and PyTorch (default 1)")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs; the best counts")
    parser.add_argument("--library", default=str(ROOT / "solutions"),
                        help="folder holding the nnlib to time (default: the reference)")
    return parser.parse_args()


def gemm_floor(np, x, h0, Wx, Wh, repeats):
    """Seconds of the products alone: input projection, 2 T products with Wh, and dWx, dWh, dx."""
    N, T, D = x.shape
    H = h0.shape[1]
    a = np.zeros((N, T, 4 * H), dtype=np.float32)
    h = np.zeros((N, H), dtype=np.float32)

    def run():
        x @ Wx  # noqa: B018 - timed for its cost
        for _ in range(T):
            h @ Wh  # noqa: B018
            a[:, 0] @ Wh.T  # noqa: B018
        flat = a.reshape(N * T, 4 * H)
        x.reshape(N * T, D).T @ flat  # noqa: B018
        flat.T @ flat[:, :H]  # noqa: B018 - same cost as h_prev.T @ da
        a @ Wx.T  # noqa: B018

    return best_of(repeats, run)


def measure(np, rnn, torch, shape, repeats):
    """Seconds of (nnlib, products alone, PyTorch or None) for one shape of SHAPES."""
    _, N, T, D, H = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, T, D), dtype=np.float32)
    h0 = rng.standard_normal((N, H), dtype=np.float32)
    Wx = (rng.standard_normal((D, 4 * H), dtype=np.float32) / np.sqrt(D)).astype(np.float32)
    Wh = (rng.standard_normal((H, 4 * H), dtype=np.float32) / np.sqrt(H)).astype(np.float32)
    b = rng.standard_normal(4 * H, dtype=np.float32) * np.float32(0.1)
    dh = rng.standard_normal((N, T, H), dtype=np.float32)
    h, cache = rnn.lstm_forward(x, h0, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = rnn.lstm_backward(dh, cache)

    def ours():
        rnn.lstm_backward(dh, rnn.lstm_forward(x, h0, Wx, Wh, b)[1])

    ours_s = best_of(repeats, ours)
    gemm_s = gemm_floor(np, x, h0, Wx, Wh, repeats)

    torch_s = None
    if torch is not None:
        lstm = torch.nn.LSTM(D, H, batch_first=True)
        # PyTorch stacks the gates as (i, f, g, o) along 4H, nnlib as (i, f, o, g)
        order = np.concatenate([np.arange(0, 2 * H), np.arange(3 * H, 4 * H), np.arange(2 * H, 3 * H)])
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(Wx[:, order].T)))
            lstm.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(Wh[:, order].T)))
            lstm.bias_ih_l0.copy_(torch.from_numpy(b[order].copy()))
            lstm.bias_hh_l0.zero_()
        tx = torch.from_numpy(x.copy()).requires_grad_(True)
        th0 = torch.from_numpy(h0.copy())[None].requires_grad_(True)
        tc0 = torch.zeros(1, N, H)
        tdh = torch.from_numpy(dh.copy())

        def theirs():
            tx.grad = th0.grad = None
            lstm.zero_grad()
            out, _ = lstm(tx, (th0, tc0))
            out.backward(tdh)

        theirs()
        assert np.allclose(out_of(lstm, tx, th0, tc0), h, atol=1e-4), "PyTorch's LSTM disagrees with lstm_forward"
        assert np.allclose(tx.grad.numpy(), dx, atol=1e-3), "PyTorch's dx disagrees with lstm_backward"
        assert np.allclose(lstm.weight_hh_l0.grad.numpy().T, dWh[:, order], rtol=1e-3, atol=1e-2)
        torch_s = best_of(repeats, theirs)
    return ours_s, gemm_s, torch_s


def out_of(lstm, tx, th0, tc0):
    """The LSTM's hidden states as a NumPy array (no gradient recorded)."""
    import torch

    with torch.no_grad():
        return lstm(tx, (th0, tc0))[0].numpy()


def main() -> None:
    """Time each shape two ways and print the ratio."""
    args = parse_args()
    limit_threads(args.threads)
    sys.path.insert(0, args.library)
    import numpy as np

    from nnlib import rnn

    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(args.threads)

    print(f"machine: {os.cpu_count()} cores, {args.threads} thread(s); numpy {np.__version__}"
          + (f", torch {torch.__version__}" if torch is not None else ", PyTorch not installed (its column is skipped)"))
    print(f"library: {args.library}; float32; lstm_forward + lstm_backward; best of {args.repeats} runs")
    print(f"{'shape':34s} {'nnlib (ms)':>11s} {'products (ms)':>14s} {'pytorch (ms)':>13s}")
    total_ours = total_torch = 0.0
    for shape in SHAPES:
        ours_s, gemm_s, torch_s = measure(np, rnn, torch, shape, args.repeats)
        total_ours += ours_s
        shown = f"{torch_s * 1e3:13.2f}" if torch_s is not None else f"{'-':>13s}"
        print(f"{shape[0]:34s} {ours_s * 1e3:11.2f} {gemm_s * 1e3:14.2f} {shown}"
              + (f"   nnlib/pytorch {ours_s / torch_s:.2f}" if torch_s else ""))
        total_torch += torch_s or 0.0
    if torch is not None:
        print(f"ratio nnlib/pytorch = {total_ours / total_torch:.2f}")
    else:
        print("ratio nnlib/pytorch = n/a (PyTorch is not installed: pip install torch==2.13.0)")


if __name__ == "__main__":
    main()
