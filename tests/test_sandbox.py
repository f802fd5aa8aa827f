"""The sandboxed worker (groundwork for untrusted grading): plain data only, faults contained.

Each test writes a student's nnlib/ with one misbehaving function and checks
that the trusted side gets either the right plain value or a WorkerFault
that says what happened, and that the next call still works.
"""

import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from coursekit.sandbox.protocol import ProtocolError, decode, encode
from coursekit.sandbox.runner import SandboxFunctions, WorkerFault, sandbox_problem
from coursekit.submissions import SubmissionRejected
from nnlib.testing import CheckTimeout

GOOD_RELU = "import numpy as np\n\ndef relu(z):\n    return np.maximum(z, 0.0)\n"


def submission(tmp_path, relu_source: str):
    """A submission folder whose nnlib/functions.py defines relu as given (sum_of_relus works)."""
    package = tmp_path / "nnlib"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "functions.py").write_text(
        relu_source + "\n\ndef sum_of_relus(x, w, b, v):\n    return np.maximum(np.outer(x, w) + b, 0) @ v\n"
    )
    return tmp_path


def test_plain_values_round_trip():
    """Do numbers, strings, arrays and nested tuples survive encode/decode unchanged?"""
    value = ("ok", [1, 2.5, None, True, "text"], (np.arange(6.0).reshape(2, 3), np.int64(3)))
    back = decode(encode(value))
    assert back[0] == "ok" and back[1] == [1, 2.5, None, True, "text"]
    assert type(back[2][0]) is np.ndarray and np.array_equal(back[2][0], value[2][0]) and back[2][1] == 3


def test_objects_and_pickles_are_refused():
    """Are arbitrary objects refused, and is a pickled object array rejected on decoding?"""
    with pytest.raises(ProtocolError):
        encode(object())
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    blob = buffer.getvalue()
    header = json.dumps({"value": {"t": "array", "i": 0}, "sizes": [len(blob)]}).encode()
    with pytest.raises(ProtocolError):
        decode(struct.pack(">I", len(header)) + header + blob)


def test_a_correct_function_answers(tmp_path):
    """Does a correct relu give the right plain array through the worker?"""
    with SandboxFunctions(submission(tmp_path, GOOD_RELU)) as nn:
        got = nn.relu(np.array([-1.0, 2.0]))
        assert type(got) is np.ndarray and got.tolist() == [0.0, 2.0]
        assert nn.sum_of_relus(np.array([1.0]), np.ones(1), np.zeros(1), np.ones(1)).tolist() == [1.0]


@pytest.mark.parametrize(
    ("body", "error", "says"),
    [
        ("class Rigged:\n    def __eq__(self, other):\n        return True\n"
         "def relu(z):\n    return Rigged()\n", WorkerFault, "not plain data"),
        ("class Sub(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
         "def relu(z):\n    return np.zeros(3).view(Sub)\n", None, None),
        ("import sys\ndef relu(z):\n    sys.exit(0)\n", WorkerFault, "SystemExit"),
        ("import os\ndef relu(z):\n    os._exit(3)\n", WorkerFault, "exited with status 3"),
        ("import ctypes\ndef relu(z):\n    ctypes.string_at(0)\n", WorkerFault, "killed by signal 11"),
        ("def relu(z):\n    while True:\n        pass\n", CheckTimeout, "took longer than"),
        ("def relu(z):\n    print('PASS ' * 10_000_000)\n    return z\n", None, None),
        ("def relu(z):\n    return bytearray(8 * 1024 ** 3)\n", MemoryError, None),
        ("def relu(z)\n    return z\n", WorkerFault, "SyntaxError"),
    ],
    ids=["rigged-eq", "ndarray-subclass", "sys-exit", "os-exit", "segfault", "infinite-loop", "huge-output",
         "memory-bomb", "syntax-error"],
)
def test_faults_are_contained(tmp_path, body, error, says):
    """Does each misbehaving relu give a clear fault (or a plain value), leaving the worker usable?"""
    source = "import numpy as np\n" + body
    with SandboxFunctions(submission(tmp_path, source), timeout=2.0, memory_mb=1024) as nn:
        if error is None:
            got = nn.relu(np.zeros(3))
            assert type(got) is np.ndarray  # a subclass arrives as a plain array, its __eq__ gone
            assert (got == np.ones(3)).tolist() == [False] * 3
        else:
            with pytest.raises(error, match=says):
                nn.relu(np.zeros(3))
        # The other function of the same file still answers (a fresh worker if needed),
        # except when the file itself cannot be imported.
        if says != "SyntaxError":
            assert nn.sum_of_relus(np.array([1.0]), np.ones(1), np.zeros(1), np.ones(1)).tolist() == [1.0]


def test_every_check_runs_through_the_sandbox(root, tmp_path):
    """Do all checks, visible and hidden, pass on the reference and fail on the stubs via the worker?

    Checks pass callables (activations, loss functions) and random generators
    to student functions: callables are called back on the trusted side, and a
    generator's state travels both ways so expected values stay in step.
    """
    from coursekit.assignment import write_package
    from coursekit.generate import hidden_regions
    from nnlib import testing
    from nnlib.checking import load_visible_checks
    from nnlib.exercises import EXERCISES, MODULES

    load_visible_checks("nnlib")
    with testing.collecting():
        for code in hidden_regions().values():
            exec(compile(code, "<hidden checks>", "exec"), {"__name__": "hidden_checks"})
    checks = [(ex, chk) for ex in EXERCISES for hidden in (False, True) for chk in testing.registered(ex.id, hidden=hidden)]
    write_package(tmp_path, reference=MODULES)  # the learners' package with every module solved
    with SandboxFunctions(tmp_path) as reference:
        failed = [(ex.id, chk.title, o.message) for ex, chk in checks if not (o := testing.run_one(chk, reference)).passed]
    assert failed == []
    with SandboxFunctions(root) as stubs:
        for ex, chk in checks:
            outcome = testing.run_one(chk, stubs)
            assert not outcome.passed and f"Exercise {ex.id}" in outcome.message, (ex.id, chk.title)


