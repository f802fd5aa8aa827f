"""The generator: stubs and pages from solutions/, and committed files in sync."""

import importlib
from pathlib import Path

import numpy as np
import pytest

from coursekit import generate
from coursekit.generate import STUB, GenerationError, stale_files, strip_hidden, stub_source
from nnlib.exercises import EXERCISES, MODULES


def test_committed_generated_files_are_up_to_date(root):
    """Do nnlib/ and chapters/ equal what `python3 -m coursekit generate` produces?"""
    assert stale_files(root) == [], "run `python3 -m coursekit generate` and commit the result"


def _copy_kit(root, dest):
    """The three trees generation reads and writes, copied into ``dest``."""
    import shutil

    for sub in ("solutions", "nnlib", "chapters"):
        shutil.copytree(root / sub, dest / sub, ignore=shutil.ignore_patterns("__pycache__"))


def test_stale_file_is_detected(tmp_path, root):
    """Would an edited stub, a missing page, a leftover page or a leftover stub be reported?"""
    _copy_kit(root, tmp_path)
    assert stale_files(tmp_path) == []
    (tmp_path / "nnlib/functions.py").write_text("# edited\n")
    (tmp_path / "chapters/intro.md").unlink()
    (tmp_path / "chapters/leftover.md").write_text("old page\n")
    (tmp_path / "nnlib/gone.py").write_text('def f():\n    raise NotImplementedError("Exercise 99.1: gone")\n')
    problems = stale_files(tmp_path)
    assert problems == [
        "chapters/intro.md is missing",
        "chapters/leftover.md is not generated from anything (delete it or add a source)",
        "nnlib/functions.py is out of date",
        "nnlib/gone.py is not generated from anything (delete it or add a source)",
    ]
    generate.write(tmp_path)
    assert stale_files(tmp_path) == []
    assert not (tmp_path / "chapters/leftover.md").exists() and not (tmp_path / "nnlib/gone.py").exists()


def test_generation_keeps_the_hand_written_files(tmp_path, root):
    """Does `generate` leave nnlib/'s hand-written files (checks, demos, helpers, a new one) as they are?"""
    _copy_kit(root, tmp_path)
    demo = tmp_path / "nnlib/demos/neurons.py"
    demo.write_text(demo.read_text() + "\n# a maintainer's edit\n")
    (tmp_path / "nnlib/checks/extra.py").write_text("# hand-written, no source in solutions/\n")
    before = {p: p.read_bytes() for p in (tmp_path / "nnlib").rglob("*") if p.is_file()}
    (tmp_path / "nnlib/neurons.py").write_text("# a stale stub\n")
    changed = generate.write(tmp_path)
    assert changed == [Path("nnlib/neurons.py")]
    after = {p: p.read_bytes() for p in (tmp_path / "nnlib").rglob("*") if p.is_file()}
    assert after == before  # the stub is back; the edited demo and the new check are untouched
    assert stale_files(tmp_path) == []


def test_a_file_without_solution_in_solutions_is_refused(tmp_path, root):
    """Is a solution-free file under solutions/nnlib reported ("belongs in nnlib/") and nothing written?"""
    _copy_kit(root, tmp_path)
    (tmp_path / "solutions/nnlib/checks").mkdir()
    (tmp_path / "solutions/nnlib/checks/neurons.py").write_text("# a check edited in the wrong tree\n")
    (tmp_path / "nnlib/neurons.py").write_text("# stale\n")
    problems = stale_files(tmp_path)
    assert len(problems) == 1 and problems[0].startswith(
        "solutions/nnlib/checks/neurons.py holds no solution region: it belongs in nnlib/")
    with pytest.raises(GenerationError, match="belongs in nnlib/"):
        generate.write(tmp_path)
    assert (tmp_path / "nnlib/neurons.py").read_text() == "# stale\n"
    assert (tmp_path / "nnlib/checks/neurons.py").read_bytes() == (root / "nnlib/checks/neurons.py").read_bytes()


def test_a_solution_in_the_wrong_module_is_refused(tmp_path, root):
    """Is a solution region whose exercise the table places in another file refused (no stub lands there)?"""
    _copy_kit(root, tmp_path)
    source = "def softmax(z):\n    ### BEGIN SOLUTION\n    return z\n    ### END SOLUTION\n"
    (tmp_path / "solutions/nnlib/testing.py").write_text(source)
    with pytest.raises(GenerationError, match=r"softmax\(\) belongs in nnlib/neurons.py"):
        generate.write(tmp_path)


def test_solutions_hold_only_the_secrets(root):
    """Does solutions/nnlib hold only exercise modules with solutions (and __init__), and no file exist in
    both trees except a stubbed exercise module?"""
    reference = root / "solutions/nnlib"
    files = sorted(p.relative_to(reference).as_posix() for p in reference.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    assert files == ["__init__.py", *sorted(f"{module}.py" for module in MODULES)]
    for name in files[1:]:
        assert "### BEGIN SOLUTION" in (reference / name).read_text(), name
    both = [name for name in files if (root / "nnlib" / name).exists()]
    stubs = [name for name in both if STUB in (root / "nnlib" / name).read_text()]
    assert both == ["__init__.py", *stubs] and len(stubs) == len(MODULES)
    assert (root / "nnlib/__init__.py").read_text() != (reference / "__init__.py").read_text()


def test_reference_package_joins_both_folders(root):
    """Does the reference nnlib import its exercise modules from solutions/ and every other file from nnlib/?"""
    import nnlib
    import nnlib.checks.neurons
    import nnlib.demos.base
    import nnlib.neurons
    import nnlib.testing

    assert [Path(p) for p in nnlib.__path__] == [root / "solutions/nnlib", root / "nnlib"]
    for module in MODULES:
        assert Path(importlib.import_module(f"nnlib.{module}").__file__) == root / f"solutions/nnlib/{module}.py"
    for module in (nnlib.testing, nnlib.checks.neurons, nnlib.demos.base, nnlib.exercises, nnlib.checking):
        assert Path(module.__file__).is_relative_to(root / "nnlib"), module.__name__
    assert nnlib.softmax is nnlib.neurons.softmax and nnlib.check is nnlib.checking.check
    assert nnlib.softmax(np.zeros((1, 2))).tolist() == [[0.5, 0.5]]  # the reference, not the stub


def test_lint_allowance_names_the_stubs(root):
    """Does the linter's unused-import allowance (pyproject.toml) name exactly the generated stubs?"""
    import re
    import tomllib

    ignores = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]["per-file-ignores"]
    (pattern,) = [p for p, rules in ignores.items() if p.startswith("nnlib/") and rules == ["F401"]]
    assert sorted(re.fullmatch(r"nnlib/\{(.*)\}\.py", pattern).group(1).split(",")) == sorted(MODULES)


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


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        ('check("2.5")\n### BEGIN HIDDEN TESTS\nsecret = 1\n', 'check("2.5")\n'),  # never closed
        ('a = 1\n### END HIDDEN TESTS\nb = 2\n', "a = 1\nb = 2\n"),  # an end without a beginning
        ("### BEGIN HIDDEN TESTS\nx\n### BEGIN HIDDEN TESTS\ny\n### END HIDDEN TESTS\nz", "z"),  # nested
    ],
)
def test_broken_markers_raise_in_sources_and_are_cut_in_student_cells(cell, kept):
    """Is a malformed hidden region an error in a source, yet cut without error from a student's cell
    (the feedback redactor must never stop grading, nor leave part of a region)?"""
    with pytest.raises(GenerationError):
        strip_hidden(cell, "p.md")
    assert strip_hidden(cell, lenient=True) == kept


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
