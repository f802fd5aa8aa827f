"""Assertions that explain themselves, and the registry of checks.

Every check in the course, visible (``nnlib/checks/``) or hidden (the
instructor's notebooks), is written with these helpers, so a learner sees the
same kind of message in the notebook, in the terminal and in nbgrader's
feedback: what was expected, what came back, and the mistake that most often
produces that difference.

Writing a check::

    @check("2.5", "each row sums to one")
    def _(nn):
        got = nn.softmax(np.array([[1.0, 2.0, 3.0]]))
        assert_close(got.sum(axis=-1), [1.0], what="softmax(z).sum(axis=-1)")

``nn`` is a namespace holding the functions under test (the learner's, the
reference, or stand-ins), so a check never imports them itself.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

#: Per-check time limit in seconds: generous for correct code, short enough
#: that an infinite loop is reported instead of freezing the notebook.
CHECK_TIMEOUT = 10.0


class CheckFailure(AssertionError):
    """A check found a wrong answer; the message says what and why."""


class CheckTimeout(BaseException):
    """A check ran longer than its time limit.

    A BaseException, so ``except Exception`` in learner code cannot swallow it.
    """


# --------------------------------------------------------------------------
# Assertions
# --------------------------------------------------------------------------

#: True while a hidden check runs: every assertion then keeps its inputs,
#: expected values and shapes to itself, whatever the check's author passed.
_HIDDEN = [False]


def _secret(hidden: bool) -> bool:
    return hidden or _HIDDEN[0]


def _fmt(value: np.ndarray) -> str:
    """Short, readable rendering of an array for a failure message."""
    return np.array2string(np.asarray(value), precision=4, threshold=12, edgeitems=3)


def _shape_hint(got: tuple, expected: tuple) -> str:
    """Name the usual mistake behind a shape mismatch."""
    if len(got) == len(expected) >= 2 and got == expected[::-1]:
        return (
            "the axes are swapped: a transpose is missing or extra "
            "(check the order of the operands in a matrix product)"
        )
    if len(got) + 1 == len(expected) and all(s in expected for s in got):
        return (
            "an axis has disappeared: a reduction (sum, max) is missing "
            "keepdims=True, or it reduced over the wrong axis"
        )
    if len(got) == len(expected) + 1:
        return (
            "there is an extra axis: a result broadcast against something of "
            "another shape, or an index is missing"
        )
    if int(np.prod(got)) == int(np.prod(expected)):
        return "the values are there but in another arrangement: check a reshape"
    if len(got) == len(expected):
        return "a reduction used the wrong axis, or an input was broadcast wrongly"
    return "check which axes the function should keep"


def assert_close(
    got,
    expected,
    *,
    what: str = "the result",
    rtol: float = 1e-6,
    atol: float = 1e-8,
    mistakes: Iterable[tuple[str, object]] = (),
    hidden: bool = False,
) -> None:
    """Assert that ``got`` matches ``expected`` in type, shape and value.

    Parameters
    ----------
    got : array_like, scalar or tuple
        What the function under test returned.
    expected : array_like, scalar or tuple
        The right answer. A tuple means the function returns a tuple, and each
        element is compared in turn.
    what : str
        How to name ``got`` in the message, e.g. ``"softmax(z)"``.
    rtol, atol : float
        Tolerances as in :func:`numpy.allclose`.
    mistakes : iterable of (description, answer) pairs
        Answers that a known mistake produces. When ``got`` matches one, the
        message names that mistake (for example ``("summed over axis 0
        instead of the last axis", wrong_answer)``).
    hidden : bool
        Hidden checks must not reveal their inputs or the expected values:
        the message then keeps the diagnosis and drops the numbers.

    Raises
    ------
    CheckFailure
        With a message that says what differs and the likely cause.
    """
    hidden = _secret(hidden)
    if got is None:
        raise CheckFailure(f"{what} is None: the function has no `return` statement, or returns nothing")
    if isinstance(expected, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            # a hidden check never repeats a length the student chose: it could carry a hidden input
            kind = (f"a {type(got).__name__}" if not isinstance(got, tuple | list)
                    else "another number of values" if hidden else f"{len(got)} values")
            raise CheckFailure(f"{what} should be a tuple of {len(expected)} values, got {kind}")
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_close(g, e, what=f"{what}[{i}]", rtol=rtol, atol=atol, hidden=hidden)
        return
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailure(
            f"{what} should be a number or an array of numbers, got a {type(got).__name__}"
        ) from None
    exp_arr = np.asarray(expected, dtype=float)
    if got_arr.shape != exp_arr.shape:
        if hidden:
            raise CheckFailure(f"{what} has the wrong shape: {_shape_hint(got_arr.shape, exp_arr.shape)}")
        raise CheckFailure(
            f"{what} has shape {got_arr.shape}, expected {exp_arr.shape}: "
            f"{_shape_hint(got_arr.shape, exp_arr.shape)}"
        )
    bad = ~np.isfinite(got_arr) & np.isfinite(exp_arr)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(got_arr[where]) else "inf"
        raise CheckFailure(
            f"{what} contains {kind}"
            + ("" if hidden else f" at index {where} (expected {exp_arr[where]:.6g})")
            + ": this is usually an overflow in np.exp for large inputs. "
            "Shift the inputs first (subtract the maximum) or use a formula "
            "that never exponentiates a large positive number"
        )
    if np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True):
        return
    for description, answer in mistakes:
        answer_arr = np.asarray(answer, dtype=float)
        if answer_arr.shape == got_arr.shape and np.allclose(got_arr, answer_arr, rtol=rtol, atol=atol):
            raise CheckFailure(f"{what} has the wrong values; it looks like {description}")
    err = np.abs(got_arr - exp_arr)
    # The entry that misses its tolerance by most (not the largest absolute error, which can be
    # an entry within tolerance when the failure is a relative one on a tiny value).
    excess = err - (atol + rtol * np.abs(exp_arr))
    worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess))), err.shape)
    if hidden:
        raise CheckFailure(f"{what} has the wrong values")
    where = f" at index {tuple(int(i) for i in worst)}" if got_arr.ndim else ""
    raise CheckFailure(
        f"{what} has the wrong values.\n"
        f"    expected: {_fmt(exp_arr)}\n"
        f"    got:      {_fmt(got_arr)}\n"
        f"    largest difference {float(err[worst]):.3g}{where}"
    )


def assert_that(condition: bool, message: str) -> None:
    """Assert a property; ``message`` says what should have held and why."""
    if not bool(condition):
        raise CheckFailure(message)


def assert_unchanged(before: np.ndarray, after: np.ndarray, *, what: str) -> None:
    """Assert that a function did not modify an input array in place."""
    if not np.array_equal(before, after):
        raise CheckFailure(
            f"{what} was modified in place: the function must return new arrays "
            "and leave its inputs alone (use `w = w + ...` rather than `w += ...`)"
        )


def assert_float32(got, what: str, cause: str = "") -> None:
    """Fail with advice when a float32 computation came back in another dtype.

    ``cause`` names the usual culprit in this chapter; the default names the
    one in every chapter (a float64 array or constant mixed into the formula).
    """
    dtype = getattr(got, "dtype", None)
    shown = dtype
    if _HIDDEN[0] and not (isinstance(dtype, np.dtype) and dtype.str == "<f8"):
        shown = "other than float32 or float64"  # a hidden check never repeats a dtype the student chose (>u2, f2 ...)
    assert_that(
        isinstance(got, np.ndarray | np.generic) and dtype == np.float32,
        f"{what} should stay float32 when its inputs are float32, got dtype {shown}: "
        + (cause or "an array created with np.zeros/np.ones/np.array without dtype=, or a float64 constant "
                    "array, upcasts everything to float64"),
    )


def copied(value):
    """``value`` with every array in it copied (tuples, lists and dicts rebuilt alike): data for one call only."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple | list):
        return type(value)(copied(v) for v in value)
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}
    return value


def assert_all_unchanged(before, after, what: str) -> None:
    """:func:`assert_unchanged` for every array of ``after`` against its copy in ``before`` (nested alike)."""
    if isinstance(before, np.ndarray):
        assert_unchanged(before, np.asarray(after), what=what)
    elif isinstance(before, tuple | list) and isinstance(after, tuple | list) and len(before) == len(after):
        for k, (old, new) in enumerate(zip(before, after, strict=True)):
            assert_all_unchanged(old, new, f"{what}[{k}]")
    elif isinstance(before, dict) and isinstance(after, dict):
        for k, old in before.items():
            if k in after:
                assert_all_unchanged(old, after[k], f"{what}[{k!r}]")


# --------------------------------------------------------------------------
# Calling the functions under test
# --------------------------------------------------------------------------


class copying:  # noqa: N801 - used like a function: nn = copying(nn)
    """The functions of ``nn``, each called on fresh copies of its arguments (:func:`copied`).

    A check that uses its arguments again after the call (to compute slopes
    or expected values) stays right when the function changes its inputs in
    place. Whether inputs are left alone is checked separately
    (:func:`leaves_inputs_alone`, :func:`assert_all_unchanged`).
    """

    def __init__(self, nn):
        self._nn = nn

    def __getattr__(self, name):
        function = getattr(self._nn, name)

        def call(*args, **kwargs):
            return function(*copied(args), **copied(kwargs))

        call.__name__ = name
        return call


def leaves_inputs_alone(nn, name: str, args: tuple, labels: tuple[str, ...]) -> None:
    """Call ``nn.<name>(*args)`` and fail if it changed any array inside its arguments.

    ``labels`` name the arguments in the message (``"cache"`` gives
    ``cache[1]['Wq']``).
    """
    saved = copied(args)
    getattr(nn, name)(*args)
    for label, before, after in zip(labels, saved, args, strict=True):
        assert_all_unchanged(before, after, label)


def forward_cache(nn, forward: str, backward: str, args: tuple, probe: tuple = (None, None)):
    """``nn.<forward>(*args)``, i.e. ``(out, cache)``, for a check of ``backward``; names the exercise to do first.

    When the forward is not done yet, the backward is tried once on
    ``probe`` (a ``(dout, cache)`` it cannot use), so that a backward that is
    still a stub names its own exercise; otherwise the failure says that the
    forward's exercise comes first.
    """
    try:
        return getattr(nn, forward)(*args)
    except NotImplementedError as exc:
        try:
            getattr(nn, backward)(*probe)
        except NotImplementedError:
            raise
        except Exception:  # noqa: S110 - an implemented backward cannot use the probe: its answer does not matter
            pass
        from nnlib.exercises import by_function

        ex = by_function(forward)
        reason = str(exc).splitlines()[0] if str(exc) else "NotImplementedError"
        raise CheckFailure(f"{backward} needs the cache of your {forward} (exercise {ex.id}), which is not "
                           f"finished: {reason}") from None


def forward_then_backward(nn, forward: str, backward: str, args: tuple, dout):
    """Run ``nn.<forward>(*args)``, then ``nn.<backward>(dout, cache)``: ``(out, grads)`` (see :func:`forward_cache`)."""
    out, cache = forward_cache(nn, forward, backward, args)
    return out, getattr(nn, backward)(dout, cache)


def check_gradient(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    analytic: np.ndarray,
    *,
    name: str = "x",
    eps: float = 1e-6,
    tol: float = 1e-6,
    floor: float = 1e-2,
) -> None:
    """Compare an analytic gradient with central differences, in float64.

    The numerical gradient is ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``
    for every entry i, and entry i is compared by the relative error
    ``|a - n| / max(|a|, |n|, floor)``: the difference as a fraction of the
    gradient's own size, except that sizes below ``floor`` = 0.01 count as
    0.01. The floor avoids 0/0 where both are 0, and keeps the rounding noise
    of the numerical slope (about 1e-10 to 1e-9 in float64 with eps = 1e-6)
    from looking like a large relative error where the true gradient is 0.
    The measure is the one of exercise 6.6 (``nnlib.layers.gradient_check``)
    and of the verdict table in chapter 6, section 'Checking gradients':
    above ``tol`` = 1e-6 the gradient is wrong, not imprecise. A small
    gradient that is 100% wrong is caught: analytic 2e-5 against a true 1e-5
    scores 1e-5 / 0.01 = 1e-3.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar loss.
    x : ndarray
        Point at which to differentiate (copied to float64; not modified).
    analytic : ndarray of the same shape as x
        The gradient to test.
    name : str
        Name of the parameter, for the message.
    eps : float
        The nudge of the central differences.
    tol : float
        Largest relative error accepted.
    floor : float
        Smallest size the difference is divided by.

    Raises
    ------
    CheckFailure
        Naming the worst entry with its two values (in a hidden check, only
        the parameter's name).
    """
    x = np.array(x, dtype=np.float64)
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != x.shape and _HIDDEN[0]:
        raise CheckFailure(f"gradient with respect to {name} should have the shape of {name}: "
                           f"{_shape_hint(analytic.shape, x.shape)}")
    if analytic.shape != x.shape:
        raise CheckFailure(
            f"gradient with respect to {name} has shape {analytic.shape}, "
            f"expected {x.shape} (the shape of {name}): {_shape_hint(analytic.shape, x.shape)}"
        )
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = float(f(x))
        x[i] = old - eps
        down = float(f(x))
        x[i] = old
        numeric[i] = (up - down) / (2 * eps)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    rel = np.abs(analytic - numeric) / scale
    if np.isnan(rel).any():  # a NaN in the analytic gradient (or in f) is never right
        rel = np.where(np.isnan(rel), np.inf, rel)
    worst = np.unravel_index(int(np.argmax(rel)), rel.shape)
    if rel[worst] > tol and _HIDDEN[0]:
        raise CheckFailure(f"gradient with respect to {name} is wrong (it disagrees with central differences)")
    if rel[worst] > tol:
        raise CheckFailure(
            f"gradient with respect to {name} is wrong at index {tuple(int(i) for i in worst)}: "
            f"analytic {analytic[worst]:.6g}, central difference {numeric[worst]:.6g} "
            f"(relative error {rel[worst]:.2g} > {tol:g}, "
            f"the error being |a - n| / max(|a|, |n|, {floor:g}))"
        )


# --------------------------------------------------------------------------
# Time limits
# --------------------------------------------------------------------------


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise CheckTimeout if the body uses more than ``seconds`` of CPU time.

    CPU time, not time on the clock: on a busy machine a correct function
    takes longer by the clock but not in CPU time, so it never times out
    because other work shares the machine, while an endless loop still
    stops. Uses SIGPROF, so it works in the main thread on POSIX systems
    (terminals, Jupyter kernels, nbgrader) and silently does nothing
    elsewhere. Limits nest: an outer timer that is already running keeps its
    deadline. (The grading sandbox has limits of its own for student code.)
    """
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _expire(signum, frame):
        raise CheckTimeout(f"took longer than {seconds:g} s")

    outer_left = signal.getitimer(signal.ITIMER_PROF)[0]
    started = time.process_time()
    previous = signal.signal(signal.SIGPROF, _expire)
    signal.setitimer(signal.ITIMER_PROF, min(seconds, outer_left) if outer_left else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if outer_left:  # give the outer limit what remains of its time
            signal.setitimer(signal.ITIMER_PROF, max(outer_left - (time.process_time() - started), 1e-3))


# --------------------------------------------------------------------------
# The registry of checks
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One named property of one exercise."""

    exercise: str
    title: str
    run: Callable[[object], None]
    hidden: bool = False


_REGISTRY: dict[bool, dict[str, dict[str, Check]]] = {False: {}, True: {}}
_COLLECTING = [False]


def check(exercise: str, title: str) -> Callable:
    """Register a visible check of ``exercise`` (decorator)."""

    def register(fn: Callable[[object], None]) -> Callable[[object], None]:
        _REGISTRY[False].setdefault(exercise, {})[title] = Check(exercise, title, fn, False)
        return fn

    return register


def hidden_check(exercise: str, title: str) -> Callable:
    """Register a hidden check (decorator): its messages never show values."""

    def register(fn: Callable[[object], None]) -> Callable[[object], None]:
        _REGISTRY[True].setdefault(exercise, {})[title] = Check(exercise, title, fn, True)
        return fn

    return register


def registered(exercise: str, *, hidden: bool = False) -> list[Check]:
    """The checks registered so far for ``exercise``."""
    return list(_REGISTRY[hidden].get(exercise, {}).values())


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Register hidden checks without running them (used by the test suite)."""
    _COLLECTING[0] = True
    try:
        yield
    finally:
        _COLLECTING[0] = False


# --------------------------------------------------------------------------
# Which earlier function is to blame?
# --------------------------------------------------------------------------

#: function name -> a quick test of it (raises CheckFailure when it is wrong).
_QUICK: dict[str, Callable[[object], None]] = {}


def quick(function: str) -> Callable:
    """Register a quick test of ``function`` (decorator), used by :func:`needs`.

    Register one, in the function's own check module, for every exercise that
    other exercises call. It takes the ``nn`` namespace and raises on a wrong
    answer, like a check, but it is never graded itself.
    """

    def register(fn: Callable[[object], None]) -> Callable[[object], None]:
        _QUICK[function] = fn
        return fn

    return register


def _quick_test(function: str) -> Callable[[object], None] | None:
    """The quick test of ``function``, importing its check module if needed."""
    if function not in _QUICK:
        import importlib

        from nnlib.exercises import by_function

        with contextlib.suppress(ImportError, KeyError):
            importlib.import_module(f"nnlib.checks.{by_function(function).module}")
    return _QUICK.get(function)


def broken_prerequisite(nn, names: Iterable[str]) -> str | None:
    """The first function among ``names`` that fails its quick test, as a sentence (or None)."""
    from nnlib.exercises import by_function

    for name in names:
        ex, test = by_function(name), _quick_test(name)
        if test is None:
            continue
        try:
            with np.errstate(all="ignore"):
                test(nn)
        except NotImplementedError:
            return f"it needs {name} (exercise {ex.id}), which is not done yet: do exercise {ex.id} first"
        except Exception as exc:  # any mistake in the earlier function
            reason = str(exc).splitlines()[0] if isinstance(exc, CheckFailure) else f"it raised {type(exc).__name__}"
            return (
                f"it needs {name} (exercise {ex.id}), which fails a quick test ({reason}). "
                f"Fix {name} first: check(\"{ex.id}\") in the notebook, or python -m nnlib check {ex.id}"
            )
    return None


def needs(*names: str) -> Callable:
    """Decorator for a check of a function that calls ``names``: blame a broken one.

    When the check fails for any reason other than the function under test
    being a stub, the earlier functions are tried on their quick tests
    (:func:`quick`), and the first wrong one is named in the failure message,
    so the learner knows which function to fix first.
    """

    def wrap(run):
        @functools.wraps(run)
        def checked(nn):
            try:
                run(nn)
            except Exception as exc:
                text = str(exc)
                if isinstance(exc, NotImplementedError) and "implement" in text and not any(
                    f"implement {name} " in text for name in names
                ):
                    raise  # the function under test is still a stub: nothing else to blame
                if "the cause may be earlier" in text:
                    raise  # an inner needs() has already named the culprit
                blame = broken_prerequisite(nn, names)
                if blame is None:
                    raise
                first = text.splitlines()[0] if text else type(exc).__name__
                if not isinstance(exc, CheckFailure | NotImplementedError):
                    # In a hidden check, an error of the check's own code on the student's answer (NumPy's
                    # "could not be broadcast together with shapes (5,3) (0,4444)") quotes shapes the student
                    # chose and the hidden inputs' shapes: its type is enough, as in _diagnose.
                    first = f"raised {type(exc).__name__}" + ("" if _HIDDEN[0] else f": {first}")
                raise CheckFailure(f"{first}\n... but the cause may be earlier: {blame}") from exc

        return checked

    return wrap


# --------------------------------------------------------------------------
# Running checks and reporting
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    """The verdict of one check."""

    check: Check
    passed: bool
    message: str = ""


@dataclass
class Report:
    """Outcomes of the checks of one or more exercises."""

    outcomes: list[Outcome] = field(default_factory=list)
    hidden: bool = False

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(o.passed for o in self.outcomes)

    def render(self, *, mention_hidden: bool = True) -> str:
        """Human-readable report: one line per check, then a summary.

        ``mention_hidden=False`` drops the reminder that hidden checks exist,
        for a grading report whose hidden checks follow right below.
        """
        from nnlib.exercises import select

        lines = []
        current = None
        for o in self.outcomes:
            if o.check.exercise != current:
                current = o.check.exercise
                ex = select(current)[0]
                kind = "hidden checks" if self.hidden else "checks"
                lines.append(f"Exercise {ex.id}: {ex.function} ({ex.path}), {kind}")
            mark = "PASS" if o.passed else "FAIL"
            lines.append(f"  {mark}  {o.check.title}")
            if not o.passed:
                lines.extend("        " + line for line in o.message.splitlines())
        n_pass = sum(o.passed for o in self.outcomes)
        if self.hidden:
            lines.append(f"{n_pass} of {len(self.outcomes)} hidden checks passed.")
        else:
            reminder = " Hidden checks also run when the exercise is graded." if mention_hidden else ""
            lines.append(f"{n_pass} of {len(self.outcomes)} visible checks passed.{reminder}")
        return "\n".join(lines)


class ChecksFailed(AssertionError):
    """Raised after the report when a check failed (this fails a graded cell).

    IPython shows only the message, not a traceback, because the report above
    already says everything and the traceback of the check code is noise (or,
    for hidden checks, a secret).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"ChecksFailed: {self}"]


