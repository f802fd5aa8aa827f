"""Forward plus backward of an LSTM over a batch of sequences: nnlib's reference and PyTorch's nn.LSTM.

Times, in float32 with the same number of threads for BLAS and PyTorch, one
``lstm_forward`` plus one ``lstm_backward`` (dx, dh0, dWx, dWh, db) of the
reference at N = 32, T = 50, D = 64, H = 128 (and the chapter's character
model, N = 24, T = 48, D = 16, H = 64), and the same computation with
``torch.nn.LSTM`` (batch_first, one layer, zero initial cell state) and
autograd, when PyTorch is installed. The two are first checked to agree (the
reference's weights are copied into the PyTorch module, whose gate order is
i, f, g, o: the blocks are permuted).

Also timed, to show what no NumPy code can go below: the matrix products
alone that any implementation needs (the input projection for all steps,
T products with Wh forward and T backward, then dx, dWx and dWh), at the
shapes the reference uses, with NumPy (its BLAS) and with PyTorch (its
own BLAS). ``products/pytorch`` is NumPy's products alone divided by
PyTorch's whole forward and backward: a floor for ``nnlib/pytorch``.

The machine may be busy: every candidate is timed once per round, in turn,
and each keeps its fastest round, so that a burst of load elsewhere does not
fall on one side only; with one thread the clock is this process's CPU time
(``time.process_time``), which does not count the time other jobs hold the
core (``--wall-clock`` to use the wall clock anyway; with several threads it
always does). Page faults per call are printed too: unless told
otherwise (``--plain-malloc``), glibc is first asked to keep freed memory for
reuse (timing.use_allocator("kept")), since otherwise, in a process that
runs nothing else, the reference's arrays of a few MB are mapped afresh from
the kernel at every call, thousands of faults that cost more than some of
the arithmetic.

Run from the repository root (PyTorch is optional: ``pip install torch==2.13.0``)::

    .venv/bin/python benchmarks/lstm_layer.py              # 1 thread
    .venv/bin/python benchmarks/lstm_layer.py --threads 2

The last line is ``ratio nnlib/pytorch = X.XX`` (the reference's total time
over both shapes divided by PyTorch's; below 1 means nnlib is faster).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from timing import limit_threads, page_faults, use_allocator  # noqa: E402 (beside this script)

#: (name, N, T, D, H)
SHAPES = (
    ("issue: N32 T50 D64 H128", 32, 50, 64, 128),
    ("chapter 9 model: N24 T48 D16 H64", 24, 48, 16, 64),
)


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for BLAS and PyTorch (default 1)")
    parser.add_argument("--repeats", type=int, default=50, help="timed rounds; the fastest counts")
    parser.add_argument("--wall-clock", action="store_true",
                        help="time with the wall clock even with one thread (default: the process's CPU time)")
    parser.add_argument("--plain-malloc", action="store_true",
                        help="leave glibc's memory reuse alone (see timing.ALLOCATOR; page faults then vary)")
    parser.add_argument("--library", default=str(ROOT / "solutions"),
                        help="folder holding the nnlib to time (default: the reference)")
    return parser.parse_args()


def interleaved(rounds, runs, clock):
    """Fastest of ``rounds`` timed calls of each ``runs[name]()``, taken in turn: seconds, page faults per call.

    ``clock`` is ``time.process_time`` (this process's CPU time: the time other jobs hold the core is not
    counted, which only a single-threaded run can use) or ``time.perf_counter`` (wall-clock time).
    """
    for run in runs.values():
        run()  # warm up
    best, faults = dict.fromkeys(runs, float("inf")), dict.fromkeys(runs, 0)
    for _ in range(rounds):
        for name, run in runs.items():
            before, start = page_faults(), clock()
            run()
            best[name] = min(best[name], clock() - start)
            faults[name] += page_faults() - before
    return best, {name: count / rounds for name, count in faults.items()}


def products(np, shape, mm, wrap=lambda a: a):
    """Functions running the products alone, all of them and the forward steps' only, with ``mm(a, b, out)``.

    The arrays are float32 NumPy arrays passed through ``wrap`` (``torch.from_numpy`` to time PyTorch's).
    """
    _, N, T, D, H = shape
    rng = np.random.default_rng(1)

    def make(*size):
        return wrap(rng.standard_normal(size, dtype=np.float32))

    x1, Wxb, G = make(T * N, D + 1), make(D + 1, 4 * H), make(T * N, 4 * H)  # input projection (bias row)
    h, Wh, WhT, a, dh = make(N, H), make(H, 4 * H), make(4 * H, H), make(N, 4 * H), make(N, H)
    Wx, Hp = make(D, 4 * H), make(T * N, H)

    def run():
        mm(x1, Wxb, G)  # (T N, D + 1) @ (D + 1, 4H): x @ Wx + b, every step
        for _ in range(T):
            mm(h, Wh, a)  # (N, H) @ (H, 4H): one step forward
        for _ in range(T):
            mm(a, WhT, dh)  # (N, 4H) @ (4H, H): one step backward
        G @ Wx.T  # noqa: B018 - dx, (T N, 4H) @ (4H, D)
        x1[:, :D].T @ G  # noqa: B018 - dWx, (D, T N) @ (T N, 4H)
        Hp.T @ G  # noqa: B018 - dWh, (H, T N) @ (T N, 4H)

    def step_only():
        for _ in range(T):
            mm(h, Wh, a)

    return run, step_only


def measure(np, rnn, torch, shape, rounds, clock):
    """Seconds of every candidate for one shape of SHAPES (PyTorch's entries only if it is installed)."""
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
    assert h.dtype == dx.dtype == dWh.dtype == np.float32, "the reference left float32"

    runs = {
        "nnlib": lambda: rnn.lstm_backward(dh, rnn.lstm_forward(x, h0, Wx, Wh, b)[1]),
        "nnlib forward": lambda: rnn.lstm_forward(x, h0, Wx, Wh, b),
    }
    runs["products"], runs["step products"] = products(np, shape, lambda p, q, out: np.matmul(p, q, out=out))

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
        assert np.allclose(th0.grad.numpy()[0], dh0, atol=1e-3), "PyTorch's dh0 disagrees with lstm_backward"
        assert np.allclose(lstm.weight_hh_l0.grad.numpy().T, dWh[:, order], rtol=1e-3, atol=1e-2)
        assert np.allclose(lstm.weight_ih_l0.grad.numpy().T, dWx[:, order], rtol=1e-3, atol=1e-2)
        assert np.allclose(lstm.bias_ih_l0.grad.numpy(), db[order], rtol=1e-3, atol=1e-2)
        runs["pytorch"] = theirs
        runs["pytorch forward"] = lambda: out_of(lstm, tx, th0, tc0, grad=True)
        runs["pytorch products"], runs["pytorch step products"] = products(
            np, shape, lambda p, q, out: torch.mm(p, q, out=out), torch.from_numpy)
    return interleaved(rounds, runs, clock)


def out_of(lstm, tx, th0, tc0, grad=False):
    """The LSTM's hidden states (recording the graph for a backward pass with ``grad``, as training does)."""
    import torch

    with torch.set_grad_enabled(grad):
        out = lstm(tx, (th0, tc0))[0]
    return out if grad else out.numpy()


def main() -> None:
    """Time each shape every way and print the ratios."""
    args = parse_args()
    limit_threads(args.threads)
    kept = False if args.plain_malloc else use_allocator("kept")
    clock = time.process_time if args.threads == 1 and not args.wall_clock else time.perf_counter
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
          + (f", torch {torch.__version__}" if torch is not None else ", PyTorch not installed (its columns are skipped)"))
    print(f"library: {args.library}; float32; lstm_forward + lstm_backward; fastest of {args.repeats} "
          "interleaved rounds; times in ms as forward + backward = total, "
          + ("CPU time of this process" if clock is time.process_time else "wall-clock time"))
    print("allocator: " + ("glibc keeps freed blocks under 32 MB for reuse (--plain-malloc to leave it alone)" if kept
                           else "as the C library does it (page faults then depend on what was freed before)"))
    total_ours = total_torch = 0.0
    for shape in SHAPES:
        t, faults = measure(np, rnn, torch, shape, args.repeats, clock)
        T = shape[2]
        total_ours += t["nnlib"]
        print(f"{shape[0]}:")
        print(f"  nnlib     {t['nnlib forward'] * 1e3:6.2f} + {(t['nnlib'] - t['nnlib forward']) * 1e3:6.2f} "
              f"= {t['nnlib'] * 1e3:6.2f}   page faults per call {faults['nnlib']:.0f}")
        if torch is not None:
            total_torch += t["pytorch"]
            print(f"  pytorch   {t['pytorch forward'] * 1e3:6.2f} + "
                  f"{(t['pytorch'] - t['pytorch forward']) * 1e3:6.2f} = {t['pytorch'] * 1e3:6.2f}"
                  f"   page faults per call {faults['pytorch']:.0f}   nnlib/pytorch {t['nnlib'] / t['pytorch']:.2f}")
        print(f"  products alone, numpy {t['products'] * 1e3:.2f} ms (of which the {T} forward steps' "
              f"h @ Wh {t['step products'] * 1e3:.2f} ms)"
              + (f"; pytorch {t['pytorch products'] * 1e3:.2f} ms ({t['pytorch step products'] * 1e3:.2f} ms)"
                 if torch is not None else ""))
        if torch is not None:
            print(f"  floor: products/pytorch = {t['products'] / t['pytorch']:.2f} "
                  f"(numpy's products alone over PyTorch's whole pass)")
    if torch is not None:
        print(f"ratio nnlib/pytorch = {total_ours / total_torch:.2f}")
    else:
        print("ratio nnlib/pytorch = n/a (PyTorch is not installed: pip install torch==2.13.0)")


if __name__ == "__main__":
    main()
