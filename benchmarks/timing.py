"""What every speed benchmark here shares: threads, timing, page faults and glibc's allocator.

Imported by the scripts beside it (``python benchmarks/NAME.py`` puts this
folder on the path). It imports neither NumPy nor PyTorch, so a script can
call :func:`limit_threads` before they load.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import time

#: glibc's mallopt parameters (malloc.h) and two settings: its documented default thresholds,
#: held fixed ("fresh": every array of a few MB is mapped afresh from the kernel and zero-filled
#: page by page on first touch), and thresholds that keep freed memory in the process for reuse
#: ("kept"; 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems). Without either,
#: glibc adapts its thresholds to what the process freed before, so page faults vary from run to run.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
ALLOCATOR = {"fresh": {M_MMAP_THRESHOLD: 128 * 1024, M_TRIM_THRESHOLD: 128 * 1024},
             "kept": {M_MMAP_THRESHOLD: 32 * 2**20, M_TRIM_THRESHOLD: 2**30}}


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


def glibc_mallopt():
    """``mallopt(param, value)`` of the running C library, or None when it is not glibc (macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        return None


def use_allocator(setting: str) -> bool:
    """Apply one of :data:`ALLOCATOR`'s settings; False (changing nothing) where there is no glibc."""
    mallopt = glibc_mallopt()
    if mallopt is None:
        return False
    return all(bool(mallopt(param, value)) for param, value in ALLOCATOR[setting].items())


def page_faults() -> int:
    """Minor page faults of this process so far (0 where the ``resource`` module is missing, as on Windows)."""
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def faults_per_call(run, calls: int = 5) -> float:
    """Page faults per call of ``run()``, averaged over ``calls`` calls."""
    start = page_faults()
    for _ in range(calls):
        run()
    return (page_faults() - start) / calls


def time_sides(sides: dict, rounds: int, repeats: int) -> dict:
    """Best seconds per call of every ``{name: run}`` side, timed in alternating rounds.

    Each round times every side in turn (``repeats`` calls each), so a busy spell on the machine
    slows all sides alike instead of one; the fastest call of all rounds counts.
    """
    best = dict.fromkeys(sides, float("inf"))
    for _ in range(rounds):
        for name, run in sides.items():
            best[name] = min(best[name], best_of(repeats, run))
    return best
