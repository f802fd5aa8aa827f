"""Shared fixtures: the reference library as ``nnlib``, the stubs beside it.

Tests import ``nnlib`` and get the reference package ``solutions/nnlib``: its
exercise modules with their solutions, and every other file (checks, demos,
``testing.py`` ...) from ``nnlib/``, which its ``__init__.py`` adds to the
package's path. The learners' package ``nnlib/`` (stubs and all) is loaded as a
second package, ``nnlib_stubs``, so one process can run every check against both.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"

sys.path.insert(0, str(SOLUTIONS))
for name in [m for m in sys.modules if m == "nnlib" or m.startswith("nnlib.")]:
    del sys.modules[name]  # an installed nnlib (the stubs) must not shadow the reference


def load_package(path: Path, alias: str):
    """Import the package in ``path`` under the name ``alias``."""
    if alias in sys.modules:
        return sys.modules[alias]
    spec = importlib.util.spec_from_file_location(
        alias, path / "__init__.py", submodule_search_locations=[str(path)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def html(tmp_path_factory) -> Path:
    """Build the book once for the whole session (warnings are errors); return its html/ folder.

    Every test of the website (tests/test_book.py, tests/test_site.py) reads this one build.
    ``NNFS_BOOK_HTML=path/_build/html`` reuses an existing build instead (when working on
    those tests).
    """
    from coursekit.cli import build_book

    if os.environ.get("NNFS_BOOK_HTML"):
        return Path(os.environ["NNFS_BOOK_HTML"])
    out = tmp_path_factory.mktemp("book")
    assert build_book(ROOT, out) == 0, "the book did not build with -W (see the output above)"
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (set-up installs both; no browser download)."""
    import shutil

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(chromium).exists(), "Chromium is missing: `python3 -m coursekit setup` installs it (as root)"
    args = [  # quiet on a machine with no network, and as root
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=args)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def stubs():
    """The generated learner package ``nnlib/``, imported as ``nnlib_stubs``."""
    return load_package(ROOT / "nnlib", "nnlib_stubs")


def pytest_configure(config):
    """Register one marker per exercise (``pytest -m ex2_5``)."""
    from nnlib.exercises import EXERCISES

    for ex in EXERCISES:
        config.addinivalue_line("markers", f"{ex.marker}: tests of exercise {ex.id} ({ex.function})")
