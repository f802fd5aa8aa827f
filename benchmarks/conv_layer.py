"""Forward plus backward of a convolution layer: the loops, nnlib's im2col version, PyTorch.

Times, in float32 with the same number of threads for BLAS and PyTorch, one
forward and one backward pass (dx, dW and db) of

* the chapter's layer: 32 digits of 1 x 8 x 8 -> 16 filters 3 x 3, pad 1;
* two MNIST-sized layers, batch 128: 1 x 28 x 28 -> 16 filters 3 x 3, pad 1,
  and 16 x 14 x 14 -> 32 filters 3 x 3, pad 1,

with the naive reference (``conv2d_forward_naive`` and the same loops
backwards), the fast reference (``conv2d_forward`` and ``conv2d_backward``)
and, when it is installed, PyTorch on the CPU (``torch.nn.functional.conv2d``
and autograd). The loops are timed on the first ``--naive-batch`` images and
scaled to the whole batch (their cost is exactly proportional to it). Each
result is compared with the fast reference before it is timed. Also printed:
the time of the three matrix products alone at the same shapes, each in the
faster of two layouts (the floor for any im2col implementation with this BLAS;
the line ends with its ratio to PyTorch too).

New memory costs time: the first write to each 4 KiB page is a page fault
(microseconds each on a virtual machine), and how much of each call's memory
is new depends on glibc's allocator, which both sides use. PyTorch's
one-channel layer is the most sensitive: with glibc's adaptive default it
faulted about 12 ms per call here, three times its arithmetic. So, as
``attention.py`` does, every side is timed under two settings
(``timing.ALLOCATOR``), in alternating rounds in one process, the best call
of all rounds counting:

* ``fresh``: glibc's documented thresholds held fixed: every large array is
  new memory, zero-filled by the kernel page by page.
* ``kept``: freed memory stays in the process and is reused, as in a
  long-running training loop once glibc has raised its thresholds by itself:
  the cost of the computation alone.

Page faults per call are printed for every side. Where the C library is not
glibc, the process is timed as it comes, once.

Run from the repository root (PyTorch is optional: ``pip install torch==2.13.0``)::

    .venv/bin/python benchmarks/conv_layer.py              # 1 thread
    .venv/bin/python benchmarks/conv_layer.py --threads 2

The last two lines are ``ratio fast/naive = X`` (how many times faster the
fast reference is, over all layers) and ``ratio nnlib/pytorch = X.XX`` (the
fast reference's total time over the three layers divided by PyTorch's, with
memory kept; below 1 means nnlib is faster); the line before them gives that
ratio with fresh memory.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from timing import best_of, faults_per_call, limit_threads, time_sides, use_allocator  # noqa: E402 (beside this script)

#: (name, N, C, H, F, K, stride, pad)
LAYERS = (
    ("chapter 8: 32 x 1x8x8 -> 16", 32, 1, 8, 16, 3, 1, 1),
    ("MNIST: 128 x 1x28x28 -> 16", 128, 1, 28, 16, 3, 1, 1),
    ("MNIST: 128 x 16x14x14 -> 32", 128, 16, 14, 32, 3, 1, 1),
)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for BLAS and PyTorch (default 1)")
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per side in each round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per allocator setting; the best call counts")
    parser.add_argument("--naive-batch", type=int, default=4, help="images the loops are timed on")
    parser.add_argument("--library", default=str(ROOT / "solutions"),
                        help="folder holding the nnlib to time (default: the reference)")
    return parser.parse_args()


def naive_backward(np, dout, x, W, stride, pad):
    """dx, dW, db of a convolution, with the same four loops as the forward."""
    N, C, H, Wd = x.shape
    F, _, K, _ = W.shape
    _, _, H_out, W_out = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(W)
    db = np.zeros(F, dtype=dout.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    g = dout[n, f, i, j]
                    rows, cols = slice(i * stride, i * stride + K), slice(j * stride, j * stride + K)
                    dW[f] += g * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += g * W[f]
                    db[f] += g
    return dxp[:, :, pad : pad + H, pad : pad + Wd], dW, db


def gemm_floor(np, x, W, dout, repeats):
    """Seconds of the three float32 products of an im2col layer alone (forward, dW, dcols).

    Each product is timed in two layouts, the whole batch as one matrix (batch last)
    and one product per image (NCHW, batched, as the reference does it), and the
    faster counts: no im2col implementation on this BLAS does less work.
    """
    N, C = x.shape[:2]
    F, _, K, _ = W.shape
    P = dout.shape[2] * dout.shape[3]
    rng = np.random.default_rng(0)
    cols_2d = rng.standard_normal((C * K * K, P * N), dtype=np.float32)  # batch last
    dout_2d = rng.standard_normal((F, P * N), dtype=np.float32)
    cols_3d = rng.standard_normal((N, C * K * K, P), dtype=np.float32)  # one matrix per image
    dout_3d = rng.standard_normal((N, F, P), dtype=np.float32)
    dout_3d_t = rng.standard_normal((N, P, F), dtype=np.float32)
    W_rows = W.reshape(F, -1)
    products = (  # (batch last, per image) for the forward, dW and dcols
        (lambda: W_rows @ cols_2d, lambda: W_rows @ cols_3d),
        (lambda: cols_2d @ dout_2d.T, lambda: cols_3d @ dout_3d_t),
        (lambda: W_rows.T @ dout_2d, lambda: W_rows.T @ dout_3d),
    )
    return sum(min(best_of(repeats, one) for one in pair) for pair in products)


def prepare(np, conv, torch, layer, args):
    """One layer of LAYERS: the loops' seconds (timed once) and the sides to time, each checked first.

    Returns ``(naive seconds, {side: run()}, gemms)``: the sides are ``fast`` (the reference) and
    ``pytorch`` (when installed); ``gemms()`` times the layer's three products alone and returns seconds.
    """
    name, N, C, H, F, K, stride, pad = layer
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, H), dtype=np.float32)
    W = (rng.standard_normal((F, C, K, K), dtype=np.float32) / np.sqrt(C * K * K)).astype(np.float32)
    b = rng.standard_normal(F, dtype=np.float32)
    out, cache = conv.conv2d_forward(x, W, b, stride, pad)
    dout = rng.standard_normal(out.shape, dtype=np.float32)
    dx, dW, db = conv.conv2d_backward(dout, cache)

    def fast():
        conv.conv2d_backward(dout, conv.conv2d_forward(x, W, b, stride, pad)[1])

    sides = {"fast": fast}

    m = min(args.naive_batch, N)
    naive_out = conv.conv2d_forward_naive(x[:m], W, b, stride, pad)
    naive_grads = naive_backward(np, dout[:m], x[:m], W, stride, pad)
    assert np.allclose(naive_out, out[:m], atol=1e-4) and np.allclose(naive_grads[0], dx[:m], atol=1e-4)

    def naive():
        conv.conv2d_forward_naive(x[:m], W, b, stride, pad)
        naive_backward(np, dout[:m], x[:m], W, stride, pad)

    naive_s = best_of(1, naive) * N / m

    if torch is not None:
        tx = torch.from_numpy(x.copy()).requires_grad_(True)
        tW = torch.from_numpy(W.copy()).requires_grad_(True)
        tb = torch.from_numpy(b.copy()).requires_grad_(True)
        td = torch.from_numpy(dout.copy())

        def theirs():
            tx.grad = tW.grad = tb.grad = None
            torch.nn.functional.conv2d(tx, tW, tb, stride=stride, padding=pad).backward(td)

        theirs()
        assert np.allclose(tx.grad.numpy(), dx, atol=1e-3) and np.allclose(tW.grad.numpy(), dW, rtol=1e-3, atol=1e-2)
        sides["pytorch"] = theirs
    return naive_s, sides, lambda: gemm_floor(np, x, W, dout, args.repeats)


def time_setting(layers, args) -> dict:
    """``{(layer index, side): (best seconds per call, page faults per call)}`` under the current allocator.

    Every layer's fast and PyTorch sides are timed in alternating rounds (the machine may be busy);
    the products alone, as side ``gemms``, once (their page faults are not counted).
    """
    runs = {(i, side): run for i, (_, sides, _) in enumerate(layers) for side, run in sides.items()}
    best = time_sides(runs, args.rounds, args.repeats)
    timed = {key: (seconds, faults_per_call(runs[key], 3)) for key, seconds in best.items()}
    timed.update({(i, "gemms"): (gemms(), 0.0) for i, (_, _, gemms) in enumerate(layers)})
    return timed


def print_setting(label, layers, timed, torch) -> tuple[float, float]:
    """The table of one allocator setting; returns (nnlib's, PyTorch's) total seconds over the layers."""
    print(label)
    print(f"  {'layer':30s} {'fast (ms)':>10s} {'3 GEMMs (ms)':>13s} {'pytorch (ms)':>13s} {'page faults per call':>22s}")
    total_fast = total_torch = 0.0
    for i, layer in enumerate(LAYERS):
        fast_s, fast_faults = timed[i, "fast"]
        gemm_s = timed[i, "gemms"][0]
        total_fast += fast_s
        line = f"  {layer[0]:30s} {fast_s * 1e3:10.2f} {gemm_s * 1e3:13.2f}"
        if torch is None:
            print(line + f" {'-':>13s} {fast_faults:10.0f} (nnlib)")
            continue
        torch_s, torch_faults = timed[i, "pytorch"]
        total_torch += torch_s
        print(line + f" {torch_s * 1e3:13.2f} {fast_faults:9.0f} / {torch_faults:<10.0f}"
              f" nnlib/pytorch {fast_s / torch_s:.2f} (GEMMs alone {gemm_s / torch_s:.2f})")
    print((f"  {'total':30s} {total_fast * 1e3:10.2f} {'':13s} " + (f"{total_torch * 1e3:13.2f}" if torch else "")).rstrip())
    return total_fast, total_torch


def main() -> None:
    """Time every layer three ways, under each allocator setting, and print the ratios."""
    args = parse_args()
    limit_threads(args.threads)
    sys.path.insert(0, args.library)
    import numpy as np

    from nnlib import conv

    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(args.threads)

    print(f"machine: {os.cpu_count()} cores, {args.threads} thread(s); numpy {np.__version__}"
          + (f", torch {torch.__version__}" if torch is not None else ", PyTorch not installed (its column is skipped)"))
    print(f"library: {args.library}; float32; forward + backward (dx, dW, db); "
          f"best of {args.rounds} rounds x {args.repeats} calls per side")
    layers = [prepare(np, conv, torch, layer, args) for layer in LAYERS]
    naive_total = 0.0
    print("the loops (timed once, on the first --naive-batch images, scaled to the batch):")
    for layer, (naive_s, _, _) in zip(LAYERS, layers, strict=True):
        naive_total += naive_s
        print(f"  {layer[0]:30s} {naive_s:8.2f} s")

    settings = ("fresh", "kept") if use_allocator("fresh") else ("as it comes",)  # the first is set here
    totals = {}
    for setting in settings:
        if setting == "kept":
            use_allocator(setting)
        label = {"fresh": "memory fresh (glibc's default thresholds held fixed: every large array is new memory):",
                 "kept": "memory kept (freed memory reused: the computation alone):"}.get(setting, "memory as it comes:")
        totals[setting] = print_setting(label, layers, time_setting(layers, args), torch)

    last = settings[-1]
    if torch is not None and len(settings) > 1:
        print(f"ratio nnlib/pytorch, fresh memory = {totals['fresh'][0] / totals['fresh'][1]:.2f}")
    print(f"ratio fast/naive = {naive_total / totals[last][0]:.0f}")
    if torch is not None:
        print(f"ratio nnlib/pytorch = {totals[last][0] / totals[last][1]:.2f}")
    else:
        print("ratio nnlib/pytorch = n/a (PyTorch is not installed: pip install torch==2.13.0)")


if __name__ == "__main__":
    main()
