"""Run a student's nnlib functions in a separate, limited process (work in progress).

The trusted grader keeps the checks and computes every verdict; the
student's code runs only in a worker process (:mod:`worker`) started inside
new Linux namespaces with resource limits (:mod:`runner`). Only plain data
crosses between them (:mod:`protocol`): numbers, strings, NumPy arrays of
numbers, and tuples or lists of those, encoded without pickle.

``runner.SandboxFunctions(submission)`` is a drop-in for the ``nn``
namespace every check receives, so the same checks run in a notebook, in a
terminal and here; ``autograde.SandboxedChecks`` plugs it into nbgrader.

This package imports nothing itself: the worker imports ``protocol`` inside
the sandbox, where the grader's own ``nnlib`` is not visible.
"""
