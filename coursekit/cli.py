"""The maintainers' commands; ``python3 -m coursekit --help`` lists them."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from coursekit import ROOT

BUILD_DIR = ROOT / "_build"


def book_env(source: Path = ROOT) -> dict[str, str]:
    """Environment for building the book from ``source``: its reference ``nnlib`` comes first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(source) / "solutions"), env.get("PYTHONPATH")]))
    return env


#: Lines of jupyter-book's output a reader has no use for (the whole output goes to the log).
_NOISE = re.compile(
    r"Kernel is running over TCP without encryption|^myst(-nb)? v|^(reading sources|writing output|copying "
    r"images|copying assets|copying static|copying extra|loading translations|making output|building \[|"
    r"updating environment|looking for now-outdated|pickling environment|checking consistency|preparing "
    r"documents|generating indices|writing additional|dumping |Running (Sphinx|Jupyter-Book)|Source Folder|"
    r"Config Path|Output Path|Using jupyter-cache|sphinx-multitoc|Finished generating|Your book's HTML|"
    r"You can look at|Or paste this|The HTML pages are in|done$)|^\[etoc\]|^=+$|^\s*(\.\./)*\S*index\.html$|"
    r"^\s*\S*_build/html/?$|^loading pickled environment|^\s*file://|Cached executed notebook|^\s*$"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _progress_line(line: str, source: Path) -> str | None:
    """What to print of one line of jupyter-book's output: progress, warnings, errors."""
    line = _ANSI.sub("", line).rstrip()
    page = re.match(r"(\S+?)\.(?:md|ipynb): (Executing notebook|Executed notebook in ([\d.]+)|Using cached)", line)
    if page:
        name = os.path.relpath(page.group(1), source)
        if page.group(3):
            return f"  {name}: executed in {float(page.group(3)):.1f} s"
        return f"  {name}: executing ..." if page.group(2).startswith("Executing") else f"  {name}: from the cache"
    return None if _NOISE.search(line) else line


def build_book(source: Path = ROOT, output: Path = ROOT, *, strict: bool = True) -> int:
    """Build the website into ``output/_build/html``; returns the exit status.

    Prints one line per executed or cached chapter, and every warning or error;
    the whole output of jupyter-book goes to ``output/_build/book.log``. Pages
    whose source and library did not change are not read again (the
    execution cache is keyed on ``solutions/nnlib`` and ``nnlib/``, see coursekit/website.py).
    """
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jupyter_book), "build", str(source), "--path-output", str(output)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    build = Path(output) / "_build"
    build.mkdir(parents=True, exist_ok=True)
    log_path = build / "book.log"
    print(f"Building the website from {source} (chapters run against the reference nnlib) ...", flush=True)
    with log_path.open("w") as log, subprocess.Popen(
        cmd, env=book_env(source), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as book:
        for line in book.stdout:
            log.write(line)
            shown = _progress_line(line, Path(source))
            if shown is not None:
                print(shown, flush=True)
    if book.returncode != 0:
        # Sphinx would not read the failed pages again on an unchanged rebuild: forget them all.
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
        print(f"The build failed (see above); jupyter-book's whole output is in {log_path}", flush=True)
    return book.returncode


def cmd_generate(args) -> int:
    """Regenerate the nnlib/ stubs and chapters/ from solutions/ (never nnlib/'s hand-written files)."""
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
    from coursekit.sandbox.runner import SandboxUnavailable
    from coursekit.sandbox.verdicts import precompute

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    checks = SandboxedChecks(config=config)
    start = time.perf_counter()
    from coursekit.sandbox.cluster import scheduler_address

    scheduler = scheduler_address(args.scheduler, checks.scheduler)
    try:
        if scheduler is None:  # this machine's process pool (Dask is not imported)
            results = precompute(COURSE_DIR, args.assignment, checks.modules_for(args.assignment),
                                 checks.call_timeout, args.jobs, checks.submission_budget)
            where = f"with {args.jobs} job(s)"
        else:
            from coursekit.sandbox.cluster import ClusterUnavailable, precompute_on_cluster

            try:
                results = precompute_on_cluster(COURSE_DIR, args.assignment, checks.modules_for(args.assignment),
                                                checks.call_timeout, scheduler, checks.submission_budget)
            except ClusterUnavailable as exc:
                print(f"Grading stopped, nothing was written to the gradebook: {exc}", file=sys.stderr)
                return 2
            where = f"on the Dask cluster at {scheduler}"
    except SandboxUnavailable as exc:
        print(f"Grading stopped before anyone was graded: {exc}", file=sys.stderr)
        return 2
    for student, problem in results:
        if problem:
            print(f"{student}: {problem}", file=sys.stderr)
    print(f"checked {len(results)} submission(s) in {time.perf_counter() - start:.1f} s {where}")
    nbgrader = Path(sys.executable).with_name("nbgrader")
    env = dict(os.environ, PATH=f"{nbgrader.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run([str(nbgrader), "autograde", args.assignment, *args.nbgrader_args], cwd=ROOT,
                          env=env).returncode


def cmd_publish(args) -> int:
    """Write the learner edition (no solutions, no hidden checks) into DEST."""
    from coursekit.publish import publish

    files = publish(args.dest)
    print(f"wrote the learner edition ({len(files)} files) to {args.dest}; no solution or hidden check in it.")
    print("Commit it to the public learner repository that _config.yml's repository.url names.")
    return 0


def cmd_clean(args) -> int:
    """Remove the built website."""
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["test"]:  # everything after `test` goes to pytest as written: -m ex2_5, -k, paths
        return cmd_test(argparse.Namespace(pytest_args=argv[1:]))
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
    grade.add_argument(
        "--scheduler", metavar="ADDRESS", default=None,
        help="check the submissions on this Dask scheduler (tcp://HOST:8786 or a scheduler file; default: "
             "$NNFS_DASK_SCHEDULER, then c.SandboxedChecks.scheduler; 'local': this machine)",
    )
    grade.set_defaults(run=cmd_autograde)  # other options (e.g. --student) go to nbgrader autograde
    leaks = sub.add_parser("leaks", help=cmd_leaks.__doc__)
    leaks.add_argument("folders", nargs="+", help="e.g. course/release course/feedback _build/html")
    leaks.set_defaults(run=cmd_leaks)
    sub.add_parser("clean", help=cmd_clean.__doc__).set_defaults(run=cmd_clean)
    publish = sub.add_parser("publish", help=cmd_publish.__doc__)
    publish.add_argument("dest", type=Path, help="an empty folder, a clone of the edition's repository, or an earlier edition")
    publish.set_defaults(run=cmd_publish)
    args, extra = parser.parse_known_args(argv)
    if args.command == "autograde":
        args.nbgrader_args = extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args)
    except ValueError as exc:  # malformed sources: say which file and why
        print(f"error: {exc}", file=sys.stderr)
        return 2
