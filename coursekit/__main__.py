"""``python3 -m coursekit COMMAND``: runs in ``.venv``, creating it first if needed."""

import os
import sys

from coursekit.bootstrap import in_venv, reexec_in_venv

if __name__ == "__main__":
    if not in_venv() and not os.environ.get("NNFS_USE_CURRENT_PYTHON"):
        reexec_in_venv(sys.argv[1:])
    from coursekit.cli import main

    sys.exit(main(sys.argv[1:]))
