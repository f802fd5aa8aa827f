"""The learner's terminal: ``python -m nnlib check ...`` on their own nnlib/."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def nnlib_cli(cwd: Path, *args: str, reference: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if reference:
        env["PYTHONPATH"] = str(ROOT / "solutions")
    return subprocess.run([sys.executable, "-m", "nnlib", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def learner(tmp_path) -> Path:
    """A learner's working folder: a fresh copy of the generated nnlib/."""
    shutil.copytree(ROOT / "nnlib", tmp_path / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_stubs_fail_with_the_exercise_named(learner):
    """Does an untouched chapter report each exercise as not done, and exit 1?"""
    result = nnlib_cli(learner, "check", "1")
    assert result.returncode == 1
    assert "not done yet: Exercise 1.1: implement relu (chapter 1, section 'A kink you can bend')" in result.stdout
    assert "0 of" in result.stdout and "visible checks passed" in result.stdout
    assert "Hidden checks also run" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_reference_passes_every_chapter(tmp_path):
    """Does the reference pass every visible check from the terminal (exit 0)?"""
    result = nnlib_cli(tmp_path, "check", reference=True)  # no nnlib/ in tmp_path to shadow it
    assert result.returncode == 0, result.stdout
    assert "FAIL" not in result.stdout


def test_a_wrong_function_gets_a_diagnosis(learner):
    """Does a learner's wrong relu get expected-vs-got feedback, while others are unaffected?"""
    path = learner / "nnlib/functions.py"
    text = path.read_text().replace(
        "raise NotImplementedError(\"Exercise 1.1: implement relu (chapter 1, section 'A kink you can bend')\")",
        "return np.minimum(z, 0.0)",
    )
    path.write_text(text)
    result = nnlib_cli(learner, "check", "relu")
    assert result.returncode == 1
    assert "FAIL  matches max(z, 0)" in result.stdout and "expected" in result.stdout and "got" in result.stdout


def test_syntax_error_in_one_file_does_not_stop_the_others(learner):
    """Does a syntax error in neuron.py leave chapter 1's checks running and explain itself?"""
    (learner / "nnlib/neurons.py").write_text("def weighted_sum(x, w, b)\n    return 1\n")
    result = nnlib_cli(learner, "check", "2")
    assert "could not be imported: SyntaxError" in result.stdout and "line 1" in result.stdout
    assert "not done yet: Exercise 1.1" in nnlib_cli(learner, "check", "1").stdout


def test_unknown_target_is_explained(learner):
    """Does a typo in the exercise name give the valid choices (exit 2)?"""
    result = nnlib_cli(learner, "check", "sofmax")
    assert result.returncode == 2
    assert "no exercise called 'sofmax'" in result.stderr and "python -m nnlib list" in result.stderr


def test_list_shows_every_exercise(learner):
    """Does `list` show each exercise with its file?"""
    from nnlib.exercises import EXERCISES

    out = nnlib_cli(learner, "list").stdout
    for ex in EXERCISES:
        assert ex.id in out and ex.function in out and ex.path in out
