"""The maintainers' commands; ``python3 -m coursekit --help`` lists them."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from coursekit import ROOT

BUILD_DIR = ROOT / "_build"


def book_env() -> dict[str, str]:
    """Environment for building the book: the reference ``nnlib`` comes first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "solutions"), env.get("PYTHONPATH")]))
    return env


def build_book(source: Path = ROOT, output: Path = ROOT, *, strict: bool = True) -> int:
    """Build the website into ``output/_build/html``; returns the exit status."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(source), "--path-output", str(output), "--all"]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    return subprocess.run(cmd, env=book_env(), cwd=ROOT).returncode


def cmd_generate(args) -> int:
    """Regenerate nnlib/ and chapters/ from solutions/."""
    from coursekit.generate import write

    changed = write()
    for rel in changed:
        print(f"updated {rel}")
    print(f"{len(changed)} file(s) changed" if changed else "everything was up to date")
    return 0


def cmd_book(args) -> int:
    """Build the website into _build/html (warnings are errors)."""
    from coursekit.generate import stale_files

    stale = stale_files()
    if stale:
        print("Generated files are stale; run `python3 -m coursekit generate` first:")
        print("\n".join(f"  {p}" for p in stale))
        return 1
    status = build_book()
    if status == 0:
        print(f"\nThe website is in {BUILD_DIR / 'html'}; open index.html in a browser.")
    return status


def cmd_test(args) -> int:
    """Run the test suite."""
    return subprocess.run([sys.executable, "-m", "pytest", *args.pytest_args], cwd=ROOT).returncode


def cmd_assignment(args) -> int:
    """Write nbgrader source assignments (course/source/chNN) for chapters."""
    from coursekit.assignment import build
    from coursekit.generate import _exercises
    from coursekit.grading import COURSE_DIR

    numbers = args.chapters or [ch.number for ch in _exercises(ROOT).CHAPTERS]
    for number in numbers:
        dest = build(number, COURSE_DIR, provide=tuple(args.provide))
        print(f"wrote {dest}")
    return 0


def cmd_leaks(args) -> int:
    """Search folders students receive for solution code or hidden tests."""
    from coursekit.leaks import find_leaks

    leaks = [f"{folder}/{leak}" for folder in args.folders for leak in find_leaks(Path(folder))]
    print("\n".join(leaks) if leaks else "no solution code or hidden test found")
    return 1 if leaks else 0


def cmd_autograde(args) -> int:
    """Grade an assignment: verdicts in parallel sandboxes, then nbgrader autograde."""
    import time

    from traitlets.config.loader import PyFileConfigLoader

    from coursekit.grading import COURSE_DIR
    from coursekit.sandbox.autograde import SandboxedChecks
    from coursekit.sandbox.verdicts import precompute

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    checks = SandboxedChecks(config=config)
    start = time.perf_counter()
    students = precompute(COURSE_DIR, args.assignment, checks.modules_for(args.assignment), checks.call_timeout,
                          args.jobs)
    print(f"checked {len(students)} submission(s) in {time.perf_counter() - start:.1f} s with {args.jobs} job(s)")
    nbgrader = Path(sys.executable).with_name("nbgrader")
    env = dict(os.environ, PATH=f"{nbgrader.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run([str(nbgrader), "autograde", args.assignment, *args.nbgrader_args], cwd=ROOT,
                          env=env).returncode


def cmd_clean(args) -> int:
    """Remove the built website."""
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(prog="python3 -m coursekit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="create .venv and install everything").set_defaults(run=lambda a: 0)
    sub.add_parser("generate", help=cmd_generate.__doc__).set_defaults(run=cmd_generate)
    sub.add_parser("book", help=cmd_book.__doc__).set_defaults(run=cmd_book)
    test = sub.add_parser("test", help=cmd_test.__doc__)
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    test.set_defaults(run=cmd_test)
    asg = sub.add_parser("assignment", help=cmd_assignment.__doc__)
    asg.add_argument("chapters", nargs="*", type=int, help="chapter numbers (default: all)")
    asg.add_argument(
        "--provide", nargs="+", default=[], metavar="MODULE",
        help="give students the reference of these earlier modules (e.g. layers losses)",
    )
    asg.set_defaults(run=cmd_assignment)
    grade = sub.add_parser("autograde", help=cmd_autograde.__doc__)
    grade.add_argument("assignment", help="e.g. ch02")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions checked at once")
    grade.add_argument("nbgrader_args", nargs=argparse.REMAINDER, help="passed to nbgrader autograde")
    grade.set_defaults(run=cmd_autograde)
    leaks = sub.add_parser("leaks", help=cmd_leaks.__doc__)
    leaks.add_argument("folders", nargs="+", help="e.g. course/release course/feedback _build/html")
    leaks.set_defaults(run=cmd_leaks)
    sub.add_parser("clean", help=cmd_clean.__doc__).set_defaults(run=cmd_clean)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ValueError as exc:  # malformed sources: say which file and why
        print(f"error: {exc}", file=sys.stderr)
        return 2
