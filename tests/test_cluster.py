"""Grading on a Dask cluster: a real scheduler and two ``dask worker`` processes on the loopback interface.

Chapter 1 is released once; each test copies it to a course folder of its
own, writes submissions, and runs ``python -m coursekit autograde ch01``
exactly as the README tells instructors to: once on this machine's pool and
once with ``--scheduler``, or with a worker killed in the middle. The grades
come from ``nbgrader export``; the verdicts from the course folder.

Select them with ``pytest -m cluster``.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

distributed = pytest.importorskip("distributed")

from coursekit.assignment import build  # noqa: E402
from nnlib.exercises import EXERCISES, MODULES  # noqa: E402

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FULL = sum(ex.points for ex in EXERCISES if ex.chapter == 1)
POINTS = {ex.function: ex.points for ex in EXERCISES if ex.chapter == 1}


def course_env(course: Path) -> dict[str, str]:
    """An activated .venv with the course in ``course``; no reference on the path (as for an instructor)."""
    env = dict(os.environ, NNFS_COURSE_DIR=str(course), NNFS_EXCHANGE_DIR=str(course.parent / "exchange"),
               PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", NNFS_USE_CURRENT_PYTHON="1",
               DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="5s")
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


def feedback_outputs(course: Path) -> dict[str, list]:
    """The outputs nbgrader autograde wrote into each student's graded cells."""
    out = {}
    for path in sorted((course / "autograded").glob("*/ch01/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        out[path.parts[-3]] = [(c.metadata["nbgrader"]["grade_id"], c.outputs) for c in nb.cells
                               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    return out


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
    "        time.sleep(4)\n"
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
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes (one thread each) on 127.0.0.1; yields (address, client)."""
    from distributed import Client

    home = tmp_path_factory.mktemp("dask")
    env = course_env(home)  # the workers get the kit from the environment, nothing from a course folder
    started = []

    def start(*args: str) -> subprocess.Popen:
        log = open(home / f"{len(started)}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen([str(BIN / "dask"), *args], cwd=home, env=env, stdout=log, stderr=log,
                                start_new_session=True)
        started.append((proc, log))
        return proc

    scheduler_file = home / "scheduler.json"
    start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file",
          str(scheduler_file))
    for _ in range(2):
        start("worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1", "--nthreads", "1",
              "--no-dashboard", "--death-timeout", "60")
    client = None
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        client = Client(scheduler_file=str(scheduler_file), timeout="30s", set_as_default=False)
        client.wait_for_workers(2, timeout=60)
        yield client.scheduler.address, client
    finally:
        if client is not None:
            client.close()
        for proc, log in started:  # only the processes this fixture started, by their process group
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            except ProcessLookupError:
                pass
            log.close()


STUDENTS = {
    "reference": "",
    "untouched": None,
    "wrong_sum": ("def sum_of_relus(x, w, b, v):\n    import numpy as np\n"
                  "    return np.sum(v * relu(np.outer(x, w)), axis=1)  # forgets the offsets b"),
    "crash": "def relu(z):\n    import os\n    os._exit(3)",
    "rigger": ("import numpy.testing\nimport nnlib.testing as _t\n"
               "numpy.testing.assert_allclose = lambda *a, **k: None\n_t.assert_close = lambda *a, **k: None\n\n\n"
               "def relu(z):\n    print('PASS every check')\n    return z"),
    "snooper": ("def relu(z):\n    import glob\n    import numpy as np\n"
                "    for target in glob.glob('{course}/**', recursive=True) + ['{course}/gradebook.db']:\n"
                "        try:\n            open(target, 'a').write('planted')\n"
                "        except OSError:\n            pass\n"
                "    return np.maximum(z, 0.0)"),
}


def test_the_cluster_gives_the_local_verdicts_and_grades(released, cluster, tmp_path):
    """Do the verdicts, grades and feedback through the Dask cluster equal the local pool's, student by student?"""
    address, _ = cluster
    course = new_course(released, tmp_path, STUDENTS)
    local = autograde(course, "--jobs", "2")
    assert "checked 6 submission(s)" in local.stdout
    local_verdicts, local_grades, local_feedback = verdicts(course), grades(course), feedback_outputs(course)
    assert set(local_verdicts) == set(STUDENTS)
    assert local_grades["reference"] == FULL and local_grades["untouched"] == 0
    assert FULL - POINTS["sum_of_relus"] <= local_grades["wrong_sum"] < FULL
    assert local_grades["rigger"] < FULL and local_grades["crash"] < FULL

    shutil.rmtree(course / ".verdicts")
    shutil.rmtree(course / "autograded")
    remote = autograde(course, "--scheduler", address)
    assert "checked 6 submission(s) in" in remote.stdout and "on the Dask cluster" in remote.stdout
    assert "6 done, 0 failed, 0 remaining" in remote.stderr
    for student in STUDENTS:  # nbgrader used the cluster's verdicts: it computed none itself
        assert f"Using the verdicts computed beforehand for {student}" in remote.stderr
    assert verdicts(course) == local_verdicts
    assert grades(course) == local_grades
    assert feedback_outputs(course) == local_feedback
    assert not (course / "gradebook.db").read_bytes().count(b"planted")


def test_a_killed_worker_loses_no_submission_and_grades_none_twice(released, cluster, tmp_path):
    """With one worker killed while it grades, is every student still graded, exactly once, with the right score?"""
    address, client = cluster
    students = {"a_sleepy": SLEEPY, "b_sleepy": SLEEPY, "c_reference": "", "d_untouched": None, "e_reference": ""}
    course = new_course(released, tmp_path, students)
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
        assert victim is not None, "no worker was grading"
        time.sleep(1.0)  # well inside a sleepy submission's 4 s
        os.kill(pids[victim], signal.SIGKILL)
        out, err = grading.communicate(timeout=240)
    finally:
        if grading.poll() is None:
            grading.kill()
            grading.wait()
    assert grading.returncode == 0, out + err
    assert "checked 5 submission(s)" in out and "5 done, 0 failed, 0 remaining" in err
    for student in students:
        assert f"Using the verdicts computed beforehand for {student}" in err
    assert set(verdicts(course)) == set(students)
    assert grades(course) == {"a_sleepy": FULL, "b_sleepy": FULL, "c_reference": FULL, "d_untouched": 0,
                              "e_reference": FULL}
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker
    assert victim not in client.run(os.getpid) or client.run(os.getpid)[victim] != pids[victim]


def test_no_scheduler_stops_before_the_gradebook(released, tmp_path):
    """With the scheduler unreachable, does the command stop with a clear error and grade no one?"""
    course = new_course(released, tmp_path, {"reference": ""})
    result = autograde(course, "--scheduler", "tcp://127.0.0.1:9", check=False)
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert not (course / "autograded").exists() and not (course / ".verdicts").exists()


def test_the_local_path_does_not_import_dask(released, tmp_path):
    """Without a scheduler, is Dask left alone (not needed, not imported)?"""
    code = ("import sys\nfrom coursekit import cli\nfrom coursekit.sandbox import cluster, verdicts\n"
            "assert cluster.scheduler_address(None, '') is None\n"
            "assert cluster.scheduler_address('local', 'tcp://x:1') is None\n"
            "assert cluster.scheduler_address(None, 'tcp://x:1') == 'tcp://x:1'\n"
            "assert 'distributed' not in sys.modules and 'dask' not in sys.modules\n")
    run(tmp_path, sys.executable, "-c", code)
    env_code = "from coursekit.sandbox import cluster\nprint(cluster.scheduler_address(None, 'tcp://conf:1'))\n"
    result = subprocess.run([sys.executable, "-c", env_code], cwd=ROOT, capture_output=True, text=True,
                            env=dict(course_env(tmp_path), NNFS_DASK_SCHEDULER="tcp://env:2"), check=True)
    assert result.stdout.strip() == "tcp://env:2"


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
