"""The instructor's flow, end to end, with real nbgrader commands.

A temporary course folder gets chapter 2 as an assignment; the test writes
submissions (the reference, the untouched release, one wrong function, a
deleted test cell, an infinite loop, a notebook that is not JSON), then runs
nbgrader's collect, autograde, generate_feedback and export exactly as the
README tells instructors to, and reads the scores from the exported grades.
"""

import csv
import getpass
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit.assignment import build, source_notebook
from coursekit.grading import exclude_overwriting, student_files
from coursekit.leaks import find_leaks
from nnlib.exercises import CHAPTERS, EXERCISES, MODULES, chapter

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = chapter(2)
ASSIGNMENT = CHAPTER.assignment
NOTEBOOK = f"{CHAPTER.page}.ipynb"
POINTS = {ex.id: ex.points for ex in EXERCISES if ex.chapter == CHAPTER.number}
FULL = sum(POINTS.values())


BIN = Path(sys.executable).parent


def exchange_of(course: Path) -> Path:
    """The exchange folder used with ``course``: beside it, never inside."""
    return course.parent / f"{course.name}-exchange"


def course_env(course: Path) -> dict[str, str]:
    """An activated .venv, with the course folder in ``course``."""
    env = dict(os.environ, NNFS_COURSE_DIR=str(course), NNFS_EXCHANGE_DIR=str(exchange_of(course)),
               PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    env.pop("PYTHONPATH", None)  # the grader must not see the reference
    return env


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run an nbgrader command from the repository root, as an instructor would."""
    env = course_env(course)
    nbgrader_exe = Path(sys.executable).with_name("nbgrader")
    result = subprocess.run(
        [str(nbgrader_exe), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def use_reference(folder: Path) -> None:
    """Write the reference implementation into a student's nnlib/, as a student would (no markers)."""
    for module in MODULES:
        text = (ROOT / "solutions/nnlib" / f"{module}.py").read_text()
        own = "".join(line for line in text.splitlines(keepends=True) if "### " not in line)
        (folder / "nnlib" / f"{module}.py").write_text(own)


def replace_function(folder: Path, module: str, name: str, body: str) -> None:
    """Append a new definition of ``name`` to a student's module (the later one wins)."""
    path = folder / "nnlib" / f"{module}.py"
    path.write_text(path.read_text() + f"\n\ndef {name}(*args, **kwargs):\n{body}\n")


FAULTS = [
    ("segfault", "step", "    import ctypes\n    ctypes.string_at(0)"),
    ("exits", "tanh", "    import os\n    os._exit(3)"),
    ("memory_bomb", "softmax", "    return bytearray(16 * 1024 ** 3)"),
    ("huge_output", "weighted_sum", "    print('PASS ' * 5_000_000)\n    x, w, b = args\n    return x @ w + b"),
]
#: Student -> exercises that should score zero (everything else full marks).
LOSSES = {"segfault": ["2.2"], "exits": ["2.4"], "memory_bomb": ["2.5"], "huge_output": [], "copied_cell": [],
          "renamed_softmax": ["2.5"], "syntax_error": list(POINTS), "edited_cell": [],
          "missing_file": list(POINTS), "foreign_cell": [], "forger": ["2.5"], "scripted": []}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded course: returns (course folder, autograde result, grades by student)."""
    course = tmp_path_factory.mktemp("course")
    build(CHAPTER.number, course)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    nbgrader(course, "release_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT

    # One student goes through the exchange: fetch, work, submit; collect below.
    me = getpass.getuser()
    home = course / "home"
    home.mkdir()
    env = course_env(course)
    nbgrader_exe = str(Path(sys.executable).with_name("nbgrader"))
    config = [f"--Exchange.root={exchange_of(course)}", "--CourseDirectory.course_id=nn-from-scratch"]
    subprocess.run([nbgrader_exe, "fetch_assignment", ASSIGNMENT, *config], cwd=home, env=env, check=True,
                   capture_output=True)
    use_reference(home / ASSIGNMENT)
    subprocess.run([nbgrader_exe, "submit", ASSIGNMENT, *config], cwd=home, env=env, check=True,
                   capture_output=True)
    nbgrader(course, "collect", ASSIGNMENT)

    # The others are written straight into submitted/, as collect leaves them.
    def student(name: str) -> Path:
        folder = course / "submitted" / name / ASSIGNMENT
        shutil.copytree(release, folder)
        return folder

    student("untouched")

    wrong = student("wrong_softmax")
    use_reference(wrong)
    replace_function(wrong, "neurons", "softmax", (
        "    import numpy as np\n"
        "    z = np.asarray(args[0], dtype=float)\n"
        "    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
        "    return e / e.sum(axis=0, keepdims=True)  # the wrong axis"
    ))

    deleted = student("deleted_cell")
    use_reference(deleted)
    nb = nbformat.read(deleted / NOTEBOOK, as_version=4)
    nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "check_2_1"]
    nbformat.write(nb, deleted / NOTEBOOK)

    looping = student("infinite_loop")
    use_reference(looping)
    replace_function(looping, "neurons", "step", "    while True:\n        pass")

    # Attacks (the sandboxed autograde must defeat them): rigging the checks at
    # import time, and snooping on or writing to the course folder.
    cheater = student("cheater")
    use_reference(cheater)
    replace_function(cheater, "neurons", "softmax", "    return 0")
    path = cheater / "nnlib/neurons.py"
    path.write_text(path.read_text() + (
        "\nimport builtins, numpy\nimport nnlib.testing as _t\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "_t.assert_close = lambda *a, **k: None\n_t.run_checks = lambda *a, **k: None\n"
        "builtins.print = lambda *a, **k: None\n"
    ))
    snooper = student("snooper")
    use_reference(snooper)
    replace_function(snooper, "neurons", "softmax", (
        "    import glob\n"
        f"    course = {str(course)!r}\n"
        "    seen = glob.glob(course + '/**', recursive=True)\n"
        "    for target in ('/gradebook.db', '/source/ch02/planted.txt', '/../planted.txt'):\n"
        "        try:\n"
        "            open(course + target, 'a').write('planted')\n"
        "        except OSError:\n"
        "            pass\n"
        "    print('  PASS  every check')\n"
        "    return len(seen)"
    ))

    # Faults: each should cost exactly the points of the function it breaks.
    for name, function, body in FAULTS:
        faulty = student(name)
        use_reference(faulty)
        replace_function(faulty, "neurons", function, body)
    renamed = student("renamed_softmax")
    use_reference(renamed)
    path = renamed / "nnlib/neurons.py"
    path.write_text(path.read_text().replace("def softmax(", "def soft_max("))
    syntax = student("syntax_error")
    use_reference(syntax)
    path = syntax / "nnlib/neurons.py"
    path.write_text(path.read_text() + "\ndef oops(:\n")

    edited = student("edited_cell")
    use_reference(edited)
    nb = nbformat.read(edited / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "check_2_5":
            cell.source = "pass  # no checks here"
    nbformat.write(nb, edited / NOTEBOOK)
    missing = student("missing_file")
    use_reference(missing)
    (missing / "nnlib/neurons.py").unlink()

    # Unsafe files: each submission is refused with a message, and nothing it points at is read or changed.
    linker = student("linker")
    use_reference(linker)
    (linker / "nnlib/neurons.py").unlink()
    (linker / "nnlib/neurons.py").symlink_to(course / "submitted" / me / ASSIGNMENT / "nnlib/neurons.py")
    (linker / "gradebook.db").symlink_to(course / "gradebook.db")
    setuid = student("setuid")
    use_reference(setuid)
    (setuid / "run.sh").write_text("#!/bin/sh\nid\n")
    (setuid / "run.sh").chmod(0o4755)
    zero = student("dev_zero")
    use_reference(zero)
    (zero / "big.bin").symlink_to("/dev/zero")
    folder_py = student("folder_py")
    use_reference(folder_py)
    (folder_py / "nnlib/extra.py").mkdir()

    copied = student("copied_cell")  # a graded cell pasted twice by accident in JupyterLab
    use_reference(copied)
    nb = nbformat.read(copied / NOTEBOOK, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "check_2_3")
    pasted = nbformat.from_dict(json.loads(json.dumps(nb.cells[index])))
    pasted["id"] = "pasted-copy"  # JupyterLab gives a pasted cell an id of its own
    nb.cells.insert(index + 1, pasted)
    nbformat.write(nb, copied / NOTEBOOK)

    # A graded cell pasted in from chapter 1's notebook is an ordinary cell here, not a reason to zero the notebook.
    foreign = student("foreign_cell")
    use_reference(foreign)
    nb = nbformat.read(foreign / NOTEBOOK, as_version=4)
    cell = nbformat.v4.new_code_cell("from nnlib import check\ncheck(\"1.1\")")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "check_1_1", "points": 1, "solution": False,
                                 "locked": True, "schema_version": 3}
    nb.cells.insert(3, cell)
    nbformat.write(nb, foreign / NOTEBOOK)

    # Forged metadata: a bonus cell worth 100, every check worth 100, and a copy of 2.5's check cell reduced
    # to `pass`, placed first. None of it counts: points and sources come from the gradebook.
    forger = student("forger")
    use_reference(forger)
    replace_function(forger, "neurons", "softmax", "    return 0")
    nb = nbformat.read(forger / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            cell.metadata["nbgrader"]["points"] = 100
    fake = nbformat.from_dict(json.loads(json.dumps(
        next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "check_2_5"))))
    fake["id"], fake.source = "fake-check", "pass"
    bonus = nbformat.v4.new_code_cell("pass")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100, "solution": False,
                                  "locked": False, "schema_version": 3}
    nb.cells[:0] = [fake, bonus]
    nbformat.write(nb, forger / NOTEBOOK)

    # Markdown that would run script in whoever opens the feedback, or the submission in formgrader (the instructor).
    scripted = student("scripted")
    use_reference(scripted)
    nb = nbformat.read(scripted / NOTEBOOK, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(
        '<script>window.nnfsPwned = 1</script>\n\n<img src="x" onerror="window.nnfsPwned = 2">'))
    nbformat.write(nb, scripted / NOTEBOOK)

    broken = student("not_json")
    use_reference(broken)
    (broken / NOTEBOOK).write_text('{"cells": [ this is not JSON')

    autograde = nbgrader(course, "autograde", ASSIGNMENT, check=False)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    with open(course / "grades.csv") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    return course, autograde, grades, me


def cell_scores(course: Path, student: str) -> dict[str, float]:
    """Score of each graded cell of a student's notebook, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="nn-from-scratch") as gb:
        submission = gb.find_submission_notebook(CHAPTER.page, ASSIGNMENT, student)
        return {grade.name: grade.score for grade in submission.grades}


pytestmark = pytest.mark.grading


def test_reference_gets_full_marks(course):
    """Does the reference, submitted through the exchange, get every point?"""
    course, _, grades, me = course
    assert float(grades[me]["score"]) == FULL


def test_untouched_release_gets_zero(course):
    """Does the release, submitted as is, get nothing (stubs fail every check)?"""
    _, _, grades, _ = course
    assert float(grades["untouched"]["score"]) == 0


def test_one_wrong_function_loses_only_its_points(course):
    """Does a wrong softmax lose points of exercise 2.5 only (partial credit), and does feedback say so?"""
    course_dir, _, grades, _ = course
    scores = cell_scores(course_dir, "wrong_softmax")
    softmax = scores.pop("check_2_5")
    assert 0 <= softmax < POINTS["2.5"]
    assert float(grades["wrong_softmax"]["score"]) == pytest.approx(FULL - POINTS["2.5"] + softmax)
    assert all(score == POINTS[grade_id[6:].replace("_", ".")] for grade_id, score in scores.items())
    feedback = (course_dir / "feedback/wrong_softmax" / ASSIGNMENT / f"{CHAPTER.page}.html").read_text()
    assert "FAIL" in feedback and "softmax" in feedback


def test_deleted_test_cell_is_restored_and_scored(course):
    """Is a deleted graded cell put back and scored?"""
    course_dir, _, grades, _ = course
    assert float(grades["deleted_cell"]["score"]) == FULL
    assert cell_scores(course_dir, "deleted_cell")["check_2_1"] == POINTS["2.1"]


def test_infinite_loop_times_out_alone(course):
    """Does an endless step() cost only its own points, with a time-out message?"""
    course_dir, _, grades, _ = course
    assert float(grades["infinite_loop"]["score"]) == FULL - POINTS["2.2"]
    assert cell_scores(course_dir, "infinite_loop")["check_2_2"] == 0
    feedback = (course_dir / "feedback/infinite_loop" / ASSIGNMENT / f"{CHAPTER.page}.html").read_text()
    assert "took longer than" in feedback


def test_invalid_notebook_is_reported_and_others_graded(course):
    """Does a notebook that is not JSON give that student zero and a clear error, and nobody else?"""
    _, autograde, grades, me = course
    assert autograde.returncode != 0
    log = autograde.stdout + autograde.stderr
    assert "not_json" in log
    assert float(grades.get("not_json", {}).get("score", 0)) == 0
    assert {me, "untouched", "wrong_softmax", "deleted_cell", "infinite_loop", "cheater", "snooper"} <= set(grades)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_fault_costs_only_what_it_breaks(course, name):
    """Does each fault (crash, exit, memory bomb, renamed function, syntax error, missing file) cost only its checks?

    Printing a flood of text costs nothing, an edited graded cell is restored before grading, a graded
    cell from another chapter is ignored, and forged points or cells earn nothing.
    """
    course_dir, _, grades, _ = course
    lost = LOSSES[name]
    assert float(grades[name]["score"]) == FULL - sum(POINTS[ex] for ex in lost)
    assert float(grades[name]["max_score"]) == FULL  # points come from the gradebook, never the notebook
    scores = cell_scores(course_dir, name)
    for ex_id in POINTS:
        assert scores["check_" + ex_id.replace(".", "_")] == (0 if ex_id in lost else POINTS[ex_id]), ex_id


def test_attacks_gain_nothing_and_change_nothing(course):
    """Do rigged checks and snooping earn no points for softmax and leave the course folder alone?"""
    course_dir, _, grades, _ = course
    for name in ("cheater", "snooper"):
        assert cell_scores(course_dir, name)["check_2_5"] == 0
        assert float(grades[name]["score"]) == FULL - POINTS["2.5"], name
    assert not list(course_dir.rglob("planted.txt")) and not (course_dir.parent / "planted.txt").exists()
    feedback = (course_dir / "feedback/snooper" / ASSIGNMENT / f"{CHAPTER.page}.html").read_text()
    assert "every check" not in feedback  # the student's print never reaches the report


@pytest.mark.parametrize("name", ["linker", "setuid", "dev_zero", "folder_py"])
def test_unsafe_submissions_are_refused_by_name(course, name):
    """Is a submission with a link, a setuid file, a link to /dev/zero or a folder named x.py refused, with a reason?"""
    course_dir, autograde, grades, me = course
    log = autograde.stdout + autograde.stderr
    assert name in log and "the submission was not graded" in log
    assert float(grades.get(name, {}).get("score") or 0) == 0
    assert not (course_dir / "autograded" / name / ASSIGNMENT / "big.bin").exists()
    assert float(grades[me]["score"]) == FULL  # the linked-to classmate keeps full marks
    assert (course_dir / "gradebook.db").stat().st_size < 10 * 1024 * 1024


def test_a_notebook_cannot_script_the_instructors_browser(course):
    """Is a student's <script> or onerror= markdown removed from the feedback (and from formgrader's view)?

    nbconvert passes a markdown cell's HTML through by default: opened from the instructor's Jupyter
    (formgrader shows submissions with the same exporter settings), such script could read the gradebook
    and the hidden tests through the server's API.
    """
    course_dir, _, _, _ = course
    feedback = (course_dir / "feedback/scripted" / ASSIGNMENT / f"{CHAPTER.page}.html").read_text()
    from html.parser import HTMLParser

    class Active(HTMLParser):
        """The student's script and event handlers among the page's elements (escaped text does not count)."""

        def __init__(self):
            super().__init__()
            self.found, self.in_script = [], False

        def handle_starttag(self, tag, attrs):
            self.in_script = tag == "script"
            self.found += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]

        def handle_data(self, data):
            if self.in_script and "nnfsPwned" in data:
                self.found.append("script")

    parser = Active()
    parser.feed(feedback)
    assert "nnfsPwned" in feedback and parser.found == []  # the cell is shown, as text
    graded = nbformat.read(course_dir / "autograded/scripted" / ASSIGNMENT / NOTEBOOK, as_version=4)
    assert not [c for c in graded.cells if "<script" in c.source or "<img" in c.source]  # what formgrader shows
    code = (
        "from traitlets.config.loader import PyFileConfigLoader\n"
        "c = PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
        "print(c.HTMLExporter.sanitize_html)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=course_env(course_dir), capture_output=True,
                         text=True)
    assert out.stdout.strip() == "True", out.stderr


