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

New memory costs time: the first write to each 4 KiB page of it is a page
fault (microseconds each on a virtual machine). NumPy functions return new
arrays, about 14 MB per step here; how much of it is new to the process
depends on the C allocator (glibc's malloc, which both sides use), so the
sides are timed under three settings:

* ``alone``: each side in a fresh process of its own, with glibc's adaptive
  default: blocks above a threshold (128 KiB, raised to the largest block
  freed so far) come from the system, and free memory above twice that
  goes back to it. The reference's largest blocks are 3 MB, so most of
  each step's memory goes back and comes again: the case of a script or a
  notebook that does nothing else.
* ``fresh``: glibc's documented default thresholds (128 KiB), held fixed
  with ``mallopt``: every large array of either side is new memory.
* ``kept``: freed memory stays in the process and is reused (thresholds of
  32 MiB and 1 GiB), as in a long-running program once glibc has raised
  them by itself. No page faults: the cost of the computation alone.

In the last two, the sides are timed in alternating rounds in one process
(the machine may be busy), best of all rounds; ``alone`` alternates fresh
processes.

The script also times the step's matrix products alone (np.matmul of the
reference's shapes into ready arrays, no other work): a floor for any NumPy
implementation of the step, set by the BLAS (NumPy's other work runs on one
thread). Page faults per step are printed for every side.

Run from the repository root (PyTorch is optional: ``pip install torch``)::

    .venv/bin/python benchmarks/attention.py
    .venv/bin/python benchmarks/attention.py --threads 1 --rounds 9

The last line is ``ratio nnlib/pytorch = X.XX`` (seconds per step of the
reference divided by PyTorch's, with memory kept; below 1 means nnlib is
faster); the lines before it give the ratio in the other two settings.
Without PyTorch it is ``ratio nnlib/pytorch = n/a (...)``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from timing import ALLOCATOR, faults_per_call, limit_threads, time_sides, use_allocator  # noqa: E402 (beside this script)


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
    parser.add_argument("--alone", choices=("nnlib", "pytorch"), help=argparse.SUPPRESS)  # a child process
    return parser.parse_args()


def time_alone(args, names) -> dict:
    """``{name: (best seconds per step, page faults per step)}``, each side in fresh processes of its own."""
    result = {name: (float("inf"), 0.0) for name in names}
    command = [sys.executable, __file__, "--threads", str(args.threads), "--N", str(args.N), "--T", str(args.T),
               "--E", str(args.E), "--heads", str(args.heads), "--library", args.library]
    for _ in range(max(1, args.rounds // 2)):
        for name in names:
            rounds = ["--rounds", "2", "--repeats", str(args.repeats)]
            lines = subprocess.run([*command, *rounds, "--alone", name], capture_output=True, text=True,
                                   check=True).stdout.split()
            seconds, faults = float(lines[-2]), float(lines[-1])
            if seconds < result[name][0]:
                result[name] = (seconds, faults)
    return result


def make_problem(args):
    """The step's data: x, dout and the eight parameters, float32, from a fixed seed."""
    import numpy as np

    from nnlib.attention import ATTENTION_KEYS

    N, T, E = args.N, args.T, args.E
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, T, E)).astype(np.float32)
    dout = rng.normal(size=(N, T, E)).astype(np.float32)
    params = {key: (rng.normal(size=(E, E)) / np.sqrt(E) if key[0] == "W" else 0.1 * rng.normal(size=E))
              .astype(np.float32) for key in ATTENTION_KEYS}
    return x, dout, params


def nnlib_side(args, x, dout, params):
    """One step of the reference: ``mha_forward`` then ``mha_backward``."""
    from nnlib.attention import mha_backward, mha_forward

    def nnlib_step():
        out, cache = mha_forward(x, params, args.heads)
        return out, mha_backward(dout, cache)

    return nnlib_step


def products_side(args):
    """The step's matrix products alone, with the reference's shapes and layouts, into ready arrays."""
    import numpy as np

    N, T, E, h = args.N, args.T, args.E, args.heads
    rng = np.random.default_rng(1)
    rows, rows3 = (rng.normal(size=(N * T, n)).astype(np.float32) for n in (E, 3 * E))
    W, W3 = (rng.normal(size=(E, n)).astype(np.float32) for n in (E, 3 * E))
    heads = rng.normal(size=(N, T, h, E // h)).astype(np.float32).transpose(0, 2, 1, 3)  # (N, h, T, E/h) view
    scores = np.empty((N, h, T, T), np.float32)
    rows_out, W_out, W3_out, rows3_out, heads_out = (np.empty_like(a) for a in (rows, W, W3, rows3, heads))

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

    return products


def torch_side(args, x, dout, params):
    """The same step in PyTorch, and its leaf tensors (x and the parameters) for their gradients."""
    import torch

    N, T, E, h = args.N, args.T, args.E, args.heads
    torch.set_num_threads(args.threads)
    tx = torch.tensor(x, requires_grad=True)
    tdout = torch.tensor(dout)
    tp = {key: torch.tensor(value, requires_grad=True) for key, value in params.items()}

    def torch_step():
        for tensor in (tx, *tp.values()):
            tensor.grad = None
        q, k, v = (tx @ tp["W" + c] + tp["b" + c] for c in "qkv")  # (N, T, E)
        q, k, v = (a.view(N, T, h, E // h).transpose(1, 2) for a in (q, k, v))  # (N, h, T, E/h)
        heads = torch.nn.functional.scaled_dot_product_attention(q, k, v)
        out = heads.transpose(1, 2).reshape(N, T, E) @ tp["Wo"] + tp["bo"]
        out.backward(tdout)
        return out

    return torch_step, tx, tp


def main() -> None:
    """Time both sides (and the bare products) under the three allocator settings and print the ratios."""
    args = parse_args()
    limit_threads(args.threads)  # before numpy loads
    sys.path.insert(0, args.library)
    import numpy as np

    from nnlib.attention import ATTENTION_KEYS

    x, dout, params = make_problem(args)
    if args.alone:  # a child process of time_alone: one side only, nothing else imported
        step = nnlib_side(args, x, dout, params) if args.alone == "nnlib" else torch_side(args, x, dout, params)[0]
        print(time_sides({args.alone: step}, args.rounds, args.repeats)[args.alone], faults_per_call(step))
        return

    nnlib_step = nnlib_side(args, x, dout, params)
    sides = {"nnlib": nnlib_step, "products": products_side(args)}
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        torch_step, tx, tp = torch_side(args, x, dout, params)
        sides["pytorch"] = torch_step

    print(f"multi-head attention forward + backward: N={args.N}, T={args.T}, E={args.E}, h={args.heads}, "
          f"float32, no mask, {args.threads} thread(s); best of {args.rounds} x {args.repeats} steps per side")
    print(f"numpy {np.__version__}" + (f", pytorch {torch.__version__}" if torch is not None else
                                        " (PyTorch is not installed: pip install torch to compare)"))
    ratios = {}
    alone = time_alone(args, [name for name in ("nnlib", "pytorch") if name in sides])
    print("each side alone in a fresh process, glibc's adaptive default:")
    for name, (seconds, faults) in alone.items():
        print(f"  {name + ':':24s} {seconds * 1000:7.2f} ms per step ({faults:5.0f} page faults per step)")
    if torch is not None:
        ratios["alone"] = alone["nnlib"][0] / alone["pytorch"][0]
    for setting in ALLOCATOR:
        if not use_allocator(setting):  # not glibc: the sides alone is all there is
            break
        best = time_sides(sides, args.rounds, args.repeats)
        faults = {name: faults_per_call(run) for name, run in sides.items()}
        print(f"memory {setting}, both sides in this process:")
        print(f"  nnlib reference:         {best['nnlib'] * 1000:7.2f} ms per step "
              f"({faults['nnlib']:5.0f} page faults per step)")
        print(f"  its matrix products alone: {best['products'] * 1000:5.2f} ms "
              f"({best['products'] / best['nnlib']:.0%} of the step)")
        if torch is not None:
            print(f"  pytorch:                 {best['pytorch'] * 1000:7.2f} ms per step "
                  f"({faults['pytorch']:5.0f} page faults per step)")
            print(f"  products alone / pytorch = {best['products'] / best['pytorch']:.2f}")
            ratios[setting] = best["nnlib"] / best["pytorch"]

    if torch is None:
        print("ratio nnlib/pytorch = n/a (PyTorch is not installed: pip install torch)")
        return
    out, (dx, grads) = nnlib_step()
    torch_out = torch_step()
    agree = np.allclose(out, torch_out.detach().numpy(), rtol=1e-3, atol=1e-4) and np.allclose(
        dx, tx.grad.numpy(), rtol=1e-3, atol=1e-4) and all(
        np.allclose(grads[key], tp[key].grad.numpy(), rtol=1e-3, atol=1e-3) for key in ATTENTION_KEYS)
    print(f"outputs and gradients agree: {agree}")
    for setting in ("alone", "fresh"):
        if setting in ratios and "kept" in ratios:
            print(f"ratio nnlib/pytorch, {'each side alone' if setting == 'alone' else 'fresh memory'} = "
                  f"{ratios[setting]:.2f}")
    print(f"ratio nnlib/pytorch = {ratios.get('kept', ratios['alone']):.2f}")


if __name__ == "__main__":
    main()
