"""Multi-head self-attention, forward plus backward: nnlib's reference against PyTorch on the CPU.

One step is ``mha_forward`` then ``mha_backward`` on x of shape (N, T, E) =
(32, 64, 128) with h = 4 heads in float32, no mask: the q, k and v
projections, the split into heads, scaled dot-product attention, the merge,
the output projection, and the gradients of x and of all eight parameters.
PyTorch does the same work with the same number of threads: three
projections ``x @ W + b``, ``torch.nn.functional.scaled_dot_product_attention``
(no dropout, no mask), the output projection, and autograd for x and every
parameter. The results of both are compared, so the two sides compute the
same thing. (This is PyTorch's fastest form of the step on the development
machine: ``nn.MultiheadAttention``, with its packed q/k/v projection, took
20-25% longer.) One difference stays, in PyTorch's favour: its fused
attention never stores the (N, h, T, T) weights, which nnlib's cache keeps
(the chapter plots them).

The sides are timed in alternating rounds (the machine may be busy), best of
all rounds, twice, with the C allocator (glibc's malloc, which both sides
use) set two ways with ``mallopt``:

* ``fresh``: glibc's documented default thresholds (128 KiB), held fixed.
  Every array of 128 KiB or more is new memory from the system, and the
  first write to each of its 4 KiB pages is a page fault (microseconds each
  on a virtual machine); freed memory goes back to the system at once.
* ``kept``: freed memory stays in the process and is reused (thresholds of
  32 MiB and 1 GiB), as it does in a long-running program once glibc has
  raised them by itself. No page faults: the cost of the computation alone.

Left alone, glibc adapts the thresholds to the largest block freed so far,
so a process lands between the two, depending on its history (run alone,
the reference faulted about 3,500 times per step, PyTorch 400-1,100 times).

The script also times the step's matrix products alone (np.matmul of the
reference's shapes into ready arrays, no other work): a floor for any NumPy
implementation of the step, set by the BLAS (NumPy's other work runs on one
thread). Page faults per step are printed for every side.

Run from the repository root (PyTorch is optional: ``pip install torch``)::

    .venv/bin/python benchmarks/attention.py
    .venv/bin/python benchmarks/attention.py --threads 1 --rounds 9

The last line is ``ratio nnlib/pytorch = X.XX`` (seconds per step of the
reference divided by PyTorch's, with memory kept; below 1 means nnlib is
faster); the line before it gives the ratio with fresh memory.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from timing import best_of, limit_threads  # noqa: E402 (beside this script)

#: glibc's mallopt parameters (malloc.h) and the two settings: its documented default thresholds,
#: held fixed, and thresholds that keep freed memory in the process (32 MiB is the largest mmap
#: threshold glibc accepts on 64-bit systems).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
ALLOCATOR = {"fresh": {M_MMAP_THRESHOLD: 128 * 1024, M_TRIM_THRESHOLD: 128 * 1024},
             "kept": {M_MMAP_THRESHOLD: 32 * 2**20, M_TRIM_THRESHOLD: 2**30}}


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for BLAS and PyTorch")
    parser.add_argument("--N", type=int, default=32)
    parser.add_argument("--T", type=int, default=64)
    parser.add_argument("--E", type=int, default=128)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5, help="timed steps per side in each round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; the best step counts")
    parser.add_argument("--library", default=str(ROOT / "solutions"),
                        help="folder holding the nnlib to time (default: the reference)")
    return parser.parse_args()


def glibc_mallopt():
    """``mallopt(param, value)`` of the running C library, or None when it is not glibc (macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        return None
    return mallopt


def page_faults() -> int:
    """Minor page faults of this process so far (0 where the resource module is missing)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def faults_per_step(run, steps: int = 5) -> float:
    """Page faults per call of ``run()``, averaged over ``steps`` calls."""
    start = page_faults()
    for _ in range(steps):
        run()
    return (page_faults() - start) / steps


def time_sides(sides: dict, rounds: int, repeats: int) -> dict:
    """Best seconds per call of every side, timed in alternating rounds."""
    best = dict.fromkeys(sides, float("inf"))
    for _ in range(rounds):
        for name, run in sides.items():
            best[name] = min(best[name], best_of(repeats, run))
    return best


def main() -> None:
    """Time both sides (and the bare products) under both allocator settings and print the ratios."""
    args = parse_args()
    limit_threads(args.threads)  # before numpy loads
    sys.path.insert(0, args.library)
    import numpy as np

    from nnlib.attention import ATTENTION_KEYS, mha_backward, mha_forward

    N, T, E, h = args.N, args.T, args.E, args.heads
    Eh = E // h
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, T, E)).astype(np.float32)
    dout = rng.normal(size=(N, T, E)).astype(np.float32)
    params = {key: (rng.normal(size=(E, E)) / np.sqrt(E) if key[0] == "W" else 0.1 * rng.normal(size=E))
              .astype(np.float32) for key in ATTENTION_KEYS}

    def nnlib_step():
        out, cache = mha_forward(x, params, h)
        return out, mha_backward(dout, cache)

    # The step's products, with the reference's shapes and layouts, into ready arrays.
    rows, rows3 = x.reshape(N * T, E), rng.normal(size=(N * T, 3 * E)).astype(np.float32)
    W, W3 = params["Wo"], rng.normal(size=(E, 3 * E)).astype(np.float32)
    heads = rng.normal(size=(N, T, h, Eh)).astype(np.float32).transpose(0, 2, 1, 3)  # (N, h, T, E/h) view
    scores = np.empty((N, h, T, T), np.float32)
    rows_out, rows3_out, W_out, W3_out, heads_out = (np.empty_like(a) for a in (rows, rows3, W, W3, heads))

    def products():
        np.matmul(rows, W3, out=rows3_out)  # q, k and v: (N*T, E) @ (E, 3E)
        np.matmul(rows, W, out=rows_out)  # output projection: (N*T, E) @ (E, E), and its dx and dW
        np.matmul(rows, W.T, out=rows_out)
        np.matmul(rows.T, rows, out=W_out)  # (E, N*T) @ (N*T, E)
        np.matmul(rows3, W3.T, out=rows_out)  # dx of q, k and v: (N*T, 3E) @ (3E, E)
        np.matmul(rows.T, rows3, out=W3_out)  # their dW: (E, N*T) @ (N*T, 3E)
        for _ in range(2):  # q k^T forward, dout v^T backward: (T, E/h) @ (E/h, T) per head
            np.matmul(heads, np.swapaxes(heads, -1, -2), out=scores)
        for _ in range(4):  # weights v, and dv, dq, dk: (T, T) @ (T, E/h) per head
            np.matmul(scores, heads, out=heads_out)

    sides = {"nnlib": nnlib_step, "products": products}
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(args.threads)
        tx = torch.tensor(x, requires_grad=True)
        tdout = torch.tensor(dout)
        tp = {key: torch.tensor(value, requires_grad=True) for key, value in params.items()}

        def torch_step():
            for tensor in (tx, *tp.values()):
                tensor.grad = None
            q, k, v = (tx @ tp["W" + c] + tp["b" + c] for c in "qkv")  # (N, T, E)
            q, k, v = (a.view(N, T, h, Eh).transpose(1, 2) for a in (q, k, v))  # (N, h, T, E/h)
            heads = torch.nn.functional.scaled_dot_product_attention(q, k, v)
            out = heads.transpose(1, 2).reshape(N, T, E) @ tp["Wo"] + tp["bo"]
            out.backward(tdout)
            return out

        sides["pytorch"] = torch_step

    print(f"multi-head attention forward + backward: N={N}, T={T}, E={E}, h={h}, float32, no mask, "
          f"{args.threads} thread(s); best of {args.rounds} x {args.repeats} steps per side")
    print(f"numpy {np.__version__}" + (f", pytorch {torch.__version__}" if torch is not None else
                                        " (PyTorch is not installed: pip install torch to compare)"))
    mallopt = glibc_mallopt()
    settings = tuple(ALLOCATOR) if mallopt is not None else ("as the C library likes",)
    ratios = {}
    for setting in settings:
        for param, value in ALLOCATOR.get(setting, {}).items():
            mallopt(param, value)
        best = time_sides(sides, args.rounds, args.repeats)
        faults = {name: faults_per_step(run) for name, run in sides.items()}
        print(f"memory {setting}:")
        print(f"  nnlib reference:         {best['nnlib'] * 1000:7.2f} ms per step "
              f"({faults['nnlib']:5.0f} page faults per step)")
        print(f"  its matrix products alone: {best['products'] * 1000:5.2f} ms "
              f"({best['products'] / best['nnlib']:.0%} of the step)")
        if torch is not None:
            print(f"  pytorch:                 {best['pytorch'] * 1000:7.2f} ms per step "
                  f"({faults['pytorch']:5.0f} page faults per step)")
            ratios[setting] = best["nnlib"] / best["pytorch"]
            print(f"  products alone / pytorch = {best['products'] / best['pytorch']:.2f}")

    if torch is None:
        return
    out, (dx, grads) = nnlib_step()
    torch_out = torch_step()
    agree = np.allclose(out, torch_out.detach().numpy(), rtol=1e-3, atol=1e-4) and np.allclose(
        dx, tx.grad.numpy(), rtol=1e-3, atol=1e-4) and all(
        np.allclose(grads[key], tp[key].grad.numpy(), rtol=1e-3, atol=1e-3) for key in ATTENTION_KEYS)
    print(f"outputs and gradients agree: {agree}")
    if len(ratios) > 1:
        print(f"ratio nnlib/pytorch with fresh memory = {ratios['fresh']:.2f}")
    print(f"ratio nnlib/pytorch = {ratios[settings[-1]]:.2f}")


if __name__ == "__main__":
    main()
