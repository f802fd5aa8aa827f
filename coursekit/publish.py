"""The learner edition: ``python3 -m coursekit publish DEST``.

This kit holds ``solutions/`` (the reference and the hidden checks) and must
stay private. Learners, the website's repository button and Binder's launch
buttons need a public repository: the learner edition, written by
:func:`publish`. It holds exactly what learners may have:

- ``nnlib/``: the stubs (generated from ``solutions/nnlib`` in memory, so
  never stale) and the kit's hand-written ``nnlib/`` files: the visible
  checks, the demos, the test helpers and the data loaders;
- ``chapters/``: the pages without their hidden checks;
- ``binder/``: the environment behind the launch buttons;
- a learners' ``README.md``, ``LICENSE``, a ``pyproject.toml`` that installs
  ``nnlib`` and the notebook tools.

Never ``solutions/``, the hidden checks, the reference implementation, the
gradebook or the course folder: after writing, the edition is searched for
every solution line and hidden check (:func:`coursekit.leaks.find_leaks`),
and publishing fails if one is found.

``_config.yml``'s ``repository.url`` should name the edition's public
repository, so the buttons on the website point there.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path

from coursekit import ROOT
from coursekit.generate import SKIP, learner_files
from coursekit.leaks import find_leaks

#: Marks a folder written by :func:`publish` (so publishing again may replace it).
MARKER = ".nnfs-learner-edition"
#: Files the edition copies from the kit as they are (besides nnlib/, chapters/ and binder/).
COPIED = ("LICENSE",)

README = """\
# Neural Networks from Scratch: the learner edition

A course that builds neural networks from a single neuron up, in NumPy. You
read a chapter, then write the functions of **`nnlib`**, the course's small
library, one exercise at a time; the checks tell you at once whether your
function works and, when it does not, the likely mistake.

This repository is what learners get: the chapters (`chapters/`, notebooks
stored as MyST Markdown) and `nnlib/` with the functions for you to write
(each raises `NotImplementedError` naming its exercise until you do), the
visible checks, the demos and the data loaders.

## Three ways to take the course

**On Binder.** Use the rocket button on a chapter of the course website
(*Binder*): a JupyterLab opens the chapter as a notebook, with `nnlib`
installed. Write your code in `nnlib/*.py`; the work is lost when the session
ends, so download what you wrote.

**On your own computer** (Python 3.11 or newer):

```bash
python3 -m venv .venv
.venv/bin/pip install -e ".[course]"
cp -r binder/jupyter/. .venv/     # chapters open as notebooks in JupyterLab
.venv/bin/jupyter lab
```

Open a chapter in `chapters/`; it opens as a notebook. *Run All* runs to the
end even before you have written anything: a cell that needs a function you
have not written yet says which exercise to finish first.

**In a classroom.** Your instructor hands out each chapter with nbgrader; you
fetch, write `nnlib/*.py`, and submit.

## Checking your work

After each exercise, run its check cell (`check("2.5")`), or from a terminal:

```bash
.venv/bin/python -m nnlib check 2        # every exercise of chapter 2
.venv/bin/python -m nnlib check softmax  # one exercise (or 2.5)
.venv/bin/python -m nnlib list           # every exercise and its file
```

Each check prints PASS or FAIL with a diagnosis (what was expected, what your
function returned, the mistake that usually causes the difference) and how
many visible checks passed. In a graded course, hidden checks with more cases
decide the grade.

## About this repository

It is generated from the instructors' kit by `python3 -m coursekit publish`;
changes made here are replaced at the next publication. The course is under
the MIT licence (`LICENSE`).
"""

GITIGNORE = """\
.venv/
__pycache__/
.ipynb_checkpoints/
*.egg-info/
"""


class PublishError(ValueError):
    """The destination cannot take the learner edition, or the edition would leak."""


def _pyproject(root: Path) -> str:
    """The edition's ``pyproject.toml``: ``nnlib`` and the tools a learner runs."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    course = [
        dep for dep in project["optional-dependencies"]["course"]
        if not dep.startswith(("jupyter-book", "nbgrader"))  # the instructors' tools
    ]
    quoted = ",\n".join(f'    "{dep}"' for dep in project["dependencies"])
    extra = ",\n".join(f'    "{dep}"' for dep in [*course, "jupyterlab>=4"])
    packages = sorted({"nnlib", *(f"nnlib.{p.name}" for p in (root / "nnlib").iterdir()
                                  if (p / "__init__.py").is_file())})
    return (
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "nn-from-scratch-learners"\nversion = "{project["version"]}"\n'
        'description = "Neural Networks from Scratch, the learner edition: nnlib, the chapters, the checks"\n'
        f'readme = "README.md"\nrequires-python = "{project["requires-python"]}"\n'
        'license = { text = "MIT" }\n'
        f"dependencies = [\n{quoted},\n]\n\n"
        f"[project.optional-dependencies]\ncourse = [\n{extra},\n]\n\n"
        f"[tool.setuptools]\npackages = {packages!r}\n".replace("'", '"')
    )


def edition_files(root: Path = ROOT) -> dict[Path, bytes]:
    """Every file of the learner edition and its content, keyed by relative path."""
    files = dict(learner_files(root))
    for path in sorted((root / "binder").rglob("*")):
        if path.is_file() and not SKIP & set(path.parts):
            files[path.relative_to(root)] = path.read_bytes()
    for name in COPIED:
        files[Path(name)] = (root / name).read_bytes()
    files[Path("README.md")] = README.encode()
    files[Path("pyproject.toml")] = _pyproject(root).encode()
    files[Path(".gitignore")] = GITIGNORE.encode()
    files[Path(MARKER)] = b"Written by `python3 -m coursekit publish`; replaced at each publication.\n"
    return files


def publish(dest: Path, root: Path = ROOT) -> list[Path]:
    """Write the learner edition into ``dest``; returns the files written.

    ``dest`` must be empty, hold only a ``.git`` folder (a clone of the
    edition's repository), or be an earlier edition: everything in it but
    ``.git`` is replaced.
    """
    dest = Path(dest).resolve()
    if dest == root.resolve() or root.resolve() in dest.parents:
        raise PublishError(f"{dest} is inside the kit: publish the learner edition somewhere else")
    existing = [p for p in dest.iterdir() if p.name != ".git"] if dest.exists() else []
    if existing and not (dest / MARKER).exists():
        raise PublishError(f"{dest} is not empty and is not a learner edition: choose an empty folder")
    files = edition_files(root)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".learner-edition-", dir=dest.parent))
    try:
        for rel, content in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        (staging / "binder" / "postBuild").chmod(0o755)
        leaks = find_leaks(staging, root)
        if leaks:
            raise PublishError("the learner edition would contain solutions or hidden checks (nothing was "
                               "written):\n  " + "\n  ".join(leaks))
        dest.mkdir(exist_ok=True)
        for path in existing:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        for path in staging.iterdir():
            shutil.move(str(path), dest / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(files)
