"""The learner edition (``python3 -m coursekit publish DEST``) and the learners' Jupyter settings."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from coursekit import publish as publishing
from coursekit.bootstrap import install_learner_jupyter
from coursekit.generate import MARKERS, STUB
from coursekit.leaks import find_leaks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """The learner edition of this kit, published once into a temporary folder."""
    dest = tmp_path_factory.mktemp("edition") / "learners"
    publishing.publish(dest)
    return dest


def test_edition_holds_only_what_learners_may_have(edition):
    """Does the edition have stubs, chapters, visible checks, data loaders, Binder, README, LICENSE,
    and no solutions, hidden checks, reference or gradebook?"""
    top = {p.name for p in edition.iterdir()}
    assert top == {"nnlib", "chapters", "binder", "README.md", "LICENSE", "pyproject.toml", ".gitignore",
                   publishing.MARKER}
    for rel in ["nnlib/checks", "nnlib/demos", "nnlib/datasets.py", "chapters/intro.md", "binder/postBuild",
                "binder/environment.yml", "binder/jupyter/share/jupyter/lab/settings/overrides.d/nnfs-learner.json"]:
        assert (edition / rel).exists(), rel
    assert os.access(edition / "binder/postBuild", os.X_OK)
    files = [p for p in edition.rglob("*") if p.is_file()]
    assert not [p for p in files if "solutions" in p.parts or p.suffix == ".db" or "course" in p.parts]
    assert find_leaks(edition) == []
    text = "\n".join(p.read_text(errors="ignore") for p in files)
    assert not [marker for marker in MARKERS if marker in text]
    pages = "\n".join(p.read_text() for p in (edition / "chapters").glob("*.md"))
    assert "run_hidden(" not in pages and "@hidden_check" not in pages
    assert (edition / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    assert STUB in (edition / "nnlib/neurons.py").read_text()
    kit = {p.relative_to(ROOT): p.read_bytes() for p in (ROOT / "nnlib").rglob("*")
           if p.is_file() and "__pycache__" not in p.parts}
    assert {p.relative_to(edition): p.read_bytes() for p in (edition / "nnlib").rglob("*") if p.is_file()} == kit


def test_edition_installs_and_checks_from_the_terminal(edition):
    """Is the edition a package learners can install and check (stubs fail, naming the exercise)?"""
    project = tomllib.loads((edition / "pyproject.toml").read_text())["project"]
    assert project["name"] == "nn-from-scratch-learners" and "course" in project["optional-dependencies"]
    env = dict(os.environ, PYTHONPATH=str(edition))
    listed = subprocess.run([sys.executable, "-m", "nnlib", "list"], cwd=edition, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0 and "weighted_sum" in listed.stdout, listed.stderr
    checked = subprocess.run([sys.executable, "-m", "nnlib", "check", "2.1"], cwd=edition, env=env,
                             capture_output=True, text=True)
    assert checked.returncode == 1 and "FAIL" in checked.stdout and "Exercise 2.1" in checked.stdout


def test_publish_refuses_a_folder_that_is_not_an_edition(tmp_path):
    """Does publish refuse to overwrite a folder it did not write, and the kit itself?"""
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(publishing.PublishError, match="not empty"):
        publishing.publish(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    with pytest.raises(publishing.PublishError, match="inside the kit"):
        publishing.publish(ROOT / "learners")


def test_publish_replaces_an_earlier_edition_and_keeps_git(tmp_path, monkeypatch):
    """Publishing into a clone of the edition replaces its files but keeps .git."""
    monkeypatch.setattr(publishing, "find_leaks", lambda folder, root: [])
    monkeypatch.setattr(publishing, "learner_files", lambda root: {Path("nnlib/a.py"): b"x = 1\n"})
    dest = tmp_path / "clone"
    (dest / ".git").mkdir(parents=True)
    (dest / ".git" / "HEAD").write_text("ref")
    publishing.publish(dest)
    (dest / "nnlib" / "stale.py").write_text("old")
    publishing.publish(dest)
    assert (dest / ".git" / "HEAD").read_text() == "ref"
    assert (dest / "nnlib" / "a.py").is_file() and not (dest / "nnlib" / "stale.py").exists()


def test_publish_writes_nothing_when_the_edition_would_leak(tmp_path, monkeypatch):
    """Does a solution region that reached a generated file stop publishing, with nothing written?"""
    leaked = b"def f():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION\n"
    monkeypatch.setattr(publishing, "learner_files", lambda root: {Path("nnlib/a.py"): leaked})
    dest = tmp_path / "learners"
    with pytest.raises(publishing.PublishError, match="nnlib/a.py"):
        publishing.publish(dest)
    assert not dest.exists() or list(dest.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] in ([], ["learners"])


def test_learner_jupyter_settings(tmp_path):
    """Do the learners' settings open .md chapters as notebooks and turn nbgrader's instructor tools off,
    and does set-up copy them into an environment?"""
    install_learner_jupyter(tmp_path)
    viewers = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.d/nnfs-learner.json").read_text())
    assert viewers["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Jupytext Notebook"
    disabled = json.loads((tmp_path / "etc/jupyter/labconfig/page_config.json").read_text())["disabledExtensions"]
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(disabled)
    server = json.loads((tmp_path / "etc/jupyter/jupyter_server_config.d/nnfs-learner.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    assert "binder/jupyter/." in (ROOT / "binder/postBuild").read_text()  # Binder gets the same files


@pytest.mark.parametrize("args", [["-m", "ex2_5"], ["-m", "not book and not grading"], ["-k", "softmax", "-x"]])
def test_readme_pytest_pass_through(monkeypatch, args):
    """Do the README's `python3 -m coursekit test ...` examples reach pytest as written?"""
    from coursekit import cli

    seen = []
    monkeypatch.setattr(cli, "cmd_test", lambda a: seen.append(a.pytest_args) or 0)
    assert cli.main(["test", *args]) == 0
    assert seen == [args]
