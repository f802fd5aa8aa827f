"""IPython extension loaded by the grading kernel: cut off slow ungraded cells.

Only check cells count towards a grade, and each check already has its own
time limit (``nnlib.testing.CHECK_TIMEOUT``). Every other cell (narrative,
plots, demos) is cut after :data:`LIMIT` seconds, so a submission whose
functions never return costs seconds per cell rather than nbgrader's
whole-cell timeout, and the other students are graded sooner.

nbgrader_config.py loads it with ``c.Execute.extra_arguments``.
"""

from __future__ import annotations

import re
import signal
import threading

#: Seconds an ungraded cell may run while grading.
LIMIT = 10.0
CHECK_CELL = re.compile(r'^check\("\d+\.\d+"\)', flags=re.MULTILINE)


class UngradedCellTimeout(BaseException):
    """An ungraded cell ran too long while grading (it costs no points)."""


def _expire(signum, frame):
    raise UngradedCellTimeout(
        f"this cell was stopped after {LIMIT:g} s while grading; it is not graded, "
        "but it suggests a function of yours that is very slow or never returns"
    )


def _start(info) -> None:
    if CHECK_CELL.search(info.raw_cell or ""):
        return
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGALRM, _expire)
        signal.setitimer(signal.ITIMER_REAL, LIMIT)


def _stop(result) -> None:
    if threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)


def load_ipython_extension(ipython) -> None:
    """Register the timer around every cell (IPython calls this on ``--ext``)."""
    ipython.events.register("pre_run_cell", _start)
    ipython.events.register("post_run_cell", _stop)