def test_the_course_folder_is_private(course):
    """Is the course folder (hidden tests, gradebook) readable by its owner only, with the exchange outside it?"""
    course_dir, _, _, _ = course
    assert course_dir.stat().st_mode & 0o077 == 0
    assert not (course_dir / "exchange").exists() and exchange_of(course_dir).is_dir()


def test_release_and_feedback_contain_no_secrets(course):
    """Are solutions and hidden tests absent from the release and every feedback file?"""
    course_dir, _, _, _ = course
    assert find_leaks(course_dir / "release") == []
    # Feedback folders also hold each student's own nnlib files (correct code is
    # not a leak), so search the feedback pages, and everything the untouched
    # student got back.
    assert list((course_dir / "feedback").rglob("*.html")), "no feedback was generated"
    assert find_leaks(course_dir / "feedback", pattern="*.html") == []
    assert find_leaks(course_dir / "feedback" / "untouched") == []


def test_student_work_is_what_gets_graded(course):
    """Is every exercise module excluded from autograde's overwriting, and nothing else?"""
    course_dir, _, _, _ = course
    computed = exclude_overwriting(course_dir / "source")
    assert computed == {ASSIGNMENT: sorted(f"nnlib/{m}.py" for m in MODULES)}
    # The autograded copy holds the student's nnlib, not the stubs.
    graded = course_dir / "autograded" / "wrong_softmax" / ASSIGNMENT / "nnlib" / "neurons.py"
    assert "the wrong axis" in graded.read_text()


