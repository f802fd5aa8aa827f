"""Verdicts per second: the local process pool against a Dask cluster of the same size, in one run.

Generates ``--submissions`` submissions of chapter 1 (most correct, some with
one wrong function), computes every submission's verdicts with the local
pool of ``--workers`` processes (``python -m coursekit autograde --jobs N``
does this), then with a Dask scheduler and ``--workers`` ``dask worker``
processes of one thread each on 127.0.0.1 (what ``--scheduler`` does), checks
that both stored the same verdicts, and prints the rate of each, Dask's
overhead per submission and ``ratio dask/local`` (time on Dask over time
locally; the target is at most 1.2 on one machine). Needs the ``cluster``
extra (``distributed``)::

    .venv/bin/python benchmarks/grading_cluster.py --submissions 1000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from local_cluster import LocalCluster  # noqa: E402 (beside this script)

from coursekit.assignment import build, reference_source  # noqa: E402
from coursekit.sandbox.verdicts import CACHE, precompute  # noqa: E402
from nnlib.exercises import MODULES  # noqa: E402

WRONG = "\n\ndef relu(z):\n    import numpy as np\n    return np.maximum(z, 1.0)\n"


def write_submissions(course: Path, count: int) -> None:
    """``count`` submissions of ch01 in ``course/submitted``: every fifth with a wrong relu."""
    source = course / "source" / "ch01"
    for i in range(count):
        folder = course / "submitted" / f"student{i:04d}" / "ch01"
        shutil.copytree(source, folder)
        for module in MODULES:  # the exercise modules (the other files have no reference to fill in)
            path = folder / "nnlib" / f"{module}.py"
            path.write_text(reference_source(module) + (WRONG if i % 5 == 4 and module == "functions" else ""))


def stored(course: Path) -> dict[str, str]:
    """The stored verdicts, by student."""
    return {p.stem: p.read_text() for p in sorted((course / CACHE / "ch01").glob("*.json"))}


def main() -> int:
    """Grade the same submissions both ways and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="local processes, and Dask workers of one thread")
    args = parser.parse_args()
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("distributed is not installed: .venv/bin/pip install -e '.[cluster]'")
        return 2
    from coursekit.sandbox.cluster import precompute_on_cluster

    work = Path(tempfile.mkdtemp(prefix="nnfs-cluster-bench-"))
    cluster = None
    try:
        course = work / "course"
        os.environ["NNFS_COURSE_DIR"] = str(course)
        build(1, course)
        write_submissions(course, args.submissions)
        cluster = LocalCluster(work, args.workers)  # it comes up while the pool works

        start = time.perf_counter()
        local = precompute(course, "ch01", [], 8.0, jobs=args.workers)
        local_seconds = time.perf_counter() - start
        local_verdicts = stored(course)
        shutil.rmtree(course / CACHE)

        with cluster.client(timeout=120) as client:
            address = client.scheduler.address
        start = time.perf_counter()
        remote = precompute_on_cluster(course, "ch01", [], 8.0, address, progress=open(os.devnull, "w"))
        dask_seconds = time.perf_counter() - start
        same = stored(course) == local_verdicts and local == remote
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)

    n = args.submissions
    print(f"{n} submissions of ch01, {args.workers} local processes / {args.workers} Dask workers of one thread")
    print(f"local pool:   {local_seconds:7.1f} s  ({n / local_seconds:.2f} submissions per second)")
    print(f"Dask cluster: {dask_seconds:7.1f} s  ({n / dask_seconds:.2f} submissions per second, "
          f"{n / dask_seconds / args.workers:.2f} per worker core)")
    print(f"Dask's overhead per submission: {(dask_seconds - local_seconds) / n * 1000:+.0f} ms")
    print("verdicts identical" if same else "verdicts DIFFER between the two paths")
    print(json.dumps({"local_seconds": round(local_seconds, 2), "dask_seconds": round(dask_seconds, 2)}))
    print(f"ratio dask/local = {dask_seconds / local_seconds:.2f}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
