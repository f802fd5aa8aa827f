"""Submissions are untrusted: what is refused before anything copies them, and how they are copied."""

import os
import stat

import pytest

from coursekit.grading import SafeCollect
from coursekit.submissions import MAX_FILES, SubmissionRejected, check_submission, copy_package


def plain(tmp_path):
    """An honest submission: a notebook and a package."""
    folder = tmp_path / "sub"
    (folder / "nnlib").mkdir(parents=True)
    (folder / "nnlib" / "__init__.py").write_text("")
    (folder / "nnlib" / "neurons.py").write_text("def step(z):\n    return z\n")
    (folder / "02_neuron.ipynb").write_text("{}")
    return folder


def test_an_honest_submission_passes_and_copies(tmp_path):
    """Is a plain submission accepted and copied file by file (without __pycache__)?"""
    folder = plain(tmp_path)
    (folder / "nnlib" / "__pycache__").mkdir()
    (folder / "nnlib" / "__pycache__" / "neurons.cpython-311.pyc").write_bytes(b"\x00" * 16)  # Python's own cache
    check_submission(folder)
    copy_package(folder / "nnlib", tmp_path / "copy")
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["__init__.py", "neurons.py"]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda f: (f / "nnlib" / "layers.py").symlink_to("/etc/passwd"), "symbolic link"),
        (lambda f: (f / "gradebook.db").symlink_to("../../../../gradebook.db"), "symbolic link"),
        (lambda f: (f / "zero").symlink_to("/dev/zero"), "symbolic link"),
        (lambda f: os.mkfifo(f / "pipe"), "not a regular file"),
        (lambda f: (f / "nnlib" / "neurons.py").chmod(0o4755), "setuid"),
        (lambda f: (f / "run").touch(mode=0o2755) or (f / "run").chmod(0o2755), "setuid"),
        (lambda f: (f / "nnlib" / "extra.py").mkdir(), "folder whose name ends in .py"),
        (lambda f: open(os.path.join(os.fsencode(f), b"caf\xe9.py"), "w").close(), "not UTF-8"),
        (lambda f: [(f / f"n{i}.txt").touch() for i in range(MAX_FILES + 1)], f"more than {MAX_FILES} files"),
        (lambda f: (f / "nnlib" / "big.py").write_bytes(b"#" * (2 * 1024 * 1024)), "larger than"),
        (lambda f: (f / "nnlib" / "neurons.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF"), "compiled"),
        (lambda f: (f / "nnlib" / "layers.pyc").write_bytes(b"\x00" * 16), "compiled"),
    ],
    ids=["link-to-system", "link-to-gradebook", "link-to-dev-zero", "fifo", "setuid", "setgid", "folder-py",
         "non-utf8-name", "too-many-files", "huge-py", "extension-module", "bare-pyc"],
)
def test_unsafe_submissions_are_refused_with_the_reason(tmp_path, make, says):
    """Is each kind of unsafe file refused, with a message that names it?"""
    folder = plain(tmp_path)
    make(folder)
    with pytest.raises(SubmissionRejected, match=says):
        check_submission(folder)
    if any(p.name != "__init__.py" for p in (folder / "nnlib").iterdir() if p.name != "neurons.py") \
            or os.stat(folder / "nnlib" / "neurons.py").st_mode & stat.S_ISUID:
        with pytest.raises(SubmissionRejected):  # the copy refuses too, on its own
            copy_package(folder / "nnlib", tmp_path / "copy")


def test_collect_skips_an_unsafe_submission_and_keeps_the_others(tmp_path, caplog):
    """Does nbgrader collect (the project's exchange class) refuse a submission holding a link?"""
    good, bad = plain(tmp_path / "good"), plain(tmp_path / "bad")
    (bad / "nnlib" / "layers.py").symlink_to(good / "nnlib" / "neurons.py")
    collect = SafeCollect.__new__(SafeCollect)  # only do_copy and the log are used
    collect.log = __import__("logging").getLogger("collect")
    collect.do_copy(str(good), str(tmp_path / "out-good"))
    collect.do_copy(str(bad), str(tmp_path / "out-bad"))
    assert (tmp_path / "out-good" / "nnlib" / "neurons.py").is_file()
    assert not (tmp_path / "out-bad").exists()
    assert "symbolic link" in caplog.text


def test_copies_have_no_special_bits(tmp_path):
    """Are copied files plain 0644 files whatever the source mode (no executable or special bits)?"""
    folder = plain(tmp_path)
    (folder / "nnlib" / "neurons.py").chmod(0o777)
    copy_package(folder / "nnlib", tmp_path / "copy")
    assert stat.S_IMODE((tmp_path / "copy" / "neurons.py").stat().st_mode) & 0o7133 == 0


def test_a_fifo_swapped_in_after_the_check_stops_nothing(tmp_path, monkeypatch, caplog):
    """In the exchange the student owns the submission: does a file swapped for a FIFO after the check stop collect?

    The check passed, then copytree met the FIFO and raised (shutil.Error): `nbgrader collect` stopped for every
    student after this one. The submission is now refused by name and the others are collected.
    """
    import logging

    from coursekit import grading

    folder = plain(tmp_path / "bad")
    real = grading.check_submission

    def check_then_swap(path):
        real(path)
        (folder / "nnlib" / "neurons.py").unlink()
        os.mkfifo(folder / "nnlib" / "neurons.py")

    monkeypatch.setattr(grading, "check_submission", check_then_swap)
    collect = SafeCollect.__new__(SafeCollect)
    collect.log = logging.getLogger("collect")
    collect.do_copy(str(folder), str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
    assert "not a regular file" in caplog.text


def test_copying_never_waits_on_a_fifo(tmp_path, monkeypatch):
    """If a FIFO appears between a check and the copy, does the copy refuse it instead of waiting for a writer?"""
    import threading

    from coursekit import submissions

    folder = plain(tmp_path)
    os.mkfifo(folder / "nnlib" / "layers.py")
    monkeypatch.setattr(submissions, "check_submission", lambda path: None)  # the check ran before the swap
    outcome = []

    def copy():
        try:
            copy_package(folder / "nnlib", tmp_path / "copy")
            outcome.append("copied")
        except SubmissionRejected as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    thread.join(20)
    if not outcome:  # release the blocked reader before failing
        os.close(os.open(folder / "nnlib" / "layers.py", os.O_WRONLY | os.O_NONBLOCK))
    assert outcome and "not a regular file" in outcome[0], outcome
