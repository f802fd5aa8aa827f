"""What every speed benchmark here shares: the same thread count for BLAS and PyTorch, best-of-N timing.

Imported by the scripts beside it (``python benchmarks/NAME.py`` puts this
folder on the path). It imports neither NumPy nor PyTorch, so a script can
call :func:`limit_threads` before they load.
"""

from __future__ import annotations

import os
import time


def limit_threads(threads: int) -> None:
    """Pin BLAS threads before numpy loads (the same count PyTorch gets)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def best_of(repeats: int, run, *, warm_up: bool = True) -> float:
    """Fastest of ``repeats`` timed calls of ``run()`` (after one untimed call with ``warm_up``), in seconds."""
    if warm_up:
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)
