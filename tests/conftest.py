"""Shared fixtures: the reference library as ``nnlib``, the stubs beside it.

Tests import ``nnlib`` and get the reference package ``solutions/nnlib``: its
exercise modules with their solutions, and every other file (checks, demos,
``testing.py`` ...) from ``nnlib/``, which its ``__init__.py`` adds to the
package's path. The learners' package ``nnlib/`` (stubs and all) is loaded as a
second package, ``nnlib_stubs``, so one process can run every check against both.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
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


#: The website's build, started in the background when the session collects a test that reads it.
_BOOK: dict = {}


def _reads_the_book(item) -> bool:
    return "html" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(session, config, items):
    """Run the tests that read the website last, so that its build overlaps every other test."""
    items[:] = [i for i in items if not _reads_the_book(i)] + [i for i in items if _reads_the_book(i)]


def pytest_collection_finish(session):
    """Start building the website (warnings are errors) on the second core, if any collected test reads it.

    The build is a process of its own (jupyter-book, one kernel at a time), so it runs beside the
    other tests, which run one at a time, instead of holding them up for two minutes.
    """
    if session.config.option.collectonly or os.environ.get("NNFS_BOOK_HTML") \
            or not any(_reads_the_book(i) for i in session.items):
        return
    out = Path(tempfile.mkdtemp(prefix="nnfs-book-"))
    log = (out / "build.log").open("w")
    code = "import sys; from pathlib import Path; from coursekit.cli import build_book; " \
           f"sys.exit(build_book(Path({str(ROOT)!r}), Path({str(out)!r})))"
    _BOOK.update(out=out, log=log, process=subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=log,
                                                            stderr=subprocess.STDOUT))


def pytest_sessionfinish(session, exitstatus):
    """Stop a build no test waited for (an interrupted run) and remove it."""
    if _BOOK:
        if _BOOK["process"].poll() is None:
            _BOOK["process"].kill()
        _BOOK["process"].wait()
        _BOOK["log"].close()
        shutil.rmtree(_BOOK["out"], ignore_errors=True)


@pytest.fixture(scope="session")
def html() -> Path:
    """The website, built once for the whole session (warnings are errors): its html/ folder.

    Every test of the website (tests/test_book.py, tests/test_site.py) reads this one build, which
    started in the background when the session began (:func:`pytest_collection_finish`).
    ``NNFS_BOOK_HTML=path/_build/html`` reuses an existing build instead (when working on those tests).
    """
    if os.environ.get("NNFS_BOOK_HTML"):
        return Path(os.environ["NNFS_BOOK_HTML"])
    status = _BOOK["process"].wait()
    _BOOK["log"].flush()
    output = (_BOOK["out"] / "build.log").read_text()
    assert status == 0, f"the book did not build with -W:\n{output[-6000:]}"
    return _BOOK["out"] / "_build" / "html"


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