def test_the_sandbox_is_available_here():
    """Is bubblewrap installed and usable on this machine (as set-up makes it in CI)?"""
    assert sandbox_problem() is None


def _probe(tmp_path, body: str, **kwargs):
    """Run ``body`` (the inside of a relu that returns a list of numbers) in a worker."""
    source = "import os, socket, subprocess\nimport numpy as np\ndef relu(z):\n" + body
    with SandboxFunctions(submission(tmp_path, source), **kwargs) as nn:
        return nn.relu(np.zeros(1)).tolist()


def test_worker_has_no_capabilities_and_cannot_unmount(tmp_path):
    """Does student code run with CapEff 0, unable to unmount or remount what it is shown?"""
    body = (
        "    caps = [int(line.split()[1], 16) for line in open('/proc/self/status') if line.startswith('Cap')]\n"
        "    fails = [subprocess.run(['umount', p], capture_output=True).returncode != 0\n"
        "             for p in ('/mnt', '/usr', '/proc', '/tmp', '/sandbox')]\n"
        "    remount = subprocess.run(['mount', '-o', 'remount,rw', '/usr'], capture_output=True).returncode != 0\n"
        "    return np.array(caps + fails + [remount, os.getuid() != 0])\n"
    )
    got = _probe(tmp_path, body)
    assert got[:5] == [0, 0, 0, 0, 0], f"capabilities present: {got[:5]}"
    assert all(got[5:]), "an unmount or remount succeeded, or the worker runs as root"


def test_worker_sees_only_its_submission(tmp_path, root):
    """Are the checkout, the course folder, the other sandboxes, the host /tmp and the network out of reach?"""
    from coursekit.grading import COURSE_DIR
    from coursekit.sandbox.runner import private_root

    private_root()
    hidden = [str(root / "solutions"), str(root / "tests"), str(root / ".git"), str(root / "nnlib"),
              str(root / "coursekit"), str(COURSE_DIR), str(private_root()), "/home", "/etc", "/var", "/run",
              "/tmp/nnfs-host-tmp-marker"]
    body = (
        f"    seen = [os.path.exists(p) for p in {hidden!r}]\n"
        "    try:\n"
        "        socket.create_connection(('127.0.0.1', 22), timeout=1)\n"
        "        network = 1\n"
        "    except OSError:\n"
        "        network = 0\n"
        "    writable = []\n"
        "    for p in ('/usr/x', '/x', '/sandbox/x'):\n"
        "        try:\n"
        "            open(p, 'w').close()\n"
        "            writable.append(1)\n"
        "        except OSError:\n"
        "            writable.append(0)\n"
        "    return np.array(seen + [network, len(os.listdir('/tmp')), len(os.listdir('/dev/shm'))] + writable\n"
        "                    + [len(os.environ), len(os.listdir('/mnt'))])\n"
    )
    (Path("/tmp") / "nnfs-host-tmp-marker").write_text("x")
    got = _probe(tmp_path, body)
    *seen, network, tmp, shm, w1, w2, w3, env, own = got
    (tmp_path / "again").mkdir()
    # The checkout's folder exists only as the path to the (read-only) virtual environment, if it lives there.
    checkout = _probe(tmp_path / "again", f"    return np.array([len(os.listdir({str(root)!r})) if os.path.isdir({str(root)!r}) else 0])\n")
    assert checkout[0] <= 1
    assert seen == [0] * len(hidden), dict(zip(hidden, seen, strict=True))
    assert (network, shm) == (0, 0)
    assert tmp <= 1  # empty, but for the way to the kit's Python when the checkout lives in /tmp
    assert (w1, w2, w3) == (0, 0, 0), "the system outside /mnt and /tmp is writable"
    assert env <= 12, "the worker inherited the grader's environment"
    assert own >= 1  # its own nnlib/ is there


def test_the_grader_environment_does_not_reach_the_worker(tmp_path, monkeypatch):
    """Is a secret in the grader's environment (a JupyterHub token, say) absent in the worker?"""
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret-token-123")
    got = _probe(tmp_path, "    return np.array([int('JUPYTERHUB_API_TOKEN' in os.environ)])\n")
    assert got == [0]


def test_each_worker_has_its_own_account(tmp_path):
    """Do two workers at once run as different uids (so one's processes never count against the other)?"""
    import os

    if os.geteuid() != 0:
        pytest.skip("a grader run by an ordinary user runs every worker as that user (documented)")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    source = "import os\nimport numpy as np\ndef relu(z):\n    return np.array([os.getuid()])\n"
    with SandboxFunctions(submission(tmp_path / "a", source)) as one, \
            SandboxFunctions(submission(tmp_path / "b", source)) as two:
        uid_one, uid_two = int(one.relu(np.zeros(1))[0]), int(two.relu(np.zeros(1))[0])
    assert uid_one != uid_two and 0 not in (uid_one, uid_two)


