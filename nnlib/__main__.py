"""Command line: ``python -m nnlib check 2`` runs the visible checks of chapter 2.

Usage::

    python -m nnlib check 2        # every exercise of chapter 2
    python -m nnlib check 2.5      # one exercise
    python -m nnlib check softmax  # the same, by function name
    python -m nnlib check          # everything
    python -m nnlib list           # the exercises and where they live
"""

from __future__ import annotations

import argparse
import sys

from nnlib.checking import run
from nnlib.exercises import CHAPTERS, EXERCISES


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (1 if a check failed)."""
    parser = argparse.ArgumentParser(prog="python -m nnlib", description="Check your nnlib exercises.")
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="run visible checks")
    chk.add_argument("target", nargs="?", default=None, help="chapter (2), exercise (2.5) or function (softmax)")
    sub.add_parser("list", help="list the exercises")
    args = parser.parse_args(argv)

    if args.command == "list":
        for ch in CHAPTERS:
            print(f"Chapter {ch.number}: {ch.title}")
            for ex in EXERCISES:
                if ex.chapter == ch.number:
                    print(f"  {ex.id:<5} {ex.function:<20} {ex.path:<24} {ex.points} pt  section '{ex.section}'")
        return 0
    try:
        report = run(args.target)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.render())
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
