"""Grade the same submissions with plain nbgrader and with the course's grader.

Generates N submissions of chapter 2 (a mix of correct ones, ones with one
wrong function, and faulty ones: an endless loop, a crash, a syntax error),
grades them with plain nbgrader (serially, notebooks executed in a kernel, as
nbgrader does by default) and with this project's command
(``python -m coursekit autograde --jobs N``: checks in the grader, student
functions in sandboxed workers, N submissions at a time, then nbgrader
writing the gradebook), checks that both give every student the same score,
and prints the times.

Run from the repository root (it takes a few minutes for 100 submissions)::

    .venv/bin/python benchmarks/grading.py --submissions 100

The last line is ``ratio project/nbgrader = X.XX`` (time ratio; below 1 means
the project's grader is faster).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coursekit.assignment import build, reference_source  # noqa: E402
from nnlib.exercises import by_function  # noqa: E402

CHAPTER = 2
ASSIGNMENT = f"ch{CHAPTER:02d}"

#: One-function mistakes a student might make in chapter 2 (appended definitions win).
WRONG = {
    "softmax": "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=0, keepdims=True)\n",
    "sigmoid": "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n",
    "step": "def step(z):\n    return (np.asarray(z) > 0).astype(float)\n",
    "weighted_sum": "def weighted_sum(x, w, b):\n    return x @ w\n",
}
FAULTY = {
    "loop": "def tanh(z):\n    while True:\n        pass\n",
    "crash": "import os\n\ndef tanh(z):\n    os._exit(1)\n",
    "syntax": "def tanh(z)\n    return z\n",
}

#: Faults that end the process running them: plain nbgrader loses the whole notebook.
KERNEL_KILLERS = {"crash"}

PLAIN_CONFIG = """\
# Plain nbgrader: the course's settings, but notebooks executed in a kernel.
from nbgrader.converters.autograde import Autograde

c = get_config()  # noqa: F821
load_subconfig({config!r})  # noqa: F821
c.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
"""


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel jobs of the project's grader")
    return parser.parse_args()


def write_submissions(course: Path, count: int, rng: np.random.Generator) -> dict[str, str]:
    """Write ``count`` submissions into ``course/submitted``; return each one's kind."""
    release = course / "release" / ASSIGNMENT
    kinds = {}
    for i in range(count):
        name = f"student{i:03d}"
        folder = course / "submitted" / name / ASSIGNMENT
        shutil.copytree(release, folder)
        draw = rng.random()
        source = reference_source("neurons")
        if draw < 0.5:
            kind = "correct"
        elif draw < 0.9:
            kind = str(rng.choice(sorted(WRONG)))
            source += "\n\n" + WRONG[kind]
        else:
            kind = str(rng.choice(sorted(FAULTY)))
            source += "\n\n" + FAULTY[kind]
        (folder / "nnlib/neurons.py").write_text(source)
        kinds[name] = kind
    return kinds


def grade(course: Path, config_dir: Path, jobs: int | None = None) -> tuple[float, dict[str, float]]:
    """Autograde every submission; (seconds, scores).

    With ``jobs`` None: ``nbgrader autograde`` with the config in ``config_dir``.
    Otherwise the project's command, ``python -m coursekit autograde --jobs N``.
    """
    env = dict(os.environ, NNFS_COURSE_DIR=str(course), NNFS_USE_CURRENT_PYTHON="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.pop("PYTHONPATH", None)
    nbgrader = str(Path(sys.executable).with_name("nbgrader"))
    if jobs is None:
        command = [nbgrader, "autograde", ASSIGNMENT]
    else:
        command = [sys.executable, "-m", "coursekit", "autograde", ASSIGNMENT, "--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(command, cwd=config_dir, env=env, capture_output=True)
    seconds = time.perf_counter() - start
    subprocess.run([nbgrader, "export", "--to", str(course / "grades.csv")], cwd=config_dir, env=env,
                   capture_output=True, check=True)
    with open(course / "grades.csv") as f:
        return seconds, {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}


def main() -> int:
    """Build two identical courses, grade each one way, compare."""
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="nnfs-grading-bench-"))
    plain_dir = work / "plain-config"
    plain_dir.mkdir()
    (plain_dir / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(config=str(ROOT / "nbgrader_config.py")))
    courses = {"nbgrader": work / "course-nbgrader", "project": work / "course-project"}
    for course in courses.values():
        build(CHAPTER, course)
        env = dict(os.environ, NNFS_COURSE_DIR=str(course), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        subprocess.run([str(Path(sys.executable).with_name("nbgrader")), "generate_assignment", ASSIGNMENT],
                       cwd=ROOT, env=env, capture_output=True, check=True)
        kinds = write_submissions(course, args.submissions, np.random.default_rng(args.seed))
    counts = {kind: list(kinds.values()).count(kind) for kind in sorted(set(kinds.values()))}
    print(f"{args.submissions} submissions of {ASSIGNMENT}: {counts}")

    plain_seconds, plain_scores = grade(courses["nbgrader"], plain_dir)
    print(f"plain nbgrader (kernel per notebook):     {plain_seconds:7.1f} s  "
          f"({plain_seconds / args.submissions:.2f} s per submission)")
    ours_seconds, ours_scores = grade(courses["project"], ROOT, jobs=args.jobs)
    print(f"project grader ({args.jobs} jobs, sandboxed):       {ours_seconds:7.1f} s  "
          f"({ours_seconds / args.submissions:.2f} s per submission)")
    differ = sorted(s for s in plain_scores if plain_scores[s] != ours_scores.get(s))
    # A function that kills its process kills plain nbgrader's kernel, and with
    # it that student's whole notebook: the project grades the rest. And plain
    # nbgrader scores an exercise all or nothing, while the project gives each
    # passed check its share (partial credit): one wrong function then scores
    # between plain nbgrader's score and that plus the exercise's points.
    # Those scores differ by design; every other one must be identical.
    lost = [s for s in differ if kinds[s] in KERNEL_KILLERS]
    partial = [s for s in differ if s not in lost and kinds[s] in WRONG
               and plain_scores[s] < ours_scores.get(s, -1) < plain_scores[s] + by_function(kinds[s]).points]
    differ = [s for s in differ if s not in lost and s not in partial]
    same = len(plain_scores) - len(differ) - len(lost) - len(partial)
    print(f"scores identical for {same} of {len(plain_scores)} students")
    if partial:
        print(f"partial credit for {len(partial)} student(s) with one wrong function (plain nbgrader gives the "
              "exercise 0): " + ", ".join(f"{s} ({plain_scores[s]:g} vs {ours_scores[s]:.3g})" for s in partial))
    if lost:
        print("plain nbgrader lost the whole grade of (its kernel died): "
              + ", ".join(f"{s} ({plain_scores[s]:g} vs {ours_scores.get(s):g})" for s in lost))
    if differ:
        print("scores DIFFER for: " + ", ".join(f"{s} ({kinds[s]}: {plain_scores[s]} vs {ours_scores.get(s)})"
                                                for s in differ))
    shutil.rmtree(work, ignore_errors=True)
    print(f"ratio project/nbgrader = {ours_seconds / plain_seconds:.2f}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