def test_fork_bomb_is_bounded_and_leaves_no_process(tmp_path):
    """Does a fork bomb hit the process limit, and do its processes die with the worker?"""
    import os
    import time

    source = (
        "import os, time\nimport numpy as np\n"
        "def relu(z):\n"
        "    started = 0\n"
        "    for _ in range(300):\n"
        "        try:\n"
        "            if os.fork() == 0:\n"
        "                time.sleep(30)\n"
        "                os._exit(0)\n"
        "            started += 1\n"
        "        except OSError:\n"
        "            break\n"
        "    return np.array([started, os.getuid()])\n"
    )
    from coursekit.sandbox.runner import MAX_PROCESSES, _count_processes

    with SandboxFunctions(submission(tmp_path, source)) as nn:
        started, uid = (int(v) for v in nn.relu(np.zeros(1)))
        if os.geteuid() == 0:
            assert _count_processes(uid) > started  # the children are there, sleeping (and the worker)
    assert 0 < started < MAX_PROCESSES
    if os.geteuid() == 0:
        for _ in range(100):  # the kernel reaps them shortly after the worker is killed
            if _count_processes(uid) == 0:
                break
            time.sleep(0.1)
        assert _count_processes(uid) == 0, "a student process outlived its worker"


def test_a_process_hog_does_not_starve_the_next_worker(tmp_path):
    """After a submission that holds many processes, does the next worker start and answer?"""
    hog = (
        "import os, time\nimport numpy as np\n"
        "def relu(z):\n"
        "    for _ in range(62):\n"
        "        try:\n"
        "            if os.fork() == 0:\n"
        "                time.sleep(60)\n"
        "        except OSError:\n"
        "            break\n"
        "    return z\n"
    )
    (tmp_path / "hog").mkdir()
    (tmp_path / "honest").mkdir()
    with SandboxFunctions(submission(tmp_path / "hog", hog)) as bad:
        bad.relu(np.zeros(1))
        with SandboxFunctions(submission(tmp_path / "honest", GOOD_RELU)) as good:
            assert good.relu(np.array([-1.0, 3.0])).tolist() == [0.0, 3.0]


def test_sleeping_calls_use_up_the_submission_budget(tmp_path):
    """Does a submission whose calls sleep just under the limit stop at its total time budget?"""
    source = "import time\nimport numpy as np\ndef relu(z):\n    time.sleep(0.9)\n    return z\n"
    with SandboxFunctions(submission(tmp_path, source), timeout=1.0, budget=3.0) as nn:
        answered = 0
        with pytest.raises(CheckTimeout, match="budget"):
            for _ in range(20):
                nn.relu(np.zeros(1))
                answered += 1
    assert answered <= 4


def test_huge_replies_are_refused_before_they_are_read(tmp_path):
    """Is a reply with a 300 MB header refused without reading it, and the worker replaced?"""
    source = (
        "import os, struct\nimport numpy as np\n"
        "def relu(z):\n"
        "    os.write(4, struct.pack('>I', 300 * 1024 * 1024) + b'{' * 65536)\n"
        "    return z\n"
    )
    # fd 4 is the worker's private copy of its reply pipe (see worker.main; fd 3 is its requests)
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        with pytest.raises(WorkerFault, match="not plain data"):
            nn.relu(np.zeros(1))
        assert nn.sum_of_relus(np.array([1.0]), np.ones(1), np.zeros(1), np.ones(1)).tolist() == [1.0]


def test_an_exception_name_is_bounded(tmp_path):
    """Does a student exception with a 20 MB class name come back short?"""
    source = ("import numpy as np\nBig = type('E' * 20_000_000, (Exception,), {})\n"
              "def relu(z):\n    raise Big('x' * 20_000_000)\n")
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        with pytest.raises(WorkerFault) as info:
            nn.relu(np.zeros(1))
    assert len(str(info.value)) < 5000


def test_worker_sees_no_other_process(tmp_path):
    """Does the worker's /proc show only its own PID namespace?"""
    source = "import os\nimport numpy as np\ndef relu(z):\n    return np.array([sum(p.isdigit() for p in os.listdir('/proc'))])\n"
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        assert int(nn.relu(np.zeros(1))[0]) <= 3  # bwrap's init, the worker, perhaps a child


def test_reference_modules_isolate_a_later_chapter(tmp_path, root):
    """With layers.py replaced by the reference, does a wrong dense_forward stop costing mlp_forward's checks?"""
    from coursekit.assignment import write_package
    from nnlib import testing
    from nnlib.checking import load_visible_checks
    from nnlib.exercises import MODULES

    write_package(tmp_path, reference=MODULES)
    layers = tmp_path / "nnlib/layers.py"
    layers.write_text(layers.read_text() + "\n\ndef dense_forward(x, W, b):\n    return x @ W - b, (x, W)\n")
    load_visible_checks("nnlib")
    checks = testing.registered("7.2")
    with SandboxFunctions(tmp_path) as own:
        assert not all(testing.run_one(chk, own).passed for chk in checks)
    with SandboxFunctions(tmp_path, reference_modules=["layers"]) as isolated:
        assert all(testing.run_one(chk, isolated).passed for chk in checks)


