"""The generator: stubs and pages from solutions/, and committed files in sync."""

import pytest

from coursekit import generate
from coursekit.generate import GenerationError, stale_files, strip_hidden, stub_source
from nnlib.exercises import EXERCISES


def test_committed_generated_files_are_up_to_date(root):
    """Do nnlib/ and chapters/ equal what `python3 -m coursekit generate` produces?"""
    assert stale_files(root) == [], "run `python3 -m coursekit generate` and commit the result"


def test_stale_file_is_detected(tmp_path, root):
    """Would an edited stub, a missing page or a leftover file be reported?"""
    import shutil

    for sub in ("solutions", "nnlib", "chapters"):
        shutil.copytree(root / sub, tmp_path / sub, ignore=shutil.ignore_patterns("__pycache__"))
    assert stale_files(tmp_path) == []
    (tmp_path / "nnlib/functions.py").write_text("# edited\n")
    (tmp_path / "chapters/intro.md").unlink()
    (tmp_path / "chapters/leftover.md").write_text("old page\n")
    problems = stale_files(tmp_path)
    assert problems == [
        "chapters/intro.md is missing",
        "chapters/leftover.md is not generated from anything (delete it or add a source)",
        "nnlib/functions.py is out of date",
    ]
    generate.write(tmp_path)
    assert stale_files(tmp_path) == []
    assert not (tmp_path / "chapters/leftover.md").exists()


def test_stub_names_exercise_and_section():
    """Is a solution region replaced by a NotImplementedError naming exercise and section?"""
    source = (
        "def softmax(z):\n"
        '    """Doc."""\n'
        "    ### BEGIN SOLUTION\n"
        "    return z\n"
        "    ### END SOLUTION\n"
    )
    stub = stub_source(source, "neuron.py")
    assert "return z" not in stub and "BEGIN SOLUTION" not in stub
    assert (
        "    raise NotImplementedError(\"Exercise 2.5: implement softmax (chapter 2, section 'Softmax')\")\n"
        in stub
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", "without"),
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "outside a function"),
        ("def not_an_exercise():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n", "no row"),
    ],
)
def test_malformed_solution_regions_are_reported(source, message):
    """Does a malformed source give a clear error instead of a broken stub?"""
    with pytest.raises(GenerationError, match=message):
        stub_source(source, "x.py")


def test_hidden_regions_are_removed_from_pages():
    """Are hidden tests cut out of a page, markers and all?"""
    page = 'check("2.5")\n### BEGIN HIDDEN TESTS\nsecret = 1\n### END HIDDEN TESTS\nafter\n'
    assert strip_hidden(page, "p.md") == 'check("2.5")\nafter\n'


def test_every_exercise_is_stubbed(root):
    """Does every exercise's stub in nnlib/ raise its own NotImplementedError?"""
    for ex in EXERCISES:
        text = (root / ex.path).read_text()
        assert f'raise NotImplementedError("{ex.todo}")' in text, ex.id


def test_code_passes_the_linter(root):
    """Does ruff (rules in pyproject.toml) find nothing to complain about?"""
    import subprocess
    import sys
    from pathlib import Path

    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "."], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
