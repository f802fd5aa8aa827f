"""nnlib: the neural-network library you write in this course, in NumPy.

Each module holds the functions of one chapter; the exercises are the
functions whose body you write. ``check("2")`` (or ``python -m nnlib check 2``
in a terminal) tells you which of them work. Shape letters used in every
docstring: N batch, D features, H hidden units, C classes or channels,
T time steps, F filters, K kernel size, E embedding size, Z latent code size.

``nnlib.softmax`` and the other exercise functions are imported on first
use, so a mistake in one file never stops ``import nnlib`` (or the checks)
from working.

This file, the checks, the demos and the helpers are the same in the
instructors' kit, where they exist only here: the kit's reference package
(``solutions/nnlib``) holds nothing but the solved exercise modules, finds
every other module in this folder, and runs this file as its own.
"""

import importlib

from nnlib import notebook as _notebook
from nnlib.checking import check
from nnlib.exercises import EXERCISES

_notebook.install()  # in a notebook: Run All goes past unfinished exercises

_HOME = {ex.function: ex.module for ex in EXERCISES}

__all__ = ["check", *_HOME]


def __getattr__(name: str):
    """Import an exercise function from its module on first use."""
    if name in _HOME:
        return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