def test_an_assignment_cannot_get_its_own_reference():
    """Is configuring chapter 7's own module as a reference for ch07 refused?"""
    from coursekit.sandbox.autograde import SandboxedChecks

    grader = SandboxedChecks(reference_modules={"ch07": ["layers", "mlp"]})
    with pytest.raises(ValueError, match="own exercises"):
        grader.modules_for("ch07")
    assert SandboxedChecks(reference_modules={"ch07": ["layers"]}).modules_for("ch07") == ["layers"]


def test_a_symlink_to_the_reference_gains_nothing(tmp_path, root):
    """Is a submission whose functions.py links to the reference refused, leaving the reference untouched?"""
    package = tmp_path / "nnlib"
    package.mkdir()
    (package / "__init__.py").write_text("")
    target = root / "solutions/nnlib/functions.py"
    owner = target.stat().st_uid
    (package / "functions.py").symlink_to(target)
    with pytest.raises(SubmissionRejected, match="symbolic link"):
        SandboxFunctions(tmp_path)
    assert target.stat().st_uid == owner


def test_in_place_changes_and_aliasing_are_seen(tmp_path):
    """Does a relu that modifies its input, or returns it, look exactly as it would in-process?"""
    source = "import numpy as np\ndef relu(z):\n    np.maximum(z, 0, out=z)\n    return z\n"
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        z = np.array([-1.0, 2.0])
        got = nn.relu(z)
        assert z.tolist() == [0.0, 2.0]  # the change made in the worker shows here
        assert got is z  # and the function returned its argument itself
        nested = (np.array([-3.0]),)
        assert nn.sum_of_relus(np.array([1.0]), np.ones(1), np.zeros(1), np.ones(1)).tolist() == [1.0]
        assert nested[0].tolist() == [-3.0]


def test_views_and_in_place_reshapes_are_seen(tmp_path):
    """Does a function that reshapes its input in place, or returns a view of it, look as it would in-process?"""
    source = "import numpy as np\ndef relu(z):\n    z.shape = (z.size,)\n    return z[::2]\n"
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        z = np.arange(6.0).reshape(2, 3)
        got = nn.relu(z)
        assert z.shape == (6,)  # W.shape = (F, -1) reshapes the caller's array too
        assert np.shares_memory(got, z) and got.tolist() == [0.0, 2.0, 4.0]
        got[1] = 9.0
        assert z.tolist() == [0.0, 1.0, 9.0, 3.0, 4.0, 5.0]  # writes through the view reach z
    (tmp_path / "windows").mkdir()
    source = ("import numpy as np\nfrom numpy.lib.stride_tricks import sliding_window_view\n"
              "def relu(z):\n    return sliding_window_view(z, 2)\n")
    with SandboxFunctions(submission(tmp_path / "windows", source)) as nn:
        z = np.arange(4.0)
        got = nn.relu(z)
        assert np.shares_memory(got, z) and not got.flags.writeable and got.tolist() == [[0, 1], [1, 2], [2, 3]]


def test_arguments_returned_inside_a_tuple_are_seen(tmp_path):
    """Does `return z, z[::2], z + 1` give back z itself and a view of it, as in one process?"""
    source = "import numpy as np\ndef relu(z):\n    return z, z[::2], z + 1\n"
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        z = np.arange(4.0)
        same, view, new = nn.relu(z)
        assert same is z and np.shares_memory(view, z) and view.tolist() == [0.0, 2.0]
        assert not np.shares_memory(new, z) and new.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_a_generator_passed_by_keyword_advances_as_in_one_process(tmp_path):
    """Is the draw a function makes from rng=... seen here, whatever the order of the keyword arguments?"""
    source = "import numpy as np\ndef relu(z, alpha=1.0, rng=None):\n    return z * alpha + rng.random()\n"
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        mine, theirs = np.random.default_rng(7), np.random.default_rng(7)
        got = nn.relu(np.zeros(1), rng=mine, alpha=2.0)  # given out of alphabetical order
        assert got.tolist() == [theirs.random()] and mine.random() == theirs.random()


def test_numpy_errors_arrive_as_the_built_in_errors_they_are(tmp_path):
    """Is NumPy's AxisError (a ValueError) raised again as a ValueError, so that checks catch it as in one process?"""
    source = "import numpy as np\ndef relu(z):\n    return np.sum(z, axis=5)\n"
    with SandboxFunctions(submission(tmp_path, source)) as nn, pytest.raises(ValueError, match="AxisError: axis 5"):
        nn.relu(np.zeros(3))


def test_a_forged_view_description_is_not_a_view():
    """Is a view a worker describes outside its argument's memory, or with other values, refused?"""
    from coursekit.sandbox.runner import _view_into

    x = np.arange(6.0)
    assert _view_into(x, 8, [2], [16], True, np.array([1.0, 3.0])).tolist() == [1.0, 3.0]
    assert _view_into(x, 8, [2], [64], True, np.array([1.0, 5.0])) is None  # would reach past x's end
    assert _view_into(x, -8, [1], [8], True, np.array([0.0])) is None
    assert _view_into(x, 0, [2], [8], True, np.array([7.0, 7.0])) is None  # not the values returned
    assert not _view_into(x, 0, [2], [8], False, np.array([0.0, 1.0])).flags.writeable


