"""Find solution code or hidden tests in what students receive.

``python3 -m coursekit leaks course/release course/feedback _build/html``
prints every file that contains a solution/hidden-test marker or a
distinctive line of a solution region or hidden test.
"""

from __future__ import annotations

from pathlib import Path

from coursekit import ROOT
from coursekit.generate import (
    MARKERS,
    REFERENCE,
    REFERENCE_INIT,
    SOLUTION_BEGIN,
    SOLUTION_END,
    expected_files,
    hidden_regions,
    learner_files,
    regions,
)

BINARY = {".png", ".jpg", ".pyc", ".woff", ".woff2", ".ttf", ".ico", ".db", ".gif", ".svgz"}
# Lines too generic to prove anything when found elsewhere, and formulas the
# exercise's own docstring states (momentum's convention is the spec, quoted by
# the visible check that names the other convention).
GENERIC = {"import numpy as np", "def _(nn):", "velocity = beta * velocity + dw"}


def _public_text(root: Path) -> str:
    """Everything learners get anyway: ``nnlib/``, the check machinery and the library outside its solutions.

    A hidden test may share a line with a visible check, call a helper the
    same way (``assert_unchanged(before, after, what=name)``) or name a
    constant of the library; a solution may share a line with a helper the
    module gives away. Such a line (or part of a line) is public by design,
    not a leak. Demos and pages get no such allowance beyond this.

    The hand-written files of ``nnlib/`` count as they are; an exercise module
    counts as its reference outside the solution regions (what its stub
    holds), never as the file on disk, so a solution line pasted into a stub
    stays a secret and the leak tests find it.
    """
    stubs = expected_files(root)
    parts = [content.decode(errors="ignore") for rel, content in learner_files(root).items()
             if rel.parts[0] == "nnlib" and rel.suffix == ".py" and rel not in stubs]
    for path in sorted((root / REFERENCE).glob("*.py")):
        if path.name == REFERENCE_INIT:  # the reference's own glue, not given to learners
            continue
        lines = path.read_text().splitlines()
        hidden = {i for start, stop in regions(lines, SOLUTION_BEGIN, SOLUTION_END, path.name)
                  for i in range(start, stop + 1)}
        parts += [line for i, line in enumerate(lines) if i not in hidden]
    return "\n".join(line.strip() for part in parts for line in part.splitlines())


def secret_lines(root: Path = ROOT) -> set[str]:
    """Distinctive lines (24+ characters) of every solution region and hidden test."""
    lines = []
    for path in (root / REFERENCE).rglob("*.py"):
        text = path.read_text().splitlines()
        for start, stop in regions(text, SOLUTION_BEGIN, SOLUTION_END, path.name):
            lines += text[start + 1 : stop]
    for code in hidden_regions(root).values():
        lines += code.splitlines()
    public = _public_text(root)
    stripped = {line.strip() for line in lines}
    return {
        s
        for s in stripped
        if len(s) >= 24 and s not in GENERIC and s not in public and not s.startswith(("from nnlib", "#"))
    }


def find_leaks(folder: Path, root: Path = ROOT, pattern: str = "*") -> list[str]:
    """Files under ``folder`` (matching ``pattern``) that contain a marker or a secret line."""
    needles = (*MARKERS, *sorted(secret_lines(root)))
    leaks = []
    for path in sorted(Path(folder).rglob(pattern)):
        if not path.is_file() or path.suffix.lower() in BINARY:
            continue
        text = path.read_text(errors="ignore")
        hit = next((needle for needle in needles if needle in text), None)
        if hit is not None:
            leaks.append(f"{path.relative_to(folder)}: {hit!r}")
    return leaks