def _diagnose(exc: BaseException, hidden: bool) -> str:
    """Turn an exception raised during a check into a learner's message."""
    from nnlib.exercises import EXERCISES

    if isinstance(exc, CheckFailure) and not (hidden and getattr(exc, "from_student", False)):
        return str(exc)
    if isinstance(exc, CheckTimeout):
        return (
            f"timed out: the function {exc}. Look for a loop that never ends"
        )
    if isinstance(exc, NotImplementedError):
        text = str(exc)
        todo = next((ex.todo for ex in EXERCISES if ex.todo in text), None)
        if todo:
            return f"not done yet: {todo if hidden else text}"
        return "raised NotImplementedError" if hidden else f"raised NotImplementedError: {text}"
    if hidden:  # the student's own text may carry the hidden inputs: its type is enough
        return f"raised {type(exc).__name__}"
    # An error inside the learner's function: say where, in their file.
    message = f"raised {type(exc).__name__}: {exc}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/checks/" not in f.filename]
    own = [f for f in frames if "nnlib" in f.filename and not f.filename.endswith("testing.py")]
    if own:
        last = own[-1]
        message += f"\n    at {last.filename.split('nnlib')[-1].lstrip('/')} line {last.lineno}: {last.line}"
    return message


def run_one(chk: Check, nn: object, *, timeout: float = CHECK_TIMEOUT) -> Outcome:
    """Run one check against the namespace ``nn`` and return its verdict.

    When the exercise calls other exercises (``Exercise.calls``), a failure
    also names the first of those that fails its quick test.
    """
    from nnlib.exercises import select

    calls = select(chk.exercise)[0].calls
    run = needs(*calls)(chk.run) if calls else chk.run
    _HIDDEN[0] = chk.hidden
    try:
        with np.errstate(all="ignore"), time_limit(timeout):
            run(nn)
    except (Exception, CheckTimeout) as exc:  # the verdict, whatever went wrong
        return Outcome(chk, False, _bounded(_diagnose(exc, chk.hidden)))
    finally:
        _HIDDEN[0] = False
    return Outcome(chk, True)