def test_mutation_checks_still_catch_in_place_mistakes(tmp_path, root):
    """Does the 'leaves its input unchanged' check of relu fail for an in-place relu under the sandbox?"""
    from nnlib import testing
    from nnlib.checking import load_visible_checks

    load_visible_checks("nnlib")
    source = "import numpy as np\ndef relu(z):\n    np.maximum(z, 0, out=z)\n    return z\n"
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        outcomes = {chk.title: testing.run_one(chk, nn) for chk in testing.registered("1.1")}
    assert any(not o.passed and "in place" in o.message for o in outcomes.values()), outcomes


def test_the_call_clock_leaves_out_time_spent_waiting_for_a_cpu():
    """With three CPU hogs on the same core, does a 0.4 s computation count as about 0.4 s, not its wall time?"""
    import os
    import subprocess
    import sys
    import time

    from coursekit.sandbox.runner import CallClock

    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < {}:\n    pass\n"
    core = {min(os.sched_getaffinity(0))}
    hogs = [subprocess.Popen([sys.executable, "-c", burn.format(20)]) for _ in range(3)]
    try:
        for hog in hogs:
            os.sched_setaffinity(hog.pid, core)
        worker = subprocess.Popen([sys.executable, "-c", burn.format(0.4)])
        os.sched_setaffinity(worker.pid, core)
        clock, start, used = CallClock(worker.pid), time.monotonic(), 0.0
        while worker.poll() is None:
            used = clock.used()
            time.sleep(0.01)
        wall = time.monotonic() - start
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert used < 1.5, f"the clock counted {used:.2f} s for about 0.4 s of work"
    assert wall > 1.5 * used, f"the hogs did not slow the work down ({wall:.2f} s by the clock, {used:.2f} s used)"


