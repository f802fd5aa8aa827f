"""Run a student's nnlib functions in a separate, limited process (work in progress).

The trusted grader keeps the checks and computes every verdict; the
student's code runs only in a worker process (:mod:`worker`) started inside
new Linux namespaces with resource limits (:mod:`runner`). Only plain data
crosses between them (:mod:`protocol`): numbers, strings, NumPy arrays of
numbers, and tuples or lists of those, encoded without pickle.

``SandboxFunctions(submission)`` is a drop-in for the ``nn`` namespace every
check receives, so the same checks run in a notebook, in a terminal and here.
Not yet wired into ``nbgrader autograde`` (see the README's instructor notes).
"""

from coursekit.sandbox.runner import SandboxFunctions, WorkerFault

__all__ = ["SandboxFunctions", "WorkerFault"]
