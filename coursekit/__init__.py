"""coursekit: the maintainers' and instructors' tools for the course.

- ``bootstrap``: set up ``.venv`` with only the standard library (README commands).
- ``generate``: ``solutions/`` -> ``nnlib/`` stubs (beside ``nnlib/``'s hand-written files) and ``chapters/`` pages.
- ``assignment``: a chapter -> an nbgrader source assignment.
- ``grading``: nbgrader settings computed from the files, feedback redaction.
- ``cli``: ``python3 -m coursekit ...``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
