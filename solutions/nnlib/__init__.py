"""The reference nnlib: the exercise modules with their solutions, the rest from ``nnlib/``.

With ``solutions`` first on ``sys.path`` (the book build, the tests, the
benchmarks), ``import nnlib`` imports this package. Only the exercise modules
(``neurons.py`` ... ``attention.py``) live here, because only they hold
solutions. Every file without one (``checks/``, ``demos/``, ``testing.py``,
``exercises.py``, the data loaders, ``__init__.py`` itself) exists once, in
the repository's ``nnlib/``, and is found there: that folder comes second on
the package's path, so a reference module here wins over its stub of the same
name, and any other module comes from ``nnlib/``. The learners'
``nnlib/__init__.py`` then runs in this package, so ``import nnlib`` behaves
as it does for a learner (``check``, exercise functions imported on first use,
the notebook hints), with the reference behind it.
"""

import importlib.util as _util
import sys as _sys
from pathlib import Path as _Path

_SHARED = _Path(__file__).resolve().parents[2] / "nnlib"  # the learners' package, beside solutions/
__path__.append(str(_SHARED))  # after this folder: the reference modules win over the stubs
# The learners' __init__.py, run as this package's own code (same names, same behaviour).
_util.spec_from_file_location(__name__, _SHARED / "__init__.py").loader.exec_module(_sys.modules[__name__])
