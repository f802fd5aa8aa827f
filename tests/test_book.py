"""The website: one full build with warnings as errors, then what it contains.

The build executes every chapter against the reference nnlib, so a broken
chapter, a failing check cell or a warning printed by a cell fails it.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coursekit.cli import book_env
from coursekit.leaks import find_leaks
from nnlib.exercises import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.book


def test_every_page_is_built(html):
    """Is there an HTML page for the landing page, the glossary and every chapter?"""
    for name in ["chapters/intro", "chapters/glossary", *[f"chapters/{ch.page}" for ch in CHAPTERS]]:
        assert (html / f"{name}.html").is_file(), name


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda ch: ch.page)
def test_chapter_pages_show_executed_results(html, chapter):
    """Does each chapter page carry real figures, a live widget and passing check output?"""
    page = (html / "chapters" / f"{chapter.page}.html").read_text()
    assert len(re.findall(r"<img[^>]+\.png", page)) >= 2, "figures made at build time are missing"
    assert "application/vnd.jupyter.widget-view+json" in page, "no widget on the page"
    assert "visible checks passed" in page and "  FAIL  " not in page
    assert "launch" in page.lower() and "mybinder.org" in page


def test_site_leaks_nothing(html):
    """Do the site and its _sources/ contain no solution code or hidden test?"""
    assert (html / "_sources").is_dir()
    assert find_leaks(html) == []


def test_only_toc_pages_are_published(html):
    """Are solutions/ and the nbgrader course folder absent from the site?"""
    published = {p.relative_to(html).parts[0] for p in html.iterdir()}
    assert "solutions" not in published and "course" not in published
    assert not list(html.rglob("*solutions*"))


def test_launch_buttons_are_top_level():
    """Are launch_buttons at the top level of _config.yml, with a repository URL?"""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "launch_buttons" in config and "launch_buttons" not in config.get("html", {})
    assert config["repository"]["url"].startswith("https://")
    assert config["only_build_toc_files"] is True
    assert config["execute"]["execute_notebooks"] == "cache"  # keyed on the library: coursekit/website.py
    assert (ROOT / "binder/environment.yml").is_file()


@pytest.mark.parametrize(
    "cell",
    ['raise ValueError("a broken chapter")', 'import warnings\nwarnings.warn("a warning printed by a cell")'],
    ids=["error", "warning"],
)
def test_a_failing_cell_fails_the_build(tmp_path, cell):
    """Does the project's configuration turn a cell error or warning into a failed build?"""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (tmp_path / "page.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n# Page\n\n"
        f"```{{code-cell}} ipython3\n{cell}\n```\n"
    )
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", str(tmp_path), "-W", "-n", "--keep-going"],
                            env=book_env(), capture_output=True, text=True)
    assert result.returncode != 0
