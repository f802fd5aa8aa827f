"""Run a student's nnlib functions in a separate, limited process.

The trusted grader keeps the checks and computes every verdict; the
student's code runs only in a worker process (:mod:`worker`) started under
bubblewrap with no capabilities, an account of its own, a minimal read-only
view of the system and resource limits (:mod:`runner`). Only plain data
crosses between them (:mod:`protocol`): numbers, strings, NumPy arrays of
numbers, and tuples or lists of those, encoded without pickle.

``runner.SandboxFunctions(submission)`` is a drop-in for the ``nn``
namespace every check receives, so the same checks run in a notebook, in a
terminal and here; :mod:`verdicts` grades the check cells of one submission
(in parallel for many, or on a Dask cluster with :mod:`cluster`), and
``autograde.SandboxedChecks`` plugs it into nbgrader.

This package imports nothing itself: the worker imports ``protocol`` inside
the sandbox, where the grader's own ``nnlib`` is not visible.
"""