def test_the_call_clock_counts_the_cpu_of_the_processes_a_call_starts():
    """Does the clock count the CPU time of a worker's children, whose competition its own wait comes from?

    The clock leaves out time the worker waited for a CPU. A function that starts processes that compute,
    and lowers its own priority, waits nearly all the time, on CPUs its own processes hold: a 1 s limit took
    22 s (up to 110 s at the default 8 s) with the machine's CPUs busy all along, and calls returning just
    before the backstop could keep a grading job and the CPUs for hours. All on one CPU here, as in the
    test above, so that it means the same on any machine.
    """
    import os
    import signal
    import subprocess
    import sys
    import time

    from coursekit.sandbox.runner import CallClock

    script = (
        "import os\nos.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "for _ in range(2):\n    if os.fork() == 0:\n        while True:\n            pass\n"
        "os.nice(19)\nprint('ready', flush=True)\nwhile True:\n    pass\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, start_new_session=True)

    def children_cpu() -> float:
        with open(f"/proc/{worker.pid}/task/{worker.pid}/children") as f:
            kids = f.read().split()
        ticks = 0
        for kid in kids:
            with open(f"/proc/{kid}/stat", "rb") as f:
                ticks += sum(int(x) for x in f.read().rsplit(b")", 1)[1].split()[11:13])
        return ticks / os.sysconf("SC_CLK_TCK")

    try:
        assert worker.stdout.readline() == b"ready\n"
        clock, before = CallClock(worker.pid, tree=worker.pid), children_cpu()
        time.sleep(1.5)
        used, spent = clock.used(), children_cpu() - before
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert spent > 0.3, f"the children hardly ran ({spent:.2f} s)"
    assert used >= 0.9 * spent - 0.05, f"the clock counted {used:.2f} s while the children used {spent:.2f} s of CPU"


def test_a_forged_generator_state_is_ignored():
    """Is a generator state that no draws reach (PCG64 with state and increment 0) left out, and a real one kept?

    The grader takes each generator's final state from the worker. PCG64 at state 0 with increment 0 gives 0 for
    ever, and integers() or random() on it loop in C, where no time limit of the grader interrupts them: a check
    that drew from its generator after the call would have stopped grading for everyone.
    """
    from coursekit.sandbox.protocol import decode, encode

    for name in ("PCG64", "PCG64DXSM", "Philox", "MT19937", "SFC64"):
        generator, moved = (np.random.Generator(getattr(np.random, name)(7)) for _ in range(2))
        moved.random(5)
        SandboxFunctions._apply((generator,), {}, None, [decode(encode(moved.bit_generator.state))], [], None)
        assert generator.random() == moved.random(), name  # draws made in the worker count here too
    generator = np.random.default_rng(7)
    kept = generator.bit_generator.state
    forged = dict(kept, state={"state": 0, "inc": 0})
    SandboxFunctions._apply((generator,), {}, None, [forged], [], None)
    assert generator.bit_generator.state == kept


def test_the_global_generators_start_every_call_alike(tmp_path):
    """Does a function that (wrongly) draws from np.random or random get the same numbers at every call and run?"""
    source = ("import random\nimport numpy as np\n"
              "def relu(z):\n    return np.array([np.random.random(), random.random()])\n")
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        first, second = nn.relu(np.zeros(1)), nn.relu(np.zeros(1))
    assert first.tolist() == second.tolist()


def test_a_worker_cannot_fill_memory_or_disk_with_files(tmp_path):
    """Are /tmp and /dev/shm (memory) capped at 64 MiB, the submission copy read-only, and memory bounded?

    Unbounded, a student's function could write gigabytes into the sandbox's tmpfs (the grader's RAM)
    or into its copy of the submission (the grader's disk), or fork processes that each fill their
    memory limit. If memory runs out anyway, the kernel is told to stop a student's process first.
    """
    from coursekit.sandbox.runner import MAX_PROCESSES, MEMORY_MB, SCRATCH_SPACE

    source = (
        "import numpy as np\n"
        "def relu(z):\n"
        "    written = []\n"
        "    for folder in ('/tmp', '/dev/shm', '/mnt'):\n"
        "        total = 0\n"
        "        try:\n"
        "            for i in range(64):\n"
        "                with open(f'{folder}/f{i}', 'wb') as f:\n"
        "                    f.write(b'x' * (8 * 1024 * 1024))\n"
        "                total += 8 * 1024 * 1024\n"
        "        except OSError:\n"
        "            pass\n"
        "        written.append(total)\n"
        "    written.append(int(open('/proc/self/oom_score_adj').read()))\n"
        "    return np.array(written)\n"
    )
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        tmp, shm, mnt, adj = (int(v) for v in nn.relu(np.zeros(1)))
    assert tmp <= SCRATCH_SPACE and shm <= SCRATCH_SPACE  # 512 MiB were attempted in each
    assert mnt == 0 and adj == 1000
    assert MAX_PROCESSES * MEMORY_MB <= 8 * 1024  # one worker's processes map at most 8 GiB together


def test_killed_workers_leave_no_zombie_behind(tmp_path, root):
    """Run by a grader that reaps orphans itself (as a container's PID 1 does), do workers still start after many kills?

    Killing bwrap together with the sandbox's init orphaned the init: it became a zombie of the process that
    adopts orphans and counted against the worker account's process limit, so after a handful of submissions
    (finished, timed out, or leaving children) no worker of that account could start and grading stopped.
    """
    import subprocess
    import sys

    script = (
        "import ctypes, sys\n"
        "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to this process\n"
        "from pathlib import Path\n"
        "import numpy as np\n"
        "from coursekit.sandbox.runner import SandboxFunctions, _count_processes\n"
        "from nnlib.testing import CheckTimeout\n"
        "bodies = ['    return z\\n', '    while True:\\n        pass\\n',\n"
        "          '    for _ in range(3):\\n        if os.fork() == 0:\\n            time.sleep(60)\\n    return z\\n']\n"
        "for i in range(8):\n"
        "    folder = Path(sys.argv[1]) / str(i) / 'nnlib'\n"
        "    folder.mkdir(parents=True)\n"
        "    (folder / '__init__.py').write_text('')\n"
        "    (folder / 'functions.py').write_text('import os, time\\n\\ndef relu(z):\\n' + bodies[i % 3])\n"
        "    with SandboxFunctions(folder.parent, timeout=0.3) as nn:\n"
        "        try:\n"
        "            nn.relu(np.zeros(1))\n"
        "        except CheckTimeout:\n"
        "            pass\n"
        "        uid = nn._uid\n"
        "print('ok', uid is None or _count_processes(uid))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{root / 'solutions'}:{root}"}
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() in (["ok", "0"], ["ok", "True"])


def _forged(value, blobs=()) -> bytes:
    """A message as a worker could write it by hand: any JSON value, any array bytes."""
    header = json.dumps({"value": value, "sizes": [len(b) for b in blobs]}).encode()
    return struct.pack(">I", len(header)) + header + b"".join(blobs)


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "message",
    [
        _forged({"t": "SECRET 0.123"}),
        _forged({"t": "dtype", "v": "SECRET 0.123"}),
        _forged({"t": "scalar", "d": "SECRET 0.123", "v": "1"}),
        _forged({"t": "array", "i": 0}, [b""]),
        _forged({"t": "array", "i": 0}, [b"PK\x03\x04SECRET 0.123"]),
        _forged({"t": "array", "i": 0}, [_npy(np.zeros(2, dtype=[("SECRET_0_123", "<f8")]))]),
        _forged(["SECRET 0.123"]),
    ],
    ids=["unknown-type", "bad-dtype", "bad-scalar-dtype", "empty-array", "zip-array", "structured-array", "not-a-node"],
)
def test_forged_replies_raise_protocol_errors_that_repeat_nothing(message):
    """Does every forged reply raise ProtocolError (never EOFError, TypeError ...) without echoing what it held?

    The text of a protocol error reaches the report of the check that made the call, a hidden check's too:
    a function that stashed a hidden input could otherwise send it back as a "type" name. An EOFError
    (np.load of empty bytes) made the grader wait for a worker that never exits.
    """
    with pytest.raises(ProtocolError) as info:
        decode(message)
    assert "SECRET" not in str(info.value)


def _within(seconds: float, call):
    """``call()``'s exception, failing the test if it has not returned after ``seconds`` (the grader hung)."""
    import threading

    outcome = []

    def run():
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"the grader was still waiting after {seconds:g} s"
    return outcome[0]


@pytest.mark.parametrize(
    "body",
    [
        "    os.write(4, struct.pack('>I', 1000) + b'{')\n    time.sleep(120)\n",
        "    h = json.dumps({'value': {'t': 'array', 'i': 0}, 'sizes': [0]}).encode()\n"
        "    os.write(4, struct.pack('>I', len(h)) + h)\n    time.sleep(120)\n",
        "    import protocol\n    for _ in range(64):\n"
        "        os.write(4, protocol.encode(('callback', 0, [], [])))\n    time.sleep(120)\n",
    ],
    ids=["half-a-message", "empty-array-then-silence", "callbacks-without-reading"],
)
def test_a_worker_cannot_make_the_grader_wait_for_ever(tmp_path, body):
    """Does a worker that sends half a message, or asks for callbacks and never reads the answers, just time out?

    The grader read a reply with a blocking read once the first bytes came, and wrote callback answers with a
    blocking write: a worker that then went quiet (or stopped reading) stopped grading for everyone.
    Fd 4 is the worker's private copy of its reply pipe (see worker.main).
    """
    source = ("import json, os, struct, time\nimport numpy as np\n"
              "def relu(z, f=None):\n" + body + "    return z\n")
    with SandboxFunctions(submission(tmp_path, source), timeout=1.0) as nn:
        error = _within(60, lambda: nn.relu(np.zeros(1), lambda: np.zeros(1 << 17)))
        assert isinstance(error, CheckTimeout | WorkerFault), error
        assert nn.sum_of_relus(np.array([1.0]), np.ones(1), np.zeros(1), np.ones(1)).tolist() == [1.0]


