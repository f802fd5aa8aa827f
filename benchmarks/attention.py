"""Multi-head self-attention, forward plus backward: nnlib's reference against PyTorch on the CPU.

One step is ``mha_forward`` then ``mha_backward`` on x of shape (N, T, E) =
(32, 64, 128) with h = 4 heads in float32 (projections, split, scaled
dot-product attention, merge, output projection, and every gradient). PyTorch
runs the same computation with ``torch.nn.functional.scaled_dot_product_attention``
and its autograd, with the same number of threads; both results are
compared, so the two sides compute the same thing.

Run from the repository root (PyTorch is optional: ``pip install torch``)::

    .venv/bin/python benchmarks/attention.py
    .venv/bin/python benchmarks/attention.py --threads 1 --repeats 20

The last line is ``ratio nnlib/pytorch = X.XX`` (seconds per step of the
reference divided by PyTorch's; below 1 means nnlib is faster).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from timing import best_of, limit_threads  # noqa: E402 (beside this script)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for BLAS and PyTorch")
    parser.add_argument("--N", type=int, default=32)
    parser.add_argument("--T", type=int, default=64)
    parser.add_argument("--E", type=int, default=128)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=10, help="timed steps per side; the best counts")
    parser.add_argument("--library", default=str(ROOT / "solutions"),
                        help="folder holding the nnlib to time (default: the reference)")
    return parser.parse_args()


def main() -> None:
    """Time both sides and print the ratio."""
    args = parse_args()
    limit_threads(args.threads)  # before numpy loads
    sys.path.insert(0, args.library)
    import numpy as np

    from nnlib.attention import ATTENTION_KEYS, mha_backward, mha_forward

    N, T, E, h = args.N, args.T, args.E, args.heads
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, T, E)).astype(np.float32)
    dout = rng.normal(size=(N, T, E)).astype(np.float32)
    params = {key: (rng.normal(size=(E, E)) / np.sqrt(E) if key[0] == "W" else 0.1 * rng.normal(size=E))
              .astype(np.float32) for key in ATTENTION_KEYS}

    def nnlib_step():
        out, cache = mha_forward(x, params, h)
        return out, mha_backward(dout, cache)

    print(f"multi-head attention forward + backward: N={N}, T={T}, E={E}, h={h}, float32, "
          f"{args.threads} thread(s)")
    nnlib_time = best_of(args.repeats, nnlib_step)
    print(f"nnlib (numpy {np.__version__}):   {nnlib_time * 1000:8.2f} ms per step")

    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: pip install torch to compare")
        return
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

    torch_time = best_of(args.repeats, torch_step)
    print(f"pytorch {torch.__version__}:      {torch_time * 1000:8.2f} ms per step")

    out, (dx, grads) = nnlib_step()
    torch_out = torch_step()
    agree = np.allclose(out, torch_out.detach().numpy(), rtol=1e-3, atol=1e-4) and np.allclose(
        dx, tx.grad.numpy(), rtol=1e-3, atol=1e-4) and all(
        np.allclose(grads[key], tp[key].grad.numpy(), rtol=1e-3, atol=1e-3) for key in ATTENTION_KEYS)
    print(f"outputs and gradients agree: {agree}")
    print(f"ratio nnlib/pytorch = {nnlib_time / torch_time:.2f}")


if __name__ == "__main__":
    main()
