"""Grading on a Dask cluster: a real scheduler and two ``dask worker`` processes on the loopback interface.

Chapter 1 is released once; each test copies it to a course folder of its
own, writes submissions, and runs ``python -m coursekit autograde ch01``
exactly as the README tells instructors to: once on this machine's pool and
once with ``--scheduler``, or with a worker killed in the middle. The grades
come from ``nbgrader export``; the verdicts from the course folder.

Select them with ``pytest -m cluster``.
"""

import csv
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from coursekit.assignment import build  # noqa: E402
from nnlib.exercises import EXERCISES, MODULES  # noqa: E402

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
_spec = importlib.util.spec_from_file_location("local_cluster", ROOT / "benchmarks" / "local_cluster.py")
local_cluster = importlib.util.module_from_spec(_spec)  # shared with benchmarks/grading_cluster.py
_spec.loader.exec_module(local_cluster)
FULL = sum(ex.points for ex in EXERCISES if ex.chapter == 1)
POINTS = {ex.function: ex.points for ex in EXERCISES if ex.chapter == 1}


def course_env(course: Path) -> dict[str, str]:
    """An activated .venv with the course in ``course``; no reference on the path (as for an instructor)."""
    env = dict(os.environ, NNFS_COURSE_DIR=str(course), NNFS_EXCHANGE_DIR=str(course.parent / "exchange"),
               PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", NNFS_USE_CURRENT_PYTHON="1",
               DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    env.pop("PYTHONPATH", None)
    env.pop("NNFS_DASK_SCHEDULER", None)
    return env


def run(course: Path, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """``args`` run from the repository root (``nbgrader ...`` or ``python -m coursekit ...``)."""
    result = subprocess.run(list(args), cwd=ROOT, env=course_env(course), capture_output=True, text=True,
                            timeout=300, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def autograde(course: Path, *options: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(course, sys.executable, "-m", "coursekit", "autograde", "ch01", *options, check=check)


def grades(course: Path) -> dict[str, float]:
    """``{student: score}`` from ``nbgrader export``; fails if a student has more than one row."""
    out = course / "grades.csv"
    run(course, str(BIN / "nbgrader"), "export", "--to", str(out))
    with open(out) as f:
        rows = [row for row in csv.DictReader(f) if row["assignment"] == "ch01"]
    students = [row["student_id"] for row in rows]
    assert len(students) == len(set(students)), f"a student was graded twice: {students}"
    return {row["student_id"]: float(row["score"]) for row in rows}


def verdicts(course: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted((course / ".verdicts" / "ch01").glob("*.json"))}


def use_reference(folder: Path) -> None:
    for module in MODULES:
        text = (ROOT / "solutions/nnlib" / f"{module}.py").read_text()
        (folder / "nnlib" / f"{module}.py").write_text("".join(
            line for line in text.splitlines(keepends=True) if "### " not in line))


def append(folder: Path, code: str) -> None:
    path = folder / "nnlib" / "functions.py"
    path.write_text(path.read_text() + "\n\n" + code + "\n")


SLEEPY = (  # correct, but its first call sleeps: a worker can be killed while it runs
    "_relu_reference = relu\n_slept = []\n\n\n"
    "def relu(z):\n"
    "    if not _slept:\n"
    "        import time\n"
    "        _slept.append(True)\n"
    "        time.sleep(3)\n"
    "    return _relu_reference(z)"
)


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """Chapter 1 as an nbgrader assignment, generated once (copied by each test)."""
    course = tmp_path_factory.mktemp("released") / "course"
    build(1, course)
    run(course, str(BIN / "nbgrader"), "generate_assignment", "ch01")
    return course


def new_course(released: Path, tmp_path: Path, students: dict[str, str | None]) -> Path:
    """A copy of the released course with ``students``: name -> code appended to the reference (None: untouched)."""
    course = tmp_path / "course"
    shutil.copytree(released, course, symlinks=True)
    for name, code in students.items():
        folder = course / "submitted" / name / "ch01"
        shutil.copytree(course / "release" / "ch01", folder)
        if code is not None:
            use_reference(folder)
            if code:
                append(folder, code.replace("{course}", str(course)))
    return course


@pytest.fixture(scope="module")
def dask_processes(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes (one thread each) on 127.0.0.1, starting.

    Yields the :class:`LocalCluster` (its ``scheduler`` is the scheduler's
    process). Started before the assignment is generated, so that they come
    up meanwhile; afterwards only the processes it started are ended.
    """
    home = tmp_path_factory.mktemp("dask")
    # the workers get the kit from the environment, nothing from a course folder
    with local_cluster.LocalCluster(home, 2, course_env(home)) as started:
        yield started


@pytest.fixture(scope="module")
def cluster(dask_processes):
    """The scheduler's address and a client of it, once both workers have joined."""
    client = dask_processes.client(timeout=60)
    try:
        yield client.scheduler.address, client
    finally:
        client.close()


STUDENTS = {
    "reference": "",
    "untouched": None,
    "wrong_sum": ("def sum_of_relus(x, w, b, v):\n    import numpy as np\n"
                  "    return np.sum(v * relu(np.outer(x, w)), axis=1)  # forgets the offsets b"),
    "crash": "def relu(z):\n    import os\n    os._exit(3)",
    "malicious": ("import numpy.testing\nimport nnlib.testing as _t\n"
                  "numpy.testing.assert_allclose = lambda *a, **k: None\n_t.assert_close = lambda *a, **k: None\n\n\n"
                  "def relu(z):\n    import glob\n"
                  "    for target in glob.glob('{course}/**', recursive=True) + ['{course}/gradebook.db']:\n"
                  "        try:\n            open(target, 'a').write('planted')\n"
                  "        except OSError:\n            pass\n"
                  "    print('PASS every check')\n    return z"),
}


def local_verdicts(course: Path) -> dict[str, dict]:
    """The local path's verdicts (this machine's process pool, as ``autograde --jobs 2`` computes them)."""
    code = ("import sys\nfrom pathlib import Path\nfrom coursekit.sandbox.verdicts import precompute\n"
            "print(precompute(Path(sys.argv[1]), 'ch01', [], 8.0, 2))\n"
            "assert 'distributed' not in sys.modules and 'dask' not in sys.modules  # not needed here\n")
    run(course, sys.executable, "-c", code, str(course))
    found = verdicts(course)
    shutil.rmtree(course / ".verdicts")
    return found


#: What the command says when the workers' kit differs from the instructor's. Other work on this
#: repository may regenerate nnlib/ between the two looks: then the test tries once more.
KIT_CHANGED = "another version of the kit"


def grade_on_cluster_killing_a_worker(course: Path, address: str, client) -> subprocess.CompletedProcess:
    """``autograde --scheduler`` with one worker killed (SIGKILL) while it grades a submission."""
    for attempt in range(2):
        pids = client.run(os.getpid)
        grading = subprocess.Popen([sys.executable, "-m", "coursekit", "autograde", "ch01", "--scheduler", address],
                                   cwd=ROOT, env=course_env(course), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        try:
            victim = None
            deadline = time.monotonic() + 120
            while victim is None and time.monotonic() < deadline and grading.poll() is None:
                executing = client.run(lambda dask_worker: [
                    key for key, ts in dask_worker.state.tasks.items()
                    if ts.state == "executing" and str(key).startswith("nnfs-verdicts-")])
                victim = next((addr for addr, keys in executing.items() if keys), None)
                time.sleep(0.2)
            if victim is not None:
                time.sleep(1.0)  # inside the submission it grades (a sleepy one takes 3 s)
                os.kill(pids[victim], signal.SIGKILL)
            out, err = grading.communicate(timeout=240)
        finally:
            if grading.poll() is None:
                grading.kill()
                grading.wait()
        if victim is None and attempt == 0 and KIT_CHANGED in err:
            continue
        assert victim is not None, f"no worker was grading:\n{out}\n{err}"
        break
    client.wait_for_workers(2, timeout=60)  # the nanny started a new worker in its place
    assert pids[victim] not in client.run(os.getpid).values()
    return subprocess.CompletedProcess(grading.args, grading.returncode, out, err)


def test_the_cluster_gives_the_local_verdicts_and_grades_even_when_a_worker_dies(dask_processes, released,
                                                                                  cluster, tmp_path):
    """Through the Dask cluster, with a worker killed mid-run: the local pool's verdicts, each student graded once?

    The same verdicts give the same grades and feedback (nbgrader turns them
    into both, and says it used them); the grades are checked on their own too.
    """
    address, client = cluster
    students = {"a_sleepy": SLEEPY, "b_sleepy": SLEEPY, **STUDENTS}
    course = new_course(released, tmp_path, students)
    local = local_verdicts(course)
    assert set(local) == set(students)
    remote = grade_on_cluster_killing_a_worker(course, address, client)
    assert remote.returncode == 0, remote.stdout + remote.stderr
    assert "checked 7 submission(s) in" in remote.stdout and "on the Dask cluster" in remote.stdout
    assert "7 done, 0 failed, 0 remaining" in remote.stderr
    for student in students:  # nbgrader used the cluster's verdicts: it computed none itself
        assert f"Using the verdicts computed beforehand for {student}" in remote.stderr
    assert verdicts(course) == local
    scores = grades(course)  # one row per student (checked there)
    assert set(scores) == set(students)
    assert scores["reference"] == scores["a_sleepy"] == scores["b_sleepy"] == FULL and scores["untouched"] == 0
    assert FULL - POINTS["sum_of_relus"] <= scores["wrong_sum"] < FULL
    assert scores["crash"] < FULL and scores["malicious"] < FULL
    assert not (course / "gradebook.db").read_bytes().count(b"planted")


def test_no_scheduler_stops_before_the_gradebook(released, tmp_path):
    """With the scheduler unreachable, does the command stop with a clear error and grade no one?"""
    course = new_course(released, tmp_path, {"reference": ""})
    result = autograde(course, "--scheduler", "tcp://127.0.0.1:9", check=False)
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert not (course / "autograded").exists() and not (course / ".verdicts").exists()


def test_where_the_scheduler_comes_from(tmp_path):
    """--scheduler, then NNFS_DASK_SCHEDULER, then the configuration; 'local' or nothing: this machine, without Dask."""
    code = ("import sys\nfrom coursekit import cli\nfrom coursekit.sandbox.cluster import scheduler_address as s\n"
            "assert s(None, 'tcp://conf:1') == 'tcp://env:2' and s('tcp://cli:3', 'tcp://conf:1') == 'tcp://cli:3'\n"
            "assert s('local', 'tcp://conf:1') is None and s('', 'tcp://conf:1') is None\n"
            "import os\ndel os.environ['NNFS_DASK_SCHEDULER']\n"
            "assert s(None, 'tcp://conf:1') == 'tcp://conf:1' and s(None, '') is None\n"
            "assert 'distributed' not in sys.modules and 'dask' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(course_env(tmp_path),
                   NNFS_DASK_SCHEDULER="tcp://env:2"), check=True, timeout=120)


def test_files_from_another_machine_are_checked_like_a_submission(tmp_path):
    """Are names outside nnlib/, '..', links by name and oversized files refused before anything is graded?"""
    from coursekit.sandbox.verdicts import unpack_files
    from coursekit.submissions import MAX_PY_BYTES, SubmissionRejected

    bad = [
        {"../escape.py": b""}, {"nnlib/../../escape.py": b""}, {"/etc/passwd": b""}, {"gradebook.db": b""},
        {"nnlib/x.py": "text, not bytes"}, {"nnlib/big.py": b"#" * (MAX_PY_BYTES + 1)},
        {"nnlib/a": b"", "nnlib/a/b.py": b""}, {"nnlib/pkg.py/x.py": b""}, {"nnlib/__pycache__/x.pyc": b""},
    ]
    for n, files in enumerate(bad):
        (tmp_path / str(n)).mkdir()
        with pytest.raises(SubmissionRejected):
            unpack_files(files, tmp_path / str(n))
        assert not any(p.name == "escape.py" for p in tmp_path.parent.rglob("escape.py"))
    good = tmp_path / "good"
    good.mkdir()
    unpack_files({"nnlib/__init__.py": b"", "nnlib/functions.py": b"x = 1\n"}, good)
    assert (good / "nnlib" / "functions.py").read_bytes() == b"x = 1\n"


def test_the_scheduler_going_away_stops_the_command_before_the_gradebook(dask_processes, released, cluster,
                                                                         tmp_path):
    """With the scheduler killed mid-run, does the command stop with a clear error, the gradebook untouched?

    The last test of this file: the cluster does not survive it.
    """
    scheduler = dask_processes.scheduler
    address, client = cluster
    course = new_course(released, tmp_path, {"a_sleepy": SLEEPY, "b_sleepy": SLEEPY, "c_sleepy": SLEEPY})
    gradebook = (course / "gradebook.db").read_bytes()
    grading = subprocess.Popen([sys.executable, "-m", "coursekit", "autograde", "ch01", "--scheduler", address],
                               cwd=ROOT, env=course_env(course), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and grading.poll() is None and not any(
                keys for keys in client.processing().values()):
            time.sleep(0.2)
        os.killpg(scheduler.pid, signal.SIGKILL)
        scheduler.wait()
        out, err = grading.communicate(timeout=120)
    finally:
        if grading.poll() is None:
            grading.kill()
            grading.wait()
    assert grading.returncode == 2, out + err
    assert "Grading stopped, nothing was written to the gradebook" in err and "lost the connection" in err
    assert (course / "gradebook.db").read_bytes() == gradebook and not (course / "autograded").exists()