def test_a_timed_out_call_costs_its_time_once(tmp_path):
    """Does a call stopped at its 1 s limit take 1 s of the submission's budget, not 2?

    The time-out was added to the budget twice (once when the worker was stopped, once when the call ended,
    then by the clock of a dead process, which counted time spent waiting for a CPU too), so a submission
    lost its remaining checks to "budget used up" after half the time it had.
    """
    source = "import numpy as np\ndef relu(z):\n    while True:\n        pass\n"
    messages = []
    with SandboxFunctions(submission(tmp_path, source), timeout=1.0, budget=3.6) as nn:
        for _ in range(3):
            with pytest.raises(CheckTimeout) as info:
                nn.relu(np.zeros(1))
            messages.append(str(info.value))
    assert all("took longer than 1 s" in m for m in messages), messages


def test_a_hidden_check_learns_nothing_a_student_function_chose(tmp_path):
    """Can a hidden input, stashed by the function under test, reach a hidden check's report?

    The function stashes its input and fails; when the check then runs the quick test of the function it
    calls (relu), relu raises the stash in an exception of its own, whose text went into the report
    ("... fails a quick test (relu raised Leak: [0.987654321])"); so did the text of a ValueError
    or a NotImplementedError, and an exit status the student chose. Visible checks still show the text.
    """
    from nnlib import testing
    from nnlib.checking import load_visible_checks
    from nnlib.testing import Check

    load_visible_checks("nnlib", ("functions",))  # relu's quick test
    package = tmp_path / "nnlib"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "functions.py").write_text(
        "import os\nimport numpy as np\nSTASH = []\n\n"
        "class Leak(Exception):\n    pass\n\n"
        "def relu(z):\n    if STASH:\n        raise Leak(STASH[-1])\n    return np.maximum(z, 0.0)\n\n"
        "def sum_of_relus(x, w, b, v):\n"
        "    STASH.append(repr(np.asarray(x).tolist()))\n"
        "    mode = int(np.asarray(w).ravel()[0])\n"
        "    if mode == 1:\n        raise ValueError('got ' + STASH[-1] + ': operands could not be broadcast')\n"
        "    if mode == 2:\n        raise NotImplementedError(STASH[-1])\n"
        "    if mode == 3:\n        os._exit(77)\n"
        "    raise KeyError(STASH[-1])\n"
    )

    def run(mode):
        return lambda nn: nn.sum_of_relus(np.array([0.987654321]), np.array([float(mode)]), np.zeros(1), np.ones(1))

    with SandboxFunctions(tmp_path) as nn:
        for mode in range(4):
            outcome = testing.run_one(Check("1.2", f"hidden {mode}", run(mode), hidden=True), nn)
            assert not outcome.passed
            for secret in ("987654", "77", "Leak"):
                assert secret not in outcome.message, (mode, outcome.message)
        visible = testing.run_one(Check("1.2", "visible", run(1)), nn)
    assert "987654" in visible.message and "broadcast" in visible.message  # the learner's own text helps there


def test_every_word_checks_look_for_in_an_error_reaches_hidden_checks(root):
    """Is every word a check looks for in a student's error text (``"broadcast" in str(exc)``) in CHECKED_WORDS?"""
    import re

    from coursekit.sandbox.runner import CHECKED_WORDS

    pattern = re.compile(r"""["']([^"']+)["'] (?:not )?in str\(\w+\)""")
    files = [*(root / "solutions/chapters").glob("*.md"), *(root / "nnlib/checks").glob("*.py"), root / "nnlib/testing.py"]
    words = {word for path in files for word in pattern.findall(path.read_text())}
    assert words and words <= set(CHECKED_WORDS), sorted(words - set(CHECKED_WORDS))


def test_a_worker_cannot_mount_memory_of_its_own(tmp_path):
    """Can student code create a user namespace, mount a tmpfs there and fill it past the 64 MiB of /tmp?

    In a user namespace of its own the student is root for mounts: a tmpfs mounted there has no size limit
    but half the machine's memory (each), so 40 files of 60 MB took 2.3 GB of the grader's RAM.
    """
    source = (
        "import subprocess\nimport numpy as np\n"
        "def relu(z):\n"
        "    script = 'mount -t tmpfs none /tmp && for i in 1 2 3; do head -c 60000000 /dev/zero > /tmp/f$i; done'\n"
        "    run = subprocess.run(['unshare', '-Urm', 'sh', '-c', script], capture_output=True)\n"
        "    import ctypes\n"
        "    return np.array([run.returncode, ctypes.CDLL(None).unshare(0x10000000)])\n"  # CLONE_NEWUSER
    )
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        mounted, unshared = (int(v) for v in nn.relu(np.zeros(1)))
    assert mounted != 0 and unshared != 0, "student code made a user namespace of its own"


