"""No solution and no hidden test in anything a learner receives.

nnlib/ and chapters/ are checked here; the nbgrader release and generated
feedback in test_grading.py, the built site in test_book.py, all with
:func:`coursekit.leaks.find_leaks`.
"""

from coursekit.leaks import find_leaks, secret_lines


def test_secret_lines_are_found():
    """Is the list of secrets non-trivial (so the leak tests can fail)?"""
    secrets = secret_lines()
    assert any(s.startswith("@hidden_check(") for s in secrets)
    assert any("return" in s for s in secrets)
    assert len(secrets) > 20


def test_leak_finder_catches_a_leak(tmp_path):
    """Would a copied solution line, or a marker, be caught?"""
    line = sorted(secret_lines())[0]
    (tmp_path / "page.html").write_text(f"<pre>{line}</pre>")
    (tmp_path / "nb.ipynb").write_text("### BEGIN HIDDEN TESTS")
    (tmp_path / "clean.txt").write_text("nothing to see")
    assert [leak.split(":")[0] for leak in find_leaks(tmp_path)] == ["nb.ipynb", "page.html"]


def test_nnlib_has_no_solution(root):
    """Does the learner's nnlib/ contain no solution region or hidden test?"""
    assert find_leaks(root / "nnlib") == []


def test_chapters_have_no_solution(root):
    """Do the learner's chapters/ contain no solution region or hidden test?"""
    assert find_leaks(root / "chapters") == []
