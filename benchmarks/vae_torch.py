"""The chapter-10 VAE trained twice: by the reference nnlib and by PyTorch, the same way.

Same data (``load_digits(rng=0)``), same networks (64 -> 128 -> 2 x 2 encoder,
2 -> 128 -> 64 decoder, ReLU), same initial weights (``init_params`` with seed
0, copied into PyTorch), Adam with learning rate 0.002, minibatches of 32,
100 epochs (``--epochs``), float32. Only the random draws (minibatch order and noise)
differ. The held-out negative ELBO per image is averaged over 10 draws of the
noise for both models, by the same NumPy code.

Run from the repository root (PyTorch is optional: ``pip install torch==2.13.0``)::

    .venv/bin/python benchmarks/vae_torch.py

The last line is ``ratio nnlib/pytorch = X.XXX`` (held-out negative ELBO of
the reference divided by PyTorch's); the issue asks for it within 5% of 1.
Without PyTorch it is ``ratio nnlib/pytorch = n/a (...)``. ``--epochs 1`` is a
quick run (a check that it works; the ratio then means little).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

import numpy as np  # noqa: E402

from nnlib import vae  # noqa: E402
from nnlib.datasets import load_digits  # noqa: E402
from nnlib.mlp import init_params  # noqa: E402

EPOCHS, BATCH, LR, HIDDEN, LATENT = 100, 32, 2e-3, 128, 2


def train_torch(X, seed=0, epochs=EPOCHS):
    """The same VAE in PyTorch, ``epochs`` epochs; returns its parameters as lists of NumPy (W, b) pairs."""
    import torch

    torch.set_num_threads(1)  # tiny matrices: more threads only add overhead (and fight on a busy machine)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    start = init_params([64, HIDDEN, 2 * LATENT], rng), init_params([LATENT, HIDDEN, 64], rng)
    nets = [[(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in net]
            for net in start]
    opt = torch.optim.Adam([p for net in nets for pair in net for p in pair], lr=LR)

    def run(h, net):
        for W, b in net[:-1]:
            h = torch.relu(h @ W + b)
        return h @ net[-1][0] + net[-1][1]

    data = torch.tensor(X)
    for _ in range(epochs):
        order = torch.randperm(len(data))
        for start_row in range(0, len(data), BATCH):
            x = data[order[start_row : start_row + BATCH]]
            h = run(x, nets[0])
            mu, logvar = h[:, :LATENT], h[:, LATENT:]
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            logits = run(z, nets[1])
            rec = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
            kl = 0.5 * torch.sum(mu**2 + torch.exp(logvar) - 1 - logvar) / len(x)
            opt.zero_grad()
            (rec + kl).backward()
            opt.step()
    return [[(W.detach().numpy(), b.detach().numpy()) for W, b in net] for net in nets]


def main():
    """Train both, print both held-out negative ELBOs and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"epochs of each training (default {EPOCHS})")
    args = parser.parse_args()
    X_train, _, X_test, _ = load_digits(rng=0)
    started = time.process_time()
    encoder, decoder, _ = vae.train_vae(X_train, latent=LATENT, hidden=HIDDEN, epochs=args.epochs,
                                        batch_size=BATCH, lr=LR, rng=0)
    ours = vae.negative_elbo(X_test, encoder, decoder, samples=10, rng=0)
    print(f"nnlib:   held-out negative ELBO {ours[0]:.3f} (reconstruction {ours[1]:.3f} + KL {ours[2]:.3f}), "
          f"{time.process_time() - started:.1f} s CPU")
    try:
        import torch  # noqa: F401
    except ImportError:
        print("ratio nnlib/pytorch = n/a (PyTorch is not installed: pip install torch==2.13.0)")
        return
    started = time.process_time()
    t_encoder, t_decoder = train_torch(X_train, epochs=args.epochs)
    theirs = vae.negative_elbo(X_test, t_encoder, t_decoder, samples=10, rng=0)
    print(f"pytorch: held-out negative ELBO {theirs[0]:.3f} (reconstruction {theirs[1]:.3f} + KL {theirs[2]:.3f}), "
          f"{time.process_time() - started:.1f} s CPU")
    print(f"ratio nnlib/pytorch = {ours[0] / theirs[0]:.3f}")


if __name__ == "__main__":
    main()
