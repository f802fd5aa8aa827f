"""Generate every learner-facing file from ``solutions/``.

- ``solutions/nnlib/**`` -> ``nnlib/**``: each ``### BEGIN SOLUTION`` ...
  ``### END SOLUTION`` region becomes a ``raise NotImplementedError`` that
  names the exercise and where it is taught (from ``nnlib/exercises.py``).
- ``solutions/chapters/**`` -> ``chapters/**``: hidden-test regions removed,
  a header saying where the page comes from.

:func:`expected_files` computes the whole output in memory; :func:`write`
puts it on disk; the test suite compares the two to catch stale files.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import sys
from pathlib import Path

from coursekit import ROOT

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
MARKERS = (SOLUTION_BEGIN, SOLUTION_END, HIDDEN_BEGIN, HIDDEN_END)
#: How every generated stub begins: files containing it are the students' work.
STUB = 'raise NotImplementedError("Exercise '


#: (source folder, generated folder), relative to the repository root.
TREES = (("solutions/nnlib", "nnlib"), ("solutions/chapters", "chapters"))
SKIP = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}


class GenerationError(ValueError):
    """A source file is malformed (unmatched markers, unknown exercise...)."""


@functools.cache
def _exercises(root: Path):
    """Load the exercise table of ``root``'s reference, without importing nnlib."""
    name = f"_nnfs_exercises_{abs(hash(root))}"
    spec = importlib.util.spec_from_file_location(name, root / "solutions/nnlib/exercises.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def regions(lines: list[str], begin: str, end: str, where: str) -> list[tuple[int, int]]:
    """Index pairs (begin line, end line) of every marked region, validated."""
    found, start = [], None
    for i, line in enumerate(lines):
        if begin in line:
            if start is not None:
                raise GenerationError(f"{where}:{i + 1}: '{begin}' inside another region")
            start = i
        elif end in line:
            if start is None:
                raise GenerationError(f"{where}:{i + 1}: '{end}' without '{begin}'")
            found.append((start, i))
            start = None
    if start is not None:
        raise GenerationError(f"{where}:{start + 1}: '{begin}' is never closed")
    return found


def stub_source(text: str, where: str, root: Path = ROOT) -> str:
    """Replace each solution region of a module by a NotImplementedError stub."""
    lines = text.splitlines(keepends=True)
    found = regions(lines, SOLUTION_BEGIN, SOLUTION_END, where)
    if not found:
        return text
    table = _exercises(root)
    functions = [
        node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    for start, stop in reversed(found):
        owners = [f for f in functions if f.lineno <= start + 1 <= f.end_lineno]
        if not owners:
            raise GenerationError(f"{where}:{start + 1}: solution region outside a function")
        name = min(owners, key=lambda f: f.end_lineno - f.lineno).name
        try:
            exercise = table.by_function(name)
        except KeyError:
            raise GenerationError(
                f"{where}: {name}() has a solution region but no row in solutions/nnlib/exercises.py"
            ) from None
        indent = re.match(r"\s*", lines[start]).group(0)
        lines[start : stop + 1] = [f'{indent}{STUB}{exercise.todo.removeprefix("Exercise ")}")\n']
    return "".join(lines)


def strip_hidden(text: str, where: str) -> str:
    """Remove every hidden-test region, markers included."""
    lines = text.splitlines(keepends=True)
    for start, stop in reversed(regions(lines, HIDDEN_BEGIN, HIDDEN_END, where)):
        del lines[start : stop + 1]
    return "".join(lines)


def page_source(text: str, source: str) -> str:
    """A learner's copy of a chapter page: no hidden tests, a provenance note."""
    text = strip_hidden(text, source)
    note = (
        f"<!-- Generated from {source} by `python3 -m coursekit generate`. "
        "Edit that file, not this one. -->\n"
    )
    front = re.match(r"---\n.*?\n---\n", text, flags=re.DOTALL)
    cut = front.end() if front else 0
    return text[:cut] + ("\n" if front else "") + note + text[cut:]


def hidden_regions(root: Path = ROOT) -> dict[str, str]:
    """The hidden-test code of every exercise, keyed by exercise id.

    The id is read from the region's ``run_hidden("X.Y")`` call. Raises
    GenerationError for a region without one or for two regions of one id.
    """
    found: dict[str, str] = {}
    for path in sorted((root / "solutions/chapters").glob("*.md")):
        lines = path.read_text().splitlines(keepends=True)
        for start, stop in regions(lines, HIDDEN_BEGIN, HIDDEN_END, path.name):
            code = "".join(lines[start + 1 : stop])
            ids = re.findall(r'run_hidden\("(\d+\.\d+)"\)', code)
            if len(ids) != 1:
                raise GenerationError(f"{path.name}:{start + 1}: a hidden region must end with one run_hidden(\"X.Y\")")
            if ids[0] in found:
                raise GenerationError(f"{path.name}:{start + 1}: a second hidden region for exercise {ids[0]}")
            found[ids[0]] = code
    return found


def expected_files(root: Path = ROOT) -> dict[Path, bytes]:
    """Every generated file and its content, keyed by path under ``root``."""
    out: dict[Path, bytes] = {}
    for source_dir, target_dir in TREES:
        for path in sorted((root / source_dir).rglob("*")):
            rel = path.relative_to(root / source_dir)
            if path.is_dir() or SKIP & set(rel.parts) or path.suffix == ".pyc":
                continue
            where = f"{source_dir}/{rel.as_posix()}"
            target = Path(target_dir) / rel
            if path.suffix == ".py":
                out[target] = stub_source(path.read_text(), where, root).encode()
            elif path.suffix == ".md" and target_dir == "chapters":
                out[target] = page_source(path.read_text(), where).encode()
            else:
                out[target] = path.read_bytes()
    return out


def stale_files(root: Path = ROOT) -> list[str]:
    """Generated files that are missing, different, or no longer generated."""
    wanted = expected_files(root)
    problems = [
        f"{rel} is out of date" if (root / rel).exists() else f"{rel} is missing"
        for rel, content in wanted.items()
        if not (root / rel).exists() or (root / rel).read_bytes() != content
    ]
    for _, target_dir in TREES:
        for path in (root / target_dir).rglob("*"):
            rel = path.relative_to(root)
            if path.is_file() and not SKIP & set(rel.parts) and path.suffix != ".pyc" and rel not in wanted:
                problems.append(f"{rel} is not generated from anything (delete it or add a source)")
    return sorted(problems)


def write(root: Path = ROOT) -> list[Path]:
    """Regenerate on disk; remove files no source produces. Returns changed paths."""
    wanted = expected_files(root)
    changed = []
    for rel, content in wanted.items():
        path = root / rel
        if not path.exists() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            changed.append(rel)
    for _, target_dir in TREES:
        for path in sorted((root / target_dir).rglob("*"), reverse=True):
            rel = path.relative_to(root)
            if path.is_file() and not SKIP & set(rel.parts) and path.suffix != ".pyc" and rel not in wanted:
                path.unlink()
                changed.append(rel)
    return changed