def test_config_loads_the_computed_exclusions(tmp_path):
    """Does nbgrader_config.py hand nbgrader the list computed from the files?"""
    build(CHAPTER.number, tmp_path)
    env = course_env(tmp_path)
    code = (
        "from traitlets.config.loader import PyFileConfigLoader\n"
        "c = PyFileConfigLoader('nbgrader_config.py', path='.').load_config()\n"
        "import json; print(json.dumps(dict(c.Autograde.exclude_overwriting)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {ASSIGNMENT: student_files(tmp_path / "source" / ASSIGNMENT)}


def test_source_notebook_marks_every_check_cell():
    """Is each exercise's check cell a locked grade cell with the exercise's points?"""
    _, nb = source_notebook(CHAPTER.number)
    graded = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    assert set(graded) == {"check_" + ex_id.replace(".", "_") for ex_id in POINTS}
    for grade_id, cell in graded.items():
        meta = cell.metadata["nbgrader"]
        assert meta["locked"] and meta["grade"] and meta["points"] == POINTS[grade_id[6:].replace("_", ".")]
        assert "### BEGIN HIDDEN TESTS" in cell.source


def test_gradebook_and_course_folders_are_never_committed():
    """Are course/ and any gradebook ignored by git, and none tracked?"""
    ignored = subprocess.run(
        ["git", "check-ignore", "course/gradebook.db", "course/submitted/x", "gradebook.db"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert len(ignored.stdout.split()) == 3
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [p for p in tracked if p.endswith(".db") or p.startswith("course/")]


def test_provided_modules_carry_forward(tmp_path):
    """With --provide, do earlier modules arrive as the reference and get restored at grading?"""
    from coursekit.assignment import reference_source

    dest = build(3, tmp_path, provide=("neurons",))
    provided = (dest / "nnlib/neurons.py").read_text()
    assert provided == reference_source("neurons")
    assert "NotImplementedError" not in provided and "### " not in provided
    assert "nnlib/neurons.py" not in student_files(dest)  # restored from source, not the student's
    assert "nnlib/perceptron.py" in student_files(dest)


@pytest.mark.parametrize(("chapter_number", "module"), [(3, "perceptron"), (2, "perceptron"), (3, "nothing")])
def test_cannot_provide_the_chapter_itself(tmp_path, chapter_number, module):
    """Is giving away the assignment's own (or a later, or an unknown) module refused?"""
    with pytest.raises(ValueError, match="--provide"):
        build(chapter_number, tmp_path, provide=(module,))


OTHER_CHAPTERS = [ch for ch in CHAPTERS if ch.number != CHAPTER.number]


@pytest.fixture(scope="module")
def every_assignment(tmp_path_factory):
    """Every other chapter released and graded for two students: the reference and the untouched release.

    One nbgrader command releases them all and one grades them all (nbgrader
    takes ``"*"`` for every assignment), from verdicts computed beforehand:
    the first chapter's by the project's parallel command, as the README
    says, the others' by the same function in this process (two at a time).
    """
    from coursekit.sandbox.verdicts import precompute

    course = tmp_path_factory.mktemp("all")
    for ch in OTHER_CHAPTERS:
        build(ch.number, course)
    nbgrader(course, "generate_assignment", "*")
    for ch in OTHER_CHAPTERS:
        for name in ("reference", "untouched"):
            folder = course / "submitted" / name / ch.assignment
            shutil.copytree(course / "release" / ch.assignment, folder)
            if name == "reference":
                use_reference(folder)
    first, *others = OTHER_CHAPTERS
    result = subprocess.run(
        [sys.executable, "-m", "coursekit", "autograde", first.assignment, "--jobs", "2"],
        cwd=ROOT, env=dict(course_env(course), NNFS_USE_CURRENT_PYTHON="1"), capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checked 2 submission(s)" in result.stdout
    assert "Using the verdicts computed beforehand for reference" in result.stderr
    for ch in others:
        assert all(problem is None for _, problem in precompute(course, ch.assignment, [], 8.0, jobs=2))
    graded = nbgrader(course, "autograde", "*")
    assert graded.stderr.count("Using the verdicts computed beforehand") >= 2 * len(others)
    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    with open(course / "grades.csv") as f:
        return course, {(row["assignment"], row["student_id"]): row for row in csv.DictReader(f)}


@pytest.mark.parametrize("ch", OTHER_CHAPTERS, ids=lambda ch: ch.assignment)
def test_every_assignment_grades_reference_full_and_release_zero(every_assignment, ch):
    """Does every chapter's assignment give the reference full marks and the untouched release zero?"""
    course, grades = every_assignment
    full = sum(ex.points for ex in EXERCISES if ex.chapter == ch.number)
    assert float(grades[(ch.assignment, "reference")]["score"]) == full
    assert float(grades[(ch.assignment, "untouched")]["max_score"]) == full
    assert float(grades[(ch.assignment, "untouched")]["score"]) == 0
    assert find_leaks(course / "release" / ch.assignment) == []


def test_stale_verdicts_are_not_used(tmp_path):
    """After precomputing, is a submission graded on the files nbgrader grades (changed ones, or a copy without *.pyc)?"""
    import py_compile

    from coursekit.sandbox.verdicts import precompute

    build(1, tmp_path)
    nbgrader(tmp_path, "generate_assignment", "ch01")
    folder = tmp_path / "submitted" / "late" / "ch01"
    shutil.copytree(tmp_path / "release" / "ch01", folder)
    # Another student's functions live in a sourceless .pyc, which Python would import and nobody can read:
    # both the parallel run and nbgrader refuse that submission, with the reason.
    compiled = tmp_path / "submitted" / "compiled" / "ch01"
    shutil.copytree(tmp_path / "release" / "ch01", compiled)
    use_reference(compiled)
    py_compile.compile(str(compiled / "nnlib/functions.py"), cfile=str(compiled / "nnlib/helper.pyc"))
    (compiled / "nnlib/functions.py").write_text("from .helper import *  # noqa: F403\n")
    (compiled_problem, late_problem) = dict(precompute(tmp_path, "ch01", [], 8.0, 1)).values()
    assert "nnlib/helper.pyc: compiled code" in compiled_problem and late_problem is None  # late: the stubs
    use_reference(folder)  # the student resubmits working code
    autograde = nbgrader(tmp_path, "autograde", "ch01", check=False)  # non-zero: one submission was refused
    assert "compiled code" in autograde.stdout + autograde.stderr
    nbgrader(tmp_path, "export", "--to", str(tmp_path / "grades.csv"))
    with open(tmp_path / "grades.csv") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert float(rows["late"]["score"]) == float(rows["late"]["max_score"]) > 0
    assert float(rows.get("compiled", {}).get("score") or 0) == 0  # refused by nbgrader too


def _without_bwrap(course: Path) -> dict[str, str]:
    """The instructor's environment on a machine where bubblewrap is missing."""
    return dict(course_env(course), PATH=str(BIN), NNFS_USE_CURRENT_PYTHON="1")


def test_a_grader_without_its_sandbox_refuses_to_grade(tmp_path):
    """Without bubblewrap, do both grading commands stop with a clear message, recording no grade at all?"""
    build(1, tmp_path)
    nbgrader(tmp_path, "generate_assignment", "ch01")
    folder = tmp_path / "submitted" / "someone" / "ch01"
    shutil.copytree(tmp_path / "release" / "ch01", folder)
    use_reference(folder)
    env = _without_bwrap(tmp_path)
    parallel = subprocess.run([sys.executable, "-m", "coursekit", "autograde", "ch01", "--jobs", "1"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300)
    assert parallel.returncode != 0 and "bubblewrap is not installed" in parallel.stderr
    plain = subprocess.run([str(BIN / "nbgrader"), "autograde", "ch01"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
    assert plain.returncode != 0 and "bubblewrap is not installed" in plain.stdout + plain.stderr
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", course_id="nn-from-scratch") as gb:
        graded = [s for s in gb.assignment_submissions("ch01") if s.score > 0 or s.notebooks and
                  any(g.auto_score is not None for nb in s.notebooks for g in nb.grades)]
    assert graded == [], "a grader without its sandbox recorded grades"


MUTATING = {  # a submission that changes every array it is given, in place
    "optim": (
        "\n\ndef iterate_minibatches(X, y, batch_size, rng):\n"
        "    rng.shuffle(X)\n    rng.shuffle(y)\n"
        "    return [(X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(y), batch_size)]\n"
        "\n\ndef sgd_step(w, dw, lr):\n    w -= lr * dw\n    dw[...] = 0\n    return w\n"
        "\n\ndef momentum_step(w, dw, velocity, lr, beta=0.9):\n"
        "    velocity *= beta\n    velocity -= lr * dw\n    w += velocity\n    dw[...] = 7.0\n    return w, velocity\n"
    ),
}


def test_a_mutating_submission_changes_nobody_elses_grade(tmp_path):
    """Graded before the reference, in one process and with --jobs, does a mutating submission leave it full marks?"""
    from coursekit.sandbox.verdicts import CACHE, check_cells, grade_cells, precompute

    build(5, tmp_path)
    source = tmp_path / "source" / "ch05"
    cells = {k: v for nb in source.glob("*.ipynb") for k, v in check_cells(nb).items()}
    students = ["a_mutating", "b_reference", "c_mutating", "d_reference"]
    for name in students:
        folder = tmp_path / "submitted" / name / "ch05"
        shutil.copytree(source, folder)
        use_reference(folder)
        if "mutating" in name:
            path = folder / "nnlib" / "optim.py"
            path.write_text(path.read_text() + MUTATING["optim"])
    # In one process, one after the other:
    mutated = grade_cells(tmp_path / "submitted" / "a_mutating" / "ch05", cells, [], 8.0)
    honest = grade_cells(tmp_path / "submitted" / "b_reference" / "ch05", cells, [], 8.0)
    assert min(share for _, _, share in mutated.values()) < 1  # the mutations cost the mutating student points
    assert all(share == 1.0 for _, _, share in honest.values()), {k: v[0] for k, v in honest.items() if v[2] < 1}
    # In parallel, interleaved:
    assert all(problem is None for _, problem in precompute(tmp_path, "ch05", [], 8.0, jobs=2))
    for name in ("b_reference", "d_reference"):
        stored = json.loads((tmp_path / CACHE / "ch05" / f"{name}.json").read_text())["cells"]
        assert all(share == 1.0 for _, _, share in stored.values()), name


def test_one_unsafe_submission_does_not_stop_the_parallel_run(tmp_path):
    """With a link to /dev/zero, a folder named x.py and a name that is not UTF-8 among the submissions, are the others checked?"""
    import os

    from coursekit.sandbox.verdicts import CACHE, precompute

    build(1, tmp_path)
    source = tmp_path / "source" / "ch01"
    for name in ("honest", "zero_link", "folder_py", "odd_name"):
        shutil.copytree(source, tmp_path / "submitted" / name / "ch01")
        use_reference(tmp_path / "submitted" / name / "ch01")
    (tmp_path / "submitted/zero_link/ch01/nnlib/data.bin").symlink_to("/dev/zero")
    (tmp_path / "submitted/folder_py/ch01/nnlib/extra.py").mkdir()
    odd = os.path.join(os.fsencode(tmp_path / "submitted/odd_name/ch01/nnlib"), b"caf\xe9.py")
    open(odd, "w").close()
    results = dict(precompute(tmp_path, "ch01", [], 8.0, jobs=2))
    assert results["honest"] is None and (tmp_path / CACHE / "ch01" / "honest.json").is_file()
    assert "symbolic link" in results["zero_link"]
    assert "folder whose name ends in .py" in results["folder_py"]
    assert "not UTF-8" in results["odd_name"]


def test_every_visible_check_runs_before_any_hidden_one(tmp_path, monkeypatch):
    """Are all visible checks of a submission run before its hidden ones (so none can show back a hidden input)?"""
    from coursekit.sandbox import verdicts
    from nnlib import testing as checks_module

    build(2, tmp_path)
    source = tmp_path / "source" / "ch02"
    use_reference(source)
    cells = {k: v for nb in source.glob("*.ipynb") for k, v in verdicts.check_cells(nb).items()}
    order = []
    real = checks_module.run_checks

    def recording(exercises, nn, *, hidden=False, **kwargs):
        order.append(hidden)
        return real(exercises, nn, hidden=hidden, **kwargs)

    monkeypatch.setattr(verdicts.testing, "run_checks", recording)
    results = verdicts.grade_cells(source, cells, [], 8.0)
    assert all(share == 1.0 for _, _, share in results.values())
    assert order == sorted(order) and order.count(False) == order.count(True) == len(POINTS)


def test_a_verdict_is_kept_only_for_the_files_and_settings_it_was_computed_from(tmp_path, monkeypatch):
    """Do a file that is not .py, another time budget and another version of the checks each change the fingerprint?"""
    from coursekit.sandbox import verdicts

    build(1, tmp_path)
    folder = tmp_path / "source" / "ch01"
    cells = {k: v for nb in folder.glob("*.ipynb") for k, v in verdicts.check_cells(nb).items()}
    key = verdicts.fingerprint(folder, cells, [], 8.0, 300.0)
    assert verdicts.fingerprint(folder, cells, [], 8.0, 300.0) == key
    assert verdicts.fingerprint(folder, cells, [], 8.0, 30.0) != key
    (folder / "nnlib" / "helper.pyc").write_bytes(b"compiled")
    assert verdicts.fingerprint(folder, cells, [], 8.0, 300.0) != key
    (folder / "nnlib" / "helper.pyc").unlink()
    monkeypatch.setitem(verdicts._GRADER, (), "a corrected visible check")
    assert verdicts.fingerprint(folder, cells, [], 8.0, 300.0) != key


def _replay_key(value):
    """A hashable picture of a call's arguments: what a student who copies the visible checks matches on."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.random.Generator):
        return ("rng", repr(value.bit_generator.state))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_replay_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _replay_key(v)) for k, v in value.items())))
    if callable(value):
        return ("function", getattr(value, "__name__", ""))
    return ("value", repr(value))


def test_a_function_that_replays_the_visible_checks_earns_nothing():
    """Does a submission that only looks up the visible checks' answers score (almost) nothing?

    The visible checks ship with the release, inputs and expected values included. A student can record
    the answers they expect (here: the reference's, call by call) and write functions that return them
    for exactly those arguments and the first argument otherwise. Such functions pass nearly every
    visible check; when every check counted alike they earned about half of every exercise's points.
    Only the hidden checks grade (graded_share), and they see through it.
    """
    import copy
    from types import SimpleNamespace

    import numpy as np

    from coursekit.generate import hidden_regions
    from coursekit.sandbox.verdicts import graded_share
    from nnlib import testing
    from nnlib.checking import learner_functions, load_visible_checks

    load_visible_checks("nnlib")
    with testing.collecting():
        for code in hidden_regions().values():
            exec(compile(code, "<hidden checks>", "exec"), {"__name__": "hidden_checks"})
    reference = learner_functions("nnlib", reload=False)
    answers: dict[str, dict] = {}

    def recording(name):
        def call(*args, **kwargs):
            key = _replay_key((args, kwargs))
            out = getattr(reference, name)(*args, **kwargs)
            answers.setdefault(name, {})[key] = copy.deepcopy(out)
            return out
        return call

    def replaying(name):
        def call(*args, **kwargs):
            found = answers.get(name, {}).get(_replay_key((args, kwargs)))
            return copy.deepcopy(found) if found is not None else (args[0] if args else 0.0)
        return call

    recorder = SimpleNamespace(**{ex.function: recording(ex.function) for ex in EXERCISES})
    replayer = SimpleNamespace(**{ex.function: replaying(ex.function) for ex in EXERCISES})
    with np.errstate(all="ignore"):
        for ex in EXERCISES:
            testing.run_checks([ex.id], recorder)
        reports = {ex.id: (testing.run_checks([ex.id], replayer), testing.run_checks([ex.id], replayer, hidden=True))
                   for ex in EXERCISES}
    visible = [o.passed for v, _ in reports.values() for o in v.outcomes]
    every_check = [np.mean([o.passed for o in v.outcomes + h.outcomes]) for v, h in reports.values()]
    graded = {ex_id: graded_share(v, h) for ex_id, (v, h) in reports.items()}
    assert np.mean(visible) > 0.9  # the replay works on the visible checks...
    assert np.mean(every_check) > 0.3  # ...and would have earned a third or more with every check counted
    assert np.mean(list(graded.values())) < 0.05, graded
    assert max(graded.values()) < 0.35, graded  # property checks (float32 kept, inputs unchanged) at most


def _dies_for_the_killer(job):
    """Stand-in for verdicts._precompute_one whose process dies (as under the OOM killer) for one student."""
    if job[2] == "killer":
        os._exit(9)
    return job[2], None


def test_a_checking_process_that_dies_costs_only_its_own_student(monkeypatch):
    """Does a pre-computation process killed mid-way leave every other student's verdicts to be computed?"""
    import multiprocessing

    from coursekit.sandbox import runner, verdicts

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the stand-in reaches the pool's processes only when they are forked")  # Linux forks
    students = ["ann", "bob", "killer", "cy", "dee", "eve"]
    monkeypatch.setattr(runner, "prove_sandbox", lambda: None)
    monkeypatch.setattr(verdicts, "precompute_jobs", lambda *args: [(None, "a", s, {}, [], 1, 1, []) for s in students])
    monkeypatch.setattr(verdicts, "_precompute_one", _dies_for_the_killer)
    results = dict(verdicts.precompute(Path("."), "a", [], 1.0, jobs=2))
    assert list(results) == students
    assert "killed" in results.pop("killer")
    assert all(problem is None for problem in results.values()), results
