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


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda ch: ch.page)
def test_chapter_opens_with_goals_and_figures_have_captions(html, chapter):
    """Does the chapter say what the learner will be able to do and what it assumes, and does every
    figure made at build time carry a caption?"""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((html / "chapters" / f"{chapter.page}.html").read_text(), "html.parser")
    opening = soup.select_one("main .admonition")
    assert opening and "You will be able to" in opening.get_text() and "It assumes" in opening.get_text()
    figures = [img for img in soup.select("main .cell_output img") if not img.find_parent(class_="widget-subarea")]
    assert figures and all(img.find_parent("figure") and img.find_parent("figure").find("figcaption")
                           for img in figures)
    assert all(len(img.get("alt", "")) > 30 and not img["alt"].endswith(".png") for img in figures)


def test_intro_marks_unwritten_chapters_as_coming(html):
    """Are the planned chapters that have no page marked "coming", and the others linked?"""
    from bs4 import BeautifulSoup

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = {entry["file"] for part in toc["parts"] for entry in part["chapters"]}
    soup = BeautifulSoup((html / "chapters" / "intro.html").read_text(), "html.parser")
    items = soup.select("main ol li")
    assert len(items) == 12
    for number, item in enumerate(items, start=1):
        written = any(re.fullmatch(rf"chapters/{number:02d}_\w+", f) for f in listed)
        assert ("(coming)" in item.get_text()) != written, item.get_text()
        assert bool(item.find("a")) == written


def test_rebuild_without_change_executes_nothing(html, capsys):
    """Does a second build with nothing changed skip every notebook (the cache is keyed on the library)?"""
    from coursekit.cli import build_book

    assert build_book(ROOT, html.parents[1]) == 0
    printed = capsys.readouterr().out
    assert "executing" not in printed and "executed" not in printed, printed
    assert "Kernel is running over TCP" not in printed and "NbParserConfig" not in printed


def test_library_hash_follows_the_library(tmp_path):
    """Does the cache key change when a reference module (solutions/nnlib) or a file the pages import from
    nnlib/ (a demo, a check, a data file) changes, and only then?"""
    from coursekit.website import library_hash

    (tmp_path / "solutions" / "nnlib").mkdir(parents=True)
    (tmp_path / "nnlib" / "demos").mkdir(parents=True)
    module = tmp_path / "solutions" / "nnlib" / "neurons.py"
    module.write_text("def step(z):\n    return z > 0\n")
    demo = tmp_path / "nnlib" / "demos" / "neurons.py"
    demo.write_text("COLOR = 'C0'\n")
    data = tmp_path / "nnlib" / "points.csv"
    data.write_text("0,1\n")
    first = library_hash(tmp_path)
    assert library_hash(tmp_path) == first
    (tmp_path / "nnlib" / "demos" / "__pycache__").mkdir()
    (tmp_path / "nnlib" / "demos" / "__pycache__" / "neurons.cpython-311.pyc").write_bytes(b"cache")
    assert library_hash(tmp_path) == first  # caches are not the library
    keys = {first}
    for path, text in ((module, "def step(z):\n    return z >= 0\n"), (demo, "COLOR = 'C1'\n"), (data, "1,0\n")):
        path.write_text(text)
        keys.add(library_hash(tmp_path))
    assert len(keys) == 4


def test_chapter_list_marks_pages_missing_from_the_toc_as_coming(tmp_path):
    """Is a planned chapter linked once its page is in _toc.yml and marked "coming" until then?"""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "intro.md").write_text("# Intro\n\n```{course-chapters}\n1 One\n2 Two\n```\n")
    (tmp_path / "chapters" / "01_one.md").write_text("# One\n\nText.\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: chapters/intro\nchapters:\n  - file: chapters/01_one\n")
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", str(tmp_path), "-W", "-n", "--keep-going"],
                            env=book_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    page = (tmp_path / "_build" / "html" / "chapters" / "intro.html").read_text()
    assert re.search(r'<a [^>]*href="01_one.html"[^>]*>.*One', page)
    assert "Two <em>(coming)</em>" in page and "are planned and not written yet" in page


def test_launch_button_opens_the_learner_editions_chapter(html):
    """Does the Binder button open the chapter's path (the one tests/test_launch.py opens in JupyterLab)
    in the learner edition's repository, and is there no placeholder JupyterHub link?"""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    page = (html / "chapters" / "02_neuron.html").read_text()
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    assert f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/chapters/02_neuron.md" in page
    assert "hub.example.edu" not in page and not config["launch_buttons"]["jupyterhub_url"]