def test_a_worker_cannot_hold_memory_its_limits_do_not_count(tmp_path):
    """Are memfds and System V segments refused, which hold memory that RLIMIT_AS does not count?

    30 memfds of 60 MB each, written with os.write, took 1.8 GB of the grader's RAM in one call (64 open
    files in each of 8 processes would take more than the machine has); a detached System V segment too.
    """
    source = (
        "import ctypes, os\nimport numpy as np\n"
        "def relu(z):\n"
        "    made = 0\n"
        "    try:\n"
        "        for i in range(3):\n"
        "            fd = os.memfd_create(f'stash{i}')\n"
        "            os.write(fd, b'x' * (32 << 20))\n"
        "            made += 1\n"
        "    except OSError:\n"
        "        pass\n"
        "    shm = ctypes.CDLL(None).shmget(0, 32 << 20, 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600\n"
        "    return np.array([made, shm])\n"
    )
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        made, shm = (int(v) for v in nn.relu(np.zeros(1)))
    assert made == 0 and shm == -1, (made, shm)


def test_a_worker_cannot_hide_the_cpu_time_of_its_children(tmp_path):
    """Is setting what SIGCHLD does refused (asking is fine), so no child's CPU time escapes the call clock?

    The clock counts the CPU of every process of the sandbox, those reaped by their parent included. A process
    that ignores SIGCHLD has its children reaped by the kernel, and their time is then nobody's: a child that
    kept starting short-lived processes, beside a worker of low priority, made a 1 s limit last 14 s.
    """
    source = (
        "import signal\nimport numpy as np\n"
        "def relu(z):\n"
        "    refused = []\n"
        "    for action in (signal.SIG_IGN, signal.SIG_DFL, lambda *_: None):\n"
        "        try:\n"
        "            signal.signal(signal.SIGCHLD, action)\n"
        "            refused.append(0)\n"
        "        except OSError:\n"
        "            refused.append(1)\n"
        "    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # other signals are the student's\n"
        "    return np.array(refused + [int(signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL)])\n"
    )
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        assert nn.relu(np.zeros(1)).tolist() == [1, 1, 1, 1]


def test_a_worker_cannot_lower_its_own_priority(tmp_path):
    """Are nice, SCHED_IDLE, SCHED_BATCH and the autogroup's nice refused, whose waiting the call clock leaves out?

    A worker of low priority waits for a CPU whenever anything else runs (the other grading jobs), and that
    wait does not count: beside two busy processes a 1 s limit took 32 s, and calls returning just before the
    backstop (110 s at the default 8 s) could hold a grading job for hours at little cost in CPU.
    """
    source = (
        "import os\nimport numpy as np\n"
        "def relu(z):\n"
        "    tries = [lambda: os.nice(5), lambda: os.setpriority(os.PRIO_PROCESS, 0, 19),\n"
        "             lambda: os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0)),\n"
        "             lambda: os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0)),\n"
        "             lambda: open('/proc/self/autogroup', 'w').write('19')]\n"
        "    refused = []\n"
        "    for attempt in tries:\n"
        "        try:\n"
        "            attempt()\n"
        "            refused.append(0)\n"
        "        except OSError:\n"
        "            refused.append(1)\n"
        "    return np.array(refused + [os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0)])\n"
    )
    with SandboxFunctions(submission(tmp_path, source)) as nn:
        assert nn.relu(np.zeros(1)).tolist() == [1, 1, 1, 1, 1, 0, 0]  # nice 0, SCHED_OTHER


def test_a_function_the_check_passes_never_gets_arguments_larger_than_the_call(tmp_path):
    """Does a student function that calls the check's function (run in the grader) with 4 MiB get an error instead?

    The check's functions run in the grader, whose memory no limit bounds: 5.1's hidden check passes
    q -> sum(scale * cos(q)) with a (2, 3, 4) scale, and a q of 64 MiB shaped (N, 1, 1, 1) made 1.6 GB there,
    as often as the student liked. The checks' own functions get at most 192 bytes.
    """
    source = (
        "import numpy as np\n"
        "def relu(z, f=None):\n"
        "    small = f(np.ones(3))\n"
        "    return np.array([small, f(np.ones((1 << 19, 1)))])\n"
    )
    seen = []

    def check_function(q):
        seen.append(q.shape)
        return float(np.sum(q))

    with SandboxFunctions(submission(tmp_path, source)) as nn:
        with pytest.raises(WorkerFault, match="larger than"):
            nn.relu(np.zeros(3), check_function)
    assert seen == [(3,)]


def test_the_system_call_filter_is_well_formed():
    """Does the filter decide every path (native calls, refused calls, other ABIs) with a return, for each arch?"""
    import struct

    from coursekit.sandbox.runner import UNCOUNTED_MEMORY, seccomp_program

    for machine in UNCOUNTED_MEMORY:
        program = [struct.unpack("=HBBI", seccomp_program(machine)[i:i + 8])
                   for i in range(0, len(seccomp_program(machine)), 8)]
        for index, (code, jt, jf, _) in enumerate(program):
            if code & 0x07 == 0x05:  # a jump: both targets inside the program
                assert index + 1 + max(jt, jf) < len(program)
        assert program[-1][0] == 0x06 and program[-3] == (0x06, 0, 0, 0x7FFF0000)
