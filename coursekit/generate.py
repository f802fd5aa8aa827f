"""Generate the learner-facing files from ``solutions/``.

``solutions/`` holds only the course's secrets: the exercise modules with
their solutions (``solutions/nnlib/*.py``) and the chapter sources with their
hidden tests (``solutions/chapters/``). Everything that holds no solution (the
checks, the demos, ``testing.py``, ``exercises.py``, the data loaders,
``nnlib/__init__.py`` ...) exists once, in ``nnlib/``, and is edited there; the
reference package ``solutions/nnlib`` finds it through its ``__path__`` (see
``solutions/nnlib/__init__.py``). Generation writes:

- ``solutions/nnlib/X.py`` -> ``nnlib/X.py`` for each exercise module: each
  ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region becomes a
  ``raise NotImplementedError`` that names the exercise and where it is taught
  (from ``nnlib/exercises.py``). The hand-written files of ``nnlib/`` are never
  written or deleted.
- ``solutions/chapters/**`` -> ``chapters/**``: hidden-test regions removed,
  a header saying where the page comes from.

A file of ``solutions/nnlib`` without a solution region (other than its
``__init__.py``) is an error: it belongs in ``nnlib/``.

:func:`expected_files` computes the generated files in memory; :func:`write`
puts them on disk; :func:`stale_files` compares the two (the test suite fails
on stale files); :func:`learner_files` is everything learners get from
``nnlib/`` and ``chapters/``.
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

#: The reference's exercise modules and the package their stubs go to (beside its hand-written files).
REFERENCE, PACKAGE = "solutions/nnlib", "nnlib"
#: The chapter sources and their learner copies (every file of ``chapters/`` is generated).
PAGE_SOURCES, PAGES = "solutions/chapters", "chapters"
#: (source folder, generated folder), relative to the repository root.
TREES = ((REFERENCE, PACKAGE), (PAGE_SOURCES, PAGES))
#: The one file of ``solutions/nnlib`` that holds no solution: it joins the reference to ``nnlib/``.
REFERENCE_INIT = "__init__.py"
SKIP = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}


class GenerationError(ValueError):
    """A source file is malformed (unmatched markers, unknown exercise...)."""


@functools.cache
def _exercises(root: Path):
    """Load the exercise table of ``root`` (``nnlib/exercises.py``), without importing nnlib."""
    name = f"_nnfs_exercises_{abs(hash(root))}"
    spec = importlib.util.spec_from_file_location(name, root / PACKAGE / "exercises.py")
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
                f"{where}: {name}() has a solution region but no row in nnlib/exercises.py"
            ) from None
        indent = re.match(r"\s*", lines[start]).group(0)
        lines[start : stop + 1] = [f'{indent}{STUB}{exercise.todo.removeprefix("Exercise ")}")\n']
    return "".join(lines)


def strip_hidden(text: str, where: str = "", *, lenient: bool = False) -> str:
    """Remove every hidden-test region, markers included.

    Malformed markers (unclosed, nested, an end without a beginning) raise
    GenerationError, naming ``where``: a source must not be published half
    stripped. With ``lenient`` (a cell of a student's notebook, whose markers
    anyone may have broken, must not stop grading) nothing raises: an unclosed
    region runs to the end and a stray marker line is dropped, so no part of
    a region ever stays.
    """
    lines = text.splitlines(keepends=True)
    if not lenient:
        for start, stop in reversed(regions(lines, HIDDEN_BEGIN, HIDDEN_END, where)):
            del lines[start : stop + 1]
        return "".join(lines)
    kept, hiding = [], False
    for line in lines:
        if HIDDEN_BEGIN in line:
            hiding = True
        elif HIDDEN_END in line:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "".join(kept)


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
    for path in sorted((root / PAGE_SOURCES).glob("*.md")):
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


def _files(folder: Path):
    """The files under ``folder``, sorted, without caches and editor leftovers."""
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not SKIP & set(rel.parts) and path.suffix != ".pyc":
            yield path, rel


def _is_stub(path: Path) -> bool:
    """Whether ``path`` looks generated from an exercise module (it raises an exercise's stub)."""
    return path.suffix == ".py" and STUB in path.read_text(errors="ignore")


def misplaced_files(root: Path = ROOT) -> list[str]:
    """Files of ``solutions/nnlib`` that hold no solution region: they belong in ``nnlib/``.

    ``solutions/`` holds only what learners must not see, so that the layout
    says at a glance which files are secret, and a file that holds no solution
    exists once (``nnlib/``), where it is edited.
    """
    problems = []
    for path, rel in _files(root / REFERENCE):
        if rel.as_posix() == REFERENCE_INIT:
            continue
        if path.suffix != ".py" or SOLUTION_BEGIN not in path.read_text(errors="ignore"):
            problems.append(
                f"{REFERENCE}/{rel.as_posix()} holds no solution region: it belongs in {PACKAGE}/ "
                f"(move it to {PACKAGE}/{rel.as_posix()} with git mv and edit it there)"
            )
    return problems


def _stubs(root: Path) -> dict[Path, bytes]:
    """The stub of every exercise module, keyed by its path under ``root`` (``nnlib/X.py``)."""
    table = _exercises(root)
    out = {}
    for path, rel in _files(root / REFERENCE):
        if rel.as_posix() == REFERENCE_INIT or path.suffix != ".py":
            continue
        where, target = f"{REFERENCE}/{rel.as_posix()}", Path(PACKAGE) / rel
        stub = stub_source(path.read_text(), where, root)
        for ex in table.EXERCISES:  # the learner is told to write it there: it must be there
            if f"{STUB}{ex.todo.removeprefix('Exercise ')}\")" in stub and ex.path != target.as_posix():
                raise GenerationError(f"{where}: {ex.function}() belongs in {ex.path} (nnlib/exercises.py)")
        out[target] = stub.encode()
    return out


def _pages(root: Path) -> dict[Path, bytes]:
    """Every file of ``chapters/``, keyed by its path under ``root``."""
    out = {}
    for path, rel in _files(root / PAGE_SOURCES):
        target = Path(PAGES) / rel
        if path.suffix == ".md":
            out[target] = page_source(path.read_text(), f"{PAGE_SOURCES}/{rel.as_posix()}").encode()
        else:
            out[target] = path.read_bytes()
    return out


def expected_files(root: Path = ROOT) -> dict[Path, bytes]:
    """Every generated file and its content, keyed by path under ``root``.

    The stubs of the exercise modules and the pages; not the hand-written
    files of ``nnlib/``. Raises GenerationError when a file of
    ``solutions/nnlib`` belongs in ``nnlib/`` (see :func:`misplaced_files`).
    """
    misplaced = misplaced_files(root)
    if misplaced:
        raise GenerationError("\n".join(misplaced))
    return {**_stubs(root), **_pages(root)}


def _strays(root: Path, wanted: dict[Path, bytes]) -> list[Path]:
    """Generated files no source produces any more: any file of ``chapters/``, a stub in ``nnlib/``."""
    strays = [Path(PAGES) / rel for _, rel in _files(root / PAGES) if Path(PAGES) / rel not in wanted]
    strays += [Path(PACKAGE) / rel for path, rel in _files(root / PACKAGE)
               if Path(PACKAGE) / rel not in wanted and _is_stub(path)]
    return strays


def stale_files(root: Path = ROOT) -> list[str]:
    """Generated files that are missing, different, or no longer generated, and misplaced sources."""
    misplaced = misplaced_files(root)
    if misplaced:
        return sorted(misplaced)
    wanted = expected_files(root)
    problems = [
        f"{rel} is out of date" if (root / rel).exists() else f"{rel} is missing"
        for rel, content in wanted.items()
        if not (root / rel).exists() or (root / rel).read_bytes() != content
    ]
    problems += [f"{rel} is not generated from anything (delete it or add a source)" for rel in _strays(root, wanted)]
    return sorted(problems)


def write(root: Path = ROOT) -> list[Path]:
    """Regenerate on disk; remove generated files no source produces. Returns changed paths.

    Only the stubs and the pages are written; a hand-written file of ``nnlib/``
    is never written or removed. Nothing is written when a source is malformed.
    """
    wanted = expected_files(root)
    changed = []
    for rel, content in wanted.items():
        path = root / rel
        if not path.exists() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            changed.append(rel)
    for rel in _strays(root, wanted):
        (root / rel).unlink()
        changed.append(rel)
    return changed


def learner_files(root: Path = ROOT) -> dict[Path, bytes]:
    """Everything learners get from ``nnlib/`` and ``chapters/``, keyed by path under ``root``.

    The hand-written files of ``nnlib/`` as they are on disk, the stubs and the
    pages as generated now (so never stale, even before ``generate`` has run).
    """
    generated = expected_files(root)
    files = {Path(PACKAGE) / rel: path.read_bytes() for path, rel in _files(root / PACKAGE)
             if Path(PACKAGE) / rel not in generated and not _is_stub(path)}
    return dict(sorted({**files, **generated}.items()))