def _bounded(message: str, limit: int = 2000) -> str:
    """A failure message short enough for any report (a student's text can be huge)."""
    return message if len(message) <= limit else message[:limit] + " [...]"


def run_checks(
    exercises: Iterable[str],
    nn: object,
    *,
    hidden: bool = False,
    timeout: float = CHECK_TIMEOUT,
) -> Report:
    """Run the registered checks of ``exercises`` against the namespace ``nn``.

    Every check runs even when an earlier one failed, each under its own time
    limit, so one broken function never hides the verdicts on the others. After
    a time-out the remaining checks of that exercise are skipped: a function
    that never returns would only time out again.
    """
    report = Report(hidden=hidden)
    for exercise in exercises:
        timed_out = False
        for chk in registered(exercise, hidden=hidden):
            if timed_out:
                report.outcomes.append(Outcome(chk, False, "not run: an earlier check of this exercise timed out"))
                continue
            outcome = run_one(chk, nn, timeout=timeout)
            timed_out = outcome.message.startswith("timed out")
            report.outcomes.append(outcome)
    return report


def run_hidden(exercise: str) -> None:
    """Run the hidden checks of ``exercise`` on the learner's nnlib.

    Called at the end of the hidden region of a graded notebook cell, after
    the region has registered its checks. Prints a report that names each
    failed check and its diagnosis but shows no hidden input or value.
    """
    if _COLLECTING[0]:
        return
    from nnlib.checking import learner_functions

    report = run_checks([exercise], learner_functions(), hidden=True)
    print(report.render())
    if not report.passed:
        failed = sum(not o.passed for o in report.outcomes)
        raise ChecksFailed(f"{failed} hidden check(s) of exercise {exercise} failed")
